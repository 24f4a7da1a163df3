//! DAG templates: tasks, gates (`dependencies` and `depends`, expanded as upstream's
//! `GetTaskDependencies`), cycles, targets, and the plan order of leaves.

use std::collections::HashMap;

use argo_model::DagTask;

use super::{Builder, Call};
use crate::TaskName;
use crate::depends::{self, Expr, Test};
use crate::error::{Error, Result};
use crate::plan::{ContinueOn, Kind, Node, Scope};

impl Builder<'_> {
    pub(super) fn expand_dag(&mut self, scope: usize, prefix: Option<&TaskName>) -> Result<()> {
        let tmpl = self.scopes[scope].template;
        let tmpl_name = self.templates[tmpl].name.clone();
        let dag = self.templates[tmpl].dag.clone().unwrap_or_default();
        let first = self.nodes.len();
        let mut local: HashMap<String, usize> = HashMap::new();
        for task in &dag.tasks {
            let call = Call {
                name: &task.name,
                template: task.template.as_ref(),
                inline: task.inline.as_deref(),
                template_ref: task.template_ref.is_some(),
                when: task.when.as_ref(),
                loops: !task.with_items.is_empty()
                    || task.with_param.is_some()
                    || task.with_sequence.is_some(),
                arguments: task.arguments.as_ref(),
                continue_on: task.continue_on.as_ref(),
            };
            self.add(scope, prefix, &call, 0, &mut local)?;
        }
        for (offset, task) in dag.tasks.iter().enumerate() {
            let node = first + offset;
            let continue_on: Vec<ContinueOn> =
                self.nodes[first..].iter().map(|n| n.continue_on).collect();
            let gate = gate(task, &self.nodes[node].name, &local, &|i| {
                continue_on[i - first]
            })?;
            self.nodes[node].gate = gate;
        }
        find_cycle(&self.nodes, &self.scopes[scope].children, &tmpl_name)?;
        let children = self.scopes[scope].children.clone();
        // `findLeafTaskNames`: the tasks nothing depends on, sorted by name; or `dag.target`.
        let target = dag
            .target
            .as_deref()
            .map(|t| {
                crate::subst::render(t, &|tag| self.globals.get(tag).cloned()).map_err(|u| {
                    Error::Unresolved {
                        used_in: format!("dag.target of template `{tmpl_name}`"),
                        variable: u.0,
                    }
                })
            })
            .transpose()?;
        let targets: Vec<usize> =
            if let Some(text) = target.as_deref().filter(|t| !t.trim().is_empty()) {
                text.split_whitespace()
                    .map(|t| {
                        local.get(t).copied().ok_or_else(|| Error::UnknownTemplate {
                            template: t.to_owned(),
                            used_by: format!("dag.target of template `{tmpl_name}`"),
                        })
                    })
                    .collect::<Result<_>>()?
            } else {
                let depended: Vec<usize> = children
                    .iter()
                    .flat_map(|&o| self.nodes[o].gate.iter().flat_map(Expr::tasks).copied())
                    .collect();
                let mut leaves: Vec<usize> = children
                    .iter()
                    .copied()
                    .filter(|c| !depended.contains(c))
                    .collect();
                leaves.sort_by(|a, b| self.nodes[*a].name.leaf().cmp(self.nodes[*b].name.leaf()));
                leaves
            };
        // `executeDAGTask` walks from the targets up their dependencies: nothing else runs.
        let mut reachable = std::collections::HashSet::new();
        let mut stack = targets.clone();
        while let Some(n) = stack.pop() {
            if reachable.insert(n) {
                stack.extend(self.nodes[n].gate.iter().flat_map(Expr::tasks).copied());
            }
        }
        self.scopes[scope].kind = Kind::Dag {
            fail_fast: dag.fail_fast != Some(false),
            targets,
            reachable,
        };
        Ok(())
    }
}

/// The gate of `task`: its `dependencies` AND its `depends`, over node indices in `local`. A
/// bare task name stands for `(T.Succeeded || T.Skipped || T.Daemoned)`, plus `T.Errored` and
/// `T.Failed` when T has `continueOn` for them (upstream's `expandDependency`).
fn gate(
    task: &DagTask,
    name: &TaskName,
    local: &HashMap<String, usize>,
    continue_on: &dyn Fn(usize) -> ContinueOn,
) -> Result<Option<Expr<usize>>> {
    let mut resolve = |dep: String| {
        local.get(&dep).copied().ok_or(Error::UnknownDependency {
            task: name.clone(),
            dependency: dep,
        })
    };
    let mut gate = None;
    for dep in &task.dependencies {
        gate = Expr::and_opt(gate, Some(Expr::Task(resolve(dep.clone())?, Test::Bare)));
    }
    if let Some(text) = &task.depends {
        let parsed = depends::parse(text).map_err(|source| Error::InvalidDepends {
            task: name.clone(),
            expression: text.clone(),
            source,
        })?;
        gate = Expr::and_opt(gate, Some(parsed.try_map(&mut resolve)?));
    }
    Ok(gate.map(|g| {
        g.expand_bare(&|t| {
            let c = continue_on(*t);
            (c.failed, c.error)
        })
    }))
}

fn find_cycle(nodes: &[Node], children: &[usize], template: &str) -> Result<()> {
    // 0 = unvisited, 1 = on the stack, 2 = done.
    fn visit(
        n: usize,
        nodes: &[Node],
        mark: &mut HashMap<usize, u8>,
        path: &mut Vec<usize>,
    ) -> Option<Vec<usize>> {
        match mark.get(&n) {
            Some(2) => return None,
            Some(1) => {
                let start = path.iter().position(|&p| p == n).unwrap_or(0);
                let mut cycle = path[start..].to_vec();
                cycle.push(n);
                return Some(cycle);
            }
            _ => {}
        }
        mark.insert(n, 1);
        path.push(n);
        for &dep in nodes[n].gate.iter().flat_map(Expr::tasks) {
            if let Some(c) = visit(dep, nodes, mark, path) {
                return Some(c);
            }
        }
        path.pop();
        mark.insert(n, 2);
        None
    }
    let mut mark = HashMap::new();
    for &c in children {
        if let Some(cycle) = visit(c, nodes, &mut mark, &mut Vec::new()) {
            let tasks = cycle
                .iter()
                .map(|&i| nodes[i].name.leaf().to_owned())
                .collect();
            return Err(Error::DependencyCycle {
                template: template.to_owned(),
                tasks,
            });
        }
    }
    Ok(())
}

/// Appends the leaves of `scope` to `out` in a topological order (each time the first task, in
/// template order, whose dependencies are placed; steps by group); a nested template
/// contributes its own leaves at its place.
pub(crate) fn topo_leaves(scopes: &[Scope], nodes: &[Node], scope: usize, out: &mut Vec<usize>) {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

    let children = &scopes[scope].children;
    let position: HashMap<usize, usize> =
        children.iter().enumerate().map(|(i, &c)| (c, i)).collect();
    // Kahn's algorithm over the positions in the template; steps are already in group order.
    let mut waiting = vec![0usize; children.len()];
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); children.len()];
    for (i, &c) in children.iter().enumerate() {
        for d in nodes[c].gate.iter().flat_map(Expr::tasks) {
            if let Some(&j) = position.get(d) {
                waiting[i] += 1;
                dependents[j].push(i);
            }
        }
    }
    let mut ready: BinaryHeap<Reverse<usize>> = (0..children.len())
        .filter(|&i| waiting[i] == 0)
        .map(Reverse)
        .collect();
    while let Some(Reverse(i)) = ready.pop() {
        let c = children[i];
        match nodes[c].inner {
            Some(inner) => topo_leaves(scopes, nodes, inner, out),
            None => out.push(c),
        }
        for &j in &dependents[i] {
            waiting[j] -= 1;
            if waiting[j] == 0 {
                ready.push(Reverse(j));
            }
        }
    }
}
