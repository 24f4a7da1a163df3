//! Shared helpers: the IR schema, fixture paths, loading and checking documents.

use std::path::{Path, PathBuf};

use kedro_graph::Project;
use serde_json::Value;

/// The repository's `schema/ir.schema.json`.
pub(crate) fn schema_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schema/ir.schema.json")
}

/// This crate's `tests/fixtures` directory.
pub(crate) fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// A validator for the IR schema.
pub(crate) fn validator() -> jsonschema::Validator {
    let schema = read_json(&schema_path());
    jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("invalid IR schema: {e}"))
}

/// The schema violations of `instance`, one line each.
pub(crate) fn violations(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// The `*.json` files of `dir`, sorted.
pub(crate) fn json_files(dir: &Path) -> Vec<PathBuf> {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
    let mut files: Vec<PathBuf> = entries
        .map(|entry| {
            entry
                .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
                .path()
        })
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
}

/// Validates `path` against the schema, loads it as a [`Project`] and builds the graph of every
/// pipeline, checking its topological order.
pub(crate) fn check_document(validator: &jsonschema::Validator, path: &Path) -> Project {
    let instance = read_json(path);
    let problems = violations(validator, &instance);
    assert!(
        problems.is_empty(),
        "{} does not match the IR schema:\n{}",
        path.display(),
        problems.join("\n")
    );
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let project = Project::from_json(&text)
        .unwrap_or_else(|e| panic!("{} does not load: {}", path.display(), chain(&e)));
    for pipeline in project.pipelines() {
        let graph = pipeline.graph().unwrap_or_else(|e| {
            panic!(
                "{}: pipeline `{}`: {}",
                path.display(),
                pipeline.name,
                chain(&e)
            )
        });
        assert!(graph.is_topological_order(graph.topo_order()));
        for node in &pipeline.nodes {
            for dataset in node.inputs.iter().chain(&node.outputs) {
                assert!(
                    project.dataset(dataset.as_str()).is_some(),
                    "{}: dataset `{dataset}` of node `{}` has no catalog facts",
                    path.display(),
                    node.name
                );
            }
        }
    }
    project
}

/// `error: cause: cause ...` on one line.
pub(crate) fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
