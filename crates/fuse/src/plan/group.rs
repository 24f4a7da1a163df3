//! The grouping strategies: which units share a task.
//!
//! Every strategy merges whole units (a fused group is never split), only units of the same
//! machine type and template, and only where the task graph stays acyclic ([`Quotient`]).

use std::collections::{BTreeSet, HashMap};

use kedro_graph::PipelineGraph;

use super::acyclic::Quotient;
use super::build::{Partition, Unit};
use super::graph::crossings;
use super::{Crossing, GROUP_TAG_PREFIX, GroupBy, Merge, Origin, SplitReason};
use crate::config::{MachineTypeName, TemplateName};
use crate::error::PlanError;

/// A split before its tasks are named: the parts, each by one of its units.
pub(super) struct RawSplit {
    pub(super) group: String,
    pub(super) reason: SplitReason,
    pub(super) parts: Vec<usize>,
}

/// The result of a strategy: the partition of the units, and what it reports.
pub(super) struct Grouped {
    pub(super) part: Partition,
    /// Per unit: the key it was grouped by (namespace or tag group), if any.
    pub(super) keys: Vec<Option<String>>,
    pub(super) splits: Vec<RawSplit>,
    pub(super) merges: Vec<Merge>,
    /// Memory datasets that still cross tasks ([`GroupBy::Memory`] says why for each).
    pub(super) crossings: Vec<Crossing>,
}

/// What the strategies read.
pub(super) struct Input<'g, 'p> {
    pub(super) graph: &'g PipelineGraph<'p>,
    pub(super) units: &'g [Unit],
    /// Per node: its unit.
    pub(super) unit_of: &'g [usize],
    /// The units in a topological order.
    pub(super) topo: &'g [usize],
    /// Per dataset: whether it would be a `MemoryDataset`.
    pub(super) memory: &'g [bool],
}

/// Groups the units by `strategy`.
pub(super) fn group(input: &Input<'_, '_>, strategy: GroupBy) -> Result<Grouped, PlanError> {
    let n = input.units.len();
    let edges = unit_edges(input);
    let mut q = Quotient::new(n, edges.iter().copied(), input.topo);
    let mut out = Grouped {
        part: Partition::new(0),
        keys: vec![None; n],
        splits: Vec::new(),
        merges: Vec::new(),
        crossings: Vec::new(),
    };
    match strategy {
        GroupBy::None => {}
        GroupBy::Namespace => {
            out.keys = namespace_keys(input);
            by_key(input, &mut q, &out.keys, "namespace", &mut out.splits);
        }
        GroupBy::Tags => {
            out.keys = tag_keys(input)?;
            by_key(input, &mut q, &out.keys, "tag group", &mut out.splits);
        }
        GroupBy::Chains => chains(input, &mut q, &edges, &mut out.splits),
        GroupBy::Memory => {
            let found = crossings(
                input.graph,
                input.memory,
                input.unit_of,
                &mut Partition::new(n),
            );
            out.crossings = by_memory(input, &mut q, found, &mut out.merges);
        }
    }
    out.part = q.into_partition();
    Ok(out)
}

/// The unit graph's edges, without repeats.
fn unit_edges(input: &Input<'_, '_>) -> Vec<(usize, usize)> {
    let mut edges: Vec<(usize, usize)> = input
        .graph
        .edges()
        .map(|(a, b, _)| (input.unit_of[a.index()], input.unit_of[b.index()]))
        .filter(|(a, b)| a != b)
        .collect();
    edges.sort_unstable();
    edges.dedup();
    edges
}

/// Per unit: the top-level namespace all its nodes share (Kedro's `group_nodes_by`).
fn namespace_keys(input: &Input<'_, '_>) -> Vec<Option<String>> {
    let mut keys: Vec<Option<Option<&str>>> = vec![None; input.units.len()];
    for (i, node) in input.graph.nodes() {
        let top = node
            .namespace
            .as_ref()
            .and_then(|ns| ns.as_str().split('.').next());
        let slot = &mut keys[input.unit_of[i.index()]];
        *slot = match *slot {
            None => Some(top),
            Some(seen) if seen == top => Some(seen),
            Some(_) => Some(None), // members disagree: no key
        };
    }
    keys.into_iter()
        .map(|k| k.flatten().map(str::to_owned))
        .collect()
}

/// Per unit: the `<name>` of the `group.<name>` tag of its nodes.
fn tag_keys(input: &Input<'_, '_>) -> Result<Vec<Option<String>>, PlanError> {
    let mut per_unit: Vec<BTreeSet<&str>> = vec![BTreeSet::new(); input.units.len()];
    for (i, node) in input.graph.nodes() {
        let names: Vec<&str> = node
            .tags
            .iter()
            .filter_map(|t| t.strip_prefix(GROUP_TAG_PREFIX))
            .filter(|name| !name.is_empty())
            .collect();
        if names.len() > 1 {
            return Err(PlanError::GroupTags {
                node: node.name.clone(),
                tags: names
                    .iter()
                    .map(|n| format!("{GROUP_TAG_PREFIX}{n}"))
                    .collect(),
            });
        }
        per_unit[input.unit_of[i.index()]].extend(names);
    }
    per_unit
        .into_iter()
        .enumerate()
        .map(|(u, names)| {
            if names.len() < 2 {
                return Ok(names.first().map(|n| (*n).to_owned()));
            }
            let tags = names
                .iter()
                .map(|n| format!("{GROUP_TAG_PREFIX}{n}"))
                .collect();
            // A lone node has one group tag at most (checked above): this is a fused group.
            Err(match &input.units[u].origin {
                Origin::Group(group) => PlanError::GroupTagsConflict {
                    group: group.clone(),
                    tags,
                },
                Origin::Node(node) => PlanError::GroupTags {
                    node: node.clone(),
                    tags,
                },
            })
        })
        .collect()
}

/// Merges the units of each key, in topological order, into as few tasks as the machine types,
/// templates and acyclicity allow.
fn by_key(
    input: &Input<'_, '_>,
    q: &mut Quotient,
    keys: &[Option<String>],
    what: &str,
    splits: &mut Vec<RawSplit>,
) {
    // Per (key, machine type, template): its parts (by a unit), oldest first, and a part that a
    // failed merge went through.
    type Sub<'a> = (&'a str, &'a MachineTypeName, &'a TemplateName);
    let mut parts: HashMap<Sub<'_>, (Vec<usize>, Option<usize>)> = HashMap::new();
    // Per key: its (machine type, template) pairs, in order of first appearance.
    let mut subs: Vec<(&str, Vec<Sub<'_>>)> = Vec::new();
    for &u in input.topo {
        let Some(key) = keys[u].as_deref() else {
            continue;
        };
        let unit = &input.units[u];
        let sub = (key, &unit.machine_type, &unit.template);
        match subs.iter_mut().find(|(k, _)| *k == key) {
            Some((_, list)) if !list.contains(&sub) => list.push(sub),
            Some(_) => {}
            None => subs.push((key, vec![sub])),
        }
        let (list, through) = parts.entry(sub).or_default();
        let mut joined = false;
        for &p in list.iter().rev() {
            match q.try_merge(p, u) {
                Ok(()) => {
                    joined = true;
                    break;
                }
                Err(via) => {
                    through.get_or_insert(via);
                }
            }
        }
        if !joined {
            list.push(u);
        }
    }
    for (key, list) in subs {
        let all: Vec<usize> = list.iter().flat_map(|s| parts[s].0.clone()).collect();
        let group = format!("{what} `{key}`");
        let reason = SplitReason::settings(
            list.iter().map(|s| s.1.clone()),
            list.iter().map(|s| s.2.clone()),
        );
        if let Some(reason) = reason {
            splits.push(RawSplit {
                group: group.clone(),
                reason,
                parts: all,
            });
        }
        for sub in &list {
            let (sub_parts, through) = &parts[sub];
            if let (Some(via), true) = (through, sub_parts.len() > 1) {
                splits.push(RawSplit {
                    group: group.clone(),
                    reason: SplitReason::Cycle {
                        through: input.units[*via].origin.clone(),
                    },
                    parts: sub_parts.clone(),
                });
            }
        }
    }
}

/// Merges each unit with its only successor when that successor has it as only predecessor.
fn chains(
    input: &Input<'_, '_>,
    q: &mut Quotient,
    edges: &[(usize, usize)],
    splits: &mut Vec<RawSplit>,
) {
    let n = input.units.len();
    let mut out_degree = vec![0usize; n];
    let mut in_degree = vec![0usize; n];
    let mut only_succ = vec![usize::MAX; n];
    for &(a, b) in edges {
        out_degree[a] += 1;
        in_degree[b] += 1;
        only_succ[a] = b;
    }
    for &a in input.topo {
        if out_degree[a] != 1 || in_degree[only_succ[a]] != 1 {
            continue;
        }
        let b = only_succ[a];
        let (ua, ub) = (&input.units[a], &input.units[b]);
        let group = format!("chain {} -> {}", ua.origin, ub.origin);
        let settings = SplitReason::settings(
            [ua.machine_type.clone(), ub.machine_type.clone()],
            [ua.template.clone(), ub.template.clone()],
        );
        let reason = match settings {
            Some(reason) => reason,
            None => match q.try_merge(a, b) {
                Ok(()) => continue,
                // A chain link has no other path between its ends; kept for safety.
                Err(via) => SplitReason::Cycle {
                    through: input.units[via].origin.clone(),
                },
            },
        };
        splits.push(RawSplit {
            group,
            reason,
            parts: vec![a, b],
        });
    }
}

/// Merges the writer's and each reader's task of every crossing memory dataset where machine
/// type and template agree and the task graph stays acyclic; returns what still crosses.
fn by_memory(
    input: &Input<'_, '_>,
    q: &mut Quotient,
    found: Vec<Crossing>,
    merges: &mut Vec<Merge>,
) -> Vec<Crossing> {
    let graph = input.graph;
    let mut left = Vec::new();
    for mut crossing in found {
        let Some(p) = graph.node_index(crossing.producer.as_str()) else {
            continue;
        };
        let writer = input.unit_of[p.index()];
        let mut failed = Vec::new();
        let mut reasons: Vec<String> = Vec::new();
        for c in &crossing.consumers {
            let Some(ci) = graph.node_index(c.as_str()) else {
                continue;
            };
            let reader = input.unit_of[ci.index()];
            let (a, b) = (q.find(writer), q.find(reader));
            if a == b {
                continue;
            }
            let (ua, ub) = (&input.units[a], &input.units[b]);
            if ua.machine_type != ub.machine_type || ua.template != ub.template {
                failed.push(c.clone());
                reasons.push(format!(
                    "`{c}` runs on machine type `{}` with template `{}`, `{}` on `{}` with `{}`",
                    ub.machine_type, ub.template, crossing.producer, ua.machine_type, ua.template
                ));
                continue;
            }
            match q.try_merge(a, b) {
                Ok(()) => merges.push(Merge {
                    dataset: crossing.dataset.clone(),
                    writer: input.units[writer].origin.clone(),
                    reader: input.units[reader].origin.clone(),
                }),
                Err(via) => {
                    failed.push(c.clone());
                    reasons.push(format!(
                        "merging would make a cycle through {}",
                        input.units[via].origin
                    ));
                }
            }
        }
        if !failed.is_empty() {
            crossing.consumers = failed;
            crossing.reason = Some(reasons.join("; "));
            left.push(crossing);
        }
    }
    left
}
