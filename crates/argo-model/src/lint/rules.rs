//! Structural rules: entrypoint, template references, template types, enums, inputs supplied.

use super::{Finding, FxHashSet, Rule, names};
use crate::{Arguments, JsonPath, Template, TemplateRef, WorkflowSpec};

const RETRY_POLICIES: &[&str] = &["Always", "OnFailure", "OnError", "OnTransientError"];
const POD_GC: &[&str] = &[
    "",
    "OnPodCompletion",
    "OnPodSuccess",
    "OnWorkflowCompletion",
    "OnWorkflowSuccess",
];

pub(crate) fn find<'a>(spec: &'a WorkflowSpec, name: &str) -> Option<&'a Template> {
    spec.templates.iter().find(|t| t.name == name)
}

pub(crate) fn spec(
    spec: &WorkflowSpec,
    path: &JsonPath,
    is_workflow: bool,
    out: &mut Vec<Finding>,
) {
    let local = spec.workflow_template_ref.is_none();
    let mut seen = FxHashSet::default();
    for (i, t) in spec.templates.iter().enumerate() {
        names::check_template_like(
            "template",
            &t.name,
            &|| path.key("templates").index(i),
            &mut seen,
            out,
        );
    }
    match spec.entrypoint.as_deref() {
        None | Some("") if is_workflow && local => out.push(Finding::error(
            Rule::MissingEntrypoint,
            &path.key("entrypoint"),
            "spec.entrypoint is missing; set it to the name of the template to run first",
        )),
        Some(e) if local && !e.is_empty() => match find(spec, e) {
            None => out.push(undefined(e, &path.key("entrypoint"), spec)),
            Some(t) if is_workflow => {
                supplied(
                    t,
                    spec.arguments.as_ref(),
                    &|| path.key("arguments"),
                    "spec.arguments",
                    out,
                );
            }
            Some(_) => {}
        },
        _ => {}
    }
    for (key, name) in [("onExit", spec.on_exit.as_deref())] {
        if let Some(n) = name
            && local
            && !n.is_empty()
            && find(spec, n).is_none()
        {
            out.push(undefined(n, &path.key(key), spec));
        }
    }
    if let Some(s) = spec.pod_gc.as_ref().and_then(|g| g.strategy.as_deref())
        && !POD_GC.contains(&s)
    {
        out.push(Finding::error(
            Rule::InvalidValue,
            &path.key("podGC").key("strategy"),
            format!(
                "podGC.strategy `{s}` is invalid; use one of {}",
                POD_GC[1..].join(", ")
            ),
        ));
    }
    if let Some(a) = &spec.arguments {
        names::check_params(
            a.parameters.iter().map(|p| p.name.as_str()),
            &|| path.key("arguments").key("parameters"),
            out,
        );
        names::check_params(
            a.artifacts.iter().map(|p| p.name.as_str()),
            &|| path.key("arguments").key("artifacts"),
            out,
        );
    }
}

pub(crate) fn undefined(name: &str, path: &JsonPath, spec: &WorkflowSpec) -> Finding {
    let known: Vec<&str> = spec.templates.iter().map(|t| t.name.as_str()).collect();
    let hint = known
        .iter()
        .filter(|k| strsim_close(k, name))
        .map(|k| format!(" (did you mean `{k}`?)"))
        .next()
        .unwrap_or_default();
    Finding::error(
        Rule::UndefinedTemplate,
        path,
        format!(
            "template `{name}` is not defined{hint}; define it in spec.templates or fix the name"
        ),
    )
}

fn strsim_close(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b) || (a.len() > 3 && (a.contains(b) || b.contains(a)))
}

/// The template types set on `t`.
pub(crate) fn types(t: &Template) -> Vec<&'static str> {
    let mut v = Vec::new();
    let checks = [
        ("container", t.container.is_some()),
        ("containerSet", t.container_set.is_some()),
        ("steps", !t.steps.is_empty()),
        ("script", t.script.is_some()),
        ("resource", t.resource.is_some()),
        ("dag", t.dag.is_some()),
        ("suspend", t.suspend.is_some()),
        ("data", t.data.is_some()),
        ("http", t.http.is_some()),
        ("plugin", t.plugin.is_some()),
    ];
    for (name, set) in checks {
        if set {
            v.push(name);
        }
    }
    v
}

pub(crate) fn template(spec: &WorkflowSpec, t: &Template, path: &JsonPath, out: &mut Vec<Finding>) {
    let ty = types(t);
    if ty.len() != 1 {
        let msg = if ty.is_empty() {
            format!(
                "template `{}` has no type; give it exactly one of container, containerSet, steps, script, resource, dag, suspend, data, http, plugin",
                t.name
            )
        } else {
            format!(
                "template `{}` has several types ({}); keep exactly one",
                t.name,
                ty.join(", ")
            )
        };
        out.push(Finding::error(Rule::TemplateType, path, msg));
    }
    if let Some(p) = t
        .retry_strategy
        .as_ref()
        .and_then(|r| r.retry_policy.as_deref())
        && !RETRY_POLICIES.contains(&p)
    {
        out.push(Finding::error(
            Rule::InvalidValue,
            &path.key("retryStrategy").key("retryPolicy"),
            format!(
                "retryPolicy `{p}` is invalid; use one of {}",
                RETRY_POLICIES.join(", ")
            ),
        ));
    }
    if let Some(i) = &t.inputs {
        names::check_params(
            i.parameters.iter().map(|p| p.name.as_str()),
            &|| path.key("inputs").key("parameters"),
            out,
        );
        names::check_params(
            i.artifacts.iter().map(|p| p.name.as_str()),
            &|| path.key("inputs").key("artifacts"),
            out,
        );
    }
    if let Some(o) = &t.outputs {
        names::check_params(
            o.parameters.iter().map(|p| p.name.as_str()),
            &|| path.key("outputs").key("parameters"),
            out,
        );
        names::check_params(
            o.artifacts.iter().map(|p| p.name.as_str()),
            &|| path.key("outputs").key("artifacts"),
            out,
        );
    }
    for (g, group) in t.steps.iter().enumerate() {
        let mut seen = FxHashSet::default();
        for (s, step) in group.0.iter().enumerate() {
            let sp = || path.key("steps").index(g).index(s);
            names::check_template_like("step", &step.name, &sp, &mut seen, out);
            call(
                spec,
                step.template.as_deref(),
                step.template_ref.as_ref(),
                step.inline.as_deref(),
                step.arguments.as_ref(),
                &sp,
                out,
            );
        }
    }
}

/// Checks one task or step: how it names its template, and that it supplies the inputs.
/// `path` builds the path of the task or step; it is called only for a finding.
pub(crate) fn call(
    spec: &WorkflowSpec,
    template: Option<&str>,
    template_ref: Option<&TemplateRef>,
    inline: Option<&Template>,
    arguments: Option<&Arguments>,
    path: &dyn Fn() -> JsonPath,
    out: &mut Vec<Finding>,
) {
    let template = template.filter(|t| !t.is_empty());
    let count = usize::from(template.is_some())
        + usize::from(template_ref.is_some())
        + usize::from(inline.is_some());
    if count != 1 {
        out.push(Finding::error(
            Rule::TemplateReference,
            &path(),
            "set exactly one of `template`, `templateRef` and `inline`",
        ));
    }
    if let Some(r) = template_ref
        && (r.name.is_empty() || r.template.as_deref().unwrap_or_default().is_empty())
    {
        out.push(Finding::error(
            Rule::TemplateReference,
            &path().key("templateRef"),
            "templateRef needs both `name` (the WorkflowTemplate) and `template`",
        ));
    }
    if let Some(a) = arguments {
        let ap = || path().key("arguments").key("parameters");
        names::check_params(a.parameters.iter().map(|p| p.name.as_str()), &ap, out);
        for (i, p) in a.parameters.iter().enumerate() {
            if p.value.is_none() && p.value_from.is_none() {
                out.push(Finding::error(
                    Rule::InputNotSupplied,
                    &ap().index(i),
                    format!(
                        "argument `{}` has neither `value` nor `valueFrom`; give it one",
                        p.name
                    ),
                ));
            }
        }
        super::fields::enums(&a.parameters, &ap, out);
    }
    let Some(name) = template else { return };
    if spec.workflow_template_ref.is_some() {
        return;
    }
    match find(spec, name) {
        None => out.push(undefined(name, &path().key("template"), spec)),
        Some(t) => supplied(t, arguments, &|| path().key("arguments"), "the caller", out),
    }
}

/// Every input parameter of `t` without a value or default is supplied by `args`.
fn supplied(
    t: &Template,
    args: Option<&Arguments>,
    path: &dyn Fn() -> JsonPath,
    who: &str,
    out: &mut Vec<Finding>,
) {
    let Some(inputs) = &t.inputs else { return };
    for p in &inputs.parameters {
        let has_own = p.value.is_some() || p.default.is_some() || p.value_from.is_some();
        let given = args.is_some_and(|a| a.parameters.iter().any(|a| a.name == p.name));
        if !has_own && !given {
            out.push(Finding::error(
                Rule::InputNotSupplied,
                &path(),
                format!(
                    "inputs.parameters.{} of template `{}` was not supplied by {who}; pass it in arguments.parameters or give the input a default",
                    p.name, t.name
                ),
            ));
        }
    }
}
