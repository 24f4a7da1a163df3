//! Linting JSON values and whole files (YAML or JSON, several documents).

use serde::Serialize;
use serde_json::Value;

use super::{Finding, LintOptions, Rule, lint, unknown_field};
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

/// Lints one JSON value: decoding errors, [`lint`], fields that decoding dropped (unknown fields
/// inside Kubernetes types, in strict mode) and, with `LintOptions::schema` (feature `schema`),
/// JSON-Schema errors.
pub fn lint_value(value: &Value, options: &LintOptions) -> Vec<Finding> {
    let mut out = Vec::new();
    #[cfg(feature = "schema")]
    if options.schema {
        out.extend(crate::schema::validate(value));
    }
    // The schema was checked on the value as written, not on the decoded document.
    #[cfg(feature = "schema")]
    let options = &options.clone().schema(false);
    let doc = match Document::from_value(value.clone()) {
        Ok(d) => d,
        Err(e) => {
            let cause = std::error::Error::source(&e)
                .map(ToString::to_string)
                .unwrap_or_default();
            out.push(Finding::error(
                Rule::Parse,
                &JsonPath::root(),
                format!("{e}: {cause}; fix the field's type"),
            ));
            return out;
        }
    };
    if options.strict
        && !matches!(doc, Document::Other(_))
        && let Ok(back) = doc.to_value()
    {
        dropped(value, &back, &JsonPath::root(), &mut out);
    }
    out.extend(lint(&doc, options));
    out
}

/// Reports keys of `input` that `output` lost (fields of Kubernetes types that k8s-openapi ignores).
fn dropped(input: &Value, output: &Value, path: &JsonPath, out: &mut Vec<Finding>) {
    match (input, output) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                match b.get(k) {
                    Some(w) => dropped(v, w, &path.key(k), out),
                    None if !v.is_null() => out.push(unknown_field(&path.key(k), k, None)),
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
    let trimmed = text.trim_start();
    let values = if trimmed.starts_with('{') || trimmed.starts_with('[') {
        match serde_json::from_str::<Value>(text) {
            Ok(Value::Array(a)) => Ok(a),
            Ok(v) => Ok(vec![v]),
            Err(e) => Err(format!("invalid JSON: {e}")),
        }
    } else {
        crate::yaml_values(text).map_err(|e| {
            let cause = std::error::Error::source(&e)
                .map(ToString::to_string)
                .unwrap_or_default();
            format!("{e}: {cause}")
        })
    };
    match values {
        Err(message) => vec![DocumentReport {
            index: 0,
            kind: None,
            name: None,
            findings: vec![Finding::error(Rule::Parse, &JsonPath::root(), message)],
        }],
        Ok(values) => values
            .iter()
            .enumerate()
            .map(|(index, v)| {
                let meta = v.get("metadata");
                let name = meta.and_then(|m| m.get("name").or_else(|| m.get("generateName")));
                DocumentReport {
                    index,
                    kind: v.get("kind").and_then(Value::as_str).map(str::to_owned),
                    name: name.and_then(Value::as_str).map(str::to_owned),
                    findings: lint_value(v, options),
                }
            })
            .collect(),
    }
}
