//! The checks of `argo lint`: a port of `workflow/validate/validate.go` (argo-workflows, commit
//! f016ad89). Each function names the upstream function it ports.
//!
//! Upstream stops at the first error; this port reports every finding it can, each under the
//! rule of the check (see `docs/lint.md` for the table of upstream checks, rules and tests).
//! Upstream walks the templates from the entrypoint, then the exit handler, then every
//! template, validating each template once (`tctx.results`); the port keeps that order, since
//! the workflow's global outputs (`globalName`) enter the scope as the walk meets them.

mod args;
mod artifacts;
mod cron;
mod dag;
mod dag_graph;
mod depends;
mod documents;
mod holder;
mod leaf;
mod metrics;
mod outputs;
mod resolve;
mod scope;
mod spec;
mod steps;
mod template;
mod workflow;

use super::{Finding, Rule};
pub(crate) use super::{FxHashMap, FxHashSet};
use crate::{JsonPath, Template, WorkflowSpec};
pub(crate) use cron::cron;
pub use documents::TemplateSet;
pub(crate) use documents::{Kind, MetaKeys};
pub(crate) use spec::document;

/// `validate.Opts`, as `argo lint` sets them for the document's kind.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Opts {
    /// `Lint`: workflow arguments may lack values.
    pub(crate) lint: bool,
    /// `WorkflowTemplateValidation`: the spec is a (Cluster)WorkflowTemplate's.
    pub(crate) template_validation: bool,
}

/// A `WorkflowTemplate` or `ClusterWorkflowTemplate` that `templateRef` can name.
#[derive(Debug)]
pub(crate) struct Stored<'a> {
    pub(crate) name: &'a str,
    pub(crate) cluster: bool,
    pub(crate) spec: &'a WorkflowSpec,
    pub(crate) index: FxHashMap<&'a str, usize>,
}

/// Where `template: NAME` is looked up: the linted document's spec, or a stored template's.
#[derive(Clone, Copy)]
pub(crate) struct Base<'a> {
    pub(crate) spec: &'a WorkflowSpec,
    pub(crate) index: &'a FxHashMap<&'a str, usize>,
    /// `None` for the linted document.
    pub(crate) stored: Option<&'a Stored<'a>>,
}

impl<'a> Base<'a> {
    /// The template named `name`, with its index.
    pub(crate) fn find(&self, name: &str) -> Option<(usize, &'a Template)> {
        let i = *self.index.get(name)?;
        Some((i, &self.spec.templates[i]))
    }

    /// `tmplCtx.GetTemplateScope()`: `None` for the linted document.
    pub(crate) fn id(&self) -> Option<(bool, &'a str)> {
        self.stored.map(|s| (s.cluster, s.name))
    }

    /// Whether `templateDefaults` apply when an image is missing (`validateLeaf`: not for a
    /// `ClusterWorkflowTemplate` reached by reference).
    pub(crate) fn defaults(&self) -> Option<&'a Template> {
        match self.stored {
            Some(s) if s.cluster => None,
            _ => self.spec.template_defaults.as_ref(),
        }
    }
}

/// Index of templates by name (the first of a repeated name wins, as upstream's lookup).
pub(crate) fn index(spec: &WorkflowSpec) -> FxHashMap<&str, usize> {
    let mut m = FxHashMap::default();
    for (i, t) in spec.templates.iter().enumerate() {
        m.entry(t.name.as_str()).or_insert(i);
    }
    m
}

/// Where findings about a template go.
#[derive(Debug, Clone)]
pub(crate) enum Anchor {
    /// The template is in the linted document, at this path.
    Local(JsonPath),
    /// The template comes from another document (`templateRef`): findings go to the place
    /// of the linted document that led there, naming the template.
    Remote { site: JsonPath, name: String },
}

impl Anchor {
    /// The path of a finding at `sub` of the template.
    pub(crate) fn at(&self, sub: impl FnOnce(&JsonPath) -> JsonPath) -> JsonPath {
        match self {
            Self::Local(p) => sub(p),
            Self::Remote { site, .. } => site.clone(),
        }
    }

    /// A finding's message, naming the template when it is another document's.
    pub(crate) fn text(&self, msg: String) -> String {
        match self {
            Self::Local(_) => msg,
            Self::Remote { name, .. } => format!("in template `{name}`: {msg}"),
        }
    }
}

/// The state of one document's validation (`templateValidationCtx`).
pub(crate) struct Ctx<'a> {
    pub(crate) opts: Opts,
    pub(crate) globals: scope::Globals,
    /// `tctx.results`: templates already validated, by base and name.
    pub(crate) done: FxHashSet<(Option<(bool, &'a str)>, &'a str)>,
    pub(crate) templates: &'a TemplateSet<'a>,
    pub(crate) out: Vec<Finding>,
}

impl Ctx<'_> {
    /// Reports an error at `sub` of the template anchored at `anchor`.
    pub(crate) fn error(
        &mut self,
        anchor: &Anchor,
        sub: impl FnOnce(&JsonPath) -> JsonPath,
        rule: Rule,
        msg: impl Into<String>,
    ) {
        let path = anchor.at(sub);
        self.out
            .push(Finding::error(rule, &path, anchor.text(msg.into())));
    }

    /// Reports an error at `path` of the linted document.
    pub(crate) fn error_at(&mut self, path: &JsonPath, rule: Rule, msg: impl Into<String>) {
        self.out.push(Finding::error(rule, path, msg));
    }
}
