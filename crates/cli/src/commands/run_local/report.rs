//! What `run-local` prints: warnings, one progress line per event, the summary table.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use argo_local::{Event, RunReport, TaskStatus};

use crate::output;

/// One line per kind of warning, naming the templates it concerns.
pub(super) fn grouped_warnings(warnings: &[argo_local::Warning]) -> Vec<String> {
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
pub(super) fn progress(event: &Event, plan: &argo_local::Plan, done: &mut usize, total: usize) {
    let nodes = |task: &str| {
        plan.kedro_nodes(task)
            .filter(|n| !n.is_empty())
            .map(|n| format!(": {}", n.join(", ")))
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
                "[{done:>3}/{total}] start  {task}{retry}{}",
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
pub(super) fn summary(report: &RunReport, root: &Path) -> String {
    let width = report
        .tasks
        .iter()
        .map(|t| t.name.as_str().len())
        .max()
        .unwrap_or(4)
        .max(4);
    let with_nodes = report.tasks.iter().any(|t| !t.kedro_nodes.is_empty());
    let mut text = format!(
        "\n{:<width$}  {:<9} {:>8}{}\n",
        "task",
        "status",
        "time",
        if with_nodes { "  nodes" } else { "" }
    );
    for task in &report.tasks {
        let time = task.duration.map_or_else(|| "-".to_string(), seconds);
        let last = if with_nodes {
            format!("  {}", task.kedro_nodes.join(", "))
        } else {
            String::new()
        };
        let _ = writeln!(
            text,
            "{:<width$}  {:<9} {:>8}{}",
            task.name.as_str(),
            format!("{:?}", task.status),
            time,
            last.trim_end()
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
        } else if let Some(message) = &task.message {
            let _ = writeln!(text, "  {message}");
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
