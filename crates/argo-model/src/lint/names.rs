//! Naming rules.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::{Finding, FxHashSet, Rule};
use crate::JsonPath;

/// `^[a-zA-Z0-9][-a-zA-Z0-9]*$`, at most 128 characters: templates, tasks and steps.
pub(crate) fn is_template_name(name: &str) -> bool {
    name.len() <= 128
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// `^[-a-zA-Z0-9_]+$`: parameters and artifacts.
pub(crate) fn is_param_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// A DNS-1123 subdomain (Kubernetes object names).
pub(crate) fn is_dns1123_subdomain(name: &str) -> bool {
    name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

/// The name of the document: at most `max` characters (validate.go: `maxCharsInObjectName`, 52
/// for a `CronWorkflow`), an error; a DNS-1123 subdomain, as the Kubernetes API server requires
/// (`argo lint` does not check it), a warning. `what` names the kind in messages.
pub(crate) fn metadata(meta: &ObjectMeta, what: &str, max: usize, out: &mut Vec<Finding>) {
    let path = JsonPath::root().key("metadata");
    if let Some(name) = meta.name.as_deref() {
        let p = path.key("name");
        if name.len() > max {
            out.push(Finding::error(
                Rule::InvalidName,
                &p,
                format!(
                    "{what} name {name:?} must not be more than {max} characters long (currently {}); shorten it",
                    name.len()
                ),
            ));
        }
        if !is_dns1123_subdomain(name) {
            out.push(Finding::warning(
                Rule::Kubernetes,
                &p,
                format!("name `{name}` is not a DNS-1123 subdomain, which the Kubernetes API server requires; use lowercase letters, digits, '-' and '.'"),
            ));
        }
    }
    if let Some(g) = meta.generate_name.as_deref()
        && !g.is_empty()
        && !is_dns1123_subdomain(g.trim_end_matches(['-', '.']))
    {
        out.push(Finding::warning(
            Rule::Kubernetes,
            &path.key("generateName"),
            format!("generateName `{g}` must be lowercase letters, digits, '-' and '.' for the Kubernetes API server"),
        ));
    }
}

/// The kind of names `validateWorkflowFieldNames` checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameKind {
    /// Templates, tasks, containers of a container set: [`is_template_name`].
    Field,
    /// Parameters and artifacts: [`is_param_name`].
    ParamOrArtifact,
}

/// `validateWorkflowFieldNames`: each name is set, valid for its kind and unique. Returns, for
/// each bad name, its index, the rule and the message's tail (`[2].name 'x' is not unique`).
pub(crate) fn field_names<'n>(
    names: impl IntoIterator<Item = &'n str>,
    kind: NameKind,
) -> Vec<(usize, Rule, String)> {
    // Short lists are scanned; long ones hashed.
    const SCAN: usize = 16;
    let mut out = Vec::new();
    let mut few: Vec<&str> = Vec::new();
    let mut seen: FxHashSet<&str> = FxHashSet::default();
    let mut repeated = |name: &'n str| {
        if seen.is_empty() && few.len() < SCAN {
            let r = few.contains(&name);
            if !r {
                few.push(name);
            }
            return r;
        }
        if seen.is_empty() {
            seen.extend(few.drain(..));
        }
        !seen.insert(name)
    };
    for (i, name) in names.into_iter().enumerate() {
        if name.is_empty() {
            out.push((i, Rule::InvalidName, format!("[{i}].name is required")));
            continue;
        }
        let why = match kind {
            NameKind::Field => field_name_error(name),
            NameKind::ParamOrArtifact => (!is_param_name(name)).then_some(PARAM_NAME_HELP),
        };
        if let Some(why) = why {
            out.push((
                i,
                Rule::InvalidName,
                format!("[{i}].name: '{name}' is invalid: {why}"),
            ));
        } else if repeated(name) {
            out.push((
                i,
                Rule::DuplicateName,
                format!("[{i}].name '{name}' is not unique"),
            ));
        }
    }
    out
}

const PARAM_NAME_HELP: &str = "Parameter/Artifact name must consist of alpha-numeric characters, '_' or '-' e.g. my_param_1, MY-PARAM-1";

/// `isValidWorkflowFieldName`: why `name` is not a valid template, task or step name.
pub(crate) fn field_name_error(name: &str) -> Option<&'static str> {
    if name.len() > 128 {
        return Some("must be no more than 128 characters");
    }
    (!is_template_name(name)).then_some(
        "name must consist of alpha-numeric characters or '-', and must start with an alpha-numeric character (e.g. My-name1-2, 123-NAME)",
    )
}

/// `isValidStepName`: [`field_name_error`] once each internal placeholder is replaced by `x`.
pub(crate) fn step_name_error(name: &str) -> Option<&'static str> {
    field_name_error(&super::tags::sanitize_placeholders(name))
}

/// `isParameter`: `s` holds a `{{name(.name)*}}` reference (`paramRegex`).
pub(crate) fn is_parameter(s: &str) -> bool {
    let mut rest = s;
    while let Some(i) = rest.find("{{") {
        let after = &rest[i + 2..];
        if let Some(end) = after.find("}}") {
            let inner = &after[..end];
            let mut parts = inner.split('.');
            let first = parts.next().unwrap_or_default();
            let ok_first =
                !first.is_empty() && first.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
            let ok_rest = parts.all(|p| {
                !p.is_empty()
                    && p.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            });
            if ok_first && ok_rest {
                return true;
            }
        }
        rest = after;
    }
    false
}

/// `metrics.IsValidMetricName`: Prometheus' legacy metric name without `:`.
pub(crate) fn is_metric_name(name: &str) -> bool {
    name.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_rules() {
        assert!(is_template_name("a-1"));
        assert!(!is_template_name("a_1"));
        assert!(!is_template_name("-a"));
        assert!(is_param_name("a_b-c"));
        assert!(is_dns1123_subdomain("a.b-c"));
        assert!(!is_dns1123_subdomain("A"));
    }
}
