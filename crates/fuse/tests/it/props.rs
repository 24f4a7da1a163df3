//! Properties of plan and lowering over random layered DAGs with random (non-convex) groups,
//! namespaces, group tags, machine types and templates, for every grouping strategy and for
//! partial runs.

use std::collections::{BTreeSet, HashMap, HashSet};

use argo_fuse::plan::{GroupBy, Plan, PlanOptions, plan};
use argo_fuse::{LowerOptions, PlanError, lower, names};
use argo_model::Document;
use kedro_graph::strategies::{DagParams, project};
use kedro_graph::{Pipeline, PipelineGraph, Project};
use proptest::prelude::*;

use crate::config;

/// Per node name: the index of its task.
fn task_of(plan: &Plan) -> HashMap<&str, usize> {
    let mut out = HashMap::new();
    for (i, t) in plan.tasks.iter().enumerate() {
        for n in &t.nodes {
            assert!(
                out.insert(n.as_str(), i).is_none(),
                "node `{n}` is in two tasks"
            );
        }
    }
    out
}

fn is_memory(project: &Project, base: &str) -> bool {
    project.dataset_variants(base).any(|f| f.memory)
}

fn check_plan(project: &Project, graph: &PipelineGraph<'_>, plan: &Plan, use_memory: bool) {
    let task = task_of(plan);
    // Every node in exactly one task.
    assert_eq!(task.len(), graph.node_count());
    // Groups are never split.
    for (_, g) in graph.groups() {
        let tasks: BTreeSet<usize> = g
            .members()
            .iter()
            .map(|m| task[graph.node(*m).name.as_str()])
            .collect();
        assert!(tasks.len() <= 1, "group `{}` split over tasks", g.name());
    }
    // Task dependencies are exactly those implied by node dependencies; tasks are in
    // topological order.
    let mut implied: BTreeSet<(usize, usize)> = BTreeSet::new();
    for (a, b, _) in graph.edges() {
        let (ta, tb) = (
            task[graph.node(a).name.as_str()],
            task[graph.node(b).name.as_str()],
        );
        if ta != tb {
            implied.insert((ta, tb));
        }
    }
    let index: HashMap<&str, usize> = plan
        .tasks
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.as_str(), i))
        .collect();
    let mut declared: BTreeSet<(usize, usize)> = BTreeSet::new();
    for (i, t) in plan.tasks.iter().enumerate() {
        for d in &t.depends {
            let j = index[d.as_str()];
            assert!(j < i, "task order is not topological");
            declared.insert((j, i));
        }
    }
    assert_eq!(declared, implied);
    // No memory dataset crosses a task; kept-in-memory datasets stay inside their task.
    for (_, d) in graph.datasets() {
        let Some(p) = d.producer() else { continue };
        let home = task[graph.node(p).name.as_str()];
        let crosses = d
            .consumers()
            .iter()
            .any(|c| task[graph.node(*c).name.as_str()] != home);
        if is_memory(project, d.name()) {
            assert!(!crosses, "memory dataset `{}` crosses tasks", d.name());
        }
    }
    for (i, t) in plan.tasks.iter().enumerate() {
        assert!(use_memory || t.memory_datasets.is_empty());
        for m in &t.memory_datasets {
            let id = graph.dataset_id(m.as_str()).expect("known dataset");
            let d = graph.dataset(id);
            assert_eq!(
                task[graph.node(d.producer().expect("written")).name.as_str()],
                i
            );
            assert!(!d.consumers().is_empty());
            assert!(
                d.consumers()
                    .iter()
                    .all(|c| task[graph.node(*c).name.as_str()] == i)
            );
            assert_eq!(d.variants().len(), 1);
        }
    }
    // Names valid and unique.
    let all: Vec<&str> = plan
        .tasks
        .iter()
        .map(|t| t.name.as_str())
        .chain(plan.init_tasks.iter().map(|t| t.name.as_str()))
        .collect();
    assert!(all.iter().all(|n| names::is_valid(n)));
    assert_eq!(all.iter().collect::<HashSet<_>>().len(), all.len());
}

/// Colour DFS: whether a cycle is reachable from `u`.
fn visit(
    u: &str,
    succ: &HashMap<String, BTreeSet<String>>,
    state: &mut HashMap<String, u8>,
) -> bool {
    state.insert(u.to_owned(), 1);
    for v in succ.get(u).into_iter().flatten() {
        match state.get(v.as_str()) {
            Some(1) => return true,
            Some(_) => {}
            None => {
                if visit(v, succ, state) {
                    return true;
                }
            }
        }
    }
    state.insert(u.to_owned(), 2);
    false
}

/// Whether the groups as declared make the unit graph cyclic (independent oracle: DFS).
fn units_cyclic(graph: &PipelineGraph<'_>) -> bool {
    let unit = |i: kedro_graph::NodeIndex| -> String {
        graph.group_of(i).map_or_else(
            || format!("n:{}", graph.node(i).name),
            |g| format!("g:{}", graph.group(g).name()),
        )
    };
    let mut succ: HashMap<String, BTreeSet<String>> = HashMap::new();
    for (a, b, _) in graph.edges() {
        let (ua, ub) = (unit(a), unit(b));
        if ua != ub {
            succ.entry(ua).or_default().insert(ub);
        }
    }
    let mut state = HashMap::new();
    let keys: Vec<String> = succ.keys().cloned().collect();
    keys.iter()
        .any(|k| !state.contains_key(k.as_str()) && visit(k, &succ, &mut state))
}

/// `project` with no memory datasets.
fn all_catalogued(project: &Project) -> Project {
    let datasets = project
        .datasets()
        .iter()
        .cloned()
        .map(|mut d| {
            d.memory = false;
            d.declared = true;
            d
        })
        .collect();
    Project::new(
        project.info().clone(),
        project.pipelines().to_vec(),
        datasets,
        project.parameters().to_vec(),
        project.config().cloned(),
    )
    .expect("same project")
}

/// The machine type, template, namespace key and group-tag key of each unit, as the plan must
/// see them (independent oracle).
struct UnitFacts {
    /// Per node name: its unit (`g:<group>` or `n:<node>`).
    unit: HashMap<String, String>,
    machine: HashMap<String, String>,
    template: HashMap<String, String>,
}

fn unit_facts(graph: &PipelineGraph<'_>) -> UnitFacts {
    let mut facts = UnitFacts {
        unit: HashMap::new(),
        machine: HashMap::new(),
        template: HashMap::new(),
    };
    for (i, node) in graph.nodes() {
        let (unit, machine, template) = match graph.group_of(i) {
            Some(g) => {
                let group = graph.group(g).group();
                (
                    format!("g:{}", group.name),
                    group.machine_type.as_ref().map(ToString::to_string),
                    group.template.as_ref().map(ToString::to_string),
                )
            }
            None => (
                format!("n:{}", node.name),
                node.machine_type.as_ref().map(ToString::to_string),
                node.template.as_ref().map(ToString::to_string),
            ),
        };
        facts
            .machine
            .insert(unit.clone(), machine.unwrap_or_else(|| "default".into()));
        facts
            .template
            .insert(unit.clone(), template.unwrap_or_else(|| "kedro".into()));
        facts.unit.insert(node.name.to_string(), unit);
    }
    facts
}

/// Random namespaces, `group.*` tags, machine types and templates on a generated pipeline:
/// `seeds[i]` decides node `i` (and the group it is the first member of).
fn decorate(mut pipeline: Pipeline, seeds: &[u8]) -> Pipeline {
    const NAMESPACES: [Option<&str>; 4] = [None, Some("a"), Some("a.sub"), Some("b")];
    for (i, node) in pipeline.nodes.iter_mut().enumerate() {
        let s = seeds.get(i).copied().unwrap_or_default();
        node.namespace = NAMESPACES[usize::from(s % 4)].map(|n| n.parse().expect("namespace"));
        node.tags = match (s / 4) % 4 {
            0 => vec![],
            1 => vec!["group.x".into()],
            2 => vec!["group.y".into(), "plain".into()],
            _ => vec!["plain".into()],
        };
        node.machine_type = (s / 16 % 5 == 0).then(|| "gpu".parse().expect("machine type"));
        node.template = (s / 16 % 7 == 1).then(|| "neo4j".parse().expect("template"));
    }
    for (j, group) in pipeline.groups.iter_mut().enumerate() {
        let s = seeds.get(j * 3 + 1).copied().unwrap_or_default();
        group.machine_type = (s % 3 == 0).then(|| "gpu".parse().expect("machine type"));
        group.template = (s % 5 == 1).then(|| "neo4j".parse().expect("template"));
    }
    pipeline
}

fn with_pipeline(project: &Project, pipeline: Pipeline) -> Project {
    Project::new(
        project.info().clone(),
        vec![pipeline],
        project.datasets().to_vec(),
        project.parameters().to_vec(),
        project.config().cloned(),
    )
    .expect("same project")
}

/// The properties every strategy keeps, beyond [`check_plan`]: no task mixes machine types or
/// templates; a task of several units under `namespace`/`tags` holds only units of its key.
fn check_grouping(graph: &PipelineGraph<'_>, plan: &Plan, strategy: GroupBy) {
    let facts = unit_facts(graph);
    let units: BTreeSet<&String> = facts.unit.values().collect();
    assert_eq!(plan.ungrouped_tasks, units.len());
    assert!(
        plan.tasks.len() <= units.len(),
        "a strategy never adds tasks"
    );
    if strategy == GroupBy::None {
        assert_eq!(plan.tasks.len(), units.len());
    }
    for task in &plan.tasks {
        let task_units: BTreeSet<&String> =
            task.nodes.iter().map(|n| &facts.unit[n.as_str()]).collect();
        let machines: BTreeSet<&String> = task_units.iter().map(|u| &facts.machine[*u]).collect();
        let templates: BTreeSet<&String> = task_units.iter().map(|u| &facts.template[*u]).collect();
        assert_eq!(
            machines.len(),
            1,
            "task `{}` mixes machine types",
            task.name
        );
        assert_eq!(templates.len(), 1, "task `{}` mixes templates", task.name);
        assert_eq!(
            task.machine_type.as_str(),
            machines.iter().next().expect("one").as_str()
        );
        assert_eq!(
            task.key.is_some(),
            task_units.len() > 1 && matches!(strategy, GroupBy::Namespace | GroupBy::Tags)
        );
        if let Some(key) = &task.key {
            for n in &task.nodes {
                let node = graph.node(graph.node_index(n.as_str()).expect("node"));
                let own = match strategy {
                    GroupBy::Namespace => node
                        .namespace
                        .as_ref()
                        .and_then(|ns| ns.as_str().split('.').next())
                        .map(str::to_owned),
                    _ => node
                        .tags
                        .iter()
                        .find_map(|t| t.strip_prefix("group."))
                        .map(str::to_owned),
                };
                // A fused group's members all share the key, or carry none when the group does.
                if own.is_some() {
                    assert_eq!(own.as_deref(), Some(key.as_str()), "task `{}`", task.name);
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn plans_are_sound_and_deterministic(
        project in project(DagParams::default().groups(2)),
        use_memory in any::<bool>(),
        strategy in proptest::sample::select(GroupBy::ALL.to_vec()),
        catalogued in any::<bool>(),
        seeds in proptest::collection::vec(any::<u8>(), 40),
    ) {
        // Half the cases have every dataset catalogued, so that grouped plans succeed often.
        let project = if catalogued { all_catalogued(&project) } else { project };
        let pipeline = decorate(project.pipelines()[0].clone(), &seeds);
        let project = with_pipeline(&project, pipeline);
        let config = config(use_memory);
        let options = PlanOptions::default().group_by(strategy);
        let pipeline = project.pipeline("__default__").expect("generated");
        let graph = pipeline.graph().expect("generated pipelines are valid");
        match plan(&project, &config, &options) {
            Ok(p) => {
                prop_assert!(!units_cyclic(&graph));
                check_plan(&project, &graph, &p, use_memory);
                check_grouping(&graph, &p, strategy);
                prop_assert_eq!(&plan(&project, &config, &options).expect("again"), &p);
                let wf = lower(&p, &config, &LowerOptions::default()).expect("lowering passes lint");
                let again = lower(&p, &config, &LowerOptions::default()).expect("again");
                prop_assert_eq!(
                    Document::from(wf).to_yaml_string().expect("yaml"),
                    Document::from(again).to_yaml_string().expect("yaml")
                );
            }
            Err(PlanError::Cycle { steps }) => {
                prop_assert!(units_cyclic(&graph));
                prop_assert!(steps.len() >= 2);
            }
            Err(PlanError::MemoryCrossing { crossings, .. }) => {
                prop_assert!(!crossings.is_empty());
                let facts = unit_facts(&graph);
                for c in &crossings {
                    prop_assert!(is_memory(&project, c.dataset.base()));
                    prop_assert_eq!(strategy == GroupBy::Memory, c.reason.is_some());
                    // Only a dataset that crosses units can cross tasks: units are never split.
                    let home = &facts.unit[c.producer.as_str()];
                    prop_assert!(c.consumers.iter().all(|r| &facts.unit[r.as_str()] != home));
                }
            }
            Err(PlanError::GroupTags { node, .. }) => {
                prop_assert_eq!(strategy, GroupBy::Tags);
                let n = graph.node(graph.node_index(node.as_str()).expect("node"));
                prop_assert!(n.tags.iter().filter(|t| t.starts_with("group.")).count() > 1);
            }
            Err(PlanError::GroupTagsConflict { group, .. }) => {
                prop_assert_eq!(strategy, GroupBy::Tags);
                let (_, g) = graph.groups().find(|(_, g)| g.name() == &group).expect("group");
                let tags: BTreeSet<&str> = g
                    .members()
                    .iter()
                    .flat_map(|m| graph.node(*m).tags.iter().filter_map(|t| t.strip_prefix("group.")))
                    .collect();
                prop_assert!(tags.len() > 1);
            }
            Err(other) => prop_assert!(false, "unexpected error: {other}"),
        }
    }

    #[test]
    fn partial_runs_plan_the_selection_and_the_groups_it_cuts(
        project in project(DagParams::default().groups(3)),
        strategy in proptest::sample::select(GroupBy::ALL.to_vec()),
        picks in proptest::collection::vec(any::<bool>(), 30),
    ) {
        let project = all_catalogued(&project);
        let pipeline = project.pipeline("__default__").expect("generated");
        let chosen: Vec<&str> = pipeline
            .nodes
            .iter()
            .zip(picks.iter().chain(std::iter::repeat(&true)))
            .filter(|(_, pick)| **pick)
            .map(|(n, _)| n.name.as_str())
            .collect();
        prop_assume!(!chosen.is_empty());
        let selection: kedro_graph::Selection = serde_json::from_value(serde_json::json!({
            "pipeline": "__default__",
            "filter": {"nodes": chosen, "from_nodes": [], "to_nodes": [], "tags": []},
            "nodes": chosen,
        }))
        .expect("valid selection");
        // What must be planned: the chosen nodes and every member of a group one of them is in.
        let touched: BTreeSet<&str> = pipeline
            .nodes
            .iter()
            .filter(|n| chosen.contains(&n.name.as_str()))
            .filter_map(|n| n.group.as_ref().map(kedro_graph::GroupName::as_str))
            .collect();
        let expected: BTreeSet<&str> = pipeline
            .nodes
            .iter()
            .filter(|n| {
                chosen.contains(&n.name.as_str())
                    || n.group.as_ref().is_some_and(|g| touched.contains(g.as_str()))
            })
            .map(|n| n.name.as_str())
            .collect();
        let options = PlanOptions::default().group_by(strategy).selection(selection);
        match plan(&project, &config(true), &options) {
            Ok(p) => {
                let planned: BTreeSet<&str> =
                    p.tasks.iter().flat_map(|t| t.nodes.iter().map(kedro_graph::NodeName::as_str)).collect();
                prop_assert_eq!(&planned, &expected);
                let partial = p.partial.as_ref().expect("partial");
                prop_assert_eq!(partial.selected, chosen.len());
                let added: usize = partial.completed.iter().map(|c| c.added.len()).sum();
                prop_assert_eq!(chosen.len() + added, expected.len());
                // The same plan as for the restricted pipeline itself, which is sound.
                let restricted = argo_fuse::plan::extend_selection(pipeline, options.selection.as_ref().expect("set"))
                    .expect("extends");
                let graph = restricted.pipeline.graph().expect("valid");
                check_plan(&project, &graph, &p, true);
                check_grouping(&graph, &p, strategy);
                // What a node left out reads is persisted, for a later run of it.
                let full = pipeline.graph().expect("valid");
                for m in p.tasks.iter().flat_map(|t| &t.memory_datasets) {
                    let d = full.dataset(full.dataset_id(m.as_str()).expect("known"));
                    prop_assert!(d.consumers().iter().all(|c| planned.contains(full.node(*c).name.as_str())));
                }
            }
            // A group that is not convex fails as in a full plan.
            Err(PlanError::Cycle { .. }) => {}
            Err(other) => prop_assert!(false, "unexpected error: {other}"),
        }
    }
}
