//! Typed Argo Workflows (`argoproj.io/v1alpha1`) manifests: `Workflow`, `WorkflowTemplate`,
//! `ClusterWorkflowTemplate`, `CronWorkflow` and `WorkflowEventBinding`, on `k8s-openapi` types.
//!
//! - **Types** ([`Workflow`], [`WorkflowSpec`], [`Template`], [`DagTask`], [`Parameter`], ...):
//!   public fields and `Default`, so manifests can be built in code. Every Argo struct keeps the
//!   fields it does not define in `extra`, so reading and writing a manifest loses nothing.
//! - **I/O**: [`Document`] reads and writes YAML (multi-document) and JSON. The YAML it writes
//!   ([`yaml`]) reads the same under YAML 1.1 (kubectl, the argo CLI, PyYAML) and YAML 1.2.
//! - **Lint** ([`lint`]): the single-document rules of `argo lint --strict`.
//! - **Schema** (`schema`, default feature `schema`): validation against Argo's JSON Schema
//!   (embedded). Without the feature (`default-features = false`) the crate has no jsonschema
//!   dependency: types, round trip and lint only.
//! - **Cron** ([`cron`]): `CronWorkflow` schedules (robfig/cron's `ParseStandard`), time zones
//!   (Go's `time.LoadLocation`) and concurrency policies as Argo reads and checks them.
//! - **Durations** ([`duration`]): Go's `time.ParseDuration` and Argo's `ParseStringToDuration`.
//!
//! ```
//! use argo_model::{Document, Template, Workflow, lint};
//! use k8s_openapi::api::core::v1::Container;
//!
//! let mut wf = Workflow::with_generate_name("hello-");
//! wf.spec.entrypoint = Some("main".into());
//! wf.spec.templates.push(Template {
//!     name: "main".into(),
//!     container: Some(Container { image: Some("busybox".into()), ..Container::default() }),
//!     ..Template::default()
//! });
//! let doc = Document::from(wf);
//! assert!(lint::lint(&doc, &lint::LintOptions::default()).is_empty());
//! let yaml = doc.to_yaml_string()?;
//! assert_eq!(Document::from_yaml_str(&yaml)?, vec![doc]);
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
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

pub mod cron;
mod document;
pub mod duration;
mod error;
pub mod label;
pub mod lint;
pub mod parse;
#[cfg(feature = "schema")]
#[cfg_attr(docsrs, doc(cfg(feature = "schema")))]
pub mod schema;
mod serde_forward;
mod types;
pub mod yaml;

#[doc(inline)]
pub use document::{Document, TextFormat, to_yaml_stream, yaml_values};
#[doc(inline)]
pub use error::{CronError, Error, Result, chain_message};
#[doc(inline)]
pub use parse::elide;
#[doc(inline)]
pub use types::*;
