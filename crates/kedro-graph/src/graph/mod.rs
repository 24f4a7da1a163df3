//! [`PipelineGraph`]: a pipeline's nodes and their dataset dependencies, validated.

mod build;
mod topo;

use petgraph::Direction;
use petgraph::graph::DiGraph;
pub use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;

use crate::error::GraphError;
use crate::ir::{Group, Node, Pipeline};
use crate::names::{DatasetName, GroupName, PipelineName, base_of};
use rustc_hash::FxHashMap;

pub use topo::{Cycle, CycleStep};

/// Identifies a dataset of one [`PipelineGraph`] (transcoding aside): an index in
/// `0..graph.dataset_count()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DatasetId(usize);

impl DatasetId {
    /// The index, in `0..graph.dataset_count()`.
    pub fn index(self) -> usize {
        self.0
    }
}

/// Identifies a group of one [`PipelineGraph`]: an index in `0..graph.group_count()`, in the
/// pipeline's `groups` order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GroupId(usize);

impl GroupId {
    /// The index, in `0..graph.group_count()`; also the group's index in `Pipeline::groups`.
    pub fn index(self) -> usize {
        self.0
    }
}

/// A dataset of a [`PipelineGraph`]: all transcodings of one name together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphDataset<'p> {
    base: &'p str,
    variants: Vec<&'p DatasetName>,
    producer: Option<NodeIndex>,
    consumers: Vec<NodeIndex>,
    parameter: bool,
}

impl<'p> GraphDataset<'p> {
    /// The name without transcoding (`companies`).
    pub fn name(&self) -> &'p str {
        self.base
    }

    /// Every name the pipeline uses for it (`companies@pandas`, `companies@spark`), in order of
    /// first use, without repeats.
    pub fn variants(&self) -> &[&'p DatasetName] {
        &self.variants
    }

    /// The node that writes it, if a node of the pipeline does.
    pub fn producer(&self) -> Option<NodeIndex> {
        self.producer
    }

    /// The nodes that read it, in pipeline order, without repeats.
    pub fn consumers(&self) -> &[NodeIndex] {
        &self.consumers
    }

    /// Whether it is a parameter input (`params:*`, `parameters`); parameters make no edges.
    pub fn is_parameter(&self) -> bool {
        self.parameter
    }

    /// A dataset (not a parameter) that no node of the pipeline writes.
    pub fn is_free_input(&self) -> bool {
        !self.parameter && self.producer.is_none()
    }

    /// A dataset that a node writes and no node of the pipeline reads.
    pub fn is_final_output(&self) -> bool {
        self.producer.is_some() && self.consumers.is_empty()
    }
}

/// A `FusedPipeline` group of a [`PipelineGraph`] and its member nodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphGroup<'p> {
    group: &'p Group,
    members: Vec<NodeIndex>,
}

impl<'p> GraphGroup<'p> {
    /// The group as the IR declares it.
    pub fn group(&self) -> &'p Group {
        self.group
    }

    /// The group's name.
    pub fn name(&self) -> &'p GroupName {
        &self.group.name
    }

    /// The member nodes, in pipeline order (may be empty).
    pub fn members(&self) -> &[NodeIndex] {
        &self.members
    }
}

/// The dependency graph of one [`Pipeline`], validated: node names unique, each dataset
/// written by at most one node, groups declared, no cycle.
///
/// Graph nodes are the pipeline's nodes: `NodeIndex::new(i)` is `pipeline.nodes[i]`. There is
/// one edge `a → b` when `b` reads at least one dataset `a` writes; its weight lists those
/// datasets. Transcoding is normalised (`x@pandas` and `x@spark` are one dataset) and
/// parameters (`params:*`, `parameters`) make no edges. Building is linear in nodes + inputs +
/// outputs (plus `n log n` for the topological order).
///
/// ```
/// use kedro_graph::{Pipeline, PipelineGraph};
///
/// let pipeline: Pipeline = serde_json::from_str(r#"{"name": "p", "groups": [], "nodes": [
///   {"name": "b", "namespace": null, "func": "m.b", "inputs": ["x@spark", "params:k"],
///    "outputs": ["y"], "tags": [], "machine_type": null, "template": null, "group": null},
///   {"name": "a", "namespace": null, "func": "m.a", "inputs": ["raw"],
///    "outputs": ["x@pandas"], "tags": [], "machine_type": null, "template": null, "group": null}
/// ]}"#)?;
/// let graph = PipelineGraph::new(&pipeline)?;
/// let a = graph.node_index("a").ok_or("no a")?;
/// let b = graph.node_index("b").ok_or("no b")?;
/// assert_eq!(graph.topo_order(), &[a, b]);
/// assert_eq!(graph.producer("x"), Some(a));
/// assert_eq!(graph.consumers("x@pandas"), &[b]);
/// let free: Vec<&str> = graph.free_inputs().iter().map(|&d| graph.dataset(d).name()).collect();
/// assert_eq!(free, ["raw"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct PipelineGraph<'p> {
    pipeline: &'p Pipeline,
    graph: DiGraph<&'p Node, Vec<DatasetId>>,
    node_index: FxHashMap<&'p str, NodeIndex>,
    datasets: Vec<GraphDataset<'p>>,
    dataset_index: FxHashMap<&'p str, DatasetId>,
    /// Per node: its inputs then its outputs, concatenated over all nodes.
    node_io: Vec<DatasetId>,
    /// Per node `i`: `node_io[bounds[i].0..bounds[i].1]` are its inputs,
    /// `node_io[bounds[i].1..bounds[i].2]` its outputs.
    bounds: Vec<(usize, usize, usize)>,
    groups: Vec<GraphGroup<'p>>,
    group_index: FxHashMap<&'p str, GroupId>,
    node_group: Vec<Option<GroupId>>,
    topo: Vec<NodeIndex>,
    free_inputs: Vec<DatasetId>,
    final_outputs: Vec<DatasetId>,
    parameter_inputs: Vec<DatasetId>,
}

impl<'p> PipelineGraph<'p> {
    /// Builds and validates the graph of `pipeline`.
    ///
    /// Errors: [`GraphError::DuplicateNode`], [`GraphError::DuplicateGroup`],
    /// [`GraphError::UnknownGroup`], [`GraphError::ParameterOutput`],
    /// [`GraphError::DuplicateOutput`], [`GraphError::DuplicateProducer`],
    /// [`GraphError::Cycle`].
    pub fn new(pipeline: &'p Pipeline) -> Result<Self, GraphError> {
        build::build(pipeline)
    }

    /// The pipeline the graph was built from.
    pub fn pipeline(&self) -> &'p Pipeline {
        self.pipeline
    }

    /// The pipeline's name.
    pub fn name(&self) -> &'p PipelineName {
        &self.pipeline.name
    }

    /// The petgraph graph, for algorithms this type does not wrap.
    pub fn graph(&self) -> &DiGraph<&'p Node, Vec<DatasetId>> {
        &self.graph
    }

    /// How many nodes the pipeline has.
    pub fn node_count(&self) -> usize {
        self.pipeline.nodes.len()
    }

    /// The node at `index`.
    ///
    /// # Panics
    /// If `index` is not a node of this graph (`index.index() >= self.node_count()`).
    pub fn node(&self, index: NodeIndex) -> &'p Node {
        &self.pipeline.nodes[index.index()]
    }

    /// The index of the node called `name`.
    pub fn node_index(&self, name: &str) -> Option<NodeIndex> {
        self.node_index.get(name).copied()
    }

    /// All nodes with their indexes, in pipeline order.
    pub fn nodes(&self) -> impl ExactSizeIterator<Item = (NodeIndex, &'p Node)> + 'p {
        self.pipeline
            .nodes
            .iter()
            .enumerate()
            .map(|(i, node)| (NodeIndex::new(i), node))
    }

    /// The nodes that read a dataset `node` writes (each once, in no particular order).
    pub fn successors(&self, node: NodeIndex) -> impl Iterator<Item = NodeIndex> + '_ {
        self.graph.neighbors_directed(node, Direction::Outgoing)
    }

    /// The nodes that write a dataset `node` reads (each once, in no particular order).
    pub fn predecessors(&self, node: NodeIndex) -> impl Iterator<Item = NodeIndex> + '_ {
        self.graph.neighbors_directed(node, Direction::Incoming)
    }

    /// Every edge as `(writer, reader, datasets)`; `datasets` is sorted and not empty.
    pub fn edges(&self) -> impl Iterator<Item = (NodeIndex, NodeIndex, &[DatasetId])> + '_ {
        self.graph
            .edge_references()
            .map(|e| (e.source(), e.target(), e.weight().as_slice()))
    }

    /// The datasets `from` writes and `to` reads, if any (linear in `from`'s out-degree).
    pub fn edge_datasets(&self, from: NodeIndex, to: NodeIndex) -> Option<&[DatasetId]> {
        self.graph
            .find_edge(from, to)
            .map(|e| self.graph[e].as_slice())
    }

    /// A topological order of all nodes: the smallest such order by pipeline position, so an IR
    /// already in topological order keeps its order.
    pub fn topo_order(&self) -> &[NodeIndex] {
        &self.topo
    }

    /// Whether `order` holds every node exactly once and puts every writer before its readers.
    /// An oracle for tests of this and other crates.
    pub fn is_topological_order(&self, order: &[NodeIndex]) -> bool {
        topo::is_topological_order(&self.graph, order)
    }

    /// How many datasets (transcoding aside, parameters included) the pipeline uses.
    pub fn dataset_count(&self) -> usize {
        self.datasets.len()
    }

    /// The dataset `id`.
    ///
    /// # Panics
    /// If `id` comes from another graph and is out of range.
    pub fn dataset(&self, id: DatasetId) -> &GraphDataset<'p> {
        &self.datasets[id.0]
    }

    /// The id of the dataset `name`; a transcoding suffix is ignored (`x@spark` finds `x`).
    pub fn dataset_id(&self, name: &str) -> Option<DatasetId> {
        self.dataset_index.get(base_of(name)).copied()
    }

    /// All datasets with their ids, in order of first use.
    pub fn datasets(&self) -> impl ExactSizeIterator<Item = (DatasetId, &GraphDataset<'p>)> + '_ {
        self.datasets
            .iter()
            .enumerate()
            .map(|(i, d)| (DatasetId(i), d))
    }

    /// The node that writes dataset `name` (transcoding ignored), if any.
    pub fn producer(&self, name: &str) -> Option<NodeIndex> {
        self.dataset_id(name)
            .and_then(|id| self.datasets[id.0].producer)
    }

    /// The nodes that read dataset `name` (transcoding ignored), in pipeline order; empty for an
    /// unknown name.
    pub fn consumers(&self, name: &str) -> &[NodeIndex] {
        self.dataset_id(name)
            .map_or(&[][..], |id| &self.datasets[id.0].consumers)
    }

    /// The datasets `node` reads, parameters included, in its order, without repeats.
    pub fn node_inputs(&self, node: NodeIndex) -> &[DatasetId] {
        let (start, mid, _) = self.bounds[node.index()];
        &self.node_io[start..mid]
    }

    /// The datasets `node` writes, in its order.
    pub fn node_outputs(&self, node: NodeIndex) -> &[DatasetId] {
        let (_, mid, end) = self.bounds[node.index()];
        &self.node_io[mid..end]
    }

    /// Datasets (not parameters) that no node writes, sorted by name: the pipeline's inputs.
    pub fn free_inputs(&self) -> &[DatasetId] {
        &self.free_inputs
    }

    /// Datasets that a node writes and no node reads, sorted by name.
    pub fn final_outputs(&self) -> &[DatasetId] {
        &self.final_outputs
    }

    /// Parameter inputs (`params:*`, `parameters`) any node reads, sorted by name.
    pub fn parameter_inputs(&self) -> &[DatasetId] {
        &self.parameter_inputs
    }

    /// How many groups the pipeline declares.
    pub fn group_count(&self) -> usize {
        self.groups.len()
    }

    /// The group `id`.
    ///
    /// # Panics
    /// If `id` comes from another graph and is out of range.
    pub fn group(&self, id: GroupId) -> &GraphGroup<'p> {
        &self.groups[id.0]
    }

    /// The id of the group called `name`.
    pub fn group_id(&self, name: &str) -> Option<GroupId> {
        self.group_index.get(name).copied()
    }

    /// All groups with their ids, in the pipeline's `groups` order.
    pub fn groups(&self) -> impl ExactSizeIterator<Item = (GroupId, &GraphGroup<'p>)> + '_ {
        self.groups.iter().enumerate().map(|(i, g)| (GroupId(i), g))
    }

    /// The group `node` belongs to, if any.
    pub fn group_of(&self, node: NodeIndex) -> Option<GroupId> {
        self.node_group[node.index()]
    }
}

#[cfg(test)]
mod tests;
