//! The workflow-level part of Argo's retry: `createNewRetryWorkflow` (labels, status, spec),
//! `resetNode`, and writing the nodes back (compressed above `MAX_WORKFLOW_SIZE`, as Argo's
//! hydrator does).

use argo_model::{
    Condition, NodeStatus, Parameter, SuppliedValueFrom, ValueFrom, Workflow, WorkflowStatus,
};
use indexmap::IndexMap;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

use super::RetryOptions;
use crate::error::RetryError;
use crate::labels::label_actor;
use crate::nodes::{COMPLETED_LABEL, compress_nodes};
use crate::params::override_parameters;

pub(crate) const ARCHIVING_LABEL: &str = "workflows.argoproj.io/workflow-archiving-status";

/// `createNewRetryWorkflow`: labels, status and spec of the retried workflow, before the nodes
/// (with the actor labels the Argo Server sets, `LabelActor`).
pub(super) fn reset_workflow(
    new: &mut Workflow,
    old_status: WorkflowStatus,
    now: &Time,
    opts: &RetryOptions,
) -> Result<(), RetryError> {
    let parameters = opts.parameters.as_slice();
    let labels = new.metadata.labels.get_or_insert_with(Default::default);
    labels.remove(COMPLETED_LABEL);
    labels.remove(ARCHIVING_LABEL);
    label_actor(labels, opts.identity.as_ref(), "Retry");
    if labels.is_empty() {
        new.metadata.labels = None;
    }
    let mut status = old_status;
    upsert_completed_false(&mut status.conditions);
    status.phase = None;
    status.nodes = IndexMap::new();
    status.compressed_nodes = None;
    status.offload_node_status_version = None;
    status.message = None;
    status.started_at = Some(now.clone());
    status.finished_at = None;
    status.persistent_volume_claims = Vec::new();
    new.spec.shutdown = None;
    if new.spec.active_deadline_seconds == Some(0) {
        new.spec.active_deadline_seconds = None;
    }
    override_parameters(&mut new.spec, parameters)?;
    if let Some(stored) = status.stored_workflow_template_spec.as_mut() {
        stored.shutdown = None;
        if !parameters.is_empty() {
            // Argo writes the spec's new list into the stored spec as well.
            let params = new
                .spec
                .arguments
                .as_ref()
                .map(|a| a.parameters.clone())
                .unwrap_or_default();
            stored
                .arguments
                .get_or_insert_with(Default::default)
                .parameters = params;
        }
    }
    new.status = Some(status);
    Ok(())
}

pub(crate) fn upsert_completed_false(conditions: &mut Vec<Condition>) {
    let cond = Condition {
        type_: Some("Completed".into()),
        status: Some("False".into()),
        ..Condition::default()
    };
    match conditions
        .iter_mut()
        .find(|c| c.type_.as_deref() == Some("Completed"))
    {
        Some(c) => *c = cond,
        None => conditions.push(cond),
    }
}

/// Argo's `resetNode`.
pub(super) fn reset_node(node: &mut NodeStatus, now: &Time) {
    if node.type_ == "Suspend"
        && let Some(outputs) = node.outputs.as_mut()
    {
        for p in &mut outputs.parameters {
            *p = Parameter {
                name: std::mem::take(&mut p.name),
                value_from: Some(ValueFrom {
                    supplied: Some(SuppliedValueFrom::default()),
                    ..ValueFrom::default()
                }),
                ..Parameter::default()
            };
        }
    }
    if node.phase.as_deref() != Some("Skipped") {
        node.phase = Some("Running".into());
    }
    node.message = None;
    node.started_at = Some(now.clone());
    node.finished_at = None;
}

/// Writes `nodes` into the workflow, compressed when the workflow would exceed `max` bytes.
pub(super) fn store_nodes(
    wf: &mut Workflow,
    nodes: IndexMap<String, NodeStatus>,
    max: usize,
) -> Result<(), RetryError> {
    let status = wf.status.get_or_insert_with(Default::default);
    status.nodes = nodes;
    let size = json_size(wf);
    if size <= max {
        return Ok(());
    }
    let status = wf.status.get_or_insert_with(Default::default);
    let compressed =
        compress_nodes(&status.nodes).map_err(|source| RetryError::Nodes { source })?;
    status.compressed_nodes = Some(compressed);
    status.nodes = IndexMap::new();
    let size = json_size(wf);
    if size > max {
        return Err(RetryError::TooLarge { size, limit: max });
    }
    Ok(())
}

fn json_size(wf: &Workflow) -> usize {
    serde_json::to_vec(wf).map_or(usize::MAX, |v| v.len())
}
