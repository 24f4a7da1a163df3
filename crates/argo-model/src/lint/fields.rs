//! Per-template field rules: output parameter sources, fields a template type does not support
//! (`activeDeadlineSeconds`, `parallelism`, `timeout`), container names and mounts, resource
//! actions; and `enum` of argument parameters.

use k8s_openapi::api::core::v1::VolumeMount;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::{Finding, Rule, rules};
use crate::{AnyString, JsonPath, Parameter, Template, WorkflowSpec};

const RESOURCE_ACTIONS: &[&str] = &["get", "create", "apply", "delete", "replace", "patch"];

pub(crate) fn spec(spec: &WorkflowSpec, path: &JsonPath, out: &mut Vec<Finding>) {
    if let Some(a) = &spec.arguments {
        enums(
            &a.parameters,
            &|| path.key("arguments").key("parameters"),
            out,
        );
    }
}

/// A parameter with both `enum` and `value` must have its value in the enum. `path` builds
/// the path of the parameter list; it is called only for a finding.
pub(crate) fn enums(params: &[Parameter], path: &dyn Fn() -> JsonPath, out: &mut Vec<Finding>) {
    for (i, p) in params.iter().enumerate() {
        let Some(v) = p.value.as_ref().map(AnyString::as_str) else {
            continue;
        };
        if !p.enum_.is_empty() && !p.enum_.iter().any(|e| e.as_str() == v) {
            let allowed: Vec<&str> = p.enum_.iter().map(AnyString::as_str).collect();
            out.push(Finding::error(
                Rule::InvalidValue,
                &path().index(i).key("value"),
                format!(
                    "value `{v}` of parameter `{}` is not in its enum ({}); use one of those or add it to `enum`",
                    p.name,
                    allowed.join(", ")
                ),
            ));
        }
    }
}

pub(crate) fn template(t: &Template, path: &JsonPath, out: &mut Vec<Finding>) {
    let kind = rules::types(t);
    let kind = match kind.as_slice() {
        [k] => Some(*k),
        _ => None,
    };
    let composite = matches!(kind, Some("dag" | "steps"));
    let leaf = matches!(
        kind,
        Some("container" | "containerSet" | "script" | "resource" | "data" | "http" | "plugin")
    );
    let ty = kind.unwrap_or("this");
    if let Some(ads) = &t.active_deadline_seconds {
        if composite {
            out.push(Finding::error(
                Rule::MisplacedField,
                &path.key("activeDeadlineSeconds"),
                format!("activeDeadlineSeconds is only valid on leaf templates, not on a {ty} template; set it on the templates it calls, or use spec.activeDeadlineSeconds"),
            ));
        } else if !valid_deadline(ads) {
            out.push(Finding::error(
                Rule::InvalidValue,
                &path.key("activeDeadlineSeconds"),
                "activeDeadlineSeconds must be a positive integer or an Argo variable like `{{inputs.parameters.deadline}}`",
            ));
        }
    }
    if t.parallelism.is_some() && kind.is_some() && !composite {
        out.push(Finding::error(
            Rule::MisplacedField,
            &path.key("parallelism"),
            format!("parallelism is only valid on steps and dag templates, not on a {ty} template; remove it or set it on the steps/dag template (or spec.parallelism)"),
        ));
    }
    if let Some(timeout) = t.timeout.as_deref().filter(|s| !s.is_empty()) {
        if kind.is_some() && !leaf {
            out.push(Finding::error(
                Rule::MisplacedField,
                &path.key("timeout"),
                format!("timeout is only valid on leaf templates (container, script, resource, ...), not on a {ty} template; set it on the templates it calls, or use activeDeadlineSeconds of the workflow"),
            ));
        } else if timeout.trim().parse::<i64>().is_ok() {
            out.push(Finding::error(
                Rule::InvalidValue,
                &path.key("timeout"),
                format!("timeout `{timeout}` has no unit; write a duration such as `{timeout}s`"),
            ));
        }
    }
    if let Some(o) = &t.outputs {
        for (i, p) in o.parameters.iter().enumerate() {
            output_parameter(
                p,
                kind,
                &|| path.key("outputs").key("parameters").index(i),
                out,
            );
        }
    }
    if let Some(r) = &t.resource
        && !r.action.contains("{{")
        && !RESOURCE_ACTIONS.contains(&r.action.as_str())
    {
        out.push(Finding::error(
            Rule::InvalidValue,
            &path.key("resource").key("action"),
            format!(
                "resource.action `{}` is invalid; use one of {}",
                r.action,
                RESOURCE_ACTIONS.join(", ")
            ),
        ));
    }
    containers(t, path, out);
}

/// `IntOrString` of `activeDeadlineSeconds`: a non-negative integer, or a string that is one or
/// holds a `{{...}}` variable.
fn valid_deadline(v: &IntOrString) -> bool {
    match v {
        IntOrString::Int(i) => *i >= 0,
        IntOrString::String(s) => s.contains("{{") || s.trim().parse::<u64>().is_ok(),
    }
}

/// An output parameter has exactly one of `value` and `valueFrom`, a `valueFrom` names exactly
/// one source, and the source is one the template type (`kind`) can fill.
fn output_parameter(
    p: &Parameter,
    kind: Option<&str>,
    path: &dyn Fn() -> JsonPath,
    out: &mut Vec<Finding>,
) {
    let name = &p.name;
    let vf = match (&p.value, &p.value_from) {
        (Some(_), Some(_)) => {
            out.push(Finding::error(
                Rule::ValueSource,
                &path(),
                format!("output parameter `{name}` has both `value` and `valueFrom`; keep one"),
            ));
            return;
        }
        (None, None) => {
            out.push(Finding::error(
                Rule::ValueSource,
                &path(),
                format!("output parameter `{name}` has neither `value` nor `valueFrom`; give it one (e.g. valueFrom.path in a container template)"),
            ));
            return;
        }
        (Some(_), None) => return,
        (None, Some(vf)) => vf,
    };
    let set = |s: &Option<String>| s.as_deref().is_some_and(|s| !s.is_empty());
    let sources = [
        ("path", set(&vf.path)),
        ("jqFilter", set(&vf.jq_filter)),
        ("jsonPath", set(&vf.json_path)),
        ("parameter", set(&vf.parameter)),
        ("expression", set(&vf.expression)),
        ("supplied", vf.supplied.is_some()),
    ];
    let named: Vec<&str> = sources.iter().filter(|s| s.1).map(|s| s.0).collect();
    let vp = || path().key("valueFrom");
    if named.len() != 1 {
        let msg = if named.is_empty() {
            format!(
                "valueFrom of output parameter `{name}` names no source; set one of path, jqFilter, jsonPath, parameter, expression, supplied"
            )
        } else {
            format!(
                "valueFrom of output parameter `{name}` names several sources ({}); keep one",
                named.join(", ")
            )
        };
        out.push(Finding::error(Rule::ValueSource, &vp(), msg));
        return;
    }
    let needed = match kind {
        Some(k @ ("container" | "containerSet" | "script")) if named[0] != "path" => {
            Some((k, "`path` (the file the container writes)"))
        }
        Some("resource") if !matches!(named[0], "jqFilter" | "jsonPath") => {
            Some(("resource", "`jsonPath` or `jqFilter`"))
        }
        Some(k @ ("dag" | "steps")) if !matches!(named[0], "parameter" | "expression") => {
            Some((k, "`parameter` or `expression`"))
        }
        _ => None,
    };
    if let Some((k, what)) = needed {
        out.push(Finding::error(
            Rule::ValueSource,
            &vp(),
            format!(
                "output parameter `{name}` of a {k} template needs valueFrom {what}, not `{}`",
                named[0]
            ),
        ));
    }
}

/// Sidecar and containerSet names Argo reserves, init containers without a name, and a
/// `mountPath` mounted twice in one container.
fn containers(t: &Template, path: &JsonPath, out: &mut Vec<Finding>) {
    let reserved =
        |n: &str| matches!(n, "wait" | "supervisor") || n.starts_with("artifact-plugin-");
    let named = t
        .sidecars
        .iter()
        .enumerate()
        .map(|(i, c)| ("sidecars", i, c.name.as_str()));
    let set = t.container_set.iter().flat_map(|s| {
        s.containers
            .iter()
            .enumerate()
            .map(|(i, c)| ("containerSet", i, c.name.as_str()))
    });
    for (key, i, name) in named.chain(set) {
        if reserved(name) {
            let p = if key == "sidecars" {
                path.key(key).index(i).key("name")
            } else {
                path.key(key).key("containers").index(i).key("name")
            };
            out.push(Finding::error(
                Rule::InvalidName,
                &p,
                format!("container name `{name}` is reserved by Argo (wait, supervisor, artifact-plugin-*); rename it"),
            ));
        }
    }
    for (i, c) in t.init_containers.iter().enumerate() {
        if c.name.is_empty() {
            out.push(Finding::error(
                Rule::InvalidName,
                &path.key("initContainers").index(i).key("name"),
                "init container has no name; give it one",
            ));
        }
    }
    if let Some(c) = &t.container {
        mounts(
            c.volume_mounts.as_deref().unwrap_or_default(),
            &|| path.key("container"),
            out,
        );
    }
    if let Some(s) = &t.script {
        mounts(&s.volume_mounts, &|| path.key("script"), out);
    }
    for (key, list) in [
        ("sidecars", &t.sidecars),
        ("initContainers", &t.init_containers),
    ] {
        for (i, c) in list.iter().enumerate() {
            mounts(&c.volume_mounts, &|| path.key(key).index(i), out);
        }
    }
    if let Some(s) = &t.container_set {
        for (i, c) in s.containers.iter().enumerate() {
            mounts(
                &c.volume_mounts,
                &|| path.key("containerSet").key("containers").index(i),
                out,
            );
        }
    }
}

/// No `mountPath` twice in one container's `volumeMounts`. `path` builds the container's path.
fn mounts(list: &[VolumeMount], path: &dyn Fn() -> JsonPath, out: &mut Vec<Finding>) {
    for (j, m) in list.iter().enumerate() {
        if let Some(first) = list[..j].iter().position(|o| o.mount_path == m.mount_path) {
            out.push(Finding::error(
                Rule::DuplicateName,
                &path().key("volumeMounts").index(j).key("mountPath"),
                format!(
                    "mountPath `{}` is already mounted by volumeMounts[{first}]; mount each path once",
                    m.mount_path
                ),
            ));
        }
    }
}
