//! Durations as Argo reads them: Go's `time.ParseDuration` (`1h30m`, `300ms`, `-1.5s`) and
//! `wfv1.ParseStringToDuration` (the same, or a bare number of seconds), which retry backoffs,
//! timeouts and `@every` schedules go through.
//!
//! ```
//! use argo_model::duration::{parse_duration, parse_string_to_duration};
//! use jiff::SignedDuration;
//!
//! assert_eq!(parse_duration("1h30m")?, SignedDuration::from_mins(90));
//! assert_eq!(parse_string_to_duration("10")?, SignedDuration::from_secs(10));
//! let err = parse_duration("1d").unwrap_err();
//! assert_eq!(err.to_string(), r#"time: unknown unit "d" in duration "1d""#);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use jiff::SignedDuration;

pub use crate::error::DurationError;

/// 2^63: one more than the largest Go duration in nanoseconds, the size of the smallest one.
const LIMIT: u64 = 1 << 63;

/// Go's `time.ParseDuration`: an optional sign, then one or more decimal numbers, each with an
/// optional fraction and a unit (`ns`, `us`, `µs`, `μs`, `ms`, `s`, `m`, `h`); `0` alone is
/// zero. Exact to the nanosecond, within ±2^63 ns.
pub fn parse_duration(text: &str) -> Result<SignedDuration, DurationError> {
    let invalid = || DurationError::Invalid {
        text: text.to_owned(),
    };
    let mut s = text.as_bytes();
    let mut negative = false;
    if let [sign @ (b'-' | b'+'), rest @ ..] = s {
        negative = *sign == b'-';
        s = rest;
    }
    if s == b"0" {
        return Ok(SignedDuration::ZERO);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut total: u64 = 0;
    while let [first, ..] = s {
        // The next character must be [0-9.].
        if !(*first == b'.' || first.is_ascii_digit()) {
            return Err(invalid());
        }
        let digits = leading_digits(s);
        let whole = leading_int(&s[..digits]).ok_or_else(invalid)?;
        s = &s[digits..];
        let mut fraction = (0, 1.0);
        let mut fraction_digits = 0;
        if let [b'.', rest @ ..] = s {
            fraction_digits = leading_digits(rest);
            fraction = leading_fraction(&rest[..fraction_digits]);
            s = &rest[fraction_digits..];
        }
        if digits == 0 && fraction_digits == 0 {
            // No digits, as in ".s" or "-.s".
            return Err(invalid());
        }
        let unit_len = s
            .iter()
            .position(|c| *c == b'.' || c.is_ascii_digit())
            .unwrap_or(s.len());
        if unit_len == 0 {
            return Err(DurationError::MissingUnit {
                text: text.to_owned(),
            });
        }
        let (unit, rest) = s.split_at(unit_len);
        s = rest;
        let unit = unit_nanos(unit).ok_or_else(|| DurationError::UnknownUnit {
            unit: String::from_utf8_lossy(unit).into_owned(),
            text: text.to_owned(),
        })?;
        if whole > LIMIT / unit {
            return Err(invalid());
        }
        let mut value = whole * unit;
        let (f, scale) = fraction;
        if f > 0 {
            // Go computes the fraction in float64, which is nanosecond-exact for hours.
            #[allow(
                clippy::cast_precision_loss,
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss
            )]
            let part = (f as f64 * (unit as f64 / scale)) as u64;
            value += part;
            if value > LIMIT {
                return Err(invalid());
            }
        }
        total = total.checked_add(value).ok_or_else(invalid)?;
        if total > LIMIT {
            return Err(invalid());
        }
    }
    match (negative, i64::try_from(total)) {
        (false, Ok(n)) => Ok(SignedDuration::from_nanos(n)),
        (true, Ok(n)) => Ok(SignedDuration::from_nanos(-n)),
        (true, Err(_)) => Ok(SignedDuration::from_nanos(i64::MIN)),
        (false, Err(_)) => Err(invalid()),
    }
}

/// Argo's `wfv1.ParseStringToDuration` (`pkg/apis/workflow/v1alpha1/utils.go`): an integer
/// (Go's `strconv.Atoi`) is a number of seconds; anything else is [`parse_duration`]'s.
pub fn parse_string_to_duration(text: &str) -> Result<SignedDuration, DurationError> {
    match text.parse::<i64>() {
        // `time.Duration(val) * time.Second` wraps around in Go; no Argo field gets that far.
        Ok(secs) => Ok(SignedDuration::from_secs(secs)),
        Err(_) => parse_duration(text),
    }
}

/// The nanoseconds of a unit (`unitMap`).
fn unit_nanos(unit: &[u8]) -> Option<u64> {
    Some(match unit {
        b"ns" => 1,
        // U+00B5 (micro sign) and U+03BC (Greek mu).
        b"us" | b"\xc2\xb5s" | b"\xce\xbcs" => 1_000,
        b"ms" => 1_000_000,
        b"s" => 1_000_000_000,
        b"m" => 60_000_000_000,
        b"h" => 3_600_000_000_000,
        _ => return None,
    })
}

/// How many ASCII digits `s` starts with.
fn leading_digits(s: &[u8]) -> usize {
    s.iter().take_while(|c| c.is_ascii_digit()).count()
}

/// `leadingInt`: the value of `digits`, or `None` past 2^63.
fn leading_int(digits: &[u8]) -> Option<u64> {
    digits.iter().try_fold(0_u64, |x, c| {
        let x = x.checked_mul(10)?.checked_add(u64::from(c - b'0'))?;
        (x <= LIMIT).then_some(x)
    })
}

/// `leadingFraction`: the value of `digits` and its scale (10^n), precision dropped once the
/// value would pass 2^63 - 1.
fn leading_fraction(digits: &[u8]) -> (u64, f64) {
    let mut x: u64 = 0;
    let mut scale = 1.0;
    for c in digits {
        if x > (LIMIT - 1) / 10 {
            break;
        }
        let y = x * 10 + u64::from(c - b'0');
        if y > LIMIT {
            break;
        }
        x = y;
        scale *= 10.0;
    }
    (x, scale)
}

/// Go's `time.quote`: the text in double quotes, `"` and `\` escaped, and each byte of a
/// control or non-ASCII character as `\xNN`.
pub(crate) fn go_quote(text: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if c.is_ascii() && c >= ' ' {
            if matches!(c, '"' | '\\') {
                out.push('\\');
            }
            out.push(c);
        } else {
            let mut buf = [0; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str("\\x");
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0xf)]));
            }
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests;
