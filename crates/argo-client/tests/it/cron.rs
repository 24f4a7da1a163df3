//! `CronWorkflow`s over real HTTP against the Kubernetes API peer (see `main.rs`).

use std::collections::BTreeMap;

use argo_client::{CronWorkflowName, Error, ListOptions};
use argo_model::{CronWorkflow, CronWorkflowStatus};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::api::{Api, PostParams};

use crate::peer::{Peer, run};

fn cron(schedule: &str, project: &str) -> CronWorkflow {
    let mut c = CronWorkflow::default();
    c.metadata.name = Some("demo-default-cloud".into());
    c.metadata.labels = Some(BTreeMap::from([(
        "argo-kedro.io/project".into(),
        project.into(),
    )]));
    c.spec.schedules = vec![schedule.into()];
    c.spec.workflow_spec.entrypoint = Some("main".into());
    c
}

#[test]
fn apply_creates_then_updates_in_place_keeping_the_status() {
    run(async {
        let peer = Peer::start(&[]);
        let client = peer.client().await;
        let name: CronWorkflowName = "demo-default-cloud".parse().expect("name");
        assert!(
            client
                .get_cron_workflow(&name)
                .await
                .expect("get")
                .is_none()
        );

        let created = client
            .apply_cron_workflow(&cron("0 2 * * *", "demo"))
            .await
            .expect("create");
        assert!(created.created);
        let uid = created.cron_workflow.metadata.uid.clone();
        assert!(uid.is_some());

        // The cron controller writes the status with the object (no status subresource).
        let api: Api<CronWorkflow> = Api::namespaced(client.kube().clone(), "argo");
        let mut written = *created.cron_workflow;
        written.status = Some(CronWorkflowStatus {
            last_scheduled_time: Some(Time("2024-05-01T02:00:00Z".parse().expect("time"))),
            ..CronWorkflowStatus::default()
        });
        api.replace(name.as_str(), &PostParams::default(), &written)
            .await
            .expect("status");

        let updated = client
            .apply_cron_workflow(&cron("30 3 * * *", "demo"))
            .await
            .expect("update");
        assert!(!updated.created);
        let got = client
            .get_cron_workflow(&name)
            .await
            .expect("get")
            .expect("exists");
        assert_eq!(got.metadata.uid, uid, "the same object");
        assert_eq!(got.spec.schedules, ["30 3 * * *"]);
        assert!(
            got.status.and_then(|s| s.last_scheduled_time).is_some(),
            "the status is kept"
        );

        let mut other = cron("@daily", "other");
        other.metadata.name = Some("other-default-cloud".into());
        client.apply_cron_workflow(&other).await.expect("other");
        let mine = client
            .list_cron_workflows(
                &ListOptions::default().label_selector("argo-kedro.io/project=demo"),
            )
            .await
            .expect("list");
        assert_eq!(mine.len(), 1);
        assert_eq!(
            client
                .list_cron_workflows(&ListOptions::default())
                .await
                .expect("all")
                .len(),
            2
        );

        client.delete_cron_workflow(&name).await.expect("delete");
        assert!(
            client
                .get_cron_workflow(&name)
                .await
                .expect("get")
                .is_none()
        );
        let err = client.delete_cron_workflow(&name).await.unwrap_err();
        assert!(matches!(err, Error::CronWorkflowNotFound { .. }), "{err:?}");
        assert!(err.is_not_found());
    });
}

/// `check_apply_cron_workflow` is the server's dry run of the same write: it answers as a create
/// (nothing there yet) or as an update, and stores nothing either time.
#[test]
fn check_apply_writes_nothing() {
    run(async {
        let peer = Peer::start(&[]);
        let client = peer.client().await;
        let name: CronWorkflowName = "demo-default-cloud".parse().expect("name");

        let checked = client
            .check_apply_cron_workflow(&cron("0 2 * * *", "demo"))
            .await
            .expect("dry-run create");
        assert!(checked.created);
        assert!(
            client
                .get_cron_workflow(&name)
                .await
                .expect("get")
                .is_none()
        );

        let created = client
            .apply_cron_workflow(&cron("0 2 * * *", "demo"))
            .await
            .expect("create");
        let checked = client
            .check_apply_cron_workflow(&cron("30 3 * * *", "demo"))
            .await
            .expect("dry-run update");
        assert!(!checked.created);
        assert_eq!(checked.cron_workflow.spec.schedules, ["30 3 * * *"]);
        let stored = client
            .get_cron_workflow(&name)
            .await
            .expect("get")
            .expect("there");
        assert_eq!(stored.spec.schedules, ["0 2 * * *"]);
        assert_eq!(
            stored.metadata.resource_version,
            created.cron_workflow.metadata.resource_version
        );
        let (code, requests) = peer.raw("GET", "/peer/requests", "");
        assert_eq!(code, 200);
        assert_eq!(requests.matches("dryRun=All").count(), 2, "{requests}");
    });
}
