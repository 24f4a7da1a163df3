//! Large pipelines plan and compile (speed is measured by `cargo bench -p argo-fuse`, not here).

use argo_fuse::plan::{PlanOptions, plan};
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
