//! DAG rules: task names, dependencies that exist, no cycles, `depends` vs `dependencies`.

use super::{Finding, FxHashMap, FxHashSet, Rule, names, refs, rules};
use crate::{JsonPath, Template, WorkflowSpec};

const RESULTS: &[&str] = &[
    "Succeeded",
    "Failed",
    "Errored",
    "Skipped",
    "Omitted",
    "Daemoned",
    "AnySucceeded",
    "AllFailed",
];

/// The task names a `depends` expression mentions, with the result each one names (if any).
pub(crate) fn depends_targets(expr: &str) -> Vec<(&str, Option<&str>)> {
    expr.split(|c: char| c.is_whitespace() || matches!(c, '&' | '|' | '!' | '(' | ')'))
        .filter(|t| !t.is_empty())
        .map(|t| match t.split_once('.') {
            Some((task, result)) => (task, Some(result)),
            None => (t, None),
        })
        .collect()
}

#[allow(
    clippy::too_many_lines,
    reason = "one pass over the tasks; splitting it would thread the same state through"
)]
pub(crate) fn template(spec: &WorkflowSpec, t: &Template, path: &JsonPath, out: &mut Vec<Finding>) {
    let Some(dag) = &t.dag else { return };
    let dp = path.key("dag");
    if dag.tasks.is_empty() {
        out.push(Finding::error(
            Rule::MissingDependency,
            &dp.key("tasks"),
            "a DAG needs at least one task",
        ));
        return;
    }
    // Each distinct task name gets an id (in declaration order); the dependency graph is on ids.
    let mut ids: FxHashMap<&str, usize> =
        FxHashMap::with_capacity_and_hasher(dag.tasks.len(), rustc_hash::FxBuildHasher);
    let mut id_names: Vec<&str> = Vec::with_capacity(dag.tasks.len());
    let task_ids: Vec<usize> = dag
        .tasks
        .iter()
        .map(|t| {
            *ids.entry(t.name.as_str()).or_insert_with(|| {
                id_names.push(t.name.as_str());
                id_names.len() - 1
            })
        })
        .collect();
    let mut edges: Vec<Vec<usize>> = vec![Vec::new(); id_names.len()];
    let uses_depends = dag.tasks.iter().any(|t| t.depends.is_some());
    let mixed = uses_depends && dag.tasks.iter().any(|t| !t.dependencies.is_empty());
    if mixed {
        out.push(Finding::error(
            Rule::Depends,
            &dp.key("tasks"),
            "this DAG mixes `depends` and `dependencies`; use only one of them in a DAG",
        ));
    }
    let mut seen = FxHashSet::with_capacity_and_hasher(dag.tasks.len(), rustc_hash::FxBuildHasher);
    // Paths are built only for findings.
    let tp = |i: usize| dp.key("tasks").index(i);
    for (i, task) in dag.tasks.iter().enumerate() {
        names::check_template_like("task", &task.name, &|| tp(i), &mut seen, out);
        // As Argo: in a DAG using `depends`, every task; else each task with `dependencies`.
        if (uses_depends || !task.dependencies.is_empty())
            && task.name.starts_with(|c: char| c.is_ascii_digit())
        {
            out.push(Finding::error(
                Rule::InvalidName,
                &tp(i).key("name"),
                format!("task name `{}` starts with a digit, which Argo forbids when using `depends` or `dependencies`; prefix it with a letter", task.name),
            ));
        }
        rules::call(
            spec,
            task.template.as_deref(),
            task.template_ref.as_ref(),
            task.inline.as_deref(),
            task.arguments.as_ref(),
            &|| tp(i),
            out,
        );
        let deps = &mut edges[task_ids[i]];
        for (j, d) in task.dependencies.iter().enumerate() {
            let Some(&to) = ids.get(d.as_str()) else {
                out.push(Finding::error(
                    Rule::MissingDependency,
                    &tp(i).key("dependencies").index(j),
                    format!("task `{}` depends on `{d}`, which is not a task of this DAG; fix the name or add the task", task.name),
                ));
                continue;
            };
            deps.push(to);
        }
        if let Some(expr) = &task.depends {
            for (d, result) in depends_targets(expr) {
                let to = ids.get(d).copied();
                if to.is_none() {
                    out.push(Finding::error(
                        Rule::MissingDependency,
                        &tp(i).key("depends"),
                        format!("task `{}` depends on `{d}`, which is not a task of this DAG; fix the name or add the task", task.name),
                    ));
                }
                if let Some(r) = result
                    && !RESULTS.contains(&r)
                {
                    out.push(Finding::error(
                        Rule::Depends,
                        &tp(i).key("depends"),
                        format!(
                            "`{d}.{r}` is not a task result; use one of {}",
                            RESULTS.join(", ")
                        ),
                    ));
                }
                if matches!(result, Some("AnySucceeded" | "AllFailed"))
                    && dag.tasks.iter().find(|t| t.name == d).is_some_and(|t| {
                        t.with_items.is_empty()
                            && t.with_param.is_none()
                            && t.with_sequence.is_none()
                    })
                {
                    out.push(Finding::error(
                        Rule::Depends,
                        &tp(i).key("depends"),
                        format!("`{d}.{}` needs task `{d}` to loop (withItems, withParam or withSequence); use `{d}.Succeeded` or `{d}.Failed` instead", result.unwrap_or_default()),
                    ));
                }
                deps.extend(to);
            }
            if task.continue_on.is_some() {
                out.push(Finding::error(
                    Rule::Depends,
                    &tp(i).key("continueOn"),
                    "`continueOn` cannot be used with `depends`; express it in `depends` (e.g. `a.Failed`)",
                ));
            }
        }
    }
    if let Some(target) = dag.target.as_deref().filter(|t| !t.contains("{{")) {
        for name in target.split_whitespace() {
            if !ids.contains_key(name) {
                out.push(Finding::error(
                    Rule::MissingDependency,
                    &dp.key("target"),
                    format!("target `{name}` is not a task of this DAG"),
                ));
            }
        }
    }
    refs::dag(t, &ids, &task_ids, &edges, &tp, out);
    if let Some(cycle) = find_cycle(&task_ids, &edges, &id_names) {
        let at = dag
            .tasks
            .iter()
            .position(|t| t.name == cycle[0])
            .unwrap_or_default();
        out.push(Finding::error(
            Rule::DependencyCycle,
            &dp.key("tasks").index(at),
            format!(
                "dependency cycle detected: {}; remove one of these dependencies",
                cycle.join(" -> ")
            ),
        ));
    }
}

/// A cycle (first node repeated at the end), if any; tasks are visited in declaration order.
/// `order` are the tasks' ids, `edges[id]` the ids each one depends on, `names[id]` its name.
fn find_cycle<'a>(
    order: &[usize],
    edges: &[Vec<usize>],
    names: &[&'a str],
) -> Option<Vec<&'a str>> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        Visiting,
        Done,
    }
    fn visit(
        n: usize,
        edges: &[Vec<usize>],
        state: &mut [State],
        stack: &mut Vec<usize>,
    ) -> Option<Vec<usize>> {
        match state[n] {
            State::Done => return None,
            State::Visiting => {
                let start = stack.iter().position(|s| *s == n).unwrap_or_default();
                let mut cycle: Vec<usize> = stack[start..].to_vec();
                cycle.push(n);
                return Some(cycle);
            }
            State::New => {}
        }
        state[n] = State::Visiting;
        stack.push(n);
        for &d in &edges[n] {
            if let Some(c) = visit(d, edges, state, stack) {
                return Some(c);
            }
        }
        stack.pop();
        state[n] = State::Done;
        None
    }
    let mut state = vec![State::New; names.len()];
    for &n in order {
        if let Some(c) = visit(n, edges, &mut state, &mut Vec::new()) {
            return Some(c.into_iter().map(|i| names[i]).collect());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depends_expressions() {
        assert_eq!(
            depends_targets("(a.Succeeded || b) && !c-1.Failed"),
            vec![
                ("a", Some("Succeeded")),
                ("b", None),
                ("c-1", Some("Failed"))
            ]
        );
    }

    #[test]
    fn cycles_are_reported_with_their_path() {
        // a -> c, b -> a, c -> b
        let edges = vec![vec![2], vec![0], vec![1]];
        assert_eq!(
            find_cycle(&[0, 1, 2], &edges, &["a", "b", "c"]),
            Some(vec!["a", "c", "b", "a"])
        );
    }
}
