//! Values while the run goes on: variable lookup in a DAG or steps instance, the inputs of a
//! task, the outputs of a finished nested template, and the [`Job`] of a leaf task.

use std::collections::BTreeMap;
use std::sync::Arc;

use argo_model::AnyString;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::error::TaskError;
use crate::job::Job;
use crate::retry::{Limit, phase};
use crate::state::{Rt, State};
use crate::subst::render;

impl Rt<'_> {
    /// The value of `tag` in scope `scope`.
    pub(crate) fn lookup(&self, scope: usize, tag: &str) -> Option<String> {
        if let Some(name) = tag.strip_prefix("inputs.parameters.") {
            return self.inputs[scope].get(name).cloned();
        }
        if let Some(rest) = tag
            .strip_prefix("tasks.")
            .or_else(|| tag.strip_prefix("steps."))
        {
            let (task, what) = rest.split_once('.')?;
            let &sib = self.plan.scopes[scope]
                .children
                .iter()
                .find(|&&c| self.plan.nodes[c].name.leaf() == task)?;
            return match what {
                "status" => match self.state[sib] {
                    State::Done(s) => Some(phase(s).to_owned()),
                    _ => None,
                },
                "exitCode" => self.exit_codes[sib].map(|c| c.to_string()),
                "outputs.result" => self.results[sib].clone(),
                _ => {
                    let param = what.strip_prefix("outputs.parameters.")?;
                    self.outputs[sib]
                        .iter()
                        .find(|(n, _)| n == param)
                        .map(|(_, v)| v.clone())
                }
            };
        }
        self.plan.globals.get(tag).cloned()
    }

    /// The input values of node `n`'s template: its arguments rendered in its scope, else the
    /// input's own value or default.
    pub(crate) fn resolve_inputs(&self, n: usize) -> Result<BTreeMap<String, String>, TaskError> {
        let node = &self.plan.nodes[n];
        let template = &self.plan.templates[node.template];
        let mut values = BTreeMap::new();
        for p in template.inputs.iter().flat_map(|i| &i.parameters) {
            let raw = node
                .arguments
                .iter()
                .find(|(a, _)| *a == p.name)
                .map(|(_, v)| v.as_str());
            let raw = raw.or_else(|| {
                p.value
                    .as_ref()
                    .or(p.default.as_ref())
                    .map(AnyString::as_str)
            });
            let value = render(raw.unwrap_or_default(), &|tag| self.lookup(node.scope, tag))
                .map_err(|u| TaskError::Unresolved { variable: u.0 })?;
            values.insert(p.name.clone(), value);
        }
        Ok(values)
    }

    /// Output parameters of a finished nested template (`valueFrom.parameter` or `value`,
    /// rendered in its own scope); those that do not resolve are left out.
    pub(crate) fn scope_outputs(&self, n: usize) -> Vec<(String, String)> {
        let Some(inner) = self.plan.nodes[n].inner else {
            return Vec::new();
        };
        let template = &self.plan.templates[self.plan.nodes[n].template];
        let mut out = Vec::new();
        for p in template.outputs.iter().flat_map(|o| &o.parameters) {
            let raw = p
                .value_from
                .as_ref()
                .and_then(|f| f.parameter.clone())
                .or(p.value.as_ref().map(|v| v.as_str().to_owned()));
            if let Some(Ok(v)) = raw.map(|r| render(&r, &|tag| self.lookup(inner, tag))) {
                out.push((p.name.clone(), v));
            }
        }
        out
    }

    /// The job of leaf `n`: its inputs resolved, its variables, its retry strategy.
    pub(crate) fn leaf_job(
        &mut self,
        n: usize,
        options: &Arc<crate::RunOptions>,
    ) -> Result<Job, TaskError> {
        let plan = self.plan;
        let node = &plan.nodes[n];
        let inputs = self.resolve_inputs(n)?;
        if let Some(r) = self.reports[n].as_mut()
            && r.kedro_nodes.is_empty()
            && let Some(k) = inputs.get("kedro_nodes")
        {
            r.kedro_nodes = k
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
        }
        let mut vars = plan.globals.clone();
        vars.extend(
            inputs
                .into_iter()
                .map(|(k, v)| (format!("inputs.parameters.{k}"), v)),
        );
        vars.insert(
            "node.name".into(),
            format!("{}.{}", plan.workflow_name, node.name),
        );
        vars.insert(
            "pod.name".into(),
            format!(
                "{}-{}",
                plan.workflow_name,
                node.name.as_str().replace('.', "-")
            ),
        );
        let mut strategy = plan.strategies.get(&node.template).cloned();
        if let Some(s) = strategy.as_mut()
            && let Some(text) = s.expression_text.take()
        {
            let rendered = render(&text, &|tag| vars.get(tag).cloned())
                .map_err(|u| TaskError::Unresolved { variable: u.0 })?;
            let parsed = crate::retry::parse_expression(&rendered).map_err(|reason| {
                TaskError::RetryExpressionText {
                    expression: rendered.clone(),
                    reason,
                }
            })?;
            s.expression = Some(parsed);
        }
        let limit = match strategy.as_ref().and_then(|s| s.limit.as_ref()) {
            None => None,
            Some(Limit::Count(c)) => Some(*c),
            Some(Limit::Text(t)) => {
                let text = render(t, &|tag| vars.get(tag).cloned())
                    .map_err(|u| TaskError::Unresolved { variable: u.0 })?;
                Some(
                    text.trim()
                        .parse()
                        .map_err(|_| TaskError::InvalidRetryLimit { value: text })?,
                )
            }
        };
        // The limit is decided here; the template keeps the rest of its strategy.
        let mut template = plan.templates[node.template].clone();
        if let Some(r) = template.retry_strategy.as_mut()
            && let Some(l) = limit
        {
            r.limit = Some(IntOrString::Int(i32::try_from(l).unwrap_or(i32::MAX)));
        }
        Ok(Job {
            node: n,
            name: node.name.clone(),
            template,
            vars,
            secrets: plan
                .secrets
                .get(&node.template)
                .cloned()
                .unwrap_or_default(),
            options: Arc::clone(options),
            strategy,
            limit,
            capture: node.capture_result,
        })
    }
}
