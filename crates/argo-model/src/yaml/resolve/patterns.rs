//! The patterns of the resolvers: PyYAML's regexes, YAML 1.2 core's, go-yaml's syntax, as
//! matchers over bytes (each names the regex it matches).

pub(super) fn is_pyyaml_bool(s: &[u8]) -> bool {
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

pub(super) fn is_true_false(s: &[u8]) -> bool {
    matches!(
        s,
        b"true" | b"True" | b"TRUE" | b"false" | b"False" | b"FALSE"
    )
}

pub(super) fn is_null_word(s: &[u8]) -> bool {
    matches!(s, b"null" | b"Null" | b"NULL")
}

pub(super) fn is_dot_inf(s: &[u8]) -> bool {
    matches!(s, b".inf" | b".Inf" | b".INF")
}

pub(super) fn is_dot_nan(s: &[u8]) -> bool {
    matches!(s, b".nan" | b".NaN" | b".NAN")
}

/// PyYAML's float regex:
/// `[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?` | `\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?` |
/// `[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*` | `[-+]?\.(?:inf|Inf|INF)` | `\.(?:nan|NaN|NAN)`.
pub(super) fn is_pyyaml_float(s: &[u8]) -> bool {
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
pub(super) fn is_pyyaml_int(s: &[u8]) -> bool {
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
pub(super) fn is_pyyaml_timestamp(s: &[u8]) -> bool {
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
pub(super) fn is_go_timestamp(s: &[u8]) -> bool {
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
pub(super) fn is_yaml_style_float(s: &[u8]) -> bool {
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
pub(super) fn is_go_int(s: &[u8]) -> bool {
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
pub(super) fn sexagesimal(mut s: &[u8]) -> Option<&[u8]> {
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
pub(super) fn is_signed_exponent_or_end(s: &[u8]) -> bool {
    match s {
        [] => true,
        [b'e' | b'E', b'-' | b'+', digits @ ..] => {
            !digits.is_empty() && digits.iter().all(u8::is_ascii_digit)
        }
        _ => false,
    }
}

pub(super) fn strip_sign(s: &[u8]) -> &[u8] {
    match s {
        [b'-' | b'+', rest @ ..] => rest,
        _ => s,
    }
}

pub(super) fn without_underscores(s: &[u8]) -> Vec<u8> {
    s.iter().copied().filter(|&b| b != b'_').collect()
}

pub(super) fn is_digit_or_underscore(b: u8) -> bool {
    b.is_ascii_digit() || b == b'_'
}

/// The length of the longest prefix of `s` whose bytes satisfy `ok`.
pub(super) fn span(s: &[u8], ok: impl Fn(u8) -> bool) -> usize {
    s.iter().take_while(|&&b| ok(b)).count()
}

/// A cursor for the timestamp pattern.
#[derive(Clone, Copy)]
pub(super) struct Cursor<'a>(pub(super) &'a [u8]);

impl Cursor<'_> {
    pub(super) fn eat(&mut self, byte: u8) -> bool {
        match self.0.split_first() {
            Some((&b, rest)) if b == byte => {
                self.0 = rest;
                true
            }
            _ => false,
        }
    }

    /// Takes between `min` and `max` digits (as many as there are, greedily).
    pub(super) fn digits(&mut self, min: usize, max: usize) -> bool {
        let n = span(self.0, |b| b.is_ascii_digit()).min(max);
        self.0 = &self.0[n..];
        n >= min
    }

    /// Takes `[ \t]*`; the count taken.
    pub(super) fn blanks(&mut self) -> usize {
        let n = span(self.0, |b| b == b' ' || b == b'\t');
        self.0 = &self.0[n..];
        n
    }
}
