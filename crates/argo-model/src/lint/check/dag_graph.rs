//! The dependency checks of `validateDAG` (validate.go) and `sortDAGTasks`: task names, digits,
//! `depends` with `dependencies` or `continueOn`, task results, dependencies that exist and
//! loop when their results need it, no cycle (`verifyNoCycles`); and the graph of the DAG.

use std::borrow::Cow;

use super::depends::{self, find_cycle};
use super::{Anchor, Ctx, FxHashMap, Rule};
use crate::lint::names;
use crate::{DagTask, JsonPath, Template};

/// The tasks of a DAG as a graph: ids by (substituted) name, each task's dependencies, and an
/// order where each task comes after its dependencies.
pub(crate) struct Graph<'c> {
    pub(crate) ids: FxHashMap<&'c str, usize>,
    pub(crate) edges: Vec<Vec<usize>>,
    pub(crate) order: Vec<usize>,
}

/// Whether a task loops over items or a parameter (aggregated outputs).
pub(crate) fn loops(t: &DagTask) -> bool {
    !t.with_items.is_empty() || t.with_param.as_deref().is_some_and(|p| !p.is_empty())
}

/// The checks, and the graph; `canon` are the task names as substituted.
pub(crate) fn check<'c>(
    ctx: &mut Ctx<'_>,
    tmpl: &Template,
    anchor: &Anchor,
    canon: &'c [Cow<'_, str>],
) -> Graph<'c> {
    let Some(dag) = &tmpl.dag else {
        return Graph {
            ids: FxHashMap::default(),
            edges: Vec::new(),
            order: Vec::new(),
        };
    };
    let name = &tmpl.name;
    let tasks = &dag.tasks;
    let tp = |i: usize| move |p: &JsonPath| p.key("dag").key("tasks").index(i);
    let list: Vec<&str> = canon.iter().map(AsRef::as_ref).collect();
    for (i, rule, msg) in names::field_names(list.iter().copied(), names::NameKind::Field) {
        ctx.error(
            anchor,
            |p| tp(i)(p).key("name"),
            rule,
            format!("templates.{name}.tasks{msg}"),
        );
    }
    let mut ids: FxHashMap<&str, usize> =
        FxHashMap::with_capacity_and_hasher(tasks.len(), rustc_hash::FxBuildHasher);
    for (i, n) in list.iter().enumerate() {
        ids.entry(n).or_insert(i);
    }
    let uses_depends = tasks
        .iter()
        .any(|t| t.depends.as_deref().is_some_and(|d| !d.is_empty()));
    // Dependencies (`GetTaskDependencies`), as ProcessArgs left `depends`.
    let depends: Vec<Option<Cow<'_, str>>> = tasks
        .iter()
        .map(|t| {
            t.depends
                .as_deref()
                .map(|d| super::steps::substitute(ctx, tmpl, d))
        })
        .collect();
    let mut edges: Vec<Vec<usize>> = vec![Vec::new(); tasks.len()];
    let mut mixed_reported = false;
    for (i, t) in tasks.iter().enumerate() {
        let tname = &t.name;
        if (uses_depends || !t.dependencies.is_empty())
            && t.name.starts_with(|c: char| c.is_ascii_digit())
        {
            ctx.error(anchor, |p| tp(i)(p).key("name"), Rule::InvalidName, format!("templates.{name}.tasks.{tname} name cannot begin with a digit when using either 'depends' or 'dependencies'"));
        }
        if uses_depends && !t.dependencies.is_empty() && !mixed_reported {
            mixed_reported = true;
            ctx.error(anchor, |p| tp(i)(p).key("dependencies"), Rule::Depends, format!("templates.{name} cannot use both 'depends' and 'dependencies' in the same DAG template"));
        }
        if uses_depends && t.continue_on.is_some() {
            ctx.error(anchor, |p| tp(i)(p).key("continueOn"), Rule::Depends, format!("templates.{name} cannot use 'continueOn' when using 'depends'. Instead use 'dep-task.Failed'/'dep-task.Errored'"));
        }
        if let Some(d) = depends[i].as_deref() {
            for (task, result) in depends::bad_results(d) {
                ctx.error(anchor, |p| tp(i)(p).key("depends"), Rule::Depends, format!("templates.{name}.tasks.{tname} task result '{result}' for task '{task}' is invalid; use one of {}", depends::RESULTS.join(", ")));
            }
        }
        for (dep, items) in depends::dependencies(depends[i].as_deref(), &t.dependencies) {
            match ids.get(dep) {
                None => {
                    let at = |p: &JsonPath| match t
                        .dependencies
                        .iter()
                        .position(|d| depends::tokens(d).iter().any(|(n, _)| *n == dep))
                    {
                        Some(j) if depends[i].is_none() => tp(i)(p).key("dependencies").index(j),
                        _ => tp(i)(p).key("depends"),
                    };
                    ctx.error(anchor, at, Rule::MissingDependency, format!("templates.{name}.tasks.{tname} dependency '{dep}' not defined; fix the name or add the task"));
                }
                Some(&j) => {
                    let d = &tasks[j];
                    if items && !loops(d) && d.with_sequence.is_none() {
                        ctx.error(anchor, |p| tp(i)(p).key("depends"), Rule::Depends, format!("templates.{name}.tasks.{tname} dependency '{dep}' uses an items-based condition such as .AnySucceeded or .AllFailed but does not contain any items"));
                    }
                    edges[i].push(j);
                }
            }
        }
    }
    let order = topological(&edges);
    if let Some(cycle) = find_cycle(&order, &edges) {
        let names: Vec<&str> = cycle.iter().map(|&i| list[i]).collect();
        ctx.error(anchor, tp(cycle[0]), Rule::DependencyCycle, format!("templates.{name}.tasks dependency cycle detected: {}; remove one of these dependencies", names.join("->")));
    }
    Graph { ids, edges, order }
}

/// `sortDAGTasks`: the tasks in an order where each comes after its dependencies (ties in
/// declaration order; tasks on a cycle last, in declaration order).
pub(crate) fn topological(edges: &[Vec<usize>]) -> Vec<usize> {
    let n = edges.len();
    let mut indegree: Vec<usize> = edges.iter().map(Vec::len).collect();
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, deps) in edges.iter().enumerate() {
        for &d in deps {
            dependents[d].push(i);
        }
    }
    let mut order: Vec<usize> = (0..n).filter(|&i| indegree[i] == 0).collect();
    let mut head = 0;
    while head < order.len() {
        let i = order[head];
        head += 1;
        for &d in &dependents[i] {
            indegree[d] -= 1;
            if indegree[d] == 0 {
                order.push(d);
            }
        }
    }
    if order.len() < n {
        let mut placed = vec![false; n];
        for &i in &order {
            placed[i] = true;
        }
        order.extend((0..n).filter(|&i| !placed[i]));
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Upstream's `TestSortDAGTasksWithDepends` (`validate_test.go)`: tasks `8ea51cf2`,
    /// `ba1f414f` (depends on the first), `f7d273f8` (depends on the second) sort in that order.
    #[test]
    fn sort_dag_tasks_with_depends() {
        let edges = vec![vec![], vec![0], vec![1]];
        assert_eq!(topological(&edges), vec![0, 1, 2]);
        // Declared in reverse, each still after its dependency; a cycle goes last.
        assert_eq!(topological(&[vec![1], vec![2], vec![]]), vec![2, 1, 0]);
        assert_eq!(topological(&[vec![1], vec![0], vec![]]), vec![2, 0, 1]);
    }
}
