//! The planning algorithm: units (groups and lone nodes), checks, then assembly.

use std::collections::BTreeSet;

use kedro_graph::{PipelineGraph, Project};

use super::assemble::{Assembly, assemble};
use super::graph::{crossings, order_tasks, task_graph};
use super::select::{check_memory_inputs, extend_selection, read_elsewhere};
use super::{GroupBy, Origin, Partial, Plan, PlanOptions, group};
use crate::config::{Config, MachineTypeName, TemplateName};
use crate::error::PlanError;
use crate::suggest;

/// A group, or a node outside any group: what a task is made of before any merge.
pub(super) struct Unit {
    pub(super) origin: Origin,
    pub(super) machine_type: MachineTypeName,
    pub(super) template: TemplateName,
}

/// Union-find over units, with the smallest unit index as representative (deterministic).
pub(super) struct Partition {
    parent: Vec<usize>,
}

impl Partition {
    pub(super) fn new(n: usize) -> Self {
        Self {
            parent: (0..n).collect(),
        }
    }

    pub(super) fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    pub(super) fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        let (lo, hi) = if a < b { (a, b) } else { (b, a) };
        self.parent[hi] = lo;
    }
}

/// Plans `options.pipeline` of `project` under `config`.
///
/// ```
/// use argo_fuse::{Config, plan::{PlanOptions, plan}};
///
/// let project = kedro_graph::Project::from_json(r#"{
///   "format": "argo-kedro-ir", "version": 1,
///   "project": {"name": "Demo", "package_name": "demo", "kedro_version": "1.0.0",
///               "argo_kedro_version": "0.1.0", "env": "cloud"},
///   "pipelines": [{"name": "__default__", "groups": [], "nodes": [
///     {"name": "a", "namespace": null, "func": "m.a", "inputs": ["raw"], "outputs": ["x"],
///      "tags": [], "machine_type": null, "template": null, "group": null},
///     {"name": "b", "namespace": null, "func": "m.b", "inputs": ["x"], "outputs": ["y"],
///      "tags": [], "machine_type": null, "template": null, "group": null}]}],
///   "datasets": [
///     {"name": "raw", "kind": "dataset", "declared": true, "type": "pandas.CSVDataset", "pattern": null, "memory": false},
///     {"name": "x", "kind": "dataset", "declared": true, "type": "pandas.CSVDataset", "pattern": null, "memory": false},
///     {"name": "y", "kind": "dataset", "declared": true, "type": "pandas.CSVDataset", "pattern": null, "memory": false}],
///   "parameters": [], "config": null
/// }"#)?;
/// let config = Config::from_yaml_str(
///     "namespace: ns\ndeployment: {image: img}\nmachine_types: {default: {mem: 1, cpu: 1, num_gpu: 0}}\n\
///      default_machine_type: default\n",
/// )?;
/// let plan = plan(&project, &config, &PlanOptions::default())?;
/// assert_eq!(plan.tasks.len(), 2);
/// assert_eq!(plan.tasks[1].depends, [plan.tasks[0].name.clone()]);
/// assert_eq!(plan.summary(), "2 nodes in 2 tasks (grouping `none`)");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn plan(project: &Project, config: &Config, options: &PlanOptions) -> Result<Plan, PlanError> {
    let full = project
        .pipeline(&options.pipeline)
        .map_err(|source| PlanError::Pipeline { source })?;
    let (extension, partial) = match &options.selection {
        None => (None, None),
        Some(selection) => {
            let extension = extend_selection(full, selection)?;
            check_memory_inputs(project, full, &extension.pipeline)?;
            let partial = Partial {
                filter: selection.filter.clone(),
                selected: extension.selected,
                of: full.nodes.len(),
                completed: extension.completed.clone(),
            };
            (Some(extension), Some(partial))
        }
    };
    let pipeline = extension.as_ref().map_or(full, |e| &e.pipeline);
    let graph = pipeline
        .graph()
        .map_err(|source| PlanError::Graph { source })?;
    check_retry_overrides(project, config)?;
    let mut warnings = Vec::new();
    let (units, unit_of) = units(&graph, config, &mut warnings)?;
    let rank = topo_rank(&graph);

    // The groups as declared must leave the task graph acyclic.
    let tasks = task_graph(&graph, &unit_of, &mut Partition::new(units.len()));
    let unit_order = order_tasks(&graph, &tasks, &units, &unit_of, &rank)?;

    // The strategy, then no memory dataset may cross tasks.
    let memory = memory_flags(project, &graph);
    let strategy = options.group_by.unwrap_or(config.grouping);
    let input = group::Input {
        graph: &graph,
        units: &units,
        unit_of: &unit_of,
        topo: &unit_order,
        memory: &memory,
    };
    let mut grouped = group::group(&input, strategy)?;
    let left = if strategy == GroupBy::Memory {
        std::mem::take(&mut grouped.crossings)
    } else {
        crossings(&graph, &memory, &unit_of, &mut grouped.part)
    };
    if !left.is_empty() {
        return Err(PlanError::MemoryCrossing {
            env: project.info().env.clone(),
            crossings: left,
        });
    }

    // Without merges the partition is still the one the first graph and order were made from.
    let merged = (0..units.len()).any(|u| grouped.part.find(u) != u);
    let (tasks, order) = if merged {
        let tasks = task_graph(&graph, &unit_of, &mut grouped.part);
        let reps: Vec<usize> = unit_of.iter().map(|&u| grouped.part.find(u)).collect();
        let order = order_tasks(&graph, &tasks, &units, &reps, &rank)?;
        (tasks, order)
    } else {
        (tasks, unit_order)
    };
    let mut plan = assemble(
        project,
        config,
        &graph,
        Assembly {
            units: &units,
            unit_of: &unit_of,
            edges: &tasks,
            order: &order,
            keys: &grouped.keys,
            splits: grouped.splits,
            read_elsewhere: &read_elsewhere(&graph, full),
        },
        &mut grouped.part,
        warnings,
    );
    plan.grouping = strategy;
    plan.ungrouped_tasks = units.len();
    plan.merges = grouped.merges;
    plan.partial = partial;
    Ok(plan)
}

/// The units and, per node, its unit.
fn units(
    graph: &PipelineGraph<'_>,
    config: &Config,
    warnings: &mut Vec<String>,
) -> Result<(Vec<Unit>, Vec<usize>), PlanError> {
    let default_machine = &config.default_machine_type;
    let default_template = &config.template.default_template;
    let mut units = Vec::with_capacity(graph.node_count());
    let mut unit_of = vec![usize::MAX; graph.node_count()];
    for (_, g) in graph.groups() {
        if g.members().is_empty() {
            continue;
        }
        let group = g.group();
        let origin = Origin::Group(group.name.clone());
        let machine_type = resolve_machine(
            config,
            group
                .machine_type
                .as_ref()
                .map(kedro_graph::MachineTypeName::as_str),
            default_machine,
            &origin,
        )?;
        let template = resolve_template(
            config,
            group
                .template
                .as_ref()
                .map(kedro_graph::TemplateName::as_str),
            default_template,
            &origin,
        )?;
        for &m in g.members() {
            let node = graph.node(m);
            if let Some(mt) = &node.machine_type
                && mt.as_str() != machine_type.as_str()
            {
                warnings.push(format!(
                    "node `{}` asks for machine type `{mt}` but runs in group `{}` with `{machine_type}`",
                    node.name, group.name
                ));
            }
            if let Some(t) = &node.template
                && t.as_str() != template.as_str()
            {
                warnings.push(format!(
                    "node `{}` asks for template `{t}` but runs in group `{}` with `{template}`",
                    node.name, group.name
                ));
            }
            unit_of[m.index()] = units.len();
        }
        units.push(Unit {
            origin,
            machine_type,
            template,
        });
    }
    for (i, node) in graph.nodes() {
        if unit_of[i.index()] != usize::MAX {
            continue;
        }
        let origin = Origin::Node(node.name.clone());
        let machine_type = resolve_machine(
            config,
            node.machine_type
                .as_ref()
                .map(kedro_graph::MachineTypeName::as_str),
            default_machine,
            &origin,
        )?;
        let template = resolve_template(
            config,
            node.template
                .as_ref()
                .map(kedro_graph::TemplateName::as_str),
            default_template,
            &origin,
        )?;
        unit_of[i.index()] = units.len();
        units.push(Unit {
            origin,
            machine_type,
            template,
        });
    }
    Ok((units, unit_of))
}

fn resolve_machine(
    config: &Config,
    asked: Option<&str>,
    default: &MachineTypeName,
    origin: &Origin,
) -> Result<MachineTypeName, PlanError> {
    let Some(name) = asked else {
        return Ok(default.clone());
    };
    match config.machine_types.get_key_value(name) {
        Some((key, _)) => Ok(key.clone()),
        None => Err(PlanError::UnknownMachineType {
            owner: origin.clone(),
            name: name.to_owned(),
            nearest: suggest::nearest(
                name,
                config.machine_types.keys().map(MachineTypeName::as_str),
                3,
            ),
        }),
    }
}

fn resolve_template(
    config: &Config,
    asked: Option<&str>,
    default: &TemplateName,
    origin: &Origin,
) -> Result<TemplateName, PlanError> {
    let Some(name) = asked else {
        return Ok(default.clone());
    };
    if config.has_template(name) {
        TemplateName::new(name).map_err(|_| PlanError::UnknownTemplate {
            owner: origin.clone(),
            name: name.to_owned(),
            nearest: Vec::new(),
        })
    } else {
        Err(PlanError::UnknownTemplate {
            owner: origin.clone(),
            name: name.to_owned(),
            nearest: suggest::nearest(name, config.template_names(), 3),
        })
    }
}

/// Every key of `retry_overrides` must name a node or group of some pipeline of the project.
fn check_retry_overrides(project: &Project, config: &Config) -> Result<(), PlanError> {
    if config.retry_overrides.is_empty() {
        return Ok(());
    }
    let mut known: BTreeSet<&str> = BTreeSet::new();
    for p in project.pipelines() {
        known.extend(p.nodes.iter().map(|n| n.name.as_str()));
        known.extend(p.groups.iter().map(|g| g.name.as_str()));
    }
    for name in config.retry_overrides.keys() {
        if !known.contains(name.as_str()) {
            return Err(PlanError::UnknownRetryOverride {
                name: name.clone(),
                nearest: suggest::nearest(name, known.iter().copied(), 3),
            });
        }
    }
    Ok(())
}

/// Per node: its position in the graph's topological order.
fn topo_rank(graph: &PipelineGraph<'_>) -> Vec<usize> {
    let mut rank = vec![0; graph.node_count()];
    for (pos, i) in graph.topo_order().iter().enumerate() {
        rank[i.index()] = pos;
    }
    rank
}

/// Whether each dataset would be a `MemoryDataset` in the env (any of its names is one).
fn memory_flags(project: &Project, graph: &PipelineGraph<'_>) -> Vec<bool> {
    graph
        .datasets()
        .map(|(_, d)| !d.is_parameter() && project.dataset_variants(d.name()).any(|f| f.memory))
        .collect()
}
