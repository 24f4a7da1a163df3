//! The client through the fault-injecting proxy (`tests/k8s_peer/fault_proxy.py`, a stand-in for
//! a bad network or an overloaded API server) in front of the Kubernetes API peer: answers lost
//! after the request was carried out, hangs, resets, truncated bodies, throttling.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use argo_client::{
    Error, ListOptions, ResubmitOptions, RetryOptions, SUBMISSION_LABEL, SubmitOptions,
    hydrated_nodes,
};
use argo_model::{Workflow, WorkflowStatus};
use kube::api::{Api, PostParams};
use serde_json::json;

use crate::golden::fixture;
use crate::peer::{FaultProxy, Peer, run};

const WORKFLOWS: &str = "/apis/argoproj.io/v1alpha1/namespaces/argo/workflows";

fn workflow(generate_name: &str) -> Workflow {
    let mut wf = Workflow::with_generate_name(generate_name);
    wf.spec.entrypoint = Some("main".into());
    wf.metadata.labels = Some(BTreeMap::from([("test".into(), generate_name.into())]));
    wf
}

/// Stores the golden fixture `dag-failed-pod` (a failed workflow) in the peer, directly;
/// returns its name.
async fn failed_workflow(direct: &argo_client::Client) -> String {
    let mut wf = fixture("dag-failed-pod");
    wf.metadata.namespace = Some("argo".into());
    let api: Api<Workflow> = Api::namespaced(direct.kube().clone(), "argo");
    api.create(&PostParams::default(), &wf)
        .await
        .expect("create failed workflow");
    wf.metadata.name.expect("fixture name")
}

/// The workflows the peer holds (read directly, not through the proxy).
async fn stored(peer: &Peer) -> Vec<Workflow> {
    peer.client()
        .await
        .list(&ListOptions::default())
        .await
        .expect("list")
}

#[test]
fn a_create_whose_answer_is_lost_leaves_exactly_one_workflow() {
    run(async {
        let peer = Peer::start(&[]);
        let proxy = FaultProxy::start(&peer);
        let client = proxy.client(Duration::from_secs(20)).await;
        // Applied, then 504; refused with 503 before it reached the server; reset; applied
        // with its answer cut short.
        let faults = [
            json!({"method": "POST", "path_prefix": WORKFLOWS, "fault": "apply", "code": 504}),
            json!({"method": "POST", "path_prefix": WORKFLOWS, "fault": "code", "code": 503}),
            json!({"method": "POST", "path_prefix": WORKFLOWS, "fault": "reset"}),
            json!({"method": "POST", "path_prefix": WORKFLOWS, "fault": "truncate"}),
        ];
        let mut names = Vec::new();
        for (i, fault) in faults.iter().enumerate() {
            proxy.fault(fault);
            let submitted = client
                .submit(&workflow(&format!("wf{i}-")), &SubmitOptions::default())
                .await
                .unwrap_or_else(|e| panic!("{fault}: {e:?}"));
            assert!(submitted.name.as_str().starts_with(&format!("wf{i}-")));
            names.push(submitted.name.to_string());
            let all = stored(&peer).await;
            assert_eq!(all.len(), i + 1, "{fault}: {all:?}");
            let ours = all
                .iter()
                .find(|w| w.metadata.name.as_deref() == Some(submitted.name.as_str()))
                .expect("the reported workflow exists");
            let label = ours
                .metadata
                .labels
                .as_ref()
                .and_then(|l| l.get(SUBMISSION_LABEL));
            assert!(label.is_some_and(|l| l.len() == 12), "{label:?}");
        }
        // Every create after an unknown outcome was looked up first.
        let log = proxy.log();
        let gets_after_faults = log
            .iter()
            .filter(|r| {
                r["method"] == "GET" && r["path"].as_str().unwrap_or("").starts_with(WORKFLOWS)
            })
            .count();
        assert_eq!(gets_after_faults, 4, "{log:?}");
    });
}

#[test]
fn a_given_name_taken_by_another_workflow_is_still_an_error() {
    run(async {
        let peer = Peer::start(&[]);
        let proxy = FaultProxy::start(&peer);
        let client = proxy.client(Duration::from_secs(20)).await;
        let opts = SubmitOptions::default().name("taken".parse().expect("name"));
        client.submit(&workflow("a-"), &opts).await.expect("first");
        let err = client.submit(&workflow("b-"), &opts).await.unwrap_err();
        assert!(matches!(err, Error::AlreadyExists { .. }), "{err:?}");
        assert_eq!(stored(&peer).await.len(), 1);
    });
}

#[test]
fn a_memoized_resubmit_whose_answer_is_lost_leaves_one_new_workflow() {
    run(async {
        let peer = Peer::start(&[]);
        let proxy = FaultProxy::start(&peer);
        let direct = peer.client().await;
        let name = Box::pin(failed_workflow(&direct)).await;
        let client = proxy.client(Duration::from_secs(20)).await;
        proxy.fault(&json!({"method": "POST", "path_prefix": WORKFLOWS, "fault": "apply"}));
        let new = client
            .resubmit(
                &name.parse().expect("name"),
                &ResubmitOptions::default().memoized(true),
            )
            .await
            .expect("resubmit");
        let all = stored(&peer).await;
        assert_eq!(all.len(), 2, "{all:?}");
        assert!(
            all.iter()
                .any(|w| w.metadata.name.as_deref() == Some(new.name.as_str()))
        );
    });
}

#[test]
fn an_in_place_retry_whose_answer_is_lost_reports_success() {
    run(async {
        let peer = Peer::start(&[]);
        let proxy = FaultProxy::start(&peer);
        let direct = peer.client().await;
        let name = Box::pin(failed_workflow(&direct)).await;
        let client = proxy.client(Duration::from_secs(20)).await;
        // The replace is applied, its answer lost; the client sends it again (a 409: the
        // resourceVersion moved), reads the workflow and finds its own retry.
        proxy.fault(
            &json!({"method": "PUT", "path_prefix": WORKFLOWS, "fault": "apply", "code": 504}),
        );
        let outcome = client
            .retry(&name.parse().expect("name"), &RetryOptions::default())
            .await
            .expect("retry");
        let now = direct.get(&name.parse().expect("name")).await.expect("get");
        // Retried as Argo's retry leaves it: phase unset, no node Failed.
        let phase = now
            .status
            .as_ref()
            .and_then(|s: &WorkflowStatus| s.phase.clone());
        assert_eq!(phase, None);
        let nodes = hydrated_nodes(&now).expect("nodes");
        assert!(nodes.values().all(|n| n.phase.as_deref() != Some("Failed")));
        assert_eq!(
            outcome.workflow.metadata.resource_version,
            now.metadata.resource_version
        );
        assert!(!outcome.reset_nodes.is_empty());
        let puts = proxy.log().iter().filter(|r| r["method"] == "PUT").count();
        assert!(puts >= 1);
    });
}

#[test]
fn a_hung_server_ends_with_one_timeout() {
    run(async {
        let peer = Peer::start(&[]);
        let proxy = FaultProxy::start(&peer);
        let client = proxy.client(Duration::from_secs(2)).await;
        proxy.fault(&json!({"method": "GET", "fault": "hang", "times": -1}));
        let start = Instant::now();
        let err = client.get(&"wf".parse().expect("name")).await.unwrap_err();
        let took = start.elapsed();
        assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
        assert!(
            took >= Duration::from_secs(2) && took < Duration::from_secs(10),
            "{took:?}"
        );
        assert_eq!(
            err.to_string(),
            "the API server did not answer within 2s to get workflow wf"
        );
        assert!(err.is_unreachable());
    });
}

#[test]
fn resets_and_truncated_answers_of_reads_are_retried() {
    run(async {
        let peer = Peer::start(&[]);
        let submitted = peer
            .client()
            .await
            .submit(&workflow("r-"), &SubmitOptions::default())
            .await
            .expect("submit");
        let proxy = FaultProxy::start(&peer);
        let client = proxy.client(Duration::from_secs(20)).await;
        proxy.fault(&json!({"method": "GET", "fault": "reset"}));
        proxy.fault(&json!({"method": "GET", "fault": "truncate"}));
        proxy.fault(&json!({"method": "GET", "fault": "code", "code": 502}));
        let got = client.get(&submitted.name).await.expect("get");
        assert_eq!(got.metadata.uid.as_deref(), Some(submitted.uid.as_str()));
        let faults: Vec<String> = proxy
            .log()
            .iter()
            .map(|r| r["fault"].as_str().unwrap_or_default().to_owned())
            .collect();
        assert_eq!(faults, ["reset", "truncate", "code", "forward"]);
    });
}

#[test]
fn retry_after_is_honoured() {
    run(async {
        let peer = Peer::start(&[]);
        let proxy = FaultProxy::start(&peer);
        let client = proxy.client(Duration::from_secs(20)).await;
        // The API server's own 429 (priority and fairness): plain text and a Retry-After.
        proxy.fault(&json!({"method": "GET", "fault": "code", "code": 429, "plain": true,
                            "retry_after": 2, "message": "Too many requests, please try again later."}));
        let listed = client.list(&ListOptions::default()).await.expect("list");
        assert!(listed.is_empty());
        let log = proxy.log();
        assert_eq!(log.len(), 2, "{log:?}");
        let waited = log[1]["t"].as_f64().unwrap_or(0.0) - log[0]["t"].as_f64().unwrap_or(0.0);
        assert!(waited >= 1.9, "waited {waited}s, not the 2s asked for");

        // A wait longer than the client would ever wait ends the request with the 429.
        proxy.fault(&json!({"method": "GET", "fault": "code", "code": 429, "retry_after": 3600}));
        let err = client.list(&ListOptions::default()).await.unwrap_err();
        match &err {
            Error::Api { source, .. } => assert_eq!(source.code(), Some(429)),
            other => panic!("{other:?}"),
        }
    });
}

#[test]
fn a_409_on_a_read_is_not_already_exists_and_messages_are_the_apis() {
    run(async {
        let peer = Peer::start(&[]);
        let proxy = FaultProxy::start(&peer);
        let client = proxy.client(Duration::from_secs(20)).await;
        proxy.fault(&json!({"method": "GET", "fault": "code", "code": 409}));
        let err = client.get(&"wf".parse().expect("name")).await.unwrap_err();
        assert!(matches!(err, Error::Api { verb: "get", .. }), "{err:?}");
        assert!(!err.to_string().contains("already exists"), "{err}");

        proxy.fault(
            &json!({"method": "GET", "fault": "code", "code": 500, "times": -1,
                            "message": "etcdserver: request timed out"}),
        );
        let err = client.get(&"wf".parse().expect("name")).await.unwrap_err();
        let cause = std::error::Error::source(&err).expect("a cause");
        assert_eq!(
            cause.to_string(),
            "etcdserver: request timed out (500 InternalError)"
        );
        assert!(cause.source().is_none());
        assert!(!format!("{err}: {cause}").contains("Status {"));
    });
}
