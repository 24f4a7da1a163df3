//! The IR's data types, one per object of `docs/ir.md`.
//!
//! [`Project`](crate::Project), the document itself, lives in [`crate::project`].

use serde::{Deserialize, Deserializer, Serialize};

use crate::error::GraphError;
use crate::graph::PipelineGraph;
use crate::names::{
    DatasetName, GroupName, MachineTypeName, Namespace, NodeName, PipelineName, TemplateName,
};

/// The IR's `format` value.
pub const FORMAT: &str = "argo-kedro-ir";
/// The IR version this crate reads and writes.
pub const VERSION: u32 = 1;

/// Project metadata (the IR's `project` object).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectInfo {
    /// The project's display name (`Spaceflights`).
    pub name: String,
    /// The Python package (`spaceflights`); never empty.
    #[serde(deserialize_with = "non_empty")]
    pub package_name: String,
    /// The Kedro version the exporter ran with.
    pub kedro_version: String,
    /// The argo-kedro Python package version that exported the IR.
    pub argo_kedro_version: String,
    /// The Kedro env the facts were read for; never empty.
    #[serde(deserialize_with = "non_empty")]
    pub env: String,
}

/// One registered Kedro pipeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pipeline {
    /// The registered name (`__default__`).
    pub name: PipelineName,
    /// The nodes, in Kedro's topological order.
    pub nodes: Vec<Node>,
    /// The `FusedPipeline` groups, sorted by name.
    pub groups: Vec<Group>,
}

impl Pipeline {
    /// Builds and validates this pipeline's dependency graph; see [`PipelineGraph::new`].
    pub fn graph(&self) -> Result<PipelineGraph<'_>, GraphError> {
        PipelineGraph::new(self)
    }
}

/// One Kedro node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Node {
    /// The full, namespaced name.
    pub name: NodeName,
    /// The namespace, if any.
    pub namespace: Option<Namespace>,
    /// The function: module + qualname.
    pub func: String,
    /// Inputs as Kedro reports them: transcoding kept, parameters included.
    pub inputs: Vec<DatasetName>,
    /// Outputs as Kedro reports them: transcoding kept.
    pub outputs: Vec<DatasetName>,
    /// Tags, sorted.
    pub tags: Vec<String>,
    /// `argo_kedro.pipeline.Node(machine_type=...)`.
    pub machine_type: Option<MachineTypeName>,
    /// `argo_kedro.pipeline.Node(template=...)`.
    pub template: Option<TemplateName>,
    /// The full name of the `FusedPipeline` group the node belongs to.
    pub group: Option<GroupName>,
}

/// A `FusedPipeline` group: nodes meant to run as one task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// The full, namespaced name.
    pub name: GroupName,
    /// The group's machine type.
    pub machine_type: Option<MachineTypeName>,
    /// The group's template.
    pub template: Option<TemplateName>,
    /// The group's tags.
    pub tags: Vec<String>,
}

/// Whether an IR dataset entry is a dataset or a parameter input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DatasetKind {
    /// A catalog dataset.
    Dataset,
    /// `params:*` or `parameters`.
    Parameters,
}

/// The catalog facts about one dataset, for the IR's env (an entry of `datasets`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatasetFacts {
    /// The name as nodes use it (transcoding kept).
    pub name: DatasetName,
    /// Dataset or parameter input.
    pub kind: DatasetKind,
    /// Whether the env's catalog has an explicit entry for it.
    pub declared: bool,
    /// The dataset class as configured (`pandas.CSVDataset`), if known.
    #[serde(rename = "type")]
    pub dataset_type: Option<String>,
    /// The dataset factory pattern it matched, if any.
    pub pattern: Option<String>,
    /// Whether a `kedro run` of this env would make it a `MemoryDataset`.
    pub memory: bool,
}

fn non_empty<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let s = String::deserialize(deserializer)?;
    if s.is_empty() {
        Err(serde::de::Error::custom("expected a non-empty string"))
    } else {
        Ok(s)
    }
}
