//! DAG dependencies as `workflow/common/ancestry.go` reads them (`GetTaskDependencies`,
//! `ValidateTaskResults`), and ancestry queries that stay linear on large DAGs.

use super::{FxHashMap, FxHashSet};

/// The task results a `depends` expression may name (`common.TaskResult`).
pub(crate) const RESULTS: &[&str] = &[
    "Succeeded",
    "Failed",
    "Errored",
    "Skipped",
    "Omitted",
    "Daemoned",
    "AnySucceeded",
    "AllFailed",
];

fn name_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-'
}

/// The matches of `taskNameRegex` in `expr`:
/// `([a-zA-Z0-9][-a-zA-Z0-9]*?\.[A-Z][a-zA-Z]+)|([a-zA-Z0-9][-a-zA-Z0-9]*)`, as task names with
/// the result each one names.
pub(crate) fn tokens(expr: &str) -> Vec<(&str, Option<&str>)> {
    let b = expr.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < b.len() && name_char(b[j]) {
            j += 1;
        }
        // A name can hold no '.', so the lazy name ends at the first '.'.
        if b.get(j) == Some(&b'.') && b.get(j + 1).is_some_and(u8::is_ascii_uppercase) {
            let mut k = j + 2;
            while k < b.len() && b[k].is_ascii_alphabetic() {
                k += 1;
            }
            if k > j + 2 {
                out.push((&expr[i..j], Some(&expr[j + 1..k])));
                i = k;
                continue;
            }
        }
        out.push((&expr[i..j], None));
        i = j;
    }
    out
}

/// `GetTaskDependencies`: the tasks of a `depends` expression, or of `dependencies` (each read
/// as `(D.Succeeded || D.Skipped || D.Daemoned)` would be), in order of first mention, each
/// with whether it is named with an items result (`.AnySucceeded`, `.AllFailed`).
pub(crate) fn dependencies<'t>(
    depends: Option<&'t str>,
    list: &'t [String],
) -> Vec<(&'t str, bool)> {
    let mut out: Vec<(&str, bool)> = Vec::new();
    let mut add = |name: &'t str, items: bool| match out.iter_mut().find(|(n, _)| *n == name) {
        Some(e) => e.1 |= items,
        None => out.push((name, items)),
    };
    match depends.filter(|d| !d.is_empty()) {
        Some(d) => {
            for (name, result) in tokens(d) {
                add(name, matches!(result, Some("AnySucceeded" | "AllFailed")));
            }
        }
        None => {
            for dep in list {
                // A plain name is read as itself; others as the regex splits them.
                for (name, _) in tokens(dep) {
                    add(name, false);
                }
            }
        }
    }
    out
}

/// `ValidateTaskResults`: the results named in `depends` (matches of `taskResultRegex`) that are
/// not task results, with their task.
pub(crate) fn bad_results(depends: &str) -> Vec<(&str, &str)> {
    tokens(depends)
        .into_iter()
        .filter_map(|(t, r)| Some((t, r?)))
        .filter(|(_, r)| !RESULTS.contains(r))
        .collect()
}

/// Answers "is `to` an ancestor (transitive dependency) of `from`?" over `edges` (each id to the
/// ids it depends on). Typical references name a direct dependency (one lookup) or the same task
/// from everywhere, like an init task: the first query for a target walks from `from`; the
/// second computes, once, every task that reaches the target, so a 10,000-task DAG stays linear
/// instead of quadratic.
pub(crate) struct Reach<'e> {
    edges: &'e [Vec<usize>],
    mark: Vec<u32>,
    stamp: u32,
    once: FxHashSet<usize>,
    reached_by: FxHashMap<usize, Vec<bool>>,
    dependents: Vec<Vec<usize>>,
}

impl<'e> Reach<'e> {
    pub(crate) fn new(edges: &'e [Vec<usize>]) -> Self {
        Self {
            edges,
            mark: Vec::new(),
            stamp: 0,
            once: FxHashSet::default(),
            reached_by: FxHashMap::default(),
            dependents: Vec::new(),
        }
    }

    /// Whether `to` is a transitive dependency of `from`.
    pub(crate) fn reaches(&mut self, from: usize, to: usize) -> bool {
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

/// A cycle of `edges` (first node repeated at the end), visiting `order`; as
/// `verifyNoCycles` reports it (`a->b->a`).
pub(crate) fn find_cycle(order: &[usize], edges: &[Vec<usize>]) -> Option<Vec<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        Visiting,
        Done,
    }
    let mut state = vec![State::New; edges.len()];
    for &root in order {
        if state[root] != State::New {
            continue;
        }
        // Iterative DFS: (node, next edge index).
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        state[root] = State::Visiting;
        while let Some(top) = stack.last_mut() {
            let n = top.0;
            if let Some(&d) = edges[n].get(top.1) {
                top.1 += 1;
                match state[d] {
                    State::Visiting => {
                        let start = stack.iter().position(|(s, _)| *s == d).unwrap_or_default();
                        let mut cycle: Vec<usize> =
                            stack[start..].iter().map(|(s, _)| *s).collect();
                        cycle.push(d);
                        return Some(cycle);
                    }
                    State::New => {
                        state[d] = State::Visiting;
                        stack.push((d, 0));
                    }
                    State::Done => {}
                }
            } else {
                state[n] = State::Done;
                stack.pop();
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_name_regex() {
        assert_eq!(
            tokens("(a.Succeeded || b) && !c-1.Failed && d.S"),
            vec![
                ("a", Some("Succeeded")),
                ("b", None),
                ("c-1", Some("Failed")),
                ("d", None),
                ("S", None)
            ]
        );
        assert_eq!(
            dependencies(None, &["a_b".to_owned()]),
            vec![("a", false), ("b", false)]
        );
        assert_eq!(
            dependencies(Some("a.AnySucceeded || a.Failed"), &[]),
            vec![("a", true)]
        );
        assert_eq!(bad_results("a.Succeeded && b.Foo"), vec![("b", "Foo")]);
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

    #[test]
    fn cycles_are_reported_with_their_path() {
        // a -> c, b -> a, c -> b
        let edges = vec![vec![2], vec![0], vec![1]];
        assert_eq!(find_cycle(&[0, 1, 2], &edges), Some(vec![0, 2, 1, 0]));
        assert_eq!(find_cycle(&[0, 1], &[vec![1], vec![]]), None);
    }
}
