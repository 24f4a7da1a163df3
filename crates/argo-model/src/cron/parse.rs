//! robfig/cron v3 `parser.go`, as `ParseStandard` runs it (`Minute | Hour | Dom | Month | Dow
//! | Descriptor`): `Parse`, `normalizeFields`, `getField`, `getRange`, `parseIntOrName`,
//! `mustParseInt`, `getBits`, `all`, `parseDescriptor`; and `Every` of `constantdelay.go`.

use jiff::SignedDuration;

use super::{Field, Kind, Location, Schedule, Spec};
use crate::duration::parse_duration;
use crate::error::{AtoiError, ParseError};

/// The bounds of a field and the names of its values (robfig's `bounds`).
pub(super) struct Bounds {
    pub(super) min: u64,
    pub(super) max: u64,
    pub(super) names: &'static [(&'static str, u64)],
}

pub(super) const MINUTES: Bounds = Bounds {
    min: 0,
    max: 59,
    names: &[],
};
pub(super) const HOURS: Bounds = Bounds {
    min: 0,
    max: 23,
    names: &[],
};
pub(super) const DOM: Bounds = Bounds {
    min: 1,
    max: 31,
    names: &[],
};
pub(super) const MONTHS: Bounds = Bounds {
    min: 1,
    max: 12,
    names: &[
        ("jan", 1),
        ("feb", 2),
        ("mar", 3),
        ("apr", 4),
        ("may", 5),
        ("jun", 6),
        ("jul", 7),
        ("aug", 8),
        ("sep", 9),
        ("oct", 10),
        ("nov", 11),
        ("dec", 12),
    ],
};
pub(super) const DOW: Bounds = Bounds {
    min: 0,
    max: 6,
    names: &[
        ("sun", 0),
        ("mon", 1),
        ("tue", 2),
        ("wed", 3),
        ("thu", 4),
        ("fri", 5),
        ("sat", 6),
    ],
};

/// robfig/cron v3 `ParseStandard` (`Parser.Parse` with the standard options).
///
/// ```
/// use argo_model::cron::{Kind, parse_standard};
///
/// let schedule = parse_standard("CRON_TZ=Asia/Tokyo */15 9-17 * * MON-FRI")?;
/// assert_eq!(schedule.location.as_ref().map(|l| l.name()), Some("Asia/Tokyo"));
/// let Kind::Spec(spec) = schedule.kind else { unreachable!() };
/// assert_eq!(spec.minute.values().collect::<Vec<_>>(), [0, 15, 30, 45]);
/// assert_eq!(spec.dow.values().collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
/// assert!(spec.dom.is_star());
///
/// let err = parse_standard("0 25 * * *").unwrap_err();
/// assert_eq!(err.to_string(), "end of range (25) above maximum (23): 25");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parse_standard(spec: &str) -> Result<Schedule, ParseError> {
    if spec.is_empty() {
        return Err(ParseError::Empty);
    }
    let mut spec = spec;
    let mut location = None;
    if spec.starts_with("TZ=") || spec.starts_with("CRON_TZ=") {
        // robfig slices up to the first space, and panics when there is none.
        let Some(space) = spec.find(' ') else {
            return Err(ParseError::MissingSchedule);
        };
        let eq = spec.find('=').unwrap_or_default();
        let name = &spec[eq + 1..space];
        location = Some(Location::load(name).map_err(|source| ParseError::Location {
            name: name.to_owned(),
            source,
        })?);
        spec = spec[space..].trim();
    }
    let kind = if spec.starts_with('@') {
        parse_descriptor(spec)?
    } else {
        let fields: Vec<&str> = spec.split_whitespace().collect();
        // `normalizeFields`: five fields, no optional one.
        let [minute, hour, dom, month, dow] = fields[..] else {
            return Err(ParseError::FieldCount {
                fields: fields.iter().map(|f| (*f).to_owned()).collect(),
            });
        };
        Kind::Spec(Spec {
            minute: get_field(minute, &MINUTES)?,
            hour: get_field(hour, &HOURS)?,
            dom: get_field(dom, &DOM)?,
            month: get_field(month, &MONTHS)?,
            dow: get_field(dow, &DOW)?,
        })
    };
    Ok(Schedule { location, kind })
}

/// `getField`: the union of the comma-separated ranges (empty ones skipped).
pub(super) fn get_field(field: &str, r: &Bounds) -> Result<Field, ParseError> {
    field
        .split(',')
        .filter(|e| !e.is_empty())
        .try_fold(0, |bits, expr| Ok(bits | get_range(expr, r)?))
        .map(Field)
}

/// `getRange`: `number | number "-" number [ "/" number ]`, or `*`/`?` (all, with the star
/// bit, which a step above 1 clears).
pub(super) fn get_range(expr: &str, r: &Bounds) -> Result<u64, ParseError> {
    let range_and_step: Vec<&str> = expr.split('/').collect();
    let low_and_high: Vec<&str> = range_and_step[0].split('-').collect();
    let single_digit = low_and_high.len() == 1;
    let (start, mut end, mut extra) = if matches!(low_and_high[0], "*" | "?") {
        (r.min, r.max, Field::STAR)
    } else {
        let start = parse_int_or_name(low_and_high[0], r)?;
        let end = match low_and_high[..] {
            [_] => start,
            [_, high] => parse_int_or_name(high, r)?,
            _ => {
                return Err(ParseError::TooManyHyphens {
                    expr: expr.to_owned(),
                });
            }
        };
        (start, end, 0)
    };
    let step = match range_and_step[..] {
        [_] => 1,
        [_, step] => {
            let step = must_parse_int(step)?;
            // "N/step" means "N-max/step".
            if single_digit {
                end = r.max;
            }
            if step > 1 {
                extra = 0;
            }
            step
        }
        _ => {
            return Err(ParseError::TooManySlashes {
                expr: expr.to_owned(),
            });
        }
    };
    let expr = expr.to_owned();
    if start < r.min {
        return Err(ParseError::BelowMinimum {
            start,
            min: r.min,
            expr,
        });
    }
    if end > r.max {
        return Err(ParseError::AboveMaximum {
            end,
            max: r.max,
            expr,
        });
    }
    if start > end {
        return Err(ParseError::BeyondEnd { start, end, expr });
    }
    if step == 0 {
        return Err(ParseError::ZeroStep { expr });
    }
    Ok(get_bits(start, end, step) | extra)
}

/// `parseIntOrName`: a name of the field (any case), else [`must_parse_int`].
fn parse_int_or_name(expr: &str, r: &Bounds) -> Result<u64, ParseError> {
    let lower = expr.to_lowercase();
    match r.names.iter().find(|(name, _)| *name == lower) {
        Some((_, value)) => Ok(*value),
        None => must_parse_int(expr),
    }
}

/// `mustParseInt`: Go's `strconv.Atoi` (an optional sign and decimal digits), not negative.
fn must_parse_int(expr: &str) -> Result<u64, ParseError> {
    let number: i64 = expr.parse().map_err(|e: std::num::ParseIntError| {
        let text = expr.to_owned();
        let source = match e.kind() {
            std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow => {
                AtoiError::Range { text }
            }
            _ => AtoiError::Syntax { text },
        };
        ParseError::Int {
            expr: expr.to_owned(),
            source,
        }
    })?;
    u64::try_from(number).map_err(|_| ParseError::Negative {
        number,
        expr: expr.to_owned(),
    })
}

/// `getBits`: the bits from `min` to `max`, every `step`.
pub(super) fn get_bits(min: u64, max: u64, step: u64) -> u64 {
    let step = usize::try_from(step).unwrap_or(usize::MAX);
    (min..=max).step_by(step).fold(0, |bits, i| bits | (1 << i))
}

/// `all`: every value of the field, and the star bit.
pub(super) fn all(r: &Bounds) -> Field {
    Field(get_bits(r.min, r.max, 1) | Field::STAR)
}

/// `parseDescriptor`: the fixed schedules, or `@every <Go duration>` as `Every` keeps it
/// (at least a second, whole seconds).
fn parse_descriptor(spec: &str) -> Result<Kind, ParseError> {
    let first = |r: &Bounds| Field(1 << r.min);
    let (month, dom, dow, hour) = (all(&MONTHS), all(&DOM), all(&DOW), first(&HOURS));
    let fixed = |dom, month, dow, hour| {
        Kind::Spec(Spec {
            minute: first(&MINUTES),
            hour,
            dom,
            month,
            dow,
        })
    };
    Ok(match spec {
        "@yearly" | "@annually" => fixed(first(&DOM), first(&MONTHS), dow, hour),
        "@monthly" => fixed(first(&DOM), month, dow, hour),
        "@weekly" => fixed(dom, month, first(&DOW), hour),
        "@daily" | "@midnight" => fixed(dom, month, dow, hour),
        "@hourly" => fixed(dom, month, dow, all(&HOURS)),
        _ => {
            let Some(text) = spec.strip_prefix("@every ") else {
                return Err(ParseError::Descriptor {
                    spec: spec.to_owned(),
                });
            };
            let duration = parse_duration(text).map_err(|source| ParseError::Duration {
                spec: spec.to_owned(),
                source,
            })?;
            Kind::Every(every(duration))
        }
    })
}

/// `Every`: a delay of at least a second, truncated to whole seconds.
fn every(duration: SignedDuration) -> SignedDuration {
    SignedDuration::from_secs(duration.as_secs().max(1))
}
