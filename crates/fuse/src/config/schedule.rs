//! `schedule`: when the pipeline of this env runs by itself, as an Argo `CronWorkflow`.

use serde::{Deserialize, Serialize};

/// What Argo does when a scheduled run is due while the previous one still runs
/// (`CronWorkflow.spec.concurrencyPolicy`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum ConcurrencyPolicy {
    /// Start it anyway: runs may overlap.
    Allow,
    /// Skip it while the previous run is running (the default here: a data pipeline should not
    /// overlap itself).
    #[default]
    Forbid,
    /// Stop the previous run and start the new one.
    Replace,
}

impl ConcurrencyPolicy {
    /// The Argo spelling.
    ///
    /// ```
    /// use argo_fuse::config::ConcurrencyPolicy;
    /// assert_eq!(ConcurrencyPolicy::default().as_str(), "Forbid");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Allow => "Allow",
            Self::Forbid => "Forbid",
            Self::Replace => "Replace",
        }
    }
}

/// `schedule` of `argo.yml` (per env): the `compile --cron` and `schedule` settings, which
/// their command-line flags override one by one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Schedule {
    /// A cron expression of five fields (`0 2 * * *`) or one of Argo's forms (`@daily`,
    /// `@every 6h`).
    pub cron: String,
    /// The IANA time zone the expression is read in (`Europe/Paris`); default: the controller's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// What to do when a run is due while the previous one runs; default `Forbid`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrency_policy: Option<ConcurrencyPolicy>,
    /// Seconds after its time within which a missed run is still started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starting_deadline: Option<u32>,
}

impl Schedule {
    /// A schedule of `cron`, with the defaults.
    ///
    /// ```
    /// let s = argo_fuse::config::Schedule::new("0 2 * * *");
    /// assert_eq!(s.cron, "0 2 * * *");
    /// assert!(s.timezone.is_none());
    /// ```
    pub fn new(cron: impl Into<String>) -> Self {
        Self {
            cron: cron.into(),
            timezone: None,
            concurrency_policy: None,
            starting_deadline: None,
        }
    }

    /// Sets the time zone.
    #[must_use]
    pub fn timezone(mut self, timezone: impl Into<String>) -> Self {
        self.timezone = Some(timezone.into());
        self
    }

    /// Sets the concurrency policy.
    #[must_use]
    pub fn concurrency_policy(mut self, policy: ConcurrencyPolicy) -> Self {
        self.concurrency_policy = Some(policy);
        self
    }

    /// Sets the starting deadline, in seconds.
    #[must_use]
    pub fn starting_deadline(mut self, seconds: u32) -> Self {
        self.starting_deadline = Some(seconds);
        self
    }
}
