//! Kubernetes rules for label and annotation keys and label values, wherever a document sets
//! them: `metadata`, `spec.workflowMetadata`, `spec.podMetadata` and each template's `metadata`.
//! Keys and values holding a `{{...}}` variable are resolved at run time and not checked.
//!
//! `argo lint` does not check them (validate.go has no such rule), so they are warnings
//! ([`Rule::Kubernetes`]): the API server refuses the workflow, or the pods, at run time.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::{Finding, Rule, names};
use crate::{JsonPath, WorkflowSpec};

pub(crate) use crate::label::is_value as is_label_value;

/// A Kubernetes qualified name: an optional DNS-1123 subdomain prefix (at most 253 characters)
/// and '/', then a name of 1 to 63 characters. Annotation keys are checked lowercased, as
/// Kubernetes does (`fold_case`).
pub(crate) fn is_qualified_name(key: &str, fold_case: bool) -> bool {
    let (prefix, name) = match key.split_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    let prefix_ok = prefix.is_none_or(|p| {
        if fold_case {
            names::is_dns1123_subdomain(&p.to_ascii_lowercase())
        } else {
            names::is_dns1123_subdomain(p)
        }
    });
    prefix_ok && !name.is_empty() && is_label_value(name)
}

fn dynamic(s: &str) -> bool {
    s.contains("{{")
}

/// Checks label keys and values, annotation keys, and `labelsFrom` keys (label keys without
/// values). `path` builds the path of the metadata object; it is called only for a finding.
fn check<'a>(
    labels: impl Iterator<Item = (&'a str, Option<&'a str>)>,
    annotations: impl Iterator<Item = &'a str>,
    path: &dyn Fn() -> JsonPath,
    out: &mut Vec<Finding>,
) {
    const KEY_HELP: &str = "use an optional DNS subdomain prefix and '/', then a name of at most 63 letters, digits, '-', '_' and '.' that starts and ends with a letter or digit";
    for (k, v) in labels {
        if !dynamic(k) && !is_qualified_name(k, false) {
            out.push(Finding::warning(
                Rule::Kubernetes,
                &path().key("labels").key(k),
                format!("label key `{k}` is invalid: {KEY_HELP}"),
            ));
        }
        if let Some(v) = v
            && !dynamic(v)
            && !is_label_value(v)
        {
            out.push(Finding::warning(
                Rule::Kubernetes,
                &path().key("labels").key(k),
                format!(
                    "label value `{v}` is invalid: use at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit (put longer text in an annotation)"
                ),
            ));
        }
    }
    for k in annotations {
        if !dynamic(k) && !is_qualified_name(k, true) {
            out.push(Finding::warning(
                Rule::Kubernetes,
                &path().key("annotations").key(k),
                format!("annotation key `{k}` is invalid: {KEY_HELP}"),
            ));
        }
    }
}

/// The labels and annotations of a Kubernetes `ObjectMeta` at `path`.
pub(crate) fn object_meta(m: &ObjectMeta, path: &dyn Fn() -> JsonPath, out: &mut Vec<Finding>) {
    let labels = m.labels.iter().flatten();
    let annotations = m.annotations.iter().flat_map(|a| a.keys());
    check(
        labels.map(|(k, v)| (k.as_str(), Some(v.as_str()))),
        annotations.map(String::as_str),
        path,
        out,
    );
}

/// The labels and annotations set in a workflow spec and its templates.
pub(crate) fn spec(spec: &WorkflowSpec, path: &JsonPath, out: &mut Vec<Finding>) {
    if let Some(m) = &spec.workflow_metadata {
        let labels = m.labels.iter().map(|(k, v)| (k.as_str(), Some(v.as_str())));
        let from = m.labels_from.keys().map(|k| (k.as_str(), None));
        check(
            labels.chain(from),
            m.annotations.keys().map(String::as_str),
            &|| path.key("workflowMetadata"),
            out,
        );
    }
    let metas = spec.pod_metadata.iter().map(|m| (m, None)).chain(
        spec.templates
            .iter()
            .enumerate()
            .filter_map(|(i, t)| t.metadata.as_ref().map(|m| (m, Some(i)))),
    );
    for (m, template) in metas {
        let p = || match template {
            None => path.key("podMetadata"),
            Some(i) => path.key("templates").index(i).key("metadata"),
        };
        check(
            m.labels.iter().map(|(k, v)| (k.as_str(), Some(v.as_str()))),
            m.annotations.keys().map(String::as_str),
            &p,
            out,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubernetes_label_rules() {
        assert!(is_label_value(""));
        assert!(is_label_value("a.b_c-1"));
        assert!(!is_label_value("-a"));
        assert!(!is_label_value("a b"));
        assert!(!is_label_value(&"a".repeat(64)));
        assert!(is_qualified_name("app.kubernetes.io/name", false));
        assert!(is_qualified_name("App_1", false));
        assert!(!is_qualified_name("Example.com/x", false));
        assert!(is_qualified_name("Example.com/x", true));
        assert!(!is_qualified_name("a/b/c", false));
        assert!(!is_qualified_name("/x", false));
        assert!(!is_qualified_name("x/", false));
    }
}
