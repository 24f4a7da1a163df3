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

/// A partial run (the IR's optional `selection`): the filter given to the exporter and the nodes
/// Kedro's own `Pipeline.filter(...)` selects with it.
///
/// ```
/// let selection: kedro_graph::Selection = serde_json::from_str(r#"{
///   "pipeline": "__default__",
///   "filter": {"nodes": [], "from_nodes": ["split"], "to_nodes": [], "tags": []},
///   "nodes": ["split", "train"]
/// }"#)?;
/// assert!(!selection.filter.is_empty());
/// assert_eq!(selection.nodes.as_ref().map(Vec::len), Some(2));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Selection {
    /// The registered pipeline the filter applies to.
    pub pipeline: PipelineName,
    /// The filter, as `kedro run` reads it.
    pub filter: Filter,
    /// The nodes `Pipeline.filter(...)` keeps, in the pipeline's node order; empty when Kedro
    /// finds none; `null` when the filter names a node or tag the pipeline does not have
    /// (Kedro refuses such a filter).
    pub nodes: Option<Vec<NodeName>>,
}

/// Kedro's node filters (`kedro run --nodes/--from-nodes/--to-nodes/--tags`), each list sorted
/// and without repeats; an empty list does not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Filter {
    /// `--nodes`: only these nodes (`Pipeline.only_nodes`).
    #[serde(default)]
    pub nodes: Vec<String>,
    /// `--from-nodes`: these nodes and everything downstream (`Pipeline.from_nodes`).
    #[serde(default)]
    pub from_nodes: Vec<String>,
    /// `--to-nodes`: these nodes and everything upstream (`Pipeline.to_nodes`).
    #[serde(default)]
    pub to_nodes: Vec<String>,
    /// `--tags`: nodes carrying any of these tags (`Pipeline.only_nodes_with_tags`).
    #[serde(default)]
    pub tags: Vec<String>,
}

impl Filter {
    /// Whether no list is given: the filter keeps every node.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
            && self.from_nodes.is_empty()
            && self.to_nodes.is_empty()
            && self.tags.is_empty()
    }

    /// The filter as `kedro run` options (`--nodes=a,b --tags=t`), in that command's order;
    /// empty for an empty filter.
    ///
    /// ```
    /// let filter = kedro_graph::Filter {
    ///     from_nodes: vec!["split".into()],
    ///     tags: vec!["a".into(), "b".into()],
    ///     ..Default::default()
    /// };
    /// assert_eq!(filter.to_options(), "--from-nodes=split --tags=a,b");
    /// ```
    pub fn to_options(&self) -> String {
        self.parts()
            .map(|(flag, values)| format!("--{flag}={}", values.join(",")))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The non-empty lists with the `kedro run` option each comes from.
    pub fn parts(&self) -> impl Iterator<Item = (&'static str, &[String])> {
        [
            ("nodes", self.nodes.as_slice()),
            ("from-nodes", self.from_nodes.as_slice()),
            ("to-nodes", self.to_nodes.as_slice()),
            ("tags", self.tags.as_slice()),
        ]
        .into_iter()
        .filter(|(_, values)| !values.is_empty())
    }
}
