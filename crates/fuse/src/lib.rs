//! argo-fuse: the `argo.yml` configuration, the fusion plan and the lowering of a Kedro
//! pipeline to an Argo Workflow. Pure: no I/O, no async.
//!
//! - [`config`]: the typed `argo.yml` ([`Config`]), accepting every key of argo-kedro 0.1.41
//!   with its defaults, plus the platform additions; unknown keys are errors naming the nearest
//!   valid key.
//! - [`names`]: DNS-1123 task and template names, deterministic and collision-free.
//! - [`plan`](mod@plan): which nodes run in which task ([`Plan`]) under a grouping strategy ([`GroupBy`]),
//!   for the whole pipeline or a partial run; memory datasets per task, the memory-crossing and
//!   cycle checks; renders as text, JSON, Mermaid and dot.
//! - [`lower`](mod@lower): a plan to an `argo_model::Workflow` that passes strict lint and the schema.
//! - [`schedule`]: a Workflow as a `CronWorkflow`, cron expressions as Argo reads them.
//! - [`versions`]: one Kedro version per workflow run (what the manifest gives the runtime hook).
//! - [`compile()`]: all of it from a [`kedro_graph::Project`]; or step by step:
//!   [`Config::from_project`], [`plan()`](fn@plan), [`lower()`](fn@lower).
//!
//! ```
//! use argo_fuse::{CompileOptions, compile};
//!
//! let project = kedro_graph::Project::from_json(r#"{
//!   "format": "argo-kedro-ir", "version": 1,
//!   "project": {"name": "Demo", "package_name": "demo", "kedro_version": "1.0.0",
//!               "argo_kedro_version": "0.1.0", "env": "cloud"},
//!   "pipelines": [{"name": "__default__",
//!     "groups": [{"name": "prep", "machine_type": null, "template": null, "tags": []}],
//!     "nodes": [
//!       {"name": "clean", "namespace": null, "func": "m.clean", "inputs": ["raw"],
//!        "outputs": ["tmp"], "tags": [], "machine_type": null, "template": null, "group": "prep"},
//!       {"name": "feature", "namespace": null, "func": "m.feature", "inputs": ["tmp"],
//!        "outputs": ["features"], "tags": [], "machine_type": null, "template": null, "group": "prep"}]}],
//!   "datasets": [
//!     {"name": "features", "kind": "dataset", "declared": true, "type": "pandas.ParquetDataset", "pattern": null, "memory": false},
//!     {"name": "raw", "kind": "dataset", "declared": true, "type": "pandas.CSVDataset", "pattern": null, "memory": false},
//!     {"name": "tmp", "kind": "dataset", "declared": false, "type": null, "pattern": null, "memory": true}],
//!   "parameters": [],
//!   "config": {"namespace": "argo", "deployment": {"image": "registry.example/demo"},
//!              "runner": {"use_memory_datasets": true},
//!              "machine_types": {"default": {"mem": 16, "cpu": 4, "num_gpu": 0}},
//!              "default_machine_type": "default"}
//! }"#)?;
//! let compiled = compile(&project, &CompileOptions::default())?;
//! let task = &compiled.plan.tasks[0];
//! assert_eq!(task.name.as_str(), "prep");
//! assert_eq!(task.nodes.len(), 2);
//! assert_eq!(task.memory_datasets[0].as_str(), "tmp");
//! assert!(compiled.plan.to_text().contains("task prep"));
//! let yaml = argo_model::Document::from(compiled.workflow).to_yaml_string()?;
//! assert!(yaml.contains("ARGO_KEDRO_MEMORY_DATASETS"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Kubernetes version
//!
//! This crate uses `k8s-openapi` types and, as a library, enables no Kubernetes version feature of
//! `k8s-openapi` (its rule: exactly one version, chosen by the final binary). The binary that
//! uses it adds `k8s-openapi = { version = "0.29", features = ["latest"] }` (or a pinned
//! `v1_xx` feature) to its own dependencies; without one, `k8s-openapi`'s build script stops with
//! "None of the v1_* features are enabled".
#![forbid(unsafe_code)]
#![warn(missing_docs)]

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod compile;
pub mod config;
pub mod error;
pub mod lower;
pub mod names;
pub mod plan;
pub mod schedule;
mod suggest;
#[cfg(test)]
mod testing;
pub mod versions;

/// The text formats of a manifest (re-exported from argo-model).
pub use argo_model::TextFormat;
#[doc(inline)]
pub use compile::{CompileOptions, Compiled, compile};
#[doc(inline)]
pub use config::Config;
#[doc(inline)]
pub use error::{CompileError, ConfigError, FuseError, LowerError, PlanError, ScheduleError};
#[doc(inline)]
pub use lower::{LowerOptions, lower};
#[doc(inline)]
pub use names::ArgoName;
#[doc(inline)]
pub use plan::{GroupBy, Plan, PlanOptions, plan};
