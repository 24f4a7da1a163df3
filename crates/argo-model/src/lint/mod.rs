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

mod check;
mod key_text;
mod labels;
mod names;
mod raw;
mod strings;
mod submit;
mod tags;
mod task_strings;
mod text;

use std::fmt;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Serialize;

use crate::{Document, JsonPath, UnknownField, UnknownFields, Workflow, WorkflowSpec};

pub use check::TemplateSet;
pub(crate) use rustc_hash::{FxHashMap, FxHashSet};
pub use submit::lint_submit;
pub use text::{DocumentReport, lint_text, lint_texts, lint_value};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Argo would reject the manifest (or it cannot work).
    Error,
    /// Suspicious but accepted by Argo.
    Warning,
}

/// The rule a finding comes from. `docs/lint.md` maps every check of upstream's
/// `validate.go` to its rule.
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
    /// A name is missing or breaks Argo's naming rules (templates, steps, tasks, parameters,
    /// artifacts, containers, the document's length).
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
    /// A DAG is empty, a dependency or target names no task, or an argument needs a task that
    /// is not an ancestor.
    MissingDependency,
    /// DAG tasks depend on each other in a cycle.
    DependencyCycle,
    /// A DAG mixes `depends` and `dependencies`, uses `continueOn` with `depends`, or names a
    /// task result that does not exist or needs a loop.
    Depends,
    /// A `{{...}}` reference that does not resolve where it is used.
    UnresolvedVariable,
    /// A template input (parameter or artifact) the caller does not supply.
    InputNotSupplied,
    /// A value outside its enumeration or malformed (retry policy, resource action, enum of a
    /// parameter, timeout, activeDeadlineSeconds).
    InvalidValue,
    /// A field the template's type does not support (e.g. `parallelism` on a container).
    MisplacedField,
    /// An output parameter without a value source, with several, or with one its template
    /// cannot fill.
    ValueSource,
    /// An argument parameter without a value, or with a `valueFrom` arguments cannot use.
    ArgumentValue,
    /// An artifact without a source (`from`, a location or a key), with two, or with an
    /// incomplete location (git, HDFS).
    ArtifactSource,
    /// An artifact path that is missing, climbs out with `..`, or is set where it means nothing.
    ArtifactPath,
    /// A path mounted twice in a container (volume mounts, input artifacts).
    MountPath,
    /// A container or script without an image (and no `templateDefaults` image).
    Image,
    /// A container set that is empty, has bad names, dependencies or cycles, or no `main`
    /// container for inputs and outputs.
    ContainerSet,
    /// A resource template without exactly one of `manifest` and `manifestFrom`, or whose
    /// manifest is not YAML.
    ResourceManifest,
    /// A lifecycle hook other than `exit` without an `expression`.
    HookExpression,
    /// A step or task with several of `withItems`, `withParam`, `withSequence`, or a bad loop.
    Loop,
    /// `podGC` with an unknown strategy or an invalid label selector.
    PodGc,
    /// Pod-level resources other than cpu, memory and hugepages, or on templates without a pod.
    PodResources,
    /// A Prometheus metric with a bad name, label, help or value.
    Metric,
    /// An executor plugin without a name or a complete sidecar.
    ExecutorPlugin,
    /// `spec.templates` set in a workflow that uses `workflowTemplateRef`.
    WorkflowTemplateRef,
    /// A `CronWorkflow` schedule, time zone, concurrency policy or starting deadline Argo refuses.
    Cron,
    /// A name, label or annotation the Kubernetes API server refuses (a warning: `argo lint`
    /// accepts it).
    Kubernetes,
}

impl Rule {
    /// Every rule.
    pub const ALL: &[Self] = &[
        Self::Parse,
        Self::Schema,
        Self::UnknownField,
        Self::InvalidName,
        Self::DuplicateName,
        Self::MissingEntrypoint,
        Self::UndefinedTemplate,
        Self::TemplateReference,
        Self::TemplateType,
        Self::MissingDependency,
        Self::DependencyCycle,
        Self::Depends,
        Self::UnresolvedVariable,
        Self::InputNotSupplied,
        Self::InvalidValue,
        Self::MisplacedField,
        Self::ValueSource,
        Self::ArgumentValue,
        Self::ArtifactSource,
        Self::ArtifactPath,
        Self::MountPath,
        Self::Image,
        Self::ContainerSet,
        Self::ResourceManifest,
        Self::HookExpression,
        Self::Loop,
        Self::PodGc,
        Self::PodResources,
        Self::Metric,
        Self::ExecutorPlugin,
        Self::WorkflowTemplateRef,
        Self::Cron,
        Self::Kubernetes,
    ];

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
            Self::ArgumentValue => "argument-value",
            Self::ArtifactSource => "artifact-source",
            Self::ArtifactPath => "artifact-path",
            Self::MountPath => "mount-path",
            Self::Image => "image",
            Self::ContainerSet => "container-set",
            Self::ResourceManifest => "resource-manifest",
            Self::HookExpression => "hook-expression",
            Self::Loop => "loop",
            Self::PodGc => "pod-gc",
            Self::PodResources => "pod-resources",
            Self::Metric => "metric",
            Self::ExecutorPlugin => "executor-plugin",
            Self::WorkflowTemplateRef => "workflow-template-ref",
            Self::Cron => "cron",
            Self::Kubernetes => "kubernetes",
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

    /// A warning finding.
    pub fn warning(rule: Rule, path: &JsonPath, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(rule, path, message)
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

/// Lints one typed document: the rules, and Argo's JSON Schema when `LintOptions::schema` is set.
/// Non-Argo documents (`Document::Other`) have no findings. `templateRef`s are assumed to name
/// templates that exist in the cluster; [`lint_with`] resolves them among other documents.
pub fn lint(doc: &Document, options: &LintOptions) -> Vec<Finding> {
    lint_with(doc, options, &TemplateSet::default())
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

/// Lints one typed document as [`lint`], resolving `templateRef` and `workflowTemplateRef` in
/// `templates` (a reference to a template not in the set is assumed to exist in the cluster).
pub fn lint_with(
    doc: &Document,
    options: &LintOptions,
    templates: &TemplateSet<'_>,
) -> Vec<Finding> {
    #[cfg(feature = "schema")]
    if options.schema && !matches!(doc, Document::Other(_)) {
        let mut out = match doc.to_value() {
            Ok(value) => crate::schema::validate(&value),
            Err(e) => vec![encode_failure(&e)],
        };
        out.extend(lint_with(doc, &options.clone().schema(false), templates));
        return out;
    }
    let spec = JsonPath::root().key("spec");
    let strict = |u: Vec<UnknownField>| options.strict.then_some(u);
    match doc {
        Document::Workflow(d) => lint_parts(
            &d.metadata,
            Some((&d.spec, &spec, check::Kind::Workflow)),
            templates,
            strict(d.unknown_fields()),
        ),
        Document::WorkflowTemplate(d) => lint_parts(
            &d.metadata,
            Some((&d.spec, &spec, check::Kind::WorkflowTemplate)),
            templates,
            strict(d.unknown_fields()),
        ),
        Document::ClusterWorkflowTemplate(d) => lint_parts(
            &d.metadata,
            Some((&d.spec, &spec, check::Kind::ClusterWorkflowTemplate)),
            templates,
            strict(d.unknown_fields()),
        ),
        Document::CronWorkflow(d) => {
            let mut out = lint_parts(&d.metadata, None, templates, strict(d.unknown_fields()));
            check::cron(d, templates, &mut out);
            if let Some(m) = &d.spec.workflow_metadata {
                labels::object_meta(m, &|| spec.key("workflowMetadata"), &mut out);
            }
            labels::spec(&d.spec.workflow_spec, &spec.key("workflowSpec"), &mut out);
            out
        }
        Document::WorkflowEventBinding(d) => {
            lint_parts(&d.metadata, None, templates, strict(d.unknown_fields()))
        }
        Document::Other(_) => Vec::new(),
    }
}

/// Lints a [`Workflow`] by reference: the same findings as [`lint`] of
/// `Document::from(workflow.clone())`, without the clone.
pub fn lint_workflow(workflow: &Workflow, options: &LintOptions) -> Vec<Finding> {
    lint_workflow_as(workflow, options, check::Kind::Workflow)
}

/// [`lint_workflow`] under the rules of `kind` (a workflow linted, or one submitted).
fn lint_workflow_as(workflow: &Workflow, options: &LintOptions, kind: check::Kind) -> Vec<Finding> {
    #[cfg(feature = "schema")]
    if options.schema {
        let mut out = match serde_json::to_value(workflow) {
            Ok(value) => crate::schema::validate(&value),
            Err(source) => vec![encode_failure(&crate::Error::Encode { source })],
        };
        out.extend(lint_workflow_as(
            workflow,
            &options.clone().schema(false),
            kind,
        ));
        return out;
    }
    lint_parts(
        &workflow.metadata,
        Some((&workflow.spec, &JsonPath::root().key("spec"), kind)),
        &TemplateSet::default(),
        options.strict.then(|| workflow.unknown_fields()),
    )
}

/// The rules of [`lint`] over the parts of a document: its metadata, its workflow spec (with its
/// path and the document's kind), and the unknown fields (when strict).
fn lint_parts(
    meta: &ObjectMeta,
    spec: Option<(&WorkflowSpec, &JsonPath, check::Kind)>,
    templates: &TemplateSet<'_>,
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
    labels::object_meta(meta, &|| JsonPath::root().key("metadata"), &mut out);
    if let Some((spec, spec_path, kind)) = spec {
        let what = match kind {
            check::Kind::Workflow | check::Kind::SubmittedWorkflow => "workflow",
            check::Kind::WorkflowTemplate => "workflow template",
            check::Kind::ClusterWorkflowTemplate => "cluster workflow template",
            check::Kind::CronWorkflow => "cron workflow",
        };
        names::metadata(meta, what, 63, &mut out);
        check::document(
            kind,
            &check::MetaKeys::of(meta),
            spec,
            spec_path,
            templates,
            &mut out,
        );
        labels::spec(spec, spec_path, &mut out);
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
