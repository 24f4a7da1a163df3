//! `argo-kedro watch`: follow a workflow to its end, one plain line per change on stderr.

use std::collections::BTreeMap;

use argo_client::{Client, WorkflowName};
use argo_model::Workflow;
use futures::StreamExt;
use jiff::Timestamp;

use crate::cli::{GlobalArgs, WatchArgs};
use crate::cluster::{self, TaskRow};
use crate::error::{CliError, FailedTasks};
use crate::{output, project};

/// `argo-kedro watch`.
pub(crate) fn run(global: &GlobalArgs, args: &WatchArgs) -> Result<(), CliError> {
    let name = cluster::workflow_name(&args.name, "workflow name")?;
    cluster::block_on(async {
        let client = cluster::connect_in_project(global, project::NAMESPACE_ENVS).await?;
        follow(&client, &name).await
    })
}

/// Follows `name` until it completes, printing progress; `Ok` only if it Succeeded.
pub(crate) async fn follow(client: &Client, name: &WorkflowName) -> Result<(), CliError> {
    let mut snapshots = client.watch(name);
    let mut progress = Progress::default();
    // Boxed: a Workflow is large, and this future is held by callers across awaits.
    let mut last: Option<Box<Workflow>> = None;
    while let Some(wf) = snapshots.next().await {
        let wf = wf.map_err(cluster::failed(format!("watch workflow `{name}`")))?;
        for line in progress.update(&wf, Timestamp::now()) {
            output::progress(&line);
        }
        last = Some(Box::new(wf));
    }
    match last {
        Some(wf) if cluster::phase(&wf) == "Succeeded" => Ok(()),
        Some(wf) => Err(failed(name, &wf)),
        None => Err(CliError::WorkflowFailed {
            name: name.to_string(),
            phase: "unknown".into(),
            message: None,
            tasks: Box::default(),
        }),
    }
}

/// The error for a workflow that ended otherwise than Succeeded, with the failed tasks that
/// ran out of memory or lost their pod (each calls for another remedy than a code fix).
fn failed(name: &WorkflowName, wf: &Workflow) -> CliError {
    let mut out_of_memory = Vec::new();
    let mut escalate = Vec::new();
    let mut lost_pods = Vec::new();
    let nodes = argo_client::hydrated_nodes(wf).unwrap_or_default();
    let escalations = argo_fuse::lower::escalate::oom_escalations(wf, &nodes);
    for row in cluster::task_rows(wf) {
        if !matches!(row.phase.as_str(), "Failed" | "Error") {
            continue;
        }
        let message = row.message.as_deref().unwrap_or_default();
        let (list, label) = if message.contains("OOMKilled") {
            // A task on a memory ladder: the rung it was killed on, and the next one.
            let ladder = escalations.iter().find(|e| {
                nodes
                    .get(&e.node)
                    .is_some_and(|n| n.children.contains(&row.id))
            });
            match ladder {
                Some(e) => {
                    let from = format!(
                        "{} on `{}` ({})",
                        e.task, e.from.machine_type, e.from.memory
                    );
                    match &e.to {
                        Some(to) => (
                            &mut escalate,
                            format!("{from}: next rung `{}` ({})", to.machine_type, to.memory),
                        ),
                        None => (
                            &mut out_of_memory,
                            format!("{from}, the top of its memory ladder"),
                        ),
                    }
                }
                None => (&mut out_of_memory, row.label()),
            }
        } else if lost_pod(message) {
            (&mut lost_pods, row.label())
        } else {
            continue;
        };
        // One entry per task, however many of its attempts failed so.
        if !list.contains(&label) {
            list.push(label);
        }
    }
    CliError::WorkflowFailed {
        name: name.to_string(),
        phase: cluster::phase(wf).to_string(),
        message: wf
            .status
            .as_ref()
            .and_then(|s| s.message.clone())
            .filter(|m| !m.is_empty()),
        tasks: Box::new(FailedTasks {
            out_of_memory,
            escalate,
            lost_pods,
        }),
    }
}

/// Whether a node's message says its pod went away under it: the controller's `pod deleted`,
/// the kubelet's eviction (`The node was low on resource`), a node shut down or pre-empted
/// (spot instances).
fn lost_pod(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    [
        "pod deleted",
        "evicted",
        "low on resource",
        "node shutdown",
        "preempt",
        "node was lost",
    ]
    .iter()
    .any(|s| m.contains(s))
}

/// What has been reported so far; [`Progress::update`] returns the lines for what changed.
#[derive(Debug, Default)]
pub(crate) struct Progress {
    tasks: BTreeMap<String, String>,
    phase: Option<String>,
    summary: Option<String>,
}

impl Progress {
    /// Lines for the changes since the previous snapshot: the workflow's phase, each task whose
    /// phase changed (named by its Kedro nodes), and a count of tasks by phase.
    pub(crate) fn update(&mut self, wf: &Workflow, now: Timestamp) -> Vec<String> {
        let status = wf.status.as_ref();
        let elapsed = cluster::seconds_between(
            status.and_then(|s| s.started_at.as_ref()),
            status.and_then(|s| s.finished_at.as_ref()),
            now,
        )
        .map_or_else(|| "--".to_string(), cluster::format_duration);
        let stamp = format!("[{elapsed}]");
        let mut lines = Vec::new();
        let rows = cluster::task_rows(wf);
        for row in &rows {
            if self.tasks.get(&row.id) != Some(&row.phase) {
                self.tasks.insert(row.id.clone(), row.phase.clone());
                lines.push(task_line(&stamp, row));
            }
        }
        let summary = summary(&rows);
        if !rows.is_empty() && self.summary.as_ref() != Some(&summary) {
            lines.push(format!("{stamp} tasks: {summary}"));
            self.summary = Some(summary);
        }
        let phase = match cluster::phase(wf) {
            "" => "Pending",
            p => p,
        };
        if self.phase.as_deref() != Some(phase) {
            let message = status
                .and_then(|s| s.message.as_deref())
                .filter(|m| !m.is_empty())
                .map(|m| format!(": {m}"))
                .unwrap_or_default();
            lines.push(format!(
                "{stamp} workflow {} {phase}{message}",
                cluster::name_of(wf)
            ));
            self.phase = Some(phase.to_string());
        }
        lines
    }
}

fn task_line(stamp: &str, row: &TaskRow) -> String {
    let message = row
        .message
        .as_deref()
        .filter(|_| row.phase != "Succeeded")
        .map(|m| format!(": {m}"))
        .unwrap_or_default();
    format!("{stamp} {:<9} {}{message}", row.phase, row.label())
}

/// `2 Succeeded, 1 Running` in a fixed phase order.
fn summary(rows: &[TaskRow]) -> String {
    let mut counts: BTreeMap<usize, (String, usize)> = BTreeMap::new();
    for row in rows {
        let rank = [
            "Succeeded",
            "Running",
            "Pending",
            "Failed",
            "Error",
            "Skipped",
            "Omitted",
        ]
        .iter()
        .position(|p| *p == row.phase)
        .unwrap_or(usize::MAX);
        counts
            .entry(rank)
            .or_insert_with(|| (row.phase.clone(), 0))
            .1 += 1;
    }
    counts
        .values()
        .map(|(phase, n)| format!("{n} {phase}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use argo_model::Document;

    fn workflow(yaml: &str) -> Workflow {
        match Document::from_yaml_str(yaml).unwrap().remove(0) {
            Document::Workflow(wf) => *wf,
            _ => panic!("not a workflow"),
        }
    }

    fn snapshot(phase: &str, a: &str, b: Option<&str>) -> Workflow {
        let b = b.map_or_else(String::new, |p| {
            format!(
                "    wf-2: {{id: wf-2, name: wf.b, displayName: b, type: Pod, phase: {p}, templateName: kedro, \
                 startedAt: '2024-01-01T00:01:00Z', inputs: {{parameters: [{{name: kedro_nodes, value: 'train,evaluate'}}]}}}}\n"
            )
        });
        workflow(&format!(
            "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {{name: wf}}\nspec: {{entrypoint: pipeline}}\n\
             status:\n  phase: {phase}\n  startedAt: '2024-01-01T00:00:00Z'\n  nodes:\n\
             \x20   wf-1: {{id: wf-1, name: wf.a, displayName: a, type: Pod, phase: {a}, templateName: kedro, \
             startedAt: '2024-01-01T00:00:10Z', inputs: {{parameters: [{{name: kedro_nodes, value: a}}]}}}}\n{b}"
        ))
    }

    #[test]
    fn reports_only_changes_with_elapsed_time_and_kedro_nodes() {
        let now: Timestamp = "2024-01-01T00:02:05Z".parse().unwrap();
        let mut progress = Progress::default();
        let first = progress.update(&snapshot("Running", "Running", None), now);
        assert_eq!(
            first,
            [
                "[2m05s] Running   a",
                "[2m05s] tasks: 1 Running",
                "[2m05s] workflow wf Running",
            ]
        );
        assert!(
            progress
                .update(&snapshot("Running", "Running", None), now)
                .is_empty()
        );
        let next = progress.update(&snapshot("Running", "Succeeded", Some("Running")), now);
        assert_eq!(
            next,
            [
                "[2m05s] Succeeded a",
                "[2m05s] Running   b (train, evaluate)",
                "[2m05s] tasks: 1 Succeeded, 1 Running",
            ]
        );
        let last = progress.update(&snapshot("Failed", "Succeeded", Some("Failed")), now);
        assert_eq!(last[0], "[2m05s] Failed    b (train, evaluate)");
        assert_eq!(last[2], "[2m05s] workflow wf Failed");
    }

    fn with_message(mut wf: Workflow, id: &str, message: &str) -> Workflow {
        let nodes = &mut wf.status.as_mut().unwrap().nodes;
        nodes.get_mut(id).unwrap().message = Some(message.into());
        wf
    }

    #[test]
    fn out_of_memory_and_lost_pods_get_their_own_hints() {
        let name: WorkflowName = "wf".parse().unwrap();
        let oom = with_message(
            snapshot("Failed", "Succeeded", Some("Failed")),
            "wf-2",
            "OOMKilled (exit code 137)",
        );
        let err = failed(&name, &oom);
        assert!(
            matches!(&err, CliError::WorkflowFailed { tasks, .. }
                if tasks.out_of_memory == ["b (train, evaluate)"] && tasks.lost_pods.is_empty()),
            "{err:?}"
        );
        let hints = err.hints();
        assert!(
            hints[0].starts_with("out of memory (OOMKilled): b (train, evaluate); give these nodes a `machine_type` with more `mem`"),
            "{hints:?}"
        );
        assert_eq!(hints.len(), 2, "{hints:?}");

        let lost = with_message(
            snapshot("Error", "Error", Some("Succeeded")),
            "wf-1",
            "pod deleted",
        );
        let hints = failed(&name, &lost).hints();
        assert!(
            hints[0].starts_with(
                "pod lost (deleted, evicted or pre-empted), not a failure of the code: a;"
            ),
            "{hints:?}"
        );
        assert!(hints[0].contains("`expression`"), "{hints:?}");
        let evicted = with_message(
            with_message(
                snapshot("Failed", "Failed", Some("Failed")),
                "wf-1",
                "The node was low on resource: memory.",
            ),
            "wf-2",
            "pod deleted",
        );
        let err = failed(&name, &evicted);
        assert!(
            matches!(&err, CliError::WorkflowFailed { tasks, .. }
                if tasks.out_of_memory.is_empty() && tasks.lost_pods == ["a", "b (train, evaluate)"]),
            "{err:?}"
        );

        let plain = with_message(
            snapshot("Failed", "Succeeded", Some("Failed")),
            "wf-2",
            "Error (exit code 1)",
        );
        let hints = failed(&name, &plain).hints();
        assert_eq!(hints.len(), 1, "{hints:?}");
        assert!(hints[0].starts_with("`argo-kedro status wf`"), "{hints:?}");
    }

    #[test]
    fn the_oom_hint_names_the_rung_of_a_memory_ladder() {
        let name: WorkflowName = "wf".parse().unwrap();
        let yaml = |attempts: &str, children: &str| {
            workflow(&format!(
                "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {{name: wf}}\n\
                 spec:\n  entrypoint: pipeline\n  templates:\n\
                 \x20 - name: kedro-default\n    metadata: {{annotations: {{argo-kedro.io/memory-ladder: 'default=16Gi,highmem=64Gi'}}}}\n\
                 \x20   container: {{image: i}}\n\
                 status:\n  phase: Failed\n  nodes:\n\
                 \x20   wf-r: {{id: wf-r, name: wf.b, displayName: b, type: Retry, phase: Failed, templateName: kedro-default, children: [{children}]}}\n{attempts}"
            ))
        };
        let attempt = |i: u32| {
            format!(
                "    wf-{i}: {{id: wf-{i}, name: 'wf.b({i})', displayName: 'b({i})', type: Pod, phase: Failed, templateName: kedro-default, \
                 message: 'main: OOMKilled (exit code 137)', outputs: {{exitCode: '137'}}}}\n"
            )
        };
        // Killed on the first rung (the retries went elsewhere): the hint names the next one.
        let err = failed(&name, &yaml(&attempt(0), "wf-0"));
        assert!(
            matches!(&err, CliError::WorkflowFailed { tasks, .. }
                if tasks.escalate == ["b on `default` (16Gi): next rung `highmem` (64Gi)"] && tasks.out_of_memory.is_empty()),
            "{err:?}"
        );
        assert!(
            err.hints()[0].contains(
                "`argo-kedro resubmit --workflow-name wf` retries them on that next rung"
            )
        );
        // Killed on both rungs: the top of the ladder.
        let err = failed(&name, &yaml(&(attempt(0) + &attempt(1)), "wf-0, wf-1"));
        assert!(
            matches!(&err, CliError::WorkflowFailed { tasks, .. }
                if tasks.escalate.is_empty() && tasks.out_of_memory == ["b on `highmem` (64Gi), the top of its memory ladder"]),
            "{err:?}"
        );
    }
}
