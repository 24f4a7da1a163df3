//! Every operation over real HTTP against the Kubernetes API peer (see `main.rs`).

use std::collections::BTreeMap;
use std::time::Duration;

use argo_client::{
    Client, ConnectOptions, Error, ListOptions, LogOptions, ResubmitOptions, RetryOptions,
    SubmitOptions, WorkflowName, hydrated_nodes, pod_name,
};
use argo_model::{Workflow, WorkflowStatus};
use futures::StreamExt;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, Patch, PatchParams, PostParams};

use crate::golden::fixture;
use crate::peer::{Peer, run};

fn labelled(generate_name: &str, project: &str) -> Workflow {
    let mut wf = Workflow::with_generate_name(generate_name);
    wf.spec.entrypoint = Some("main".into());
    wf.metadata.labels = Some(BTreeMap::from([(
        "argo-kedro/project".into(),
        project.into(),
    )]));
    wf
}

fn name(s: &str) -> WorkflowName {
    s.parse().expect("workflow name")
}

async fn set_phase(client: &Client, wf: &WorkflowName, phase: &str) {
    let api: Api<Workflow> = Api::namespaced(client.kube().clone(), "argo");
    let patch = serde_json::json!({"status": {"phase": phase}});
    api.patch(wf.as_str(), &PatchParams::default(), &Patch::Merge(&patch))
        .await
        .expect("patch phase");
}

#[test]
fn submit_get_list() {
    run(async {
        let peer = Peer::start(&[]);
        let client = peer.client().await;
        assert_eq!(client.namespace().as_str(), "argo");

        let first = client
            .submit(
                &labelled("spaceflights-", "demo"),
                &SubmitOptions::default(),
            )
            .await
            .expect("submit");
        assert!(first.name.as_str().starts_with("spaceflights-"));
        assert_eq!(first.name.as_str().len(), "spaceflights-".len() + 5);
        assert!(!first.uid.is_empty());
        assert_eq!(first.namespace.as_str(), "argo");
        tokio::time::sleep(Duration::from_millis(1100)).await;
        let second = client
            .submit(
                &labelled("spaceflights-", "demo"),
                &SubmitOptions::default().name(name("fixed")),
            )
            .await
            .expect("submit named");
        assert_eq!(second.name.as_str(), "fixed");
        client
            .submit(&labelled("other-", "other"), &SubmitOptions::default())
            .await
            .expect("submit other");

        let again = client
            .submit(
                &labelled("x-", "demo"),
                &SubmitOptions::default().name(name("fixed")),
            )
            .await
            .unwrap_err();
        assert!(matches!(again, Error::AlreadyExists { .. }), "{again:?}");

        let got = client.get(&first.name).await.expect("get");
        assert_eq!(got.metadata.uid.as_deref(), Some(first.uid.as_str()));
        assert!(got.metadata.resource_version.is_some());

        let missing = client.get(&name("nope")).await.unwrap_err();
        assert!(missing.is_not_found(), "{missing:?}");

        let listed = client
            .list(&ListOptions::default().label_selector("argo-kedro/project=demo"))
            .await
            .expect("list");
        let names: Vec<_> = listed
            .iter()
            .filter_map(|w| w.metadata.name.clone())
            .collect();
        assert_eq!(names, [second.name.to_string(), first.name.to_string()]);
        assert_eq!(
            client
                .list(&ListOptions::default())
                .await
                .expect("list all")
                .len(),
            3
        );

        let dry = client
            .submit(
                &labelled("dry-", "demo"),
                &SubmitOptions::default().dry_run(true),
            )
            .await
            .expect("dry run");
        assert!(client.get(&dry.name).await.unwrap_err().is_not_found());
    });
}

#[test]
fn connection_errors_are_explained() {
    run(async {
        let no_crd = Peer::start(&["--no-crd"]);
        let err = no_crd
            .client()
            .await
            .list(&ListOptions::default())
            .await
            .unwrap_err();
        assert!(matches!(err, Error::CrdMissing { .. }), "{err:?}");

        let secured = Peer::start(&["--bearer-token", "s3cret"]);
        let err = secured
            .client()
            .await
            .list(&ListOptions::default())
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");
        let ok = Client::connect(
            ConnectOptions::default().kubeconfig(secured.kubeconfig(Some("s3cret"))),
        )
        .await
        .expect("connect");
        assert!(
            ok.list(&ListOptions::default())
                .await
                .expect("list")
                .is_empty()
        );

        let forbidden = Peer::start(&["--forbid"]);
        let err = forbidden
            .client()
            .await
            .submit(&labelled("a-", "demo"), &SubmitOptions::default())
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::Forbidden { verb: "create", .. }),
            "{err:?}"
        );

        let namespaced = Peer::start(&["--namespaces", "default"]);
        let err = namespaced
            .client()
            .await
            .submit(&labelled("a-", "demo"), &SubmitOptions::default())
            .await
            .unwrap_err();
        assert!(matches!(err, Error::NamespaceNotFound { .. }), "{err:?}");

        let err = Client::connect(ConnectOptions::default().kubeconfig("/nonexistent/kubeconfig"))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Kubeconfig { .. }), "{err:?}");
    });
}

#[test]
fn transient_failures_are_retried() {
    run(async {
        let peer = Peer::start(&[]);
        let client = peer.client().await;
        let sub = client
            .submit(&labelled("t-", "demo"), &SubmitOptions::default())
            .await
            .expect("submit");
        let (code, _) = peer.raw(
            "POST",
            "/peer/fail",
            r#"{"method": "GET", "path_prefix": "/apis/", "code": 503, "times": 2}"#,
        );
        assert_eq!(code, 200);
        client.get(&sub.name).await.expect("get after two 503s");
    });
}

#[test]
fn stale_resource_version_conflicts() {
    run(async {
        let peer = Peer::start(&[]);
        let client = peer.client().await;
        let sub = client
            .submit(&labelled("c-", "demo"), &SubmitOptions::default())
            .await
            .expect("submit");
        let api: Api<Workflow> = Api::namespaced(client.kube().clone(), "argo");
        let mut stale = sub.workflow.clone();
        set_phase(&client, &sub.name, "Running").await;
        stale.spec.entrypoint = Some("other".into());
        let err = api
            .replace(sub.name.as_str(), &PostParams::default(), &stale)
            .await
            .unwrap_err();
        assert!(matches!(&err, kube::Error::Api(s) if s.code == 409 && s.reason == "Conflict"));
    });
}

#[test]
fn watch_follows_until_completed() {
    run(async {
        let peer = Peer::start(&[]);
        let client = peer.client().await;
        let sub = client
            .submit(&labelled("w-", "demo"), &SubmitOptions::default())
            .await
            .expect("submit");
        let writer = client.clone();
        let wf = sub.name.clone();
        let driver = tokio::spawn(async move {
            for phase in ["Running", "Running", "Succeeded"] {
                tokio::time::sleep(Duration::from_millis(300)).await;
                set_phase(&writer, &wf, phase).await;
            }
        });
        let phases: Vec<String> = tokio::time::timeout(
            Duration::from_secs(30),
            client
                .watch(&sub.name)
                .map(|w| {
                    w.expect("snapshot")
                        .status
                        .and_then(|s| s.phase)
                        .unwrap_or_default()
                })
                .collect(),
        )
        .await
        .expect("the watch ends");
        driver.await.expect("driver");
        assert_eq!(phases.first().map(String::as_str), Some(""));
        assert_eq!(phases.last().map(String::as_str), Some("Succeeded"));
        assert!(phases.len() >= 3, "{phases:?}");
    });
}

async fn pod_for(client: &Client, wf: &Workflow, node_id: &str, log: Option<(&Peer, &str)>) {
    let nodes = hydrated_nodes(wf).expect("nodes");
    let node = &nodes[node_id];
    let pod_name = pod_name(wf, node);
    let mut pod = Pod::default();
    pod.metadata.name = Some(pod_name.to_string());
    pod.metadata.labels = Some(BTreeMap::from([(
        argo_client::WORKFLOW_LABEL.into(),
        wf.metadata.name.clone().expect("name"),
    )]));
    pod.metadata.annotations = Some(BTreeMap::from([(
        argo_client::NODE_ID_ANNOTATION.into(),
        node_id.to_owned(),
    )]));
    let api: Api<Pod> = Api::namespaced(client.kube().clone(), "argo");
    api.create(&PostParams::default(), &pod)
        .await
        .expect("create pod");
    if let Some((peer, text)) = log {
        let (code, _) = peer.raw("PUT", &format!("/peer/logs/argo/{pod_name}"), text);
        assert_eq!(code, 200);
    }
}

/// Creates `wf` as the controller left it (a Failed workflow with its status: the CRD has no
/// status subresource) and a pod for each of its Pod nodes.
async fn failed_with_pods(client: &Client, mut wf: Workflow) {
    wf.metadata.resource_version = None;
    wf.metadata.uid = None;
    let created = client
        .submit(&wf, &SubmitOptions::default())
        .await
        .expect("create failed workflow")
        .workflow;
    let nodes = hydrated_nodes(&created).expect("nodes");
    for id in nodes.keys().filter(|id| nodes[*id].type_ == "Pod") {
        pod_for(client, &created, id, None).await;
    }
}

#[test]
fn retry_in_place_over_the_api() {
    run(async {
        let peer = Peer::start(&[]);
        let client = peer.client().await;
        Box::pin(failed_with_pods(&client, fixture("dag-failed-pod"))).await;
        let before = client.pods_of(&name("dag-x7k2p")).await.expect("pods");
        assert_eq!(before.len(), 3);

        let outcome = client
            .retry(&name("dag-x7k2p"), &RetryOptions::default())
            .await
            .expect("retry");
        assert_eq!(outcome.attempts, 1);
        assert_eq!(outcome.deleted_pods.len(), 1);
        assert!(outcome.missing_pods.is_empty());

        let after = client.get(&name("dag-x7k2p")).await.expect("get");
        let labels = after.metadata.labels.clone().expect("labels");
        assert!(!labels.contains_key(argo_client::COMPLETED_LABEL));
        let status = after.status.clone().expect("status");
        assert_eq!(status.phase, None);
        let nodes = hydrated_nodes(&after).expect("nodes");
        assert_eq!(nodes.len(), 3);
        assert!(nodes.values().all(|n| n.phase.as_deref() != Some("Failed")));
        let pods = client.pods_of(&name("dag-x7k2p")).await.expect("pods");
        let pod_nodes: Vec<_> = pods.iter().filter_map(|p| p.node_id.clone()).collect();
        assert_eq!(pod_nodes.len(), 2);
        assert!(pod_nodes.iter().all(|id| nodes.contains_key(id.as_str())));

        // Retrying again is refused: the workflow is no longer Failed.
        let err = client
            .retry(&name("dag-x7k2p"), &RetryOptions::default())
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Plan { .. }), "{err:?}");
    });
}

#[test]
fn resubmit_new_runs() {
    run(async {
        let peer = Peer::start(&[]);
        let client = peer.client().await;
        let mut wf = fixture("dag-failed-pod");
        wf.metadata.resource_version = None;
        client
            .submit(&wf, &SubmitOptions::default())
            .await
            .expect("create");

        let memo = client
            .resubmit(
                &name("dag-x7k2p"),
                &ResubmitOptions::default().memoized(true),
            )
            .await
            .expect("memoized");
        assert!(memo.name.as_str().starts_with("dag-") && memo.name.as_str() != "dag-x7k2p");
        let nodes = hydrated_nodes(&memo.workflow).expect("nodes");
        assert_eq!(
            nodes
                .values()
                .filter(|n| n.phase.as_deref() == Some("Skipped"))
                .count(),
            2
        );

        let plain = client
            .resubmit(&name("dag-x7k2p"), &ResubmitOptions::default())
            .await
            .expect("plain");
        assert!(
            plain
                .workflow
                .status
                .is_none_or(|s: WorkflowStatus| s.nodes.is_empty())
        );
        let from = plain.workflow.metadata.labels.expect("labels");
        assert_eq!(
            from.get(argo_client::RESUBMITTED_FROM_LABEL)
                .map(String::as_str),
            Some("dag-x7k2p")
        );
    });
}

/// The controller instance id is checked before anything changes (Argo's
/// `instanceid.Service.Validate`), and a resubmit that fails Argo's submit validation creates
/// nothing.
#[test]
fn instance_id_and_validation_guard_retry_and_resubmit() {
    run(async {
        let peer = Peer::start(&[]);
        let client = peer.client().await;
        let mut wf = fixture("dag-failed-pod");
        wf.metadata
            .labels
            .get_or_insert_with(Default::default)
            .insert(argo_client::INSTANCE_ID_LABEL.into(), "team-a".into());
        Box::pin(failed_with_pods(&client, wf)).await;
        let wf_name = name("dag-x7k2p");
        for configured in [None, Some("team-b".to_owned())] {
            let opts = RetryOptions::default().instance_id(configured.clone());
            let err = client.retry(&wf_name, &opts).await.unwrap_err();
            let source = plan_error(&err);
            assert!(
                matches!(source, argo_client::RetryError::InstanceId { .. }),
                "{source:?}"
            );
            let opts = ResubmitOptions::default().instance_id(configured);
            assert!(client.resubmit(&wf_name, &opts).await.is_err());
        }
        assert_eq!(client.pods_of(&wf_name).await.expect("pods").len(), 3);
        assert_eq!(workflow_count(&client).await, 1);
        let unchanged = client.get(&wf_name).await.expect("get");
        assert_eq!(cluster_phase(&unchanged), "Failed");

        // The workflow's parameter loses its value: Argo refuses to submit such a workflow.
        let api: Api<Workflow> = Api::namespaced(client.kube().clone(), "argo");
        let patch = serde_json::json!({"spec": {"arguments": {"parameters": [{"name": "env"}]}}});
        api.patch(
            wf_name.as_str(),
            &PatchParams::default(),
            &Patch::Merge(&patch),
        )
        .await
        .expect("patch");
        let opts = ResubmitOptions::default()
            .memoized(true)
            .instance_id(Some("team-a".into()));
        let err = client.resubmit(&wf_name, &opts).await.unwrap_err();
        let source = plan_error(&err);
        assert!(
            matches!(source, argo_client::RetryError::Invalid { .. }),
            "{source:?}"
        );
        assert_eq!(workflow_count(&client).await, 1);

        let opts = RetryOptions::default().instance_id(Some("team-a".into()));
        let outcome = client.retry(&wf_name, &opts).await.expect("retry");
        assert_eq!(outcome.deleted_pods.len(), 1);
    });
}

fn plan_error(err: &Error) -> &argo_client::RetryError {
    match err {
        Error::Plan { source, .. } => source,
        other => panic!("{other:?}"),
    }
}

async fn workflow_count(client: &Client) -> usize {
    client
        .list(&ListOptions::default())
        .await
        .expect("list")
        .len()
}

fn cluster_phase(wf: &Workflow) -> &str {
    wf.status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or_default()
}

#[test]
fn stop_and_terminate() {
    run(async {
        let peer = Peer::start(&[]);
        let client = peer.client().await;
        let sub = client
            .submit(&labelled("s-", "demo"), &SubmitOptions::default())
            .await
            .expect("submit");
        set_phase(&client, &sub.name, "Running").await;
        let stopped = client.stop(&sub.name).await.expect("stop");
        assert_eq!(stopped.spec.shutdown.as_deref(), Some("Stop"));
        let terminated = client.terminate(&sub.name).await.expect("terminate");
        assert_eq!(terminated.spec.shutdown.as_deref(), Some("Terminate"));
        set_phase(&client, &sub.name, "Failed").await;
        let err = client.stop(&sub.name).await.unwrap_err();
        assert!(matches!(err, Error::AlreadyCompleted { .. }), "{err:?}");
        let err = client.terminate(&name("missing")).await.unwrap_err();
        assert!(err.is_not_found(), "{err:?}");
    });
}

#[test]
fn pods_and_logs() {
    run(async {
        let peer = Peer::start(&[]);
        let client = peer.client().await;
        let mut wf = fixture("dag-failed-pod");
        wf.metadata.resource_version = None;
        let created = client
            .submit(&wf, &SubmitOptions::default())
            .await
            .expect("create")
            .workflow;
        let failed = "dag-x7k2p-3013385402";
        pod_for(
            &client,
            &created,
            failed,
            Some((&peer, "line one\nline two\n")),
        )
        .await;
        let pods = client.pods_of(&name("dag-x7k2p")).await.expect("pods");
        assert_eq!(pods.len(), 1);
        assert_eq!(
            pods[0].node_id.as_ref().map(argo_client::NodeId::as_str),
            Some(failed)
        );
        let text = client
            .logs(&pods[0].pod, &LogOptions::default())
            .await
            .expect("logs");
        assert_eq!(text, "line one\nline two\n");
        let lines: Vec<String> = client
            .log_lines(&pods[0].pod, &LogOptions::default().follow(true))
            .await
            .expect("stream")
            .map(|l| l.expect("line"))
            .collect()
            .await;
        assert_eq!(lines, ["line one", "line two"]);
        let nodes = hydrated_nodes(&created).expect("nodes");
        assert_eq!(
            argo_client::kedro_nodes(&nodes[failed]),
            ["train", "evaluate"]
        );
    });
}
