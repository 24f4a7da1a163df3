//! Layered pipelines, acyclic by construction: a node of layer `l` reads only datasets written
//! by layers `< l` (plus free inputs and parameters). Shared by the proptest strategies and the
//! large-graph tests.

use crate::ir::{DatasetFacts, DatasetKind, Group, Node, Pipeline, ProjectInfo};
use crate::names::{DatasetName, GroupName, NodeName, PipelineName};
use crate::project::Project;

/// The random choices that shape one node.
#[derive(Debug, Clone)]
pub(crate) struct NodeSpec {
    /// One raw number per input; each picks a dataset of an earlier layer, a free input or a
    /// parameter.
    pub(crate) picks: Vec<usize>,
    /// How many datasets the node writes (at least one).
    pub(crate) outputs: usize,
    /// Group choice: `group % (groups + 1)`, `0` meaning none.
    pub(crate) group: usize,
    /// Whether the node's outputs are transcoded (written as `@pandas`, read as `@spark`).
    pub(crate) transcode: bool,
}

/// Knobs of [`assemble`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Options {
    pub(crate) groups: usize,
    pub(crate) transcoding: bool,
    pub(crate) parameters: bool,
}

fn name<T: std::str::FromStr>(s: &str) -> T
where
    T::Err: std::fmt::Debug,
{
    // Generated names are valid by construction.
    s.parse()
        .unwrap_or_else(|e| unreachable!("generated name `{s}` is invalid: {e:?}"))
}

/// Builds the pipeline `pipeline_name` from per-layer node specs.
pub(crate) fn assemble(
    pipeline_name: &str,
    layers: &[Vec<NodeSpec>],
    options: Options,
) -> Pipeline {
    // (base name, transcoded) of every dataset written by an earlier layer.
    let mut pool: Vec<(String, bool)> = Vec::new();
    let mut nodes = Vec::new();
    let mut used_groups = vec![false; options.groups];
    for (l, layer) in layers.iter().enumerate() {
        let mut written = Vec::new();
        for (j, spec) in layer.iter().enumerate() {
            let mut inputs: Vec<DatasetName> = Vec::with_capacity(spec.picks.len());
            for &pick in &spec.picks {
                let input = if options.parameters && pick % 7 == 3 {
                    format!("params:p{}", pick % 3)
                } else if pool.is_empty() || pick % 5 == 0 {
                    format!("raw_{}", pick % 4)
                } else {
                    let (base, transcoded) = &pool[pick % pool.len()];
                    if *transcoded {
                        format!("{base}@spark")
                    } else {
                        base.clone()
                    }
                };
                let input: DatasetName = name(&input);
                if !inputs.contains(&input) {
                    inputs.push(input);
                }
            }
            let transcoded = options.transcoding && spec.transcode;
            let outputs = (0..spec.outputs.max(1))
                .map(|k| {
                    let base = format!("d{l}_{j}_{k}");
                    let full = if transcoded {
                        format!("{base}@pandas")
                    } else {
                        base.clone()
                    };
                    written.push((base, transcoded));
                    name(&full)
                })
                .collect();
            let group = match spec.group % (options.groups + 1) {
                0 => None,
                g => {
                    used_groups[g - 1] = true;
                    Some(name::<GroupName>(&format!("g{}", g - 1)))
                }
            };
            nodes.push(Node {
                name: name::<NodeName>(&format!("n{l}_{j}")),
                namespace: None,
                func: format!("demo.nodes.f{l}_{j}"),
                inputs,
                outputs,
                tags: Vec::new(),
                machine_type: None,
                template: None,
                group,
            });
        }
        pool.extend(written);
    }
    let groups = used_groups
        .iter()
        .enumerate()
        .filter(|(_, used)| **used)
        .map(|(g, _)| Group {
            name: name(&format!("g{g}")),
            machine_type: None,
            template: None,
            tags: Vec::new(),
        })
        .collect();
    Pipeline {
        name: name::<PipelineName>(pipeline_name),
        nodes,
        groups,
    }
}

/// A deterministic layered pipeline of `layers × width` nodes, each reading up to `fan_in`
/// datasets, shaped by `seed`.
pub(crate) fn deterministic(layers: usize, width: usize, fan_in: usize, seed: u64) -> Pipeline {
    let mut state = seed;
    let mut next = move || {
        // splitmix64
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let specs: Vec<Vec<NodeSpec>> = (0..layers)
        .map(|_| {
            (0..width)
                .map(|_| NodeSpec {
                    picks: (0..fan_in)
                        .map(|_| usize::try_from(next() >> 33).unwrap_or_default())
                        .collect(),
                    outputs: 1 + usize::from(next().is_multiple_of(4)),
                    group: usize::try_from(next() % 16).unwrap_or_default(),
                    transcode: next().is_multiple_of(8),
                })
                .collect()
        })
        .collect();
    assemble(
        "__default__",
        &specs,
        Options {
            groups: 4,
            transcoding: true,
            parameters: true,
        },
    )
}

/// A project holding `pipelines`, with catalog facts for every dataset they use; `memory`
/// decides which datasets are memory datasets.
pub(crate) fn project(pipelines: Vec<Pipeline>, memory: impl Fn(&str) -> bool) -> Project {
    let mut names: Vec<&DatasetName> = pipelines
        .iter()
        .flat_map(|p| &p.nodes)
        .flat_map(|n| n.inputs.iter().chain(&n.outputs))
        .collect();
    names.sort_unstable();
    names.dedup();
    let datasets = names
        .into_iter()
        .map(|n| {
            let parameter = n.is_parameter();
            let in_memory = !parameter && memory(n.as_str());
            DatasetFacts {
                name: n.clone(),
                kind: if parameter {
                    DatasetKind::Parameters
                } else {
                    DatasetKind::Dataset
                },
                declared: !parameter && !in_memory,
                dataset_type: (!parameter && !in_memory)
                    .then(|| "pandas.ParquetDataset".to_owned()),
                pattern: None,
                memory: in_memory,
            }
        })
        .collect();
    let info = ProjectInfo {
        name: "Generated".into(),
        package_name: "generated".into(),
        kedro_version: "1.0.0".into(),
        argo_kedro_version: "0.1.0".into(),
        env: "base".into(),
    };
    let parameters = vec!["p0".into(), "p1".into(), "p2".into()];
    Project::new(info, pipelines, datasets, parameters, None)
        .unwrap_or_else(|e| unreachable!("generated project is invalid: {e}"))
}
