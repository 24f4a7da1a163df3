//! Topological order (Kahn's algorithm, smallest index first) and cycle reporting.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fmt;

use petgraph::Direction;
use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;

use super::{DatasetId, GraphDataset};
use crate::ir::{Node, Pipeline};
use crate::names::{DatasetName, NodeName};

/// One step of a [`Cycle`]: `node` writes `dataset`, which the next step's node reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CycleStep {
    /// The node.
    pub node: NodeName,
    /// A dataset (without transcoding) that `node` writes and the next node reads.
    pub dataset: DatasetName,
}

/// A dependency cycle: each step's node writes a dataset the next step's node reads, and the
/// last step's node writes one the first reads. Starts at the node first in pipeline order.
///
/// Displays as `a -[x]-> b -[y]-> a`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cycle {
    steps: Vec<CycleStep>,
}

impl Cycle {
    /// The steps, in dependency order; never empty (a node reading its own output is one step).
    pub fn steps(&self) -> &[CycleStep] {
        &self.steps
    }

    /// The nodes of the cycle, in dependency order.
    pub fn nodes(&self) -> impl Iterator<Item = &NodeName> {
        self.steps.iter().map(|s| &s.node)
    }
}

impl fmt::Display for Cycle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for step in &self.steps {
            write!(f, "{} -[{}]-> ", step.node, step.dataset)?;
        }
        match self.steps.first() {
            Some(first) => write!(f, "{}", first.node),
            None => Ok(()),
        }
    }
}

/// All nodes in topological order, the smallest index first among ready nodes; on a cycle, the
/// nodes of one cycle in dependency order, each with its edge to the next.
pub(super) fn topological_order<N, E>(
    graph: &DiGraph<N, E>,
) -> Result<Vec<NodeIndex>, Vec<(NodeIndex, EdgeIndex)>> {
    let n = graph.node_count();
    let mut in_degree: Vec<usize> = graph
        .node_indices()
        .map(|i| graph.neighbors_directed(i, Direction::Incoming).count())
        .collect();
    let mut ready: BinaryHeap<Reverse<NodeIndex>> = graph
        .node_indices()
        .filter(|i| in_degree[i.index()] == 0)
        .map(Reverse)
        .collect();
    let mut order = Vec::with_capacity(n);
    while let Some(Reverse(node)) = ready.pop() {
        order.push(node);
        for next in graph.neighbors_directed(node, Direction::Outgoing) {
            let degree = &mut in_degree[next.index()];
            *degree -= 1;
            if *degree == 0 {
                ready.push(Reverse(next));
            }
        }
    }
    if order.len() == n {
        Ok(order)
    } else {
        Err(find_cycle(graph, &in_degree))
    }
}

/// A cycle among the nodes Kahn's algorithm could not order (`in_degree > 0`). Every such node
/// has a predecessor that is also unordered, so walking predecessors must revisit a node.
fn find_cycle<N, E>(graph: &DiGraph<N, E>, in_degree: &[usize]) -> Vec<(NodeIndex, EdgeIndex)> {
    const UNSEEN: usize = usize::MAX;
    let stuck = |i: NodeIndex| in_degree[i.index()] > 0;
    let Some(start) = graph.node_indices().find(|&i| stuck(i)) else {
        return Vec::new();
    };
    let mut position = vec![UNSEEN; graph.node_count()];
    // Each entry: a node and its edge to the entry before it (unknown for the start).
    let mut path: Vec<(NodeIndex, Option<EdgeIndex>)> = vec![(start, None)];
    position[start.index()] = 0;
    let mut current = start;
    while let Some(edge) = graph
        .edges_directed(current, Direction::Incoming)
        .find(|e| stuck(e.source()))
    {
        let previous = edge.source();
        let seen = position[previous.index()];
        if seen == UNSEEN {
            position[previous.index()] = path.len();
            path.push((previous, Some(edge.id())));
            current = previous;
        } else {
            // `previous` closes the cycle: its edge now points to `current`.
            path[seen].1 = Some(edge.id());
            path.drain(..seen);
            break;
        }
    }
    // The walk went against the edges; turn it around and start at the smallest index.
    let mut cycle: Vec<(NodeIndex, EdgeIndex)> = path
        .into_iter()
        .rev()
        .filter_map(|(node, edge)| Some((node, edge?)))
        .collect();
    if let Some(smallest) = cycle
        .iter()
        .enumerate()
        .min_by_key(|(_, (node, _))| *node)
        .map(|(i, _)| i)
    {
        cycle.rotate_left(smallest);
    }
    cycle
}

/// Names the nodes of `cycle` and, for each, the first dataset it passes to the next.
pub(super) fn describe_cycle(
    pipeline: &Pipeline,
    graph: &DiGraph<&Node, Vec<DatasetId>>,
    datasets: &[GraphDataset<'_>],
    cycle: &[(NodeIndex, EdgeIndex)],
) -> Cycle {
    let steps = cycle
        .iter()
        .filter_map(|&(node, edge)| {
            // Every edge carries at least one dataset, and every dataset has a name.
            let id = graph[edge].first()?;
            let name = datasets[id.0].variants.first()?;
            Some(CycleStep {
                node: pipeline.nodes[node.index()].name.clone(),
                dataset: name.to_base(),
            })
        })
        .collect();
    Cycle { steps }
}

/// Whether `order` is a permutation of the graph's nodes with every edge pointing forward.
pub(super) fn is_topological_order<N, E>(graph: &DiGraph<N, E>, order: &[NodeIndex]) -> bool {
    const UNSEEN: usize = usize::MAX;
    if order.len() != graph.node_count() {
        return false;
    }
    let mut position = vec![UNSEEN; graph.node_count()];
    for (i, node) in order.iter().enumerate() {
        match position.get_mut(node.index()) {
            Some(slot) if *slot == UNSEEN => *slot = i,
            _ => return false,
        }
    }
    graph
        .raw_edges()
        .iter()
        .all(|e| position[e.source().index()] < position[e.target().index()])
}
