//! `validateSteps`, `addItemsToScope` and `addOutputsToScope` (validate.go).
//!
//! Steps are validated in order, group by group: a step sees the status of every step met so
//! far (itself included) and the outputs of the steps before it, also those earlier in its own
//! group (as upstream's scope grows step by step), and its own outputs when it has an exit hook.

use std::borrow::Cow;

use serde::Serialize;
use serde_json::Value;

use super::holder::{self, Args, Holder, Site};
use super::scope::{Callee, Items, NodeKind, Nodes, Scope, Values, node_key};
use super::{Anchor, Base, Ctx, FxHashMap, FxHashSet, Rule, args, resolve, workflow};
use crate::lint::names;
use crate::{Inputs, JsonPath, Sequence, Template, WorkflowStep};

/// The steps met so far, as the scope of a steps template holds them.
#[derive(Default)]
struct StepNodes<'a> {
    /// Step name (substituted) → position.
    by_name: FxHashMap<Cow<'a, str>, usize>,
    /// The outputs added to the scope for each position (`None`: not yet).
    outputs: Vec<Option<(Callee<'a>, bool)>>,
    any: (bool, bool),
}

impl Nodes for StepNodes<'_> {
    fn resolves(&self, kind: NodeKind, name: &str, rest: &str) -> bool {
        if kind != NodeKind::Steps {
            return false;
        }
        let Some(&i) = self.by_name.get(name) else {
            return false;
        };
        if rest == "status" {
            return true;
        }
        self.outputs[i].is_some_and(|(callee, agg)| node_key(callee, rest, agg))
    }

    fn any_output(&self) -> (bool, bool) {
        self.any
    }
}

/// `validateSteps`.
pub(crate) fn validate<'a>(
    ctx: &mut Ctx<'a>,
    tmpl: &'a Template,
    base: Base<'a>,
    spec_path: &JsonPath,
    anchor: &Anchor,
) {
    non_leaf(ctx, tmpl, anchor);
    let here = Here {
        tmpl,
        base,
        spec_path,
        anchor,
    };
    let mut nodes = StepNodes::default();
    let mut items = Items::default();
    let mut seen: FxHashSet<Cow<'a, str>> = FxHashSet::default();
    for (g, group) in tmpl.steps.iter().enumerate() {
        for (s, step) in group.0.iter().enumerate() {
            let sp = move |p: &JsonPath| p.key("steps").index(g).index(s);
            let canon = step_name(ctx, tmpl, anchor, g, step, &sp, &mut seen);
            let at = nodes.outputs.len();
            nodes.by_name.entry(canon).or_insert(at);
            nodes.outputs.push(None);
            one_step(ctx, &here, g, step, &sp, &mut nodes, &mut items);
        }
    }
    if let Some(o) = &tmpl.outputs {
        resolve_in_steps(ctx, &here, o, &|p| p.key("outputs"), &nodes, &items, None);
    }
}

/// The steps template being validated.
struct Here<'a, 'h> {
    tmpl: &'a Template,
    base: Base<'a>,
    spec_path: &'h JsonPath,
    anchor: &'h Anchor,
}

/// The name checks of `validateSteps` (set, unique in the template, valid once variables are
/// placeholders); returns the name as substituted.
fn step_name<'a>(
    ctx: &mut Ctx<'_>,
    tmpl: &Template,
    anchor: &Anchor,
    g: usize,
    step: &'a WorkflowStep,
    sp: &dyn Fn(&JsonPath) -> JsonPath,
    seen: &mut FxHashSet<Cow<'a, str>>,
) -> Cow<'a, str> {
    let name = &tmpl.name;
    let canon = substitute(ctx, tmpl, &step.name);
    let at = |p: &JsonPath| sp(p).key("name");
    if step.name.is_empty() {
        ctx.error(
            anchor,
            at,
            Rule::InvalidName,
            format!("templates.{name}.steps[{g}].name is required"),
        );
    } else if seen.contains(&canon) {
        ctx.error(
            anchor,
            at,
            Rule::DuplicateName,
            format!(
                "templates.{name}.steps[{g}].name '{}' is not unique",
                step.name
            ),
        );
    } else if let Some(why) = names::step_name_error(&canon) {
        ctx.error(
            anchor,
            at,
            Rule::InvalidName,
            format!(
                "templates.{name}.steps[{g}].name '{}' is invalid: {why}",
                step.name
            ),
        );
    }
    seen.insert(canon.clone());
    canon
}

/// The rest of `validateSteps` for one step: its loop, arguments, template, hooks, variables,
/// and its outputs entering the scope.
fn one_step<'a>(
    ctx: &mut Ctx<'a>,
    here: &Here<'a, '_>,
    g: usize,
    step: &'a WorkflowStep,
    sp: &dyn Fn(&JsonPath) -> JsonPath,
    nodes: &mut StepNodes<'a>,
    items: &mut Items,
) {
    let (tmpl, anchor) = (here.tmpl, here.anchor);
    let at = nodes.outputs.len() - 1;
    let prefix = format!("templates.{}.steps[{g}].{}", tmpl.name, step.name);
    if let Err(msg) = add_items(
        &step.with_items,
        step.with_param.as_deref(),
        step.with_sequence.as_ref(),
        items,
    ) {
        ctx.error(anchor, sp, Rule::Loop, format!("{prefix} {msg}"));
    }
    args::validate(
        ctx,
        anchor,
        &|p| sp(p).key("arguments"),
        &|| format!("{prefix}.arguments."),
        step.arguments.as_ref(),
        false,
    );
    let site = Site {
        anchor,
        call: sp,
        node: true,
    };
    let holder = Holder::of(
        step.template.as_deref(),
        step.template_ref.as_ref(),
        step.inline.as_deref(),
    );
    let callee = holder::validate(
        ctx,
        holder,
        here.base,
        here.spec_path,
        Args::Actual(step.arguments.as_ref()),
        &site,
    );
    if has_exit_hook(step) {
        add_outputs(ctx, callee, &mut nodes.any);
        nodes.outputs[at] = Some((callee, false));
    }
    workflow::hooks(ctx, anchor, &step.hooks, &|p| sp(p).key("hooks"), &prefix);
    let inline = step.inline.as_deref().and_then(|t| t.inputs.as_ref());
    resolve_in_steps(ctx, here, step, sp, nodes, items, inline);
    let aggregate =
        !step.with_items.is_empty() || step.with_param.as_deref().is_some_and(|p| !p.is_empty());
    add_outputs(ctx, callee, &mut nodes.any);
    nodes.outputs[at] = Some((callee, aggregate));
}

/// `resolveAllVariables` over `value` (at `at` of the template) in the scope of the steps met
/// so far, with the inputs of a step's inline template.
fn resolve_in_steps<T: Serialize + ?Sized>(
    ctx: &mut Ctx<'_>,
    here: &Here<'_, '_>,
    value: &T,
    at: &dyn Fn(&JsonPath) -> JsonPath,
    nodes: &StepNodes<'_>,
    items: &Items,
    inline: Option<&Inputs>,
) {
    let mut found = Vec::new();
    {
        let values = Values {
            tmpl: here.tmpl,
            pod: false,
            globals: &ctx.globals,
        };
        let scope = Scope::non_leaf(ctx, here.tmpl, nodes, items, inline);
        let _ = resolve::all(value, &scope, &values, here.anchor, at, &mut found);
    }
    ctx.out.extend(found);
}

/// `s` as `ProcessArgs` leaves it in the template.
pub(crate) fn substitute<'a>(ctx: &Ctx<'_>, tmpl: &Template, s: &'a str) -> Cow<'a, str> {
    if !s.contains("{{") {
        return Cow::Borrowed(s);
    }
    let values = Values {
        tmpl,
        pod: false,
        globals: &ctx.globals,
    };
    Cow::Owned(values.substitute(s).into_owned())
}

/// `validateNonLeaf`: `activeDeadlineSeconds` is for leaf templates.
pub(crate) fn non_leaf(ctx: &mut Ctx<'_>, tmpl: &Template, anchor: &Anchor) {
    if tmpl.active_deadline_seconds.is_some() {
        ctx.error(anchor, |p| p.key("activeDeadlineSeconds"), Rule::MisplacedField, format!("templates.{}.activeDeadlineSeconds is only valid for leaf templates; set it on the templates it calls, or use spec.activeDeadlineSeconds", tmpl.name));
    }
}

/// `WorkflowStep.HasExitHook`.
fn has_exit_hook(step: &WorkflowStep) -> bool {
    step.on_exit.as_deref().is_some_and(|e| !e.is_empty()) || step.hooks.contains_key("exit")
}

/// The part of `addOutputsToScope` that reaches the workflow: output parameters and artifacts
/// with a `globalName` become `workflow.outputs...` globals; a `globalName` that is itself a
/// parameter makes the scope accept any (`any`: parameters, artifacts).
pub(crate) fn add_outputs(ctx: &mut Ctx<'_>, callee: Callee<'_>, any: &mut (bool, bool)) {
    let Callee::Known(t) = callee else { return };
    let Some(o) = &t.outputs else { return };
    for (global, is_param) in o
        .parameters
        .iter()
        .filter_map(|p| Some((p.global_name.as_deref()?, true)))
        .chain(
            o.artifacts
                .iter()
                .filter_map(|a| Some((a.global_name.as_deref()?, false))),
        )
        .filter(|(g, _)| !g.is_empty())
    {
        let kind = if is_param { "parameters" } else { "artifacts" };
        if names::is_parameter(global) {
            if is_param {
                any.0 = true;
            } else {
                any.1 = true;
            }
        } else {
            ctx.globals.add(format!("workflow.outputs.{kind}.{global}"));
        }
    }
}

/// `addItemsToScope`: at most one of `withItems`, `withParam`, `withSequence`; the `item` keys
/// they give.
pub(crate) fn add_items(
    with_items: &[Value],
    with_param: Option<&str>,
    seq: Option<&Sequence>,
    items: &mut Items,
) -> Result<(), String> {
    let with_param = with_param.filter(|p| !p.is_empty());
    let defined = usize::from(!with_items.is_empty())
        + usize::from(with_param.is_some())
        + usize::from(seq.is_some());
    if defined > 1 {
        return Err("only one of withItems, withParam, withSequence can be specified".into());
    }
    if !with_items.is_empty() {
        for v in with_items {
            match v {
                Value::String(_) | Value::Number(_) | Value::Bool(_) => items.item = true,
                Value::Array(a) => items.keys.extend((0..a.len()).map(|i| format!("[{i}]"))),
                Value::Object(m) => items.keys.extend(m.keys().cloned()),
                Value::Null => return Err("unsupported withItems type: null".into()),
            }
        }
    } else if with_param.is_some() {
        items.item = true;
        items.any = true;
    } else if let Some(s) = seq {
        if s.count.is_some() && s.end.is_some() {
            return Err("only one of count or end can be defined in withSequence".into());
        }
        items.item = true;
    }
    Ok(())
}
