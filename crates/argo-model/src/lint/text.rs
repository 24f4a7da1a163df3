//! Linting JSON values and whole files (YAML or JSON, several documents).

use serde::Serialize;
use serde_json::Value;

use super::{Finding, LintOptions, Rule, TemplateSet, lint_with, raw, unknown_field};
use crate::{Document, JsonPath};

/// The findings of one document of a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentReport {
    /// Index of the document in the file (0-based, empty documents skipped).
    pub index: usize,
    /// The document's `kind`, if it has one.
    pub kind: Option<String>,
    /// The document's `metadata.name` (or `generateName`), if any.
    pub name: Option<String>,
    /// What was found, in rule order.
    pub findings: Vec<Finding>,
}

impl DocumentReport {
    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.findings
            .iter()
            .any(|f| f.severity == super::Severity::Error)
    }
}

/// Lints one JSON value: decoding errors, [`lint`](super::lint), fields that decoding dropped
/// (unknown fields inside Kubernetes types, in strict mode) and, with `LintOptions::schema`
/// (feature `schema`), JSON-Schema errors.
pub fn lint_value(value: &Value, options: &LintOptions) -> Vec<Finding> {
    let decoded = decode(value);
    let set = TemplateSet::default();
    findings(value, &decoded, options, &set)
}

/// The document of a value, or the finding of why it does not decode.
fn decode(value: &Value) -> Result<Document, Finding> {
    Document::from_value(value.clone()).map_err(|e| {
        let cause = std::error::Error::source(&e)
            .map(ToString::to_string)
            .unwrap_or_default();
        Finding::error(
            Rule::Parse,
            &JsonPath::root(),
            format!("{e}: {cause}; fix the field's type"),
        )
    })
}

/// The findings of one decoded value, with `set` for template references.
fn findings(
    value: &Value,
    decoded: &Result<Document, Finding>,
    options: &LintOptions,
    set: &TemplateSet<'_>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    #[cfg(feature = "schema")]
    if options.schema {
        out.extend(crate::schema::validate(value));
    }
    // The schema was checked on the value as written, not on the decoded document.
    #[cfg(feature = "schema")]
    let options = &options.clone().schema(false);
    let doc = match decoded {
        Ok(d) => d,
        Err(f) => {
            out.push(f.clone());
            return out;
        }
    };
    if options.strict
        && !matches!(doc, Document::Other(_))
        && let Ok(back) = doc.to_value()
    {
        dropped(value, &back, &JsonPath::root(), &mut out);
    }
    if !matches!(doc, Document::Other(_)) {
        raw::check(value, &mut out);
    }
    out.extend(lint_with(doc, options, set));
    out
}

/// Reports keys of `input` that `output` lost (fields of Kubernetes types that k8s-openapi ignores).
fn dropped(input: &Value, output: &Value, path: &JsonPath, out: &mut Vec<Finding>) {
    match (input, output) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                match b.get(k) {
                    Some(w) => dropped(v, w, &path.key(k), out),
                    None if !v.is_null() && !is_empty(v) => {
                        out.push(unknown_field(&path.key(k), k, None));
                    }
                    None => {}
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, (v, w)) in a.iter().zip(b).enumerate() {
                dropped(v, w, &path.index(i), out);
            }
        }
        _ => {}
    }
}

/// An empty string, list or map: the same as none for Argo's types (Go's `omitempty`).
fn is_empty(v: &Value) -> bool {
    match v {
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(m) => m.is_empty(),
        _ => false,
    }
}

/// Lints every document of a file's text (JSON if it starts with `{` or `[`, else YAML).
/// A text that cannot be parsed gives one report (index 0) with a [`Rule::Parse`] finding.
///
/// ```
/// use argo_model::lint::{LintOptions, lint_text};
/// let reports = lint_text("kind: ConfigMap\napiVersion: v1\n---\n{}\n", &LintOptions::default());
/// assert_eq!(reports.len(), 2);
/// assert!(reports.iter().all(|r| !r.has_errors()));
/// ```
pub fn lint_text(text: &str, options: &LintOptions) -> Vec<DocumentReport> {
    lint_texts(&[text], options).pop().unwrap_or_default()
}

/// Lints every document of several files' texts (as [`lint_text`]), resolving `templateRef` and
/// `workflowTemplateRef` among the `WorkflowTemplates` and `ClusterWorkflowTemplates` of all of them.
///
/// ```
/// use argo_model::lint::{LintOptions, lint_texts};
/// let library = "apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata: {name: lib}\n\
///     spec: {templates: [{name: echo, inputs: {parameters: [{name: msg}]}, container: {image: alpine}}]}\n";
/// let workflow = "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: w-}\n\
///     spec: {entrypoint: main, templates: [{name: main, steps: [[{name: a, templateRef: {name: lib, template: echo}}]]}]}\n";
/// let reports = lint_texts(&[library, workflow], &LintOptions::default());
/// assert!(reports[0][0].findings.is_empty());
/// assert!(reports[1][0].findings[0].message.contains("inputs.parameters.msg"));
/// ```
pub fn lint_texts(texts: &[&str], options: &LintOptions) -> Vec<Vec<DocumentReport>> {
    let parsed: Vec<Result<Vec<Value>, String>> = texts.iter().map(|t| values(t)).collect();
    let decoded: Vec<Vec<Result<Document, Finding>>> = parsed
        .iter()
        .map(|p| {
            p.as_ref()
                .map(|vs| vs.iter().map(decode).collect())
                .unwrap_or_default()
        })
        .collect();
    let set = TemplateSet::from_documents(decoded.iter().flatten().filter_map(|d| d.as_ref().ok()));
    parsed
        .iter()
        .zip(&decoded)
        .map(|(p, docs)| match p {
            Err(message) => vec![DocumentReport {
                index: 0,
                kind: None,
                name: None,
                findings: vec![Finding::error(
                    Rule::Parse,
                    &JsonPath::root(),
                    message.clone(),
                )],
            }],
            Ok(values) => values
                .iter()
                .zip(docs)
                .enumerate()
                .map(|(index, (v, d))| {
                    let meta = v.get("metadata");
                    let name = meta.and_then(|m| m.get("name").or_else(|| m.get("generateName")));
                    DocumentReport {
                        index,
                        kind: v.get("kind").and_then(Value::as_str).map(str::to_owned),
                        name: name.and_then(Value::as_str).map(str::to_owned),
                        findings: findings(v, d, options, &set),
                    }
                })
                .collect(),
        })
        .collect()
}

/// The documents of a text (JSON if it starts with `{` or `[`, else YAML).
fn values(text: &str) -> Result<Vec<Value>, String> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        match crate::parse::json_value(text) {
            Ok(Value::Array(a)) => Ok(a),
            Ok(v) => Ok(vec![v]),
            Err(e) => Err(format!(
                "invalid JSON: {}",
                std::error::Error::source(&e).map_or_else(|| e.to_string(), ToString::to_string)
            )),
        }
    } else {
        crate::yaml_values(text).map_err(|e| match std::error::Error::source(&e) {
            Some(cause) => format!("{e}: {cause}"),
            None => e.to_string(),
        })
    }
}
