//! Errors of planning.

use std::fmt::Write as _;

use crate::suggest;

/// One step of a task cycle: `task` writes `datasets`, which the next step's task reads.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TaskCycleStep {
    /// The task, by the group or node it was made from.
    pub task: crate::plan::Origin,
    /// Datasets (without transcoding) it writes that the next task reads.
    pub datasets: Vec<String>,
}

fn cycle_text(steps: &[TaskCycleStep]) -> String {
    let mut out = String::new();
    for s in steps {
        let shown = s
            .datasets
            .iter()
            .take(3)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        let more = s.datasets.len().saturating_sub(3);
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        let _ = write!(out, "{} -[{shown}{more}]-> ", s.task);
    }
    if let Some(first) = steps.first() {
        out.push_str(&first.task.to_string());
    }
    out
}

fn crossing_text(crossings: &[crate::plan::Crossing]) -> String {
    crossings
        .iter()
        .map(|c| {
            let readers: Vec<String> = c.consumers.iter().map(|n| format!("`{n}`")).collect();
            let reason = c
                .reason
                .as_ref()
                .map_or_else(String::new, |r| format!(" (not merged: {r})"));
            format!(
                "`{}` (written by `{}`, read by {}){reason}",
                c.dataset,
                c.producer,
                readers.join(", ")
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Planning a pipeline.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// The pipeline is not in the IR.
    #[error("cannot plan the pipeline")]
    Pipeline {
        /// The lookup error (names the nearest pipelines).
        #[source]
        source: kedro_graph::LookupError,
    },
    /// The pipeline's own graph is invalid (duplicate names, cycle, ...).
    #[error("invalid pipeline graph")]
    Graph {
        /// What is wrong with it.
        #[source]
        source: kedro_graph::GraphError,
    },
    /// A node or group names a machine type `argo.yml` does not define.
    #[error(
        "{owner} uses unknown machine type `{name}`; nearest defined: {}",
        suggest::list(nearest)
    )]
    UnknownMachineType {
        /// The node or group.
        owner: crate::plan::Origin,
        /// The machine type it names.
        name: String,
        /// The closest defined machine types.
        nearest: Vec<String>,
    },
    /// A node or group names a template `argo.yml` does not define.
    #[error(
        "{owner} uses unknown template `{name}`; nearest defined: {}",
        suggest::list(nearest)
    )]
    UnknownTemplate {
        /// The node or group.
        owner: crate::plan::Origin,
        /// The template it names.
        name: String,
        /// The closest defined templates.
        nearest: Vec<String>,
    },
    /// A `retry_overrides` key that is no node or group of the project.
    #[error(
        "retry_overrides names `{name}`, which is no node or group of the project; nearest: {}",
        suggest::list(nearest)
    )]
    UnknownRetryOverride {
        /// The key.
        name: String,
        /// The closest node or group names.
        nearest: Vec<String>,
    },
    /// Datasets that would be `MemoryDataset`s in the env but cross task boundaries.
    #[error(
        "{} in Kedro env `{env}` but {} task boundaries: {}",
        crate::suggest::count(crossings.len(), "dataset would be a MemoryDataset", "datasets would be MemoryDatasets"),
        if crossings.len() == 1 { "crosses" } else { "cross" },
        crossing_text(crossings)
    )]
    MemoryCrossing {
        /// The Kedro env.
        env: String,
        /// Each crossing dataset with its writer and readers.
        crossings: Vec<crate::plan::Crossing>,
    },
    /// The groups make the task graph cyclic.
    #[error("the fused groups make the task graph cyclic: {}", cycle_text(steps))]
    Cycle {
        /// The cycle, in dependency order.
        steps: Vec<TaskCycleStep>,
    },
}

impl PlanError {
    /// Hints for the user, one line each (the binary prints them after the error).
    pub fn hints(&self) -> Vec<String> {
        match self {
            Self::MemoryCrossing { env, crossings } => {
                let mut hints: Vec<String> = crossings
                    .iter()
                    .map(|c| {
                        format!(
                            "catalog `{}` in conf/{env}/catalog.yml (or a factory pattern) so that it is persisted",
                            c.dataset
                        )
                    })
                    .collect();
                hints.push(
                    "or put the writer and its readers in one FusedPipeline, or plan with \
                     memory crossings fused"
                        .to_owned(),
                );
                hints
            }
            Self::Cycle { .. } => vec![
                "a group must not contain two nodes with a node outside the group between them; \
                 add that node to the group or split the group"
                    .to_owned(),
            ],
            _ => Vec::new(),
        }
    }
}
