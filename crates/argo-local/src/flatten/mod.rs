//! Flattening DAG and steps templates into the nodes and scopes of a [`Plan`](crate::Plan):
//! task names, templates, gates, step groups, nested templates, plan order.

mod dag;
mod steps;

use std::collections::HashMap;

use argo_model::{Arguments, ContinueOn as ModelContinueOn, Template};

use crate::TaskName;
use crate::error::{Error, Result};
use crate::plan::{ContinueOn, Kind, Node, Scope, kind};

pub(crate) use dag::topo_leaves;

pub(crate) struct Builder<'a> {
    /// `{{workflow.*}}` values (for `dag.target`).
    pub(crate) globals: &'a std::collections::BTreeMap<String, String>,
    pub(crate) templates: &'a mut Vec<Template>,
    pub(crate) by_name: &'a mut HashMap<String, usize>,
    pub(crate) scopes: Vec<Scope>,
    pub(crate) nodes: Vec<Node>,
}

/// What a DAG task and a workflow step have in common.
pub(crate) struct Call<'t> {
    pub(crate) name: &'t str,
    pub(crate) template: Option<&'t String>,
    pub(crate) inline: Option<&'t Template>,
    pub(crate) template_ref: bool,
    pub(crate) when: Option<&'t String>,
    pub(crate) loops: bool,
    pub(crate) arguments: Option<&'t Arguments>,
    pub(crate) continue_on: Option<&'t ModelContinueOn>,
}

impl Builder<'_> {
    /// Adds the tasks of the DAG or steps template of scope `scope`, recursively.
    pub(crate) fn expand(
        &mut self,
        scope: usize,
        prefix: Option<&TaskName>,
        stack: &mut Vec<usize>,
    ) -> Result<()> {
        let tmpl = self.scopes[scope].template;
        if self.templates[tmpl].dag.is_some() {
            self.expand_dag(scope, prefix)?;
        } else {
            self.expand_steps(scope, prefix)?;
        }
        self.mark_results(scope);
        // Nested DAG and steps templates.
        for node in self.scopes[scope].children.clone() {
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
                kind: Kind::Steps { groups: Vec::new() },
            });
            self.nodes[node].inner = Some(inner);
            let prefix = self.nodes[node].name.clone();
            stack.push(t);
            self.expand(inner, Some(&prefix), stack)?;
            stack.pop();
        }
        Ok(())
    }

    /// Marks the leaves of `scope` whose `outputs.result` a sibling's arguments or `when`, or
    /// the scope's own outputs, reference (`hasOutputResultRef`).
    fn mark_results(&mut self, scope: usize) {
        let t = &self.templates[self.scopes[scope].template];
        let mut texts: Vec<String> = t
            .outputs
            .iter()
            .flat_map(|o| &o.parameters)
            .flat_map(|p| {
                let from = p.value_from.as_ref().and_then(|f| f.parameter.clone());
                from.into_iter()
                    .chain(p.value.as_ref().map(|v| v.as_str().to_owned()))
            })
            .collect();
        for &c in &self.scopes[scope].children {
            texts.extend(self.nodes[c].arguments.iter().map(|(_, v)| v.clone()));
            texts.extend(self.nodes[c].when.clone());
        }
        for c in self.scopes[scope].children.clone() {
            let leaf = self.nodes[c].name.leaf().to_owned();
            let refs = [
                format!("tasks.{leaf}.outputs.result"),
                format!("steps.{leaf}.outputs.result"),
            ];
            self.nodes[c].capture_result = texts
                .iter()
                .any(|t| refs.iter().any(|r| t.contains(r.as_str())));
        }
    }

    /// Adds the node of `call` (its name under `prefix`) to scope `scope`.
    fn add(
        &mut self,
        scope: usize,
        prefix: Option<&TaskName>,
        call: &Call<'_>,
        group: usize,
        local: &mut HashMap<String, usize>,
    ) -> Result<usize> {
        let tmpl_name = self.templates[self.scopes[scope].template].name.clone();
        let invalid = |source| Error::InvalidTaskName {
            template: tmpl_name.clone(),
            source,
        };
        let name = match prefix {
            Some(p) => p.child(call.name).map_err(invalid)?,
            None => call.name.parse().map_err(invalid)?,
        };
        let template = self.call_template(call, &name)?;
        let (arguments, kedro_nodes) = arguments(call.arguments);
        if local
            .insert(call.name.to_owned(), self.nodes.len())
            .is_some()
        {
            return Err(Error::DuplicateTask {
                template: tmpl_name,
                task: call.name.to_owned(),
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
            group,
            continue_on: call
                .continue_on
                .map_or_else(ContinueOn::default, |c| ContinueOn {
                    failed: c.failed == Some(true),
                    error: c.error == Some(true),
                }),
            inner: None,
            kedro_nodes,
            capture_result: false,
            when: call.when.cloned(),
        });
        Ok(node)
    }

    /// The template index of `call` (an inline template is added); refuses what cannot run.
    fn call_template(&mut self, call: &Call<'_>, name: &TaskName) -> Result<usize> {
        let unsupported = |feature| {
            Err(Error::UnsupportedTask {
                task: name.to_string(),
                feature,
            })
        };
        if call.template_ref {
            return unsupported("templateRef");
        }
        if call.loops {
            return unsupported("loops (withItems, withParam, withSequence)");
        }
        let template = match (call.template, call.inline) {
            (_, Some(inline)) => {
                let mut t = inline.clone();
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

/// The argument parameters (name, raw value) and the literal `kedro_nodes` of a call.
fn arguments(args: Option<&Arguments>) -> (Vec<(String, String)>, Vec<String>) {
    let arguments: Vec<(String, String)> = args
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
