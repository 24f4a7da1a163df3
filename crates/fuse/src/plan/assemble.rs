//! Assembling the [`Plan`] from the final partition: names, memory datasets, edges.

use std::collections::HashMap;

use kedro_graph::{DatasetName, PipelineGraph, Project};

use super::build::{Partition, Unit};
use super::graph::{TaskGraph, produced_name};
use super::{InitTask, Merge, Origin, Plan, Resources, Task, TaskEdge};
use crate::config::{Config, RetryStrategy, TemplateName};
use crate::names::{self, ArgoName, Item};

#[allow(clippy::too_many_arguments)]
pub(super) fn assemble(
    project: &Project,
    config: &Config,
    graph: &PipelineGraph<'_>,
    units: &[Unit],
    unit_of: &[usize],
    part: &mut Partition,
    edges: &TaskGraph,
    order: &[usize],
    merges: Vec<Merge>,
    warnings: Vec<String>,
) -> Plan {
    let pos: HashMap<usize, usize> = order.iter().enumerate().map(|(i, r)| (*r, i)).collect();
    let mut nodes: Vec<Vec<kedro_graph::NodeName>> = vec![Vec::new(); order.len()];
    for i in graph.topo_order() {
        let t = pos[&part.find(unit_of[i.index()])];
        nodes[t].push(graph.node(*i).name.clone());
    }
    let mut unit_lists: Vec<Vec<usize>> = vec![Vec::new(); order.len()];
    for u in 0..units.len() {
        let r = part.find(u);
        if let Some(&t) = pos.get(&r) {
            unit_lists[t].push(u);
        }
    }
    let all_names = allocate_names(config, units, &unit_lists);
    let (task_names, init_names) = all_names.split_at(order.len());
    let mut mem = memory_datasets(config, graph, unit_of, part, &pos);

    let mut edge_list: Vec<(usize, usize, Vec<String>)> = edges
        .iter()
        .map(|(a, b, ds)| {
            let mut names: Vec<String> = ds
                .iter()
                .map(|d| graph.dataset(*d).name().to_owned())
                .collect();
            names.sort();
            (pos[&a], pos[&b], names)
        })
        .collect();
    edge_list.sort();
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
            }
        })
        .collect();
    let init_tasks = config
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
        .collect();
    Plan {
        project: project.info().package_name.clone(),
        pipeline: graph.name().clone(),
        env: project.info().env.clone(),
        init_tasks,
        tasks,
        edges: edge_list
            .into_iter()
            .map(|(a, b, datasets)| TaskEdge {
                from: task_names[a].clone(),
                to: task_names[b].clone(),
                datasets,
            })
            .collect(),
        merges,
        warnings,
    }
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
/// none collide.
fn allocate_names(config: &Config, units: &[Unit], unit_lists: &[Vec<usize>]) -> Vec<ArgoName> {
    let keys: Vec<String> = unit_lists
        .iter()
        .map(|us| {
            us.iter()
                .map(|&u| match &units[u].origin {
                    Origin::Node(n) => format!("node:{n}"),
                    Origin::Group(g) => format!("group:{g}"),
                })
                .collect::<Vec<_>>()
                .join(",")
        })
        .chain(
            config
                .template
                .init_templates
                .iter()
                .map(|t| format!("init:{t}")),
        )
        .collect();
    let raws: Vec<&str> = unit_lists
        .iter()
        .map(|us| units[us[0]].origin.name())
        .chain(
            config
                .template
                .init_templates
                .iter()
                .map(TemplateName::as_str),
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
/// on: written and read only inside the task, read at least once, under one name.
fn memory_datasets(
    config: &Config,
    graph: &PipelineGraph<'_>,
    unit_of: &[usize],
    part: &mut Partition,
    pos: &HashMap<usize, usize>,
) -> Vec<Vec<DatasetName>> {
    let mut mem: Vec<Vec<DatasetName>> = vec![Vec::new(); pos.len()];
    if !config.runner.use_memory_datasets {
        return mem;
    }
    for (id, d) in graph.datasets() {
        if d.is_parameter() || d.variants().len() != 1 || d.consumers().is_empty() {
            continue;
        }
        let Some(p) = d.producer() else { continue };
        let home = part.find(unit_of[p.index()]);
        if d.consumers()
            .iter()
            .all(|c| part.find(unit_of[c.index()]) == home)
        {
            mem[pos[&home]].push(produced_name(graph, p, id));
        }
    }
    for m in &mut mem {
        m.sort();
    }
    mem
}
