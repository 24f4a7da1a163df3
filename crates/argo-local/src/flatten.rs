//! Flattening DAG templates into the nodes and scopes of a [`Plan`](crate::Plan): task names,
//! templates, gates (`dependencies` and `depends`), cycle detection, nested DAGs, plan order.

use std::collections::HashMap;

use argo_model::{DagTask, Template};

use crate::TaskName;
use crate::depends::{self, Expr};
use crate::error::{Error, Result};
use crate::plan::{Node, Scope, kind};

pub(crate) struct Builder<'a> {
    pub(crate) templates: &'a mut Vec<Template>,
    pub(crate) by_name: &'a mut HashMap<String, usize>,
    pub(crate) scopes: Vec<Scope>,
    pub(crate) nodes: Vec<Node>,
}

impl Builder<'_> {
    /// Adds the tasks of the DAG template of scope `scope`, recursively.
    pub(crate) fn expand(
        &mut self,
        scope: usize,
        prefix: Option<&TaskName>,
        stack: &mut Vec<usize>,
    ) -> Result<()> {
        let tmpl = self.scopes[scope].template;
        let tmpl_name = self.templates[tmpl].name.clone();
        let dag = self.templates[tmpl].dag.clone().unwrap_or_default();
        if dag.target.is_some() {
            return Err(Error::UnsupportedTemplate {
                template: tmpl_name,
                feature: "dag.target",
            });
        }
        let first = self.nodes.len();
        let mut local: HashMap<String, usize> = HashMap::new();
        for task in &dag.tasks {
            let invalid = |source| Error::InvalidTaskName {
                template: tmpl_name.clone(),
                source,
            };
            let name = match prefix {
                Some(p) => p.child(&task.name).map_err(invalid)?,
                None => task.name.parse().map_err(invalid)?,
            };
            let template = self.task_template(task, &name)?;
            let (arguments, kedro_nodes) = arguments(task);
            if local.insert(task.name.clone(), self.nodes.len()).is_some() {
                return Err(Error::DuplicateTask {
                    template: tmpl_name,
                    task: task.name.clone(),
                });
            }
            let node = self.nodes.len();
            self.scopes[scope].children.push(node);
            self.nodes.push(Node {
                name,
                scope,
                template,
                arguments,
                gate: None,
                inner: None,
                kedro_nodes,
            });
        }
        for (offset, task) in dag.tasks.iter().enumerate() {
            let node = first + offset;
            self.nodes[node].gate = gate(task, &self.nodes[node].name, &local)?;
        }
        find_cycle(&self.nodes, &self.scopes[scope].children, &tmpl_name)?;
        // Nested DAGs.
        for node in first..self.nodes.len() {
            let t = self.nodes[node].template;
            if !kind(&self.templates[t])? {
                continue;
            }
            if stack.contains(&t) {
                return Err(Error::RecursiveTemplate {
                    template: self.templates[t].name.clone(),
                });
            }
            let inner = self.scopes.len();
            self.scopes.push(Scope {
                template: t,
                children: Vec::new(),
                owner: Some(node),
            });
            self.nodes[node].inner = Some(inner);
            let prefix = self.nodes[node].name.clone();
            stack.push(t);
            self.expand(inner, Some(&prefix), stack)?;
            stack.pop();
        }
        Ok(())
    }

    /// The template index of `task` (an inline template is added); refuses what cannot run.
    fn task_template(&mut self, task: &DagTask, name: &TaskName) -> Result<usize> {
        let unsupported = |feature| {
            Err(Error::UnsupportedTask {
                task: name.to_string(),
                feature,
            })
        };
        if task.template_ref.is_some() {
            return unsupported("templateRef");
        }
        if task.when.is_some() {
            return unsupported("when conditions");
        }
        if !task.with_items.is_empty() || task.with_param.is_some() || task.with_sequence.is_some()
        {
            return unsupported("loops (withItems, withParam, withSequence)");
        }
        let template = match (&task.template, &task.inline) {
            (_, Some(inline)) => {
                let mut t = (**inline).clone();
                if t.name.is_empty() {
                    t.name = format!("{name}-inline");
                }
                self.templates.push(t);
                self.templates.len() - 1
            }
            (Some(t), None) => *self.by_name.get(t).ok_or_else(|| Error::UnknownTemplate {
                template: t.clone(),
                used_by: format!("task `{name}`"),
            })?,
            (None, None) => return unsupported("a task without template"),
        };
        Ok(template)
    }
}

/// The argument parameters of `task` (name, raw value) and its literal `kedro_nodes`.
fn arguments(task: &DagTask) -> (Vec<(String, String)>, Vec<String>) {
    let arguments: Vec<(String, String)> = task
        .arguments
        .iter()
        .flat_map(|a| &a.parameters)
        .map(|p| {
            (
                p.name.clone(),
                p.value
                    .as_ref()
                    .map(|v| v.as_str().to_owned())
                    .unwrap_or_default(),
            )
        })
        .collect();
    let kedro_nodes = arguments
        .iter()
        .find(|(n, v)| n == "kedro_nodes" && !v.contains("{{"))
        .map(|(_, v)| {
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    (arguments, kedro_nodes)
}

/// The gate of `task`: its `dependencies` AND its `depends`, over node indices in `local`.
fn gate(
    task: &DagTask,
    name: &TaskName,
    local: &HashMap<String, usize>,
) -> Result<Option<Expr<usize>>> {
    let mut resolve = |dep: String| {
        local.get(&dep).copied().ok_or(Error::UnknownDependency {
            task: name.clone(),
            dependency: dep,
        })
    };
    let mut gate = None;
    for dep in &task.dependencies {
        gate = Expr::and_opt(
            gate,
            Some(Expr::Task(resolve(dep.clone())?, depends::Test::Bare)),
        );
    }
    if let Some(text) = &task.depends {
        let parsed = depends::parse(text).map_err(|source| Error::InvalidDepends {
            task: name.clone(),
            expression: text.clone(),
            source,
        })?;
        gate = Expr::and_opt(gate, Some(parsed.try_map(&mut resolve)?));
    }

    Ok(gate)
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
/// DAG order, whose dependencies are placed);
/// a nested DAG contributes its own leaves at its place.
pub(crate) fn topo_leaves(scopes: &[Scope], nodes: &[Node], scope: usize, out: &mut Vec<usize>) {
    let children = &scopes[scope].children;
    let mut done: Vec<usize> = Vec::with_capacity(children.len());
    while done.len() < children.len() {
        let before = done.len();
        for &c in children {
            if !done.contains(&c)
                && nodes[c]
                    .gate
                    .iter()
                    .flat_map(Expr::tasks)
                    .all(|d| done.contains(d))
            {
                done.push(c);
                match nodes[c].inner {
                    Some(inner) => topo_leaves(scopes, nodes, inner, out),
                    None => out.push(c),
                }
                break; // restart: always take the first ready task in DAG order
            }
        }
        if done.len() == before {
            break; // unreachable: cycles were rejected
        }
    }
}
