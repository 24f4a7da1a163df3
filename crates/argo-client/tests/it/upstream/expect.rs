//! Upstream's assertions (the `expect` of a case of cases.yaml) and the whole-result summary of
//! the snapshots.

use std::collections::{BTreeMap, BTreeSet};

use argo_client::hydrated_nodes;
use argo_model::{NodeStatus, Workflow};
use serde_json::{Value, json};

use super::{Outcome, call, strings};

pub(super) fn nodes(wf: &Workflow) -> BTreeMap<String, NodeStatus> {
    hydrated_nodes(wf).expect("nodes").into_iter().collect()
}

fn phase(n: &NodeStatus) -> &str {
    n.phase.as_deref().unwrap_or_default()
}

fn param_values(params: Option<&Vec<argo_model::Parameter>>) -> Vec<String> {
    params
        .into_iter()
        .flatten()
        .map(|p| {
            p.value
                .as_ref()
                .map(|v| v.as_str().to_owned())
                .unwrap_or_default()
        })
        .collect()
}

fn running(wf: &Workflow) -> BTreeSet<String> {
    nodes(wf)
        .into_iter()
        .filter(|(_, n)| phase(n) == "Running")
        .map(|(id, _)| id)
        .collect()
}

/// Checks upstream's assertions on the outcome of a retry or resubmit.
#[allow(clippy::too_many_lines)]
pub(super) fn check(test: &str, case: &Value, wf: &Workflow, out: &Outcome) {
    let new = &out.workflow;
    let got = nodes(new);
    let new_name = new.metadata.name.clone().unwrap_or_default();
    let labels = new.metadata.labels.clone().unwrap_or_default();
    let expect = case["expect"].as_object().expect("expect");
    for (key, want) in expect {
        match key.as_str() {
            "nodes" => assert_eq!(
                Some(got.len() as u64),
                want.as_u64(),
                "{test}: nodes {got:#?}"
            ),
            "pods" => assert_eq!(
                Some(out.pods.len() as u64),
                want.as_u64(),
                "{test}: pods {:?}",
                out.pods
            ),
            "podsContain" => {
                for pod in strings(want) {
                    assert!(
                        out.pods.contains(&pod),
                        "{test}: {pod} not in {:?}",
                        out.pods
                    );
                }
            }
            "phaseById" => {
                for (id, p) in want.as_object().expect("map") {
                    let n = got
                        .get(id)
                        .unwrap_or_else(|| panic!("{test}: no node {id}"));
                    assert_eq!(Some(phase(n)), p.as_str(), "{test}: phase of {id}");
                }
            }
            "phaseByName" => {
                for (name, p) in want.as_object().expect("map") {
                    let n = got
                        .values()
                        .find(|n| &n.name == name)
                        .unwrap_or_else(|| panic!("{test}: no node named {name}"));
                    assert_eq!(Some(phase(n)), p.as_str(), "{test}: phase of {name}");
                }
            }
            "absent" => {
                for id in strings(want) {
                    assert!(!got.contains_key(&id), "{test}: {id} is still there");
                }
            }
            "absentNodeOfName" => {
                for name in strings(want) {
                    let id = argo_client::node_id(&new_name, &name.replace("{new}", &new_name));
                    assert!(!got.contains_key(&id), "{test}: {id} ({name}) is there");
                }
            }
            "children" => {
                for (id, children) in want.as_object().expect("map") {
                    let n = got
                        .get(id)
                        .unwrap_or_else(|| panic!("{test}: no node {id}"));
                    assert_eq!(n.children, strings(children), "{test}: children of {id}");
                }
            }
            "notInYaml" => {
                let yaml = serde_norway::to_string(new).expect("yaml");
                for text in strings(want) {
                    assert!(!yaml.contains(&text), "{test}: {text} in\n{yaml}");
                }
            }
            "workflowPhase" => {
                let p = new.status.as_ref().and_then(|s| s.phase.clone());
                assert_eq!(
                    p.unwrap_or_default().as_str(),
                    want.as_str().expect("phase")
                );
            }
            "labelsPresent" => {
                for l in strings(want) {
                    assert!(labels.contains_key(&l), "{test}: no label {l}: {labels:?}");
                }
            }
            "labelsAbsent" => {
                for l in strings(want) {
                    let v = labels.get(&l).map(String::as_str).unwrap_or_default();
                    assert!(v.is_empty(), "{test}: label {l} is {v}");
                }
            }
            "labels" => {
                for (l, v) in want.as_object().expect("map") {
                    assert_eq!(labels.get(l).map(String::as_str), v.as_str(), "{test}: {l}");
                }
            }
            "specParameters" => {
                let values = param_values(new.spec.arguments.as_ref().map(|a| &a.parameters));
                let want = strings(want);
                assert_eq!(values[..want.len()], want[..], "{test}: spec parameters");
            }
            "storedParameters" => {
                let stored = new
                    .status
                    .as_ref()
                    .and_then(|s| s.stored_workflow_template_spec.as_ref())
                    .and_then(|s| s.arguments.as_ref())
                    .map(|a| &a.parameters);
                let values = param_values(stored);
                let want = strings(want);
                assert_eq!(values[..want.len()], want[..], "{test}: stored parameters");
            }
            "specParameterByName" => {
                for (name, v) in want.as_object().expect("map") {
                    let params = new.spec.arguments.as_ref().expect("arguments");
                    for p in params.parameters.iter().filter(|p| &p.name == name) {
                        let value = p.value.as_ref().map(|x| x.as_str().to_owned());
                        assert_eq!(value.as_deref(), v.as_str(), "{test}: parameter {name}");
                    }
                }
            }
            "ownerReferences" => {
                let refs: Vec<Value> = new
                    .metadata
                    .owner_references
                    .iter()
                    .flatten()
                    .map(|r| json!({"apiVersion": r.api_version, "name": r.name}))
                    .collect();
                assert_eq!(&Value::Array(refs), want, "{test}: ownerReferences");
            }
            "runningElseSucceeded" => {
                let running = strings(&want["running"]);
                let deleted = strings(&want["deleted"]);
                for (id, n) in &got {
                    if running.contains(id) {
                        assert_eq!(phase(n), "Running", "{test}: {id}");
                    } else if !deleted.contains(id) {
                        assert_eq!(phase(n), "Succeeded", "{test}: {id}");
                    }
                }
            }
            "stableReset" => {
                let first = running(new);
                for i in 0..want.as_u64().expect("count") {
                    let again = call(case, wf).expect("plan");
                    assert_eq!(running(&again.workflow), first, "{test}: call {i}");
                }
            }
            other => panic!("{test}: unknown expectation `{other}`"),
        }
    }
}

/// The whole result, for the snapshot.
pub(super) fn summary(out: &Outcome) -> Value {
    let new = &out.workflow;
    let status = new.status.clone().unwrap_or_default();
    let mut pods = out.pods.clone();
    pods.sort();
    json!({
        "metadata": {
            "name": new.metadata.name,
            "generateName": new.metadata.generate_name,
            "labels": new.metadata.labels,
            "annotations": new.metadata.annotations,
            "ownerReferences": new.metadata.owner_references,
        },
        "spec": {
            "arguments": new.spec.arguments,
            "shutdown": new.spec.shutdown,
            "activeDeadlineSeconds": new.spec.active_deadline_seconds,
        },
        "reset": out.reset,
        "deleted": out.deleted,
        "podsToDelete": pods,
        "status": {
            "phase": status.phase,
            "message": status.message,
            "startedAt": status.started_at,
            "finishedAt": status.finished_at,
            "conditions": status.conditions,
            "storedWorkflowTemplateSpec": status.stored_workflow_template_spec.map(|s| s.arguments),
            "nodes": nodes(new),
        },
    })
}
