//! Argo's resubmit (`FormulateResubmitWorkflow`) as a pure function: a new run of an old
//! workflow, optionally memoized (succeeded pods become Skipped nodes that keep their outputs).

use std::collections::{BTreeSet, HashMap};

use argo_model::lint::{LintOptions, Severity, lint_submit};
use argo_model::{NodeStatus, Workflow, WorkflowStatus};
use indexmap::IndexMap;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};

use crate::error::RetryError;
use crate::labels::{Identity, label_creator};
use crate::nodes::{COMPLETED_LABEL, failed_or_error, hydrated_nodes, node_id, phase};
use crate::params::{TaskArgument, override_parameters, override_task_arguments};
use crate::retry::{ARCHIVING_LABEL, upsert_completed_false};

/// Label that records which workflow a resubmitted one came from.
pub const RESUBMITTED_FROM_LABEL: &str = "workflows.argoproj.io/resubmitted-from-workflow";

const DROPPED_LABELS: [&str; 6] = [
    "workflows.argoproj.io/creator",
    "workflows.argoproj.io/creator-email",
    "workflows.argoproj.io/creator-preferred-username",
    "workflows.argoproj.io/phase",
    COMPLETED_LABEL,
    ARCHIVING_LABEL,
];

/// Options of a resubmit (a new run of an old workflow).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResubmitOptions {
    /// Reuse the succeeded pods' results (the old workflow must be Failed or Error).
    pub memoized: bool,
    /// `NAME=VALUE` overrides of the workflow parameters.
    pub parameters: Vec<String>,
    /// The controller instance id the caller works with (`None`: none). [`Client::resubmit`]
    /// refuses an old workflow whose `workflows.argoproj.io/controller-instanceid` label does
    /// not match it, as the Argo Server does; [`plan_resubmit`] does not look at it.
    ///
    /// [`Client::resubmit`]: crate::Client::resubmit
    pub instance_id: Option<String>,
    /// Who resubmits: sets the creator labels (`None`: they are removed).
    pub identity: Option<Identity>,
    /// New argument values of DAG tasks, written into the new run's spec.
    pub task_arguments: Vec<TaskArgument>,
}

impl ResubmitOptions {
    /// A memoized resubmit.
    #[must_use]
    pub fn memoized(mut self, memoized: bool) -> Self {
        self.memoized = memoized;
        self
    }

    /// Overrides workflow parameters (`NAME=VALUE`).
    #[must_use]
    pub fn parameters(mut self, parameters: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.parameters = parameters.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the controller instance id to check the old workflow against.
    #[must_use]
    pub fn instance_id(mut self, instance_id: Option<String>) -> Self {
        self.instance_id = instance_id;
        self
    }

    /// Sets who resubmits (the creator labels).
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

/// The `generateName` of a resubmitted run: the old one's, else its name followed by `-`.
pub fn resubmit_generate_name(old: &Workflow) -> String {
    match old.metadata.generate_name.as_deref() {
        Some(g) if !g.is_empty() => g.to_owned(),
        _ => format!("{}-", old.metadata.name.as_deref().unwrap_or_default()),
    }
}

/// Builds the new run of `old` (Argo's `FormulateResubmitWorkflow`); [`validate_submit`] checks
/// it before it is created, as Argo's `SubmitWorkflow` does. A memoized run is named `generateName + suffix` (the caller picks 5 random `[a-z0-9]`), since
/// its node ids depend on the final name; otherwise the API server generates the name and
/// `suffix` is unused.
///
/// ```
/// use argo_client::{ResubmitOptions, plan_resubmit};
/// use argo_model::Workflow;
/// use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
///
/// let old = Workflow::new("train-x1y2z");
/// let now = Time("2024-01-01T00:00:00Z".parse()?);
/// let new = plan_resubmit(&old, &ResubmitOptions::default(), "abcde", &now)?;
/// assert_eq!(new.metadata.generate_name.as_deref(), Some("train-x1y2z-"));
/// assert_eq!(new.metadata.name, None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn plan_resubmit(
    old: &Workflow,
    opts: &ResubmitOptions,
    suffix: &str,
    now: &Time,
) -> Result<Workflow, RetryError> {
    // As Argo, a nameless workflow is resubmitted as `-` + suffix (the API server refuses it).
    let old_name = old.metadata.name.clone().unwrap_or_default();
    let generate_name = resubmit_generate_name(old);
    if opts.memoized {
        let phase = old
            .status
            .as_ref()
            .and_then(|s| s.phase.clone())
            .unwrap_or_default();
        if !matches!(phase.as_str(), "Failed" | "Error") {
            return Err(RetryError::MemoizedPhase { phase });
        }
    }
    let new_name = opts.memoized.then(|| format!("{generate_name}{suffix}"));
    if let Some(n) = &new_name
        && n.len() > 63
    {
        return Err(RetryError::NameTooLong { name: n.clone() });
    }

    let mut labels = old.metadata.labels.clone().unwrap_or_default();
    for l in DROPPED_LABELS {
        labels.remove(l);
    }
    label_creator(&mut labels, opts.identity.as_ref());
    labels.insert(RESUBMITTED_FROM_LABEL.to_owned(), old_name.clone());
    let mut new = Workflow {
        api_version: old.api_version.clone(),
        kind: old.kind.clone(),
        metadata: ObjectMeta {
            generate_name: Some(generate_name),
            name: new_name.clone(),
            namespace: old.metadata.namespace.clone(),
            labels: Some(labels),
            annotations: old.metadata.annotations.clone(),
            owner_references: old.metadata.owner_references.clone(),
            ..ObjectMeta::default()
        },
        spec: old.spec.clone(),
        status: None,
        extra: serde_json::Map::new(),
    };
    if new.spec.active_deadline_seconds == Some(0) {
        new.spec.active_deadline_seconds = None;
    }
    new.spec.shutdown = None;
    override_parameters(&mut new.spec, &opts.parameters)?;
    override_task_arguments(&mut new.spec, &opts.task_arguments);

    if let Some(new_name) = new_name {
        let old_nodes = hydrated_nodes(old).map_err(|source| RetryError::Nodes { source })?;
        let mut status = WorkflowStatus {
            nodes: memoized_nodes(&old_nodes, &old_name, &new_name, now),
            stored_templates: old
                .status
                .as_ref()
                .map(|s| s.stored_templates.clone())
                .unwrap_or_default(),
            ..WorkflowStatus::default()
        };
        upsert_completed_false(&mut status.conditions);
        new.status = Some(status);
    }
    Ok(new)
}

/// Argo's check of a workflow before it is created (`SubmitWorkflow`: `validate.Workflow` with
/// `Submit: true`), with argo-model's rules: [`lint_submit`] of what is submitted (the status
/// aside), not strict (a workflow read from the cluster may carry fields of a newer Argo), and
/// with Argo's JSON Schema when the feature `schema` is on (the default). Any error finding
/// refuses the workflow.
///
/// # Errors
/// [`RetryError::Invalid`] with the findings.
pub fn validate_submit(wf: &Workflow) -> Result<(), RetryError> {
    let submitted = Workflow {
        status: None,
        ..wf.clone()
    };
    let mut findings = lint_submit(&submitted, &LintOptions::default().strict(false));
    findings.retain(|f| f.severity == Severity::Error);
    if findings.is_empty() {
        Ok(())
    } else {
        Err(RetryError::Invalid { findings })
    }
}

fn succeeded_below(nodes: &IndexMap<String, NodeStatus>, id: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&str> = nodes
        .get(id)
        .map(|n| n.children.iter().map(String::as_str).collect())
        .unwrap_or_default();
    while let Some(c) = stack.pop() {
        let Some(n) = nodes.get(c) else { continue };
        if !seen.insert(c) {
            continue;
        }
        if phase(n) == "Succeeded" {
            return true;
        }
        stack.extend(n.children.iter().map(String::as_str));
    }
    false
}

fn memoized_nodes(
    old: &IndexMap<String, NodeStatus>,
    old_name: &str,
    new_name: &str,
    now: &Time,
) -> IndexMap<String, NodeStatus> {
    let on_exit = format!("{old_name}.onExit");
    let rename = |name: &str| match name.strip_prefix(old_name) {
        Some(rest) => format!("{new_name}{rest}"),
        None => name.to_owned(),
    };
    let ids: HashMap<&str, String> = old
        .iter()
        .map(|(id, n)| (id.as_str(), node_id(new_name, &rename(&n.name))))
        .collect();
    let map_ids = |v: &[String]| -> Vec<String> {
        v.iter()
            .filter_map(|id| ids.get(id.as_str()).cloned())
            .collect()
    };
    let mut out = IndexMap::new();
    for (old_id, n) in old {
        if n.name.starts_with(&on_exit) {
            continue;
        }
        if n.type_ == "Skipped" && !succeeded_below(old, old_id) {
            continue;
        }
        let mut m = n.clone();
        m.name = rename(&n.name);
        m.id = node_id(new_name, &m.name);
        m.boundary_id = n
            .boundary_id
            .as_deref()
            .and_then(|b| ids.get(b).cloned())
            .or_else(|| n.boundary_id.clone().filter(String::is_empty));
        m.children = map_ids(&n.children);
        m.outbound_nodes = map_ids(&n.outbound_nodes);
        let failed_pod = n.type_ == "Pod" && failed_or_error(n);
        if failed_pod {
            m.started_at = None;
            m.finished_at = None;
        } else {
            m.started_at = Some(now.clone());
            m.finished_at = Some(now.clone());
        }
        if n.type_ == "Pod" && !failed_pod {
            m.phase = Some("Skipped".into());
            m.type_ = "Skipped".into();
            m.message = Some(format!("original pod: {old_id}"));
        } else {
            m.phase = Some("Pending".into());
            m.message = None;
        }
        out.insert(m.id.clone(), m);
    }
    out
}
