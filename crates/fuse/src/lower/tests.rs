use argo_model::Document;
use serde_json::{Value, json};

use crate::testing::{Fixture, config_json};
use crate::{CompileOptions, FuseError, LowerOptions, TextFormat, compile};

fn yaml(f: &Fixture, config: Value, options: &CompileOptions) -> String {
    let project = f.project_with(config_json(config));
    let compiled = compile(&project, options).expect("compiles");
    let text = Document::from(compiled.workflow.clone())
        .to_yaml_string()
        .expect("yaml");
    // Deterministic: a second compile gives the same bytes.
    let again = compile(&project, options).expect("compiles");
    assert_eq!(
        Document::from(again.workflow)
            .to_yaml_string()
            .expect("yaml"),
        text
    );
    // The text written alongside the check is the same text, in either format.
    for format in [TextFormat::Yaml, TextFormat::Json] {
        let with_text = compile(&project, &options.clone().text(format)).expect("compiles");
        let expected = Document::from(with_text.workflow.clone())
            .to_text(format)
            .expect("text");
        let written = with_text.text.expect("text asked for");
        assert_eq!(
            written.trim_end_matches('\n'),
            expected.trim_end_matches('\n')
        );
        assert!(written.ends_with('\n'));
        assert_eq!(with_text.workflow, compiled.workflow);
    }
    text
}

fn fused() -> Fixture {
    Fixture::new()
        .group("preprocess_data_fused", json!({"machine_type": "default"}))
        .node(
            "preprocess_companies_node",
            &["companies"],
            &["preprocessed_companies"],
            json!({"group": "preprocess_data_fused"}),
        )
        .node(
            "preprocess_shuttles_node",
            &["shuttles"],
            &["preprocessed_shuttles"],
            json!({"group": "preprocess_data_fused"}),
        )
        .node(
            "clean_node",
            &["preprocessed_shuttles"],
            &["clean_shuttles"],
            json!({"group": "preprocess_data_fused"}),
        )
        .node(
            "create_model_input_table_node",
            &["clean_shuttles", "preprocessed_companies", "reviews"],
            &["model_input_table"],
            json!({}),
        )
        .memory(&["preprocessed_shuttles"])
}

#[test]
fn scenario_fused_group() {
    let y = yaml(
        &fused(),
        json!({"runner": {"use_memory_datasets": true}}),
        &CompileOptions::default(),
    );
    insta::assert_snapshot!("fused_group", y);
}

#[test]
fn scenario_gpu() {
    let f = Fixture::new()
        .node("featurize", &["raw"], &["features"], json!({}))
        .node(
            "train",
            &["features", "params:lr"],
            &["model"],
            json!({"machine_type": "gpu"}),
        )
        .parameters(&["lr"]);
    let c = json!({"machine_types": {"gpu": {
        "node_selector": {"cloud.google.com/gke-accelerator": "nvidia-l4"},
        "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "ml", "effect": "NoSchedule"}],
        "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
            {"matchExpressions": [{"key": "pool", "operator": "In", "values": ["gpu"]}]}]}}}
    }}});
    let opts = CompileOptions::default().lower(
        LowerOptions::default()
            .image("registry.example/demo:abc123")
            .params(vec![("lr".into(), "0.1".into())])
            .workflow_name("demo_run"),
    );
    let y = yaml(&f, c, &opts);
    assert!(!y.contains("podSpecPatch"));
    insta::assert_snapshot!("gpu", y);
}

fn neo4j() -> Value {
    json!({
        "name": "neo4j",
        "container": {
            "name": "kedro",
            "command": ["/bin/sh", "-c"],
            "env": [{"name": "NEO4J_HOST", "value": "bolt://127.0.0.1:7687"}],
            "args": "until curl -s http://localhost:7474 > /dev/null; do sleep 5; done\nkedro run -p \"{{inputs.parameters.pipeline}}\" -e \"{{inputs.parameters.environment}}\" -n \"{{inputs.parameters.kedro_nodes}}\"\n"
        },
        "sidecars": [{
            "name": "neo4j", "image": "neo4j:5.21.0-enterprise",
            "env": [{"name": "NEO4J_AUTH", "secret_ref": {"name": "neo4j", "key": "auth"}}],
            "volume_mounts": [{"name": "license", "mount_path": "/licenses"}]
        }],
        "volumes": [{"name": "license", "secret_ref": {"name": "neo4j", "key": "license", "path": "license.txt"}}]
    })
}

#[test]
fn scenario_custom_template_with_sidecar() {
    let f = Fixture::new()
        .node("build_graph", &["nodes"], &["graph"], json!({}))
        .node(
            "run_neo4j_graph_algorithm",
            &["graph"],
            &["output"],
            json!({"template": "neo4j"}),
        );
    let y = yaml(
        &f,
        json!({"template": {"templates": [neo4j()]}}),
        &CompileOptions::default(),
    );
    insta::assert_snapshot!("custom_template_sidecar", y);
}

#[test]
fn scenario_init_template_and_secrets() {
    let f =
        Fixture::new()
            .node("a", &["raw"], &["x"], json!({}))
            .node("b", &["x"], &["y"], json!({}));
    let c = json!({
        "template": {
            "environment": [
                {"name": "TOKEN", "secret_ref": {"name": "secret", "key": "TOKEN"}},
                {"name": "MLFLOW_TRACKING_URI", "value": "http://mlflow:5000"}
            ],
            "templates": [{
                "name": "init-mlflow-run",
                "container": {"name": "init-mlflow-run", "command": ["python", "-c"],
                              "args": "import mlflow\nopen('/tmp/mlflow_run_id', 'w').write('1')\n"},
                "outputs": {"parameters": [{"name": "mlflow_run_id", "path": "/tmp/mlflow_run_id"}]}
            }],
            "init_templates": ["init-mlflow-run"]
        },
        "retry_strategy": {"limit": 2, "retry_policy": "OnError", "backoff": {"duration": "30s", "factor": 2}},
        "retry_overrides": {"b": {"limit": 0}},
        "ttl_strategy": {"seconds_after_success": 3600},
        "pod_gc": {"strategy": "OnPodSuccess"},
        "service_account": "argo-runner",
        "labels": {"team": "ml"},
        "annotations": {"owner": "ml-platform"}
    });
    let y = yaml(&f, c, &CompileOptions::default());
    assert!(!y.contains("ka.random"));
    insta::assert_snapshot!("init_template_secrets", y);
}

#[test]
fn scenario_name_collisions() {
    let f = Fixture::new()
        .node("ns.load_data", &["raw"], &["a"], json!({}))
        .node("ns_load.data", &["raw"], &["b"], json!({}))
        .node("ns-load-data", &["raw"], &["c"], json!({}))
        .node("Pipeline", &["a", "b", "c"], &["d"], json!({}))
        .node(&"very_long_node_name".repeat(5), &["d"], &["e"], json!({}));
    let y = yaml(
        &f,
        json!({"deployment": {"tag": "${ka.random:}"}}),
        &CompileOptions::default(),
    );
    insta::assert_snapshot!("name_collisions", y);
}

#[test]
fn unknown_params_and_env_mismatch_are_errors() {
    let project = fused().project_with(config_json(json!({})));
    let opts = CompileOptions::default()
        .lower(LowerOptions::default().params(vec![("lr".into(), "1".into())]));
    assert!(matches!(
        compile(&project, &opts),
        Err(FuseError::Compile(_))
    ));
    let project = fused()
        .parameters(&["lr"])
        .project_with(config_json(json!({})));
    let opts = CompileOptions::default()
        .lower(LowerOptions::default().params(vec![("lr".into(), "1,2".into())]));
    assert!(matches!(
        compile(&project, &opts),
        Err(FuseError::Compile(crate::CompileError::ParamValue { .. }))
    ));
    let opts = CompileOptions::default().env("base");
    let err = compile(&project, &opts).expect_err("mismatch");
    assert!(
        err.to_string().contains("exported for Kedro env `cloud`"),
        "{err}"
    );
}

#[test]
fn invalid_custom_template_references_fail_the_compile() {
    let f = Fixture::new().node("a", &["raw"], &["x"], json!({"template": "bad"}));
    let c = json!({"template": {"templates": [{"name": "bad", "container": {"name": "c", "command": ["sh"], "args": "echo {{inputs.parameters.nope}}"}}]}});
    let project = f.project_with(config_json(c));
    let err = compile(&project, &CompileOptions::default()).expect_err("lint");
    assert!(
        matches!(err, FuseError::Lower(crate::LowerError::Invalid { .. })),
        "{err}"
    );
    // Asked for text, the check (on its own thread) still fails the compile: no text.
    let options = CompileOptions::default().text(TextFormat::Yaml);
    let err = compile(&project, &options).expect_err("lint");
    assert!(
        matches!(err, FuseError::Lower(crate::LowerError::Invalid { .. })),
        "{err}"
    );
}

#[test]
fn memory_crossing_fails_the_compile() {
    let f = Fixture::new()
        .node("a", &["raw"], &["x"], json!({}))
        .node("b", &["x"], &["y"], json!({}))
        .memory(&["x"]);
    let err = compile(&f.project(), &CompileOptions::default()).expect_err("crossing");
    assert!(err.to_string().contains("`x`"));
    assert!(!err.hints().is_empty());
}

#[test]
fn retry_expression_reaches_the_templates() {
    let c = json!({"retry_strategy": {"limit": 3, "retry_policy": "Always",
                                      "expression": "lastRetry.status == 'Error'"}});
    let project = fused().project_with(config_json(c));
    let wf = compile(&project, &CompileOptions::default())
        .expect("compiles")
        .workflow;
    let expressions: Vec<Option<&str>> = wf
        .spec
        .templates
        .iter()
        .filter_map(|t| t.retry_strategy.as_ref())
        .map(|r| r.expression.as_deref())
        .collect();
    assert!(!expressions.is_empty());
    assert!(
        expressions
            .iter()
            .all(|e| *e == Some("lastRetry.status == 'Error'")),
        "{expressions:?}"
    );
}

#[test]
fn a_partial_run_is_named_and_labelled_as_such() {
    let f = fused();
    let project = f.project_with(config_json(json!({})));
    let selection: kedro_graph::Selection = serde_json::from_value(json!({
        "pipeline": "__default__",
        "filter": {"nodes": [], "from_nodes": ["clean_node"], "to_nodes": [], "tags": []},
        "nodes": ["clean_node", "create_model_input_table_node"]
    }))
    .expect("valid selection");
    // Recorded in the IR, the selection applies without being asked for.
    let project = project.with_selection(Some(selection));
    let options = CompileOptions::default().group_by(crate::GroupBy::Chains);
    let compiled = compile(&project, &options).expect("compiles");
    let meta = &compiled.workflow.metadata;
    assert_eq!(meta.generate_name.as_deref(), Some("demo-default-partial-"));
    let labels = meta.labels.as_ref().expect("labels");
    assert_eq!(labels["argo-kedro.io/partial"], "true");
    assert_eq!(labels["argo-kedro.io/filter"], "from-nodes-clean_node");
    assert_eq!(labels["argo-kedro.io/grouping"], "chains");
    let annotations = meta.annotations.as_ref().expect("annotations");
    assert_eq!(
        annotations["argo-kedro.io/filter"],
        "--from-nodes=clean_node"
    );
    // The fused group the filter cuts runs whole, with its memory dataset.
    let plan = &compiled.plan;
    assert_eq!(plan.node_count(), 4);
    assert_eq!(plan.partial.as_ref().map(|p| p.selected), Some(2));
    // Without a selection: no partial labels, the name of a full run.
    let full = compile(
        &f.project_with(config_json(json!({}))),
        &CompileOptions::default(),
    )
    .expect("compiles");
    let labels = full.workflow.metadata.labels.expect("labels");
    assert!(!labels.contains_key("argo-kedro.io/partial"));
    assert!(!labels.contains_key("argo-kedro.io/grouping"));
    assert_eq!(
        full.workflow.metadata.generate_name.as_deref(),
        Some("demo-default-")
    );
}
