//! Test support: small IR projects and configurations built in code.

use std::collections::{BTreeMap, BTreeSet};

use kedro_graph::Project;
use serde_json::{Value, json};

use crate::Config;
use crate::plan::Plan;

/// A small IR project under construction: one pipeline `__default__`.
#[derive(Default)]
pub(crate) struct Fixture {
    nodes: Vec<Value>,
    groups: Vec<Value>,
    memory: BTreeSet<String>,
    parameters: Vec<String>,
}

impl Fixture {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// A node; `extra` overrides fields (`{"group": "g", "machine_type": "gpu"}`).
    pub(crate) fn node(
        mut self,
        name: &str,
        inputs: &[&str],
        outputs: &[&str],
        extra: Value,
    ) -> Self {
        let mut n = json!({
            "name": name, "namespace": null, "func": format!("pkg.nodes.{}", name.replace('.', "_")),
            "inputs": inputs, "outputs": outputs, "tags": [],
            "machine_type": null, "template": null, "group": null
        });
        merge(&mut n, extra);
        self.nodes.push(n);
        self
    }

    /// A group; `extra` overrides fields.
    pub(crate) fn group(mut self, name: &str, extra: Value) -> Self {
        let mut g = json!({"name": name, "machine_type": null, "template": null, "tags": []});
        merge(&mut g, extra);
        self.groups.push(g);
        self
    }

    /// Datasets that would be MemoryDatasets (all others are declared).
    pub(crate) fn memory(mut self, names: &[&str]) -> Self {
        self.memory.extend(names.iter().map(|s| (*s).to_owned()));
        self
    }

    /// Parameter keys of the project.
    pub(crate) fn parameters(mut self, keys: &[&str]) -> Self {
        self.parameters = keys.iter().map(|s| (*s).to_owned()).collect();
        self
    }

    pub(crate) fn json(&self, config: &Value) -> Value {
        let mut datasets: BTreeMap<String, Value> = BTreeMap::new();
        for n in &self.nodes {
            for key in ["inputs", "outputs"] {
                for d in n[key]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                {
                    let param = d.starts_with("params:") || d == "parameters";
                    let memory = !param && self.memory.contains(d.split('@').next().unwrap_or(d));
                    datasets.insert(d.to_owned(), json!({
                        "name": d, "kind": if param { "parameters" } else { "dataset" },
                        "declared": !memory && !param, "type": if memory || param { Value::Null } else { json!("pandas.ParquetDataset") },
                        "pattern": null, "memory": memory
                    }));
                }
            }
        }
        let mut groups = self.groups.clone();
        groups.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
        json!({
            "format": "argo-kedro-ir", "version": 1,
            "project": {"name": "Demo", "package_name": "demo", "kedro_version": "1.7.0",
                        "argo_kedro_version": "0.1.0", "env": "cloud"},
            "pipelines": [{"name": "__default__", "nodes": self.nodes, "groups": groups}],
            "datasets": datasets.into_values().collect::<Vec<_>>(),
            "parameters": self.parameters,
            "config": config
        })
    }

    pub(crate) fn project(&self) -> Project {
        self.project_with(config_json(json!({})))
    }

    #[allow(clippy::needless_pass_by_value)]
    pub(crate) fn project_with(&self, config: Value) -> Project {
        Project::from_json(&self.json(&config).to_string()).expect("fixture IR is valid")
    }
}

fn merge(base: &mut Value, extra: Value) {
    if let (Value::Object(b), Value::Object(e)) = (base, extra) {
        for (k, v) in e {
            match b.get_mut(&k) {
                Some(slot @ Value::Object(_)) if v.is_object() => merge(slot, v),
                _ => {
                    b.insert(k, v);
                }
            }
        }
    }
}

/// A minimal argo.yml (machine types `default` and `gpu`), with `extra` merged in.
pub(crate) fn config_json(extra: Value) -> Value {
    let mut c = json!({
        "namespace": "argo",
        "deployment": {"image": "registry.example/demo", "tag": "v1"},
        "runner": {"use_memory_datasets": false},
        "machine_types": {
            "default": {"mem": 16, "cpu": 4, "num_gpu": 0},
            "gpu": {"mem": 64, "cpu": 16, "num_gpu": 1}
        },
        "default_machine_type": "default"
    });
    merge(&mut c, extra);
    c
}

pub(crate) fn config(extra: Value) -> Config {
    Config::from_value(config_json(extra)).expect("fixture config is valid")
}

/// No extra node fields or configuration: `{}`.
pub(crate) fn none() -> Value {
    json!({})
}

/// `(task, nodes)` per task of `plan`, as text.
pub(crate) fn task_nodes(plan: &Plan) -> Vec<(String, Vec<String>)> {
    plan.tasks
        .iter()
        .map(|t| {
            (
                t.name.to_string(),
                t.nodes.iter().map(ToString::to_string).collect(),
            )
        })
        .collect()
}
