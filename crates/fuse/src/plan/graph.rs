//! The task graph: edges between partition classes, topological order, cycles and crossings.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use kedro_graph::{DatasetId, NodeIndex, PipelineGraph};

use super::Crossing;
use super::build::{Partition, Unit};
use crate::error::{PlanError, TaskCycleStep};

/// The task graph over partition representatives: edges `(from, to)` sorted, each with the
/// datasets (sorted) that make it.
pub(super) struct TaskGraph {
    edges: Vec<(usize, usize, Vec<DatasetId>)>,
}

impl TaskGraph {
    /// The edges in `(from, to)` order.
    pub(super) fn iter(&self) -> impl Iterator<Item = (usize, usize, &[DatasetId])> {
        self.edges.iter().map(|(a, b, d)| (*a, *b, d.as_slice()))
    }

    /// The datasets of edge `(a, b)`, if there is one.
    fn get(&self, a: usize, b: usize) -> Option<&[DatasetId]> {
        self.edges
            .binary_search_by(|(x, y, _)| (*x, *y).cmp(&(a, b)))
            .ok()
            .map(|i| self.edges[i].2.as_slice())
    }
}

pub(super) fn task_graph(
    graph: &PipelineGraph<'_>,
    unit_of: &[usize],
    part: &mut Partition,
) -> TaskGraph {
    let mut flat: Vec<(usize, usize, DatasetId)> = Vec::new();
    for (from, to, datasets) in graph.edges() {
        let a = part.find(unit_of[from.index()]);
        let b = part.find(unit_of[to.index()]);
        if a != b {
            flat.extend(datasets.iter().map(|d| (a, b, *d)));
        }
    }
    flat.sort_unstable();
    flat.dedup();
    let mut edges: Vec<(usize, usize, Vec<DatasetId>)> = Vec::new();
    for (a, b, d) in flat {
        match edges.last_mut() {
            Some((x, y, ds)) if *x == a && *y == b => ds.push(d),
            _ => edges.push((a, b, vec![d])),
        }
    }
    TaskGraph { edges }
}

/// The tasks (representatives) in topological order, earliest first node first; or the cycle.
pub(super) fn order_tasks(
    graph: &PipelineGraph<'_>,
    edges: &TaskGraph,
    units: &[Unit],
    reps: &[usize],
    rank: &[usize],
) -> Result<Vec<usize>, PlanError> {
    // Per unit: whether it represents a task, and its key (smallest rank of its nodes).
    let n = units.len();
    let mut key = vec![usize::MAX; n];
    for (i, _) in graph.nodes() {
        let r = reps[i.index()];
        key[r] = key[r].min(rank[i.index()]);
    }
    let is_rep: Vec<bool> = key.iter().map(|k| *k != usize::MAX).collect();
    let mut indeg = vec![0usize; n];
    // Successors as CSR: the edges are sorted by source.
    let mut start = vec![0usize; n + 1];
    let mut succ = Vec::with_capacity(edges.edges.len());
    for (a, b, _) in edges.iter() {
        start[a + 1] += 1;
        indeg[b] += 1;
        succ.push(b);
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    let mut ready: BinaryHeap<Reverse<(usize, usize)>> = (0..n)
        .filter(|&r| is_rep[r] && indeg[r] == 0)
        .map(|r| Reverse((key[r], r)))
        .collect();
    let total = is_rep.iter().filter(|r| **r).count();
    let mut order = Vec::with_capacity(total);
    while let Some(Reverse((_, r))) = ready.pop() {
        order.push(r);
        for &s in &succ[start[r]..start[r + 1]] {
            indeg[s] -= 1;
            if indeg[s] == 0 {
                ready.push(Reverse((key[s], s)));
            }
        }
    }
    if order.len() == total {
        return Ok(order);
    }
    Err(PlanError::Cycle {
        steps: find_cycle(graph, edges, units, &indeg, &key),
    })
}

/// One cycle among the tasks Kahn's algorithm could not order (in-degree still > 0).
fn find_cycle(
    graph: &PipelineGraph<'_>,
    edges: &TaskGraph,
    units: &[Unit],
    indeg: &[usize],
    key: &[usize],
) -> Vec<TaskCycleStep> {
    let left = |r: usize| indeg[r] > 0;
    let mut pred: HashMap<usize, Vec<usize>> = HashMap::new();
    for (a, b, _) in edges.iter() {
        if left(a) && left(b) {
            pred.entry(b).or_default().push(a);
        }
    }
    for p in pred.values_mut() {
        p.sort_unstable_by_key(|r| (key[*r], *r));
    }
    // Walk predecessors from the earliest remaining task until one repeats.
    let Some(mut cur) = (0..indeg.len())
        .filter(|&r| left(r))
        .min_by_key(|&r| (key[r], r))
    else {
        return Vec::new();
    };
    let mut seen: HashMap<usize, usize> = HashMap::new();
    let mut walk = Vec::new();
    while !seen.contains_key(&cur) {
        seen.insert(cur, walk.len());
        walk.push(cur);
        match pred.get(&cur).and_then(|p| p.first()) {
            Some(&p) => cur = p,
            None => return Vec::new(),
        }
    }
    let mut cycle: Vec<usize> = walk[seen[&cur]..].to_vec();
    cycle.reverse(); // now in dependency order: each writes what the next reads
    if let Some(first) = (0..cycle.len()).min_by_key(|&i| (key[cycle[i]], cycle[i])) {
        cycle.rotate_left(first);
    }
    let n = cycle.len();
    (0..n)
        .map(|i| {
            let (a, b) = (cycle[i], cycle[(i + 1) % n]);
            let mut datasets: Vec<String> = edges
                .get(a, b)
                .unwrap_or_default()
                .iter()
                .map(|d| graph.dataset(*d).name().to_owned())
                .collect();
            datasets.sort();
            TaskCycleStep {
                task: units[a].origin.clone(),
                datasets,
            }
        })
        .collect()
}

/// Memory datasets read by a task other than their writer's.
pub(super) fn crossings(
    graph: &PipelineGraph<'_>,
    memory: &[bool],
    unit_of: &[usize],
    part: &mut Partition,
) -> Vec<Crossing> {
    let mut out = Vec::new();
    for (id, d) in graph.datasets() {
        if !memory[id.index()] {
            continue;
        }
        let Some(p) = d.producer() else { continue };
        let home = part.find(unit_of[p.index()]);
        let consumers: Vec<_> = d
            .consumers()
            .iter()
            .filter(|c| part.find(unit_of[c.index()]) != home)
            .map(|c| graph.node(*c).name.clone())
            .collect();
        if !consumers.is_empty() {
            out.push(Crossing {
                dataset: produced_name(graph, p, id),
                producer: graph.node(p).name.clone(),
                consumers,
                reason: None,
            });
        }
    }
    out
}

/// The name under which node `p` writes dataset `id`.
pub(super) fn produced_name(
    graph: &PipelineGraph<'_>,
    p: NodeIndex,
    id: DatasetId,
) -> kedro_graph::DatasetName {
    let base = graph.dataset(id).name();
    graph
        .node(p)
        .outputs
        .iter()
        .find(|o| o.base() == base)
        .cloned()
        .unwrap_or_else(|| graph.dataset(id).variants()[0].clone())
}
