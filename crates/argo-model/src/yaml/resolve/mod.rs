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

mod patterns;

use patterns::{
    is_dot_inf, is_dot_nan, is_go_int, is_go_timestamp, is_null_word, is_pyyaml_bool,
    is_pyyaml_float, is_pyyaml_int, is_pyyaml_timestamp, is_true_false, is_yaml_style_float,
    strip_sign, without_underscores,
};

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
    // Every rule below applies only to text starting with one of these bytes (or empty), and
    // text starting with a letter only when it is one of the words (at most five letters).
    let Some(&first) = text.as_bytes().first() else {
        return true;
    };
    match first {
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' if text.len() > 5 => {
            return false;
        }
        b'y'
        | b'Y'
        | b'n'
        | b'N'
        | b't'
        | b'T'
        | b'f'
        | b'F'
        | b'o'
        | b'O'
        | b'~'
        | b'0'..=b'9'
        | b'+'
        | b'-'
        | b'.'
        | b'<'
        | b'='
        | b'!'
        | b'&'
        | b'*' => {}
        _ => return false,
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
