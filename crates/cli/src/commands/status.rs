//! `argo-kedro status`, `list`, `stop` and `terminate`.

use std::fmt::Write as _;

use argo_client::{ListOptions, Shutdown};
use argo_model::Workflow;
use jiff::Timestamp;

use crate::cli::{GlobalArgs, ListArgs, ResultFormat, ShutdownArgs, StatusArgs};
use crate::cluster::{self, TaskRow};
use crate::error::CliError;
use crate::{discover, output, project};

/// `argo-kedro status`.
pub(crate) fn run(global: &GlobalArgs, args: &StatusArgs) -> Result<(), CliError> {
    let name = cluster::workflow_name(&args.name, "workflow name")?;
    let wf = cluster::block_on(async {
        let client = cluster::connect_in_project(global, project::NAMESPACE_ENVS).await?;
        client
            .get(&name)
            .await
            .map_err(cluster::failed(format!("read workflow `{name}`")))
    })?;
    let text = match args.format {
        ResultFormat::Json => format!("{}\n", status_json(&wf, Timestamp::now())),
        ResultFormat::Text => status_text(&wf, Timestamp::now()),
    };
    output::stdout(&text)
}

/// The Kedro filter of a partial run (`--from-nodes=a --tags=t`), from the annotation the
/// compiler sets (else the label); `None` for a run of the whole pipeline.
pub(crate) fn partial_filter(wf: &Workflow) -> Option<&str> {
    let key = "argo-kedro.io/filter";
    let meta = &wf.metadata;
    meta.annotations
        .as_ref()
        .and_then(|a| a.get(key))
        .or_else(|| meta.labels.as_ref().and_then(|l| l.get(key)))
        .map(String::as_str)
}

fn duration(wf: &Workflow, now: Timestamp) -> Option<i64> {
    let status = wf.status.as_ref()?;
    cluster::seconds_between(status.started_at.as_ref(), status.finished_at.as_ref(), now)
}

/// `status --format json`.
pub(crate) fn status_json(wf: &Workflow, now: Timestamp) -> serde_json::Value {
    let status = wf.status.as_ref();
    serde_json::json!({
        "name": cluster::name_of(wf),
        "namespace": wf.metadata.namespace,
        "phase": cluster::phase(wf),
        "message": status.and_then(|s| s.message.clone()),
        "started_at": cluster::time_text(status.and_then(|s| s.started_at.as_ref())),
        "finished_at": cluster::time_text(status.and_then(|s| s.finished_at.as_ref())),
        "duration_seconds": duration(wf, now),
        "filter": partial_filter(wf),
        "tasks": every_task(wf),
    })
}

/// Every task of the workflow: those with a pod (in start order, as [`cluster::task_rows`]),
/// then, in the DAG's order, the tasks of the entrypoint's DAG that have none yet, with the
/// Kedro nodes of their `kedro_nodes` argument: `Pending` (not started, or reset by an in-place
/// retry, which deletes the nodes of the failed tasks until the controller runs them again), or
/// `Omitted` once the workflow has ended without running them.
pub(crate) fn every_task(wf: &Workflow) -> Vec<TaskRow> {
    let mut rows = cluster::task_rows(wf);
    let wf_name = cluster::name_of(wf);
    let nodes = argo_client::hydrated_nodes(wf).unwrap_or_default();
    let has_pod = |task: &str| {
        let name = format!("{wf_name}.{task}");
        nodes.values().any(|n| {
            n.type_ == "Pod"
                && (n.name == name
                    || n.name
                        .strip_prefix(&name)
                        .is_some_and(|rest| rest.starts_with('(')))
        })
    };
    let unstarted = if argo_client::is_completed_phase(cluster::phase(wf)) {
        "Omitted"
    } else {
        "Pending"
    };
    let entrypoint = wf.spec.entrypoint.as_deref().unwrap_or_default();
    let dag = wf
        .spec
        .templates
        .iter()
        .find(|t| t.name == entrypoint)
        .and_then(|t| t.dag.as_ref());
    for task in dag.map(|d| d.tasks.as_slice()).unwrap_or_default() {
        let parameters = task
            .arguments
            .as_ref()
            .map(|a| a.parameters.clone())
            .unwrap_or_default();
        if has_pod(&task.name) || rows.iter().any(|r| r.name == task.name) {
            continue;
        }
        // The task's arguments read as a node's inputs: the same `kedro_nodes` parsing.
        let as_node = argo_model::NodeStatus {
            inputs: Some(argo_model::Inputs {
                parameters,
                ..argo_model::Inputs::default()
            }),
            ..argo_model::NodeStatus::default()
        };
        rows.push(TaskRow {
            id: String::new(),
            name: task.name.clone(),
            kedro_nodes: argo_client::kedro_nodes(&as_node),
            phase: unstarted.into(),
            pod: String::new(),
            started_at: None,
            finished_at: None,
            message: None,
        });
    }
    rows
}

/// `status` as text: a header, then one row per task.
pub(crate) fn status_text(wf: &Workflow, now: Timestamp) -> String {
    let status = wf.status.as_ref();
    let mut out = String::new();
    let phase = match cluster::phase(wf) {
        "" => "Pending",
        p => p,
    };
    let _ = writeln!(out, "Name:      {}", cluster::name_of(wf));
    if let Some(ns) = &wf.metadata.namespace {
        let _ = writeln!(out, "Namespace: {ns}");
    }
    let _ = writeln!(out, "Phase:     {phase}");
    if let Some(filter) = partial_filter(wf) {
        let _ = writeln!(out, "Filter:    {filter} (a partial run)");
    }
    if let Some(message) = status
        .and_then(|s| s.message.as_deref())
        .filter(|m| !m.is_empty())
    {
        let _ = writeln!(out, "Message:   {message}");
    }
    if let Some(started) = cluster::time_text(status.and_then(|s| s.started_at.as_ref())) {
        let _ = writeln!(out, "Started:   {started}");
    }
    if let Some(finished) = cluster::time_text(status.and_then(|s| s.finished_at.as_ref())) {
        let _ = writeln!(out, "Finished:  {finished}");
    }
    if let Some(seconds) = duration(wf, now) {
        let _ = writeln!(out, "Duration:  {}", cluster::format_duration(seconds));
    }
    let rows = every_task(wf);
    if rows.is_empty() {
        out.push_str("\nNo tasks.\n");
        return out;
    }
    out.push('\n');
    let table: Vec<[String; 6]> = rows.iter().map(row_cells).collect();
    out.push_str(&render_table(
        ["TASK", "KEDRO NODES", "PHASE", "POD", "STARTED", "FINISHED"],
        &table,
    ));
    for row in rows
        .iter()
        .filter(|r| r.message.is_some() && r.phase != "Succeeded")
    {
        let _ = writeln!(
            out,
            "{}: {}",
            row.name,
            row.message.as_deref().unwrap_or_default()
        );
    }
    out
}

fn row_cells(row: &TaskRow) -> [String; 6] {
    [
        row.name.clone(),
        row.kedro_nodes.join(","),
        row.phase.clone(),
        if row.pod.is_empty() {
            "-".into()
        } else {
            row.pod.clone()
        },
        row.started_at.clone().unwrap_or_else(|| "-".into()),
        row.finished_at.clone().unwrap_or_else(|| "-".into()),
    ]
}

/// Left-aligned columns separated by two spaces, no trailing spaces.
pub(crate) fn render_table<const N: usize>(header: [&str; N], rows: &[[String; N]]) -> String {
    let rows: Vec<Vec<String>> = rows.iter().map(|r| r.to_vec()).collect();
    render_rows(&header, &rows)
}

/// [`render_table`] with as many columns as `header` has (every row as long).
fn render_rows(header: &[&str], rows: &[Vec<String>]) -> String {
    let n = header.len();
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let header: Vec<String> = header.iter().map(ToString::to_string).collect();
    for row in std::iter::once(&header).chain(rows) {
        let mut line = String::new();
        for (i, (cell, w)) in row.iter().zip(&widths).enumerate() {
            if i + 1 == n {
                line.push_str(cell);
            } else {
                let _ = write!(line, "{cell:<w$}  ");
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The label selector of this project's workflows (from `[tool.kedro] package_name`).
pub(crate) fn project_selector(global: &GlobalArgs) -> Result<(String, String), CliError> {
    let cwd = std::env::current_dir().map_err(CliError::CurrentDir)?;
    let root = discover::project_root(global.project.as_deref(), &cwd)?;
    let package = discover::package_name(&root)
        .ok_or_else(|| CliError::NotAKedroProject { dir: root.clone() })?;
    let label = argo_fuse::lower::label_value(&package);
    Ok((
        format!(
            "{}={label},{}",
            cluster::PROJECT_LABEL,
            cluster::MANAGED_BY_SELECTOR
        ),
        label,
    ))
}

/// `argo-kedro list`.
pub(crate) fn list(global: &GlobalArgs, args: &ListArgs) -> Result<(), CliError> {
    let selector = if args.all {
        cluster::MANAGED_BY_SELECTOR.to_string()
    } else {
        project_selector(global)?.0
    };
    let workflows = cluster::block_on(async {
        let client = cluster::connect_in_project(global, project::NAMESPACE_ENVS).await?;
        client
            .list(&ListOptions::default().label_selector(selector))
            .await
            .map_err(cluster::failed("list the workflows"))
    })?;
    let now = Timestamp::now();
    let text = match args.format {
        ResultFormat::Json => {
            let items: Vec<_> = workflows
                .iter()
                .map(|wf| {
                    let status = wf.status.as_ref();
                    serde_json::json!({
                        "name": cluster::name_of(wf),
                        "namespace": wf.metadata.namespace,
                        "phase": cluster::phase(wf),
                        "pipeline": wf.metadata.labels.as_ref().and_then(|l| l.get("argo-kedro.io/pipeline")),
                        "cron_workflow": cron_of(wf),
                        "created_at": cluster::time_text(wf.metadata.creation_timestamp.as_ref()),
                        "started_at": cluster::time_text(status.and_then(|s| s.started_at.as_ref())),
                        "finished_at": cluster::time_text(status.and_then(|s| s.finished_at.as_ref())),
                        "duration_seconds": duration(wf, now),
                        "filter": partial_filter(wf),
                    })
                })
                .collect();
            format!("{}\n", serde_json::Value::Array(items))
        }
        ResultFormat::Text if workflows.is_empty() => {
            output::status("no workflows found");
            String::new()
        }
        ResultFormat::Text => list_text(&workflows, now),
    };
    output::stdout(&text)
}

/// `list` as text; a FILTER column when a partial run is listed, a SCHEDULE column when a
/// workflow started by a schedule is.
fn list_text(workflows: &[Workflow], now: Timestamp) -> String {
    let filters = workflows.iter().any(|wf| partial_filter(wf).is_some());
    let schedules = workflows.iter().any(|wf| cron_of(wf).is_some());
    let mut header = vec!["NAME", "PHASE", "CREATED", "DURATION"];
    header.extend(filters.then_some("FILTER"));
    header.extend(schedules.then_some("SCHEDULE"));
    let rows: Vec<Vec<String>> = workflows
        .iter()
        .map(|wf| {
            let mut row = vec![
                cluster::name_of(wf).to_string(),
                match cluster::phase(wf) {
                    "" => "Pending".to_string(),
                    p => p.to_string(),
                },
                cluster::time_text(wf.metadata.creation_timestamp.as_ref())
                    .unwrap_or_else(|| "-".into()),
                duration(wf, now).map_or_else(|| "-".into(), cluster::format_duration),
            ];
            if filters {
                row.push(partial_filter(wf).unwrap_or("-").to_string());
            }
            if schedules {
                // The schedule that started the workflow, when one did.
                row.push(cron_of(wf).unwrap_or("-").to_string());
            }
            row
        })
        .collect();
    render_rows(&header, &rows)
}

/// The `CronWorkflow` that started `wf` (Argo's `workflows.argoproj.io/cron-workflow` label).
fn cron_of(wf: &Workflow) -> Option<&str> {
    wf.metadata
        .labels
        .as_ref()
        .and_then(|l| l.get(CRON_WORKFLOW_LABEL))
        .map(String::as_str)
}

/// The label Argo's cron controller puts on the workflows a `CronWorkflow` starts
/// (`common.LabelKeyCronWorkflow`).
pub(crate) const CRON_WORKFLOW_LABEL: &str = "workflows.argoproj.io/cron-workflow";

/// `argo-kedro stop` and `argo-kedro terminate`.
pub(crate) fn shutdown(
    global: &GlobalArgs,
    args: &ShutdownArgs,
    how: Shutdown,
) -> Result<(), CliError> {
    let name = cluster::workflow_name(&args.name, "workflow name")?;
    let verb = match how {
        Shutdown::Terminate => "terminate",
        _ => "stop",
    };
    cluster::block_on(async {
        let client = cluster::connect_in_project(global, project::NAMESPACE_ENVS).await?;
        Box::pin(client.shutdown(&name, how))
            .await
            .map_err(cluster::failed(format!("{verb} workflow `{name}`")))?;
        output::status(&format!(
            "asked workflow {name} to {verb} (spec.shutdown: {}); the controller ends it",
            how.as_str()
        ));
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use argo_model::Document;

    #[test]
    fn status_shows_each_task_with_its_kedro_nodes() {
        let yaml = r"
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: wf, namespace: ns}
spec: {entrypoint: pipeline}
status:
  phase: Failed
  message: child failed
  startedAt: '2024-01-01T00:00:00Z'
  finishedAt: '2024-01-01T00:03:05Z'
  nodes:
    wf-2: {id: wf-2, name: wf.b, displayName: b, type: Pod, phase: Failed, templateName: kedro, message: boom,
           startedAt: '2024-01-01T00:01:00Z', inputs: {parameters: [{name: kedro_nodes, value: 'x,y'}]}}
";
        let Document::Workflow(wf) = Document::from_yaml_str(yaml).unwrap().remove(0) else {
            panic!()
        };
        let now: Timestamp = "2024-01-02T00:00:00Z".parse().unwrap();
        let text = status_text(&wf, now);
        assert!(
            text.contains("Phase:     Failed\nMessage:   child failed\n"),
            "{text}"
        );
        assert!(text.contains("Duration:  3m05s"), "{text}");
        assert!(text.contains("TASK  KEDRO NODES  PHASE   POD"), "{text}");
        assert!(
            text.contains("b     x,y          Failed  wf-kedro-"),
            "{text}"
        );
        assert!(text.ends_with("b: boom\n"), "{text}");
        let json = status_json(&wf, now);
        assert_eq!(json["phase"], "Failed");
        assert_eq!(
            json["tasks"][0]["kedro_nodes"],
            serde_json::json!(["x", "y"])
        );
        assert_eq!(json["duration_seconds"], 185);
    }

    /// After an in-place retry the failed task's nodes are gone from `status.nodes` until the
    /// controller runs it again; a task that has not started has none either. Both are listed,
    /// Pending, with the Kedro nodes of their DAG task's `kedro_nodes` argument.
    #[test]
    fn status_lists_tasks_without_pods_from_the_dag() {
        let yaml = r"
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: wf, namespace: ns}
spec:
  entrypoint: pipeline
  templates:
    - name: pipeline
      dag:
        tasks:
          - {name: a, template: kedro, arguments: {parameters: [{name: kedro_nodes, value: a}]}}
          - {name: b, template: kedro, dependencies: [a], arguments: {parameters: [{name: kedro_nodes, value: 'b1,b2'}]}}
          - {name: c, template: kedro, dependencies: [b], arguments: {parameters: [{name: kedro_nodes, value: c}]}}
    - name: kedro
      inputs: {parameters: [{name: kedro_nodes}]}
      container: {image: 'img:1'}
status:
  phase: Running
  startedAt: '2024-01-01T00:00:00Z'
  nodes:
    wf: {id: wf, name: wf, type: DAG, phase: Running}
    wf-1: {id: wf-1, name: wf.a, displayName: a, type: Pod, phase: Succeeded, templateName: kedro,
           startedAt: '2024-01-01T00:00:01Z', inputs: {parameters: [{name: kedro_nodes, value: a}]}}
";
        let Document::Workflow(wf) = Document::from_yaml_str(yaml).unwrap().remove(0) else {
            panic!()
        };
        let now: Timestamp = "2024-01-01T00:10:00Z".parse().unwrap();
        let json = status_json(&wf, now);
        let tasks: Vec<(String, Vec<String>, String)> = json["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    t["name"].as_str().unwrap().to_string(),
                    serde_json::from_value(t["kedro_nodes"].clone()).unwrap(),
                    t["phase"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let row = |name: &str, nodes: &[&str], phase: &str| {
            (
                name.to_string(),
                nodes.iter().map(ToString::to_string).collect::<Vec<_>>(),
                phase.to_string(),
            )
        };
        assert_eq!(
            tasks,
            [
                row("a", &["a"], "Succeeded"),
                row("b", &["b1", "b2"], "Pending"),
                row("c", &["c"], "Pending"),
            ]
        );
        let text = status_text(&wf, now);
        assert!(text.contains("b     b1,b2        Pending    -"), "{text}");

        // A task with a pod under a retry node (`b(0)`) is not listed twice.
        let mut with_retry = wf.clone();
        let status = with_retry.status.as_mut().unwrap();
        let node: argo_model::NodeStatus = serde_json::from_value(serde_json::json!({
            "id": "wf-2", "name": "wf.b(0)", "displayName": "b(0)", "type": "Pod",
            "phase": "Running", "templateName": "kedro", "startedAt": "2024-01-01T00:00:05Z",
            "inputs": {"parameters": [{"name": "kedro_nodes", "value": "b1,b2"}]}
        }))
        .unwrap();
        status.nodes.insert("wf-2".into(), node);
        let names: Vec<String> = every_task(&with_retry)
            .into_iter()
            .map(|r| r.name)
            .collect();
        assert_eq!(names, ["a", "b(0)", "c"]);

        // Once the workflow has ended, a task that never ran was omitted.
        let mut failed = wf.clone();
        failed.status.as_mut().unwrap().phase = Some("Failed".into());
        let phases: Vec<String> = every_task(&failed).into_iter().map(|r| r.phase).collect();
        assert_eq!(phases, ["Succeeded", "Omitted", "Omitted"]);
    }

    #[test]
    fn a_partial_run_shows_its_filter_in_status_and_list() {
        let doc = |name: &str, annotations: &str| {
            let yaml = format!(
                "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {{name: {name}, namespace: ns{annotations}}}\nspec: {{entrypoint: pipeline}}\n"
            );
            let Document::Workflow(wf) = Document::from_yaml_str(&yaml).unwrap().remove(0) else {
                panic!()
            };
            *wf
        };
        let partial = doc(
            "p",
            ", annotations: {argo-kedro.io/filter: '--from-nodes=split --tags=a'}",
        );
        let full = doc("f", "");
        let now: Timestamp = "2024-01-02T00:00:00Z".parse().unwrap();
        assert!(
            status_text(&partial, now)
                .contains("Filter:    --from-nodes=split --tags=a (a partial run)\n")
        );
        assert!(!status_text(&full, now).contains("Filter:"));
        assert_eq!(
            status_json(&partial, now)["filter"],
            "--from-nodes=split --tags=a"
        );
        assert!(status_json(&full, now)["filter"].is_null());
        let both: Vec<Workflow> = std::iter::once(partial)
            .chain(std::iter::once(full.clone()))
            .collect();
        let both = list_text(&both, now);
        let lines: Vec<&str> = both.lines().collect();
        assert_eq!(
            lines[0].split_whitespace().collect::<Vec<_>>(),
            ["NAME", "PHASE", "CREATED", "DURATION", "FILTER"]
        );
        assert!(lines[1].ends_with("--from-nodes=split --tags=a"), "{both}");
        assert!(lines[2].ends_with(" -"), "{both}");
        let only_full = list_text(std::slice::from_ref(&full), now);
        assert!(!only_full.contains("FILTER"), "{only_full}");
    }
}
