use serde_json::{Value, json};

use super::*;

/// A configuration with every key, old and new, set.
pub(crate) fn full() -> Value {
    json!({
        "namespace": "argo-workflows",
        "deployment": {
            "image": "registry/image", "tag": "v1", "target_platform": "linux/arm64",
            "context": ".", "dockerfile": "docker/Dockerfile", "image_pull_policy": "IfNotPresent"
        },
        "runner": {"use_memory_datasets": true},
        "machine_types": {
            "default": {"mem": 16, "cpu": 4, "num_gpu": 0, "on_oom": "gpu"},
            "gpu": {
                "mem": 64, "cpu": 16, "num_gpu": 1, "emph_storage": 100,
                "node_selector": {"cloud.google.com/gke-accelerator": "nvidia-l4"},
                "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "ml",
                                 "effect": "NoExecute", "toleration_seconds": 60}],
                "affinity": {"nodeAffinity": {}}
            }
        },
        "default_machine_type": "default",
        "template": {
            "templates": [{
                "name": "neo4j",
                "container": {
                    "name": "kedro", "command": ["/bin/sh", "-c"],
                    "env": [{"name": "NEO4J_HOST", "value": "bolt://127.0.0.1:7687"},
                            {"name": "PW", "secret_ref": {"name": "s", "key": "pw", "path": "p"}}],
                    "args": "kedro run -p \"{{inputs.parameters.pipeline}}\""
                },
                "outputs": {"parameters": [{"name": "out", "path": "/tmp/out"}]},
                "sidecars": [{
                    "name": "neo4j", "image": "neo4j:5",
                    "env": [{"name": "PW", "secret_ref": {"name": "s", "key": "pw", "path": "p"}},
                            {"name": "X", "value": "1"}],
                    "volume_mounts": [{"name": "cert", "mount_path": "/cert", "read_only": false}]
                }],
                "volumes": [{"name": "cert", "secret_ref": {"name": "s", "key": "c", "path": "c.pem"}}]
            }],
            "environment": [{"name": "TOKEN", "secret_ref": {"name": "secret", "key": "TOKEN", "path": "t"}},
                            {"name": "PLAIN", "value": "v"}],
            "init_templates": ["neo4j"],
            "emph_storage_mount_path": "/scratch",
            "default_template": "kedro"
        },
        "retry_strategy": {"limit": 2, "retry_policy": "OnError",
                           "backoff": {"duration": "10s", "factor": 2, "max_duration": "5m"},
                           "expression": "lastRetry.message matches 'pod deleted'"},
        "retry_overrides": {"train": {"limit": 0, "retry_policy": "Always",
                                       "backoff": {"duration": "1s", "factor": 3, "max_duration": "1m"},
                                       "expression": "lastRetry.status == 'Error'"}},
        "ttl_strategy": {"seconds_after_completion": 1, "seconds_after_success": 2, "seconds_after_failure": 3},
        "pod_gc": {"strategy": "OnPodSuccess", "delete_delay_duration": "30s"},
        "service_account": "argo-runner",
        "labels": {"team": "ml"},
        "annotations": {"owner": "me"},
        "ui_link": "https://argo.example/workflows/{namespace}/{name}",
        "grouping": "namespace",
        "schedule": {"cron": "0 2 * * *", "timezone": "Europe/Paris",
                     "concurrency_policy": "Replace", "starting_deadline": 300}
    })
}

fn minimal() -> Value {
    json!({
        "namespace": "ns",
        "deployment": {"image": "img"},
        "runner": {"use_memory_datasets": false},
        "machine_types": {"default": {"mem": 16, "cpu": 4, "num_gpu": 0}},
        "default_machine_type": "default"
    })
}

fn paths(v: &Value, prefix: &str, out: &mut Vec<String>) {
    if let Value::Object(m) = v {
        for (k, v) in m {
            let p = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            out.push(p.clone());
            // Free-form maps and pass-through objects: their keys are data, not schema.
            if !matches!(
                k.as_str(),
                "labels"
                    | "annotations"
                    | "node_selector"
                    | "affinity"
                    | "retry_overrides"
                    | "machine_types"
            ) {
                paths(v, &p, out);
            } else if k == "machine_types" || k == "retry_overrides" {
                for (_, inner) in v.as_object().into_iter().flatten() {
                    paths(inner, &format!("{p}.*"), out);
                }
            }
        }
    } else if let Value::Array(items) = v {
        for i in items {
            paths(i, &format!("{prefix}[]"), out);
        }
    }
}

fn shape_paths(shape: &keys::Shape, prefix: &str, out: &mut Vec<String>) {
    match shape {
        keys::Shape::Struct(fields) => {
            for (k, s) in *fields {
                let p = if prefix.is_empty() {
                    (*k).to_owned()
                } else {
                    format!("{prefix}.{k}")
                };
                out.push(p.clone());
                shape_paths(s, &p, out);
            }
        }
        keys::Shape::Map(inner) => {
            if matches!(inner, keys::Shape::Struct(_)) {
                shape_paths(inner, &format!("{prefix}.*"), out);
            }
        }
        keys::Shape::List(inner) => shape_paths(inner, &format!("{prefix}[]"), out),
        keys::Shape::Any => {}
    }
}

#[test]
fn every_key_round_trips_and_the_key_tree_matches_serde() {
    let config = Config::from_value(full()).expect("full config parses");
    let back = serde_json::to_value(&config).expect("serialises");
    let mut want = Vec::new();
    paths(&full(), "", &mut want);
    let mut got = Vec::new();
    paths(&back, "", &mut got);
    let mut tree = Vec::new();
    shape_paths(&keys::ROOT, "", &mut tree);
    for list in [&mut want, &mut got, &mut tree] {
        list.sort();
        list.dedup();
    }
    assert_eq!(got, want, "serialisation drops or adds keys");
    assert_eq!(tree, want, "keys.rs and the serde structs disagree");
}

#[test]
fn defaults_are_those_of_0_1_41() {
    let mut v = minimal();
    v.as_object_mut().map(|m| m.remove("runner"));
    let c = Config::from_value(v).expect("parses");
    assert_eq!(c.deployment.tag, "latest");
    assert_eq!(c.deployment.target_platform, "linux/amd64");
    assert_eq!(c.deployment.context, "./");
    assert_eq!(c.deployment.dockerfile, "Dockerfile");
    assert_eq!(c.deployment.image_pull_policy, ImagePullPolicy::Always);
    assert!(!c.runner.use_memory_datasets);
    assert_eq!(c.machine_types["default"].emph_storage, 10);
    assert_eq!(c.template, TemplateConfig::default());
    assert_eq!(c.template.emph_storage_mount_path, "/data");
    assert_eq!(c.template.default_template.as_str(), "kedro");
    assert!(c.retry_strategy.is_none() && c.ui_link.is_none());
}

#[test]
fn reads_the_0_1_41_readme_config() {
    let yaml = r#"
namespace: argo-workflows
deployment:
  image: registry/image
  tag: ${ka.random:}
runner:
  use_memory_datasets: true
machine_types:
  default: {mem: 16, cpu: 4, num_gpu: 0}
  g2-standard-4: {mem: "16", cpu: 4.0, num_gpu: 1}
default_machine_type: default
template:
  environment:
    - name: TOKEN
      secret_ref: {name: secret, key: TOKEN}
  templates:
    - name: neo4j
      container:
        name: kedro
        command: ["/bin/sh", "-c"]
        env:
          - name: NEO4J_HOST
            value: "bolt://127.0.0.1:7687"
        args: |
          kedro run -p "{{inputs.parameters.pipeline}}" -e "{{inputs.parameters.environment}}" -n "{{inputs.parameters.kedro_nodes}}"
      sidecars:
        - name: neo4j
          image: neo4j:5.21.0-enterprise
    - name: init-mlflow-run
      container:
        name: init-mlflow-run
        command: ["python", "-c"]
        args: |
          print(1)
      outputs:
        parameters:
          - name: mlflow_run_id
            path: /tmp/mlflow_run_id
  init_templates: ["init-mlflow-run"]
"#;
    let c = Config::from_yaml_str(yaml).expect("parses");
    assert!(c.deployment.tag_is_random());
    assert_eq!(c.machine_types["g2-standard-4"].mem, 16);
    assert_eq!(c.template.templates.len(), 2);
    assert_eq!(c.template.init_templates[0].as_str(), "init-mlflow-run");
    assert_eq!(c.template.templates[0].sidecars[0].env, vec![]);
}

#[test]
fn template_may_be_empty() {
    let mut v = minimal();
    v["template"] = Value::Null;
    assert!(Config::from_value(v).is_ok());
}

#[test]
fn unknown_keys_name_path_and_nearest() {
    let mut v = minimal();
    v["deployment"]["imgae"] = json!("x");
    match Config::from_value(v) {
        Err(ConfigError::UnknownKey { path, nearest }) => {
            assert_eq!(path, "deployment.imgae");
            assert_eq!(nearest.as_deref(), Some("image"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn type_errors_name_the_path() {
    let mut v = minimal();
    v["machine_types"]["default"]["cpu"] = json!("four");
    match Config::from_value(v) {
        Err(ConfigError::Invalid { path, .. }) => assert_eq!(path, "machine_types.default.cpu"),
        other => panic!("{other:?}"),
    }
    let mut v = minimal();
    v.as_object_mut().map(|m| m.remove("namespace"));
    assert!(matches!(
        Config::from_value(v),
        Err(ConfigError::Invalid { .. })
    ));
    assert!(matches!(
        Config::from_value(Value::Null),
        Err(ConfigError::Missing)
    ));
    assert!(matches!(
        Config::from_yaml_str("a: [b"),
        Err(ConfigError::Yaml { .. })
    ));
}

#[test]
fn references_are_checked() {
    let mut v = minimal();
    v["default_machine_type"] = json!("defualt");
    match Config::from_value(v) {
        Err(ConfigError::UnknownMachineType { name, nearest }) => {
            assert_eq!(name, "defualt");
            assert_eq!(nearest, vec!["default".to_owned()]);
        }
        other => panic!("{other:?}"),
    }
    let mut v = full();
    v["template"]["init_templates"] = json!(["neo4k"]);
    assert!(matches!(
        Config::from_value(v),
        Err(ConfigError::UnknownTemplate { ref nearest, .. }) if nearest == &["neo4j".to_owned()]
    ));
    let mut v = full();
    v["template"]["default_template"] = json!("nope");
    assert!(matches!(
        Config::from_value(v),
        Err(ConfigError::UnknownTemplate { .. })
    ));
    let mut v = full();
    let t = v["template"]["templates"][0].clone();
    v["template"]["templates"] = json!([t.clone(), t]);
    assert!(matches!(
        Config::from_value(v),
        Err(ConfigError::DuplicateTemplate { .. })
    ));
}

#[test]
fn env_needs_exactly_one_source() {
    let mut v = full();
    v["template"]["environment"] =
        json!([{"name": "A", "value": "x", "secret_ref": {"name": "s", "key": "k"}}]);
    match Config::from_value(v) {
        Err(ConfigError::EnvVar { path, name }) => {
            assert_eq!(path, "template.environment[0]");
            assert_eq!(name, "A");
        }
        other => panic!("{other:?}"),
    }
    let mut v = full();
    v["template"]["templates"][0]["sidecars"][0]["env"] = json!([{"name": "B"}]);
    assert!(matches!(
        Config::from_value(v),
        Err(ConfigError::EnvVar { .. })
    ));
}

#[test]
fn machine_type_lookup_suggests() {
    let c = Config::from_value(full()).expect("parses");
    assert!(c.machine_type("gpu").is_ok());
    let err = c.machine_type("gpus").expect_err("unknown");
    assert_eq!(
        err.to_string(),
        "unknown machine type `gpus`; nearest defined: `gpu`, `default`"
    );
}

/// `full()` with `value` set at the JSON pointer `pointer`.
fn full_with(pointer: &str, value: Value) -> Value {
    let mut config = full();
    *config.pointer_mut(pointer).unwrap() = value;
    config
}

#[test]
fn values_the_api_server_refuses_name_their_field_and_the_nearest_valid_form() {
    let cases = [
        (
            "/namespace",
            json!("Team_A"),
            "`namespace` in argo.yml is not a DNS-1123 label",
            Some("team-a"),
        ),
        (
            "/deployment/image",
            json!("Registry.example/Team/App"),
            "`deployment.image` in argo.yml is not an image repository",
            Some("registry.example/team/app"),
        ),
        (
            "/deployment/image",
            json!("registry/app:v1"),
            "`deployment.image`",
            Some("registry/app"),
        ),
        (
            "/deployment/tag",
            json!("v1 final"),
            "`deployment.tag` in argo.yml is not an image tag",
            Some("v1-final"),
        ),
        (
            "/template/templates/0/container/env/0/name",
            json!("NEO4J HOST"),
            "`template.templates[0].container.env[0].name` in argo.yml is not an environment variable name",
            Some("NEO4J_HOST"),
        ),
        (
            "/template/templates/0/sidecars/0/env/0/secret_ref/name",
            json!("My_Secret"),
            "`template.templates[0].sidecars[0].env[0].secret_ref.name` in argo.yml is not a DNS-1123 subdomain",
            Some("my-secret"),
        ),
        (
            "/template/templates/0/container/name",
            json!("Kedro Main"),
            "`template.templates[0].container.name` in argo.yml is not a DNS-1123 label",
            Some("kedro-main"),
        ),
        (
            "/template/templates/0/sidecars/0/image",
            json!("{{workflow.parameters.image}}"),
            "`template.templates[0].sidecars[0].image` in argo.yml is not an image reference",
            None,
        ),
        (
            "/machine_types/gpu/node_selector",
            json!({"pool": "gpu pool"}),
            "`machine_types.gpu.node_selector.pool` in argo.yml is not a label value",
            Some("gpu-pool"),
        ),
    ];
    for (pointer, value, message, nearest) in cases {
        let err = Config::from_value(full_with(pointer, value)).unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with(message), "{pointer}: {text}");
        match (&err, nearest) {
            (ConfigError::InvalidValue { nearest: got, .. }, want) => {
                assert_eq!(got.as_deref(), want, "{pointer}: {text}");
            }
            _ => panic!("{pointer}: {err:?}"),
        }
    }
    // Labels: a key and a value.
    let mut config = full();
    config["labels"] = json!({"team name": "ml"});
    let err = Config::from_value(config).unwrap_err().to_string();
    assert!(
        err.contains("`labels.team name` in argo.yml is not a label or annotation key"),
        "{err}"
    );
    // The random tag placeholder is not a tag and needs none.
    assert!(Config::from_value(full_with("/deployment/tag", json!("${ka.random:}"))).is_ok());
}

#[test]
fn an_echoed_value_is_cut() {
    let err = Config::from_value(full_with("/namespace", json!("X".repeat(10_000)))).unwrap_err();
    assert!(err.to_string().len() < 800, "{}", err.to_string().len());
}

fn with_machine_types(types: Value) -> Result<Config, ConfigError> {
    let mut v = minimal();
    v["machine_types"] = types;
    Config::from_value(v)
}

#[test]
fn on_oom_ladders_are_checked() {
    let err = |types: Value| with_machine_types(types).unwrap_err().to_string();
    assert_eq!(
        err(
            json!({"default": {"mem": 16, "cpu": 4, "num_gpu": 0, "on_oom": "highmme"},
                   "highmem": {"mem": 64, "cpu": 4, "num_gpu": 0}})
        ),
        "unknown machine type `highmme` at `machine_types.default.on_oom`; nearest defined: \
         `highmem`, `default`"
    );
    assert_eq!(
        err(
            json!({"default": {"mem": 16, "cpu": 4, "num_gpu": 0, "on_oom": "big"},
                   "big": {"mem": 64, "cpu": 4, "num_gpu": 0, "on_oom": "huge"},
                   "huge": {"mem": 128, "cpu": 4, "num_gpu": 0, "on_oom": "big"}})
        ),
        "the `on_oom` of machine_types make a cycle: `big` -> `huge` -> `big`; a memory ladder \
         must end at a machine type without `on_oom`"
    );
    assert_eq!(
        err(json!({"default": {"mem": 16, "cpu": 4, "num_gpu": 0, "on_oom": "default"}})),
        "the `on_oom` of machine_types make a cycle: `default` -> `default`; a memory ladder \
         must end at a machine type without `on_oom`"
    );
    assert_eq!(
        err(
            json!({"default": {"mem": 16, "cpu": 4, "num_gpu": 0, "on_oom": "small"},
                   "small": {"mem": 8, "cpu": 8, "num_gpu": 0}})
        ),
        "`machine_types.default.on_oom` is `small`, which has 8 GiB of memory, not more than \
         the 16 GiB of `default`"
    );
    let config = with_machine_types(json!({
        "default": {"mem": 16, "cpu": 4, "num_gpu": 0, "on_oom": "big"},
        "big": {"mem": 64, "cpu": 4, "num_gpu": 0, "on_oom": "huge"},
        "huge": {"mem": 128, "cpu": 4, "num_gpu": 0}
    }))
    .unwrap();
    let names: Vec<&str> = config
        .ladder("default")
        .iter()
        .map(|(n, _)| n.as_str())
        .collect();
    assert_eq!(names, ["default", "big", "huge"]);
    assert!(config.ladder("nope").is_empty());
}

#[test]
fn schedule_is_checked_when_read() {
    let mut v = minimal();
    v["schedule"] = json!({"cron": "0 2 * * *", "timezone": "Mars/Base"});
    let err = Config::from_value(v).unwrap_err();
    assert_eq!(err.to_string(), "invalid `schedule` in argo.yml");
    let cause = std::error::Error::source(&err).unwrap().to_string();
    assert!(cause.contains("unknown time zone `Mars/Base`"), "{cause}");
    let mut v = minimal();
    v["schedule"] = json!({"cron": "@daily", "concurrency_policy": "Sometimes"});
    assert!(Config::from_value(v).is_err());
    let mut v = minimal();
    v["schedule"] = json!({"cron": "@daily"});
    let s = Config::from_value(v).unwrap().schedule.unwrap();
    assert_eq!((s.cron.as_str(), s.concurrency_policy), ("@daily", None));
}
