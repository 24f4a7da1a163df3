use serde_json::json;

use super::*;
use crate::error::PlanError;
use crate::testing::{Fixture, config, none, task_nodes as names};

#[test]
fn one_task_per_node_and_group_with_dataset_dependencies() {
    let f = Fixture::new()
        .group("prep", none())
        .node("a", &["raw"], &["x"], json!({"group": "prep"}))
        .node("b", &["x", "params:k"], &["y"], json!({"group": "prep"}))
        .node("c", &["y"], &["z"], none())
        .node("d", &["raw"], &["w"], none());
    let plan = plan(&f.project(), &config(none()), &PlanOptions::default()).expect("plans");
    assert_eq!(
        names(&plan),
        vec![
            ("prep".into(), vec!["a".into(), "b".into()]),
            ("c".into(), vec!["c".into()]),
            ("d".into(), vec!["d".into()]),
        ]
    );
    assert_eq!(plan.tasks[1].depends, [plan.tasks[0].name.clone()]);
    assert!(plan.tasks[2].depends.is_empty());
    assert_eq!(plan.edges.len(), 1);
    assert_eq!(plan.edges[0].datasets, ["y"]);
    assert!(
        plan.tasks[0].memory_datasets.is_empty(),
        "use_memory_datasets is off"
    );
}

#[test]
fn memory_datasets_stay_inside_their_task() {
    let f = Fixture::new()
        .group("g", none())
        .node("a", &["raw"], &["x", "t@pandas"], json!({"group": "g"}))
        .node("b", &["x", "t@spark"], &["y", "out"], json!({"group": "g"}))
        .node("c", &["y"], &["z"], none());
    let c = config(json!({"runner": {"use_memory_datasets": true}}));
    let plan = plan(&f.project(), &c, &PlanOptions::default()).expect("plans");
    // `x`: internal. `t`: read under another transcoding. `y`: read by `c`. `out`: pipeline output.
    let mem: Vec<&str> = plan.tasks[0]
        .memory_datasets
        .iter()
        .map(kedro_graph::DatasetName::as_str)
        .collect();
    assert_eq!(mem, ["x"]);
}

#[test]
fn memory_crossing_is_an_error_naming_dataset_producer_and_consumers() {
    let f = Fixture::new()
        .node("a", &["raw"], &["x"], none())
        .node("b", &["x"], &["y"], none())
        .node("c", &["x"], &["z"], none())
        .memory(&["x"]);
    let err = plan(&f.project(), &config(none()), &PlanOptions::default()).expect_err("crossing");
    let PlanError::MemoryCrossing { crossings, env } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(env, "cloud");
    assert_eq!(crossings.len(), 1);
    assert_eq!(crossings[0].dataset.as_str(), "x");
    assert_eq!(crossings[0].producer.as_str(), "a");
    assert_eq!(
        crossings[0]
            .consumers
            .iter()
            .map(kedro_graph::NodeName::as_str)
            .collect::<Vec<_>>(),
        ["b", "c"]
    );
    assert!(
        err.to_string()
            .contains("`x` (written by `a`, read by `b`, `c`)"),
        "{err}"
    );
    assert!(err.hints()[0].contains("conf/cloud/catalog.yml"));
}

#[test]
fn memory_crossing_fuse_merges_writer_and_readers() {
    let f = Fixture::new()
        .node("a", &["raw"], &["x"], none())
        .node("b", &["x"], &["y"], none())
        .node("c", &["y"], &["z"], none())
        .memory(&["x"]);
    let opts = PlanOptions::default().group_by(GroupBy::Memory);
    let plan = plan(
        &f.project(),
        &config(json!({"runner": {"use_memory_datasets": true}})),
        &opts,
    )
    .expect("plans");
    assert_eq!(
        names(&plan),
        vec![
            ("a".into(), vec!["a".into(), "b".into()]),
            ("c".into(), vec!["c".into()])
        ]
    );
    assert_eq!(plan.merges.len(), 1);
    assert_eq!(plan.tasks[0].memory_datasets[0].as_str(), "x");
    assert_eq!(plan.tasks[0].label(), "a+b");
}

#[test]
fn memory_crossing_fuse_refuses_mismatch_and_cycles() {
    // Machine types differ.
    let f = Fixture::new()
        .node("a", &["raw"], &["x"], none())
        .node("b", &["x"], &["y"], json!({"machine_type": "gpu"}))
        .memory(&["x"]);
    let opts = PlanOptions::default().group_by(GroupBy::Memory);
    let err = plan(&f.project(), &config(none()), &opts).expect_err("mismatch");
    assert!(err.to_string().contains("machine type `gpu`"), "{err}");
    // a -x(mem)-> c and a -y-> b -z-> c: merging a and c would enclose b.
    let f = Fixture::new()
        .node("a", &["raw"], &["x", "y"], none())
        .node("b", &["y"], &["z"], none())
        .node("c", &["x", "z"], &["out"], none())
        .memory(&["x"]);
    let err = plan(&f.project(), &config(none()), &opts).expect_err("cycle");
    assert!(err.to_string().contains("cycle through node `b`"), "{err}");
}

#[test]
fn defect_4_fusion_cycle_is_an_error_that_prints_it() {
    let f = Fixture::new()
        .group("g", none())
        .node("a", &["raw"], &["x"], json!({"group": "g"}))
        .node("b", &["x"], &["y"], none())
        .node("c", &["y"], &["z"], json!({"group": "g"}));
    let err = plan(&f.project(), &config(none()), &PlanOptions::default()).expect_err("cycle");
    let PlanError::Cycle { steps } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(steps.len(), 2);
    assert_eq!(
        err.to_string(),
        "the fused groups make the task graph cyclic: group `g` -[x]-> node `b` -[y]-> group `g`"
    );
}

#[test]
fn unknown_machine_type_and_template_name_the_nearest() {
    let f = Fixture::new().node("a", &["raw"], &["x"], json!({"machine_type": "gpus"}));
    let err = plan(&f.project(), &config(none()), &PlanOptions::default()).expect_err("unknown");
    assert_eq!(
        err.to_string(),
        "node `a` uses unknown machine type `gpus`; nearest defined: `gpu`, `default`"
    );
    let f = Fixture::new().group("g", json!({"template": "neo4"})).node(
        "a",
        &["raw"],
        &["x"],
        json!({"group": "g"}),
    );
    let err = plan(&f.project(), &config(none()), &PlanOptions::default()).expect_err("unknown");
    assert!(
        matches!(err, PlanError::UnknownTemplate { ref nearest, .. } if nearest == &["kedro".to_owned()])
    );
}

#[test]
fn group_settings_win_and_members_that_disagree_are_reported() {
    let f = Fixture::new()
        .group("g", json!({"machine_type": "gpu"}))
        .node(
            "a",
            &["raw"],
            &["x"],
            json!({"group": "g", "machine_type": "default"}),
        );
    let plan = plan(&f.project(), &config(none()), &PlanOptions::default()).expect("plans");
    assert_eq!(plan.tasks[0].machine_type.as_str(), "gpu");
    assert_eq!(plan.tasks[0].resources.gpu, 1);
    assert_eq!(plan.warnings.len(), 1);
}

#[test]
fn retry_overrides_by_group_then_node_then_default() {
    let f = Fixture::new()
        .group("g", none())
        .node("a", &["raw"], &["x"], json!({"group": "g"}))
        .node("b", &["x"], &["y"], none())
        .node("c", &["y"], &["z"], none());
    let c = config(json!({
        "retry_strategy": {"limit": 2},
        "retry_overrides": {"g": {"limit": 5}, "b": {"limit": 0}}
    }));
    let plan = plan(&f.project(), &c, &PlanOptions::default()).expect("plans");
    let limits: Vec<Option<u32>> = plan
        .tasks
        .iter()
        .map(|t| t.retry.as_ref().map(|r| r.limit))
        .collect();
    assert_eq!(limits, [Some(5), Some(0), Some(2)]);
    let c = config(json!({"retry_overrides": {"bb": {"limit": 1}}}));
    let err = super::plan(&f.project(), &c, &PlanOptions::default()).expect_err("unknown");
    assert!(
        matches!(err, PlanError::UnknownRetryOverride { ref nearest, .. } if nearest[0] == "b")
    );
}

#[test]
fn defect_2_colliding_node_names_get_distinct_task_names() {
    let f = Fixture::new()
        .node("ns.load_data", &["raw"], &["x"], none())
        .node("ns_load.data", &["raw"], &["y"], none())
        .node("ns-load-data", &["raw"], &["z"], none())
        .node("2nd", &["raw"], &["w"], none());
    let c = config(
        json!({"template": {"templates": [{"name": "init", "container": {"name": "i", "command": ["true"], "args": ""}}], "init_templates": ["init"]}}),
    );
    let plan = plan(&f.project(), &c, &PlanOptions::default()).expect("plans");
    let mut all: Vec<&str> = plan.tasks.iter().map(|t| t.name.as_str()).collect();
    all.push(plan.init_tasks[0].name.as_str());
    assert_eq!(plan.init_tasks[0].name.as_str(), "init");
    assert_eq!(all[3], "task-2nd");
    let unique: std::collections::HashSet<&&str> = all.iter().collect();
    assert_eq!(unique.len(), all.len());
    assert!(all.iter().all(|n| crate::names::is_valid(n)));
}

#[test]
fn unknown_pipeline_and_invalid_graph_are_errors() {
    let f = Fixture::new().node("a", &["raw"], &["x"], none());
    let err = plan(
        &f.project(),
        &config(none()),
        &PlanOptions::default().pipeline("nope"),
    )
    .expect_err("unknown");
    assert!(matches!(err, PlanError::Pipeline { .. }));
    let f = Fixture::new()
        .node("a", &["y"], &["x"], none())
        .node("b", &["x"], &["y"], none());
    let err = plan(&f.project(), &config(none()), &PlanOptions::default()).expect_err("cycle");
    assert!(matches!(err, PlanError::Graph { .. }));
}

#[test]
fn renderings() {
    let f = Fixture::new()
        .node("a", &["raw"], &["x"], none())
        .node("b", &["x"], &["y"], none());
    let plan = plan(&f.project(), &config(none()), &PlanOptions::default()).expect("plans");
    insta::assert_snapshot!(plan.to_text(), @"
    pipeline `__default__` of `demo` (env `cloud`): 2 tasks
    summary: 2 nodes in 2 tasks (grouping `none`)
    task a [a] machine `default` (16 GiB, 4 cpu, 0 gpu, 10 GiB scratch), template `kedro`
      nodes: a
    task b [b] machine `default` (16 GiB, 4 cpu, 0 gpu, 10 GiB scratch), template `kedro`
      nodes: b
      after a via x
    ");
    insta::assert_snapshot!(plan.to_mermaid(), @r#"
    flowchart TD
      %% 2 nodes in 2 tasks (grouping `none`)
      a["a (1 node)"]
      b["b (1 node)"]
      a -->|"x"| b
    "#);
    insta::assert_snapshot!(plan.to_dot(), @r#"
    // 2 nodes in 2 tasks (grouping `none`)
    digraph plan {
      rankdir=TB;
      node [shape=box];
      "a" [label="a\n1 node, default"];
      "b" [label="b\n1 node, default"];
      "a" -> "b" [label="x"];
    }
    "#);
    let json: serde_json::Value = serde_json::from_str(&plan.to_json()).expect("json");
    assert_eq!(json["tasks"][1]["depends"], json!(["a"]));
}

#[test]
fn large_pipelines_plan_in_linear_time() {
    let mut pipeline = kedro_graph::strategies::layered_pipeline(100, 100, 3, 7);
    pipeline.groups.clear();
    for n in &mut pipeline.nodes {
        n.group = None;
    }
    let project = kedro_graph::strategies::project_of(vec![pipeline], |_| false);
    let start = std::time::Instant::now();
    let plan = plan(&project, &config(none()), &PlanOptions::default()).expect("plans");
    let n: usize = plan.tasks.iter().map(|t| t.nodes.len()).sum();
    assert_eq!(n, 10_000);
    // Generous for debug builds on a shared 2-core machine; release is far below 100 ms.
    assert!(start.elapsed().as_secs() < 10, "{:?}", start.elapsed());
}
