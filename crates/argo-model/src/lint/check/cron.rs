//! `CronWorkflow` (validate.go): schedules, time zone, concurrency policy, starting deadline,
//! then the workflow the `CronWorkflow` creates (`common.ConvertCronWorkflowToWorkflow`), validated
//! as a submission (`Opts{}`: its arguments need values).

use super::documents::{Kind, MetaKeys, TemplateSet};
use super::spec::document;
use crate::cron::{check_concurrency_policy, check_schedule, check_timezone};
use crate::error::chain_message;
use crate::lint::{Finding, Rule, names};
use crate::{CronWorkflow, JsonPath};

/// The checks of a `CronWorkflow`, appended to `out`.
pub(crate) fn cron(d: &CronWorkflow, templates: &TemplateSet<'_>, out: &mut Vec<Finding>) {
    names::metadata(&d.metadata, "cron workflow", 52, out);
    let spec = JsonPath::root().key("spec");
    let s = &d.spec;
    if s.schedules.is_empty() {
        out.push(Finding::error(
            Rule::Cron,
            &spec.key("schedules"),
            "cron workflow must have at least one schedule; add one to spec.schedules",
        ));
    }
    for (i, schedule) in s.schedules.iter().enumerate() {
        if let Err(e) = check_schedule(schedule) {
            out.push(Finding::error(
                Rule::Cron,
                &spec.key("schedules").index(i),
                chain_message(&e),
            ));
        }
    }
    if let Some(tz) = s.timezone.as_deref()
        && let Err(e) = check_timezone(tz)
    {
        out.push(Finding::error(
            Rule::Cron,
            &spec.key("timezone"),
            format!(
                "{}; use an IANA name such as Europe/Paris",
                chain_message(&e)
            ),
        ));
    }
    if let Some(p) = s.concurrency_policy.as_deref()
        && let Err(e) = check_concurrency_policy(p)
    {
        out.push(Finding::error(
            Rule::Cron,
            &spec.key("concurrencyPolicy"),
            e.to_string(),
        ));
    }
    if s.starting_deadline_seconds.is_some_and(|d| d < 0) {
        out.push(Finding::error(
            Rule::Cron,
            &spec.key("startingDeadlineSeconds"),
            "startingDeadlineSeconds must be positive",
        ));
    }
    // The labels and annotations of the workflow it creates.
    let own = d.metadata.labels.iter().flatten();
    let mut labels: Vec<&str> = vec!["workflows.argoproj.io/cron-workflow"];
    labels.extend(
        own.map(|(k, _)| k.as_str())
            .filter(|k| *k == "workflows.argoproj.io/controller-instanceid"),
    );
    let mut annotations: Vec<&str> = vec!["workflows.argoproj.io/scheduled-time"];
    if let Some(m) = &s.workflow_metadata {
        labels.extend(m.labels.iter().flatten().map(|(k, _)| k.as_str()));
        annotations.extend(m.annotations.iter().flatten().map(|(k, _)| k.as_str()));
    }
    let keys = MetaKeys {
        labels,
        annotations,
    };
    document(
        Kind::CronWorkflow,
        &keys,
        &s.workflow_spec,
        &spec.key("workflowSpec"),
        templates,
        out,
    );
}
