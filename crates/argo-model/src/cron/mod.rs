//! `CronWorkflow` schedules as Argo reads them: robfig/cron v3 `ParseStandard`
//! ([`parse_standard`], what Argo's cron controller and `validate.go` use), time zones as Go's
//! `time.LoadLocation` finds them ([`Location`], the IANA database, bundled), and the checks of
//! `validate.go` `CronWorkflow` ([`check_schedule`], [`check_timezone`],
//! [`check_concurrency_policy`]).
//!
//! A parsed [`Schedule`] keeps what robfig keeps: the zone of a `TZ=`/`CRON_TZ=` prefix, and
//! either the five fields as bit sets ([`Spec`], descriptors such as `@daily` expanded) or the
//! delay of `@every`. Computing next runs is left to the caller.
//!
//! ```
//! use argo_model::cron;
//! assert!(cron::check_schedule("*/15 9-17 * * MON-FRI").is_ok());
//! assert!(cron::check_schedule("@every 1h30m").is_ok());
//! let err = cron::check_schedule("0 25 * * *").unwrap_err(); // hour 25
//! assert_eq!(err.to_string(), "cron schedule `0 25 * * *` is malformed");
//! assert!(cron::check_timezone("Europe/Paris").is_ok());
//! assert!(cron::check_timezone("Mars/Olympus").is_err());
//! assert!(cron::check_concurrency_policy("Forbid").is_ok());
//! ```

mod location;
mod parse;

use jiff::SignedDuration;

pub use crate::error::{AtoiError, CronError, LocationError, ParseError};
pub use location::Location;
pub use parse::parse_standard;

/// The concurrency policies of a `CronWorkflow` (`Allow`, `Forbid`, `Replace`; empty is `Allow`).
pub const CONCURRENCY_POLICIES: &[&str] = &["Allow", "Forbid", "Replace"];

/// A schedule as robfig/cron v3 `ParseStandard` returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Schedule {
    /// The zone of a `TZ=`/`CRON_TZ=` prefix; `None`: robfig's `time.Local`, which Argo's
    /// controller replaces with the `CronWorkflow`'s `timezone` when it has one.
    pub location: Option<Location>,
    /// When it runs.
    pub kind: Kind,
}

/// When a [`Schedule`] runs: robfig/cron's two kinds of schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// robfig's `SpecSchedule`: five fields (the seconds are always 0).
    Spec(Spec),
    /// robfig's `ConstantDelaySchedule` of `@every`: the delay as `Every` keeps it (at least a
    /// second, whole seconds), counted from when the controller loaded the schedule.
    Every(SignedDuration),
}

/// The five fields of a [`Kind::Spec`] schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Spec {
    /// Minutes, 0 to 59.
    pub minute: Field,
    /// Hours, 0 to 23.
    pub hour: Field,
    /// Days of the month, 1 to 31.
    pub dom: Field,
    /// Months, 1 to 12.
    pub month: Field,
    /// Days of the week, 0 (Sunday) to 6.
    pub dow: Field,
}

/// A field as robfig's bit set: bit `n` set when `n` is one of its values, and the top bit
/// (`starBit`) when it was written `*` or `?` with no step above 1. A day matches when both
/// day fields match if either has the star bit, and when either matches otherwise.
///
/// ```
/// use argo_model::cron::{Kind, parse_standard};
///
/// let Kind::Spec(spec) = parse_standard("0,30 */6 * * 1-5")?.kind else { unreachable!() };
/// assert_eq!(spec.minute.values().collect::<Vec<_>>(), [0, 30]);
/// assert_eq!(spec.hour.values().collect::<Vec<_>>(), [0, 6, 12, 18]);
/// assert!(!spec.hour.is_star() && spec.dom.is_star());
/// assert!(spec.dow.contains(3) && !spec.dow.contains(6));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Field(u64);

impl Field {
    /// robfig's `starBit`.
    pub const STAR: u64 = 1 << 63;

    /// The bits as robfig keeps them, the star bit included.
    pub fn bits(self) -> u64 {
        self.0
    }

    /// Whether it was written `*` or `?` (with no step above 1).
    pub fn is_star(self) -> bool {
        self.0 & Self::STAR != 0
    }

    /// Whether `value` is one of its values.
    pub fn contains(self, value: u32) -> bool {
        value < 63 && self.0 & (1 << value) != 0
    }

    /// Its values, in order.
    pub fn values(self) -> impl Iterator<Item = u32> {
        (0..63).filter(move |v| self.contains(*v))
    }

    /// Whether it has no value: a field of commas only (`,`), which robfig accepts and which
    /// never matches.
    pub fn is_empty(self) -> bool {
        self.0 & !Self::STAR == 0
    }
}

/// Checks a schedule as `validate.go` does (`cron.ParseStandard`): five fields (minute, hour,
/// day of month, month, day of week) with `*`, `?`, ranges, steps, lists and month/day names,
/// or a descriptor (`@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight`,
/// `@hourly`, `@every <duration>`), optionally after `TZ=<zone> ` or `CRON_TZ=<zone> `.
pub fn check_schedule(schedule: &str) -> Result<Schedule, CronError> {
    parse_standard(schedule).map_err(|source| CronError::Schedule {
        schedule: schedule.to_owned(),
        source,
    })
}

/// Checks a time zone name as `validate.go` does (`time.LoadLocation`): empty, `UTC` and
/// `Local` are valid; otherwise the name must be in the IANA time zone database, spelled
/// exactly.
pub fn check_timezone(timezone: &str) -> Result<Location, CronError> {
    Location::load(timezone).map_err(|source| CronError::Timezone {
        timezone: timezone.to_owned(),
        source,
    })
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

#[cfg(test)]
mod tests;
