//! The fixture IR documents under `tests/fixtures`.

use kedro_graph::{DatasetKind, MachineTypeName, NodeIndex};

use crate::support::{check_document, fixtures_dir, json_files, validator};

#[test]
fn every_fixture_matches_the_schema_and_loads() {
    let validator = validator();
    let files = json_files(&fixtures_dir());
    assert!(files.len() >= 3, "fixtures missing: {files:?}");
    for path in files {
        check_document(&validator, &path);
    }
}

#[test]
fn spaceflights() {
    let project = check_document(&validator(), &fixtures_dir().join("spaceflights.json"));
    assert_eq!(project.info().package_name, "spaceflights");
    let pipeline = project.pipeline("__default__").expect("default pipeline");
    let graph = pipeline.graph().expect("valid graph");
    assert_eq!(graph.node_count(), 6);

    let table = graph
        .node_index("create_model_input_table_node")
        .expect("node");
    let shuttles = graph.node_index("preprocess_shuttles_node").expect("node");
    assert_eq!(
        graph.producer("preprocessed_shuttles@spark"),
        Some(shuttles)
    );
    assert!(graph.predecessors(table).any(|p| p == shuttles));

    let free: Vec<&str> = graph
        .free_inputs()
        .iter()
        .map(|&d| graph.dataset(d).name())
        .collect();
    assert_eq!(free, ["companies", "reviews", "shuttles"]);
    let outputs: Vec<&str> = graph
        .final_outputs()
        .iter()
        .map(|&d| graph.dataset(d).name())
        .collect();
    assert_eq!(outputs, ["ds.metrics"]);

    let fused = graph.group_id("ds.train_fused").expect("group");
    let members: Vec<&str> = graph
        .group(fused)
        .members()
        .iter()
        .map(|&n| graph.node(n).name.as_str())
        .collect();
    assert_eq!(members, ["ds.split_data_node", "ds.train_model_node"]);
    assert_eq!(
        graph
            .group(fused)
            .group()
            .machine_type
            .as_ref()
            .map(MachineTypeName::as_str),
        Some("gpu")
    );

    let x_train = project.dataset("ds.X_train").expect("facts");
    assert!(x_train.memory && !x_train.declared);
    assert_eq!(project.dataset_variants("preprocessed_shuttles").count(), 2);
    assert!(project.config().is_some());
    assert!(project.pipeline("data_procesing").is_err());
}

#[test]
fn params_and_memory() {
    let project = check_document(&validator(), &fixtures_dir().join("params_and_memory.json"));
    let graph = project
        .pipeline("__default__")
        .expect("default pipeline")
        .graph()
        .expect("valid graph");
    let order: Vec<&str> = graph
        .topo_order()
        .iter()
        .map(|&n| graph.node(n).name.as_str())
        .collect();
    assert_eq!(order, ["split", "make_predictions", "report_accuracy"]);
    assert_eq!(graph.parameter_inputs().len(), 2);
    assert_eq!(
        project.dataset("parameters").map(|d| d.kind),
        Some(DatasetKind::Parameters)
    );
    assert_eq!(graph.group_of(NodeIndex::new(2)), None);
    assert!(graph.group_of(NodeIndex::new(0)).is_some());
}

#[test]
fn schema_rejects_what_the_reader_rejects() {
    let validator = validator();
    let text =
        std::fs::read_to_string(fixtures_dir().join("minimal.json")).expect("fixture readable");
    let mut value: serde_json::Value = serde_json::from_str(&text).expect("fixture is JSON");
    value["version"] = 2.into();
    assert!(!crate::support::violations(&validator, &value).is_empty());
    value["version"] = 1.into();
    value["pipelines"][0]["nodes"] = serde_json::json!([{
        "name": "f([x]) -> [y]", "namespace": null, "func": "m.f", "inputs": [], "outputs": [],
        "tags": [], "machine_type": null, "template": null, "group": null
    }]);
    assert!(!crate::support::violations(&validator, &value).is_empty());
    assert!(kedro_graph::Project::from_json(&value.to_string()).is_err());
}
