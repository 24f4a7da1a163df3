use super::*;
use crate::config::{ConcurrencyPolicy, Schedule};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

fn workflow() -> Workflow {
    let mut wf = Workflow::with_generate_name("demo-");
    wf.metadata.namespace = Some("team".into());
    wf.metadata.labels = Some(
        [("argo-kedro.io/project".to_owned(), "demo".to_owned())]
            .into_iter()
            .collect(),
    );
    wf.spec.entrypoint = Some("main".into());
    wf.spec.templates.push(argo_model::Template {
        name: "main".into(),
        container: Some(k8s_openapi::api::core::v1::Container {
            image: Some("alpine".into()),
            ..Default::default()
        }),
        ..Default::default()
    });
    wf
}

#[test]
fn the_cron_workflow_carries_the_schedule_and_the_workflow_spec_unchanged() {
    let wf = workflow();
    let schedule = Schedule::new("*/30 * * * *")
        .timezone("America/New_York")
        .concurrency_policy(ConcurrencyPolicy::Replace)
        .starting_deadline(120);
    let cron = cron_workflow(&wf, &schedule, "demo-default-base").unwrap();
    assert_eq!(cron.metadata.name.as_deref(), Some("demo-default-base"));
    assert_eq!(cron.metadata.namespace.as_deref(), Some("team"));
    assert_eq!(cron.metadata.labels, wf.metadata.labels);
    let spec = &cron.spec;
    assert_eq!(spec.schedules, ["*/30 * * * *"]);
    assert_eq!(spec.timezone.as_deref(), Some("America/New_York"));
    assert_eq!(spec.concurrency_policy.as_deref(), Some("Replace"));
    assert_eq!(spec.starting_deadline_seconds, Some(120));
    assert_eq!(
        spec.workflow_metadata.as_ref().unwrap().labels,
        wf.metadata.labels
    );
    assert_eq!(spec.workflow_spec, wf.spec);
}

#[test]
fn bad_schedules_name_what_is_wrong() {
    let wf = workflow();
    let err = |s: Schedule| cron_workflow(&wf, &s, "demo").unwrap_err().to_string();
    assert_eq!(
        err(Schedule::new("0 2 * * *").timezone("Europe/Pariss")),
        "unknown time zone `Europe/Pariss` (expected an IANA name such as `Europe/Paris`)"
    );
    let e = cron_workflow(&wf, &Schedule::new("61 * * * *"), "demo").unwrap_err();
    assert_eq!(e.to_string(), "invalid cron expression `61 * * * *`");
    assert_eq!(
        std::error::Error::source(&e).unwrap().to_string(),
        "end of range (61) above maximum (59): 61"
    );
    assert!(
        err(Schedule::new("TZ=UTC 0 2 * * *").timezone("Europe/Paris")).ends_with("give it once")
    );
    assert!(matches!(
        cron_workflow(&wf, &Schedule::new("@daily").timezone(""), "demo"),
        Err(ScheduleError::Timezone { .. })
    ));
    // A name Argo refuses: longer than 52 characters.
    let long = "x".repeat(53);
    let e = cron_workflow(&wf, &Schedule::new("@daily"), &long).unwrap_err();
    assert!(matches!(e, ScheduleError::Invalid { .. }), "{e}");
}

fn at(t: &str) -> Timestamp {
    t.parse().unwrap()
}

#[test]
fn next_run_in_the_zone_of_the_cron_workflow() {
    let wf = workflow();
    let mut cron = cron_workflow(
        &wf,
        &Schedule::new("0 2 * * *").timezone("Asia/Tokyo"),
        "demo",
    )
    .unwrap();
    let next = next_run(&cron, at("2024-05-01T00:00:00Z")).unwrap();
    assert_eq!(next.timestamp(), at("2024-05-01T17:00:00Z"));
    assert_eq!(next.time_zone().iana_name(), Some("Asia/Tokyo"));
    cron.spec.suspend = Some(true);
    assert_eq!(next_run(&cron, at("2024-05-01T00:00:00Z")), None);
}

#[test]
fn next_run_of_every_counts_from_the_last_scheduled_time() {
    let wf = workflow();
    let mut cron = cron_workflow(&wf, &Schedule::new("@every 1h"), "demo").unwrap();
    let now = at("2024-05-01T12:30:00Z");
    // Never scheduled: one interval from now.
    assert_eq!(
        next_run(&cron, now).unwrap().timestamp(),
        at("2024-05-01T13:30:00Z")
    );
    cron.status = Some(argo_model::CronWorkflowStatus {
        last_scheduled_time: Some(Time(at("2024-05-01T10:00:00Z"))),
        ..Default::default()
    });
    assert_eq!(
        next_run(&cron, now).unwrap().timestamp(),
        at("2024-05-01T13:00:00Z")
    );
    // Several schedules: the earliest.
    cron.spec.schedules.push("45 12 * * *".into());
    assert_eq!(
        next_run(&cron, now).unwrap().timestamp(),
        at("2024-05-01T12:45:00Z")
    );
}
