//! Golden tests of the pure retry and memoized-resubmit algorithms on Argo-shaped fixtures
//! (`tests/fixtures/*.yaml`), modelled on Argo's `TestFormulateRetryWorkflow` and
//! `TestFormulateResubmitWorkflow`.

use argo_client::{
    ResubmitOptions, RetryError, RetryOptions, hydrated_nodes, plan_resubmit, plan_retry,
};
use argo_model::{Document, Workflow};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use serde_json::{Value, json};

pub(crate) fn fixture(name: &str) -> Workflow {
    let path = format!("{}/tests/fixtures/{name}.yaml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("read fixture");
    match Document::from_yaml_str(&text)
        .expect("parse fixture")
        .remove(0)
    {
        Document::Workflow(wf) => *wf,
        other => panic!("{path} is not a Workflow: {other:?}"),
    }
}

fn now() -> Time {
    Time("2024-06-01T12:00:00Z".parse().expect("time"))
}

/// What a retry changes, in a form that reads well as YAML.
fn summary(wf: &Workflow) -> Value {
    let plan = plan_retry(wf, &RetryOptions::default(), &now()).expect("plan");
    let status = plan.workflow.status.clone().expect("status");
    let nodes: serde_json::Map<String, Value> = hydrated_nodes(&plan.workflow)
        .expect("nodes")
        .into_iter()
        .map(|(id, n)| {
            (
                id,
                json!({
                    "name": n.name, "type": n.type_, "phase": n.phase, "children": n.children,
                    "startedAt": n.started_at, "finishedAt": n.finished_at, "message": n.message,
                }),
            )
        })
        .collect();
    json!({
        "reset": plan.reset_nodes,
        "deleted": plan.deleted_nodes,
        "pods_to_delete": plan.pods_to_delete,
        "labels": plan.workflow.metadata.labels,
        "resourceVersion": plan.workflow.metadata.resource_version,
        "status": {
            "phase": status.phase, "message": status.message, "startedAt": status.started_at,
            "finishedAt": status.finished_at, "conditions": status.conditions,
            "compressed": status.compressed_nodes.is_some(),
        },
        "nodes": nodes,
    })
}

#[test]
fn retry_dag_with_failed_pod_and_succeeded_siblings() {
    insta::assert_yaml_snapshot!(summary(&fixture("dag-failed-pod")));
}

#[test]
fn retry_failed_node_under_retry_node() {
    insta::assert_yaml_snapshot!(summary(&fixture("retry-node")));
}

#[test]
fn retry_nested_dag() {
    insta::assert_yaml_snapshot!(summary(&fixture("nested-dag")));
}

#[test]
fn retry_drops_on_exit_handler() {
    insta::assert_yaml_snapshot!(summary(&fixture("onexit")));
}

#[test]
fn retry_reads_compressed_nodes() {
    let wf = fixture("compressed-nodes");
    assert!(wf.status.as_ref().is_some_and(|s| s.nodes.is_empty()));
    insta::assert_yaml_snapshot!(summary(&wf));
}

#[test]
fn retry_refuses_succeeded_and_running() {
    for (name, phase) in [("succeeded", "Succeeded"), ("running", "Running")] {
        let err = plan_retry(&fixture(name), &RetryOptions::default(), &now()).unwrap_err();
        assert!(
            matches!(&err, RetryError::Phase { phase: p } if p == phase),
            "{err:?}"
        );
    }
}

#[test]
fn retry_succeeded_with_restart_successful_and_selector() {
    let opts = RetryOptions::default().restart_successful("templateName=kedro");
    let plan = plan_retry(&fixture("succeeded"), &opts, &now()).expect("plan");
    assert_eq!(plan.deleted_nodes.len(), 1);
    assert_eq!(plan.pods_to_delete.len(), 1);
}

#[test]
fn retry_overrides_parameters() {
    let opts = RetryOptions::default().parameters(["env=prod"]);
    let plan = plan_retry(&fixture("dag-failed-pod"), &opts, &now()).expect("plan");
    let params = &plan.workflow.spec.arguments.expect("arguments").parameters;
    assert_eq!(params.len(), 1);
    assert_eq!(
        params[0].value.as_ref().map(argo_model::AnyString::as_str),
        Some("prod")
    );
}

#[test]
fn retry_compresses_large_workflows() {
    let wf = fixture("dag-failed-pod");
    let full = plan_retry(&wf, &RetryOptions::default(), &now()).expect("plan");
    let size = serde_json::to_vec(&full.workflow).expect("json").len();
    let opts = RetryOptions::default().max_workflow_size(size - 1);
    let plan = plan_retry(&fixture("dag-failed-pod"), &opts, &now()).expect("plan");
    let status = plan.workflow.status.as_ref().expect("status");
    assert!(status.nodes.is_empty() && status.compressed_nodes.is_some());
    assert_eq!(hydrated_nodes(&plan.workflow).expect("nodes").len(), 3);
    let tiny = RetryOptions::default().max_workflow_size(100);
    assert!(matches!(
        plan_retry(&fixture("dag-failed-pod"), &tiny, &now()),
        Err(RetryError::TooLarge { .. })
    ));
}

#[test]
fn memoized_resubmit_of_failed_dag() {
    let opts = ResubmitOptions::default().memoized(true);
    let new = plan_resubmit(&fixture("dag-failed-pod"), &opts, "abcde", &now()).expect("plan");
    insta::assert_yaml_snapshot!(json!({
        "metadata": new.metadata,
        "status": new.status,
    }));
}

#[test]
fn memoized_resubmit_of_compressed_and_on_exit() {
    let opts = ResubmitOptions::default().memoized(true);
    for name in ["compressed-nodes", "onexit"] {
        let new = plan_resubmit(&fixture(name), &opts, "abcde", &now()).expect("plan");
        let nodes = hydrated_nodes(&new).expect("nodes");
        let new_name = new.metadata.name.clone().expect("name");
        assert!(nodes.values().all(|n| n.name.starts_with(&new_name)));
        assert!(
            nodes.values().all(|n| !n.name.contains(".onExit")),
            "{name}"
        );
    }
}

#[test]
fn memoized_resubmit_refuses_running() {
    let opts = ResubmitOptions::default().memoized(true);
    assert!(matches!(
        plan_resubmit(&fixture("running"), &opts, "abcde", &now()),
        Err(RetryError::MemoizedPhase { .. })
    ));
}

#[test]
fn plain_resubmit_uses_generate_name() {
    let new = plan_resubmit(
        &fixture("succeeded"),
        &ResubmitOptions::default(),
        "x",
        &now(),
    )
    .expect("plan");
    assert_eq!(new.metadata.name, None);
    assert_eq!(new.metadata.generate_name.as_deref(), Some("done-"));
    assert!(new.status.is_none());
    let labels = new.metadata.labels.expect("labels");
    assert_eq!(
        labels
            .get(argo_client::RESUBMITTED_FROM_LABEL)
            .map(String::as_str),
        Some("done-z8x7c")
    );
    assert!(!labels.contains_key(argo_client::COMPLETED_LABEL));
}
