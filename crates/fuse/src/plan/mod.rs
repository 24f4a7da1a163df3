//! The plan: which Kedro nodes run in which Argo task, in what order, with which datasets kept
//! in memory. A pure function of the IR, the configuration and the options ([`plan`]).
//!
//! - One task per `FusedPipeline` group and per remaining node; task dependencies follow the
//!   datasets between their nodes (parameters make none).
//! - With `runner.use_memory_datasets`, a task keeps in memory the datasets written and read only
//!   by its own nodes, under a single name (no transcoding).
//! - **Crossing check**: a dataset that would be a `MemoryDataset` in the env (uncatalogued, no
//!   factory match) but is read by another task than its writer's is an error
//!   ([`PlanError::MemoryCrossing`](crate::PlanError::MemoryCrossing)); with [`MemoryCrossing::Fuse`] the writer's and readers'
//!   tasks are merged instead where that creates no cycle and machine type and template agree.
//! - **Cycle check**: groups that make the task graph cyclic are an error that prints the cycle
//!   ([`PlanError::Cycle`](crate::PlanError::Cycle)).
//!
//! Linear in nodes + dataset uses, except for `--memory-crossing=fuse`, which costs one graph
//! traversal per merge.

mod assemble;
mod build;
mod graph;
mod render;
#[cfg(test)]
mod tests;

use serde::Serialize;

use kedro_graph::{DatasetName, GroupName, NodeName, PipelineName};

pub use build::plan;

use crate::config::{MachineTypeName, RetryStrategy, TemplateName};
use crate::names::ArgoName;

/// What to do with a memory dataset that crosses a task boundary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum MemoryCrossing {
    /// Fail the plan, naming each such dataset (the default).
    #[default]
    Error,
    /// Merge the writer's and the readers' tasks where possible; fail for the rest.
    Fuse,
}

/// Options of [`plan`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PlanOptions {
    /// The registered pipeline to plan (default `__default__`).
    pub pipeline: String,
    /// What to do with memory datasets that cross tasks.
    pub memory_crossing: MemoryCrossing,
}

impl Default for PlanOptions {
    fn default() -> Self {
        Self {
            pipeline: "__default__".to_owned(),
            memory_crossing: MemoryCrossing::Error,
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

    /// Sets the memory-crossing behaviour.
    #[must_use]
    pub fn memory_crossing(mut self, memory_crossing: MemoryCrossing) -> Self {
        self.memory_crossing = memory_crossing;
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
    /// The groups and nodes it was made from (several after `--memory-crossing=fuse`).
    pub origins: Vec<Origin>,
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
    /// A short human label: the origins' names joined by `+`.
    pub fn label(&self) -> String {
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
    /// With `--memory-crossing=fuse`: why the tasks could not be merged.
    pub reason: Option<String>,
}

/// Tasks merged by `--memory-crossing=fuse`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Merge {
    /// The memory dataset that asked for the merge.
    pub dataset: DatasetName,
    /// What the writer's task was made from.
    pub into: Vec<Origin>,
    /// What the merged reader's task was made from.
    pub merged: Vec<Origin>,
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
    /// Init-template tasks, in `init_templates` order.
    pub init_tasks: Vec<InitTask>,
    /// The tasks, in a topological order.
    pub tasks: Vec<Task>,
    /// The task dependencies with their datasets, sorted by (from, to) task position.
    pub edges: Vec<TaskEdge>,
    /// Merges done by `--memory-crossing=fuse`.
    pub merges: Vec<Merge>,
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

    /// Serialises the plan as pretty JSON.
    pub fn to_json(&self) -> String {
        // A Plan holds only strings, numbers and sequences: serialising cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}
