//! `validateTemplateHolder` (validate.go): how a step, task, entrypoint or exit handler names
//! its template, and the argument checks of `common.ProcessArgs` at each call.

use super::artifacts::has_location_or_key;
use super::scope::Callee;
use super::{Anchor, Base, Ctx, Rule, template};
use crate::lint::tags;
use crate::{Arguments, JsonPath, Template, TemplateRef};

/// A `templateRef` (name of the `WorkflowTemplate`, template in it, cluster scope).
#[derive(Debug, Clone, Copy)]
pub(crate) struct TemplateRefOf<'a> {
    pub(crate) name: &'a str,
    pub(crate) template: &'a str,
    pub(crate) cluster: bool,
}

impl<'a> From<&'a TemplateRef> for TemplateRefOf<'a> {
    fn from(r: &'a TemplateRef) -> Self {
        Self {
            name: &r.name,
            template: r.template.as_deref().unwrap_or_default(),
            cluster: r.cluster_scope == Some(true),
        }
    }
}

/// What a step, task, hook or the spec holds to name a template (`TemplateReferenceHolder`).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Holder<'a> {
    pub(crate) name: Option<&'a str>,
    pub(crate) tref: Option<TemplateRefOf<'a>>,
    pub(crate) inline: Option<&'a Template>,
}

impl<'a> Holder<'a> {
    /// A holder of the fields of a step or task.
    pub(crate) fn of(
        name: Option<&'a str>,
        tref: Option<&'a TemplateRef>,
        inline: Option<&'a Template>,
    ) -> Self {
        Self {
            name: name.filter(|n| !n.is_empty()),
            tref: tref.map(TemplateRefOf::from),
            inline,
        }
    }
}

/// The arguments a template is validated with: `FakeArguments` (every input supplied) or the
/// caller's.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Args<'a> {
    Fake,
    Actual(Option<&'a Arguments>),
}

/// Where a template is called from.
pub(crate) struct Site<'s> {
    /// The calling template's anchor (or the spec's).
    pub(crate) anchor: &'s Anchor,
    /// The call: a step or task (`node`), or the field that names the template.
    pub(crate) call: &'s dyn Fn(&JsonPath) -> JsonPath,
    /// Whether `call` is a step or task (with `template`, `templateRef`, `arguments` keys).
    pub(crate) node: bool,
}

impl Site<'_> {
    fn at(&self, key: Option<&str>) -> impl FnOnce(&JsonPath) -> JsonPath + '_ {
        let node = self.node;
        let key = key.map(str::to_owned);
        move |p| {
            let call = (self.call)(p);
            match key {
                Some(k) if node => call.key(&k),
                _ => call,
            }
        }
    }

    fn path(&self) -> JsonPath {
        self.anchor.at(|p| (self.call)(p))
    }
}

/// `validateTemplateHolder`: resolves the template the holder names (reporting a wrong
/// reference), validates it with `args` (its body once), and returns it for the scope of the
/// caller.
pub(crate) fn validate<'a>(
    ctx: &mut Ctx<'a>,
    holder: Holder<'a>,
    base: Base<'a>,
    spec_path: &JsonPath,
    args: Args<'a>,
    site: &Site<'_>,
) -> Callee<'a> {
    let (base, tmpl, place) = match resolve(ctx, holder, base, site) {
        Ok(found) => found,
        Err(callee) => return callee,
    };
    process_args(ctx, tmpl, args, site);
    // `tctx.results`: a named template is validated once per base; an inline one each time.
    if holder.inline.is_none() && !ctx.done.insert((base.id(), tmpl.name.as_str())) {
        return Callee::Known(tmpl);
    }
    let anchor = match (place, site.anchor) {
        (Place::Local(i), _) => Anchor::Local(spec_path.key("templates").index(i)),
        (Place::Inline, Anchor::Local(p)) => Anchor::Local(site.at(Some("inline"))(p)),
        (Place::Inline, remote @ Anchor::Remote { .. }) => remote.clone(),
        (Place::Remote(name), Anchor::Remote { site, .. }) => Anchor::Remote {
            site: site.clone(),
            name,
        },
        (Place::Remote(name), Anchor::Local(_)) => Anchor::Remote {
            site: site.path(),
            name,
        },
    };
    template::validate(ctx, tmpl, base, spec_path, &anchor);
    Callee::Known(tmpl)
}

/// The template a holder names, with its base and place; or, when there is none to validate,
/// what the caller's scope gets instead (after reporting a wrong reference).
fn resolve<'a>(
    ctx: &mut Ctx<'a>,
    holder: Holder<'a>,
    base: Base<'a>,
    site: &Site<'_>,
) -> Result<(Base<'a>, &'a Template, Place), Callee<'a>> {
    let Some(r) = holder.tref else {
        let found = if let Some(n) = holder.name {
            let Some(found) = base.find(n) else {
                let msg = undefined(n, base);
                ctx.error(
                    site.anchor,
                    site.at(Some("template")),
                    Rule::UndefinedTemplate,
                    msg,
                );
                return Err(Callee::Unknown);
            };
            Some(found)
        } else {
            None
        };
        return match (holder.inline, found) {
            (Some(inline), _) => Ok((base, inline, Place::Inline)),
            (None, Some((i, t))) => Ok(match base.stored {
                None => (base, t, Place::Local(i)),
                Some(s) => (base, t, Place::Remote(format!("{}/{}", s.name, t.name))),
            }),
            (None, None) => {
                ctx.error(
                    site.anchor,
                    site.at(None),
                    Rule::TemplateReference,
                    "names no template: set `template`, `templateRef` or `inline`",
                );
                Err(Callee::Unknown)
            }
        };
    };
    if holder.name.is_some() {
        ctx.error(
            site.anchor,
            site.at(Some("template")),
            Rule::TemplateReference,
            "a step or task cannot set both `template` and `templateRef`; keep one",
        );
        return Err(Callee::Unknown);
    }
    if r.name.is_empty() || r.template.is_empty() {
        ctx.error(
            site.anchor,
            site.at(Some("templateRef")),
            Rule::TemplateReference,
            "templateRef needs both `name` (the WorkflowTemplate) and `template`",
        );
        return Err(Callee::Unknown);
    }
    // `VerifyResolvedVariables`: a reference still holding a variable is resolved at run time.
    if r.name.contains("{{") || r.template.contains("{{") {
        return Err(Callee::Nil);
    }
    let Some(stored) = ctx.templates.get(r.cluster, r.name) else {
        // Not among the linted documents: Argo finds it in the cluster.
        return Err(Callee::Unknown);
    };
    let Some((_, t)) = stored.find(r.template) else {
        if tags::is_placeholder(r.template) {
            return Err(Callee::Nil);
        }
        let kind = if r.cluster {
            "ClusterWorkflowTemplate"
        } else {
            "WorkflowTemplate"
        };
        let msg = format!(
            "template reference {}.{} not found: the {kind} `{}` has no template `{}`",
            r.name, r.template, r.name, r.template
        );
        ctx.error(
            site.anchor,
            site.at(Some("templateRef")),
            Rule::UndefinedTemplate,
            msg,
        );
        return Err(Callee::Unknown);
    };
    Ok((
        stored,
        t,
        Place::Remote(format!("{}/{}", r.name, r.template)),
    ))
}

/// Where a resolved template is: the linted document's templates, inline in the call, or
/// another document's (named for messages).
enum Place {
    Local(usize),
    Inline,
    Remote(String),
}

/// The message of a template name that is not defined, with a close name if there is one.
fn undefined(name: &str, base: Base<'_>) -> String {
    let near = base
        .spec
        .templates
        .iter()
        .map(|t| t.name.as_str())
        .find(|k| {
            k.eq_ignore_ascii_case(name) || (k.len() > 3 && (k.contains(name) || name.contains(k)))
        })
        .map(|k| format!(" (did you mean `{k}`?)"))
        .unwrap_or_default();
    format!("template name '{name}' undefined{near}; define it in spec.templates or fix the name")
}

/// The argument checks of `common.ProcessArgs` with the caller's arguments: every input
/// parameter gets a value (default, argument, or a `ConfigMap`), and every input artifact without
/// a location of its own and not optional is passed.
fn process_args(ctx: &mut Ctx<'_>, tmpl: &Template, args: Args<'_>, site: &Site<'_>) {
    let Args::Actual(args) = args else { return };
    let Some(inputs) = &tmpl.inputs else { return };
    let args_path = |p: &JsonPath| {
        let call = (site.call)(p);
        if site.node {
            call.key("arguments")
        } else {
            call
        }
    };
    for p in &inputs.parameters {
        let mut value = p.value.as_ref().or(p.default.as_ref()).is_some();
        let mut value_from = p.value_from.as_ref();
        if let Some(a) = args.and_then(|a| a.parameters.iter().find(|a| a.name == p.name)) {
            value = a.value.is_some();
            value_from = if value { None } else { a.value_from.as_ref() };
        }
        let config_map = value_from.is_some_and(|v| v.config_map_key_ref.is_some());
        if !config_map && !value {
            ctx.error(
                site.anchor,
                args_path,
                Rule::InputNotSupplied,
                format!(
                    "inputs.parameters.{} of template `{}` was not supplied; pass it in arguments.parameters or give the input a default",
                    p.name, tmpl.name
                ),
            );
        }
    }
    for a in &inputs.artifacts {
        let passed = args.is_some_and(|x| x.artifacts.iter().any(|x| x.name == a.name));
        if a.optional != Some(true) && !has_location_or_key(&a.into()) && !passed {
            ctx.error(
                site.anchor,
                args_path,
                Rule::InputNotSupplied,
                format!(
                    "inputs.artifacts.{} of template `{}` was not supplied; pass it in arguments.artifacts, give it a location, or make it optional",
                    a.name, tmpl.name
                ),
            );
        }
    }
}
