//! The grouping strategies and partial runs, on small pipelines built in code.

use serde_json::json;

use super::*;
use crate::Config;
use crate::error::PlanError;
use crate::testing::{Fixture, config, config_json, none, task_nodes as tasks};

fn by(strategy: GroupBy) -> PlanOptions {
    PlanOptions::default().group_by(strategy)
}

fn ns(namespace: &str) -> serde_json::Value {
    json!({"namespace": namespace})
}

fn t(name: &str, nodes: &[&str]) -> (String, Vec<String>) {
    (
        name.to_owned(),
        nodes.iter().map(|n| (*n).to_owned()).collect(),
    )
}

#[test]
fn namespace_makes_one_task_per_top_level_namespace_like_kedro_group_nodes_by() {
    // Kedro's `Pipeline._group_by_namespace`: the key is `namespace.split(".")[0]`, nodes without
    // a namespace keep their own name.
    let f = Fixture::new()
        .node("a.x", &["raw"], &["x"], ns("a"))
        .node("a.sub.y", &["x"], &["y"], ns("a.sub"))
        .node("lone", &["raw"], &["l"], none())
        .node("b.z", &["y"], &["z"], ns("b"));
    let plan = plan(&f.project(), &config(none()), &by(GroupBy::Namespace)).expect("plans");
    assert_eq!(
        tasks(&plan),
        [
            t("a", &["a.x", "a.sub.y"]),
            t("lone", &["lone"]),
            t("b-z", &["b.z"])
        ]
    );
    assert_eq!(plan.tasks[0].key.as_deref(), Some("a"));
    assert_eq!(plan.tasks[0].label(), "a");
    assert_eq!(
        plan.tasks[2].key, None,
        "a task of one unit keeps its own name"
    );
    assert_eq!(plan.ungrouped_tasks, 4);
    assert_eq!(plan.pods_saved(), 1);
    assert_eq!(
        plan.summary(),
        "4 nodes in 3 tasks (grouping `namespace`, 1 pod saved against `none`)"
    );
    // `grouping:` in argo.yml does the same; the option wins over it.
    let c = config(json!({"grouping": "namespace"}));
    let from_config = super::plan(&f.project(), &c, &PlanOptions::default()).expect("plans");
    assert_eq!(from_config, plan);
    let overridden = super::plan(&f.project(), &c, &by(GroupBy::None)).expect("plans");
    assert_eq!(overridden.tasks.len(), 4);
    let err = Config::from_value(config_json(json!({"grouping": "namespaces"})))
        .expect_err("unknown strategy");
    assert!(err.to_string().contains("grouping"), "{err}");
}

#[test]
fn namespace_keeps_groups_whole_and_splits_by_machine_type_and_for_acyclicity() {
    // m.prep -> [m.train: group on gpu] -> m.eval: prep and eval share a machine type, but
    // one task of the two would make a cycle through the training group.
    let f = Fixture::new()
        .group("m.train", json!({"machine_type": "gpu"}))
        .node("m.prep", &["raw"], &["p"], ns("m"))
        .node(
            "m.split",
            &["p"],
            &["s"],
            json!({"namespace": "m", "group": "m.train"}),
        )
        .node(
            "m.fit",
            &["s"],
            &["model"],
            json!({"namespace": "m", "group": "m.train"}),
        )
        .node("m.eval", &["model", "p"], &["score"], ns("m"))
        .node("m.report", &["score"], &["report"], ns("m"));
    let plan = plan(&f.project(), &config(none()), &by(GroupBy::Namespace)).expect("plans");
    assert_eq!(
        tasks(&plan),
        [
            t("m-prep", &["m.prep"]),
            t("m-train", &["m.split", "m.fit"]),
            t("m", &["m.eval", "m.report"]),
        ]
    );
    let reasons: Vec<String> = plan.splits.iter().map(|s| s.reason.to_string()).collect();
    assert_eq!(
        reasons,
        [
            "by machine type (`default`, `gpu`)",
            "to keep the task graph acyclic (a path runs through group `m.train`)"
        ]
    );
    assert_eq!(plan.splits[0].group, "namespace `m`");
    assert_eq!(plan.splits[0].tasks.len(), 3);
    assert_eq!(
        plan.splits[1].tasks,
        [plan.tasks[0].name.clone(), plan.tasks[2].name.clone()]
    );
    assert!(
        plan.to_text().contains("summary: 5 nodes in 3 tasks (grouping `namespace`, 1 pod saved against `none`); 2 splits: namespace `m` by machine type (`default`, `gpu`) into `m-prep`, `m-train`, `m`; namespace `m` to keep"),
        "{}",
        plan.to_text()
    );
}

#[test]
fn a_key_split_into_several_multi_unit_tasks_numbers_them() {
    // a.1 -> a.2 -> c -> a.3 -> a.4: the namespace becomes two tasks of two nodes.
    let f = Fixture::new()
        .node("a.1", &["raw"], &["x1"], ns("a"))
        .node("a.2", &["x1"], &["x2"], ns("a"))
        .node("c", &["x2"], &["x3"], none())
        .node("a.3", &["x3"], &["x4"], ns("a"))
        .node("a.4", &["x4"], &["x5"], ns("a"));
    let plan = plan(&f.project(), &config(none()), &by(GroupBy::Namespace)).expect("plans");
    assert_eq!(
        tasks(&plan),
        [
            t("a-1", &["a.1", "a.2"]),
            t("c", &["c"]),
            t("a-2", &["a.3", "a.4"])
        ]
    );
    assert_eq!(
        plan.splits[0].reason,
        SplitReason::Cycle {
            through: Origin::Node(kedro_graph::NodeName::new("c").expect("name"))
        }
    );
}

#[test]
fn tags_make_one_task_per_group_tag() {
    let tag = |name: &str| json!({"tags": [format!("group.{name}"), "other"]});
    let f = Fixture::new()
        .node("load", &["raw"], &["x"], tag("ingest"))
        .node("clean", &["x"], &["y"], tag("ingest"))
        .node("side", &["raw"], &["s"], tag("ingest"))
        .node("train", &["y"], &["m"], none());
    let plan = plan(&f.project(), &config(none()), &by(GroupBy::Tags)).expect("plans");
    assert_eq!(
        tasks(&plan),
        [
            t("ingest", &["load", "clean", "side"]),
            t("train", &["train"])
        ]
    );
    // Two group tags on one node, or a fused group whose members disagree, are errors.
    let f = Fixture::new().node(
        "a",
        &["raw"],
        &["x"],
        json!({"tags": ["group.p", "group.q"]}),
    );
    let err = super::plan(&f.project(), &config(none()), &by(GroupBy::Tags)).expect_err("two tags");
    assert_eq!(
        err.to_string(),
        "node `a` carries several group tags (`group.p`, `group.q`); a node can join one tag group only"
    );
    let f = Fixture::new()
        .group("g", none())
        .node(
            "a",
            &["raw"],
            &["x"],
            json!({"group": "g", "tags": ["group.p"]}),
        )
        .node(
            "b",
            &["x"],
            &["y"],
            json!({"group": "g", "tags": ["group.q"]}),
        );
    let err = super::plan(&f.project(), &config(none()), &by(GroupBy::Tags)).expect_err("conflict");
    assert!(matches!(err, PlanError::GroupTagsConflict { .. }), "{err}");
}

#[test]
fn chains_merge_a_fused_group_with_its_single_successor_node() {
    // [g: a, b] -> c -> {d, e}; e -> f on the gpu.
    let f = Fixture::new()
        .group("g", none())
        .node("a", &["raw"], &["x"], json!({"group": "g"}))
        .node("b", &["x"], &["y"], json!({"group": "g"}))
        .node("c", &["y"], &["z"], none())
        .node("d", &["z"], &["d"], none())
        .node("e", &["z"], &["e"], none())
        .node("f", &["e"], &["f"], json!({"machine_type": "gpu"}));
    let plan = plan(&f.project(), &config(none()), &by(GroupBy::Chains)).expect("plans");
    assert_eq!(
        tasks(&plan),
        [
            t("g", &["a", "b", "c"]),
            t("d", &["d"]),
            t("e", &["e"]),
            t("f", &["f"])
        ]
    );
    assert_eq!(plan.tasks[0].label(), "g+c");
    assert_eq!(plan.splits.len(), 1);
    assert_eq!(plan.splits[0].group, "chain node `e` -> node `f`");
    assert_eq!(plan.splits[0].tasks.len(), 2);
}

#[test]
fn strategies_never_merge_across_machine_types_or_templates() {
    let f = Fixture::new().node("a.x", &["raw"], &["x"], ns("a")).node(
        "a.y",
        &["raw"],
        &["y"],
        json!({"namespace": "a", "template": "neo4j"}),
    );
    let c = config(json!({"template": {"templates": [
        {"name": "neo4j", "container": {"name": "k", "command": ["kedro"], "args": "run"}}
    ]}}));
    let plan = plan(&f.project(), &c, &by(GroupBy::Namespace)).expect("plans");
    assert_eq!(plan.tasks.len(), 2);
    assert!(
        matches!(&plan.splits[0].reason, SplitReason::Settings { machine_types, templates } if machine_types.is_empty() && templates.len() == 2),
        "{:?}",
        plan.splits
    );
    assert_eq!(
        plan.splits[0].reason.to_string(),
        "by template (`kedro`, `neo4j`)"
    );
}

#[test]
fn memory_groups_writer_and_readers_and_names_what_it_cannot() {
    let f = Fixture::new()
        .node("a", &["raw"], &["x"], none())
        .node("b", &["x"], &["y"], none())
        .node("c", &["y"], &["z"], none())
        .memory(&["x"]);
    let c = config(json!({"runner": {"use_memory_datasets": true}}));
    let plan = plan(&f.project(), &c, &by(GroupBy::Memory)).expect("plans");
    assert_eq!(tasks(&plan), [t("a", &["a", "b"]), t("c", &["c"])]);
    assert!(
        plan.to_text()
            .contains("merged node `b` into the task of node `a` (memory dataset `x`)")
    );
    // Every other strategy fails on the same crossing, naming it.
    for strategy in [GroupBy::None, GroupBy::Namespace, GroupBy::Tags] {
        let err = super::plan(&f.project(), &c, &by(strategy)).expect_err("crossing");
        assert!(
            matches!(err, PlanError::MemoryCrossing { .. }),
            "{strategy}: {err}"
        );
    }
    // `chains` happens to join them.
    assert!(super::plan(&f.project(), &c, &by(GroupBy::Chains)).is_ok());
}

#[allow(clippy::needless_pass_by_value)]
fn selection(filter: serde_json::Value, nodes: Option<&[&str]>) -> kedro_graph::Selection {
    serde_json::from_value(json!({
        "pipeline": "__default__",
        "filter": filter,
        "nodes": nodes,
    }))
    .expect("valid selection")
}

fn spaceflights() -> Fixture {
    Fixture::new()
        .group("prep", none())
        .node(
            "clean",
            &["raw"],
            &["tmp"],
            json!({"group": "prep", "tags": ["dp"]}),
        )
        .node(
            "feature",
            &["tmp"],
            &["features"],
            json!({"group": "prep", "tags": ["dp"]}),
        )
        .node(
            "ds.train",
            &["features"],
            &["model"],
            json!({"namespace": "ds", "tags": ["ds"]}),
        )
        .node(
            "ds.evaluate",
            &["model"],
            &["metrics"],
            json!({"namespace": "ds", "tags": ["ds"]}),
        )
        .memory(&["tmp"])
}

#[test]
fn a_partial_run_plans_the_selection_and_whole_groups_it_cuts() {
    let f = spaceflights();
    let sel = selection(
        json!({"from_nodes": ["feature"]}),
        Some(&["feature", "ds.train", "ds.evaluate"]),
    );
    let options = by(GroupBy::Namespace).selection(sel);
    let plan = plan(&f.project(), &config(none()), &options).expect("plans");
    assert_eq!(
        tasks(&plan),
        [
            t("prep", &["clean", "feature"]),
            t("ds", &["ds.train", "ds.evaluate"])
        ]
    );
    let partial = plan.partial.as_ref().expect("partial");
    assert_eq!((partial.selected, partial.of), (3, 4));
    assert_eq!(partial.completed[0].group.as_str(), "prep");
    assert_eq!(partial.completed[0].added[0].as_str(), "clean");
    assert!(
        plan.to_text().contains(
            "partial run: --from-nodes=feature selects 3 of 4 nodes; the filter cuts fused group `prep`, planned whole (adds `clean`)"
        ),
        "{}",
        plan.to_text()
    );
    // Only the evaluation: `model` is catalogued, so the task reads it from storage.
    let sel = selection(json!({"nodes": ["ds.evaluate"]}), Some(&["ds.evaluate"]));
    let plan = super::plan(
        &f.project(),
        &config(none()),
        &PlanOptions::default().selection(sel),
    )
    .expect("plans");
    assert_eq!(tasks(&plan), [t("ds-evaluate", &["ds.evaluate"])]);
    assert!(
        plan.partial
            .as_ref()
            .is_some_and(|p| p.completed.is_empty())
    );
}

#[test]
fn a_filter_naming_unknown_nodes_or_tags_names_the_nearest() {
    let f = spaceflights();
    let c = config(none());
    let err_of = |filter: serde_json::Value, nodes: Option<&[&str]>| {
        let options = PlanOptions::default().selection(selection(filter, nodes));
        plan(&f.project(), &c, &options)
            .expect_err("refused")
            .to_string()
    };
    assert_eq!(
        err_of(json!({"nodes": ["train"]}), None),
        "pipeline `__default__` has no node `train`; nearest: `ds.train`, `clean`, `feature`"
    );
    assert_eq!(
        err_of(json!({"to_nodes": ["featur"]}), None),
        "pipeline `__default__` has no node `featur`; nearest: `feature`, `ds.evaluate`, `clean`"
    );
    assert_eq!(
        err_of(json!({"tags": ["dp", "sd"]}), None),
        "no node of pipeline `__default__` has tag `sd`; nearest: `ds`, `dp`"
    );
    assert_eq!(
        err_of(json!({"tags": ["dp"]}), None),
        "Kedro could not apply the filter to pipeline `__default__`"
    );
    assert_eq!(
        err_of(
            json!({"from_nodes": ["ds.evaluate"], "to_nodes": ["clean"]}),
            Some(&[])
        ),
        "the filter selects no node of pipeline `__default__`"
    );
    let other: kedro_graph::Selection = serde_json::from_value(json!({
        "pipeline": "other", "filter": {"tags": ["dp"]}, "nodes": ["clean"]
    }))
    .expect("valid");
    let err = plan(&f.project(), &c, &PlanOptions::default().selection(other)).expect_err("other");
    assert!(matches!(err, PlanError::SelectionPipeline { .. }), "{err}");
}

#[test]
fn a_selected_node_may_not_read_a_memory_dataset_whose_writer_is_left_out() {
    let f = Fixture::new()
        .node("a", &["raw"], &["x"], none())
        .node("b", &["x"], &["y"], none())
        .memory(&["x"]);
    let sel = selection(json!({"nodes": ["b"]}), Some(&["b"]));
    let err = plan(
        &f.project(),
        &config(none()),
        &PlanOptions::default().selection(sel),
    )
    .expect_err("x would be empty");
    assert_eq!(
        err.to_string(),
        "`x` would be a MemoryDataset in Kedro env `cloud`, but the filter leaves out `a`, which writes it, and selects `b`, which read it"
    );
    assert!(
        err.hints()[0].contains("select `a` too"),
        "{:?}",
        err.hints()
    );
}

#[test]
fn a_partial_run_persists_what_the_nodes_it_leaves_out_read() {
    // a -> x -> b, and x -> c: a run of a and b (one chain) keeps nothing of x in memory when c
    // is left out, since a later run of c reads x; as `kedro run --to-nodes b` saves it.
    let f = Fixture::new()
        .node("a", &["raw"], &["x"], none())
        .node("b", &["x"], &["y"], none())
        .node("c", &["x"], &["z"], none());
    let c = config(json!({"runner": {"use_memory_datasets": true}}));
    let full = plan(&f.project(), &c, &by(GroupBy::Namespace)).expect("plans");
    assert!(full.tasks.iter().all(|t| t.memory_datasets.is_empty()));
    let sel = selection(json!({"to_nodes": ["b"]}), Some(&["a", "b"]));
    let partial =
        super::plan(&f.project(), &c, &by(GroupBy::Chains).selection(sel)).expect("plans");
    assert_eq!(tasks(&partial), [t("a", &["a", "b"])]);
    assert!(
        partial.tasks[0].memory_datasets.is_empty(),
        "x is read by c"
    );
}
