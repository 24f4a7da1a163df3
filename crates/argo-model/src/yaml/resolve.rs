//! Which plain (unquoted) scalars a YAML reader reads as something other than a string.
//!
//! Each reader that may read a manifest we write has its own rules; a string is written plainly
//! only when none of them applies ([`is_ambiguous`] is false):
//!
//! - **YAML 1.1** (kubectl and the argo CLI through go-yaml, PyYAML, ...): PyYAML's implicit
//!   resolvers ([`pyyaml`], a port of `yaml/resolver.py`), plus the bools `y`, `Y`, `n`, `N` of
//!   the YAML 1.1 type repository (<https://yaml.org/type/bool.html>), which go-yaml v2 reads.
//!   The repository's base-10 float regex (`[-+]?([0-9][0-9_]*)?\.[0-9.]*...`) would also make
//!   `.` and `1.2.3` floats; no reader does that (PyYAML, go-yaml, SnakeYAML and Psych all read
//!   them as strings), so they stay plain.
//! - **YAML 1.2 core schema** ([`yaml12_core`], spec 1.2.2 §10.3.2).
//! - **go-yaml v2 and v3** ([`go_yaml`], `resolve.go`): underscores are dropped before numbers
//!   are parsed, Go's integer syntax (`0X1F`, `0B1`, `0O7`, `017`), dates with one-digit fields.
//! - **`serde_norway`**, this crate's reader ([`crate::yaml_values`]): Rust's integer and float
//!   syntax; everything it quoted before this module existed is still quoted.

/// A type that a YAML reader may give a plain scalar instead of a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Implicit {
    /// `tag:yaml.org,2002:bool`.
    Bool,
    /// `tag:yaml.org,2002:float`.
    Float,
    /// `tag:yaml.org,2002:int`.
    Int,
    /// `tag:yaml.org,2002:merge` (`<<`).
    Merge,
    /// `tag:yaml.org,2002:null`.
    Null,
    /// `tag:yaml.org,2002:timestamp`.
    Timestamp,
    /// `tag:yaml.org,2002:value` (`=`).
    Value,
    /// `tag:yaml.org,2002:yaml` (`!`, `&`, `*`; never plain in practice).
    Yaml,
}

impl Implicit {
    /// The tag's name after `tag:yaml.org,2002:`, e.g. `bool`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Bool => "bool",
            Self::Float => "float",
            Self::Int => "int",
            Self::Merge => "merge",
            Self::Null => "null",
            Self::Timestamp => "timestamp",
            Self::Value => "value",
            Self::Yaml => "yaml",
        }
    }
}

/// Whether some YAML reader (1.1, 1.2 core, go-yaml, `serde_norway`) reads the plain scalar `text`
/// as something other than the string `text`: such a string must be quoted.
///
/// ```
/// use argo_model::yaml::is_ambiguous;
/// for s in ["yes", "off", "y", "1_000", "0x1F", "017", "1:30", "2024-01-01", ".inf", "~", "=", "<<", ""] {
///     assert!(is_ambiguous(s), "{s}");
/// }
/// for s in ["hello", "yes please", "v1.2", "a=b", "1a", "registry.example/demo:v1"] {
///     assert!(!is_ambiguous(s), "{s}");
/// }
/// ```
pub fn is_ambiguous(text: &str) -> bool {
    // Every rule below applies only to text starting with one of these bytes (or empty).
    let Some(&first) = text.as_bytes().first() else {
        return true;
    };
    if !b"yYnNtTfFoO~0123456789+-.<=!&*".contains(&first) {
        return false;
    }
    pyyaml(text).is_some()
        || matches!(text, "y" | "Y" | "n" | "N")
        || yaml12_core(text).is_some()
        || go_yaml(text).is_some()
        || serde_norway(text)
}

/// The type PyYAML's `Resolver` gives the plain scalar `text` (YAML 1.1), `None` for a string.
///
/// A port of the implicit resolvers of PyYAML's `yaml/resolver.py` (bool, float, int, merge,
/// null, timestamp, value, yaml), tried in PyYAML's order on the resolvers registered for the
/// first character; like Python's `$`, a pattern may end before one final line break.
///
/// ```
/// use argo_model::yaml::{Implicit, pyyaml};
/// assert_eq!(pyyaml("on"), Some(Implicit::Bool));
/// assert_eq!(pyyaml("190:20:30"), Some(Implicit::Int));
/// assert_eq!(pyyaml("1e5"), None); // a float needs a point in YAML 1.1
/// ```
pub fn pyyaml(text: &str) -> Option<Implicit> {
    let s = text.as_bytes();
    let Some(&first) = s.first() else {
        return Some(Implicit::Null);
    };
    if s == b"\n" {
        return None;
    }
    let body = s.strip_suffix(b"\n").unwrap_or(s);
    match first {
        b'y' | b'Y' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' => {
            is_pyyaml_bool(body).then_some(Implicit::Bool)
        }
        b'n' | b'N' => {
            if is_pyyaml_bool(body) {
                Some(Implicit::Bool)
            } else {
                is_null_word(body).then_some(Implicit::Null)
            }
        }
        b'~' => (body == b"~").then_some(Implicit::Null),
        b'.' => is_pyyaml_float(body).then_some(Implicit::Float),
        b'-' | b'+' => {
            if is_pyyaml_float(body) {
                Some(Implicit::Float)
            } else {
                is_pyyaml_int(body).then_some(Implicit::Int)
            }
        }
        b'0'..=b'9' => {
            if is_pyyaml_float(body) {
                Some(Implicit::Float)
            } else if is_pyyaml_int(body) {
                Some(Implicit::Int)
            } else {
                is_pyyaml_timestamp(body).then_some(Implicit::Timestamp)
            }
        }
        b'<' => (body == b"<<").then_some(Implicit::Merge),
        b'=' => (body == b"=").then_some(Implicit::Value),
        b'!' | b'&' | b'*' => (body.len() == 1).then_some(Implicit::Yaml),
        _ => None,
    }
}

/// The type the YAML 1.2 core schema gives the plain scalar `text`, `None` for a string.
///
/// ```
/// use argo_model::yaml::{Implicit, yaml12_core};
/// assert_eq!(yaml12_core("0o17"), Some(Implicit::Int));
/// assert_eq!(yaml12_core("1e5"), Some(Implicit::Float));
/// assert_eq!(yaml12_core("yes"), None);
/// ```
pub fn yaml12_core(text: &str) -> Option<Implicit> {
    let s = text.as_bytes();
    if s.is_empty() || s == b"~" || is_null_word(s) {
        return Some(Implicit::Null);
    }
    if is_true_false(s) {
        return Some(Implicit::Bool);
    }
    let unsigned = strip_sign(s);
    let int = (!unsigned.is_empty() && unsigned.iter().all(u8::is_ascii_digit))
        || s.strip_prefix(b"0o")
            .is_some_and(|r| !r.is_empty() && r.iter().all(|b| (b'0'..=b'7').contains(b)))
        || s.strip_prefix(b"0x")
            .is_some_and(|r| !r.is_empty() && r.iter().all(u8::is_ascii_hexdigit));
    if int {
        return Some(Implicit::Int);
    }
    (is_yaml_style_float(s) || is_dot_inf(unsigned) || is_dot_nan(s)).then_some(Implicit::Float)
}

/// The type go-yaml (v2 or v3, `resolve.go`) may give the plain scalar `text`, `None` for a
/// string. A superset: dates and numbers are checked by syntax, not range.
///
/// ```
/// use argo_model::yaml::{Implicit, go_yaml};
/// assert_eq!(go_yaml("1_000"), Some(Implicit::Int));
/// assert_eq!(go_yaml("0X1F"), Some(Implicit::Int));
/// assert_eq!(go_yaml("2024-1-2"), Some(Implicit::Timestamp));
/// assert_eq!(go_yaml("08"), Some(Implicit::Float)); // not octal, but `yamlStyleFloat`
/// ```
pub fn go_yaml(text: &str) -> Option<Implicit> {
    let s = text.as_bytes();
    // `resolveMap` of go-yaml v2 (v3 drops the YAML 1.1 bools from it).
    if is_pyyaml_bool(s) || matches!(s, b"y" | b"Y" | b"n" | b"N") {
        return Some(Implicit::Bool);
    }
    if s.is_empty() || s == b"~" || is_null_word(s) {
        return Some(Implicit::Null);
    }
    if is_dot_inf(strip_sign(s)) || is_dot_nan(s) {
        return Some(Implicit::Float);
    }
    if s == b"<<" {
        return Some(Implicit::Merge);
    }
    match s[0] {
        b'.' => is_yaml_style_float(&without_underscores(s)).then_some(Implicit::Float),
        b'0'..=b'9' | b'+' | b'-' => {
            if is_go_timestamp(s) {
                return Some(Implicit::Timestamp);
            }
            let plain = without_underscores(s);
            if is_go_int(&plain) {
                Some(Implicit::Int)
            } else {
                is_yaml_style_float(&plain).then_some(Implicit::Float)
            }
        }
        _ => None,
    }
}

/// Whether `serde_norway`'s writer quoted `text` (a string without a line feed) before this
/// module existed: what its reader (`visit_untagged_scalar`) reads as null, a bool, an integer
/// or a float, and digits with a leading zero. Kept so that no string loses its quotes.
pub(crate) fn serde_norway(text: &str) -> bool {
    if text.is_empty() || matches!(text, "null" | "Null" | "NULL" | "~") {
        return true;
    }
    if is_true_false(text.as_bytes()) {
        return true;
    }
    let Some(&first) = text.as_bytes().first() else {
        return true;
    };
    if !matches!(first, b'0'..=b'9' | b'+' | b'-' | b'.') {
        return false;
    }
    norway_unsigned_int(text)
        || norway_negative_int(text)
        || digits_but_not_number(text)
        || norway_f64(text)
}

/// `serde_norway`'s `parse_unsigned_int` (with `u128`, which accepts all `u64` does).
fn norway_unsigned_int(s: &str) -> bool {
    let unpositive = s.strip_prefix('+').unwrap_or(s);
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(rest) = unpositive.strip_prefix(prefix) {
            if rest.starts_with(['+', '-']) {
                return false;
            }
            if u128::from_str_radix(rest, radix).is_ok() {
                return true;
            }
        }
    }
    if unpositive.starts_with(['+', '-']) || digits_but_not_number(s) {
        return false;
    }
    unpositive.parse::<u128>().is_ok()
}

/// `serde_norway`'s `parse_negative_int` (with `i128`, which accepts all `i64` does).
fn norway_negative_int(s: &str) -> bool {
    for (prefix, radix) in [("-0x", 16), ("-0o", 8), ("-0b", 2)] {
        if let Some(rest) = s.strip_prefix(prefix)
            && i128::from_str_radix(&format!("-{rest}"), radix).is_ok()
        {
            return true;
        }
    }
    !digits_but_not_number(s) && s.parse::<i128>().is_ok()
}

/// `serde_norway`'s `parse_f64`: a finite float in Rust's syntax, or a `.inf`/`.nan` form.
fn norway_f64(s: &str) -> bool {
    let unpositive = match s.strip_prefix('+') {
        Some(rest) if rest.starts_with(['+', '-']) => return false,
        Some(rest) => rest,
        None => s,
    };
    matches!(unpositive, ".inf" | ".Inf" | ".INF")
        || matches!(s, "-.inf" | "-.Inf" | "-.INF" | ".nan" | ".NaN" | ".NAN")
        || unpositive.parse::<f64>().is_ok_and(f64::is_finite)
}

/// `serde_norway`'s `digits_but_not_number`: a sign, a leading zero and more digits.
fn digits_but_not_number(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    s.len() > 1 && s.starts_with('0') && s[1..].bytes().all(|b| b.is_ascii_digit())
}

fn is_pyyaml_bool(s: &[u8]) -> bool {
    matches!(
        s,
        b"yes"
            | b"Yes"
            | b"YES"
            | b"no"
            | b"No"
            | b"NO"
            | b"true"
            | b"True"
            | b"TRUE"
            | b"false"
            | b"False"
            | b"FALSE"
            | b"on"
            | b"On"
            | b"ON"
            | b"off"
            | b"Off"
            | b"OFF"
    )
}

fn is_true_false(s: &[u8]) -> bool {
    matches!(
        s,
        b"true" | b"True" | b"TRUE" | b"false" | b"False" | b"FALSE"
    )
}

fn is_null_word(s: &[u8]) -> bool {
    matches!(s, b"null" | b"Null" | b"NULL")
}

fn is_dot_inf(s: &[u8]) -> bool {
    matches!(s, b".inf" | b".Inf" | b".INF")
}

fn is_dot_nan(s: &[u8]) -> bool {
    matches!(s, b".nan" | b".NaN" | b".NAN")
}

/// PyYAML's float regex:
/// `[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?` | `\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?` |
/// `[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*` | `[-+]?\.(?:inf|Inf|INF)` | `\.(?:nan|NaN|NAN)`.
fn is_pyyaml_float(s: &[u8]) -> bool {
    if is_dot_nan(s) {
        return true;
    }
    if let Some(rest) = s.strip_prefix(b".")
        && rest.first().is_some_and(u8::is_ascii_digit)
    {
        return is_signed_exponent_or_end(&rest[span(rest, is_digit_or_underscore)..]);
    }
    let s = strip_sign(s);
    if is_dot_inf(s) {
        return true;
    }
    if !s.first().is_some_and(u8::is_ascii_digit) {
        return false;
    }
    let after_int = &s[1 + span(&s[1..], is_digit_or_underscore)..];
    if let Some(fraction) = after_int.strip_prefix(b".") {
        return is_signed_exponent_or_end(&fraction[span(fraction, is_digit_or_underscore)..]);
    }
    sexagesimal(after_int)
        .and_then(|rest| rest.strip_prefix(b"."))
        .is_some_and(|fraction| span(fraction, is_digit_or_underscore) == fraction.len())
}

/// PyYAML's int regex: `[-+]?0b[0-1_]+` | `[-+]?0[0-7_]+` | `[-+]?(?:0|[1-9][0-9_]*)` |
/// `[-+]?0x[0-9a-fA-F_]+` | `[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+`.
fn is_pyyaml_int(s: &[u8]) -> bool {
    let s = strip_sign(s);
    let all_nonempty =
        |rest: &[u8], ok: fn(u8) -> bool| !rest.is_empty() && span(rest, ok) == rest.len();
    if let Some(rest) = s.strip_prefix(b"0b") {
        return all_nonempty(rest, |b| matches!(b, b'0' | b'1' | b'_'));
    }
    if let Some(rest) = s.strip_prefix(b"0x") {
        return all_nonempty(rest, |b| b.is_ascii_hexdigit() || b == b'_');
    }
    if let Some(rest) = s.strip_prefix(b"0") {
        return rest.is_empty() || all_nonempty(rest, |b| matches!(b, b'0'..=b'7' | b'_'));
    }
    if !matches!(s.first(), Some(b'1'..=b'9')) {
        return false;
    }
    let rest = &s[1 + span(&s[1..], is_digit_or_underscore)..];
    rest.is_empty() || sexagesimal(rest).is_some_and(<[u8]>::is_empty)
}

/// PyYAML's timestamp regex: `[0-9]{4}-[0-9]{2}-[0-9]{2}` |
/// `[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?`
/// `(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?`.
fn is_pyyaml_timestamp(s: &[u8]) -> bool {
    let mut c = Cursor(s);
    if !(c.digits(4, 4) && c.eat(b'-')) {
        return false;
    }
    let mut date_only = c;
    if date_only.digits(2, 2)
        && date_only.eat(b'-')
        && date_only.digits(2, 2)
        && date_only.0.is_empty()
    {
        return true;
    }
    if !(c.digits(1, 2) && c.eat(b'-') && c.digits(1, 2)) {
        return false;
    }
    if !(c.eat(b'T') || c.eat(b't') || c.blanks() > 0) {
        return false;
    }
    if !(c.digits(1, 2) && c.eat(b':') && c.digits(2, 2) && c.eat(b':') && c.digits(2, 2)) {
        return false;
    }
    if c.eat(b'.') {
        c.digits(0, usize::MAX);
    }
    if c.0.is_empty() {
        return true;
    }
    c.blanks();
    if c.eat(b'Z') {
        return c.0.is_empty();
    }
    if !(c.eat(b'-') || c.eat(b'+')) || !c.digits(1, 2) {
        return false;
    }
    if c.eat(b':') && !c.digits(2, 2) {
        return false;
    }
    c.0.is_empty()
}

/// go-yaml's `parseTimestamp`: `time.Parse` with one of the layouts `2006-1-2T15:4:5.999999999Z07:00`
/// (or with `t`), `2006-1-2 15:4:5.999999999` and `2006-1-2`; field ranges are not checked.
fn is_go_timestamp(s: &[u8]) -> bool {
    let mut c = Cursor(s);
    if !(c.digits(4, 4) && c.eat(b'-') && c.digits(1, 2) && c.eat(b'-') && c.digits(1, 2)) {
        return false;
    }
    if c.0.is_empty() {
        return true;
    }
    let zoned = c.eat(b'T') || c.eat(b't');
    if !zoned && !c.eat(b' ') {
        return false;
    }
    if !(c.digits(1, 2) && c.eat(b':') && c.digits(1, 2) && c.eat(b':') && c.digits(1, 2)) {
        return false;
    }
    if c.eat(b'.') {
        c.digits(0, usize::MAX);
    }
    if zoned
        && !c.eat(b'Z')
        && !((c.eat(b'+') || c.eat(b'-')) && c.digits(2, 2) && c.eat(b':') && c.digits(2, 2))
    {
        return false;
    }
    c.0.is_empty()
}

/// A YAML 1.2 core float, go-yaml's `yamlStyleFloat`:
/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`.
fn is_yaml_style_float(s: &[u8]) -> bool {
    let s = strip_sign(s);
    let rest = if let Some(fraction) = s.strip_prefix(b".") {
        let n = span(fraction, |b| b.is_ascii_digit());
        if n == 0 {
            return false;
        }
        &fraction[n..]
    } else {
        let n = span(s, |b| b.is_ascii_digit());
        if n == 0 {
            return false;
        }
        match s[n..].strip_prefix(b".") {
            Some(fraction) => &fraction[span(fraction, |b| b.is_ascii_digit())..],
            None => &s[n..],
        }
    };
    match rest {
        [] => true,
        [b'e' | b'E', exponent @ ..] => {
            let exponent = strip_sign(exponent);
            !exponent.is_empty() && exponent.iter().all(u8::is_ascii_digit)
        }
        _ => false,
    }
}

/// Go's integer syntax (`strconv.ParseInt(s, 0, 64)` without its range check).
fn is_go_int(s: &[u8]) -> bool {
    let s = strip_sign(s);
    let all = |rest: &[u8], ok: fn(&u8) -> bool| !rest.is_empty() && rest.iter().all(ok);
    match s {
        [b'0', b'x' | b'X', rest @ ..] => all(rest, u8::is_ascii_hexdigit),
        [b'0', b'b' | b'B', rest @ ..] => all(rest, |b| matches!(b, b'0' | b'1')),
        [b'0', b'o' | b'O', rest @ ..] => all(rest, |b| matches!(b, b'0'..=b'7')),
        [b'0', rest @ ..] => rest.iter().all(|b| matches!(b, b'0'..=b'7')),
        [b'1'..=b'9', rest @ ..] => rest.iter().all(u8::is_ascii_digit),
        _ => false,
    }
}

/// After one or more `(:[0-5]?[0-9])` groups, the rest; `None` when there is none.
fn sexagesimal(mut s: &[u8]) -> Option<&[u8]> {
    let mut groups = 0;
    while let Some(rest) = s.strip_prefix(b":") {
        s = match rest {
            [b'0'..=b'5', b'0'..=b'9', tail @ ..] | [b'0'..=b'9', tail @ ..] => tail,
            _ => return None,
        };
        groups += 1;
    }
    (groups > 0).then_some(s)
}

/// `(?:[eE][-+][0-9]+)?` followed by the end.
fn is_signed_exponent_or_end(s: &[u8]) -> bool {
    match s {
        [] => true,
        [b'e' | b'E', b'-' | b'+', digits @ ..] => {
            !digits.is_empty() && digits.iter().all(u8::is_ascii_digit)
        }
        _ => false,
    }
}

fn strip_sign(s: &[u8]) -> &[u8] {
    match s {
        [b'-' | b'+', rest @ ..] => rest,
        _ => s,
    }
}

fn without_underscores(s: &[u8]) -> Vec<u8> {
    s.iter().copied().filter(|&b| b != b'_').collect()
}

fn is_digit_or_underscore(b: u8) -> bool {
    b.is_ascii_digit() || b == b'_'
}

/// The length of the longest prefix of `s` whose bytes satisfy `ok`.
fn span(s: &[u8], ok: impl Fn(u8) -> bool) -> usize {
    s.iter().take_while(|&&b| ok(b)).count()
}

/// A cursor for the timestamp pattern.
#[derive(Clone, Copy)]
struct Cursor<'a>(&'a [u8]);

impl Cursor<'_> {
    fn eat(&mut self, byte: u8) -> bool {
        match self.0.split_first() {
            Some((&b, rest)) if b == byte => {
                self.0 = rest;
                true
            }
            _ => false,
        }
    }

    /// Takes between `min` and `max` digits (as many as there are, greedily).
    fn digits(&mut self, min: usize, max: usize) -> bool {
        let n = span(self.0, |b| b.is_ascii_digit()).min(max);
        self.0 = &self.0[n..];
        n >= min
    }

    /// Takes `[ \t]*`; the count taken.
    fn blanks(&mut self) -> usize {
        let n = span(self.0, |b| b == b' ' || b == b'\t');
        self.0 = &self.0[n..];
        n
    }
}
