//! Cron expressions as Argo reads them: `cron.ParseStandard` of robfig/cron v3 (`parser.go`:
//! `Parse`, `normalizeFields`, `getField`, `getRange`, `parseDescriptor`), with the next run
//! computed by `croner` on the fields as robfig expands them.
//!
//! robfig/cron is what Argo's cron controller and `validate.go` (`CronWorkflow`) use: five
//! fields (minute, hour, day of month, month, day of week) with `*`, `?`, `a-b`, `/step`, lists
//! and month/day names, or a descriptor (`@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`,
//! `@midnight`, `@hourly`, `@every <Go duration>`), optionally after `TZ=<zone> ` or
//! `CRON_TZ=<zone> `.

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, Zoned};

use crate::error::ScheduleError;

/// A parsed schedule.
#[derive(Debug, Clone)]
pub struct Cron {
    kind: Kind,
    /// The zone of a `TZ=`/`CRON_TZ=` prefix.
    zone: Option<TimeZone>,
}

#[derive(Debug, Clone)]
enum Kind {
    /// `@every D`: robfig's `ConstantDelaySchedule` (whole seconds, at least one).
    Every(SignedDuration),
    /// Five fields, as `croner` reads the robfig expansion.
    Fields(Box<croner::Cron>),
}

/// `(min, max, names)` of the five fields (robfig's `minutes`, `hours`, `dom`, `months`, `dow`).
const FIELDS: [(u32, u32, &[&str]); 5] = [
    (0, 59, &[]),
    (0, 23, &[]),
    (1, 31, &[]),
    (
        1,
        12,
        &[
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        ],
    ),
    (0, 6, &["sun", "mon", "tue", "wed", "thu", "fri", "sat"]),
];

/// One field: the values it allows, and whether it was `*`/`?` (robfig's `starBit`).
struct Field {
    values: Vec<u32>,
    star: bool,
}

impl Cron {
    /// Parses `expr` as Argo does, or says why Argo would refuse it.
    ///
    /// ```
    /// use argo_fuse::schedule::Cron;
    /// assert!(Cron::parse("*/15 9-17 * * MON-FRI").is_ok());
    /// assert!(Cron::parse("@every 1h30m").is_ok());
    /// assert!(Cron::parse("CRON_TZ=Europe/Paris 0 2 * * *").is_ok());
    /// let err = Cron::parse("0 25 * * *").unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "invalid cron expression `0 25 * * *`: end of range (25) above maximum (23): 25"
    /// );
    /// assert!(Cron::parse("0 2 * * * *").is_err()); // six fields
    /// ```
    pub fn parse(expr: &str) -> Result<Self, ScheduleError> {
        let fail = |reason: String| ScheduleError::Cron {
            cron: expr.to_owned(),
            reason,
        };
        if expr.is_empty() {
            return Err(fail("empty spec string".into()));
        }
        let mut spec = expr;
        let mut zone = None;
        if spec.starts_with("TZ=") || spec.starts_with("CRON_TZ=") {
            let eq = spec.find('=').unwrap_or_default();
            let Some(space) = spec.find(' ') else {
                return Err(fail(
                    "a time zone prefix must be followed by a schedule".into(),
                ));
            };
            let name = &spec[eq + 1..space];
            zone = Some(timezone(name).map_err(|_| fail(format!("provided bad location {name}")))?);
            spec = spec[space..].trim();
        }
        let fields: Vec<String> = if spec.starts_with('@') {
            let Some(fields) = descriptor(spec) else {
                let delay = spec
                    .strip_prefix("@every ")
                    .ok_or_else(|| fail(format!("unrecognized descriptor: {spec}")))?;
                let d = go_duration(delay).ok_or_else(|| {
                    fail(format!(
                        "failed to parse duration {spec}: invalid duration {delay:?}"
                    ))
                })?;
                // `Every`: at least a second, and whole seconds.
                let d = SignedDuration::from_secs(d.as_secs().max(1));
                return Ok(Self {
                    kind: Kind::Every(d),
                    zone,
                });
            };
            fields.split(' ').map(str::to_owned).collect()
        } else {
            spec.split_whitespace().map(str::to_owned).collect()
        };
        if fields.len() != 5 {
            return Err(fail(format!(
                "expected exactly 5 fields, found {}: [{}]",
                fields.len(),
                fields.join(" ")
            )));
        }
        let mut parsed = Vec::with_capacity(5);
        for (text, bounds) in fields.iter().zip(FIELDS) {
            parsed.push(field(text, bounds).map_err(fail)?);
        }
        let pattern = croner_pattern(&parsed);
        let cron = croner::parser::CronParser::builder()
            .build()
            .parse(&pattern)
            .map_err(|e| fail(format!("cannot evaluate it: {e}")))?;
        Ok(Self {
            kind: Kind::Fields(Box::new(cron)),
            zone,
        })
    }

    /// The first run strictly after `after`, in the prefix's zone, else `zone`. For `@every`,
    /// Argo counts from when the controller loaded the schedule, which only the cluster knows:
    /// the run one interval after `after` (pass the last scheduled time).
    pub fn next_after(&self, after: Timestamp, zone: &TimeZone) -> Option<Zoned> {
        let zone = self.zone.as_ref().unwrap_or(zone);
        let start = after.to_zoned(zone.clone());
        match &self.kind {
            Kind::Every(d) => start.checked_add(*d).ok(),
            Kind::Fields(cron) => cron.find_next_occurrence(&start, false).ok(),
        }
    }

    /// The interval of an `@every` schedule.
    pub fn every(&self) -> Option<SignedDuration> {
        match self.kind {
            Kind::Every(d) => Some(d),
            Kind::Fields(_) => None,
        }
    }

    /// Whether the expression names its own time zone (`TZ=`/`CRON_TZ=`).
    pub fn has_zone(&self) -> bool {
        self.zone.is_some()
    }
}

/// A time zone as Go's `time.LoadLocation` finds it: `UTC` (and `Local`, read as UTC here), or
/// a name of the IANA database, spelled exactly.
///
/// ```
/// assert!(argo_fuse::schedule::timezone("Europe/Paris").is_ok());
/// assert!(argo_fuse::schedule::timezone("europe/paris").is_err());
/// assert!(argo_fuse::schedule::timezone("Mars/Olympus").is_err());
/// ```
pub fn timezone(name: &str) -> Result<TimeZone, ScheduleError> {
    if matches!(name, "UTC" | "Local") {
        return Ok(TimeZone::UTC);
    }
    let fail = || ScheduleError::Timezone {
        timezone: name.to_owned(),
    };
    if name.is_empty() || name.contains("..") || name.starts_with(['/', '\\']) {
        return Err(fail());
    }
    match jiff::tz::db().get(name) {
        // The database finds names ignoring case; Go's (a file system's) does not.
        Ok(tz) if tz.iana_name() == Some(name) => Ok(tz),
        _ => Err(fail()),
    }
}

/// robfig's `parseDescriptor`, as five fields.
fn descriptor(spec: &str) -> Option<&'static str> {
    Some(match spec {
        "@yearly" | "@annually" => "0 0 1 1 *",
        "@monthly" => "0 0 1 * *",
        "@weekly" => "0 0 * * 0",
        "@daily" | "@midnight" => "0 0 * * *",
        "@hourly" => "0 * * * *",
        _ => return None,
    })
}

/// robfig's `getField`: the comma-separated ranges (empty ones skipped), each `getRange`.
fn field(text: &str, (min, max, names): (u32, u32, &[&str])) -> Result<Field, String> {
    let mut out = Field {
        values: Vec::new(),
        star: false,
    };
    for expr in text.split(',').filter(|r| !r.is_empty()) {
        let range_and_step: Vec<&str> = expr.split('/').collect();
        let low_and_high: Vec<&str> = range_and_step[0].split('-').collect();
        let single = low_and_high.len() == 1;
        let (start, mut end, mut star) = if matches!(low_and_high[0], "*" | "?") {
            (min, max, true)
        } else {
            let start = int_or_name(low_and_high[0], names, min)?;
            match low_and_high.len() {
                1 => (start, start, false),
                2 => (start, int_or_name(low_and_high[1], names, min)?, false),
                _ => return Err(format!("too many hyphens: {expr}")),
            }
        };
        let step = match range_and_step.len() {
            1 => 1,
            2 => {
                let step = int(range_and_step[1])?;
                // "N/step" means "N-max/step".
                if single {
                    end = max;
                }
                if step > 1 {
                    star = false;
                }
                step
            }
            _ => return Err(format!("too many slashes: {expr}")),
        };
        if start < min {
            return Err(format!(
                "beginning of range ({start}) below minimum ({min}): {expr}"
            ));
        }
        if end > max {
            return Err(format!(
                "end of range ({end}) above maximum ({max}): {expr}"
            ));
        }
        if start > end {
            return Err(format!(
                "beginning of range ({start}) beyond end of range ({end}): {expr}"
            ));
        }
        if step == 0 {
            return Err(format!("step of range should be a positive number: {expr}"));
        }
        out.values
            .extend((start..=end).step_by(usize::try_from(step).unwrap_or(usize::MAX)));
        out.star |= star;
    }
    out.values.sort_unstable();
    out.values.dedup();
    Ok(out)
}

/// robfig's `parseIntOrName`: `names` are the values from `min` on (`jan` is 1, `sun` 0).
fn int_or_name(expr: &str, names: &[&str], min: u32) -> Result<u32, String> {
    let lower = expr.to_ascii_lowercase();
    if let Some(i) = names.iter().position(|n| *n == lower) {
        return Ok(u32::try_from(i).unwrap_or(0) + min);
    }
    int(expr)
}

/// robfig's `mustParseInt` (Go's `strconv.Atoi`: an optional sign, then decimal digits).
fn int(expr: &str) -> Result<u32, String> {
    let digits = expr.strip_prefix(['+', '-']).unwrap_or(expr);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "failed to parse int from {expr}: strconv.Atoi: parsing {expr:?}: invalid syntax"
        ));
    }
    let n: i64 = expr
        .parse()
        .map_err(|_| format!("failed to parse int from {expr}: value out of range"))?;
    if n < 0 {
        return Err(format!("negative number ({n}) not allowed: {expr}"));
    }
    u32::try_from(n).map_err(|_| format!("failed to parse int from {expr}: value out of range"))
}

/// The five fields for `croner`: explicit value lists, and `*` for a day-of-month or
/// day-of-week field with robfig's star bit (both read a day as matching only when both fields
/// match if either is a star, and when either matches otherwise).
fn croner_pattern(fields: &[Field]) -> String {
    fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            if f.star && (i == 2 || i == 4) {
                "*".to_owned()
            } else {
                f.values
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(",")
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Go's `time.ParseDuration`: an optional sign, then one or more decimal numbers (with an
/// optional fraction), each with a unit (`ns`, `us`, `µs`, `μs`, `ms`, `s`, `m`, `h`); `0`
/// alone is zero.
fn go_duration(text: &str) -> Option<SignedDuration> {
    let (negative, mut rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    if rest == "0" {
        return Some(SignedDuration::ZERO);
    }
    if rest.is_empty() {
        return None;
    }
    let mut nanos: f64 = 0.0;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number = &rest[..number_len];
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return None;
        }
        let value: f64 = number.parse().ok()?;
        rest = &rest[number_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        rest = &rest[unit_len..];
        nanos += value * scale;
    }
    if nanos > 9.223_372_036_854_775e18 {
        return None;
    }
    let d = SignedDuration::from_secs_f64(nanos / 1e9);
    Some(if negative { -d } else { d })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn next(expr: &str, after: &str, zone: &str) -> String {
        let zone = timezone(zone).unwrap();
        let cron = Cron::parse(expr).unwrap();
        cron.next_after(after.parse().unwrap(), &zone)
            .unwrap()
            .timestamp()
            .to_string()
    }

    /// robfig/cron v3 `parser_test.go` `TestRange`/`TestField` cases, as the values they expand
    /// to (v3: a step above 1 clears the star bit).
    #[test]
    fn ranges_and_fields_as_robfig_get_range() {
        let dow = (0, 7, &[][..]);
        let cases: [(&str, &[u32], bool); 10] = [
            ("5", &[5], false),
            ("0", &[0], false),
            ("7", &[7], false),
            ("5-5", &[5], false),
            ("5-6", &[5, 6], false),
            ("5-7", &[5, 6, 7], false),
            ("5-6/2", &[5], false),
            ("5-7/2", &[5, 7], false),
            ("5-7/1", &[5, 6, 7], false),
            ("*/2", &[0, 2, 4, 6], false),
        ];
        for (expr, values, star) in cases {
            let f = field(expr, dow).unwrap();
            assert_eq!((f.values.as_slice(), f.star), (values, star), "{expr}");
        }
        let f = field("*", (1, 3, &[])).unwrap();
        assert_eq!((f.values, f.star), (vec![1, 2, 3], true));
        let f = field("1,5-7/2,3", (1, 7, &[])).unwrap();
        assert_eq!(f.values, [1, 3, 5, 7]);
    }

    #[test]
    fn refuses_what_robfig_refuses() {
        for (expr, reason) in [
            ("", "empty spec string"),
            ("0 2 * *", "expected exactly 5 fields, found 4: [0 2 * *]"),
            ("0 2 * * 7", "end of range (7) above maximum (6): 7"),
            ("0 2 0 * *", "beginning of range (0) below minimum (1): 0"),
            (
                "0 5-2 * * *",
                "beginning of range (5) beyond end of range (2): 5-2",
            ),
            (
                "*/0 * * * *",
                "step of range should be a positive number: */0",
            ),
            ("1-2-3 * * * *", "too many hyphens: 1-2-3"),
            ("1/2/3 * * * *", "too many slashes: 1/2/3"),
            ("0 2 L * *", "failed to parse int from L"),
            ("@often", "unrecognized descriptor: @often"),
            ("@every 5x", "failed to parse duration @every 5x"),
            (
                "TZ=Nowhere/Land 0 2 * * *",
                "provided bad location Nowhere/Land",
            ),
            ("0 2 * JANUARY *", "failed to parse int from JANUARY"),
        ] {
            let err = Cron::parse(expr).unwrap_err().to_string();
            assert!(err.contains(reason), "{expr}: {err}");
        }
    }

    #[test]
    fn next_runs_follow_robfig_semantics() {
        // Plain daily run, in UTC and in a zone with DST.
        assert_eq!(
            next("0 2 * * *", "2024-03-01T10:00:00Z", "UTC"),
            "2024-03-02T02:00:00Z"
        );
        assert_eq!(
            next("0 2 * * *", "2024-07-01T10:00:00Z", "Europe/Paris"),
            "2024-07-02T00:00:00Z"
        );
        // Names, case-insensitive; MON-FRI skips the weekend (2024-03-02 is a Saturday).
        assert_eq!(
            next("30 9 * * mon-FRI", "2024-03-01T10:00:00Z", "UTC"),
            "2024-03-04T09:30:00Z"
        );
        // Day of month and day of week both restricted: either matches (1st, or a Monday).
        assert_eq!(
            next("0 0 1 * 1", "2024-03-02T00:00:00Z", "UTC"),
            "2024-03-04T00:00:00Z"
        );
        // One of them a star: both must match; `*/1` keeps the star, `?` is a star.
        assert_eq!(
            next("0 0 */1 * 1", "2024-03-02T00:00:00Z", "UTC"),
            "2024-03-04T00:00:00Z"
        );
        assert_eq!(
            next("0 0 13 * ?", "2024-03-02T00:00:00Z", "UTC"),
            "2024-03-13T00:00:00Z"
        );
        // A step above 1 clears the star: day 1, 3, 5... OR Monday.
        assert_eq!(
            next("0 0 */2 * 1", "2024-03-05T12:00:00Z", "UTC"),
            "2024-03-07T00:00:00Z"
        );
        // Descriptors and a zone prefix.
        assert_eq!(
            next("@weekly", "2024-03-01T10:00:00Z", "UTC"),
            "2024-03-03T00:00:00Z"
        );
        assert_eq!(
            next("CRON_TZ=Asia/Tokyo @daily", "2024-03-01T10:00:00Z", "UTC"),
            "2024-03-01T15:00:00Z"
        );
        // `@every`: one interval, whole seconds.
        assert_eq!(
            next("@every 1h30m", "2024-03-01T10:00:00Z", "UTC"),
            "2024-03-01T11:30:00Z"
        );
        assert_eq!(
            Cron::parse("@every 1.5s").unwrap().every(),
            Some(SignedDuration::from_secs(1))
        );
        assert_eq!(
            Cron::parse("@every 10ms").unwrap().every(),
            Some(SignedDuration::from_secs(1))
        );
    }

    #[test]
    fn go_durations() {
        let secs = |t: &str| go_duration(t).map(|d| d.as_secs_f64());
        assert_eq!(secs("1h30m"), Some(5400.0));
        assert_eq!(secs("1.5h"), Some(5400.0));
        assert_eq!(secs("90s"), Some(90.0));
        assert_eq!(secs("0"), Some(0.0));
        assert_eq!(secs("-2m"), Some(-120.0));
        for bad in ["", "1", "h", "1d", "1..5h", "1h 30m"] {
            assert_eq!(go_duration(bad), None, "{bad}");
        }
    }
}
