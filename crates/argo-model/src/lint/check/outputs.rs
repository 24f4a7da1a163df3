//! `validateOutputs` and `validateOutputParameter` (validate.go), after the outputs' variables
//! were resolved with the template's scope.

use super::artifacts::path_error;
use super::template::Type;
use super::{Anchor, Ctx, Rule, args};
use crate::lint::names;
use crate::{JsonPath, Parameter, Template};

/// `validateOutputs`: names, artifact paths, global names, and each parameter's source.
pub(crate) fn validate(ctx: &mut Ctx<'_>, tmpl: &Template, ty: Type, anchor: &Anchor) {
    let Some(o) = &tmpl.outputs else { return };
    let name = &tmpl.name;
    args::field_names(
        ctx,
        anchor,
        &|p| p.key("outputs"),
        &|key, tail| format!("templates.{name}.outputs.{key} {tail}"),
        &o.parameters,
        &o.artifacts,
    );
    for (i, a) in o.artifacts.iter().enumerate() {
        let at = |p: &JsonPath| p.key("outputs").key("artifacts").index(i);
        let art = &a.name;
        if let Some(msg) = path_error(name, "outputs", a, ty.leaf()) {
            ctx.error(anchor, |p| at(p).key("path"), Rule::ArtifactPath, msg);
        }
        if let Some(g) = global_name_error(a.global_name.as_deref()) {
            ctx.error(
                anchor,
                |p| at(p).key("globalName"),
                Rule::InvalidName,
                format!("templates.{name}.outputs.artifacts.{art}.globalName: {g}"),
            );
        }
    }
    for (i, p) in o.parameters.iter().enumerate() {
        let at = |x: &JsonPath| x.key("outputs").key("parameters").index(i);
        let r = format!("templates.{name}.outputs.parameters.{}", p.name);
        if let Some((sub, rule, msg)) = parameter_error(p, ty, &r) {
            ctx.error(
                anchor,
                |x| if sub { at(x).key("valueFrom") } else { at(x) },
                rule,
                msg,
            );
        }
        if let Some(g) = global_name_error(p.global_name.as_deref()) {
            ctx.error(
                anchor,
                |x| at(x).key("globalName"),
                Rule::InvalidName,
                format!("{r}.globalName: {g}"),
            );
        }
    }
}

/// A `globalName` that is not a parameter must be a valid parameter name.
fn global_name_error(g: Option<&str>) -> Option<&'static str> {
    let g = g.filter(|g| !g.is_empty())?;
    (!names::is_parameter(g) && !names::is_param_name(g)).then_some(
        "Parameter/Artifact name must consist of alpha-numeric characters, '_' or '-' e.g. my_param_1, MY-PARAM-1",
    )
}

/// `validateOutputParameter` and the source a template type can fill: what is wrong, whether
/// it is in `valueFrom`, and under which rule.
fn parameter_error(p: &Parameter, ty: Type, r: &str) -> Option<(bool, Rule, String)> {
    let vf = match (&p.value, &p.value_from) {
        (Some(_), Some(_)) => {
            return Some((
                false,
                Rule::ValueSource,
                format!("{r} has both valueFrom and value specified, choose one"),
            ));
        }
        (Some(_), None) => return None,
        (None, None) => {
            return Some((
                false,
                Rule::ValueSource,
                format!("{r} does not have valueFrom or value specified"),
            ));
        }
        (None, Some(vf)) => vf,
    };
    let set = |s: &Option<String>| s.as_deref().is_some_and(|s| !s.is_empty());
    let count = [
        &vf.path,
        &vf.jq_filter,
        &vf.json_path,
        &vf.parameter,
        &vf.expression,
    ]
    .into_iter()
    .filter(|s| set(s))
    .count()
        + usize::from(vf.supplied.is_some());
    match count {
        0 => {
            return Some((
                true,
                Rule::ValueSource,
                format!(
                    "{r}: valueFrom type unspecified. choose one of: path, jqFilter, jsonPath, parameter, raw, expression"
                ),
            ));
        }
        1 => {}
        _ => {
            return Some((
                true,
                Rule::ValueSource,
                format!(
                    "{r}: multiple valueFrom types specified. choose one of: path, jqFilter, jsonPath, parameter, raw"
                ),
            ));
        }
    }
    let kind = ty.name();
    match ty {
        Type::Container | Type::ContainerSet | Type::Script if !set(&vf.path) => Some((
            true,
            Rule::ValueSource,
            format!("{r}.path must be specified for {kind} templates"),
        )),
        Type::Resource if !set(&vf.jq_filter) && !set(&vf.json_path) => Some((
            true,
            Rule::ValueSource,
            format!("{r} .jqFilter or jsonPath must be specified for {kind} templates"),
        )),
        Type::Dag | Type::Steps if !set(&vf.parameter) && !set(&vf.expression) => Some((
            true,
            Rule::ValueSource,
            format!("{r}.parameter or expression must be specified for {kind} templates"),
        )),
        _ => None,
    }
}
