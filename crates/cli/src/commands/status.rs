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
        "tasks": cluster::task_rows(wf),
    })
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
    let rows = cluster::task_rows(wf);
    if rows.is_empty() {
        out.push_str("\nNo tasks have started.\n");
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
        row.pod.clone(),
        row.started_at.clone().unwrap_or_else(|| "-".into()),
        row.finished_at.clone().unwrap_or_else(|| "-".into()),
    ]
}

/// Left-aligned columns separated by two spaces, no trailing spaces.
pub(crate) fn render_table<const N: usize>(header: [&str; N], rows: &[[String; N]]) -> String {
    let mut widths = header.map(str::len);
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let header = header.map(str::to_string);
    for row in std::iter::once(&header).chain(rows) {
        let mut line = String::new();
        for (i, (cell, w)) in row.iter().zip(widths).enumerate() {
            if i + 1 == N {
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
                    })
                })
                .collect();
            format!("{}\n", serde_json::Value::Array(items))
        }
        ResultFormat::Text if workflows.is_empty() => {
            output::status("no workflows found");
            String::new()
        }
        ResultFormat::Text => {
            let rows: Vec<[String; 5]> = workflows
                .iter()
                .map(|wf| {
                    [
                        cluster::name_of(wf).to_string(),
                        match cluster::phase(wf) {
                            "" => "Pending".to_string(),
                            p => p.to_string(),
                        },
                        cluster::time_text(wf.metadata.creation_timestamp.as_ref())
                            .unwrap_or_else(|| "-".into()),
                        duration(wf, now).map_or_else(|| "-".into(), cluster::format_duration),
                        cron_of(wf).unwrap_or("-").to_string(),
                    ]
                })
                .collect();
            // The schedule that started a workflow, when one did.
            if workflows.iter().any(|wf| cron_of(wf).is_some()) {
                render_table(["NAME", "PHASE", "CREATED", "DURATION", "SCHEDULE"], &rows)
            } else {
                let rows: Vec<[String; 4]> = rows
                    .into_iter()
                    .map(|[a, b, c, d, _]| [a, b, c, d])
                    .collect();
                render_table(["NAME", "PHASE", "CREATED", "DURATION"], &rows)
            }
        }
    };
    output::stdout(&text)
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
}
