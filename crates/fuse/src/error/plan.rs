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
    /// A node carries more than one `group.<name>` tag (grouping by tags).
    #[error(
        "node `{node}` carries several group tags ({}); a node can join one tag group only",
        suggest::list(tags)
    )]
    GroupTags {
        /// The node.
        node: kedro_graph::NodeName,
        /// Its `group.*` tags.
        tags: Vec<String>,
    },
    /// The members of a fused group carry different `group.<name>` tags (grouping by tags).
    #[error(
        "the members of fused group `{group}` carry different group tags ({}); a fused group \
         runs in one task, so it can join one tag group only",
        suggest::list(tags)
    )]
    GroupTagsConflict {
        /// The group.
        group: kedro_graph::GroupName,
        /// The `group.*` tags of its members.
        tags: Vec<String>,
    },
    /// A partial run's selection is for another pipeline than the one planned.
    #[error("the selection is for pipeline `{selection}`, not for `{planned}`")]
    SelectionPipeline {
        /// The selection's pipeline.
        selection: kedro_graph::PipelineName,
        /// The pipeline planned.
        planned: kedro_graph::PipelineName,
    },
    /// The filter names a node the pipeline does not have.
    #[error(
        "pipeline `{pipeline}` has no node `{name}`; nearest: {}",
        suggest::list(nearest)
    )]
    UnknownFilterNode {
        /// The pipeline.
        pipeline: kedro_graph::PipelineName,
        /// The name in the filter.
        name: String,
        /// The closest node names.
        nearest: Vec<String>,
    },
    /// The filter names a tag no node of the pipeline carries.
    #[error(
        "no node of pipeline `{pipeline}` has tag `{tag}`; nearest: {}",
        suggest::list(nearest)
    )]
    UnknownFilterTag {
        /// The pipeline.
        pipeline: kedro_graph::PipelineName,
        /// The tag in the filter.
        tag: String,
        /// The closest tags.
        nearest: Vec<String>,
    },
    /// Kedro could not apply the filter (the exporter recorded no selection for it).
    #[error("Kedro could not apply the filter to pipeline `{pipeline}`")]
    FilterRefused {
        /// The pipeline.
        pipeline: kedro_graph::PipelineName,
    },
    /// The filter selects no node.
    #[error("the filter selects no node of pipeline `{pipeline}`")]
    EmptySelection {
        /// The pipeline.
        pipeline: kedro_graph::PipelineName,
    },
    /// A selected node reads a memory dataset whose writer the filter leaves out.
    #[error(
        "`{dataset}` would be a MemoryDataset in Kedro env `{env}`, but the filter leaves out \
         `{writer}`, which writes it, and selects {}, which read it",
        readers.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>().join(", ")
    )]
    UnselectedMemoryWriter {
        /// The Kedro env.
        env: String,
        /// The dataset.
        dataset: String,
        /// The node that writes it.
        writer: kedro_graph::NodeName,
        /// The selected nodes that read it.
        readers: Vec<kedro_graph::NodeName>,
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
                    "or put the writer and its readers in one FusedPipeline, or group the tasks by \
                     memory datasets"
                        .to_owned(),
                );
                hints
            }
            Self::UnselectedMemoryWriter {
                env,
                dataset,
                writer,
                ..
            } => vec![format!(
                "select `{writer}` too, or catalog `{dataset}` in conf/{env}/catalog.yml so that it is persisted"
            )],
            Self::UnknownFilterNode { .. } => vec![
                "names are the full Kedro node names (with their namespace), as the plan lists them"
                    .to_owned(),
            ],
            Self::Cycle { .. } => vec![
                "a group must not contain two nodes with a node outside the group between them; \
                 add that node to the group or split the group"
                    .to_owned(),
            ],
            _ => Vec::new(),
        }
    }
}

/// A grouping strategy name that is none of [`GroupBy::ALL`](crate::plan::GroupBy::ALL).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown grouping strategy `{name}` (expected none, namespace, memory, tags or chains)")]
pub struct UnknownGroupBy {
    /// The name given.
    pub name: String,
}
