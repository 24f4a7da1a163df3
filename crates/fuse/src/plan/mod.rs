//! The plan: which Kedro nodes run in which Argo task, in what order, with which datasets kept
//! in memory. A pure function of the IR, the configuration and the options ([`plan`]).
//!
//! - **Units**: each `FusedPipeline` group and each remaining node. A unit is never split.
//! - **Grouping** ([`GroupBy`]): `none` makes one task per unit; `namespace`, `tags`, `memory`
//!   and `chains` merge units into tasks. A task never mixes machine types or templates (a
//!   strategy's group is split by them), and a group whose merge would make the task graph
//!   cyclic is split into parts that keep it acyclic; [`Plan::splits`] says where and why.
//! - **Partial runs** ([`Selection`]): only the nodes Kedro's `Pipeline.filter(...)` selects are
//!   planned, plus the rest of every fused group the filter cuts ([`extend_selection`]).
//! - Task dependencies follow the datasets between their nodes (parameters make none).
//! - With `runner.use_memory_datasets`, a task keeps in memory the datasets written and read only
//!   by its own nodes, under a single name (no transcoding).
//! - **Crossing check**: a dataset that would be a `MemoryDataset` in the env (uncatalogued, no
//!   factory match) but is read by another task than its writer's is an error
//!   ([`PlanError::MemoryCrossing`](crate::PlanError::MemoryCrossing)); [`GroupBy::Memory`]
//!   merges the writer's and readers' tasks instead where it can.
//! - **Cycle check**: fused groups that make the task graph cyclic are an error that prints the
//!   cycle ([`PlanError::Cycle`](crate::PlanError::Cycle)).
//!
//! Linear in nodes + dataset uses for `none`; a strategy's merge costs a search bounded by the
//! tasks between the two it merges.

mod acyclic;
mod assemble;
mod build;
mod graph;
mod group;
mod render;
mod select;
mod strategy;
#[cfg(test)]
mod strategy_tests;
#[cfg(test)]
mod tests;

use serde::Serialize;

use kedro_graph::{DatasetName, Filter, GroupName, NodeName, PipelineName, Selection};

pub use build::plan;
pub use select::{Completion, Extension, extend_selection};
pub use strategy::{GROUP_TAG_PREFIX, GroupBy};

use crate::config::{MachineTypeName, RetryStrategy, TemplateName};
use crate::names::ArgoName;

/// Options of [`plan`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PlanOptions {
    /// The registered pipeline to plan (default `__default__`).
    pub pipeline: String,
    /// The grouping strategy; `None` takes `grouping` of `argo.yml` (default [`GroupBy::None`]).
    pub group_by: Option<GroupBy>,
    /// Plan only part of the pipeline (a partial run); `None` plans it whole.
    pub selection: Option<Selection>,
}

impl Default for PlanOptions {
    fn default() -> Self {
        Self {
            pipeline: "__default__".to_owned(),
            group_by: None,
            selection: None,
        }
    }
}

impl PlanOptions {
    /// Sets the pipeline.
    #[must_use]
    pub fn pipeline(mut self, pipeline: impl Into<String>) -> Self {
        self.pipeline = pipeline.into();
        self
    }

    /// Sets the grouping strategy (overriding `grouping` of `argo.yml`).
    #[must_use]
    pub fn group_by(mut self, group_by: GroupBy) -> Self {
        self.group_by = Some(group_by);
        self
    }

    /// Plans only the nodes `selection` keeps (and the rest of the fused groups it cuts).
    #[must_use]
    pub fn selection(mut self, selection: Selection) -> Self {
        self.selection = Some(selection);
        self
    }
}

/// What a task was made from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "lowercase")]
pub enum Origin {
    /// A single Kedro node.
    Node(NodeName),
    /// A `FusedPipeline` group.
    Group(GroupName),
}

impl Origin {
    /// The node or group name.
    pub fn name(&self) -> &str {
        match self {
            Self::Node(n) => n.as_str(),
            Self::Group(g) => g.as_str(),
        }
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Node(n) => write!(f, "node `{n}`"),
            Self::Group(g) => write!(f, "group `{g}`"),
        }
    }
}

/// Pod resources of a task (requests = limits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Resources {
    /// Memory, GiB.
    pub mem_gib: u32,
    /// CPU cores.
    pub cpu: u32,
    /// `nvidia.com/gpu`.
    pub gpu: u32,
    /// Scratch ephemeral volume, GiB.
    pub ephemeral_gib: u32,
}

impl Resources {
    /// The resources of a machine type.
    pub fn of(spec: &crate::config::MachineSpec) -> Self {
        Self {
            mem_gib: spec.mem,
            cpu: spec.cpu,
            gpu: spec.num_gpu,
            ephemeral_gib: spec.emph_storage,
        }
    }
}

/// A rung of a task's memory ladder: the machine type it is retried on after an OOM kill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rung {
    /// The machine type.
    pub machine_type: MachineTypeName,
    /// Its resources.
    pub resources: Resources,
}

impl Rung {
    /// The rungs of the memory ladder above machine type `name` (see
    /// [`Config::ladder`](crate::Config::ladder)).
    pub fn above(config: &crate::Config, name: &MachineTypeName) -> Vec<Self> {
        config
            .ladder(name.as_str())
            .into_iter()
            .skip(1)
            .map(|(name, spec)| Self {
                machine_type: name.clone(),
                resources: Resources::of(spec),
            })
            .collect()
    }
}

/// One Argo task of the plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Task {
    /// The DAG task name.
    pub name: ArgoName,
    /// The groups and nodes it was made from (several when a strategy merged them).
    pub origins: Vec<Origin>,
    /// The namespace ([`GroupBy::Namespace`]) or `group.<name>` tag name ([`GroupBy::Tags`])
    /// the task was formed for, when it holds more than one unit.
    pub key: Option<String>,
    /// Its Kedro nodes, in topological order (the `kedro_nodes` argument).
    pub nodes: Vec<NodeName>,
    /// Machine type.
    pub machine_type: MachineTypeName,
    /// Template (`kedro` or a custom one).
    pub template: TemplateName,
    /// Resources of the machine type.
    pub resources: Resources,
    /// Datasets kept in memory inside the task (sorted).
    pub memory_datasets: Vec<DatasetName>,
    /// Tasks it depends on (in plan order).
    pub depends: Vec<ArgoName>,
    /// Retry strategy (an override of a group or node, else the default).
    pub retry: Option<RetryStrategy>,
    /// The memory ladder above the task's machine type (`on_oom`), lowest first: Argo retries
    /// the task on the next rung each time its pod is killed for memory. Empty without `on_oom`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub on_oom: Vec<Rung>,
}

impl Task {
    /// A short human label: the strategy's key, else the origins' names joined by `+`.
    pub fn label(&self) -> String {
        if let Some(key) = &self.key {
            return key.clone();
        }
        self.origins
            .iter()
            .map(Origin::name)
            .collect::<Vec<_>>()
            .join("+")
    }
}

/// A dependency between two tasks and the datasets that make it (all persisted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskEdge {
    /// The writing task.
    pub from: ArgoName,
    /// The reading task.
    pub to: ArgoName,
    /// The datasets (without transcoding), sorted.
    pub datasets: Vec<String>,
}

/// A task of an init template: runs before every pipeline task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InitTask {
    /// The DAG task name.
    pub name: ArgoName,
    /// The custom template it runs.
    pub template: TemplateName,
    /// Its output parameters, which reach every task.
    pub outputs: Vec<String>,
}

/// A memory dataset that crosses a task boundary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Crossing {
    /// The dataset (as its writer names it).
    pub dataset: DatasetName,
    /// The node that writes it.
    pub producer: NodeName,
    /// The nodes in other tasks that read it.
    pub consumers: Vec<NodeName>,
    /// With [`GroupBy::Memory`]: why the tasks could not be merged.
    pub reason: Option<String>,
}

/// Two tasks merged by [`GroupBy::Memory`] because of a memory dataset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Merge {
    /// The memory dataset that asked for the merge.
    pub dataset: DatasetName,
    /// The group or node that writes it.
    pub writer: Origin,
    /// The group or node that reads it, whose task joined the writer's.
    pub reader: Origin,
}

/// Why a strategy's group was split over several tasks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum SplitReason {
    /// Its units run on different machine types or in different templates.
    Settings {
        /// The machine types (sorted) when they differ, else empty.
        machine_types: Vec<MachineTypeName>,
        /// The templates (sorted) when they differ, else empty.
        templates: Vec<TemplateName>,
    },
    /// One task would make the task graph cyclic: a path leaves the group and comes back.
    Cycle {
        /// A group or node on such a path.
        through: Origin,
    },
}

impl SplitReason {
    /// The reason for units of `machine_types` and `templates` (each with repeats, any order):
    /// `None` when both agree.
    pub(super) fn settings(
        machine_types: impl IntoIterator<Item = MachineTypeName>,
        templates: impl IntoIterator<Item = TemplateName>,
    ) -> Option<Self> {
        fn distinct<T: Ord>(items: impl IntoIterator<Item = T>) -> Vec<T> {
            let set: std::collections::BTreeSet<T> = items.into_iter().collect();
            if set.len() > 1 {
                set.into_iter().collect()
            } else {
                Vec::new()
            }
        }
        let machine_types = distinct(machine_types);
        let templates = distinct(templates);
        (!machine_types.is_empty() || !templates.is_empty()).then_some(Self::Settings {
            machine_types,
            templates,
        })
    }
}

impl std::fmt::Display for SplitReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let list = |items: Vec<&str>| {
            items
                .iter()
                .map(|i| format!("`{i}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            Self::Settings {
                machine_types,
                templates,
            } => {
                let mut parts = Vec::new();
                if !machine_types.is_empty() {
                    parts.push(format!(
                        "machine type ({})",
                        list(machine_types.iter().map(MachineTypeName::as_str).collect())
                    ));
                }
                if !templates.is_empty() {
                    parts.push(format!(
                        "template ({})",
                        list(templates.iter().map(TemplateName::as_str).collect())
                    ));
                }
                write!(f, "by {}", parts.join(" and "))
            }
            Self::Cycle { through } => {
                write!(
                    f,
                    "to keep the task graph acyclic (a path runs through {through})"
                )
            }
        }
    }
}

/// A strategy's group that became several tasks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Split {
    /// The group, as a phrase: namespace, tag group or chain, with its name in backticks.
    pub group: String,
    /// Why.
    pub reason: SplitReason,
    /// The tasks it became, in plan order.
    pub tasks: Vec<ArgoName>,
}

/// A partial run: what the filter selected and what the plan added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Partial {
    /// The filter, as `kedro run` takes it.
    pub filter: Filter,
    /// How many nodes Kedro's `Pipeline.filter(...)` selects.
    pub selected: usize,
    /// How many nodes the pipeline has.
    pub of: usize,
    /// The fused groups the filter cuts, planned whole.
    pub completed: Vec<Completion>,
}

/// The plan of one pipeline. Serialises to JSON for `argo-kedro plan --format json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Plan {
    /// The project's package name.
    pub project: String,
    /// The pipeline.
    pub pipeline: PipelineName,
    /// The Kedro env the facts were read for (and the pods run with).
    pub env: String,
    /// The project's Kedro version (the IR's): it decides the options of the pods' `kedro run`
    /// ([`crate::lower::pipeline_option`]).
    #[serde(skip)]
    pub kedro_version: String,
    /// Init-template tasks, in `init_templates` order.
    pub init_tasks: Vec<InitTask>,
    /// The tasks, in a topological order.
    pub tasks: Vec<Task>,
    /// The task dependencies with their datasets, sorted by (from, to) task position.
    pub edges: Vec<TaskEdge>,
    /// The grouping strategy.
    pub grouping: GroupBy,
    /// How many tasks [`GroupBy::None`] would make of the same nodes.
    pub ungrouped_tasks: usize,
    /// Where the strategy split a group, and why.
    pub splits: Vec<Split>,
    /// Merges done by [`GroupBy::Memory`].
    pub merges: Vec<Merge>,
    /// The partial run, when only part of the pipeline is planned.
    pub partial: Option<Partial>,
    /// Notes for the user (for example, a node setting that its group overrides).
    pub warnings: Vec<String>,
}

impl Plan {
    /// The task called `name`.
    pub fn task(&self, name: &str) -> Option<&Task> {
        self.tasks.iter().find(|t| t.name.as_str() == name)
    }

    /// The task that runs node `node`.
    pub fn task_of(&self, node: &str) -> Option<&Task> {
        self.tasks
            .iter()
            .find(|t| t.nodes.iter().any(|n| n.as_str() == node))
    }

    /// How many Kedro nodes the plan runs.
    pub fn node_count(&self) -> usize {
        self.tasks.iter().map(|t| t.nodes.len()).sum()
    }

    /// How many pods the grouping saves against [`GroupBy::None`].
    pub fn pods_saved(&self) -> usize {
        self.ungrouped_tasks.saturating_sub(self.tasks.len())
    }

    /// Serialises the plan as pretty JSON.
    pub fn to_json(&self) -> String {
        // A Plan holds only strings, numbers and sequences: serialising cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}
