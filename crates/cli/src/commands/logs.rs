//! `argo-kedro logs`: the main container's logs of a workflow's pods.

use argo_client::{Client, LogOptions, PodName};
use futures::StreamExt;

use crate::cli::{GlobalArgs, LogsArgs};
use crate::cluster::{self, TaskRow};
use crate::error::CliError;
use crate::output;

/// `argo-kedro logs`.
pub(crate) fn run(global: &GlobalArgs, args: &LogsArgs) -> Result<(), CliError> {
    let name = cluster::workflow_name(&args.name, "workflow name")?;
    cluster::block_on(async {
        let client = cluster::connect(global, None).await?;
        let wf = client
            .get(&name)
            .await
            .map_err(cluster::failed(format!("read workflow `{name}`")))?;
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
        if args.follow {
            follow(&client, &selected, prefix).await
        } else {
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
        }
    })
}

/// Streams the logs of every selected pod, interleaved as they come.
async fn follow(
    client: &Client,
    selected: &[(PodName, String)],
    prefix: bool,
) -> Result<(), CliError> {
    let options = LogOptions::default().follow(true);
    let mut streams = Vec::new();
    for (pod, label) in selected {
        let stream = client
            .log_lines(pod, &options)
            .await
            .map_err(cluster::failed(format!("read the logs of pod `{pod}`")))?;
        let label = label.clone();
        streams.push(stream.map(move |line| (label.clone(), line)).boxed());
    }
    let mut all = futures::stream::select_all(streams);
    while let Some((label, line)) = all.next().await {
        let line = line.map_err(cluster::failed("read the logs"))?;
        if prefix {
            output::stdout(&format!("{label} | {line}\n"))?;
        } else {
            output::stdout(&format!("{line}\n"))?;
        }
    }
    Ok(())
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
