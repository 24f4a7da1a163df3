//! One manifest document of any kind, and YAML/JSON I/O.

use serde::Deserialize;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::types::{
    ClusterWorkflowTemplate, CronWorkflow, Workflow, WorkflowEventBinding, WorkflowTemplate,
};

/// A manifest's text format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TextFormat {
    /// YAML: one document, block style.
    Yaml,
    /// JSON, pretty-printed.
    Json,
}

/// One manifest document: an Argo kind, or any other object kept as JSON.
///
/// ```
/// use argo_model::Document;
/// let docs = Document::from_yaml_str(
///     "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: hello-}\n\
///      spec: {entrypoint: main, templates: [{name: main, container: {image: busybox}}]}\n",
/// )?;
/// let Document::Workflow(wf) = &docs[0] else { panic!("a Workflow") };
/// assert_eq!(wf.spec.entrypoint.as_deref(), Some("main"));
/// assert!(docs[0].to_yaml_string()?.contains("image: busybox"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Document {
    /// A `Workflow`.
    Workflow(Box<Workflow>),
    /// A `WorkflowTemplate`.
    WorkflowTemplate(Box<WorkflowTemplate>),
    /// A `ClusterWorkflowTemplate`.
    ClusterWorkflowTemplate(Box<ClusterWorkflowTemplate>),
    /// A `CronWorkflow`.
    CronWorkflow(Box<CronWorkflow>),
    /// A `WorkflowEventBinding`.
    WorkflowEventBinding(Box<WorkflowEventBinding>),
    /// Any other document (not `argoproj.io`, or an Argo kind this crate does not model).
    Other(Value),
}

impl Document {
    /// Decodes a JSON value, choosing the type by `apiVersion` and `kind`.
    pub fn from_value(value: Value) -> Result<Self> {
        let group_ok = value
            .get("apiVersion")
            .and_then(Value::as_str)
            .is_some_and(|v| v.starts_with("argoproj.io/"));
        let kind = value
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        if !group_ok {
            return Ok(Self::Other(value));
        }
        let decode = |e| Error::Decode {
            kind: kind.clone(),
            source: e,
        };
        Ok(match kind.as_str() {
            "Workflow" => Self::Workflow(serde_json::from_value(value).map_err(decode)?),
            "WorkflowTemplate" => {
                Self::WorkflowTemplate(serde_json::from_value(value).map_err(decode)?)
            }
            "ClusterWorkflowTemplate" => {
                Self::ClusterWorkflowTemplate(serde_json::from_value(value).map_err(decode)?)
            }
            "CronWorkflow" => Self::CronWorkflow(serde_json::from_value(value).map_err(decode)?),
            "WorkflowEventBinding" => {
                Self::WorkflowEventBinding(serde_json::from_value(value).map_err(decode)?)
            }
            _ => Self::Other(value),
        })
    }

    /// The document as a JSON value (the form that round-trips).
    pub fn to_value(&self) -> Result<Value> {
        let r = match self {
            Self::Workflow(d) => serde_json::to_value(d),
            Self::WorkflowTemplate(d) => serde_json::to_value(d),
            Self::ClusterWorkflowTemplate(d) => serde_json::to_value(d),
            Self::CronWorkflow(d) => serde_json::to_value(d),
            Self::WorkflowEventBinding(d) => serde_json::to_value(d),
            Self::Other(v) => Ok(v.clone()),
        };
        r.map_err(|source| Error::Encode { source })
    }

    /// Parses every document of a YAML stream (`---` separated); empty documents are skipped.
    pub fn from_yaml_str(text: &str) -> Result<Vec<Self>> {
        yaml_values(text)?
            .into_iter()
            .map(Self::from_value)
            .collect()
    }

    /// Parses one JSON document.
    pub fn from_json_str(text: &str) -> Result<Self> {
        Self::from_value(serde_json::from_str(text).map_err(|source| Error::ParseJson { source })?)
    }

    /// Writes the document as YAML (one document, no `---`).
    ///
    /// The typed document is written directly, without the intermediate [`Value`] of
    /// [`Document::to_value`]: the text is the same (serde's field order is the value's key order,
    /// and every Argo type serialises as maps, sequences and scalars), only faster.
    pub fn to_yaml_string(&self) -> Result<String> {
        let r = match self {
            Self::Workflow(d) => serde_norway::to_string(d),
            Self::WorkflowTemplate(d) => serde_norway::to_string(d),
            Self::ClusterWorkflowTemplate(d) => serde_norway::to_string(d),
            Self::CronWorkflow(d) => serde_norway::to_string(d),
            Self::WorkflowEventBinding(d) => serde_norway::to_string(d),
            Self::Other(v) => serde_norway::to_string(v),
        };
        r.map_err(|source| Error::WriteYaml { source })
    }

    /// Writes the document as pretty-printed JSON.
    ///
    /// Like [`Document::to_yaml_string`], the typed document is written directly; the text is
    /// that of [`Document::to_value`].
    pub fn to_json_string(&self) -> Result<String> {
        let r = match self {
            Self::Workflow(d) => serde_json::to_string_pretty(d),
            Self::WorkflowTemplate(d) => serde_json::to_string_pretty(d),
            Self::ClusterWorkflowTemplate(d) => serde_json::to_string_pretty(d),
            Self::CronWorkflow(d) => serde_json::to_string_pretty(d),
            Self::WorkflowEventBinding(d) => serde_json::to_string_pretty(d),
            Self::Other(v) => serde_json::to_string_pretty(v),
        };
        r.map_err(|source| Error::WriteJson { source })
    }

    /// Writes the document as `format`: [`Document::to_yaml_string`] or
    /// [`Document::to_json_string`].
    ///
    /// ```
    /// use argo_model::{Document, TextFormat};
    /// let docs = Document::from_json_str(r#"{"kind": "ConfigMap", "data": {"a": "1"}}"#)?;
    /// assert_eq!(docs.to_text(TextFormat::Yaml)?, "kind: ConfigMap\ndata:\n  a: '1'\n");
    /// assert!(docs.to_text(TextFormat::Json)?.starts_with("{\n  \"kind\""));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_text(&self, format: TextFormat) -> Result<String> {
        match format {
            TextFormat::Yaml => self.to_yaml_string(),
            TextFormat::Json => self.to_json_string(),
        }
    }

    /// The document's `kind`, if any.
    pub fn kind(&self) -> Option<&str> {
        match self {
            Self::Workflow(_) => Some("Workflow"),
            Self::WorkflowTemplate(_) => Some("WorkflowTemplate"),
            Self::ClusterWorkflowTemplate(_) => Some("ClusterWorkflowTemplate"),
            Self::CronWorkflow(_) => Some("CronWorkflow"),
            Self::WorkflowEventBinding(_) => Some("WorkflowEventBinding"),
            Self::Other(v) => v.get("kind").and_then(Value::as_str),
        }
    }

    /// The document's `metadata.name`, or else its `metadata.generateName`.
    pub fn name(&self) -> Option<&str> {
        let meta = match self {
            Self::Workflow(d) => &d.metadata,
            Self::WorkflowTemplate(d) => &d.metadata,
            Self::ClusterWorkflowTemplate(d) => &d.metadata,
            Self::CronWorkflow(d) => &d.metadata,
            Self::WorkflowEventBinding(d) => &d.metadata,
            Self::Other(v) => {
                let m = v.get("metadata");
                return m
                    .and_then(|m| m.get("name").or_else(|| m.get("generateName")))
                    .and_then(Value::as_str);
            }
        };
        meta.name.as_deref().or(meta.generate_name.as_deref())
    }
}

impl From<Workflow> for Document {
    fn from(value: Workflow) -> Self {
        Self::Workflow(Box::new(value))
    }
}

impl From<WorkflowTemplate> for Document {
    fn from(value: WorkflowTemplate) -> Self {
        Self::WorkflowTemplate(Box::new(value))
    }
}

impl From<ClusterWorkflowTemplate> for Document {
    fn from(value: ClusterWorkflowTemplate) -> Self {
        Self::ClusterWorkflowTemplate(Box::new(value))
    }
}

impl From<CronWorkflow> for Document {
    fn from(value: CronWorkflow) -> Self {
        Self::CronWorkflow(Box::new(value))
    }
}

impl From<WorkflowEventBinding> for Document {
    fn from(value: WorkflowEventBinding) -> Self {
        Self::WorkflowEventBinding(Box::new(value))
    }
}

/// Writes several documents as one YAML stream, separated by `---`.
pub fn to_yaml_stream(docs: &[Document]) -> Result<String> {
    let mut out = String::new();
    for (i, d) in docs.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        out.push_str(&d.to_yaml_string()?);
    }
    Ok(out)
}

/// Parses a YAML stream into JSON values, one per non-empty document.
///
/// ```
/// let v = argo_model::yaml_values("a: 1\n---\n---\nb: [x]\n")?;
/// assert_eq!(v.len(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn yaml_values(text: &str) -> Result<Vec<Value>> {
    let mut out = Vec::new();
    for (index, de) in serde_norway::Deserializer::from_str(text).enumerate() {
        let v = Value::deserialize(de).map_err(|source| Error::ParseYaml { index, source })?;
        if !v.is_null() {
            out.push(v);
        }
    }
    Ok(out)
}
