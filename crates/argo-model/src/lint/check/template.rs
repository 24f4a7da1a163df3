//! `validateTemplate` (validate.go): what every template is checked for once, then the
//! validation of its kind (`validateSteps`, `validateDAG`, `validateLeaf`) and its outputs.

use k8s_openapi::api::core::v1::ResourceRequirements;

use super::artifacts::{location_error, path_error};
use super::scope::{Items, Scope, Values};
use super::{Anchor, Base, Ctx, Rule, args, dag, leaf, metrics, outputs, resolve, steps};
use crate::{JsonPath, Template};

/// `wfv1.TemplateType`, in `GetType`'s order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Type {
    Container,
    ContainerSet,
    Steps,
    Dag,
    Script,
    Resource,
    Data,
    Suspend,
    Http,
    Plugin,
}

impl Type {
    /// Upstream's name of the type (`TemplateType`).
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Container => "Container",
            Self::ContainerSet => "ContainerSet",
            Self::Steps => "Steps",
            Self::Dag => "DAG",
            Self::Script => "Script",
            Self::Resource => "Resource",
            Self::Data => "Data",
            Self::Suspend => "Suspend",
            Self::Http => "HTTP",
            Self::Plugin => "Plugin",
        }
    }

    /// `Template.IsLeaf`.
    pub(crate) fn leaf(self) -> bool {
        !matches!(self, Self::Steps | Self::Dag | Self::Suspend)
    }

    /// `Template.IsPodType`.
    pub(crate) fn pod(self) -> bool {
        matches!(
            self,
            Self::Container | Self::ContainerSet | Self::Script | Self::Resource | Self::Data
        )
    }
}

/// The types set on a template, in `GetType`'s order.
pub(crate) fn types(t: &Template) -> Vec<Type> {
    [
        (Type::Container, t.container.is_some()),
        (Type::ContainerSet, t.container_set.is_some()),
        (Type::Steps, !t.steps.is_empty()),
        (Type::Dag, t.dag.is_some()),
        (Type::Script, t.script.is_some()),
        (Type::Resource, t.resource.is_some()),
        (Type::Data, t.data.is_some()),
        (Type::Suspend, t.suspend.is_some()),
        (Type::Http, t.http.is_some()),
        (Type::Plugin, t.plugin.is_some()),
    ]
    .into_iter()
    .filter_map(|(k, set)| set.then_some(k))
    .collect()
}

const RETRY_POLICIES: &[&str] = &["Always", "OnFailure", "OnError", "OnTransientError"];

/// `validateTemplate`, once per template (the caller keeps `tctx.results`).
pub(crate) fn validate<'a>(
    ctx: &mut Ctx<'a>,
    tmpl: &'a Template,
    base: Base<'a>,
    spec_path: &JsonPath,
    anchor: &Anchor,
) {
    // validateTemplateType
    let ty = match types(tmpl).as_slice() {
        [k] => *k,
        many => {
            let msg = if many.is_empty() {
                format!(
                    "templates.{} template type unspecified. choose one of: container, containerSet, steps, script, resource, dag, suspend, data, http, plugin",
                    tmpl.name
                )
            } else {
                let names: Vec<&str> = many.iter().map(|k| k.name()).collect();
                format!(
                    "templates.{} multiple template types specified ({}); keep exactly one",
                    tmpl.name,
                    names.join(", ")
                )
            };
            ctx.error(anchor, Clone::clone, Rule::TemplateType, msg);
            return;
        }
    };
    intrinsic(ctx, tmpl, ty, anchor);
    // A DAG's tasks are many: its validation looks for a `{{` left open as it resolves them.
    if ty != Type::Dag {
        resolve::report_unclosed(ctx, tmpl, anchor);
    }
    match ty {
        Type::Steps => steps::validate(ctx, tmpl, base, spec_path, anchor),
        Type::Dag => dag::validate(ctx, tmpl, base, spec_path, anchor),
        _ => {
            let values = Values {
                tmpl,
                pod: ty.pod(),
                globals: &ctx.globals,
            };
            let items = Items::default();
            let scope = Scope {
                tmpl,
                leaf: ty.leaf(),
                pod: ty.pod(),
                inline: None,
                items: &items,
                nodes: None,
                globals: &ctx.globals,
                template_validation: ctx.opts.template_validation,
            };
            // `validateLeaf` (for every kind but steps and DAG) resolves the whole template.
            let mut found = Vec::new();
            let _ = resolve::all(tmpl, &scope, &values, anchor, &Clone::clone, &mut found);
            ctx.out.extend(found);
            leaf::validate(ctx, tmpl, ty, base, anchor);
        }
    }
    outputs::validate(ctx, tmpl, ty, anchor);
    if let Some(a) = &tmpl.archive_location
        && let Some((at, msg)) = location_error(&a.into())
    {
        ctx.error(
            anchor,
            |p| keys(p.key("archiveLocation"), at),
            Rule::ArtifactSource,
            format!("templates.{}.archiveLocation.{msg}", tmpl.name),
        );
    }
    metrics::validate(ctx, tmpl, anchor);
}

/// A path followed by keys.
pub(crate) fn keys(mut p: JsonPath, keys: &[&str]) -> JsonPath {
    for k in keys {
        p = p.key(k);
    }
    p
}

/// The checks of `validateTemplate` and `validateTemplateHolder` before the template's kind is
/// validated: pod resources, inputs (`validateInputs`), init containers, resource claims,
/// `timeout`, `pendingTimeout`, the retry policy.
fn intrinsic(ctx: &mut Ctx<'_>, tmpl: &Template, ty: Type, anchor: &Anchor) {
    let name = &tmpl.name;
    if let Some(r) = &tmpl.pod_resources {
        if matches!(ty, Type::Http | Type::Plugin) {
            ctx.error(anchor, |p| p.key("podResources"), Rule::PodResources, format!("templates.{name}.podResources is not supported for {} templates (they run on the shared agent pod)", ty.name()));
        } else if let Some((sub, msg)) = pod_resources_error(r) {
            ctx.error(
                anchor,
                |p| keys(p.key("podResources"), &sub),
                Rule::PodResources,
                format!("templates.{name}.podResources{msg}"),
            );
        }
    }
    inputs(ctx, tmpl, ty, anchor);
    for (i, c) in tmpl.init_containers.iter().enumerate() {
        if c.name.is_empty() {
            ctx.error(
                anchor,
                |p| p.key("initContainers").index(i).key("name"),
                Rule::InvalidName,
                format!("templates.{name}: initContainers must all have container name"),
            );
        }
    }
    if !tmpl.resource_claims.is_empty() && !ty.pod() {
        ctx.error(anchor, |p| p.key("resourceClaims"), Rule::PodResources, format!("templates.{name}.resourceClaims is not supported for {} templates, which do not create a pod", ty.name()));
    }
    if let Some(timeout) = tmpl.timeout.as_deref().filter(|t| !t.is_empty()) {
        if !ty.leaf() {
            ctx.error(
                anchor,
                |p| p.key("timeout"),
                Rule::MisplacedField,
                format!(
                    "{} template doesn't support timeout field; set it on the templates it calls",
                    ty.name()
                ),
            );
        } else if !timeout.contains("{{") && timeout.parse::<i64>().is_ok() {
            ctx.error(anchor, |p| p.key("timeout"), Rule::InvalidValue, format!("{name} has invalid duration format in timeout: write a duration such as `{timeout}s`"));
        }
    }
    if tmpl
        .pending_timeout
        .as_deref()
        .is_some_and(|t| !t.is_empty())
        && !ty.leaf()
    {
        ctx.error(
            anchor,
            |p| p.key("pendingTimeout"),
            Rule::MisplacedField,
            format!(
                "{} template doesn't support pendingTimeout field",
                ty.name()
            ),
        );
    }
    if let Some(policy) = tmpl
        .retry_strategy
        .as_ref()
        .and_then(|r| r.retry_policy.as_deref())
        && !policy.is_empty()
        && !RETRY_POLICIES.contains(&policy)
    {
        ctx.error(
            anchor,
            |p| p.key("retryStrategy").key("retryPolicy"),
            Rule::InvalidValue,
            format!(
                "{policy} is not a valid RetryPolicy; use one of {}",
                RETRY_POLICIES.join(", ")
            ),
        );
    }
}

/// `validatePodResources`: pod-level resources are cpu, memory and hugepages-*, without claims.
/// Returns the field at fault and the message's tail.
pub(crate) fn pod_resources_error(r: &ResourceRequirements) -> Option<(Vec<&'static str>, String)> {
    if r.claims.as_ref().is_some_and(|c| !c.is_empty()) {
        return Some((
            vec!["claims"],
            ".claims is not supported for pod-level resources".into(),
        ));
    }
    for (key, list) in [("limits", &r.limits), ("requests", &r.requests)] {
        for name in list.iter().flat_map(|l| l.keys()) {
            if name != "cpu" && name != "memory" && !name.starts_with("hugepages-") {
                return Some((
                    vec![key],
                    format!(
                        ": \"{name}\" is not a valid pod-level resource, only cpu, memory and hugepages-* are supported"
                    ),
                ));
            }
        }
    }
    None
}

/// `validateInputs`: parameter and artifact names; artifact paths (leaf templates only, no
/// traversal), no `from`, and a valid location.
fn inputs(ctx: &mut Ctx<'_>, tmpl: &Template, ty: Type, anchor: &Anchor) {
    let Some(inputs) = &tmpl.inputs else { return };
    let name = &tmpl.name;
    args::field_names(
        ctx,
        anchor,
        &|p| p.key("inputs"),
        &|key, tail| format!("templates.{name}.inputs.{key}{tail}"),
        &inputs.parameters,
        &inputs.artifacts,
    );
    for (i, a) in inputs.artifacts.iter().enumerate() {
        let at = |p: &JsonPath| p.key("inputs").key("artifacts").index(i);
        let art = &a.name;
        if let Some(msg) = path_error(name, "inputs", a, ty.leaf()) {
            ctx.error(anchor, |p| at(p).key("path"), Rule::ArtifactPath, msg);
        }
        if a.from.as_deref().is_some_and(|f| !f.is_empty()) {
            ctx.error(
                anchor,
                |p| at(p).key("from"),
                Rule::ArtifactSource,
                format!("templates.{name}.inputs.artifacts.{art}.from not valid in inputs"),
            );
        }
        if let Some((sub, msg)) = location_error(&a.into()) {
            ctx.error(
                anchor,
                |p| keys(at(p), sub),
                Rule::ArtifactSource,
                format!("templates.{name}.inputs.artifacts.{art}.{msg}"),
            );
        }
    }
}
