//! Kedro pipelines as argo-kedro sees them: the typed IR and the validated dependency graph.
//!
//! `python -m argo_kedro.export` prints one JSON document, the IR (`argo-kedro-ir`, version
//! [`VERSION`]; see `docs/ir.md` and `schema/ir.schema.json`). This crate:
//!
//! - parses it into a [`Project`] ([`Project::from_json`]), refusing an unknown format or
//!   version first, with [`IrError`];
//! - finds a pipeline by name ([`Project::pipeline`], whose [`LookupError`] names the nearest
//!   pipelines) and the catalog facts of a dataset ([`Project::dataset`]);
//! - builds a pipeline's dependency graph, a [`PipelineGraph`] on a petgraph `DiGraph`: nodes are
//!   Kedro nodes, edges are dataset dependencies (transcoding normalised, parameters excluded),
//!   with producers and consumers per dataset, free inputs, final outputs, groups and a
//!   topological order, and it rejects what Kedro would (duplicate names, two writers of a
//!   dataset, undeclared groups, cycles) with [`GraphError`].
//!
//! Everything is linear in the size of the pipeline; it does no I/O beyond parsing and knows
//! nothing of Argo.
//!
//! ```
//! use kedro_graph::Project;
//!
//! let json = r#"{
//!   "format": "argo-kedro-ir", "version": 1,
//!   "project": {"name": "Demo", "package_name": "demo", "kedro_version": "1.0.0",
//!               "argo_kedro_version": "0.1.0", "env": "base"},
//!   "pipelines": [{"name": "__default__", "groups": [], "nodes": [
//!     {"name": "train", "namespace": null, "func": "demo.nodes.train",
//!      "inputs": ["features@spark", "params:alpha"], "outputs": ["model"], "tags": [],
//!      "machine_type": null, "template": null, "group": null},
//!     {"name": "featurize", "namespace": null, "func": "demo.nodes.featurize",
//!      "inputs": ["raw"], "outputs": ["features@pandas"], "tags": [],
//!      "machine_type": null, "template": null, "group": null}
//!   ]}],
//!   "datasets": [], "parameters": ["alpha"], "config": null
//! }"#;
//!
//! let project = Project::from_json(json)?;
//! let graph = project.pipeline("__default__")?.graph()?;
//! let order: Vec<&str> = graph
//!     .topo_order()
//!     .iter()
//!     .map(|&i| graph.node(i).name.as_str())
//!     .collect();
//! println!("{}", order.join(" -> "));
//! assert_eq!(order, ["featurize", "train"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Features
//!
//! - `proptest`: the `strategies` module, proptest strategies generating random acyclic
//!   pipelines and projects for property tests.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

pub mod error;
pub mod graph;
pub mod ir;
pub mod names;
pub mod project;

#[cfg(any(test, feature = "proptest"))]
mod layered;
#[cfg(any(test, feature = "proptest"))]
#[cfg_attr(docsrs, doc(cfg(feature = "proptest")))]
pub mod strategies;

#[doc(inline)]
pub use error::{GraphError, IrError, LookupError, NameError, NameKind};
#[doc(inline)]
pub use graph::{
    Cycle, CycleStep, DatasetId, GraphDataset, GraphGroup, GroupId, NodeIndex, PipelineGraph,
};
#[doc(inline)]
pub use ir::{
    DatasetFacts, DatasetKind, FORMAT, Filter, Group, Node, Pipeline, ProjectInfo, Selection,
    VERSION,
};
#[doc(inline)]
pub use names::{
    DatasetName, GroupName, MachineTypeName, Namespace, NodeName, PipelineName, TemplateName,
};
#[doc(inline)]
pub use project::Project;
