//! `validateDAG`, `validateDAGTargets`, `validateDAGTaskArgumentDependency`, `verifyNoCycles`
//! and `sortDAGTasks` (validate.go).
//!
//! Every task sees the outputs of every task of the DAG (upstream puts them all in the scope
//! before resolving any task), the status of its ancestors only (and of tasks with hooks), and
//! `{{tasks.X...}}` as a whole argument value needs X among its ancestors. Ancestry is asked of
//! [`Reach`], never listed per task, so large DAGs stay linear.

use std::borrow::Cow;
use std::cell::RefCell;

use super::dag_graph::{self, loops};
use super::depends::Reach;
use super::holder::{self, Args, Holder, Site};
use super::scope::{Callee, Items, NodeKind, Nodes, Scope, Values, node_key};
use super::steps::{add_items, add_outputs, non_leaf, substitute};
use super::{Anchor, Base, Ctx, FxHashMap, Rule, args, resolve};
use crate::lint::Finding;
use crate::lint::names;
use crate::lint::task_strings::visit_task;
use crate::{DagTask, JsonPath, Template};

/// The tasks of a DAG as its scope holds them.
struct DagNodes<'a, 'r> {
    ids: &'r FxHashMap<&'r str, usize>,
    outputs: &'r [(Callee<'a>, bool)],
    hooked: &'r [bool],
    /// The task being resolved (its ancestors' status is in scope).
    current: Option<usize>,
    reach: &'r RefCell<Reach<'r>>,
    any: (bool, bool),
}

impl Nodes for DagNodes<'_, '_> {
    fn resolves(&self, kind: NodeKind, name: &str, rest: &str) -> bool {
        if kind != NodeKind::Tasks {
            return false;
        }
        let Some(&j) = self.ids.get(name) else {
            return false;
        };
        if rest == "status" {
            return self.hooked[j]
                || self
                    .current
                    .is_some_and(|c| self.reach.borrow_mut().reaches(c, j));
        }
        let (callee, aggregate) = self.outputs[j];
        node_key(callee, rest, aggregate)
    }

    fn any_output(&self) -> (bool, bool) {
        self.any
    }
}

/// `validateDAG`.
pub(crate) fn validate<'a>(
    ctx: &mut Ctx<'a>,
    tmpl: &'a Template,
    base: Base<'a>,
    spec_path: &JsonPath,
    anchor: &Anchor,
) {
    non_leaf(ctx, tmpl, anchor);
    let Some(dag) = &tmpl.dag else { return };
    let name = &tmpl.name;
    let tasks = &dag.tasks;
    if tasks.is_empty() {
        ctx.error(
            anchor,
            |p| p.key("dag").key("tasks"),
            Rule::MissingDependency,
            format!("templates.{name} must have at least one task"),
        );
        return;
    }
    let canon: Vec<Cow<'a, str>> = tasks
        .iter()
        .map(|t| substitute(ctx, tmpl, &t.name))
        .collect();
    let graph = dag_graph::check(ctx, tmpl, anchor, &canon);
    // The first loop: each task's template, validated with the task's arguments, and its outputs.
    let mut outputs: Vec<(Callee<'a>, bool)> = vec![(Callee::Unknown, false); tasks.len()];
    let mut any = (false, false);
    for &i in &graph.order {
        let t = &tasks[i];
        let call = task_path(i);
        let site = Site {
            anchor,
            call: &call,
            node: true,
        };
        let holder = Holder::of(
            t.template.as_deref(),
            t.template_ref.as_ref(),
            t.inline.as_deref(),
        );
        let callee = holder::validate(
            ctx,
            holder,
            base,
            spec_path,
            Args::Actual(t.arguments.as_ref()),
            &site,
        );
        add_outputs(ctx, callee, &mut any);
        outputs[i] = (callee, loops(t));
    }
    let hooked: Vec<bool> = tasks.iter().map(|t| !t.hooks.is_empty()).collect();
    let reach = RefCell::new(Reach::new(&graph.edges));
    let nodes = DagNodes {
        ids: &graph.ids,
        outputs: &outputs,
        hooked: &hooked,
        current: None,
        reach: &reach,
        any,
    };
    let resolved = resolve_tasks(ctx, tmpl, anchor, nodes);
    ctx.out.extend(resolved.found);
    if resolved.unclosed || resolve::unclosed_outside_tasks(tmpl) {
        resolve::report_unclosed(ctx, tmpl, anchor);
    }
    for (i, t) in tasks.iter().enumerate() {
        for (at, msg) in arg_dependency(t, i, &graph.ids, &reach) {
            let (list, j, field) = match at {
                ArgAt::Parameter(j) => ("parameters", j, "value"),
                ArgAt::Artifact(j) => ("artifacts", j, "from"),
            };
            let msg = format!("templates.{name}.tasks.{} {msg}", t.name);
            ctx.error(
                anchor,
                |p| {
                    task_path(i)(p)
                        .key("arguments")
                        .key(list)
                        .index(j)
                        .key(field)
                },
                Rule::MissingDependency,
                msg,
            );
        }
        let prefix = || format!("templates.{name}.tasks.{}.arguments.", t.name);
        args::validate(
            ctx,
            anchor,
            &|p| task_path(i)(p).key("arguments"),
            &prefix,
            t.arguments.as_ref(),
            false,
        );
    }
}

/// The path of task `i` below its template.
fn task_path(i: usize) -> impl Fn(&JsonPath) -> JsonPath {
    move |p| p.key("dag").key("tasks").index(i)
}

/// What resolving a DAG's variables found.
struct Resolved {
    found: Vec<Finding>,
    /// A string holds a `{{` without a `}}` after it.
    unclosed: bool,
}

/// The variables of the target, of each task (with its own loop and ancestors), of the outputs.
fn resolve_tasks(
    ctx: &Ctx<'_>,
    tmpl: &Template,
    anchor: &Anchor,
    mut nodes: DagNodes<'_, '_>,
) -> Resolved {
    let mut found = Vec::new();
    let mut unclosed = false;
    let Some(dag) = &tmpl.dag else {
        return Resolved { found, unclosed };
    };
    let name = &tmpl.name;
    let values = Values {
        tmpl,
        pod: false,
        globals: &ctx.globals,
    };
    let empty = Items::default();
    // The targets (`validateDAGTargets`).
    if let Some(target) = dag.target.as_deref().filter(|t| !t.is_empty()) {
        let path = || anchor.at(|p| p.key("dag").key("target"));
        unclosed |= resolve::text(
            target,
            &Scope::non_leaf(ctx, tmpl, &nodes, &empty, None),
            &values,
            anchor,
            &path,
            &mut found,
        );
        for t in values.substitute(target).split(' ') {
            if !names::is_parameter(t) && !nodes.ids.contains_key(t) {
                let msg = format!("templates.{name}.targets: target '{t}' is not defined");
                found.push(Finding::error(
                    Rule::MissingDependency,
                    &path(),
                    anchor.text(msg),
                ));
            }
        }
    }
    for (i, t) in dag.tasks.iter().enumerate() {
        let mut items = Items::default();
        if let Err(msg) = add_items(
            &t.with_items,
            t.with_param.as_deref(),
            t.with_sequence.as_ref(),
            &mut items,
        ) {
            let msg = format!("templates.{name}.tasks.{} {msg}", t.name);
            found.push(Finding::error(
                Rule::Loop,
                &anchor.at(task_path(i)),
                anchor.text(msg),
            ));
        }
        nodes.current = Some(i);
        let inline = t.inline.as_deref().and_then(|x| x.inputs.as_ref());
        let s = Scope::non_leaf(ctx, tmpl, &nodes, &items, inline);
        unclosed |= resolve::strings(
            &mut |f| visit_task(t, f),
            &s,
            &values,
            anchor,
            &task_path(i),
            &mut found,
        );
    }
    nodes.current = None;
    if let Some(o) = &tmpl.outputs {
        let _ = resolve::all(
            o,
            &Scope::non_leaf(ctx, tmpl, &nodes, &empty, None),
            &values,
            anchor,
            &|p| p.key("outputs"),
            &mut found,
        );
    }
    Resolved { found, unclosed }
}

/// Which argument of a task.
enum ArgAt {
    Parameter(usize),
    Artifact(usize),
}

/// `validateDAGTaskArgumentDependency`: an argument whose value (artifact: `from`) starts with
/// `{{tasks.X` needs X among the task's ancestors.
fn arg_dependency(
    t: &DagTask,
    i: usize,
    ids: &FxHashMap<&str, usize>,
    reach: &RefCell<Reach<'_>>,
) -> Vec<(ArgAt, String)> {
    let mut out = Vec::new();
    let Some(a) = &t.arguments else { return out };
    let ancestor = |task: &str| {
        ids.get(task)
            .is_some_and(|&j| reach.borrow_mut().reaches(i, j))
    };
    let referenced = |v: &str| {
        Some(
            v.strip_prefix("{{tasks.")?
                .split('.')
                .next()
                .unwrap_or_default()
                .to_owned(),
        )
    };
    for (j, p) in a.parameters.iter().enumerate() {
        let v = p
            .value
            .as_ref()
            .map(crate::AnyString::as_str)
            .unwrap_or_default();
        if let Some(task) = referenced(v).filter(|task| !ancestor(task)) {
            out.push((ArgAt::Parameter(j), format!("missing dependency '{task}' for parameter '{}'; add `{task}` to its depends/dependencies", p.name)));
        }
    }
    for (j, x) in a.artifacts.iter().enumerate() {
        if let Some(task) =
            referenced(x.from.as_deref().unwrap_or_default()).filter(|task| !ancestor(task))
        {
            out.push((ArgAt::Artifact(j), format!("missing dependency '{task}' for artifact '{}'; add `{task}` to its depends/dependencies", x.name)));
        }
    }
    out
}
