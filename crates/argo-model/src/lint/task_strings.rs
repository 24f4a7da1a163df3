//! The strings of a DAG task by a typed walk of its fields: what `strings::visit` gives, faster. A DAG
//! task flattens its unknown fields, which makes serde's walk slow on large DAGs.

use super::strings::{At, Seg, visit_at, visit_str};

/// Calls `f` with each string of a DAG task, as `strings::visit` does (but object keys of typed
/// fields, which never hold `{{`): the common fields by a typed walk, the rest through serde.
pub(crate) fn visit_task(task: &crate::DagTask, f: &mut dyn FnMut(&str, &At<'_>)) {
    use Seg::{Field as K, Index as I};
    let none = &|_: &At<'_>, _: &str| false;
    visit_str(&task.name, &[K("name")], f);
    if let Some(args) = &task.arguments {
        for (i, param) in args.parameters.iter().enumerate() {
            let at = |k: &'static str| [K("arguments"), K("parameters"), I(i), K(k)];
            visit_str(&param.name, &at("name"), f);
            for (key, value) in [
                ("default", &param.default),
                ("description", &param.description),
                ("value", &param.value),
            ] {
                if let Some(value) = value {
                    visit_str(value.as_str(), &at(key), f);
                }
            }
            for (j, e) in param.enum_.iter().enumerate() {
                let path = [K("arguments"), K("parameters"), I(i), K("enum"), I(j)];
                visit_str(e.as_str(), &path, f);
            }
            if let Some(g) = &param.global_name {
                visit_str(g, &at("globalName"), f);
            }
            if let Some(v) = &param.value_from {
                visit_at(v, &at("valueFrom"), none, f);
            }
            if !param.extra.is_empty() {
                visit_at(&param.extra, &at("name")[..3], none, f);
            }
        }
        if !args.artifacts.is_empty() {
            visit_at(&args.artifacts, &[K("arguments"), K("artifacts")], none, f);
        }
        if !args.extra.is_empty() {
            visit_at(&args.extra, &[K("arguments")], none, f);
        }
    }
    for (j, d) in task.dependencies.iter().enumerate() {
        visit_str(d, &[K("dependencies"), I(j)], f);
    }
    for (key, value) in [
        ("depends", &task.depends),
        ("onExit", &task.on_exit),
        ("template", &task.template),
        ("when", &task.when),
        ("withParam", &task.with_param),
    ] {
        if let Some(value) = value {
            visit_str(value, &[K(key)], f);
        }
    }
    if !task.hooks.is_empty() {
        visit_at(&task.hooks, &[K("hooks")], none, f);
    }
    if let Some(inline) = &task.inline {
        visit_at(inline, &[K("inline")], none, f);
    }
    if let Some(r) = &task.template_ref {
        visit_at(r, &[K("templateRef")], none, f);
    }
    if !task.with_items.is_empty() {
        visit_at(&task.with_items, &[K("withItems")], none, f);
    }
    if let Some(s) = &task.with_sequence {
        visit_at(s, &[K("withSequence")], none, f);
    }
    if let Some(c) = task.continue_on.as_ref().filter(|c| !c.extra.is_empty()) {
        visit_at(c, &[K("continueOn")], none, f);
    }
    if !task.extra.is_empty() {
        visit_at(&task.extra, &[], none, f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::JsonPath;
    use crate::lint::strings::{Walk, visit};
    use serde_json::json;

    /// [`visit_task`] finds the strings (with `{{`) [`visit`] finds, at the same paths.
    #[test]
    fn the_typed_task_walk_is_the_serde_walk() {
        let t: crate::DagTask = serde_json::from_value(json!({
            "name": "{{a}}", "template": "{{b}}", "depends": "{{c}}", "when": "{{d}}",
            "withParam": "{{e}}", "onExit": "{{f}}", "dependencies": ["x", "{{g}}"],
            "arguments": {
                "parameters": [{"name": "p", "value": "{{h}}", "default": "{{i}}",
                    "description": "{{j}}", "enum": ["{{k}}"], "globalName": "{{l}}",
                    "valueFrom": {"configMapKeyRef": {"name": "{{m}}", "key": "k"}}, "x": "{{n}}"}],
                "artifacts": [{"name": "a", "from": "{{o}}"}], "y": "{{p}}"
            },
            "hooks": {"{{q}}": {"template": "{{r}}"}}, "inline": {"container": {"image": "{{s}}"}},
            "templateRef": {"name": "{{t}}", "template": "u"}, "withItems": [{"{{v}}": "{{w}}"}],
            "withSequence": {"count": "{{x}}"}, "continueOn": {"z": "{{y}}"}, "extra": "{{z}}"
        }))
        .unwrap_or_default();
        let collect = |walk: &mut Walk<'_>| {
            let mut seen = Vec::new();
            walk(&mut |s, at| {
                if s.contains("{{") {
                    seen.push((s.to_owned(), at.path(&JsonPath::root()).to_string()));
                }
            });
            seen.sort();
            seen
        };
        let typed = collect(&mut |f| visit_task(&t, f));
        assert_eq!(typed.len(), 25, "{typed:#?}");
        assert_eq!(typed, collect(&mut |f| visit(&t, f)));
    }
}
