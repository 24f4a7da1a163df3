//! DAG rules: task names, dependencies that exist, no cycles, `depends` vs `dependencies`.

use std::collections::{HashMap, HashSet};

use super::{Finding, Rule, names, rules};
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
    let names: HashSet<&str> = dag.tasks.iter().map(|t| t.name.as_str()).collect();
    let uses_deps = dag
        .tasks
        .iter()
        .any(|t| !t.dependencies.is_empty() || t.depends.is_some());
    let mixed = dag.tasks.iter().any(|t| !t.dependencies.is_empty())
        && dag.tasks.iter().any(|t| t.depends.is_some());
    if mixed {
        out.push(Finding::error(
            Rule::Depends,
            &dp.key("tasks"),
            "this DAG mixes `depends` and `dependencies`; use only one of them in a DAG",
        ));
    }
    let mut seen = HashSet::new();
    let mut edges: HashMap<&str, Vec<&str>> = HashMap::new();
    for (i, task) in dag.tasks.iter().enumerate() {
        let tp = dp.key("tasks").index(i);
        names::check_template_like("task", &task.name, &tp, &mut seen, out);
        if uses_deps && task.name.starts_with(|c: char| c.is_ascii_digit()) {
            out.push(Finding::error(
                Rule::InvalidName,
                &tp.key("name"),
                format!("task name `{}` starts with a digit, which Argo forbids in a DAG with dependencies; prefix it with a letter", task.name),
            ));
        }
        rules::call(
            spec,
            task.template.as_deref(),
            task.template_ref.as_ref(),
            task.inline.as_deref(),
            task.arguments.as_ref(),
            &tp,
            out,
        );
        let deps = edges.entry(task.name.as_str()).or_default();
        for (j, d) in task.dependencies.iter().enumerate() {
            if !names.contains(d.as_str()) {
                out.push(Finding::error(
                    Rule::MissingDependency,
                    &tp.key("dependencies").index(j),
                    format!("task `{}` depends on `{d}`, which is not a task of this DAG; fix the name or add the task", task.name),
                ));
            }
            deps.push(d.as_str());
        }
        if let Some(expr) = &task.depends {
            for (d, result) in depends_targets(expr) {
                if !names.contains(d) {
                    out.push(Finding::error(
                        Rule::MissingDependency,
                        &tp.key("depends"),
                        format!("task `{}` depends on `{d}`, which is not a task of this DAG; fix the name or add the task", task.name),
                    ));
                }
                if let Some(r) = result
                    && !RESULTS.contains(&r)
                {
                    out.push(Finding::error(
                        Rule::Depends,
                        &tp.key("depends"),
                        format!(
                            "`{d}.{r}` is not a task result; use one of {}",
                            RESULTS.join(", ")
                        ),
                    ));
                }
                deps.push(d);
            }
            if task.continue_on.is_some() {
                out.push(Finding::error(
                    Rule::Depends,
                    &tp.key("continueOn"),
                    "`continueOn` cannot be used with `depends`; express it in `depends` (e.g. `a.Failed`)",
                ));
            }
        }
    }
    if let Some(target) = dag.target.as_deref().filter(|t| !t.contains("{{")) {
        for name in target.split_whitespace() {
            if !names.contains(name) {
                out.push(Finding::error(
                    Rule::MissingDependency,
                    &dp.key("target"),
                    format!("target `{name}` is not a task of this DAG"),
                ));
            }
        }
    }
    if let Some(cycle) = find_cycle(
        &dag.tasks
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>(),
        &edges,
    ) {
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
fn find_cycle<'a>(
    order: &[&'a str],
    edges: &HashMap<&'a str, Vec<&'a str>>,
) -> Option<Vec<&'a str>> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Visiting,
        Done,
    }
    fn visit<'a>(
        n: &'a str,
        edges: &HashMap<&'a str, Vec<&'a str>>,
        state: &mut HashMap<&'a str, State>,
        stack: &mut Vec<&'a str>,
    ) -> Option<Vec<&'a str>> {
        match state.get(n) {
            Some(State::Done) => return None,
            Some(State::Visiting) => {
                let start = stack.iter().position(|s| *s == n).unwrap_or_default();
                let mut cycle: Vec<&str> = stack[start..].to_vec();
                cycle.push(n);
                return Some(cycle);
            }
            None => {}
        }
        state.insert(n, State::Visiting);
        stack.push(n);
        for d in edges.get(n).into_iter().flatten() {
            if edges.contains_key(d)
                && let Some(c) = visit(d, edges, state, stack)
            {
                return Some(c);
            }
        }
        stack.pop();
        state.insert(n, State::Done);
        None
    }
    let mut state = HashMap::new();
    for n in order {
        if let Some(c) = visit(n, edges, &mut state, &mut Vec::new()) {
            return Some(c);
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
        let edges: HashMap<&str, Vec<&str>> =
            [("a", vec!["c"]), ("b", vec!["a"]), ("c", vec!["b"])].into();
        assert_eq!(
            find_cycle(&["a", "b", "c"], &edges),
            Some(vec!["a", "c", "b", "a"])
        );
    }
}
