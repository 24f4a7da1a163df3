//! Properties of plan and lowering over random layered DAGs with random (non-convex) groups.

use std::collections::{BTreeSet, HashMap, HashSet};

use argo_fuse::plan::{MemoryCrossing, Plan, PlanOptions, plan};
use argo_fuse::{LowerOptions, PlanError, lower, names};
use argo_model::Document;
use kedro_graph::strategies::{DagParams, project};
use kedro_graph::{PipelineGraph, Project};
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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn plans_are_sound_and_deterministic(
        project in project(DagParams::default().groups(3)),
        use_memory in any::<bool>(),
        fuse in any::<bool>(),
        catalogued in any::<bool>(),
    ) {
        // Half the cases have every dataset catalogued, so that grouped plans succeed often.
        let project = if catalogued { all_catalogued(&project) } else { project };
        let config = config(use_memory);
        let mode = if fuse { MemoryCrossing::Fuse } else { MemoryCrossing::Error };
        let options = PlanOptions::default().memory_crossing(mode);
        let pipeline = project.pipeline("__default__").expect("generated");
        let graph = pipeline.graph().expect("generated pipelines are valid");
        match plan(&project, &config, &options) {
            Ok(p) => {
                prop_assert!(!units_cyclic(&graph));
                check_plan(&project, &graph, &p, use_memory);
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
                for c in &crossings {
                    prop_assert!(is_memory(&project, c.dataset.base()));
                    prop_assert!(fuse == c.reason.is_some());
                }
            }
            Err(other) => prop_assert!(false, "unexpected error: {other}"),
        }
    }
}
