//! `validateArguments`, `validateArgumentsFieldNames` and `validateArgumentsValues`
//! (validate.go): argument names, values, `valueFrom` limits, enums, artifact sources.

use super::artifacts::has_location_or_key;
use super::{Anchor, Ctx, Rule};
use crate::lint::names;
use crate::{AnyString, Arguments, Artifact, JsonPath, Parameter};

/// Checks the arguments at `at` (of the anchored template), named `prefix` in messages
/// (`spec.arguments.`, `templates.T.steps[0].S.arguments.`); `allow_empty`: parameters may
/// lack a value (`argo lint` of a workflow, or a `WorkflowTemplate`).
pub(crate) fn validate(
    ctx: &mut Ctx<'_>,
    anchor: &Anchor,
    at: &dyn Fn(&JsonPath) -> JsonPath,
    prefix: &dyn Fn() -> String,
    args: Option<&Arguments>,
    allow_empty: bool,
) {
    let Some(args) = args else { return };
    field_names(
        ctx,
        anchor,
        at,
        &|key, tail| format!("{}{key}{tail}", prefix()),
        &args.parameters,
        &args.artifacts,
    );
    for (i, p) in args.parameters.iter().enumerate() {
        let pp = |a: &JsonPath| at(a).key("parameters").index(i);
        let name = &p.name;
        if p.value.is_none() && p.value_from.is_none() && !allow_empty {
            let prefix = prefix();
            ctx.error(
                anchor,
                pp,
                Rule::ArgumentValue,
                format!("{prefix}{name}.value or {prefix}{name}.valueFrom is required"),
            );
        }
        if let Some(vf) = &p.value_from {
            let set = |s: &Option<String>| s.as_deref().is_some_and(|s| !s.is_empty());
            let source = vf.config_map_key_ref.is_some() || set(&vf.event) || vf.supplied.is_some();
            let forbidden =
                set(&vf.path) || set(&vf.json_path) || set(&vf.parameter) || set(&vf.expression);
            if !source || forbidden {
                let prefix = prefix();
                ctx.error(anchor, |a| pp(a).key("valueFrom"), Rule::ArgumentValue, format!("{prefix}{name}.valueFrom only allows: default, configMapKeyRef and supplied"));
            }
        }
        if !p.enum_.is_empty() {
            let Some(v) = &p.value else {
                if allow_empty {
                    // Upstream returns here: the remaining arguments are not checked.
                    return;
                }
                let prefix = prefix();
                ctx.error(
                    anchor,
                    |a| pp(a).key("value"),
                    Rule::ArgumentValue,
                    format!("{prefix}{name}.value is required"),
                );
                continue;
            };
            if !p.enum_.iter().any(|e| e.as_str() == v.as_str()) {
                let allowed: Vec<&str> = p.enum_.iter().map(AnyString::as_str).collect();
                let prefix = prefix();
                ctx.error(anchor, |a| pp(a).key("value"), Rule::InvalidValue, format!("{prefix}{name}.value should be present in {prefix}{name}.enum list ({}); use one of those or add it to `enum`", allowed.join(", ")));
            }
        }
    }
    for (i, a) in args.artifacts.iter().enumerate() {
        let ap = |x: &JsonPath| at(x).key("artifacts").index(i);
        let name = &a.name;
        let from = a.from.as_deref().is_some_and(|f| !f.is_empty());
        if !from && !has_location_or_key(&a.into()) {
            let prefix = prefix();
            ctx.error(
                anchor,
                ap,
                Rule::ArtifactSource,
                format!("{prefix}{name}.from, artifact location, or key is required"),
            );
        }
        if from && a.from_expression.as_deref().is_some_and(|f| !f.is_empty()) {
            let prefix = prefix();
            ctx.error(
                anchor,
                ap,
                Rule::ArtifactSource,
                format!(
                    "{prefix}{name} shouldn't have both `from` and `fromExpression` in Artifact"
                ),
            );
        }
    }
}

/// `validateWorkflowFieldNames` over the parameters, then the artifacts, of arguments, inputs
/// or outputs at `at` (of the anchored template); `message(key, tail)` words a finding, `key`
/// being `parameters` or `artifacts` and `tail` the name's fault (`[2].name 'x' is not unique`).
pub(crate) fn field_names(
    ctx: &mut Ctx<'_>,
    anchor: &Anchor,
    at: &dyn Fn(&JsonPath) -> JsonPath,
    message: &dyn Fn(&str, &str) -> String,
    parameters: &[Parameter],
    artifacts: &[Artifact],
) {
    let kind = names::NameKind::ParamOrArtifact;
    for (key, found) in [
        (
            "parameters",
            names::field_names(parameters.iter().map(|p| p.name.as_str()), kind),
        ),
        (
            "artifacts",
            names::field_names(artifacts.iter().map(|a| a.name.as_str()), kind),
        ),
    ] {
        for (i, rule, tail) in found {
            ctx.error(
                anchor,
                |p| at(p).key(key).index(i).key("name"),
                rule,
                message(key, &tail),
            );
        }
    }
}
