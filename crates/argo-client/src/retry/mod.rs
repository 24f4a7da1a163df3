//! Argo's retry in place (`FormulateRetryWorkflow`), as a pure function on a [`Workflow`] value:
//! which nodes are reset, which are deleted (and their pods), and the workflow to write back.
//!
//! [`plan_retry`] does no I/O; [`Client::retry`](crate::Client::retry) deletes the pods and
//! replaces the workflow.

mod graph;
mod reset;

use std::collections::BTreeSet;

use argo_model::{NodeStatus, Workflow};
use indexmap::IndexMap;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

use crate::error::RetryError;
use crate::labels::Identity;
use crate::names::{NodeId, PodName};
use crate::nodes::{self, failed_or_error, hydrated_nodes};
use crate::params::TaskArgument;
use crate::selector::NodeSelector;
use graph::Graph;
pub(crate) use reset::{ARCHIVING_LABEL, upsert_completed_false};
use reset::{reset_node, reset_workflow, store_nodes};

/// Argo's default `MAX_WORKFLOW_SIZE`: above it, nodes are stored compressed.
pub const DEFAULT_MAX_WORKFLOW_SIZE: usize = 1024 * 1024;

/// Options of a retry in place (`argo retry`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryOptions {
    /// Also re-run succeeded nodes matched by [`node_field_selector`](Self::node_field_selector).
    pub restart_successful: bool,
    /// A field selector on nodes (`id`, `name`, `displayName`, `phase`, `templateName`,
    /// `templateRef.name`, `templateRef.template`, `inputs.parameters.<p>.value`; see
    /// [`NodeSelector`]). Read only with [`restart_successful`](Self::restart_successful), as
    /// in Argo.
    pub node_field_selector: Option<String>,
    /// `NAME=VALUE` overrides of the workflow parameters.
    pub parameters: Vec<String>,
    /// Above this JSON size the nodes are written as `status.compressedNodes`.
    pub max_workflow_size: usize,
    /// The controller instance id the caller works with (`None`: none). [`Client::retry`]
    /// refuses a workflow whose `workflows.argoproj.io/controller-instanceid` label does not
    /// match it, as the Argo Server does; [`plan_retry`] does not look at it.
    ///
    /// [`Client::retry`]: crate::Client::retry
    pub instance_id: Option<String>,
    /// Who retries: sets the actor labels (`None`: they are removed).
    pub identity: Option<Identity>,
    /// New argument values of DAG tasks, written into the spec (the retried tasks run with them).
    pub task_arguments: Vec<TaskArgument>,
}

impl Default for RetryOptions {
    fn default() -> Self {
        Self {
            restart_successful: false,
            node_field_selector: None,
            parameters: Vec::new(),
            max_workflow_size: DEFAULT_MAX_WORKFLOW_SIZE,
            instance_id: None,
            identity: None,
            task_arguments: Vec::new(),
        }
    }
}

impl RetryOptions {
    /// Re-runs succeeded nodes that match `selector` too.
    #[must_use]
    pub fn restart_successful(mut self, selector: impl Into<String>) -> Self {
        self.restart_successful = true;
        self.node_field_selector = Some(selector.into());
        self
    }

    /// Sets the size above which nodes are compressed.
    #[must_use]
    pub fn max_workflow_size(mut self, bytes: usize) -> Self {
        self.max_workflow_size = bytes;
        self
    }

    /// Overrides workflow parameters (`NAME=VALUE`).
    #[must_use]
    pub fn parameters(mut self, parameters: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.parameters = parameters.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the controller instance id to check the workflow against.
    #[must_use]
    pub fn instance_id(mut self, instance_id: Option<String>) -> Self {
        self.instance_id = instance_id;
        self
    }

    /// Sets who retries (the actor labels).
    #[must_use]
    pub fn identity(mut self, identity: Option<Identity>) -> Self {
        self.identity = identity;
        self
    }

    /// Sets new argument values of DAG tasks.
    #[must_use]
    pub fn task_arguments(mut self, arguments: Vec<TaskArgument>) -> Self {
        self.task_arguments = arguments;
        self
    }
}

/// The outcome of [`plan_retry`]: the workflow to write back and what changes.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RetryPlan {
    /// The workflow to replace the old one with (it keeps the old `resourceVersion`).
    pub workflow: Workflow,
    /// Nodes kept but reset to Running (groups, Retry nodes on the path of a failed node).
    pub reset_nodes: Vec<NodeId>,
    /// Nodes removed (the controller re-creates them), onExit nodes included.
    pub deleted_nodes: Vec<NodeId>,
    /// Pods to delete before writing the workflow.
    pub pods_to_delete: Vec<PodName>,
}

fn phase_of(wf: &Workflow) -> String {
    wf.status
        .as_ref()
        .and_then(|s| s.phase.clone())
        .unwrap_or_default()
}

/// Plans a retry in place of `wf` at time `now`, as Argo's `FormulateRetryWorkflow`.
///
/// ```
/// use argo_client::{RetryError, RetryOptions, plan_retry};
/// use argo_model::{Workflow, WorkflowStatus};
/// use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
///
/// let mut wf = Workflow::new("wf");
/// wf.status = Some(WorkflowStatus { phase: Some("Running".into()), ..Default::default() });
/// let now = Time("2024-01-01T00:00:00Z".parse()?);
/// let err = plan_retry(&wf, &RetryOptions::default(), &now).unwrap_err();
/// assert!(matches!(err, RetryError::Phase { .. }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn plan_retry(wf: &Workflow, opts: &RetryOptions, now: &Time) -> Result<RetryPlan, RetryError> {
    let name = wf.metadata.name.clone().ok_or(RetryError::Unnamed)?;
    let selector_text = opts.node_field_selector.as_deref().unwrap_or_default();
    let phase = phase_of(wf);
    let allowed = match phase.as_str() {
        "Failed" | "Error" => true,
        "Succeeded" => opts.restart_successful && !selector_text.is_empty(),
        _ => false,
    };
    if !allowed {
        return Err(RetryError::Phase { phase });
    }
    let status = wf.status.clone().unwrap_or_default();
    if status
        .offload_node_status_version
        .as_deref()
        .is_some_and(|v| !v.is_empty())
    {
        return Err(RetryError::Offloaded);
    }
    let old_nodes = hydrated_nodes(wf).map_err(|source| RetryError::Nodes { source })?;

    let mut new = wf.clone();
    reset_workflow(&mut new, status, now, opts)?;
    crate::params::override_task_arguments(&mut new.spec, &opts.task_arguments);

    // `getNodeIDsToReset`: the selector is read only with restartSuccessful.
    let selected = if opts.restart_successful && !selector_text.is_empty() {
        let selector =
            NodeSelector::parse(selector_text).map_err(|source| RetryError::Selector {
                selector: selector_text.to_owned(),
                source,
            })?;
        old_nodes
            .values()
            .filter(|n| selector.matches(n))
            .map(|n| n.id.clone())
            .collect()
    } else {
        BTreeSet::new()
    };
    let graph = Graph::new(&old_nodes, &name)?;
    let selected = nodes_to_rerun(&graph, &old_nodes, selected);

    let mut to_reset = BTreeSet::new();
    let mut to_delete = BTreeSet::new();
    for id in graph.order() {
        if selected.contains(id) && !to_delete.contains(id) {
            graph.reset_path(id, &mut to_reset, &mut to_delete)?;
        }
    }
    if !opts.parameters.is_empty() {
        // Fix of Argo #15802: groups re-expand with the new values.
        let groups: Vec<&str> = to_reset
            .iter()
            .filter(|r| !to_delete.contains(*r))
            .filter(|r| {
                graph
                    .node(r)
                    .is_some_and(|n| matches!(n.type_.as_str(), "TaskGroup" | "StepGroup"))
            })
            .copied()
            .collect();
        for r in groups {
            to_delete.extend(graph.descendants(r));
        }
    }

    let on_exit = format!("{name}.onExit");
    let pods = pods_to_delete(wf, &graph, &to_delete, &on_exit);

    let mut new_nodes = IndexMap::new();
    let mut reset_ids = Vec::new();
    let mut deleted_ids = Vec::new();
    for (id, n) in &old_nodes {
        let mut kept = n.clone();
        if to_delete.contains(id.as_str()) {
            deleted_ids.push(id.clone());
            continue;
        } else if to_reset.contains(id.as_str()) {
            reset_node(&mut kept, now);
            reset_ids.push(id.clone());
        } else if n.name.starts_with(&on_exit) {
            deleted_ids.push(id.clone());
            continue;
        }
        kept.children.retain(|c| !to_delete.contains(c.as_str()));
        kept.outbound_nodes
            .retain(|c| !to_delete.contains(c.as_str()));
        new_nodes.insert(id.clone(), kept);
    }
    store_nodes(&mut new, new_nodes, opts.max_workflow_size)?;

    Ok(RetryPlan {
        workflow: new,
        reset_nodes: nodes::node_ids(reset_ids),
        deleted_nodes: nodes::node_ids(deleted_ids),
        pods_to_delete: pods,
    })
}

/// Steps 5-6 of Argo's retry: the `selected` nodes, plus the failed execution nodes (Pod,
/// Container, HTTP, Plugin) with no succeeded descendant outside `selected` (for a retried
/// node: below its Retry node).
fn nodes_to_rerun(
    graph: &Graph<'_>,
    old_nodes: &IndexMap<String, NodeStatus>,
    selected: BTreeSet<String>,
) -> BTreeSet<String> {
    let failed: Vec<String> = old_nodes
        .values()
        .filter(|n| {
            failed_or_error(n)
                && matches!(n.type_.as_str(), "Pod" | "Container" | "HTTP" | "Plugin")
        })
        .filter(|n| {
            let mut m = n.id.as_str();
            if n.node_flag.as_ref().and_then(|f| f.retried) == Some(true)
                && let Some(r) = old_nodes
                    .values()
                    .find(|r| r.type_ == "Retry" && r.children.contains(&n.id))
            {
                m = r.id.as_str();
            }
            !graph.descendant_succeeded(m, &selected)
        })
        .map(|n| n.id.clone())
        .collect();
    let mut selected = selected;
    selected.extend(failed);
    selected
}

/// Step 12: the pods of deleted Pod nodes and of the whole onExit subtree.
fn pods_to_delete(
    wf: &Workflow,
    graph: &Graph<'_>,
    to_delete: &BTreeSet<&str>,
    on_exit: &str,
) -> Vec<PodName> {
    let old_nodes = graph.nodes;
    let mut pods: Vec<PodName> = Vec::new();
    let mut push_pod = |p: PodName| {
        if !pods.contains(&p) {
            pods.push(p);
        }
    };
    for (id, n) in old_nodes {
        if to_delete.contains(id.as_str()) && n.type_ == "Pod" {
            push_pod(nodes::pod_name(wf, n));
        }
    }
    if let Some((exit_id, exit)) = old_nodes.iter().find(|(_, n)| n.name == on_exit) {
        push_pod(nodes::pod_name(wf, exit));
        for d in graph.descendants(exit_id) {
            if let Some(n) = graph.node(d) {
                push_pod(nodes::pod_name(wf, n));
            }
        }
    }

    pods
}
