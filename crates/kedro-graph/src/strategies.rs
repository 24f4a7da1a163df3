//! Proptest strategies: random pipelines and projects that are acyclic by construction.
//!
//! Nodes come in layers; a node reads only datasets written by earlier layers, free inputs
//! (`raw_*`) and parameters (`params:p*`), so every generated pipeline builds a valid
//! [`PipelineGraph`](crate::PipelineGraph). Optionally, outputs are transcoded (written as
//! `d@pandas`, read as `d@spark`) and nodes join random groups `g*`, which need not be convex.
//!
//! ```
//! use proptest::strategy::{Strategy, ValueTree};
//! use proptest::test_runner::TestRunner;
//! use kedro_graph::strategies::{DagParams, pipeline};
//!
//! let mut runner = TestRunner::deterministic();
//! let tree = pipeline(DagParams::default().groups(2))
//!     .new_tree(&mut runner)
//!     .map_err(|reason| reason.to_string())?;
//! let generated = tree.current();
//! let graph = generated.graph()?;
//! assert!(graph.is_topological_order(graph.topo_order()));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::ops::RangeInclusive;

use proptest::collection::vec;
use proptest::prelude::{Strategy, any};

use crate::ir::Pipeline;
use crate::layered::{self, NodeSpec, Options};
use crate::project::Project;

/// The shape of generated pipelines. Build with [`Default`] and the chained setters.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DagParams {
    /// Number of layers.
    pub layers: RangeInclusive<usize>,
    /// Nodes per layer.
    pub width: RangeInclusive<usize>,
    /// Most inputs a node reads.
    pub max_fan_in: usize,
    /// Number of groups nodes may join (`0`: no groups).
    pub groups: usize,
    /// Whether some outputs are transcoded.
    pub transcoding: bool,
    /// Whether some inputs are parameters.
    pub parameters: bool,
}

impl Default for DagParams {
    /// 1–6 layers of 1–5 nodes, up to 3 inputs each, no groups, with transcoding and parameters.
    fn default() -> Self {
        Self {
            layers: 1..=6,
            width: 1..=5,
            max_fan_in: 3,
            groups: 0,
            transcoding: true,
            parameters: true,
        }
    }
}

impl DagParams {
    /// Sets the number of layers.
    #[must_use]
    pub fn layers(mut self, layers: RangeInclusive<usize>) -> Self {
        self.layers = layers;
        self
    }

    /// Sets the number of nodes per layer.
    #[must_use]
    pub fn width(mut self, width: RangeInclusive<usize>) -> Self {
        self.width = width;
        self
    }

    /// Sets the most inputs a node reads.
    #[must_use]
    pub fn max_fan_in(mut self, max_fan_in: usize) -> Self {
        self.max_fan_in = max_fan_in;
        self
    }

    /// Sets the number of groups nodes may join (`0`: no groups).
    #[must_use]
    pub fn groups(mut self, groups: usize) -> Self {
        self.groups = groups;
        self
    }

    /// Sets whether some outputs are transcoded.
    #[must_use]
    pub fn transcoding(mut self, transcoding: bool) -> Self {
        self.transcoding = transcoding;
        self
    }

    /// Sets whether some inputs are parameters.
    #[must_use]
    pub fn parameters(mut self, parameters: bool) -> Self {
        self.parameters = parameters;
        self
    }

    fn options(&self) -> Options {
        Options {
            groups: self.groups,
            transcoding: self.transcoding,
            parameters: self.parameters,
        }
    }
}

fn node_spec(max_fan_in: usize) -> impl Strategy<Value = NodeSpec> {
    (
        vec(any::<usize>(), 0..=max_fan_in),
        1..=2usize,
        any::<usize>(),
        any::<bool>(),
    )
        .prop_map(|(picks, outputs, group, transcode)| NodeSpec {
            picks,
            outputs,
            group,
            transcode,
        })
}

/// Random pipelines named `__default__`, acyclic by construction, shaped by `params`.
pub fn pipeline(params: DagParams) -> impl Strategy<Value = Pipeline> {
    let options = params.options();
    let DagParams {
        layers,
        width,
        max_fan_in,
        ..
    } = params;
    vec(vec(node_spec(max_fan_in), width), layers)
        .prop_map(move |layers| layered::assemble("__default__", &layers, options))
}

/// Random projects holding one [`pipeline`] with catalog facts for all its datasets; about a
/// third of the datasets are memory datasets (undeclared), the others declared.
pub fn project(params: DagParams) -> impl Strategy<Value = Project> {
    (pipeline(params), any::<u64>()).prop_map(|(pipeline, seed)| {
        layered::project(vec![pipeline], move |name| {
            fnv1a(name, seed).is_multiple_of(3)
        })
    })
}

/// A deterministic layered pipeline of `layers × width` nodes, each reading up to `fan_in`
/// datasets, with up to four groups; `seed` picks the edges. For benchmarks and tests of large
/// graphs.
///
/// ```
/// let pipeline = kedro_graph::strategies::layered_pipeline(10, 10, 3, 7);
/// assert_eq!(pipeline.nodes.len(), 100);
/// assert!(pipeline.graph().is_ok());
/// ```
pub fn layered_pipeline(layers: usize, width: usize, fan_in: usize, seed: u64) -> Pipeline {
    layered::deterministic(layers, width, fan_in, seed)
}

/// A project holding `pipelines` (distinct names) with catalog facts for all their datasets;
/// `memory` decides which datasets are memory datasets.
///
/// # Panics
/// If two pipelines have the same name.
pub fn project_of(pipelines: Vec<Pipeline>, memory: impl Fn(&str) -> bool) -> Project {
    layered::project(pipelines, memory)
}

fn fnv1a(s: &str, seed: u64) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325 ^ seed, |hash, b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
