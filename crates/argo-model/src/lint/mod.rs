//! Lint rules of `argo lint --strict` that need only one document (see `argo-semantics.md` §F).
//!
//! [`lint`] checks a typed [`Document`]; [`lint_value`] also reports fields dropped while decoding
//! (unknown fields inside Kubernetes types) and, if asked, JSON-Schema errors; [`lint_text`] lints
//! every document of a YAML or JSON file.
//!
//! ```
//! use argo_model::lint::{LintOptions, Rule, lint_text};
//! let text = "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {name: w}\n\
//!     spec: {entrypoint: nope, templates: [{name: main, container: {image: busybox}}]}\n";
//! let reports = lint_text(text, &LintOptions::default());
//! let f = &reports[0].findings[0];
//! assert_eq!(f.rule, Rule::UndefinedTemplate);
//! assert_eq!(f.path, "spec.entrypoint");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod dag;
mod fields;
mod labels;
mod names;
mod refs;
mod rules;
mod submit;
mod text;
mod vars;

use std::fmt;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Serialize;

use crate::{Document, JsonPath, UnknownField, UnknownFields, Workflow, WorkflowSpec};

pub(crate) use rustc_hash::{FxHashMap, FxHashSet};
pub use submit::lint_submit;
pub use text::{DocumentReport, lint_text, lint_value};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Argo would reject the manifest (or it cannot work).
    Error,
    /// Suspicious but accepted by Argo.
    Warning,
}

/// The rule a finding comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Rule {
    /// The text is not valid YAML/JSON, or does not fit the Argo type.
    Parse,
    /// The document does not match Argo's JSON Schema.
    Schema,
    /// A field Argo does not define (strict mode).
    UnknownField,
    /// A name breaks Argo's or Kubernetes' naming rules.
    InvalidName,
    /// Two siblings share a name.
    DuplicateName,
    /// `spec.entrypoint` is missing.
    MissingEntrypoint,
    /// A reference to a template that does not exist.
    UndefinedTemplate,
    /// A task or step uses `template`, `templateRef` and `inline` wrongly.
    TemplateReference,
    /// A template has no type or several (container, script, dag, ...).
    TemplateType,
    /// A DAG is empty, or a dependency names a task that does not exist.
    MissingDependency,
    /// DAG tasks depend on each other in a cycle.
    DependencyCycle,
    /// A DAG mixes `depends` and `dependencies`, or a `depends` expression is invalid.
    Depends,
    /// A `{{inputs.*}}` or `{{workflow.parameters.*}}` reference that does not resolve.
    UnresolvedVariable,
    /// A template input without value that a caller does not supply.
    InputNotSupplied,
    /// A value outside an enumeration (`retryPolicy`, `podGC.strategy`), or malformed.
    InvalidValue,
    /// A field the template's type does not support (e.g. `parallelism` on a container).
    MisplacedField,
    /// A parameter without a value source, with several, or with one its template cannot fill.
    ValueSource,
}

impl Rule {
    /// The rule's kebab-case id, as used in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Parse => "parse",
            Self::Schema => "schema",
            Self::UnknownField => "unknown-field",
            Self::InvalidName => "invalid-name",
            Self::DuplicateName => "duplicate-name",
            Self::MissingEntrypoint => "missing-entrypoint",
            Self::UndefinedTemplate => "undefined-template",
            Self::TemplateReference => "template-reference",
            Self::TemplateType => "template-type",
            Self::MissingDependency => "missing-dependency",
            Self::DependencyCycle => "dependency-cycle",
            Self::Depends => "depends",
            Self::UnresolvedVariable => "unresolved-variable",
            Self::InputNotSupplied => "input-not-supplied",
            Self::InvalidValue => "invalid-value",
            Self::MisplacedField => "misplaced-field",
            Self::ValueSource => "value-source",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem found in a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// How serious it is.
    pub severity: Severity,
    /// JSON path of the offending value, like `spec.templates[2].dag.tasks[0].dependencies[1]`
    /// (empty for the whole document).
    pub path: String,
    /// The rule that found it.
    pub rule: Rule,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl Finding {
    /// An error finding.
    pub fn error(rule: Rule, path: &JsonPath, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            path: path.to_string(),
            rule,
            message: message.into(),
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}: {sev}[{}]: {}", self.path, self.rule, self.message)
    }
}

/// Options of [`lint`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LintOptions {
    /// Report fields Argo does not define (default `true`, as `argo lint --strict`).
    pub strict: bool,
    /// Also validate against Argo's JSON Schema (default `true`; feature `schema`): every lint
    /// function honours it.
    #[cfg(feature = "schema")]
    pub schema: bool,
}

impl Default for LintOptions {
    fn default() -> Self {
        Self {
            strict: true,
            #[cfg(feature = "schema")]
            schema: true,
        }
    }
}

impl LintOptions {
    /// Sets [`LintOptions::strict`].
    #[must_use]
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// Sets [`LintOptions::schema`].
    #[cfg(feature = "schema")]
    #[must_use]
    pub fn schema(mut self, schema: bool) -> Self {
        self.schema = schema;
        self
    }
}

/// Lints one typed document: the rules, and Argo's JSON Schema when [`LintOptions::schema`] is set.
/// Non-Argo documents (`Document::Other`) have no findings.
pub fn lint(doc: &Document, options: &LintOptions) -> Vec<Finding> {
    #[cfg(feature = "schema")]
    if options.schema && !matches!(doc, Document::Other(_)) {
        let mut out = match doc.to_value() {
            Ok(value) => crate::schema::validate(&value),
            Err(e) => vec![encode_failure(&e)],
        };
        out.extend(lint_rules(doc, options));
        return out;
    }
    lint_rules(doc, options)
}

/// A document that cannot be written as JSON (a non-finite number), as a finding.
#[cfg(feature = "schema")]
fn encode_failure(e: &crate::Error) -> Finding {
    let cause = std::error::Error::source(e)
        .map(ToString::to_string)
        .unwrap_or_default();
    Finding::error(
        Rule::Schema,
        &JsonPath::root(),
        format!("{e}: {cause}; the document cannot be checked against the schema"),
    )
}

/// The rules of [`lint`] without the schema.
fn lint_rules(doc: &Document, options: &LintOptions) -> Vec<Finding> {
    let root = JsonPath::root();
    match doc {
        Document::Workflow(d) => lint_workflow(d, options),
        Document::WorkflowTemplate(d) => lint_parts(
            &d.metadata,
            Some((&d.spec, root.key("spec"), false)),
            63,
            options.strict.then(|| d.unknown_fields()),
        ),
        Document::ClusterWorkflowTemplate(d) => lint_parts(
            &d.metadata,
            Some((&d.spec, root.key("spec"), false)),
            63,
            options.strict.then(|| d.unknown_fields()),
        ),
        Document::CronWorkflow(d) => {
            let mut out = lint_parts(
                &d.metadata,
                Some((
                    &d.spec.workflow_spec,
                    root.key("spec").key("workflowSpec"),
                    true,
                )),
                52,
                options.strict.then(|| d.unknown_fields()),
            );
            if let Some(m) = &d.spec.workflow_metadata {
                labels::object_meta(m, &|| root.key("spec").key("workflowMetadata"), &mut out);
            }
            out
        }
        Document::WorkflowEventBinding(d) => lint_parts(
            &d.metadata,
            None,
            63,
            options.strict.then(|| d.unknown_fields()),
        ),
        Document::Other(_) => Vec::new(),
    }
}

/// Lints a [`Workflow`] by reference: the same findings as [`lint`] of
/// `Document::from(workflow.clone())`, without the clone.
pub fn lint_workflow(workflow: &Workflow, options: &LintOptions) -> Vec<Finding> {
    #[cfg(feature = "schema")]
    if options.schema {
        let mut out = match serde_json::to_value(workflow) {
            Ok(value) => crate::schema::validate(&value),
            Err(source) => vec![encode_failure(&crate::Error::Encode { source })],
        };
        out.extend(lint_workflow(workflow, &options.clone().schema(false)));
        return out;
    }
    lint_parts(
        &workflow.metadata,
        Some((&workflow.spec, JsonPath::root().key("spec"), true)),
        63,
        options.strict.then(|| workflow.unknown_fields()),
    )
}

/// The rules of [`lint`] over the parts of a document: its metadata, its workflow spec (with its
/// path and whether the document is a workflow), the longest name allowed, and the unknown
/// fields (when strict).
fn lint_parts(
    meta: &ObjectMeta,
    spec: Option<(&WorkflowSpec, JsonPath, bool)>,
    max_name: usize,
    unknown: Option<Vec<UnknownField>>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    if let Some(unknown) = unknown {
        out.extend(
            unknown
                .into_iter()
                .map(|u| unknown_field(&u.path, &u.key, u.suggestion)),
        );
    }
    names::metadata(meta, max_name, &mut out);
    labels::object_meta(meta, &|| JsonPath::root().key("metadata"), &mut out);
    if let Some((spec, spec_path, is_workflow)) = spec {
        lint_spec(spec, &spec_path, is_workflow, &mut out);
    }
    out
}

pub(crate) fn unknown_field(path: &JsonPath, key: &str, suggestion: Option<&str>) -> Finding {
    let fix = match suggestion {
        Some(near) => format!("did you mean `{near}`?"),
        None => "remove it or fix its spelling".to_owned(),
    };
    Finding::error(
        Rule::UnknownField,
        path,
        format!("unknown field `{key}`: Argo does not define it here; {fix}"),
    )
}

fn lint_spec(spec: &WorkflowSpec, path: &JsonPath, is_workflow: bool, out: &mut Vec<Finding>) {
    rules::spec(spec, path, is_workflow, out);
    fields::spec(spec, path, out);
    labels::spec(spec, path, out);
    for (i, t) in spec.templates.iter().enumerate() {
        let tp = path.key("templates").index(i);
        rules::template(spec, t, &tp, out);
        fields::template(t, &tp, out);
        dag::template(spec, t, &tp, out);
        refs::steps(t, &tp, out);
        vars::template(spec, t, &tp, out);
    }
}
