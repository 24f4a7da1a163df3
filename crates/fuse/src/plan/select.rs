//! Partial runs: the nodes Kedro's filter selects, extended to whole fused groups.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde::Serialize;

use kedro_graph::{Filter, GroupName, NodeName, Pipeline, PipelineGraph, Project, Selection};

use crate::error::PlanError;
use crate::suggest;

/// A fused group the filter cuts, planned whole: its memory datasets have no other writer, so
/// its members run together or not at all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Completion {
    /// The group.
    pub group: GroupName,
    /// Its members the filter left out, added back (pipeline order).
    pub added: Vec<NodeName>,
}

/// What [`extend_selection`] plans: the selection plus the rest of every group it cuts.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Extension {
    /// The pipeline restricted to the planned nodes (pipeline order) and their groups.
    pub pipeline: Pipeline,
    /// How many nodes Kedro's filter selects.
    pub selected: usize,
    /// The groups the filter cuts, in group order.
    pub completed: Vec<Completion>,
}

/// The part of `pipeline` that `selection` plans: the nodes Kedro's `Pipeline.filter(...)`
/// selected, plus the other members of every fused group the filter cuts.
///
/// Errors: the selection is for another pipeline ([`PlanError::SelectionPipeline`]); its filter
/// names a node or tag the pipeline does not have ([`PlanError::UnknownFilterNode`],
/// [`PlanError::UnknownFilterTag`], naming the nearest); Kedro refused it
/// ([`PlanError::FilterRefused`]) or it selects nothing ([`PlanError::EmptySelection`]).
///
/// ```
/// use argo_fuse::plan::extend_selection;
///
/// let pipeline: kedro_graph::Pipeline = serde_json::from_str(r#"{"name": "__default__",
///   "groups": [{"name": "prep", "machine_type": null, "template": null, "tags": []}],
///   "nodes": [
///     {"name": "clean", "namespace": null, "func": "m.clean", "inputs": ["raw"], "outputs": ["tmp"],
///      "tags": [], "machine_type": null, "template": null, "group": "prep"},
///     {"name": "feature", "namespace": null, "func": "m.feature", "inputs": ["tmp"],
///      "outputs": ["features"], "tags": [], "machine_type": null, "template": null, "group": "prep"},
///     {"name": "train", "namespace": null, "func": "m.train", "inputs": ["features"],
///      "outputs": ["model"], "tags": [], "machine_type": null, "template": null, "group": null}]}"#)?;
/// let selection: kedro_graph::Selection = serde_json::from_str(r#"{"pipeline": "__default__",
///   "filter": {"nodes": [], "from_nodes": ["feature"], "to_nodes": [], "tags": []},
///   "nodes": ["feature", "train"]}"#)?;
/// let extension = extend_selection(&pipeline, &selection)?;
/// assert_eq!(extension.pipeline.nodes.len(), 3, "`clean` comes back with its group");
/// assert_eq!(extension.completed[0].added[0].as_str(), "clean");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn extend_selection(
    pipeline: &Pipeline,
    selection: &Selection,
) -> Result<Extension, PlanError> {
    if selection.pipeline != pipeline.name {
        return Err(PlanError::SelectionPipeline {
            selection: selection.pipeline.clone(),
            planned: pipeline.name.clone(),
        });
    }
    check_filter(pipeline, &selection.filter)?;
    let Some(nodes) = &selection.nodes else {
        return Err(PlanError::FilterRefused {
            pipeline: pipeline.name.clone(),
        });
    };
    let known: HashSet<&str> = pipeline.nodes.iter().map(|n| n.name.as_str()).collect();
    if let Some(unknown) = nodes.iter().find(|n| !known.contains(n.as_str())) {
        return Err(PlanError::UnknownFilterNode {
            pipeline: pipeline.name.clone(),
            name: unknown.to_string(),
            nearest: nearest_nodes(pipeline, unknown.as_str()),
        });
    }
    if nodes.is_empty() {
        return Err(PlanError::EmptySelection {
            pipeline: pipeline.name.clone(),
        });
    }
    let selected: HashSet<&str> = nodes.iter().map(NodeName::as_str).collect();
    let touched: BTreeSet<&GroupName> = pipeline
        .nodes
        .iter()
        .filter(|n| selected.contains(n.name.as_str()))
        .filter_map(|n| n.group.as_ref())
        .collect();
    let mut added: HashMap<&GroupName, Vec<NodeName>> = HashMap::new();
    let kept: Vec<kedro_graph::Node> = pipeline
        .nodes
        .iter()
        .filter(|n| {
            if selected.contains(n.name.as_str()) {
                return true;
            }
            match n.group.as_ref().filter(|g| touched.contains(g)) {
                Some(g) => {
                    added.entry(g).or_default().push(n.name.clone());
                    true
                }
                None => false,
            }
        })
        .cloned()
        .collect();
    let groups = pipeline
        .groups
        .iter()
        .filter(|g| touched.contains(&g.name))
        .cloned()
        .collect();
    let completed = pipeline
        .groups
        .iter()
        .filter_map(|g| {
            added.remove(&g.name).map(|added| Completion {
                group: g.name.clone(),
                added,
            })
        })
        .collect();
    Ok(Extension {
        pipeline: Pipeline {
            name: pipeline.name.clone(),
            nodes: kept,
            groups,
        },
        selected: selected.len(),
        completed,
    })
}

/// Every node name and tag of `filter` must be the pipeline's (Kedro's `only_nodes` refuses
/// unknown names; an unknown tag selects nothing, which is surely a typo).
fn check_filter(pipeline: &Pipeline, filter: &Filter) -> Result<(), PlanError> {
    let names: HashSet<&str> = pipeline.nodes.iter().map(|n| n.name.as_str()).collect();
    let lists = [&filter.nodes, &filter.from_nodes, &filter.to_nodes];
    if let Some(unknown) = lists
        .into_iter()
        .flatten()
        .find(|n| !names.contains(n.as_str()))
    {
        return Err(PlanError::UnknownFilterNode {
            pipeline: pipeline.name.clone(),
            name: unknown.clone(),
            nearest: nearest_nodes(pipeline, unknown),
        });
    }
    let tags: BTreeSet<&str> = pipeline
        .nodes
        .iter()
        .flat_map(|n| n.tags.iter().map(String::as_str))
        .collect();
    if let Some(unknown) = filter.tags.iter().find(|t| !tags.contains(t.as_str())) {
        return Err(PlanError::UnknownFilterTag {
            pipeline: pipeline.name.clone(),
            tag: unknown.clone(),
            nearest: suggest::nearest(unknown, tags.iter().copied(), 3),
        });
    }
    Ok(())
}

/// The nodes a user most likely meant by `name`: first those whose name ends in `.name` (the
/// same node under a namespace, as Kedro's `only_nodes` suggests), then the most similar.
fn nearest_nodes(pipeline: &Pipeline, name: &str) -> Vec<String> {
    let suffix = format!(".{name}");
    let mut out: Vec<String> = pipeline
        .nodes
        .iter()
        .map(|n| n.name.as_str())
        .filter(|n| n.ends_with(&suffix))
        .take(3)
        .map(str::to_owned)
        .collect();
    for n in suggest::nearest(name, pipeline.nodes.iter().map(|n| n.name.as_str()), 3) {
        if out.len() < 3 && !out.contains(&n) {
            out.push(n);
        }
    }
    out
}

/// A planned node must not read a memory dataset whose writer the selection leaves out: the
/// dataset would be empty in its task.
pub(super) fn check_memory_inputs(
    project: &Project,
    full: &Pipeline,
    planned: &Pipeline,
) -> Result<(), PlanError> {
    let kept: HashSet<&str> = planned.nodes.iter().map(|n| n.name.as_str()).collect();
    let mut writer: HashMap<&str, &NodeName> = HashMap::new();
    for node in &full.nodes {
        for output in &node.outputs {
            writer.insert(output.base(), &node.name);
        }
    }
    for node in &planned.nodes {
        for input in &node.inputs {
            let base = input.base();
            let Some(&w) = writer.get(base) else { continue };
            if kept.contains(w.as_str()) || !project.dataset_variants(base).any(|f| f.memory) {
                continue;
            }
            let readers = planned
                .nodes
                .iter()
                .filter(|n| n.inputs.iter().any(|i| i.base() == base))
                .map(|n| n.name.clone())
                .collect();
            return Err(PlanError::UnselectedMemoryWriter {
                env: project.info().env.clone(),
                dataset: base.to_owned(),
                writer: w.clone(),
                readers,
            });
        }
    }
    Ok(())
}

/// Per dataset of `graph` (the planned part of `full`): whether a node of `full` that is not
/// planned reads it. Such a dataset is persisted even when it could stay in memory: a later
/// run of the nodes left out needs it, as after `kedro run` with the same filter.
pub(super) fn read_elsewhere(graph: &PipelineGraph<'_>, full: &Pipeline) -> Vec<bool> {
    let mut out = vec![false; graph.dataset_count()];
    if graph.node_count() == full.nodes.len() {
        return out;
    }
    for node in full
        .nodes
        .iter()
        .filter(|n| graph.node_index(n.name.as_str()).is_none())
    {
        for input in &node.inputs {
            if let Some(id) = graph.dataset_id(input.base()) {
                out[id.index()] = true;
            }
        }
    }
    out
}
