//! Schedules: the compiled Workflow run by Argo on a schedule, as a `CronWorkflow` whose
//! `workflowSpec` is the Workflow's spec, unchanged.
//!
//! - [`Cron`]: a cron expression as Argo's cron library reads it (checked before anything is
//!   written), and its next run.
//! - [`cron_workflow`]: the `CronWorkflow` of a Workflow and a [`Schedule`], checked with strict
//!   lint and the JSON Schema.
//! - [`next_run`]: when a `CronWorkflow` runs next.
//!
//! ```
//! use argo_fuse::config::{ConcurrencyPolicy, Schedule};
//! use argo_model::Workflow;
//!
//! let mut wf = Workflow::with_generate_name("demo-");
//! wf.spec.entrypoint = Some("main".into());
//! wf.spec.templates.push(argo_model::Template {
//!     name: "main".into(),
//!     container: Some(k8s_openapi::api::core::v1::Container {
//!         image: Some("alpine".into()),
//!         ..Default::default()
//!     }),
//!     ..Default::default()
//! });
//! let schedule = Schedule::new("0 2 * * *").timezone("Europe/Paris");
//! let cron = argo_fuse::schedule::cron_workflow(&wf, &schedule, "demo-default-cloud")?;
//! assert_eq!(cron.spec.schedules, ["0 2 * * *"]);
//! assert_eq!(cron.spec.concurrency_policy.as_deref(), Some("Forbid"));
//! assert_eq!(cron.spec.workflow_spec, wf.spec);
//!
//! let err = argo_fuse::schedule::cron_workflow(&wf, &Schedule::new("0 2 * *"), "demo").unwrap_err();
//! assert_eq!(err.to_string(), "invalid cron expression `0 2 * *`");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod cron;

use argo_model::cron::Location;
use argo_model::{CronWorkflow, CronWorkflowSpec, Document, Workflow};
use jiff::{Timestamp, Zoned};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

pub use cron::Cron;

use crate::config::Schedule;
use crate::error::ScheduleError;

/// The longest name of a `CronWorkflow`: Argo appends `-<unix time>` to name its workflows
/// (`validate.go`, `maxCharsInCronWorkflowName`).
pub const MAX_NAME: usize = 52;

/// Checks `schedule` as Argo would (the expression, the time zone, and that the expression
/// does not name a zone of its own when `timezone` is set: Argo would put a second prefix in
/// front of it) and returns the parsed expression.
pub fn check(schedule: &Schedule) -> Result<Cron, ScheduleError> {
    let cron = Cron::parse(&schedule.cron)?;
    if let Some(tz) = &schedule.timezone {
        // Empty is UTC for Go, and "not set" for Argo's controller: neither is meant here.
        if tz.is_empty() || Location::load(tz).is_err() {
            return Err(ScheduleError::Timezone {
                timezone: tz.clone(),
            });
        }
        if cron.has_zone() {
            return Err(ScheduleError::TwoZones {
                cron: schedule.cron.clone(),
                timezone: tz.clone(),
            });
        }
    }
    Ok(cron)
}

/// The `CronWorkflow` `name` that runs `workflow` on `schedule`: its `workflowSpec` is the
/// Workflow's spec as is; its labels and annotations are the Workflow's, on itself and (as
/// `workflowMetadata`) on every workflow it starts, so those are found as this project's.
/// Checked first ([`check`]), then with strict lint and the JSON Schema.
pub fn cron_workflow(
    workflow: &Workflow,
    schedule: &Schedule,
    name: &str,
) -> Result<CronWorkflow, ScheduleError> {
    check(schedule)?;
    let meta = &workflow.metadata;
    let mut cron = CronWorkflow::default();
    cron.metadata = ObjectMeta {
        name: Some(name.to_owned()),
        namespace: meta.namespace.clone(),
        labels: meta.labels.clone(),
        annotations: meta.annotations.clone(),
        ..ObjectMeta::default()
    };
    cron.spec = CronWorkflowSpec {
        schedules: vec![schedule.cron.clone()],
        timezone: schedule.timezone.clone(),
        concurrency_policy: Some(
            schedule
                .concurrency_policy
                .unwrap_or_default()
                .as_str()
                .to_owned(),
        ),
        starting_deadline_seconds: schedule.starting_deadline.map(i64::from),
        workflow_metadata: Some(ObjectMeta {
            labels: meta.labels.clone(),
            annotations: meta.annotations.clone(),
            ..ObjectMeta::default()
        }),
        workflow_spec: workflow.spec.clone(),
        ..CronWorkflowSpec::default()
    };
    let findings = argo_model::lint::lint(
        &Document::from(cron.clone()),
        &argo_model::lint::LintOptions::default(),
    );
    if findings.is_empty() {
        Ok(cron)
    } else {
        Err(ScheduleError::Invalid { findings })
    }
}

/// When `cron` runs next after `now`: the earliest next run of its schedules, in its time zone
/// (UTC when it names none: the controller's zone is not known here). An `@every` schedule
/// counts from the last scheduled run (`status.lastScheduledTime`), else from `now`. `None`
/// when it is suspended or no schedule parses.
pub fn next_run(cron: &CronWorkflow, now: Timestamp) -> Option<Zoned> {
    if cron.spec.suspend == Some(true) {
        return None;
    }
    let zone = cron
        .spec
        .timezone
        .as_deref()
        .and_then(|tz| Location::load(tz).ok())
        .map_or(jiff::tz::TimeZone::UTC, |l| l.time_zone().clone());
    let last = cron
        .status
        .as_ref()
        .and_then(|s| s.last_scheduled_time.as_ref())
        .map(|t| t.0);
    cron.spec
        .schedules
        .iter()
        .filter_map(|s| Cron::parse(s).ok())
        .filter_map(|c| match (c.every(), last) {
            (Some(every), Some(last)) if last < now => {
                // The first interval after `last` that is still to come.
                let every = every.as_secs().max(1);
                let missed = now.duration_since(last).as_secs() / every;
                let after = last
                    .checked_add(jiff::SignedDuration::from_secs(missed * every))
                    .ok()?;
                c.next_after(after, &zone)
            }
            _ => c.next_after(now, &zone),
        })
        .min_by_key(Zoned::timestamp)
}

#[cfg(test)]
mod tests;
