//! Naming rules.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::{Finding, Rule};
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

pub(crate) fn metadata(meta: &ObjectMeta, max: usize, out: &mut Vec<Finding>) {
    let path = JsonPath::root().key("metadata");
    if let Some(name) = meta.name.as_deref() {
        let p = path.key("name");
        if name.len() > max {
            out.push(Finding::error(
                Rule::InvalidName,
                &p,
                format!(
                    "name `{name}` has {} characters; shorten it to at most {max}",
                    name.len()
                ),
            ));
        }
        if !is_dns1123_subdomain(name) {
            out.push(Finding::error(
                Rule::InvalidName,
                &p,
                format!("name `{name}` is not a DNS-1123 subdomain; use lowercase letters, digits, '-' and '.'"),
            ));
        }
    }
    if let Some(g) = meta.generate_name.as_deref()
        && !g.is_empty()
        && !is_dns1123_subdomain(g.trim_end_matches(['-', '.']))
    {
        out.push(Finding::error(
            Rule::InvalidName,
            &path.key("generateName"),
            format!("generateName `{g}` must be lowercase letters, digits, '-' and '.'"),
        ));
    }
}

/// Checks a template/task/step name and records it for the uniqueness check.
/// `path` builds the path of the task, step or template; it is called only for a finding.
pub(crate) fn check_template_like<'a>(
    what: &str,
    name: &'a str,
    path: &dyn Fn() -> JsonPath,
    seen: &mut super::FxHashSet<&'a str>,
    out: &mut Vec<Finding>,
) {
    let p = || path().key("name");
    if name.is_empty() {
        out.push(Finding::error(
            Rule::InvalidName,
            &p(),
            format!("{what} has no name; give it one"),
        ));
        return;
    }
    if !is_template_name(name) {
        out.push(Finding::error(
            Rule::InvalidName,
            &p(),
            format!(
                "{what} name `{name}` is invalid: use letters, digits and '-' (no '_' or '.'), start with a letter or digit, at most 128 characters"
            ),
        ));
    }
    if !seen.insert(name) {
        out.push(Finding::error(
            Rule::DuplicateName,
            &p(),
            format!("{what} name `{name}` is used twice; rename one of them"),
        ));
    }
}

/// Parameter or artifact names: valid, and each declared once. `path` builds the path of the
/// list; it is called only for a finding.
pub(crate) fn check_params<'a>(
    names: impl Iterator<Item = &'a str>,
    path: &dyn Fn() -> JsonPath,
    out: &mut Vec<Finding>,
) {
    // The lists are short: a linear scan over the names seen so far, until there are many.
    const SCAN: usize = 16;
    let mut few: Vec<&str> = Vec::new();
    let mut many = std::collections::HashSet::new();
    for (i, name) in names.enumerate() {
        let p = || path().index(i).key("name");
        if !is_param_name(name) {
            out.push(Finding::error(
                Rule::InvalidName,
                &p(),
                format!("name `{name}` is invalid: use letters, digits, '-' and '_'"),
            ));
            continue;
        }
        let repeated = if many.is_empty() && few.len() < SCAN {
            let r = few.contains(&name);
            if !r {
                few.push(name);
            }
            r
        } else {
            if many.is_empty() {
                many.extend(few.drain(..));
            }
            !many.insert(name)
        };
        if repeated {
            out.push(Finding::error(
                Rule::DuplicateName,
                &p(),
                format!("`{name}` is declared twice; rename or remove one"),
            ));
        }
    }
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
