//! Construction of a [`PipelineGraph`]: indexes, validation, edges. Linear in the size of the
//! pipeline (hash maps, no pairwise scans).

use std::collections::hash_map::Entry;

use petgraph::graph::{DiGraph, NodeIndex};

use super::{DatasetId, GraphDataset, GraphGroup, GroupId, PipelineGraph, topo};
use crate::error::GraphError;
use crate::ir::{Node, Pipeline};
use crate::names::DatasetName;
use rustc_hash::{FxBuildHasher, FxHashMap};

pub(super) fn build(pipeline: &Pipeline) -> Result<PipelineGraph<'_>, GraphError> {
    let (mut groups, group_index) = index_groups(pipeline)?;
    let (node_index, node_group) = index_nodes(pipeline, &group_index, &mut groups)?;
    let io = collect_io(pipeline)?;
    let graph = add_edges(pipeline, &io);

    let topo = topo::topological_order(&graph).map_err(|cycle| GraphError::Cycle {
        pipeline: pipeline.name.clone(),
        cycle: topo::describe_cycle(pipeline, &graph, &io.datasets.list, &cycle),
    })?;

    let datasets = io.datasets;
    let sorted = |keep: &dyn Fn(&GraphDataset<'_>) -> bool| {
        let mut ids: Vec<DatasetId> = (0..datasets.list.len())
            .map(DatasetId)
            .filter(|id| keep(&datasets.list[id.0]))
            .collect();
        ids.sort_unstable_by_key(|id| datasets.list[id.0].base);
        ids
    };
    let free_inputs = sorted(&|d| d.is_free_input());
    let final_outputs = sorted(&|d| d.is_final_output());
    let parameter_inputs = sorted(&|d| d.is_parameter());

    Ok(PipelineGraph {
        pipeline,
        graph,
        node_index,
        datasets: datasets.list,
        dataset_index: datasets.index,
        node_io: io.node_io,
        bounds: io.bounds,
        groups,
        group_index,
        node_group,
        topo,
        free_inputs,
        final_outputs,
        parameter_inputs,
    })
}

type GroupIndex<'p> = FxHashMap<&'p str, GroupId>;
type NodeIndexMap<'p> = FxHashMap<&'p str, NodeIndex>;

/// The pipeline's groups, checked unique, with empty member lists.
fn index_groups(pipeline: &Pipeline) -> Result<(Vec<GraphGroup<'_>>, GroupIndex<'_>), GraphError> {
    let mut group_index = FxHashMap::with_capacity_and_hasher(pipeline.groups.len(), FxBuildHasher);
    let mut groups = Vec::with_capacity(pipeline.groups.len());
    for (i, group) in pipeline.groups.iter().enumerate() {
        if group_index
            .insert(group.name.as_str(), GroupId(i))
            .is_some()
        {
            return Err(GraphError::DuplicateGroup {
                pipeline: pipeline.name.clone(),
                group: group.name.clone(),
            });
        }
        groups.push(GraphGroup {
            group,
            members: Vec::new(),
        });
    }
    Ok((groups, group_index))
}

/// Node names checked unique, and each node's group checked declared and filled in.
fn index_nodes<'p>(
    pipeline: &'p Pipeline,
    group_index: &GroupIndex<'p>,
    groups: &mut [GraphGroup<'p>],
) -> Result<(NodeIndexMap<'p>, Vec<Option<GroupId>>), GraphError> {
    let n = pipeline.nodes.len();
    let mut node_index = FxHashMap::with_capacity_and_hasher(n, FxBuildHasher);
    let mut node_group = Vec::with_capacity(n);
    for (i, node) in pipeline.nodes.iter().enumerate() {
        let index = NodeIndex::new(i);
        if node_index.insert(node.name.as_str(), index).is_some() {
            return Err(GraphError::DuplicateNode {
                pipeline: pipeline.name.clone(),
                node: node.name.clone(),
            });
        }
        let group = match &node.group {
            None => None,
            Some(name) => {
                let Some(&id) = group_index.get(name.as_str()) else {
                    return Err(GraphError::UnknownGroup {
                        pipeline: pipeline.name.clone(),
                        node: node.name.clone(),
                        group: name.clone(),
                    });
                };
                groups[id.0].members.push(index);
                Some(id)
            }
        };
        node_group.push(group);
    }
    Ok((node_index, node_group))
}

/// The dataset table and each node's inputs and outputs in it.
struct DatasetTable<'p> {
    datasets: Datasets<'p>,
    node_io: Vec<DatasetId>,
    bounds: Vec<(usize, usize, usize)>,
}

/// Interns every input and output; records consumers and the (single) producer of each dataset.
fn collect_io(pipeline: &Pipeline) -> Result<DatasetTable<'_>, GraphError> {
    // Every input and output at most once each: bounds the dataset table and `node_io`.
    let names: usize = pipeline
        .nodes
        .iter()
        .map(|node| node.inputs.len() + node.outputs.len())
        .sum();
    let mut datasets = Datasets {
        list: Vec::with_capacity(names),
        index: FxHashMap::with_capacity_and_hasher(names, FxBuildHasher),
    };
    let mut node_io = Vec::with_capacity(names);
    let mut bounds = Vec::with_capacity(pipeline.nodes.len());
    for (i, node) in pipeline.nodes.iter().enumerate() {
        let index = NodeIndex::new(i);
        let start = node_io.len();
        for input in &node.inputs {
            let id = datasets.intern(input);
            let dataset = &mut datasets.list[id.0];
            // Consumers are pushed in node order, so a repeat is always the last entry.
            if dataset.consumers.last() != Some(&index) {
                dataset.consumers.push(index);
                node_io.push(id);
            }
        }
        let mid = node_io.len();
        for output in &node.outputs {
            if output.is_parameter() {
                return Err(GraphError::ParameterOutput {
                    pipeline: pipeline.name.clone(),
                    node: node.name.clone(),
                    dataset: output.clone(),
                });
            }
            let id = datasets.intern(output);
            let dataset = &mut datasets.list[id.0];
            match dataset.producer {
                None => dataset.producer = Some(index),
                Some(first) if first == index => {
                    return Err(GraphError::DuplicateOutput {
                        pipeline: pipeline.name.clone(),
                        node: node.name.clone(),
                        dataset: output.to_base(),
                    });
                }
                Some(first) => {
                    return Err(GraphError::DuplicateProducer {
                        pipeline: pipeline.name.clone(),
                        dataset: output.to_base(),
                        first: pipeline.nodes[first.index()].name.clone(),
                        second: node.name.clone(),
                    });
                }
            }
            node_io.push(id);
        }
        bounds.push((start, mid, node_io.len()));
    }
    Ok(DatasetTable {
        datasets,
        node_io,
        bounds,
    })
}

/// The graph: one node per pipeline node, one edge per (writer, reader) pair carrying the
/// datasets between them (sorted).
fn add_edges<'p>(
    pipeline: &'p Pipeline,
    io: &DatasetTable<'p>,
) -> DiGraph<&'p Node, Vec<DatasetId>> {
    let n = pipeline.nodes.len();
    let mut graph = DiGraph::with_capacity(n, n);
    for node in &pipeline.nodes {
        graph.add_node(node);
    }
    let mut scratch: Vec<(NodeIndex, DatasetId)> = Vec::new();
    for (i, &(start, mid, _)) in io.bounds.iter().enumerate() {
        scratch.clear();
        scratch.extend(io.node_io[start..mid].iter().filter_map(|&id| {
            let dataset = &io.datasets.list[id.0];
            let producer = dataset.producer.filter(|_| !dataset.parameter)?;
            Some((producer, id))
        }));
        scratch.sort_unstable();
        let reader = NodeIndex::new(i);
        for chunk in scratch.chunk_by(|a, b| a.0 == b.0) {
            let writer = chunk[0].0;
            graph.add_edge(writer, reader, chunk.iter().map(|&(_, id)| id).collect());
        }
    }
    graph
}

/// The dataset table under construction.
struct Datasets<'p> {
    list: Vec<GraphDataset<'p>>,
    index: FxHashMap<&'p str, DatasetId>,
}

impl<'p> Datasets<'p> {
    /// The id of `name`'s dataset (transcoding aside), added on first use; records the variant.
    fn intern(&mut self, name: &'p DatasetName) -> DatasetId {
        let base = name.base();
        match self.index.entry(base) {
            Entry::Occupied(entry) => {
                let id = *entry.get();
                let variants = &mut self.list[id.0].variants;
                // A dataset has a handful of transcodings at most.
                if !variants.contains(&name) {
                    variants.push(name);
                }
                id
            }
            Entry::Vacant(entry) => {
                let id = DatasetId(self.list.len());
                entry.insert(id);
                self.list.push(GraphDataset {
                    base,
                    variants: vec![name],
                    producer: None,
                    consumers: Vec::new(),
                    parameter: name.is_parameter(),
                });
                id
            }
        }
    }
}
