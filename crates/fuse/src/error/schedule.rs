//! Errors of schedules: the cron expression, the time zone, the `CronWorkflow`.

/// A schedule Argo would refuse, or a `CronWorkflow` that does not pass the checks.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScheduleError {
    /// The cron expression is not one Argo's cron library (robfig/cron v3, `ParseStandard`)
    /// reads.
    #[error("invalid cron expression `{cron}`")]
    Cron {
        /// The expression.
        cron: String,
        /// What robfig/cron says is wrong with it.
        #[source]
        source: argo_model::cron::ParseError,
    },
    /// The cron expression is one Argo reads, but a field of it has no value (`,`): it never
    /// runs.
    #[error("cron expression `{cron}` never runs: its {field} field has no value")]
    NeverRuns {
        /// The expression.
        cron: String,
        /// The field (`minute`, `hour`, `day of month`, `month`, `day of week`).
        field: &'static str,
    },
    /// The next runs of a cron expression Argo reads cannot be computed.
    #[error("the next runs of cron expression `{cron}` cannot be computed")]
    Evaluate {
        /// The expression.
        cron: String,
        /// The scheduler's error.
        #[source]
        source: croner::errors::CronError,
    },
    /// The cron expression names a time zone (`TZ=`/`CRON_TZ=`) and a time zone is given too:
    /// Argo would put a second prefix in front of it.
    #[error(
        "cron expression `{cron}` names its own time zone (TZ=/CRON_TZ=) and the time zone \
         `{timezone}` is given too; give it once"
    )]
    TwoZones {
        /// The expression.
        cron: String,
        /// The time zone given besides.
        timezone: String,
    },
    /// The time zone is not in the IANA time zone database.
    #[error("unknown time zone `{timezone}` (expected an IANA name such as `Europe/Paris`)")]
    Timezone {
        /// The name given.
        timezone: String,
    },
    /// The `CronWorkflow` does not pass strict lint and the JSON Schema.
    #[error(
        "the CronWorkflow fails validation ({} finding(s)): {}",
        findings.len(),
        super::lower::findings_text(findings)
    )]
    Invalid {
        /// The findings.
        findings: Vec<argo_model::lint::Finding>,
    },
}
