//! `{{inputs.*}}` and `{{workflow.parameters.*}}` references in leaf templates must resolve.

use serde_json::Value;

use super::{Finding, Rule};
use crate::{JsonPath, Template, WorkflowSpec};

/// The `{{...}}` expressions in `s` (trimmed), skipping `{{=...}}` expressions.
pub(crate) fn references(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        let inner = after[..end].trim();
        if !inner.starts_with('=') {
            out.push(inner);
        }
        rest = &after[end + 2..];
    }
    out
}

pub(crate) fn template(spec: &WorkflowSpec, t: &Template, path: &JsonPath, out: &mut Vec<Finding>) {
    if t.dag.is_some() || !t.steps.is_empty() {
        return;
    }
    let Ok(value) = serde_json::to_value(t) else {
        return;
    };
    walk(spec, t, &value, path, out);
}

fn walk(spec: &WorkflowSpec, t: &Template, v: &Value, path: &JsonPath, out: &mut Vec<Finding>) {
    match v {
        Value::String(s) => {
            for r in references(s) {
                check(spec, t, r, path, out);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                walk(spec, t, x, &path.index(i), out);
            }
        }
        Value::Object(m) => {
            for (k, x) in m {
                walk(spec, t, x, &path.key(k), out);
            }
        }
        _ => {}
    }
}

fn check(spec: &WorkflowSpec, t: &Template, r: &str, path: &JsonPath, out: &mut Vec<Finding>) {
    let first = |rest: &'_ str| rest.split('.').next().unwrap_or_default().to_owned();
    if let Some(rest) = r.strip_prefix("inputs.parameters.") {
        let name = first(rest);
        let declared = t
            .inputs
            .as_ref()
            .is_some_and(|i| i.parameters.iter().any(|p| p.name == name));
        if !declared {
            out.push(Finding::error(
                Rule::UnresolvedVariable,
                path,
                format!(
                    "`{{{{{r}}}}}` does not resolve: template `{}` declares no input parameter `{name}`; add it to inputs.parameters or fix the name",
                    t.name
                ),
            ));
        }
    } else if let Some(rest) = r.strip_prefix("inputs.artifacts.") {
        let name = first(rest);
        let declared = t
            .inputs
            .as_ref()
            .is_some_and(|i| i.artifacts.iter().any(|p| p.name == name));
        if !declared {
            out.push(Finding::error(
                Rule::UnresolvedVariable,
                path,
                format!(
                    "`{{{{{r}}}}}` does not resolve: template `{}` declares no input artifact `{name}`; add it to inputs.artifacts or fix the name",
                    t.name
                ),
            ));
        }
    } else if let Some(rest) = r.strip_prefix("workflow.parameters.") {
        let name = first(rest);
        let declared = spec
            .arguments
            .as_ref()
            .is_some_and(|a| a.parameters.iter().any(|p| p.name == name));
        // `workflow.parameters.json` is Argo's global holding all parameters as JSON.
        if !declared && name != "json" && spec.workflow_template_ref.is_none() {
            out.push(Finding::error(
                Rule::UnresolvedVariable,
                path,
                format!(
                    "`{{{{{r}}}}}` does not resolve: spec.arguments.parameters has no `{name}`; declare it there or fix the name"
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_references() {
        assert_eq!(
            references("a {{ inputs.parameters.x }} b {{=x}} {{workflow.name}}"),
            vec!["inputs.parameters.x", "workflow.name"]
        );
    }
}
