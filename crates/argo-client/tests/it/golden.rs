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

#[test]
fn the_node_selector_is_read_only_with_restart_successful() {
    // As Argo's `getNodeIDsToReset`: without restartSuccessful the selector is not even parsed.
    let mut opts = RetryOptions::default();
    opts.node_field_selector = Some("not a selector".into());
    assert!(plan_retry(&fixture("dag-failed-pod"), &opts, &now()).is_ok());
    let opts = RetryOptions::default().restart_successful("not a selector");
    let err = plan_retry(&fixture("dag-failed-pod"), &opts, &now()).unwrap_err();
    assert!(matches!(err, RetryError::Selector { .. }), "{err:?}");
    // A selector of empty terms only is not empty text: a Succeeded workflow may be retried,
    // and it matches every node (Kubernetes' empty `andTerm`).
    let opts = RetryOptions::default().restart_successful(",");
    let plan = plan_retry(&fixture("succeeded"), &opts, &now()).expect("plan");
    assert!(hydrated_nodes(&plan.workflow).expect("nodes").is_empty());
}

#[test]
fn a_missing_field_reads_as_empty_and_values_take_escapes() {
    // No node of the fixture has a templateRef: `templateRef.name=` selects them all.
    let opts = RetryOptions::default().restart_successful("templateRef.name=");
    let plan = plan_retry(&fixture("dag-failed-pod"), &opts, &now()).expect("plan");
    assert!(hydrated_nodes(&plan.workflow).expect("nodes").is_empty());
    let opts = RetryOptions::default().restart_successful(r"name=dag-x7k2p\,b");
    let plan = plan_retry(&fixture("dag-failed-pod"), &opts, &now()).expect("plan");
    assert_eq!(plan.deleted_nodes.len(), 1, "only the failed node");
}

/// A containerSet: a failed Container node re-runs its whole Pod (Argo's `resetPod`).
#[test]
fn a_failed_container_resets_and_deletes_its_pod() {
    let wf = crate::upstream::workflow_from(serde_json::json!({
        "metadata": {"name": "cs"},
        "status": {"phase": "Failed", "nodes": {
            "cs": {"id": "cs", "name": "cs", "type": "DAG", "phase": "Failed", "children": ["cs-1"]},
            "cs-1": {"id": "cs-1", "name": "cs.t", "type": "Pod", "phase": "Failed",
                     "templateName": "set", "boundaryID": "cs", "children": ["cs-2", "cs-3"]},
            "cs-2": {"id": "cs-2", "name": "cs.t.a", "type": "Container", "phase": "Failed", "boundaryID": "cs"},
            "cs-3": {"id": "cs-3", "name": "cs.t.b", "type": "Container", "phase": "Succeeded", "boundaryID": "cs"},
        }},
    }));
    let plan = plan_retry(&wf, &RetryOptions::default(), &now()).expect("plan");
    let ids: Vec<&str> = plan
        .deleted_nodes
        .iter()
        .map(argo_client::NodeId::as_str)
        .collect();
    assert_eq!(ids, ["cs-1", "cs-2", "cs-3"]);
    assert_eq!(plan.reset_nodes.len(), 1);
    let pods: Vec<&str> = plan
        .pods_to_delete
        .iter()
        .map(argo_client::PodName::as_str)
        .collect();
    assert_eq!(pods, [format!("cs-set-{}", fnv("cs.t"))]);
}

fn fnv(s: &str) -> u32 {
    s.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

#[test]
fn a_resubmit_is_validated_as_argo_validates_a_submission() {
    let old = fixture("dag-failed-pod");
    let new = plan_resubmit(&old, &ResubmitOptions::default(), "x", &now()).expect("plan");
    argo_client::validate_submit(&new).expect("valid");
    // `spec.arguments.parameters` without a value: `argo lint` accepts it, a submission not.
    let mut bad = new.clone();
    if let Some(args) = bad.spec.arguments.as_mut() {
        args.parameters[0].value = None;
    }
    let err = argo_client::validate_submit(&bad).unwrap_err();
    let RetryError::Invalid { findings } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(findings[0].path, "spec.arguments.parameters[0]");
    assert!(
        err.to_string()
            .contains("spec.arguments.parameters.env.value"),
        "{err}"
    );
    // A template that does not exist.
    let mut bad = new;
    bad.spec.entrypoint = Some("nope".into());
    assert!(argo_client::validate_submit(&bad).is_err());
}
