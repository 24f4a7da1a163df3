//! Node bookkeeping shared by the algorithms: `status.compressedNodes`, node ids and pod names
//! (Argo's `NodeID` and `GeneratePodName`), phases.

use std::io::{Read, Write};

use argo_model::{NodeStatus, Workflow};
use base64::Engine;
use indexmap::IndexMap;

use crate::error::NodesError;
use crate::names::{NodeId, PodName};

/// Annotation that selects the pod name format (`v1` or `v2`).
pub const POD_NAME_FORMAT_ANNOTATION: &str = "workflows.argoproj.io/pod-name-format";
/// Label set by the controller on every pod of a workflow (value: the workflow name).
pub const WORKFLOW_LABEL: &str = "workflows.argoproj.io/workflow";
/// Annotation set by the controller on every pod: the id of its node.
pub const NODE_ID_ANNOTATION: &str = "workflows.argoproj.io/node-id";
/// Label the controller sets once a workflow has completed.
pub const COMPLETED_LABEL: &str = "workflows.argoproj.io/completed";
/// Input parameter of each argo-kedro task that lists its Kedro nodes (comma-separated).
pub const KEDRO_NODES_PARAMETER: &str = "kedro_nodes";

/// Argo's 32-bit FNV-1a hash.
pub(crate) fn fnv1a_32(data: &str) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for b in data.bytes() {
        hash ^= u32::from(b);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

/// The id Argo gives the node named `node_name` in workflow `workflow` (`NodeID`).
///
/// ```
/// assert_eq!(argo_client::node_id("wf", "wf"), "wf");
/// assert!(argo_client::node_id("wf", "wf.a").starts_with("wf-"));
/// ```
pub fn node_id(workflow: &str, node_name: &str) -> String {
    if node_name == workflow {
        workflow.to_owned()
    } else {
        format!("{workflow}-{}", fnv1a_32(node_name))
    }
}

/// The name of the pod Argo runs for `node` of `wf` (`GeneratePodName`): format `v1` is the node
/// id, `v2` (the default) is `<wf>-<template>-<fnv(node name)>`.
pub fn pod_name(wf: &Workflow, node: &NodeStatus) -> PodName {
    let wf_name = wf.metadata.name.as_deref().unwrap_or_default();
    let v1 = wf
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(POD_NAME_FORMAT_ANNOTATION))
        .is_some_and(|v| v == "v1");
    if v1 {
        return PodName::from_trusted(node.id.clone());
    }
    if node.name == wf_name {
        return PodName::from_trusted(wf_name.to_owned());
    }
    let template = template_of(node);
    let mut prefix = wf_name.to_owned();
    if !template.is_empty() {
        prefix.push('-');
        prefix.push_str(template);
    }
    if prefix.len() > 242 {
        let mut cut = 242;
        while !prefix.is_char_boundary(cut) {
            cut -= 1;
        }
        prefix.truncate(cut);
    }
    PodName::from_trusted(format!("{prefix}-{}", fnv1a_32(&node.name)))
}

/// The template a node ran (Argo's `GetTemplateFromNode`): `templateRef.template` when the node
/// has a `templateRef` (even an empty one), else `templateName`.
pub(crate) fn template_of(node: &NodeStatus) -> &str {
    match &node.template_ref {
        Some(r) => r.template.as_deref().unwrap_or_default(),
        None => node.template_name.as_deref().unwrap_or_default(),
    }
}

/// The phase of a node (`""` when unset).
pub(crate) fn phase(node: &NodeStatus) -> &str {
    node.phase.as_deref().unwrap_or_default()
}

/// Whether the node failed (`Failed` or `Error`).
pub(crate) fn failed_or_error(node: &NodeStatus) -> bool {
    matches!(phase(node), "Failed" | "Error")
}

/// Whether a workflow phase is final.
pub fn is_completed_phase(phase: &str) -> bool {
    matches!(phase, "Succeeded" | "Failed" | "Error")
}

/// The Kedro node names a task runs: its `kedro_nodes` input parameter, split on commas.
///
/// ```
/// use argo_model::{Inputs, NodeStatus, Parameter};
/// let node = NodeStatus {
///     inputs: Some(Inputs {
///         parameters: vec![Parameter {
///             name: "kedro_nodes".into(),
///             value: Some("a,b".into()),
///             ..Parameter::default()
///         }],
///         ..Inputs::default()
///     }),
///     ..NodeStatus::default()
/// };
/// assert_eq!(argo_client::kedro_nodes(&node), ["a", "b"]);
/// ```
pub fn kedro_nodes(node: &NodeStatus) -> Vec<String> {
    node.inputs
        .iter()
        .flat_map(|i| &i.parameters)
        .find(|p| p.name == KEDRO_NODES_PARAMETER)
        .and_then(|p| p.value.as_ref())
        .map(|v| {
            v.as_str()
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The node map of a workflow, reading `status.compressedNodes` when `status.nodes` is empty.
pub fn hydrated_nodes(wf: &Workflow) -> Result<IndexMap<String, NodeStatus>, NodesError> {
    let Some(status) = &wf.status else {
        return Ok(IndexMap::new());
    };
    match &status.compressed_nodes {
        Some(c) if status.nodes.is_empty() && !c.is_empty() => decompress_nodes(c),
        _ => Ok(status.nodes.clone()),
    }
}

/// Decodes a `compressedNodes` value (base64 of gzip of the JSON node map).
pub fn decompress_nodes(encoded: &str) -> Result<IndexMap<String, NodeStatus>, NodesError> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map_err(|source| NodesError::Base64 { source })?;
    let json = match bytes.as_slice() {
        [0x28, 0xB5, 0x2F, 0xFD, ..] => return Err(NodesError::Unsupported { algorithm: "zstd" }),
        [0x1F, 0x8B, ..] => {
            let mut out = Vec::new();
            flate2::read::GzDecoder::new(bytes.as_slice())
                .read_to_end(&mut out)
                .map_err(|source| NodesError::Gzip { source })?;
            out
        }
        _ => {
            return Err(NodesError::Unsupported {
                algorithm: "brotli",
            });
        }
    };
    serde_json::from_slice(&json).map_err(|source| NodesError::Json { source })
}

/// Encodes a node map as Argo does for `compressedNodes` (gzip, then base64).
pub fn compress_nodes(nodes: &IndexMap<String, NodeStatus>) -> Result<String, NodesError> {
    let json = serde_json::to_vec(nodes).map_err(|source| NodesError::Json { source })?;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(&json)
        .map_err(|source| NodesError::Compress { source })?;
    let gz = enc
        .finish()
        .map_err(|source| NodesError::Compress { source })?;
    Ok(base64::engine::general_purpose::STANDARD.encode(gz))
}

pub(crate) fn node_ids(ids: impl IntoIterator<Item = String>) -> Vec<NodeId> {
    ids.into_iter().map(NodeId::from_trusted).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_matches_argo() {
        // Reference values of Go's hash/fnv New32a.
        assert_eq!(fnv1a_32(""), 0x811c_9dc5);
        assert_eq!(fnv1a_32("a"), 0xe40c_292c);
    }

    #[test]
    fn pod_names_v2_and_v1() {
        let mut wf = Workflow::new("wf");
        let node = NodeStatus {
            id: node_id("wf", "wf.a"),
            name: "wf.a".into(),
            template_name: Some("run".into()),
            ..NodeStatus::default()
        };
        assert_eq!(
            pod_name(&wf, &node).as_str(),
            format!("wf-run-{}", fnv1a_32("wf.a"))
        );
        wf.metadata.annotations = Some(
            [(POD_NAME_FORMAT_ANNOTATION.to_owned(), "v1".to_owned())]
                .into_iter()
                .collect(),
        );
        assert_eq!(pod_name(&wf, &node).as_str(), node.id);
    }

    #[test]
    fn compress_round_trip() {
        let mut nodes = IndexMap::new();
        nodes.insert(
            "wf".to_owned(),
            NodeStatus {
                id: "wf".into(),
                name: "wf".into(),
                type_: "DAG".into(),
                ..NodeStatus::default()
            },
        );
        let c = compress_nodes(&nodes).unwrap();
        assert_eq!(decompress_nodes(&c).unwrap(), nodes);
        let zstd = base64::engine::general_purpose::STANDARD.encode([0x28, 0xB5, 0x2F, 0xFD, 0]);
        assert!(matches!(
            decompress_nodes(&zstd),
            Err(NodesError::Unsupported { algorithm: "zstd" })
        ));
    }
}
