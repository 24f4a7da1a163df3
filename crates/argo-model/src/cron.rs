//! The `CronWorkflow` checks of `argo lint` (`validate.go` `CronWorkflow`): schedules as
//! `cron.ParseStandard` of robfig/cron v3 reads them, time zones as Go's `time.LoadLocation`
//! finds them (the IANA database, bundled), and the concurrency policies Argo knows.
//!
//! ```
//! use argo_model::cron;
//! assert!(cron::check_schedule("*/15 9-17 * * MON-FRI").is_ok());
//! assert!(cron::check_schedule("@every 1h30m").is_ok());
//! assert!(cron::check_schedule("0 25 * * *").is_err()); // hour 25
//! assert!(cron::check_timezone("Europe/Paris").is_ok());
//! assert!(cron::check_timezone("Mars/Olympus").is_err());
//! assert!(cron::check_concurrency_policy("Forbid").is_ok());
//! ```

use crate::error::CronError;

/// The concurrency policies of a `CronWorkflow` (`Allow`, `Forbid`, `Replace`; empty is `Allow`).
pub const CONCURRENCY_POLICIES: &[&str] = &["Allow", "Forbid", "Replace"];

/// Checks a schedule as robfig/cron's `ParseStandard` does: five fields (minute, hour, day of
/// month, month, day of week) with `*`, `?`, ranges, steps, lists and month/day names, or a
/// descriptor (`@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight`,
/// `@hourly`, `@every <duration>`), optionally after `TZ=<zone> ` or `CRON_TZ=<zone> `.
pub fn check_schedule(schedule: &str) -> Result<(), CronError> {
    let fail = |reason: String| CronError::Schedule {
        schedule: schedule.to_owned(),
        reason,
    };
    if schedule.is_empty() {
        return Err(fail("empty spec string".into()));
    }
    let mut spec = schedule;
    if spec.starts_with("TZ=") || spec.starts_with("CRON_TZ=") {
        let eq = spec.find('=').unwrap_or_default();
        let Some(space) = spec.find(' ') else {
            return Err(fail(
                "a time zone prefix must be followed by a schedule".into(),
            ));
        };
        let zone = &spec[eq + 1..space];
        if check_timezone(zone).is_err() {
            return Err(fail(format!("provided bad location {zone}")));
        }
        spec = spec[space..].trim();
    }
    if spec.starts_with('@') {
        return descriptor(spec).map_err(fail);
    }
    let fields: Vec<&str> = spec.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(fail(format!(
            "expected exactly 5 fields, found {}: [{}]",
            fields.len(),
            fields.join(" ")
        )));
    }
    for (field, bounds) in fields.iter().zip(&FIELDS) {
        // `getField`: comma-separated ranges (empty ones are skipped).
        for range in field.split(',').filter(|r| !r.is_empty()) {
            check_range(range, bounds).map_err(fail)?;
        }
    }
    Ok(())
}

/// Checks a time zone name as Go's `time.LoadLocation`: empty, `UTC` and `Local` are valid;
/// otherwise the name must be in the IANA time zone database, spelled exactly.
pub fn check_timezone(timezone: &str) -> Result<(), CronError> {
    if matches!(timezone, "" | "UTC" | "Local") {
        return Ok(());
    }
    let fail = |reason: &str| CronError::Timezone {
        timezone: timezone.to_owned(),
        reason: reason.to_owned(),
    };
    if timezone.contains("..") || timezone.starts_with(['/', '\\']) {
        return Err(fail("time: invalid location name"));
    }
    match jiff::tz::db().get(timezone) {
        // The database looks names up ignoring case; Go's (the file system's) does not.
        Ok(tz) if tz.iana_name() == Some(timezone) => Ok(()),
        _ => Err(fail(&format!("unknown time zone {timezone}"))),
    }
}

/// Checks a concurrency policy: one of [`CONCURRENCY_POLICIES`], or empty.
pub fn check_concurrency_policy(policy: &str) -> Result<(), CronError> {
    if policy.is_empty() || CONCURRENCY_POLICIES.contains(&policy) {
        Ok(())
    } else {
        Err(CronError::ConcurrencyPolicy {
            policy: policy.to_owned(),
        })
    }
}

/// The bounds and names of a field.
struct Bounds {
    min: u64,
    max: u64,
    names: &'static [&'static str],
}

const FIELDS: [Bounds; 5] = [
    Bounds {
        min: 0,
        max: 59,
        names: &[],
    },
    Bounds {
        min: 0,
        max: 23,
        names: &[],
    },
    Bounds {
        min: 1,
        max: 31,
        names: &[],
    },
    Bounds {
        min: 1,
        max: 12,
        names: &[
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        ],
    },
    Bounds {
        min: 0,
        max: 6,
        names: &["sun", "mon", "tue", "wed", "thu", "fri", "sat"],
    },
];

/// `getRange`: `*`, `?`, `N`, `N-M`, each optionally `/step`.
fn check_range(expr: &str, r: &Bounds) -> Result<(), String> {
    let range_and_step: Vec<&str> = expr.split('/').collect();
    let low_and_high: Vec<&str> = range_and_step[0].split('-').collect();
    let (start, mut end) = if matches!(low_and_high[0], "*" | "?") {
        (r.min, r.max)
    } else {
        let start = int_or_name(low_and_high[0], r.names)?;
        match low_and_high.len() {
            1 => (start, start),
            2 => (start, int_or_name(low_and_high[1], r.names)?),
            _ => return Err(format!("too many hyphens: {expr}")),
        }
    };
    let step = match range_and_step.len() {
        1 => 1,
        2 => {
            // "N/step" means "N-max/step".
            if low_and_high.len() == 1 {
                end = r.max;
            }
            int(range_and_step[1])?
        }
        _ => return Err(format!("too many slashes: {expr}")),
    };
    if start < r.min {
        return Err(format!(
            "beginning of range ({start}) below minimum ({}): {expr}",
            r.min
        ));
    }
    if end > r.max {
        return Err(format!(
            "end of range ({end}) above maximum ({}): {expr}",
            r.max
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
    Ok(())
}

/// `parseIntOrName`: a (case-insensitive) name of the field, else [`int`].
fn int_or_name(expr: &str, names: &[&str]) -> Result<u64, String> {
    let lower = expr.to_ascii_lowercase();
    match names.iter().position(|n| *n == lower) {
        // Months count from 1, days of the week from 0 (Sunday).
        Some(i) if names.len() == 12 => Ok(i as u64 + 1),
        Some(i) => Ok(i as u64),
        None => int(expr),
    }
}

/// `mustParseInt`: Go's `strconv.Atoi`, not negative.
fn int(expr: &str) -> Result<u64, String> {
    let n: i64 = expr
        .parse()
        .map_err(|_| format!("failed to parse int from {expr}"))?;
    u64::try_from(n).map_err(|_| format!("negative number ({n}) not allowed: {expr}"))
}

/// `parseDescriptor`.
fn descriptor(spec: &str) -> Result<(), String> {
    match spec {
        "@yearly" | "@annually" | "@monthly" | "@weekly" | "@daily" | "@midnight" | "@hourly" => {
            Ok(())
        }
        _ => match spec.strip_prefix("@every ") {
            Some(d) if go_duration(d) => Ok(()),
            Some(_) => Err(format!("failed to parse duration {spec}")),
            None => Err(format!("unrecognized descriptor: {spec}")),
        },
    }
}

/// Whether `s` is a Go `time.ParseDuration` duration: `[-+]?([0-9]*(\.[0-9]*)?unit)+` (or `0`)
/// with units ns, us, µs, μs, ms, s, m, h, within ±2^63 ns.
pub(crate) fn go_duration(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    if s == "0" {
        return true;
    }
    if s.is_empty() {
        return false;
    }
    let mut rest = s;
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let int_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let (int_part, after) = rest.split_at(int_len);
        let (frac_part, after) = match after.strip_prefix('.') {
            Some(a) => {
                let n = a.bytes().take_while(u8::is_ascii_digit).count();
                a.split_at(n)
            }
            None => ("", after),
        };
        if int_part.is_empty() && frac_part.is_empty() {
            return false;
        }
        let unit_len = after
            .char_indices()
            .find(|(_, c)| *c == '.' || c.is_ascii_digit())
            .map_or(after.len(), |(i, _)| i);
        let (unit, after) = after.split_at(unit_len);
        let scale: f64 = match unit {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return false,
        };
        let number: f64 = format!("0{int_part}.{frac_part}0")
            .parse()
            .unwrap_or(f64::MAX);
        total += number * scale;
        rest = after;
    }
    total <= 9_223_372_036_854_775_807.0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cases of robfig/cron v3 `parser_test.go` (`TestParseScheduleErrors`, `TestStandardSpecSchedule`,
    /// `TestRange`) that `ParseStandard` applies to.
    #[test]
    fn robfig_parse_standard() {
        for ok in [
            "5 * * * *",
            "@every 5m",
            "@midnight",
            "TZ=UTC  5 * * * *",
            "CRON_TZ=Asia/Tokyo 5 * * * *",
            "5 5 * * *",
            "* * * * ?",
            "0-59/5 */2 1,15 jan-DEC sun-sat",
            "5/15 * * * *",
            ", * * * *",
        ] {
            assert!(check_schedule(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "* 5 j * *",
            "@every Xm",
            "@unrecognized",
            "* * * *",
            "* * * * * *",
            "TZ=bad 5 * * * *",
            "TZ=UTC",
            "60 * * * *",
            "* 24 * * *",
            "* * 0 * *",
            "* * * 13 *",
            "* * * * 7",
            "5-3 * * * *",
            "1-2-3 * * * *",
            "*/5/2 * * * *",
            "*/0 * * * *",
            "-5 * * * *",
        ] {
            assert!(check_schedule(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn go_load_location() {
        for ok in [
            "",
            "UTC",
            "Local",
            "America/New_York",
            "Etc/GMT+5",
            "US/Pacific",
        ] {
            assert!(check_timezone(ok).is_ok(), "{ok}");
        }
        for bad in [
            "Not/A_Real_Timezone",
            "america/new_york",
            "../etc/passwd",
            "/UTC",
        ] {
            assert!(check_timezone(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn go_parse_duration() {
        for ok in ["0", "1h30m", "1.5h", ".5s", "-3m", "100µs", "2562047h"] {
            assert!(go_duration(ok), "{ok}");
        }
        for bad in ["", "1", "h", "1x", ".s", "1h-2m", "2562048h"] {
            assert!(!go_duration(bad), "{bad}");
        }
    }
}
