//! `argo-kedro run-local`: compile as for Argo, then run the manifest here.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use argo_local::{Event, RunOptions, RunReport, TaskStatus};

use crate::cli::{GlobalArgs, RunLocalArgs};
use crate::error::CliError;
use crate::{output, project};

/// `argo-kedro run-local`.
pub(crate) fn run(global: &GlobalArgs, args: &RunLocalArgs) -> Result<(), CliError> {
    let (loaded, compiled) = project::compile(global, &args.selection, None)?;
    let name = argo_fuse::names::clean(&format!(
        "{}-{}",
        loaded.project.info().package_name,
        args.selection.pipeline
    ));
    let run_dir = args
        .run_dir
        .clone()
        .unwrap_or_else(|| loaded.root.join(".argo-kedro").join("runs").join(&name));
    let python = loaded.python.path.display().to_string();
    let mut options = RunOptions::new(&loaded.root, &run_dir)
        .workflow_name(name)
        .strict(args.strict)
        // The pods run `kedro`; here it is the Kedro of the project's interpreter.
        .program_alias("kedro", vec![python, "-m".into(), "kedro".into()])
        .env("KEDRO_DISABLE_TELEMETRY", "1")
        // Lets custom templates skip what only exists in a pod (e.g. waiting for a sidecar).
        .env("ARGO_KEDRO_LOCAL", "1");
    // Scripts of custom templates call `kedro` by name: find the interpreter's first.
    if let Some(bin) = loaded
        .python
        .path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
    {
        let path = std::env::var_os("PATH").unwrap_or_default();
        let joined = std::env::join_paths(
            std::iter::once(bin.to_path_buf()).chain(std::env::split_paths(&path)),
        );
        if let Ok(joined) = joined {
            options = options.env("PATH", joined.to_string_lossy());
        }
    }
    if let Some(jobs) = args.jobs {
        options = options.jobs(jobs.get());
    }
    for item in &args.secret {
        let (key, var) = item
            .split_once('=')
            .filter(|(k, v)| !k.is_empty() && !v.is_empty())
            .ok_or_else(|| CliError::InvalidSecret { item: item.clone() })?;
        options = options.secret(key, var);
    }
    let plan = argo_local::Plan::new(&compiled.workflow, options).map_err(CliError::LocalPlan)?;
    for line in grouped_warnings(plan.warnings()) {
        output::status(&format!("warning: {line}"));
    }
    let total = plan.task_names().count();
    output::status(&format!(
        "run-local: {total} tasks, logs in {}",
        run_dir.display()
    ));
    let mut done = 0usize;
    let report = plan
        .run(&mut |event: &Event| progress(event, &plan, &mut done, total))
        .map_err(CliError::LocalPlan)?;
    output::status(&summary(&report, &loaded.root));
    if report.is_success() {
        return Ok(());
    }
    let failed: Vec<String> = report
        .failed()
        .map(|task| {
            let code = task
                .exit_code
                .map_or_else(String::new, |c| format!(", exit code {c}"));
            format!(
                "task `{}` (Kedro nodes: {}{code})",
                task.name,
                task.kedro_nodes.join(", ")
            )
        })
        .collect();
    Err(CliError::LocalRunFailed {
        failed: failed.join("; "),
    })
}

/// One line per kind of warning, naming the templates it concerns.
fn grouped_warnings(warnings: &[argo_local::Warning]) -> Vec<String> {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for warning in warnings {
        let kind = warning.kind.to_string();
        let template = warning
            .template
            .clone()
            .unwrap_or_else(|| "workflow".to_string());
        match groups.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, templates)) => templates.push(template),
            None => groups.push((kind, vec![template])),
        }
    }
    groups
        .into_iter()
        .map(|(kind, templates)| format!("{kind} (templates: {})", templates.join(", ")))
        .collect()
}

/// One line per event, on stderr.
fn progress(event: &Event, plan: &argo_local::Plan, done: &mut usize, total: usize) {
    let nodes = |task: &str| {
        plan.kedro_nodes(task)
            .map(|n| n.join(", "))
            .unwrap_or_default()
    };
    match event {
        Event::TaskStarted { task, attempt, .. } => {
            let retry = if *attempt > 1 {
                format!(" (attempt {attempt})")
            } else {
                String::new()
            };
            output::progress(&format!(
                "[{done:>3}/{total}] start  {task}{retry}: {}",
                nodes(task.as_str())
            ));
        }
        Event::TaskFinished {
            task,
            status,
            duration,
            ..
        } => {
            *done += 1;
            output::progress(&format!(
                "[{done:>3}/{total}] {:<6} {task} in {}",
                status_word(*status),
                seconds(*duration)
            ));
        }
        Event::TaskRetrying {
            task, exit_code, ..
        } => {
            let code =
                exit_code.map_or_else(|| "no exit code".to_string(), |c| format!("exit code {c}"));
            output::progress(&format!("          retry  {task} ({code})"));
        }
        Event::Stopping { failed, running } => {
            let why = failed
                .as_ref()
                .map_or_else(|| "cancelled".to_string(), |t| format!("{t} failed"));
            output::progress(&format!(
                "stopping: {why}; waiting for {} running task(s)",
                running.len()
            ));
        }
        _ => {}
    }
}

fn status_word(status: TaskStatus) -> &'static str {
    match status {
        TaskStatus::Succeeded => "done",
        TaskStatus::Failed => "FAILED",
        TaskStatus::Errored => "ERROR",
        TaskStatus::Omitted => "omit",
        _ => "skip",
    }
}

fn seconds(duration: Duration) -> String {
    format!("{:.1}s", duration.as_secs_f64())
}

/// The table at the end: task, status, duration, Kedro nodes; then the failure details.
fn summary(report: &RunReport, root: &Path) -> String {
    let width = report
        .tasks
        .iter()
        .map(|t| t.name.as_str().len())
        .max()
        .unwrap_or(4)
        .max(4);
    let mut text = format!(
        "\n{:<width$}  {:<9} {:>8}  nodes\n",
        "task", "status", "time"
    );
    for task in &report.tasks {
        let time = task.duration.map_or_else(|| "-".to_string(), seconds);
        let _ = writeln!(
            text,
            "{:<width$}  {:<9} {:>8}  {}",
            task.name.as_str(),
            format!("{:?}", task.status),
            time,
            task.kedro_nodes.join(", ")
        );
    }
    for task in report.failed() {
        let log = task
            .log
            .as_deref()
            .map(|p| p.strip_prefix(root).unwrap_or(p).display().to_string());
        let _ = writeln!(
            text,
            "\n{} failed; log: {}",
            task.name,
            log.unwrap_or_default()
        );
        if let Some(tail) = &task.log_tail {
            for line in tail.lines() {
                let _ = writeln!(text, "  | {line}");
            }
        }
        if let Some(error) = &task.error {
            let _ = writeln!(text, "  error: {error}");
        }
    }
    let _ = write!(
        text,
        "\n{:?} in {}",
        report.status,
        seconds(report.duration)
    );
    text
}
