//! What the core benchmarks share: the generated IRs and the timed steps (IR load, plan,
//! lowering and serialisation of IRs of 1,000, 10,000 and 50,000 nodes; see docs/benchmarks.md).
//! `compile.rs` runs them with the binary's allocator (mimalloc), `compile_system_alloc.rs`
//! runs the whole compile with the C library's.
//!
//! The IRs are built with `kedro_graph::strategies::layered_pipeline` (layers of nodes reading up
//! to three datasets of earlier layers, parameters and transcoded outputs), then given the shape
//! of a real project: one fused group of four nodes in every third layer (nodes of one layer
//! never depend on each other, so such a group is convex), a `large` machine type on every 17th
//! node, every dataset catalogued, and an `argo.yml` in the argo-kedro 0.1.41 format.
//!
//! Filter with criterion's usual arguments, e.g. `cargo bench -p argo-fuse -- 10000`.
#![allow(dead_code)] // each bench binary uses a part

use std::hint::black_box;
use std::time::Duration;

use argo_fuse::lower::{LowerOptions, lower};
use argo_fuse::plan::{PlanOptions, plan};
use argo_fuse::{CompileOptions, Config, TextFormat, compile};
use argo_model::Document;
use criterion::measurement::WallTime;
use criterion::{BatchSize, BenchmarkGroup, BenchmarkId, Criterion, Throughput};
use kedro_graph::Project;
use kedro_graph::strategies::{layered_pipeline, project_of};
use serde_json::{Value, json};

/// (nodes, layers, width): the sizes of the issue.
const SIZES: [(usize, usize, usize); 3] = [(1_000, 50, 20), (10_000, 200, 50), (50_000, 500, 100)];

const ARGO_YML: &str = r"
namespace: argo-workflows
deployment: {image: registry.example.com/bench-project, tag: latest}
runner: {use_memory_datasets: true}
machine_types:
  default: {mem: 4, cpu: 1, num_gpu: 0}
  large: {mem: 16, cpu: 4, num_gpu: 0, emph_storage: 50}
default_machine_type: default
template:
  environment:
    - {name: APP_ENV, value: bench}
    - {name: API_TOKEN, secret_ref: {name: bench-secrets, key: API_TOKEN}}
";

/// The IR document (JSON text) of a generated project of `layers × width` nodes.
fn ir_json(layers: usize, width: usize) -> String {
    let pipeline = layered_pipeline(layers, width, 3, 42);
    let project = project_of(vec![pipeline], |_| false);
    let mut doc = serde_json::to_value(&project).expect("a project serialises");
    let config: Value = serde_norway::from_str(ARGO_YML).expect("argo.yml parses");
    doc["config"] = config;
    let mut groups = Vec::new();
    let nodes = doc["pipelines"][0]["nodes"]
        .as_array_mut()
        .expect("nodes are an array");
    for (i, node) in nodes.iter_mut().enumerate() {
        let (layer, slot) = (i / width, i % width);
        let group = (layer % 3 == 0 && slot < 4).then(|| format!("g{layer}"));
        if let Some(name) = &group
            && slot == 0
        {
            groups.push(json!({"name": name, "machine_type": null, "template": null, "tags": []}));
        }
        node["group"] = json!(group);
        node["machine_type"] = if i % 17 == 5 {
            json!("large")
        } else {
            Value::Null
        };
    }
    groups.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
    doc["pipelines"][0]["groups"] = Value::Array(groups);
    serde_json::to_string(&doc).expect("the IR serialises")
}

/// A benchmark group for IRs of `nodes` nodes (fewer samples for the large ones).
fn group<'c>(c: &'c mut Criterion, name: &str, nodes: usize) -> BenchmarkGroup<'c, WallTime> {
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Elements(nodes as u64));
    if nodes >= 10_000 {
        group.sample_size(10);
        group.measurement_time(Duration::from_secs(if nodes >= 50_000 { 20 } else { 8 }));
    }
    group
}

/// The whole core, IR text in, manifest text out (what `argo-kedro compile` adds to the
/// exporter's time), as `compile/ir_to_yaml/N` in the group `name`.
fn ir_to_yaml(group: &mut BenchmarkGroup<'_, WallTime>, nodes: usize, json: &str) {
    group.bench_with_input(BenchmarkId::new("ir_to_yaml", nodes), json, |b, json| {
        b.iter(|| {
            let project = Project::from_json(black_box(json)).expect("valid IR");
            let options = CompileOptions::default().text(TextFormat::Yaml);
            compile(&project, &options).expect("compiles").text
        });
    });
}

/// Every step, and the whole core, in the group `compile`.
pub(crate) fn steps(c: &mut Criterion) {
    for (nodes, layers, width) in SIZES {
        let json = ir_json(layers, width);
        let project = Project::from_json(&json).expect("the generated IR is valid");
        let config = Config::from_project(&project).expect("argo.yml is valid");
        let plan_options = PlanOptions::default();
        let lower_options = LowerOptions::default();
        let planned = plan(&project, &config, &plan_options).expect("the project plans");
        let workflow = lower(&planned, &config, &lower_options).expect("the plan lowers");

        let mut group = group(c, "compile", nodes);
        group.bench_with_input(BenchmarkId::new("ir_load", nodes), &json, |b, json| {
            b.iter(|| Project::from_json(black_box(json)).expect("valid IR"));
        });
        group.bench_with_input(BenchmarkId::new("plan", nodes), &project, |b, project| {
            b.iter(|| plan(black_box(project), &config, &plan_options).expect("plans"));
        });
        group.bench_with_input(BenchmarkId::new("lower", nodes), &planned, |b, planned| {
            b.iter(|| lower(black_box(planned), &config, &lower_options).expect("lowers"));
        });
        group.bench_with_input(
            BenchmarkId::new("serialise_yaml", nodes),
            &workflow,
            |b, workflow| {
                b.iter_batched(
                    || Document::from(workflow.clone()),
                    |doc| doc.to_yaml_string().expect("serialises"),
                    BatchSize::LargeInput,
                );
            },
        );
        group.bench_with_input(
            BenchmarkId::new("serialise_json", nodes),
            &workflow,
            |b, workflow| {
                b.iter_batched(
                    || Document::from(workflow.clone()),
                    |doc| doc.to_json_string().expect("serialises"),
                    BatchSize::LargeInput,
                );
            },
        );
        ir_to_yaml(&mut group, nodes, &json);
        group.finish();
    }
}

/// Only the whole core, in the group `name`.
pub(crate) fn whole(c: &mut Criterion, name: &str) {
    for (nodes, layers, width) in SIZES {
        let json = ir_json(layers, width);
        let mut group = group(c, name, nodes);
        ir_to_yaml(&mut group, nodes, &json);
        group.finish();
    }
}
