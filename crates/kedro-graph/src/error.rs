//! Errors of this crate: [`IrError`] (reading the IR), [`LookupError`] (finding a pipeline),
//! [`GraphError`] (validating a pipeline's graph) and [`NameError`] (an invalid name).
//!
//! Messages describe this layer only; causes are reachable through
//! [`std::error::Error::source`].

use std::fmt;

use crate::graph::Cycle;
use crate::names::{DatasetName, GroupName, NodeName, PipelineName};

/// `Result` with [`GraphError`] as the default error.
pub type Result<T, E = GraphError> = std::result::Result<T, E>;

/// What kind of name a [`NameError`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NameKind {
    /// A [`NodeName`].
    Node,
    /// A [`DatasetName`].
    Dataset,
    /// A [`PipelineName`].
    Pipeline,
    /// A [`GroupName`].
    Group,
    /// A [`Namespace`](crate::Namespace).
    Namespace,
    /// A [`MachineTypeName`](crate::MachineTypeName).
    MachineType,
    /// A [`TemplateName`](crate::TemplateName).
    Template,
}

impl NameKind {
    /// A lower-case noun for messages (`node`, `machine type`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Node => "node",
            Self::Dataset => "dataset",
            Self::Pipeline => "pipeline",
            Self::Group => "group",
            Self::Namespace => "namespace",
            Self::MachineType => "machine type",
            Self::Template => "template",
        }
    }
}

impl fmt::Display for NameKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `text` as error messages echo it: control characters escaped (`\n`, `\u{7f}`) so the
/// message stays one line, at most 200 characters, then `…`.
fn shown(text: &str) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == 200 {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// A string is not a valid name of its kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {kind} name `{}`: {reason}", shown(name))]
pub struct NameError {
    kind: NameKind,
    name: String,
    reason: &'static str,
}

impl NameError {
    pub(crate) fn new(kind: NameKind, name: String, reason: &'static str) -> Self {
        Self { kind, name, reason }
    }

    /// The kind of name that was expected.
    pub fn kind(&self) -> NameKind {
        self.kind
    }

    /// The rejected string.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Why it was rejected.
    pub fn reason(&self) -> &'static str {
        self.reason
    }
}

/// Reading an IR document failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IrError {
    /// The text is not JSON.
    #[error("the IR document is not valid JSON")]
    Syntax {
        /// The parser's error (with line and column).
        #[source]
        source: serde_json::Error,
    },
    /// The JSON value is not an object.
    #[error("the IR document is not a JSON object")]
    NotAnObject {
        /// The parser's error (with line and column).
        #[source]
        source: serde_json::Error,
    },
    /// The object has no `format` field.
    #[error("the document has no `format` field, so it is not an argo-kedro IR (expected format `{expected}`)", expected = crate::ir::FORMAT)]
    MissingFormat,
    /// The `format` field is not `argo-kedro-ir`.
    #[error("unknown document format {found} (expected \"{expected}\")", expected = crate::ir::FORMAT)]
    UnknownFormat {
        /// The `format` value found, as JSON text.
        found: String,
    },
    /// The object has no `version` field.
    #[error("the IR document has no `version` field")]
    MissingVersion,
    /// The `version` field is not a version this crate reads.
    #[error(
        "IR version {found} is not supported by this argo-kedro (supports {supported}); upgrade argo-kedro or export the IR with the argo-kedro Python package of the same release"
    )]
    UnsupportedVersion {
        /// The `version` value found, as JSON text.
        found: String,
        /// The version this crate reads ([`crate::VERSION`]).
        supported: u32,
    },
    /// The document does not match the IR's structure.
    #[error("invalid IR at `{path}`")]
    Invalid {
        /// JSON path of the offending value (`pipelines[0].nodes[2].name`).
        path: String,
        /// The parser's error (with line and column).
        #[source]
        source: serde_json::Error,
    },
    /// Two pipelines have the same name.
    #[error("pipeline `{pipeline}` appears more than once in the IR")]
    DuplicatePipeline {
        /// The repeated name.
        pipeline: PipelineName,
    },
    /// Two entries of `datasets` have the same name.
    #[error("dataset `{dataset}` appears more than once in the IR's `datasets`")]
    DuplicateDataset {
        /// The repeated name.
        dataset: DatasetName,
    },
}

/// A lookup in a [`Project`](crate::Project) failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LookupError {
    /// No pipeline of that name.
    #[error("pipeline `{}` is not in the project{}", shown(pipeline), Suggestions { nearest, known })]
    UnknownPipeline {
        /// The name asked for.
        pipeline: String,
        /// The most similar known names, best first (may be empty).
        nearest: Vec<PipelineName>,
        /// All known names, in IR order.
        known: Vec<PipelineName>,
    },
}

/// Renders "; did you mean ...?" or the list of known names.
struct Suggestions<'a> {
    nearest: &'a [PipelineName],
    known: &'a [PipelineName],
}

impl fmt::Display for Suggestions<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const MAX_KNOWN: usize = 10;
        let (lead, names, more) = if !self.nearest.is_empty() {
            ("; did you mean ", self.nearest, 0)
        } else if self.known.is_empty() {
            return f.write_str(", which has no pipelines");
        } else {
            let shown = self.known.len().min(MAX_KNOWN);
            (
                " (pipelines: ",
                &self.known[..shown],
                self.known.len() - shown,
            )
        };
        f.write_str(lead)?;
        for (i, name) in names.iter().enumerate() {
            if i > 0 {
                f.write_str(if self.nearest.is_empty() {
                    ", "
                } else {
                    " or "
                })?;
            }
            write!(f, "`{name}`")?;
        }
        if more > 0 {
            write!(f, ", and {more} more")?;
        }
        f.write_str(if self.nearest.is_empty() { ")" } else { "?" })
    }
}

/// A pipeline does not form a valid dependency graph.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GraphError {
    /// Two nodes have the same name.
    #[error("node `{node}` appears more than once in pipeline `{pipeline}`")]
    DuplicateNode {
        /// The pipeline.
        pipeline: PipelineName,
        /// The repeated node name.
        node: NodeName,
    },
    /// Two nodes write the same dataset (transcoding aside).
    #[error(
        "dataset `{dataset}` is produced by both `{first}` and `{second}` in pipeline `{pipeline}`"
    )]
    DuplicateProducer {
        /// The pipeline.
        pipeline: PipelineName,
        /// The dataset, without transcoding.
        dataset: DatasetName,
        /// The first producer in IR order.
        first: NodeName,
        /// The second producer in IR order.
        second: NodeName,
    },
    /// One node lists the same output twice (transcoding aside).
    #[error("node `{node}` of pipeline `{pipeline}` lists output `{dataset}` more than once")]
    DuplicateOutput {
        /// The pipeline.
        pipeline: PipelineName,
        /// The node.
        node: NodeName,
        /// The dataset, without transcoding.
        dataset: DatasetName,
    },
    /// A node writes a parameter (`params:*` or `parameters`).
    #[error("node `{node}` of pipeline `{pipeline}` writes parameter input `{dataset}`")]
    ParameterOutput {
        /// The pipeline.
        pipeline: PipelineName,
        /// The node.
        node: NodeName,
        /// The parameter name.
        dataset: DatasetName,
    },
    /// A node names a group that the pipeline's `groups` does not list.
    #[error(
        "node `{node}` of pipeline `{pipeline}` belongs to group `{group}`, which the pipeline does not declare"
    )]
    UnknownGroup {
        /// The pipeline.
        pipeline: PipelineName,
        /// The node.
        node: NodeName,
        /// The undeclared group.
        group: GroupName,
    },
    /// Two groups of a pipeline have the same name.
    #[error("group `{group}` appears more than once in pipeline `{pipeline}`")]
    DuplicateGroup {
        /// The pipeline.
        pipeline: PipelineName,
        /// The repeated group name.
        group: GroupName,
    },
    /// The nodes' dataset dependencies form a cycle.
    #[error("pipeline `{pipeline}` has a dependency cycle: {cycle}")]
    Cycle {
        /// The pipeline.
        pipeline: PipelineName,
        /// The cycle, as nodes and the datasets between them.
        cycle: Cycle,
    },
}

impl GraphError {
    /// The pipeline the error is about.
    pub fn pipeline(&self) -> &PipelineName {
        match self {
            Self::DuplicateNode { pipeline, .. }
            | Self::DuplicateProducer { pipeline, .. }
            | Self::DuplicateOutput { pipeline, .. }
            | Self::ParameterOutput { pipeline, .. }
            | Self::UnknownGroup { pipeline, .. }
            | Self::DuplicateGroup { pipeline, .. }
            | Self::Cycle { pipeline, .. } => pipeline,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<PipelineName> {
        list.iter()
            .map(|n| PipelineName::new(*n).expect("valid"))
            .collect()
    }

    #[test]
    fn unknown_pipeline_messages() {
        let err = LookupError::UnknownPipeline {
            pipeline: "dat".into(),
            nearest: names(&["data", "date"]),
            known: names(&["data", "date", "x"]),
        };
        assert_eq!(
            err.to_string(),
            "pipeline `dat` is not in the project; did you mean `data` or `date`?"
        );
        let err = LookupError::UnknownPipeline {
            pipeline: "zzz".into(),
            nearest: vec![],
            known: names(&["a", "b"]),
        };
        assert_eq!(
            err.to_string(),
            "pipeline `zzz` is not in the project (pipelines: `a`, `b`)"
        );
        let err = LookupError::UnknownPipeline {
            pipeline: "zzz".into(),
            nearest: vec![],
            known: vec![],
        };
        assert_eq!(
            err.to_string(),
            "pipeline `zzz` is not in the project, which has no pipelines"
        );
    }

    #[test]
    fn echoed_names_stay_on_one_line() {
        let err = NameError::new(
            NameKind::Dataset,
            "a\nb\u{7f}".into(),
            "it contains a control character",
        );
        assert_eq!(
            err.to_string(),
            "invalid dataset name `a\\nb\\u{7f}`: it contains a control character"
        );
        let long = "x".repeat(250);
        assert_eq!(shown(&long), format!("{}…", "x".repeat(200)));
    }

    #[test]
    fn many_known_pipelines_are_truncated() {
        let known: Vec<String> = (0..12).map(|i| format!("p{i}")).collect();
        let known: Vec<&str> = known.iter().map(String::as_str).collect();
        let err = LookupError::UnknownPipeline {
            pipeline: "zzz".into(),
            nearest: vec![],
            known: names(&known),
        };
        assert!(err.to_string().ends_with("`p9`, and 2 more)"), "{err}");
    }

    #[test]
    fn version_message() {
        let err = IrError::UnsupportedVersion {
            found: "2".into(),
            supported: 1,
        };
        assert!(err.to_string().starts_with(
            "IR version 2 is not supported by this argo-kedro (supports 1); upgrade argo-kedro or "
        ));
    }
}

#[cfg(test)]
mod echo_tests {
    use super::*;

    #[test]
    fn long_names_are_cut_in_messages() {
        let err = NameError::new(NameKind::Node, "n ".repeat(5000), "spaces");
        assert!(err.to_string().len() < 300, "{}", err.to_string().len());
        assert!(err.to_string().contains('…'));
        let short = NameError::new(NameKind::Node, "a b".into(), "spaces");
        assert_eq!(short.to_string(), "invalid node name `a b`: spaces");
    }
}
