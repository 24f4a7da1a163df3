//! What the cluster commands share: the async runtime, the connection, error hints, and the
//! reading of a Workflow's status into task rows.

use std::future::Future;

use argo_client::{Client, ConnectOptions, Namespace, RetryError, WorkflowName};
use argo_model::Workflow;
use jiff::Timestamp;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use serde::Serialize;

use crate::cli::GlobalArgs;
use crate::error::CliError;

/// Label the compiler puts on every workflow: the project's package name.
pub(crate) const PROJECT_LABEL: &str = "argo-kedro.io/project";
/// Label on every workflow argo-kedro compiles.
pub(crate) const MANAGED_BY_SELECTOR: &str = "app.kubernetes.io/managed-by=argo-kedro";

/// Runs `future` to completion on a current-thread runtime on this (the main) thread, whose
/// 8 MiB stack fits argo-client's decoding of large Workflows in debug builds.
pub(crate) fn block_on<T>(
    future: impl Future<Output = Result<T, CliError>>,
) -> Result<T, CliError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(CliError::Runtime)?;
    runtime.block_on(Box::pin(future))
}

/// Maps an argo-client error to [`CliError::Cluster`] with what was being done.
pub(crate) fn failed(action: impl Into<String>) -> impl FnOnce(argo_client::Error) -> CliError {
    let action = action.into();
    move |source| CliError::Cluster {
        action,
        source: Box::new(source),
    }
}

/// Validates a namespace given by the user (`what` says where it came from).
pub(crate) fn namespace(value: &str, what: &'static str) -> Result<Namespace, CliError> {
    Namespace::new(value).map_err(|source| CliError::InvalidName { what, source })
}

/// Validates a workflow name given by the user.
pub(crate) fn workflow_name(value: &str, what: &'static str) -> Result<WorkflowName, CliError> {
    let name = WorkflowName::new(value).map_err(|source| CliError::InvalidName { what, source })?;
    Ok(name)
}

/// Connects as the global flags say. The namespace is `--namespace`, else `default_namespace`
/// (argo.yml's, for commands that compile), else the kubeconfig context's.
pub(crate) async fn connect(
    global: &GlobalArgs,
    default_namespace: Option<&str>,
) -> Result<Client, CliError> {
    let mut options = ConnectOptions::default();
    if let Some(path) = &global.kubeconfig {
        options = options.kubeconfig(path);
    }
    if let Some(context) = &global.context {
        options = options.context(context);
    }
    if let Some(ns) = &global.namespace {
        options = options.namespace(namespace(ns, "--namespace")?);
    } else if let Some(ns) = default_namespace {
        options = options.namespace(namespace(ns, "namespace (argo.yml)")?);
    }
    Client::connect(options)
        .await
        .map_err(failed("connect to the cluster"))
}

/// Connects for a command on existing workflows: the namespace is `--namespace`, else the one
/// the project's `argo.yml` names for the first of `envs` that sets it (where `submit` created
/// them), else the kubeconfig context's. The project's files are read only without
/// `--namespace`.
pub(crate) async fn connect_in_project(
    global: &GlobalArgs,
    envs: &[&str],
) -> Result<Client, CliError> {
    let namespace = if global.namespace.is_some() {
        None
    } else {
        crate::project::argo_yml_namespace(global, envs)
    };
    connect(global, namespace.as_deref()).await
}

/// How to fix a cluster error, when we know.
pub(crate) fn hints(err: &argo_client::Error) -> Vec<String> {
    use argo_client::Error as E;
    let hint = match err {
        E::Kubeconfig { .. } | E::InferConfig { .. } => {
            "pass --kubeconfig FILE (or set $KUBECONFIG), and --context NAME to pick a cluster"
                .to_string()
        }
        E::BuildClient { .. } => {
            "check the kubeconfig's cluster (server, certificate) and user (auth plugin) entries"
                .to_string()
        }
        E::Unauthorized { .. } => {
            "log in to the cluster again (refresh the kubeconfig's credentials), or pick another --context"
                .to_string()
        }
        E::Forbidden {
            verb,
            resource,
            namespace,
            ..
        } => format!(
            "ask for a Role that allows `{verb}` on {resource} in namespace `{namespace}`, or use another --namespace / --context"
        ),
        E::CrdMissing { .. } => {
            "install Argo Workflows into this cluster, or pick the cluster that has it with --context / --kubeconfig"
                .to_string()
        }
        E::NamespaceNotFound { namespace, .. } => format!(
            "create it (`kubectl create namespace {namespace}`), or pass --namespace NS (submit defaults to argo.yml's `namespace`)"
        ),
        E::WorkflowNotFound { .. } => {
            "`argo-kedro list` shows this project's workflows; check --namespace and --context"
                .to_string()
        }
        E::AlreadyExists { .. } => {
            "choose another --name, or leave it out to get a generated name".to_string()
        }
        E::AlreadyCompleted { .. } => "the workflow has ended already; nothing to do".to_string(),
        E::TooManyConflicts { .. } => {
            "something else keeps updating the workflow; run the command again".to_string()
        }
        E::Plan { source, .. } => match source {
            RetryError::Phase { .. } | RetryError::MemoizedPhase { .. } => {
                "only Failed or Error workflows can be retried or resubmitted".to_string()
            }
            RetryError::Offloaded => {
                "its node status lives in Argo's database: use `argo retry` with an Argo Server"
                    .to_string()
            }
            RetryError::InstanceId { label, .. } => match label {
                Some(id) => format!(
                    "if the controller of instance `{id}` is the one to run it, set ARGO_INSTANCEID={id} (or that label in argo.yml's `labels`)"
                ),
                None => "unset ARGO_INSTANCEID (and argo.yml's controller-instanceid label): this workflow belongs to the controller without an instance id".to_string(),
            },
            RetryError::Invalid { .. } => {
                "Argo would refuse to create the new run: fix the workflow, or retry it in place (without --memoized)"
                    .to_string()
            }
            _ => return Vec::new(),
        },
        E::Api { .. } if is_transport(err) => {
            "is the API server reachable? check the kubeconfig's server and --context".to_string()
        }
        _ => return Vec::new(),
    };
    vec![hint]
}

/// Whether the error chain holds an I/O error: the server was not reached.
fn is_transport(err: &argo_client::Error) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cause {
        if e.is::<std::io::Error>() {
            return true;
        }
        cause = e.source();
    }
    false
}

/// The phase of a workflow (`""` when unset).
pub(crate) fn phase(wf: &Workflow) -> &str {
    wf.status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or_default()
}

/// `metadata.name`, or `""`.
pub(crate) fn name_of(wf: &Workflow) -> &str {
    wf.metadata.name.as_deref().unwrap_or_default()
}

/// A duration in seconds as `45s`, `3m05s`, `2h07m`.
pub(crate) fn format_duration(seconds: i64) -> String {
    let s = seconds.max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
    }
}

/// Seconds from `start` to `end` (or to `now` while running).
pub(crate) fn seconds_between(
    start: Option<&Time>,
    end: Option<&Time>,
    now: Timestamp,
) -> Option<i64> {
    let start = start?.0;
    let end = end.map_or(now, |t| t.0);
    Some(end.duration_since(start).as_secs())
}

/// A time as RFC 3339 (seconds precision).
pub(crate) fn time_text(time: Option<&Time>) -> Option<String> {
    time.map(|t| t.0.round(jiff::Unit::Second).unwrap_or(t.0).to_string())
}

/// One task of a workflow, as `status`, `watch` and `logs` show it: a Pod node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct TaskRow {
    /// The node id.
    #[serde(skip)]
    pub(crate) id: String,
    /// The task (the node's display name).
    pub(crate) name: String,
    /// The Kedro nodes it runs.
    pub(crate) kedro_nodes: Vec<String>,
    /// Its phase.
    pub(crate) phase: String,
    /// Its pod.
    pub(crate) pod: String,
    /// When it started.
    pub(crate) started_at: Option<String>,
    /// When it ended.
    pub(crate) finished_at: Option<String>,
    /// Its status message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) message: Option<String>,
}

impl TaskRow {
    /// `task (node_a, node_b)`, or the task alone when it runs no Kedro node.
    pub(crate) fn label(&self) -> String {
        if self.kedro_nodes.is_empty() || self.kedro_nodes == [self.name.clone()] {
            self.name.clone()
        } else {
            format!("{} ({})", self.name, self.kedro_nodes.join(", "))
        }
    }
}

/// The Pod nodes of a workflow in start order (unstarted last, then by name).
pub(crate) fn task_rows(wf: &Workflow) -> Vec<TaskRow> {
    let nodes = argo_client::hydrated_nodes(wf).unwrap_or_default();
    let mut rows: Vec<(Option<Timestamp>, TaskRow)> = nodes
        .values()
        .filter(|n| n.type_ == "Pod")
        .map(|n| {
            let row = TaskRow {
                id: n.id.clone(),
                name: n
                    .display_name
                    .clone()
                    .filter(|d| !d.is_empty())
                    .unwrap_or_else(|| n.name.clone()),
                kedro_nodes: argo_client::kedro_nodes(n),
                phase: n.phase.clone().unwrap_or_else(|| "Pending".into()),
                pod: argo_client::pod_name(wf, n).to_string(),
                started_at: time_text(n.started_at.as_ref()),
                finished_at: time_text(n.finished_at.as_ref()),
                message: n.message.clone().filter(|m| !m.is_empty()),
            };
            (n.started_at.as_ref().map(|t| t.0), row)
        })
        .collect();
    rows.sort_by(|(ta, a), (tb, b)| (ta.is_none(), ta, &a.name).cmp(&(tb.is_none(), tb, &b.name)));
    rows.into_iter().map(|(_, row)| row).collect()
}

/// The images the workflow's own containers run (templates' `container`/`script`), distinct,
/// in template order. Sidecars and init containers are not the project's image.
pub(crate) fn workflow_images(wf: &Workflow) -> Vec<String> {
    let mut images: Vec<String> = Vec::new();
    let kedro_templates = wf.spec.templates.iter().filter(|t| {
        t.inputs.as_ref().is_some_and(|i| {
            i.parameters
                .iter()
                .any(|p| p.name == argo_client::KEDRO_NODES_PARAMETER)
        })
    });
    for t in kedro_templates {
        let image = t
            .container
            .as_ref()
            .and_then(|c| c.image.clone())
            .or_else(|| t.script.as_ref().map(|s| s.image.clone()))
            .filter(|i| !i.is_empty());
        if let Some(image) = image
            && !images.contains(&image)
        {
            images.push(image);
        }
    }
    images
}

#[cfg(test)]
mod tests {
    use super::*;
    use argo_model::Document;

    pub(crate) fn workflow(yaml: &str) -> Workflow {
        match Document::from_yaml_str(yaml).unwrap().remove(0) {
            Document::Workflow(wf) => *wf,
            _ => panic!("not a workflow"),
        }
    }

    const FAILED: &str = r"
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: wf}
spec:
  entrypoint: pipeline
  templates:
    - name: pipeline
      dag: {tasks: [{name: a, template: kedro}]}
    - name: kedro
      inputs: {parameters: [{name: kedro_nodes}]}
      container: {image: 'reg/img:g1', command: [kedro]}
      sidecars: [{name: db, image: 'postgres:16'}]
    - name: other
      inputs: {parameters: [{name: kedro_nodes}]}
      script: {image: 'reg/img:g1', source: 'x'}
status:
  phase: Failed
  startedAt: '2024-01-01T00:00:00Z'
  nodes:
    wf: {id: wf, name: wf, type: DAG, phase: Failed, children: [wf-1, wf-2]}
    wf-2:
      id: wf-2
      name: wf.b
      displayName: b
      type: Pod
      phase: Failed
      templateName: kedro
      startedAt: '2024-01-01T00:01:00Z'
      finishedAt: '2024-01-01T00:03:05Z'
      message: Error (exit code 1)
      inputs: {parameters: [{name: kedro_nodes, value: 'train,evaluate'}]}
    wf-1:
      id: wf-1
      name: wf.a
      displayName: a
      type: Pod
      phase: Succeeded
      templateName: kedro
      startedAt: '2024-01-01T00:00:10Z'
      finishedAt: '2024-01-01T00:00:50Z'
      inputs: {parameters: [{name: kedro_nodes, value: a}]}
";

    #[test]
    fn task_rows_are_pod_nodes_in_start_order_with_their_kedro_nodes() {
        let rows = task_rows(&workflow(FAILED));
        let names: Vec<_> = rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(rows[1].kedro_nodes, ["train", "evaluate"]);
        assert_eq!(rows[1].label(), "b (train, evaluate)");
        assert_eq!(rows[0].label(), "a");
        assert_eq!(rows[1].phase, "Failed");
        assert!(rows[1].pod.starts_with("wf-kedro-"), "{}", rows[1].pod);
        assert_eq!(rows[1].started_at.as_deref(), Some("2024-01-01T00:01:00Z"));
        assert_eq!(rows[1].message.as_deref(), Some("Error (exit code 1)"));
    }

    #[test]
    fn the_workflow_image_comes_from_the_kedro_templates_not_sidecars() {
        assert_eq!(workflow_images(&workflow(FAILED)), ["reg/img:g1"]);
    }

    #[test]
    fn durations_and_labels() {
        assert_eq!(format_duration(5), "5s");
        assert_eq!(format_duration(185), "3m05s");
        assert_eq!(format_duration(7620), "2h07m");
        let t = |s: &str| Time(s.parse().unwrap());
        let now: Timestamp = "2024-01-01T00:10:00Z".parse().unwrap();
        let start = t("2024-01-01T00:00:00Z");
        assert_eq!(seconds_between(Some(&start), None, now), Some(600));
        assert_eq!(
            seconds_between(Some(&start), Some(&t("2024-01-01T00:00:30Z")), now),
            Some(30)
        );
        assert_eq!(seconds_between(None, None, now), None);
    }

    #[test]
    fn cluster_errors_have_hints() {
        let err = argo_client::Error::WorkflowNotFound {
            name: "wf".parse().unwrap(),
            namespace: "ns".parse().unwrap(),
        };
        assert!(hints(&err)[0].contains("argo-kedro list"));
    }
}
