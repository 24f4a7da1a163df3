//! Large pipelines plan and compile (speed is measured by `cargo bench -p argo-fuse`, not here).

use argo_fuse::plan::{GroupBy, PlanOptions, plan};
use argo_fuse::{LowerOptions, lower};
use kedro_graph::Pipeline;
use kedro_graph::strategies::{layered_pipeline, project_of};

use crate::config;

fn ungrouped(layers: usize, width: usize) -> Pipeline {
    let mut p = layered_pipeline(layers, width, 3, 11);
    p.groups.clear();
    for n in &mut p.nodes {
        n.group = None;
    }
    p
}

#[test]
fn ten_thousand_nodes_plan() {
    let project = project_of(vec![ungrouped(100, 100)], |_| false);
    let config = config(true);
    let plan = plan(&project, &config, &PlanOptions::default()).expect("plans");
    assert_eq!(plan.tasks.len(), 10_000);
}

#[test]
fn fifty_thousand_nodes_compile() {
    let project = project_of(vec![ungrouped(250, 200)], |_| false);
    let config = config(false);
    let plan = plan(&project, &config, &PlanOptions::default()).expect("plans");
    assert_eq!(plan.tasks.len(), 50_000);
    let wf = lower(&plan, &config, &LowerOptions::default()).expect("lowers");
    assert_eq!(wf.spec.templates.len(), 2);
}

/// `layers × width` nodes, the nodes of every ten layers in one namespace.
fn namespaced(layers: usize, width: usize) -> Pipeline {
    let mut p = ungrouped(layers, width);
    for (i, n) in p.nodes.iter_mut().enumerate() {
        let block = i / width / 10;
        n.namespace = Some(format!("block{block}").parse().expect("namespace"));
    }
    p
}

#[test]
fn ten_thousand_nodes_group_by_namespace_by_scattered_tags_and_by_chains() {
    let mut pipeline = namespaced(100, 100);
    // Every fifth node in one of three tag groups, scattered over all layers: most of the
    // merges are refused for cycles.
    for (i, n) in pipeline.nodes.iter_mut().enumerate() {
        if i % 5 == 0 {
            n.tags = vec![format!("group.g{}", i % 3)];
        }
    }
    let project = project_of(vec![pipeline], |_| false);
    let plan = plan_with(&project, GroupBy::Namespace);
    // Later layers read only earlier ones: each block of ten layers is one task.
    assert_eq!(plan.tasks.len(), 10);
    assert!(plan.splits.is_empty());
    let plan = plan_with(&project, GroupBy::Tags);
    assert!(plan.tasks.len() < 10_000);
    assert!(!plan.splits.is_empty());
    assert_eq!(plan.node_count(), 10_000);
    assert_eq!(plan_with(&project, GroupBy::Chains).node_count(), 10_000);
}

fn plan_with(project: &kedro_graph::Project, strategy: GroupBy) -> argo_fuse::Plan {
    plan(
        project,
        &config(true),
        &PlanOptions::default().group_by(strategy),
    )
    .expect("plans")
}
