//! Typed Argo Workflows `v1alpha1` objects.
//!
//! The structs in the `gen_*` modules are generated from Argo's JSON Schema by
//! `tools/gen_types.py`: one struct per schema definition, one field per schema property, plus an
//! `extra` map (flattened) that keeps every field the schema does not define. Kubernetes types
//! (containers, volumes, metadata, ...) come from `k8s-openapi`.

mod compact;
mod gen_artifacts;
mod gen_kinds;
mod gen_params;
mod gen_spec;
mod gen_status;
mod gen_template;
mod kinds;
mod path;
mod scalar;

pub use gen_artifacts::*;
pub use gen_kinds::*;
pub use gen_params::*;
pub use gen_spec::*;
pub use gen_status::*;
pub use gen_template::*;
pub use path::{JsonPath, LazyPath, UnknownField, UnknownFields};
pub use scalar::{AnyString, FileMode};

pub(crate) use indexmap::IndexMap;
pub(crate) use path::report_extra;
pub(crate) use serde_json::{Map, Value};

use serde::{Deserialize, Serialize};

/// The `apiVersion` of every Argo kind.
pub const API_VERSION: &str = "argoproj.io/v1alpha1";

/// Argo's `Amount`: a numeric amount (histogram bucket), kept exactly as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Amount(pub serde_json::Number);

/// Argo's `Plugin` template: an object with exactly one key (the plugin name) whose value is
/// free-form. Kept verbatim; strict lint does not look inside it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Plugin(pub Map<String, Value>);

impl UnknownFields for Plugin {
    fn collect_unknown_at(&self, _path: &LazyPath<'_>, _out: &mut Vec<UnknownField>) {}
}

/// Argo's `ParallelSteps`: one group of steps of a `steps` template that run in parallel.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ParallelSteps(pub Vec<WorkflowStep>);

impl UnknownFields for ParallelSteps {
    fn collect_unknown_at(&self, path: &LazyPath<'_>, out: &mut Vec<UnknownField>) {
        self.0.collect_unknown_at(path, out);
    }
}
