//! Errors of schedules: the cron expression, the time zone, the `CronWorkflow`.

/// A schedule Argo would refuse, or a `CronWorkflow` that does not pass the checks.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScheduleError {
    /// The cron expression is not one Argo's cron library (robfig/cron v3, `ParseStandard`)
    /// reads.
    #[error("invalid cron expression `{cron}`: {reason}")]
    Cron {
        /// The expression.
        cron: String,
        /// What is wrong with it.
        reason: String,
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
