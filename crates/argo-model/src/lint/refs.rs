//! `{{tasks.X...}}` in a DAG task's arguments or `when` needs X among the task's (transitive)
//! dependencies; `{{steps.X...}}` in a step's arguments or `when` needs X in an earlier step
//! group. Otherwise the reference does not resolve when the task or step runs.

use super::{Finding, FxHashMap, FxHashSet, Rule, vars};
use crate::{Arguments, JsonPath, Template};

/// Where a reference sits below a task or step.
#[derive(Clone, Copy)]
enum Field {
    Param(usize),
    Artifact(usize),
    When,
}

impl Field {
    fn path(self, p: &JsonPath) -> JsonPath {
        match self {
            Self::Param(j) => p.key("arguments").key("parameters").index(j).key("value"),
            Self::Artifact(j) => p.key("arguments").key("artifacts").index(j).key("from"),
            Self::When => p.key("when"),
        }
    }
}

/// The strings of a task or step that may reference other tasks or steps.
fn strings<'a>(
    arguments: Option<&'a Arguments>,
    when: Option<&'a str>,
) -> impl Iterator<Item = (&'a str, Field)> {
    let args = arguments.into_iter().flat_map(|a| {
        let params = (a.parameters.iter().enumerate())
            .filter_map(|(j, p)| Some((p.value.as_ref()?.as_str(), Field::Param(j))));
        let arts = (a.artifacts.iter().enumerate())
            .filter_map(|(j, x)| Some((x.from.as_deref()?, Field::Artifact(j))));
        params.chain(arts)
    });
    args.chain(when.map(|w| (w, Field::When)))
        .filter(|(s, _)| s.contains("{{"))
}

/// The task or step names `s` references with `prefix` (`tasks.` or `steps.`), with the whole
/// reference. `{{tasks.name}}`/`{{steps.name}}` (the task's own name) are not references.
fn targets<'a>(s: &'a str, prefix: &str) -> Vec<(&'a str, &'a str)> {
    vars::references(s)
        .into_iter()
        .filter_map(|r| {
            let rest = r.strip_prefix(prefix)?;
            let name = rest.split('.').next().unwrap_or_default();
            (!name.is_empty() && rest != "name").then_some((name, r))
        })
        .collect()
}

/// Checks the DAG's `{{tasks.X}}` references. `ids` maps task names to ids, `task_ids[i]` is the
/// id of task `i`, `edges[id]` the ids it depends on; `tp(i)` builds the path of task `i`.
pub(crate) fn dag(
    t: &Template,
    ids: &FxHashMap<&str, usize>,
    task_ids: &[usize],
    edges: &[Vec<usize>],
    tp: &dyn Fn(usize) -> JsonPath,
    out: &mut Vec<Finding>,
) {
    let Some(dag) = &t.dag else { return };
    let mut reach = Reach::new(edges);
    for (i, task) in dag.tasks.iter().enumerate() {
        for (s, field) in strings(task.arguments.as_ref(), task.when.as_deref()) {
            for (name, r) in targets(s, "tasks.") {
                let msg = match ids.get(name) {
                    None => format!(
                        "`{{{{{r}}}}}` refers to task `{name}`, which is not a task of this DAG; fix the name"
                    ),
                    Some(&to) => {
                        if reach.reaches(task_ids[i], to) {
                            continue;
                        }
                        format!(
                            "`{{{{{r}}}}}` refers to task `{name}`, which is not a dependency of task `{}`; add `{name}` to its depends/dependencies",
                            task.name
                        )
                    }
                };
                out.push(Finding::error(
                    Rule::MissingDependency,
                    &field.path(&tp(i)),
                    msg,
                ));
            }
        }
    }
}

/// Answers "is `to` a transitive dependency of `from`?" over `edges` (each id to the ids it
/// depends on). Typical references name a direct dependency (one lookup) or the same task from
/// everywhere, like an init task (`{{tasks.init.outputs...}}` in every task of a deep DAG): the
/// first query for a target walks forward from `from`; the second computes, once, every task
/// that reaches the target, so a 10,000-task DAG stays linear instead of quadratic.
struct Reach<'a> {
    edges: &'a [Vec<usize>],
    /// Visit marks of a forward walk: `mark[id] == stamp` when seen in the current walk.
    mark: Vec<u32>,
    stamp: u32,
    /// Targets queried once.
    once: FxHashSet<usize>,
    /// For targets queried more often: which ids reach them.
    reached_by: FxHashMap<usize, Vec<bool>>,
    /// Reverse edges (each id to its dependents), built on first need.
    dependents: Vec<Vec<usize>>,
}

impl<'a> Reach<'a> {
    fn new(edges: &'a [Vec<usize>]) -> Self {
        Self {
            edges,
            mark: Vec::new(),
            stamp: 0,
            once: FxHashSet::default(),
            reached_by: FxHashMap::default(),
            dependents: Vec::new(),
        }
    }

    fn reaches(&mut self, from: usize, to: usize) -> bool {
        if self.edges[from].contains(&to) {
            return true;
        }
        if let Some(by) = self.reached_by.get(&to) {
            return by[from];
        }
        if self.once.insert(to) {
            return self.walk(from, to);
        }
        let by = self.reached_by_all(to);
        let r = by[from];
        self.reached_by.insert(to, by);
        r
    }

    /// Forward walk from `from` over dependencies, looking for `to`.
    fn walk(&mut self, from: usize, to: usize) -> bool {
        if self.mark.is_empty() {
            self.mark = vec![0; self.edges.len()];
        }
        self.stamp += 1;
        let stamp = self.stamp;
        let mut stack = vec![from];
        self.mark[from] = stamp;
        while let Some(n) = stack.pop() {
            for &d in &self.edges[n] {
                if d == to {
                    return true;
                }
                if self.mark[d] != stamp {
                    self.mark[d] = stamp;
                    stack.push(d);
                }
            }
        }
        false
    }

    /// Every id that has `to` as a transitive dependency (walking dependents backwards).
    fn reached_by_all(&mut self, to: usize) -> Vec<bool> {
        if self.dependents.is_empty() {
            self.dependents = vec![Vec::new(); self.edges.len()];
            for (n, deps) in self.edges.iter().enumerate() {
                for &d in deps {
                    self.dependents[d].push(n);
                }
            }
        }
        let mut by = vec![false; self.edges.len()];
        let mut stack = vec![to];
        while let Some(n) = stack.pop() {
            for &d in &self.dependents[n] {
                if !by[d] {
                    by[d] = true;
                    stack.push(d);
                }
            }
        }
        by
    }
}

/// Checks a steps template's `{{steps.X}}` references.
pub(crate) fn steps(t: &Template, path: &JsonPath, out: &mut Vec<Finding>) {
    if t.steps.is_empty() {
        return;
    }
    // The group of each step name's first declaration.
    let mut group: FxHashMap<&str, usize> = FxHashMap::default();
    for (g, steps) in t.steps.iter().enumerate() {
        for s in &steps.0 {
            group.entry(s.name.as_str()).or_insert(g);
        }
    }
    for (g, steps) in t.steps.iter().enumerate() {
        for (s, step) in steps.0.iter().enumerate() {
            for (text, field) in strings(step.arguments.as_ref(), step.when.as_deref()) {
                for (name, r) in targets(text, "steps.") {
                    let msg = match group.get(name) {
                        Some(&at) if at < g => continue,
                        Some(_) => format!(
                            "`{{{{{r}}}}}` refers to step `{name}`, which does not run before step `{}`; move `{name}` to an earlier step group",
                            step.name
                        ),
                        None => format!(
                            "`{{{{{r}}}}}` refers to step `{name}`, which is not a step of this template; fix the name"
                        ),
                    };
                    let p = field.path(&path.key("steps").index(g).index(s));
                    out.push(Finding::error(Rule::UnresolvedVariable, &p, msg));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_targets() {
        assert_eq!(
            targets(
                "{{tasks.a.outputs.result}} {{ tasks.b }} {{tasks.name}}",
                "tasks."
            ),
            vec![("a", "tasks.a.outputs.result"), ("b", "tasks.b")]
        );
    }

    #[test]
    fn reachability_with_and_without_the_cache() {
        // 0 <- 1 <- 2 <- 3 (each depends on the previous), 4 alone.
        let edges = vec![vec![], vec![0], vec![1], vec![2], vec![]];
        let mut r = Reach::new(&edges);
        for _ in 0..3 {
            assert!(r.reaches(3, 0) && r.reaches(2, 0) && r.reaches(1, 0));
            assert!(!r.reaches(4, 0) && !r.reaches(0, 0) && !r.reaches(0, 3));
        }
        assert!(r.reached_by.contains_key(&0));
    }
}
