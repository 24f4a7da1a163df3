//! Cron expressions as Argo reads them ([`argo_model::cron::parse_standard`], robfig/cron v3),
//! with the next run computed by `croner` on the fields as robfig expands them.

use argo_model::cron::{Field, Kind, Schedule, parse_standard};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, Zoned};

use crate::error::ScheduleError;

/// A parsed schedule, ready to say when it runs.
#[derive(Debug, Clone)]
pub struct Cron {
    schedule: Schedule,
    next: Next,
}

#[derive(Debug, Clone)]
enum Next {
    /// `@every D`: robfig's `ConstantDelaySchedule`.
    Every(SignedDuration),
    /// Five fields, as `croner` reads the robfig expansion.
    Fields(Box<croner::Cron>),
}

impl Cron {
    /// Parses `expr` as Argo does, or says why Argo would refuse it (or why it never runs).
    ///
    /// ```
    /// use argo_fuse::schedule::Cron;
    /// assert!(Cron::parse("*/15 9-17 * * MON-FRI").is_ok());
    /// assert!(Cron::parse("@every 1h30m").is_ok());
    /// assert!(Cron::parse("CRON_TZ=Europe/Paris 0 2 * * *").is_ok());
    /// let err = Cron::parse("0 25 * * *").unwrap_err();
    /// assert_eq!(err.to_string(), "invalid cron expression `0 25 * * *`");
    /// let cause = std::error::Error::source(&err).unwrap();
    /// assert_eq!(cause.to_string(), "end of range (25) above maximum (23): 25");
    /// assert!(Cron::parse("0 2 * * * *").is_err()); // six fields
    /// ```
    pub fn parse(expr: &str) -> Result<Self, ScheduleError> {
        let schedule = parse_standard(expr).map_err(|source| ScheduleError::Cron {
            cron: expr.to_owned(),
            source,
        })?;
        let next = match schedule.kind {
            Kind::Every(d) => Next::Every(d),
            Kind::Spec(spec) => {
                let fields = [
                    ("minute", spec.minute),
                    ("hour", spec.hour),
                    ("day of month", spec.dom),
                    ("month", spec.month),
                    ("day of week", spec.dow),
                ];
                if let Some((field, _)) = fields.iter().find(|(_, f)| f.is_empty()) {
                    return Err(ScheduleError::NeverRuns {
                        cron: expr.to_owned(),
                        field,
                    });
                }
                let cron = croner::parser::CronParser::builder()
                    .build()
                    .parse(&croner_pattern(&fields))
                    .map_err(|source| ScheduleError::Evaluate {
                        cron: expr.to_owned(),
                        source,
                    })?;
                Next::Fields(Box::new(cron))
            }
        };
        Ok(Self { schedule, next })
    }

    /// The first run strictly after `after`, in the prefix's zone, else `zone`. For `@every`,
    /// Argo counts from when the controller loaded the schedule, which only the cluster knows:
    /// the run one interval after `after` (pass the last scheduled time).
    pub fn next_after(&self, after: Timestamp, zone: &TimeZone) -> Option<Zoned> {
        let zone = self
            .schedule
            .location
            .as_ref()
            .map_or(zone, |l| l.time_zone());
        let start = after.to_zoned(zone.clone());
        match &self.next {
            Next::Every(d) => start.checked_add(*d).ok(),
            Next::Fields(cron) => cron.find_next_occurrence(&start, false).ok(),
        }
    }

    /// The interval of an `@every` schedule.
    pub fn every(&self) -> Option<SignedDuration> {
        match self.next {
            Next::Every(d) => Some(d),
            Next::Fields(_) => None,
        }
    }

    /// Whether the expression names its own time zone (`TZ=`/`CRON_TZ=`).
    pub fn has_zone(&self) -> bool {
        self.schedule.location.is_some()
    }
}

/// The five fields for `croner`: explicit value lists, and `*` for a day-of-month or
/// day-of-week field with robfig's star bit (both read a day as matching only when both fields
/// match if either is a star, and when either matches otherwise).
fn croner_pattern(fields: &[(&str, Field); 5]) -> String {
    fields
        .iter()
        .enumerate()
        .map(|(i, (_, f))| {
            if f.is_star() && (i == 2 || i == 4) {
                "*".to_owned()
            } else {
                f.values()
                    .map(|v| v.to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn next(expr: &str, after: &str, zone: &str) -> String {
        let zone = argo_model::cron::Location::load(zone).unwrap();
        let cron = Cron::parse(expr).unwrap();
        cron.next_after(after.parse().unwrap(), zone.time_zone())
            .unwrap()
            .timestamp()
            .to_string()
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
    }

    #[test]
    fn a_schedule_argo_accepts_but_never_runs_is_refused() {
        let err = Cron::parse(", * * * *").unwrap_err();
        assert!(
            matches!(
                err,
                ScheduleError::NeverRuns {
                    field: "minute",
                    ..
                }
            ),
            "{err}"
        );
        assert_eq!(
            err.to_string(),
            "cron expression `, * * * *` never runs: its minute field has no value"
        );
    }

    #[test]
    fn refusals_carry_robfigs_reason() {
        let err = Cron::parse("@fortnightly").unwrap_err();
        let ScheduleError::Cron { source, .. } = &err else {
            panic!("{err}")
        };
        assert!(matches!(
            source,
            argo_model::cron::ParseError::Descriptor { .. }
        ));
    }
}
