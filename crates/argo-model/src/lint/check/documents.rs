//! The documents a lint sees: the (Cluster)WorkflowTemplates `templateRef` can name, the kind
//! of the linted one, and the label and annotation keys of the workflow it makes.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::{Base, FxHashMap, Stored, index};
use crate::Document;

/// The `WorkflowTemplates` and `ClusterWorkflowTemplates` that `templateRef` and
/// `workflowTemplateRef` can name: the documents linted together. A reference to a template
/// not in the set is assumed to exist in the cluster.
///
/// ```
/// use argo_model::{Document, lint::{LintOptions, TemplateSet, lint_with}};
/// let docs = Document::from_yaml_str(
///     "apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata: {name: lib}\n\
///      spec: {templates: [{name: echo, container: {image: alpine}}]}\n---\n\
///      apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: w-}\n\
///      spec: {entrypoint: main, templates: [{name: main, steps: [[{name: a, templateRef: {name: lib, template: ech}}]]}]}\n",
/// )?;
/// let set = TemplateSet::from_documents(&docs);
/// let findings = lint_with(&docs[1], &LintOptions::default(), &set);
/// assert!(findings[0].message.contains("lib.ech not found"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Default)]
pub struct TemplateSet<'a> {
    namespaced: FxHashMap<&'a str, Stored<'a>>,
    cluster: FxHashMap<&'a str, Stored<'a>>,
}

impl<'a> TemplateSet<'a> {
    /// The (Cluster)WorkflowTemplates among `docs` that have a `metadata.name`.
    pub fn from_documents(docs: impl IntoIterator<Item = &'a Document>) -> Self {
        let mut set = Self::default();
        for d in docs {
            let (meta, spec, cluster) = match d {
                Document::WorkflowTemplate(t) => (&t.metadata, &t.spec, false),
                Document::ClusterWorkflowTemplate(t) => (&t.metadata, &t.spec, true),
                _ => continue,
            };
            let Some(name) = meta.name.as_deref() else {
                continue;
            };
            let stored = Stored {
                name,
                cluster,
                spec,
                index: index(spec),
            };
            let map = if cluster {
                &mut set.cluster
            } else {
                &mut set.namespaced
            };
            map.entry(name).or_insert(stored);
        }
        set
    }

    pub(crate) fn get(&'a self, cluster: bool, name: &str) -> Option<Base<'a>> {
        let map = if cluster {
            &self.cluster
        } else {
            &self.namespaced
        };
        let s = map.get(name)?;
        Some(Base {
            spec: s.spec,
            index: &s.index,
            stored: Some(s),
        })
    }
}

/// The kind of the linted document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Workflow,
    /// A workflow about to be created (`Submit: true`): its arguments need values.
    SubmittedWorkflow,
    WorkflowTemplate,
    ClusterWorkflowTemplate,
    CronWorkflow,
}

/// The label and annotation keys of the workflow object (for `{{workflow.labels.K}}`).
pub(crate) struct MetaKeys<'m> {
    pub(crate) labels: Vec<&'m str>,
    pub(crate) annotations: Vec<&'m str>,
}

impl<'m> MetaKeys<'m> {
    /// The keys of a document's own metadata.
    pub(crate) fn of(meta: &'m ObjectMeta) -> Self {
        Self {
            labels: meta
                .labels
                .iter()
                .flatten()
                .map(|(k, _)| k.as_str())
                .collect(),
            annotations: meta
                .annotations
                .iter()
                .flatten()
                .map(|(k, _)| k.as_str())
                .collect(),
        }
    }
}
