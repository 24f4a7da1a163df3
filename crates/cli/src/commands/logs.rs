//! `argo-kedro logs`: the main container's logs of a workflow's pods.

use std::collections::HashSet;

use argo_client::{Client, LogOptions, PodName, WorkflowName};
use argo_model::Workflow;
use futures::StreamExt;
use futures::stream::SelectAll;

use crate::cli::{GlobalArgs, LogsArgs};
use crate::cluster::{self, TaskRow};
use crate::error::CliError;
use crate::{output, project};

/// `argo-kedro logs`.
pub(crate) fn run(global: &GlobalArgs, args: &LogsArgs) -> Result<(), CliError> {
    let name = cluster::workflow_name(&args.name, "workflow name")?;
    cluster::block_on(async {
        let client = cluster::connect_in_project(global, project::NAMESPACE_ENVS).await?;
        let wf = client
            .get(&name)
            .await
            .map_err(cluster::failed(format!("read workflow `{name}`")))?;
        if args.follow {
            return Box::pin(follow(&client, &wf, &name, args.node.as_deref())).await;
        }
        let pods = client
            .pods_of(&name)
            .await
            .map_err(cluster::failed(format!("list the pods of `{name}`")))?;
        let rows = cluster::task_rows(&wf);
        let pods: Vec<(PodName, Option<String>)> = pods
            .into_iter()
            .map(|p| (p.pod, p.node_id.map(|id| id.to_string())))
            .collect();
        let selected =
            select(&rows, &pods, args.node.as_deref()).map_err(|known| CliError::NoPodForNode {
                name: name.to_string(),
                node: args.node.clone().unwrap_or_default(),
                known,
            })?;
        if selected.is_empty() {
            output::status(&format!("workflow {name} has no pods yet"));
            return Ok(());
        }
        let prefix = selected.len() > 1;
        for (pod, label) in &selected {
            let text = client
                .logs(pod, &LogOptions::default())
                .await
                .map_err(cluster::failed(format!("read the logs of pod `{pod}`")))?;
            let mut out = String::new();
            for line in text.lines() {
                if prefix {
                    out.push_str(label);
                    out.push_str(" | ");
                }
                out.push_str(line);
                out.push('\n');
            }
            output::stdout(&out)?;
        }
        Ok(())
    })
}

/// What `logs --follow` waits on: a new state of the workflow, or a line of a pod's log.
enum Event {
    Snapshot(Box<Result<Workflow, argo_client::Error>>),
    Line(String, Result<String, argo_client::Error>),
}

/// Streams the logs of the selected pods as they come, interleaved, until the workflow has
/// completed and every log has ended: pods that start later (the next tasks of the DAG,
/// retries) are picked up as the workflow's status reports them, as `argo logs --follow` does.
async fn follow(
    client: &Client,
    wf: &Workflow,
    name: &WorkflowName,
    node: Option<&str>,
) -> Result<(), CliError> {
    let prefix = labels_needed(wf, name, node)?;
    let options = LogOptions::default().follow(true);
    let mut events = SelectAll::new();
    events.push(
        client
            .watch(name)
            .map(|wf| Event::Snapshot(Box::new(wf)))
            .boxed(),
    );
    let mut followed: HashSet<PodName> = HashSet::new();
    let mut followed_nodes: HashSet<String> = HashSet::new();
    while let Some(event) = events.next().await {
        match event {
            Event::Snapshot(wf) => {
                let wf = (*wf).map_err(cluster::failed(format!("watch workflow `{name}`")))?;
                let rows = cluster::task_rows(&wf);
                // The pods are listed only when a selected task has started one we do not
                // follow yet (a large DAG sends many snapshots).
                let new_pod = rows.iter().any(|r| {
                    r.phase != "Pending"
                        && !followed_nodes.contains(&r.id)
                        && node.is_none_or(|node| r.kedro_nodes.iter().any(|n| n == node))
                });
                if !new_pod {
                    continue;
                }
                let pods = client
                    .pods_of(name)
                    .await
                    .map_err(cluster::failed(format!("list the pods of `{name}`")))?;
                let started: Vec<(PodName, Option<String>)> = pods
                    .into_iter()
                    .filter(|p| p.phase.as_deref().is_some_and(|phase| phase != "Pending"))
                    .map(|p| (p.pod, p.node_id.map(|id| id.to_string())))
                    .collect();
                // No pod of the node has started yet: nothing to follow so far.
                let selected = select(&rows, &started, node).unwrap_or_default();
                for (pod, label) in selected {
                    if !followed.insert(pod.clone()) {
                        continue;
                    }
                    if let Some((_, Some(id))) = started.iter().find(|(p, _)| *p == pod) {
                        followed_nodes.insert(id.clone());
                    }
                    match client.log_lines(&pod, &options).await {
                        Ok(lines) => events.push(
                            until_error(lines)
                                .map(move |line| Event::Line(label.clone(), line))
                                .boxed(),
                        ),
                        // Gone already (pod GC), or its container never started: the other
                        // pods' logs still matter.
                        Err(e) => output::status(&format!(
                            "warning: cannot read the logs of pod {pod}: {e}"
                        )),
                    }
                }
            }
            Event::Line(label, Ok(line)) => {
                if prefix {
                    output::stdout(&format!("{label} | {line}\n"))?;
                } else {
                    output::stdout(&format!("{line}\n"))?;
                }
            }
            Event::Line(label, Err(e)) => {
                output::status(&format!("warning: the log of {label} broke off: {e}"));
            }
        }
    }
    if followed.is_empty() {
        output::status(&format!(
            "workflow {name} ended with no pod to read logs from"
        ));
    }
    Ok(())
}

/// Whether `logs --follow` labels its lines: when they can come from more than one task. An
/// unknown `node` (no DAG task runs it) is an error.
fn labels_needed(wf: &Workflow, name: &WorkflowName, node: Option<&str>) -> Result<bool, CliError> {
    let tasks = dag_tasks(wf);
    if let Some(node) = node
        && !tasks
            .iter()
            .any(|(_, nodes)| nodes.iter().any(|n| n == node))
    {
        let mut known: Vec<String> = tasks.into_iter().flat_map(|(_, nodes)| nodes).collect();
        known.sort();
        known.dedup();
        return Err(CliError::NoPodForNode {
            name: name.to_string(),
            node: node.to_owned(),
            known,
        });
    }
    // Labels when the lines can come from more than one task (init tasks included).
    Ok(match node {
        Some(node) => {
            tasks
                .iter()
                .filter(|(_, nodes)| nodes.iter().any(|n| n == node))
                .count()
                > 1
        }
        None => {
            wf.spec
                .templates
                .iter()
                .filter_map(|t| t.dag.as_ref())
                .map(|dag| dag.tasks.len())
                .sum::<usize>()
                > 1
        }
    })
}

/// `lines` up to and including its first error.
fn until_error<T, E>(
    lines: impl futures::Stream<Item = Result<T, E>> + Send + 'static,
) -> impl futures::Stream<Item = Result<T, E>> + Send + 'static
where
    T: Send + 'static,
    E: Send + 'static,
{
    lines.scan(false, |failed, line| {
        let out = if *failed {
            None
        } else {
            *failed = line.is_err();
            Some(line)
        };
        futures::future::ready(out)
    })
}

/// The workflow's DAG tasks that run Kedro nodes, each with its nodes (the `kedro_nodes`
/// argument), from the spec: what will run, whether or not it has started.
fn dag_tasks(wf: &Workflow) -> Vec<(String, Vec<String>)> {
    wf.spec
        .templates
        .iter()
        .filter_map(|t| t.dag.as_ref())
        .flat_map(|dag| &dag.tasks)
        .filter_map(|task| {
            let nodes = task
                .arguments
                .as_ref()?
                .parameters
                .iter()
                .find(|p| p.name == argo_client::KEDRO_NODES_PARAMETER)?
                .value
                .as_ref()?
                .as_str()
                .split(',')
                .filter(|n| !n.is_empty())
                .map(str::to_owned)
                .collect();
            Some((task.name.clone(), nodes))
        })
        .collect()
}

/// The pods to read, each with the label of its task, in task order; pods whose node is unknown
/// come last. With `node`, only the pods of tasks that run that Kedro node; `Err` carries the
/// Kedro nodes that do have pods.
fn select(
    rows: &[TaskRow],
    pods: &[(PodName, Option<String>)],
    node: Option<&str>,
) -> Result<Vec<(PodName, String)>, Vec<String>> {
    let row_of = |(pod, node_id): &(PodName, Option<String>)| {
        rows.iter()
            .find(|r| node_id.as_deref() == Some(r.id.as_str()) || r.pod == pod.as_str())
    };
    let mut selected: Vec<(usize, PodName, String)> = pods
        .iter()
        .filter_map(|pod| {
            let found = row_of(pod);
            if let Some(node) = node
                && !found.is_some_and(|r| r.kedro_nodes.iter().any(|n| n == node))
            {
                return None;
            }
            let position = found
                .and_then(|r| rows.iter().position(|x| x.id == r.id))
                .unwrap_or(usize::MAX);
            let label = found.map_or_else(|| pod.0.to_string(), |r| r.name.clone());
            Some((position, pod.0.clone(), label))
        })
        .collect();
    if node.is_some() && selected.is_empty() {
        let mut known: Vec<String> = pods
            .iter()
            .filter_map(row_of)
            .flat_map(|r| r.kedro_nodes.clone())
            .collect();
        known.sort();
        known.dedup();
        return Err(known);
    }
    selected.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    Ok(selected
        .into_iter()
        .map(|(_, pod, label)| (pod, label))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, name: &str, nodes: &[&str]) -> TaskRow {
        TaskRow {
            id: id.into(),
            name: name.into(),
            kedro_nodes: nodes.iter().map(ToString::to_string).collect(),
            phase: "Succeeded".into(),
            pod: format!("wf-kedro-{id}"),
            started_at: None,
            finished_at: None,
            message: None,
        }
    }

    fn pod(name: &str, node: Option<&str>) -> (PodName, Option<String>) {
        (name.parse().unwrap(), node.map(ToString::to_string))
    }

    #[test]
    fn a_log_stream_ends_at_its_first_error() {
        let lines = futures::stream::iter(vec![Ok(1), Err("cut"), Ok(2), Err("again")]);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let got: Vec<Result<i32, &str>> = runtime.block_on(until_error(lines).collect());
        assert_eq!(got, [Ok(1), Err("cut")]);
    }

    #[test]
    fn selects_pods_by_kedro_node() {
        let rows = [row("1", "a", &["a"]), row("2", "b", &["x", "y"])];
        let pods = [
            pod("p2", Some("2")),
            pod("p1", Some("1")),
            pod("stray", None),
        ];
        let all = select(&rows, &pods, None).unwrap();
        let names: Vec<_> = all.iter().map(|(p, l)| format!("{p}={l}")).collect();
        assert_eq!(names, ["p1=a", "p2=b", "stray=stray"]);
        let y = select(&rows, &pods, Some("y")).unwrap();
        assert_eq!(y.len(), 1);
        assert_eq!(y[0].0.as_str(), "p2");
        assert_eq!(
            select(&rows, &pods, Some("z")).unwrap_err(),
            ["a", "x", "y"]
        );
    }
}
