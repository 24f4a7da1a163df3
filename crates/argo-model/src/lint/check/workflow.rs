//! Workflow-level parts of `Workflow` (validate.go): the globals of `newTemplateValidationCtx`,
//! merged arguments, `validateHooks`, `podGC`, `validateExecutorPlugins`.

use indexmap::IndexMap;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use super::documents::MetaKeys;
use super::scope::Globals;
use super::{Anchor, Base, Ctx, Rule};
use crate::lint::labels;
use crate::{Arguments, JsonPath, LifecycleHook, Parameter, WorkflowSpec};

/// The workflow's arguments, with those of its `WorkflowTemplate` it does not override
/// (`util.MergeParameters`, `util.MergeArtifacts`).
pub(crate) fn merged_arguments(spec: &WorkflowSpec, stored: Option<Base<'_>>) -> Option<Arguments> {
    let own = spec.arguments.as_ref();
    let Some(theirs) = stored.and_then(|s| s.spec.arguments.as_ref()) else {
        return own.cloned();
    };
    let mut merged = own.cloned().unwrap_or_default();
    for p in &theirs.parameters {
        if !merged.parameters.iter().any(|x| x.name == p.name) {
            merged.parameters.push(p.clone());
        }
    }
    for a in &theirs.artifacts {
        if !merged.artifacts.iter().any(|x| x.name == a.name) {
            merged.artifacts.push(a.clone());
        }
    }
    Some(merged)
}

/// `newTemplateValidationCtx` and the globals of `Workflow`.
pub(crate) fn globals(
    g: &mut Globals,
    meta: &MetaKeys<'_>,
    spec: &WorkflowSpec,
    args: Option<&Arguments>,
    stored: Option<Base<'_>>,
) {
    for k in [
        "name",
        "namespace",
        "mainEntrypoint",
        "serviceAccountName",
        "uid",
        "status",
    ] {
        g.add(format!("workflow.{k}"));
    }
    let params: &[Parameter] = args.map_or(&[], |a| &a.parameters);
    if !params.is_empty() {
        g.add("workflow.parameters");
        g.add("workflow.parameters.json");
    }
    for p in params.iter().filter(|p| !p.name.is_empty()) {
        let key = format!("workflow.parameters.{}", p.name);
        match &p.value {
            Some(v) => g.set(key, v.as_str().to_owned()),
            None => g.add(key),
        }
    }
    let mut label_keys: Vec<&str> = meta.labels.clone();
    let mut annotation_keys: Vec<&str> = meta.annotations.clone();
    for m in [
        spec.workflow_metadata.as_ref(),
        stored.and_then(|s| s.spec.workflow_metadata.as_ref()),
    ]
    .into_iter()
    .flatten()
    {
        annotation_keys.extend(m.annotations.keys().map(String::as_str));
        label_keys.extend(m.labels.keys().map(String::as_str));
        label_keys.extend(m.labels_from.keys().map(String::as_str));
    }
    for k in annotation_keys {
        g.add(format!("workflow.annotations.{k}"));
    }
    for k in label_keys {
        g.add(format!("workflow.labels.{k}"));
    }
    for k in ["annotations", "annotations.json", "labels", "labels.json"] {
        g.add(format!("workflow.{k}"));
    }
    if let Some(p) = spec.priority {
        g.set("workflow.priority", p.to_string());
    }
}

/// `validateHooks`: every hook but `exit` needs an `expression`. `at` is the path of the hooks.
pub(crate) fn hooks(
    ctx: &mut Ctx<'_>,
    anchor: &Anchor,
    hooks: &IndexMap<String, LifecycleHook>,
    at: &dyn Fn(&JsonPath) -> JsonPath,
    prefix: &str,
) {
    for (name, hook) in hooks {
        if name != "exit" && hook.expression.as_deref().unwrap_or_default().is_empty() {
            ctx.error(anchor, |p| at(p).key(name), Rule::HookExpression, format!("{prefix}.{name} Expression required: a hook other than `exit` runs when its expression is true"));
        }
    }
}

const POD_GC: &[&str] = &[
    "",
    "OnPodCompletion",
    "OnPodSuccess",
    "OnWorkflowCompletion",
    "OnWorkflowSuccess",
];

/// `podGC.strategy` and `podGC.labelSelector` (`PodGC.GetLabelSelector`).
pub(crate) fn pod_gc(ctx: &mut Ctx<'_>, spec: &WorkflowSpec, spec_path: &JsonPath) {
    let Some(gc) = &spec.pod_gc else { return };
    let at = spec_path.key("podGC");
    if let Some(s) = gc.strategy.as_deref()
        && !POD_GC.contains(&s)
    {
        ctx.error_at(
            &at.key("strategy"),
            Rule::PodGc,
            format!(
                "podGC.strategy unknown strategy '{s}'; use one of {}",
                POD_GC[1..].join(", ")
            ),
        );
    }
    if let Some(msg) = gc.label_selector.as_ref().and_then(label_selector_error) {
        ctx.error_at(
            &at.key("labelSelector"),
            Rule::PodGc,
            format!("podGC.labelSelector invalid: {msg}"),
        );
    }
}

/// `metav1.LabelSelectorAsSelector`: the first reason the selector is invalid.
pub(crate) fn label_selector_error(s: &LabelSelector) -> Option<String> {
    for (k, v) in s.match_labels.iter().flatten() {
        if !labels::is_qualified_name(k, false) {
            return Some(format!("key {k:?} is not a valid label key"));
        }
        if !labels::is_label_value(v) {
            return Some(format!(
                "value {v:?} of key {k:?} is not a valid label value"
            ));
        }
    }
    for e in s.match_expressions.iter().flatten() {
        let values = e.values.as_deref().unwrap_or_default();
        match e.operator.as_str() {
            "In" | "NotIn" if values.is_empty() => {
                return Some(format!(
                    "key {:?}: for 'in', 'notin' operators, values set can't be empty",
                    e.key
                ));
            }
            "Exists" | "DoesNotExist" if !values.is_empty() => {
                return Some(format!(
                    "key {:?}: values set must be empty for exists and does not exist",
                    e.key
                ));
            }
            "In" | "NotIn" | "Exists" | "DoesNotExist" => {}
            op => return Some(format!("{op:?} is not a valid label selector operator")),
        }
        if !labels::is_qualified_name(&e.key, false) {
            return Some(format!("key {:?} is not a valid label key", e.key));
        }
        if let Some(v) = values.iter().find(|v| !labels::is_label_value(v)) {
            return Some(format!(
                "value {v:?} of key {:?} is not a valid label value",
                e.key
            ));
        }
    }
    None
}

/// `validateExecutorPlugins` (`WorkflowSpec.AsExecutorPluginSpec`, `Sidecar.Validate`).
pub(crate) fn executor_plugins(ctx: &mut Ctx<'_>, spec: &WorkflowSpec, spec_path: &JsonPath) {
    for (i, p) in spec.executor_plugins.iter().enumerate() {
        let at = spec_path.key("executorPlugins").index(i);
        let c = &p.spec.sidecar.container;
        let resources = c.resources.as_ref();
        let problem = if p.metadata.name.as_deref().unwrap_or_default().is_empty() {
            Some((
                at.key("metadata"),
                "executor plugin metadata name is mandatory",
            ))
        } else if c.ports.as_deref().unwrap_or_default().is_empty() {
            Some((at.key("spec"), "at least one port is mandatory"))
        } else if resources.and_then(|r| r.requests.as_ref()).is_none() {
            Some((at.key("spec"), "resources requests are mandatory"))
        } else if resources.and_then(|r| r.limits.as_ref()).is_none() {
            Some((at.key("spec"), "resources limits are mandatory"))
        } else if c.security_context.is_none() {
            Some((at.key("spec"), "security context is mandatory"))
        } else {
            None
        };
        if let Some((path, msg)) = problem {
            ctx.error_at(
                &path,
                Rule::ExecutorPlugin,
                format!("spec.executorPlugins: {msg}"),
            );
        }
    }
}
