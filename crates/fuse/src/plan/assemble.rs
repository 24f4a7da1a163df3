//! Assembling the [`Plan`] from the final partition: names, memory datasets, edges, splits.

use kedro_graph::{DatasetName, PipelineGraph, Project};

use super::build::{Partition, Unit};
use super::graph::{TaskGraph, produced_name};
use super::group::RawSplit;
use super::{GroupBy, InitTask, Origin, Plan, Resources, Split, Task, TaskEdge};
use crate::config::{Config, RetryStrategy, TemplateName};
use crate::names::{self, ArgoName, Item};

/// The final partition and what the plan is made from.
pub(super) struct Assembly<'a> {
    pub(super) units: &'a [Unit],
    /// Per node: its unit.
    pub(super) unit_of: &'a [usize],
    /// The task graph over the partition's representatives.
    pub(super) edges: &'a TaskGraph,
    /// The representatives in task order.
    pub(super) order: &'a [usize],
    /// Per unit: the strategy's key.
    pub(super) keys: &'a [Option<String>],
    /// The strategy's splits.
    pub(super) splits: Vec<RawSplit>,
    /// Per dataset: whether a node the plan leaves out (a partial run) reads it, so that it
    /// must be persisted.
    pub(super) read_elsewhere: &'a [bool],
}

pub(super) fn assemble(
    project: &Project,
    config: &Config,
    graph: &PipelineGraph<'_>,
    a: Assembly<'_>,
    part: &mut Partition,
    warnings: Vec<String>,
) -> Plan {
    let Assembly {
        units,
        unit_of,
        edges,
        order,
        keys,
        splits,
        read_elsewhere,
    } = a;
    // Per unit: its task's position (`NONE` for none), computed once, so that the per-node and
    // per-dataset loops below are plain array reads (no hashing, no union-find walks).
    let task_of_unit = task_positions(units.len(), part, order);
    let mut unit_lists: Vec<Vec<usize>> = vec![Vec::new(); order.len()];
    for (u, &t) in task_of_unit.iter().enumerate() {
        if t != NONE {
            unit_lists[t].push(u);
        }
    }
    let mut sizes = vec![0usize; order.len()];
    for &u in unit_of {
        sizes[task_of_unit[u]] += 1;
    }
    let mut nodes: Vec<Vec<kedro_graph::NodeName>> =
        sizes.iter().map(|&n| Vec::with_capacity(n)).collect();
    for i in graph.topo_order() {
        nodes[task_of_unit[unit_of[i.index()]]].push(graph.node(*i).name.clone());
    }
    let task_keys = task_keys(&unit_lists, keys);
    let all_names = allocate_names(config, units, &unit_lists, &task_keys);
    let (task_names, init_names) = all_names.split_at(order.len());
    let mut mem = memory_datasets(
        config,
        graph,
        (unit_of, &task_of_unit),
        read_elsewhere,
        order.len(),
    );

    // Edges by task position; `edges` has one entry per (from, to) pair, so sorting by the pair
    // alone gives the same order as sorting whole tuples.
    let mut edge_list: Vec<(usize, usize, Vec<&str>)> = edges
        .iter()
        .map(|(a, b, ds)| {
            let mut names: Vec<&str> = ds.iter().map(|d| graph.dataset(*d).name()).collect();
            names.sort_unstable();
            (task_of_unit[a], task_of_unit[b], names)
        })
        .collect();
    edge_list.sort_unstable_by_key(|(a, b, _)| (*a, *b));
    let mut depends: Vec<Vec<usize>> = vec![Vec::new(); order.len()];
    for (a, b, _) in &edge_list {
        depends[*b].push(*a);
    }

    let tasks = (0..order.len())
        .map(|t| {
            let first = &units[unit_lists[t][0]];
            let origins: Vec<Origin> = unit_lists[t]
                .iter()
                .map(|&u| units[u].origin.clone())
                .collect();
            let machine = &config.machine_types[first.machine_type.as_str()];
            Task {
                name: task_names[t].clone(),
                retry: retry_for(config, &origins, &nodes[t]),
                origins,
                key: task_keys[t].clone(),
                nodes: std::mem::take(&mut nodes[t]),
                machine_type: first.machine_type.clone(),
                template: first.template.clone(),
                resources: Resources {
                    mem_gib: machine.mem,
                    cpu: machine.cpu,
                    gpu: machine.num_gpu,
                    ephemeral_gib: machine.emph_storage,
                },
                memory_datasets: std::mem::take(&mut mem[t]),
                depends: depends[t].iter().map(|&d| task_names[d].clone()).collect(),
                on_oom: super::Rung::above(config, &first.machine_type),
            }
        })
        .collect();
    Plan {
        project: project.info().package_name.clone(),
        pipeline: graph.name().clone(),
        env: project.info().env.clone(),
        kedro_version: project.info().kedro_version.clone(),
        init_tasks: init_tasks(config, init_names),
        tasks,
        edges: edge_list
            .into_iter()
            .map(|(a, b, datasets)| TaskEdge {
                from: task_names[a].clone(),
                to: task_names[b].clone(),
                datasets: datasets.into_iter().map(str::to_owned).collect(),
            })
            .collect(),
        grouping: GroupBy::None,
        ungrouped_tasks: order.len(),
        splits: name_splits(splits, &task_of_unit, task_names),
        merges: Vec::new(),
        partial: None,
        warnings,
    }
}

/// Per task: the strategy's key, when the task holds more than one unit.
fn task_keys(unit_lists: &[Vec<usize>], keys: &[Option<String>]) -> Vec<Option<String>> {
    unit_lists
        .iter()
        .map(|us| {
            if us.len() > 1 {
                keys[us[0]].clone()
            } else {
                None
            }
        })
        .collect()
}

/// The init-template tasks, named `init_names`.
fn init_tasks(config: &Config, init_names: &[ArgoName]) -> Vec<InitTask> {
    config
        .template
        .init_templates
        .iter()
        .zip(init_names)
        .map(|(t, name)| InitTask {
            name: name.clone(),
            template: t.clone(),
            outputs: config
                .template
                .custom(t.as_str())
                .map(|c| {
                    c.outputs
                        .parameters
                        .iter()
                        .map(|p| p.name.clone())
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect()
}

/// The splits with the names of the tasks their parts became (in task order).
fn name_splits(
    splits: Vec<RawSplit>,
    task_of_unit: &[usize],
    task_names: &[ArgoName],
) -> Vec<Split> {
    splits
        .into_iter()
        .map(|raw| {
            let mut positions: Vec<usize> = raw.parts.iter().map(|&u| task_of_unit[u]).collect();
            positions.sort_unstable();
            positions.dedup();
            Split {
                group: raw.group,
                reason: raw.reason,
                tasks: positions.iter().map(|&t| task_names[t].clone()).collect(),
            }
        })
        .collect()
}

/// A group's override, else the first of its nodes' overrides, else the default.
fn retry_for(
    config: &Config,
    origins: &[Origin],
    nodes: &[kedro_graph::NodeName],
) -> Option<RetryStrategy> {
    let o = &config.retry_overrides;
    origins
        .iter()
        .filter_map(|g| match g {
            Origin::Group(g) => o.get(g.as_str()),
            Origin::Node(_) => None,
        })
        .chain(nodes.iter().filter_map(|n| o.get(n.as_str())))
        .next()
        .or(config.retry_strategy.as_ref())
        .cloned()
}

/// Task names for the classes (`unit_lists`) then the init tasks, allocated together so that
/// none collide. A task of one unit is named after it; a task of several after the strategy's
/// key (`key-1`, `key-2`, ... when the key became several such tasks), else after its first unit.
fn allocate_names(
    config: &Config,
    units: &[Unit],
    unit_lists: &[Vec<usize>],
    task_keys: &[Option<String>],
) -> Vec<ArgoName> {
    let keys: Vec<String> = unit_lists
        .iter()
        .map(|us| {
            let mut key = String::new();
            for (i, &u) in us.iter().enumerate() {
                if i > 0 {
                    key.push(',');
                }
                let (kind, name) = match &units[u].origin {
                    Origin::Node(n) => ("node:", n.as_str()),
                    Origin::Group(g) => ("group:", g.as_str()),
                };
                key.push_str(kind);
                key.push_str(name);
            }
            key
        })
        .chain(
            config
                .template
                .init_templates
                .iter()
                .map(|t| format!("init:{t}")),
        )
        .collect();
    let mut per_key: std::collections::HashMap<&str, (usize, usize)> =
        std::collections::HashMap::new();
    for k in task_keys.iter().flatten() {
        per_key.entry(k).or_default().1 += 1;
    }
    let raws: Vec<String> = unit_lists
        .iter()
        .zip(task_keys)
        .map(|(us, key)| match key {
            Some(k) => {
                let (seen, total) = per_key.entry(k).or_default();
                *seen += 1;
                if *total > 1 {
                    format!("{k}-{seen}")
                } else {
                    k.clone()
                }
            }
            None => units[us[0]].origin.name().to_owned(),
        })
        .chain(
            config
                .template
                .init_templates
                .iter()
                .map(|t| TemplateName::as_str(t).to_owned()),
        )
        .collect();
    let items: Vec<Item<'_>> = raws
        .iter()
        .zip(&keys)
        .map(|(r, k)| Item::new(r, k))
        .collect();
    names::allocate(&items, "task", &[])
}

/// Per task position: the datasets it keeps in memory (sorted), when `use_memory_datasets` is
/// on: written and read only inside the task (and by no node a partial run leaves out), read at
/// least once, under one name.
fn memory_datasets(
    config: &Config,
    graph: &PipelineGraph<'_>,
    (unit_of, task_of_unit): (&[usize], &[usize]),
    read_elsewhere: &[bool],
    task_count: usize,
) -> Vec<Vec<DatasetName>> {
    let mut mem: Vec<Vec<DatasetName>> = vec![Vec::new(); task_count];
    if !config.runner.use_memory_datasets {
        return mem;
    }
    let task_of = |n: kedro_graph::NodeIndex| task_of_unit[unit_of[n.index()]];
    for (id, d) in graph.datasets() {
        if d.is_parameter()
            || d.variants().len() != 1
            || d.consumers().is_empty()
            || read_elsewhere[id.index()]
        {
            continue;
        }
        let Some(p) = d.producer() else { continue };
        let home = task_of(p);
        if d.consumers().iter().all(|&c| task_of(c) == home) {
            mem[home].push(produced_name(graph, p, id));
        }
    }
    for m in &mut mem {
        m.sort_unstable();
    }
    mem
}

/// No task (a unit merged into another class never represents one).
const NONE: usize = usize::MAX;

/// Per unit: the position in `order` of the task its class forms.
fn task_positions(unit_count: usize, part: &mut Partition, order: &[usize]) -> Vec<usize> {
    let mut pos_of_rep = vec![NONE; unit_count];
    for (t, &r) in order.iter().enumerate() {
        pos_of_rep[r] = t;
    }
    (0..unit_count).map(|u| pos_of_rep[part.find(u)]).collect()
}
