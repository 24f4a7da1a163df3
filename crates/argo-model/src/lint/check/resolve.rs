//! `resolveAllVariables` (validate.go) over the strings of a template, step, task or outputs,
//! after the substitution of `common.ProcessArgs`; and the unclosed `{{` that makes
//! fasttemplate (and so `ProcessArgs`) fail.

use serde::Serialize;

use super::scope::{Scope, Values};
use super::{Anchor, Rule};
use crate::JsonPath;
use crate::lint::Finding;
use crate::lint::strings::{At, Walk, visit, visit_at};
use crate::lint::tags::{self, Piece};

/// Checks every reference in the strings of `value` (at `sub` of the anchored template)
/// against `scope`, after substituting `values`. Returns whether a string holds a `{{` without
/// a `}}` after it.
pub(crate) fn all<T: Serialize + ?Sized>(
    value: &T,
    scope: &Scope<'_>,
    values: &Values<'_>,
    anchor: &Anchor,
    sub: &dyn Fn(&JsonPath) -> JsonPath,
    out: &mut Vec<Finding>,
) -> bool {
    strings(&mut |f| visit(value, f), scope, values, anchor, sub, out)
}

/// [`all`] over the strings `walk` gives.
pub(crate) fn strings(
    walk: &mut Walk<'_>,
    scope: &Scope<'_>,
    values: &Values<'_>,
    anchor: &Anchor,
    sub: &dyn Fn(&JsonPath) -> JsonPath,
    out: &mut Vec<Finding>,
) -> bool {
    let mut unclosed = false;
    walk(&mut |s, at| {
        if has_braces(s) {
            let path = || anchor.at(|p| at.path(&sub(p)));
            unclosed |= text(s, scope, values, anchor, &path, out);
        }
    });
    unclosed
}

/// Whether `s` holds `{{` (a byte search first: most strings have no `{`).
pub(crate) fn has_braces(s: &str) -> bool {
    s.as_bytes().contains(&b'{') && s.contains("{{")
}

/// Checks the references of one string, whose path `path` builds. Returns whether it holds a
/// `{{` without a `}}` after it.
pub(crate) fn text(
    s: &str,
    scope: &Scope<'_>,
    values: &Values<'_>,
    anchor: &Anchor,
    path: &dyn Fn() -> JsonPath,
    out: &mut Vec<Finding>,
) -> bool {
    let s = values.substitute(s);
    let mut unclosed = false;
    for p in tags::pieces(&s) {
        if matches!(p, Piece::Unclosed(_)) {
            unclosed = true;
        }
        if let Piece::Tag(tag) = p
            && !tags::is_expression(tag)
            && !scope.resolves(tag)
        {
            let msg = format!("failed to resolve {{{{{tag}}}}}: {}", hint(tag.trim()));
            out.push(Finding::error(
                Rule::UnresolvedVariable,
                &path(),
                anchor.text(msg),
            ));
        }
    }
    unclosed
}

/// How to fix a reference that does not resolve, by the reference's start (the first that
/// matches).
const HINTS: &[(&str, &str)] = &[
    (
        "inputs.",
        "the template declares no such input; add it to the template's inputs or fix the name",
    ),
    (
        "workflow.parameters",
        "spec.arguments.parameters has no such parameter; declare it there or fix the name",
    ),
    (
        "workflow.outputs.",
        "no template met before this one exports it (outputs with that globalName)",
    ),
    (
        "workflow.",
        "no such workflow variable here (workflow.failures needs an exit handler, workflow.priority spec.priority)",
    ),
    (
        "steps.",
        "no step of that name has run before this one in this template, or its template has no such output",
    ),
    (
        "tasks.",
        "no task of that name is in this DAG, it is not an ancestor (for `.status`), or its template has no such output",
    ),
    (
        "item",
        "the step or task has no withItems/withParam/withSequence giving that key",
    ),
    ("pod.", "pod.name exists only in templates that run a pod"),
];

/// How to fix a reference that does not resolve.
fn hint(t: &str) -> &'static str {
    HINTS
        .iter()
        .find(|(start, _)| t.starts_with(start))
        .map_or("fix the name", |(_, hint)| hint)
}

/// Reports the first `{{` of a template without a `}}` after it (`ProcessArgs` fails on it).
pub(crate) fn report_unclosed(ctx: &mut super::Ctx<'_>, tmpl: &crate::Template, anchor: &Anchor) {
    if let Some(path) = unclosed(tmpl, anchor) {
        let msg = anchor.text(format!("templates.{}: `{{{{` without a closing `}}}}`; close the variable or write the braces differently", tmpl.name));
        ctx.error_at(&path, Rule::UnresolvedVariable, msg);
    }
}

/// Whether a string of `tmpl` other than its DAG tasks holds a `{{` without a `}}` after it.
pub(crate) fn unclosed_outside_tasks(tmpl: &crate::Template) -> bool {
    let mut found = false;
    let skip = |at: &At<'_>, key: &str| key == "tasks" && at.is_below_root_key("dag");
    visit_at(tmpl, &[], &skip, &mut |s, _| {
        if has_braces(s) {
            found |= tags::pieces(s).any(|p| matches!(p, Piece::Unclosed(_)));
        }
    });
    found
}

/// Where the first `{{` without a `}}` after it is, if any, in the strings of `value` read as one
/// text (as `json.Marshal` then fasttemplate read them: a `}}` in a later string closes it).
pub(crate) fn unclosed<T: Serialize + ?Sized>(value: &T, anchor: &Anchor) -> Option<JsonPath> {
    let mut open: Option<JsonPath> = None;
    visit(value, &mut |s, at| {
        let mut rest = s;
        if open.is_some() {
            match rest.find("}}") {
                Some(i) => {
                    open = None;
                    rest = &rest[i + 2..];
                }
                None => return,
            }
        }
        while let Some(i) = rest.find("{{") {
            let Some(j) = rest[i + 2..].find("}}") else {
                open = Some(anchor.at(|p| at.path(p)));
                return;
            };
            rest = &rest[i + 2 + j + 2..];
        }
    });
    open
}
