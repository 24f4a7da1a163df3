//! The checks of [`Plan::new`](crate::Plan::new) that look inside templates: variables, inputs,
//! secrets, retry limits, and the warnings for what cannot run locally.

use std::collections::{BTreeMap, BTreeSet};

use argo_model::{Template, Workflow};
use k8s_openapi::api::core::v1::EnvVar;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::error::{Error, MissingSecret, Result};
use crate::plan::{Plan, warn};
use crate::subst::tags;
use crate::{RunOptions, WarningKind};

/// Tags a leaf template may use besides its inputs and the globals.
const LEAF_EXTRA: &[&str] = &["retries", "pod.name", "node.name"];

pub(crate) fn check(plan: &mut Plan, wf: &Workflow) -> Result<()> {
    let spec = &wf.spec;
    let default_retry = spec
        .template_defaults
        .as_ref()
        .and_then(|t| t.retry_strategy.clone())
        .or(spec.retry_strategy.clone());
    if spec.pod_spec_patch.is_some() {
        warn(&mut plan.warnings, None, WarningKind::PodSpecPatch);
    }
    if !spec.volumes.is_empty() || !spec.volume_claim_templates.is_empty() {
        warn(&mut plan.warnings, None, WarningKind::Volumes);
    }
    if let Some(exit) = &spec.on_exit {
        warn(&mut plan.warnings, None, WarningKind::OnExit(exit.clone()));
    }
    for task in spec
        .templates
        .iter()
        .filter_map(|t| t.dag.as_ref())
        .flat_map(|d| &d.tasks)
    {
        if task.continue_on.is_some() {
            warn(
                &mut plan.warnings,
                None,
                WarningKind::ContinueOn(task.name.clone()),
            );
        }
        if let Some(exit) = &task.on_exit {
            warn(&mut plan.warnings, None, WarningKind::OnExit(exit.clone()));
        }
    }

    // Root inputs come from the workflow parameters.
    let root = plan.scopes[0].template;
    if plan.is_dag(root) {
        for p in plan.templates[root]
            .inputs
            .iter()
            .flat_map(|i| &i.parameters)
        {
            let given = plan
                .globals
                .contains_key(&format!("workflow.parameters.{}", p.name));
            if !given && p.value.is_none() && p.default.is_none() {
                return Err(Error::MissingInput {
                    template: plan.templates[root].name.clone(),
                    input: p.name.clone(),
                    used_by: "the workflow arguments".into(),
                });
            }
        }
    }

    let mut leaf_templates = BTreeSet::new();
    for n in 0..plan.nodes.len() {
        check_task(plan, n)?;
        if plan.nodes[n].inner.is_none() {
            leaf_templates.insert(plan.nodes[n].template);
        }
    }
    let mut missing = Vec::new();
    for t in leaf_templates {
        if plan.templates[t].retry_strategy.is_none() {
            plan.templates[t].retry_strategy.clone_from(&default_retry);
        }
        check_leaf(plan, t)?;
        let secrets = resolve_secrets(&plan.templates[t], &plan.options, &mut missing);
        plan.secrets.insert(t, secrets);
    }
    if !missing.is_empty() {
        return Err(Error::MissingSecrets { missing });
    }
    Ok(())
}

/// The arguments of task `n`: every tag resolves, every input of its template is supplied.
fn check_task(plan: &Plan, n: usize) -> Result<()> {
    let node = &plan.nodes[n];
    let scope_inputs = input_names(&plan.templates[plan.scopes[node.scope].template]);
    for (_, value) in &node.arguments {
        for tag in tags(value) {
            let ok = if let Some(name) = tag.strip_prefix("inputs.parameters.") {
                scope_inputs.contains(name)
            } else if let Some(rest) = tag.strip_prefix("tasks.") {
                sibling_output(plan, node.scope, rest)
            } else {
                plan.globals.contains_key(tag)
            };
            if !ok {
                return Err(Error::UnresolvedInTask {
                    task: node.name.clone(),
                    variable: tag.to_owned(),
                });
            }
        }
    }
    let template = &plan.templates[node.template];
    for p in template.inputs.iter().flat_map(|i| &i.parameters) {
        let given = node.arguments.iter().any(|(a, _)| *a == p.name);
        if !given && p.value.is_none() && p.default.is_none() {
            return Err(Error::MissingInput {
                template: template.name.clone(),
                input: p.name.clone(),
                used_by: format!("task `{}`", node.name),
            });
        }
    }
    Ok(())
}

/// Whether `rest` (after `tasks.`) is `S.outputs.parameters.Y` of a sibling `S` that declares `Y`.
fn sibling_output(plan: &Plan, scope: usize, rest: &str) -> bool {
    let Some((task, param)) = rest.split_once(".outputs.parameters.") else {
        return false;
    };
    plan.scopes[scope].children.iter().any(|&c| {
        plan.nodes[c].name.leaf() == task
            && plan.templates[plan.nodes[c].template]
                .outputs
                .iter()
                .flat_map(|o| &o.parameters)
                .any(|p| p.name == param)
    })
}

fn input_names(t: &Template) -> BTreeSet<&str> {
    t.inputs
        .iter()
        .flat_map(|i| &i.parameters)
        .map(|p| p.name.as_str())
        .collect()
}

/// Every text of a leaf template that is rendered before it runs.
pub(crate) fn leaf_texts(t: &Template) -> Vec<&str> {
    let mut texts: Vec<&str> = Vec::new();
    if let Some(c) = &t.container {
        texts.extend(c.command.iter().flatten().map(String::as_str));
        texts.extend(c.args.iter().flatten().map(String::as_str));
        texts.extend(env_values(c.env.as_deref().unwrap_or_default()));
    }
    if let Some(s) = &t.script {
        texts.extend(s.command.iter().chain(&s.args).map(String::as_str));
        texts.push(&s.source);
        texts.extend(env_values(&s.env));
    }
    for p in t.outputs.iter().flat_map(|o| &o.parameters) {
        texts.extend(p.value_from.iter().filter_map(|v| v.path.as_deref()));
    }
    if let Some(IntOrString::String(s)) = t.retry_strategy.as_ref().and_then(|r| r.limit.as_ref()) {
        texts.push(s);
    }
    texts
}

fn env_values(env: &[EnvVar]) -> impl Iterator<Item = &str> {
    env.iter().filter_map(|v| v.value.as_deref())
}

fn check_leaf(plan: &mut Plan, ti: usize) -> Result<()> {
    let t = &plan.templates[ti];
    let inputs = input_names(t);
    for text in leaf_texts(t) {
        for tag in tags(text) {
            let ok = tag.strip_prefix("inputs.parameters.").map_or_else(
                || plan.globals.contains_key(tag) || LEAF_EXTRA.contains(&tag),
                |name| inputs.contains(name),
            );
            if !ok {
                return Err(Error::UnresolvedInTemplate {
                    template: t.name.clone(),
                    variable: tag.to_owned(),
                });
            }
        }
    }
    match t.retry_strategy.as_ref().and_then(|r| r.limit.as_ref()) {
        Some(IntOrString::Int(i)) if *i < 0 => {
            return Err(Error::InvalidRetryLimit {
                template: t.name.clone(),
                value: i.to_string(),
            });
        }
        Some(IntOrString::String(s)) if !s.contains("{{") && s.trim().parse::<u32>().is_err() => {
            return Err(Error::InvalidRetryLimit {
                template: t.name.clone(),
                value: s.clone(),
            });
        }
        _ => {}
    }

    let name = Some(t.name.as_str());
    let mut kinds = Vec::new();
    if !t.sidecars.is_empty() {
        kinds.push(WarningKind::Sidecars(
            t.sidecars.iter().map(|s| s.name.clone()).collect(),
        ));
    }
    if !t.init_containers.is_empty() {
        kinds.push(WarningKind::InitContainers(
            t.init_containers.iter().map(|s| s.name.clone()).collect(),
        ));
    }
    let (env, env_from, mounts) = match (&t.container, &t.script) {
        (Some(c), _) => (
            c.env.clone().unwrap_or_default(),
            c.env_from.as_ref().is_some_and(|e| !e.is_empty()),
            c.volume_mounts.as_ref().is_some_and(|m| !m.is_empty()),
        ),
        (None, Some(s)) => (
            s.env.clone(),
            !s.env_from.is_empty(),
            !s.volume_mounts.is_empty(),
        ),
        (None, None) => (Vec::new(), false, false),
    };
    if !t.volumes.is_empty() || mounts {
        kinds.push(WarningKind::Volumes);
    }
    if t.pod_spec_patch.is_some() {
        kinds.push(WarningKind::PodSpecPatch);
    }
    if env_from {
        kinds.push(WarningKind::EnvFrom);
    }
    for e in &env {
        if e.value_from
            .as_ref()
            .is_some_and(|f| f.secret_key_ref.is_none())
            && !crate::exec::is_workflow_label(e)
        {
            kinds.push(WarningKind::EnvSource(e.name.clone()));
        }
    }
    if t.retry_strategy
        .as_ref()
        .is_some_and(|r| r.expression.is_some())
    {
        kinds.push(WarningKind::RetryExpression);
    }
    for k in kinds {
        warn(&mut plan.warnings, name, k);
    }
    Ok(())
}

/// The values of the template's secret env vars; missing ones are added to `missing`.
fn resolve_secrets(
    t: &Template,
    options: &RunOptions,
    missing: &mut Vec<MissingSecret>,
) -> BTreeMap<String, String> {
    let env = t
        .container
        .as_ref()
        .and_then(|c| c.env.clone())
        .or(t.script.as_ref().map(|s| s.env.clone()));
    let mut out = BTreeMap::new();
    for e in env.unwrap_or_default() {
        let Some(sel) = e
            .value_from
            .as_ref()
            .and_then(|f| f.secret_key_ref.as_ref())
        else {
            continue;
        };
        let full = format!("{}/{}", sel.name, sel.key);
        let mapped = options
            .secrets
            .iter()
            .rev()
            .find(|(k, _)| *k == full || *k == sel.key);
        let var = mapped.map_or_else(|| sel.key.clone(), |(_, v)| v.clone());
        match std::env::var(&var) {
            Ok(value) => {
                out.insert(e.name.clone(), value);
            }
            Err(_) if sel.optional == Some(true) => {}
            Err(_) => missing.push(MissingSecret {
                template: t.name.clone(),
                env_var: e.name.clone(),
                secret: sel.name.clone(),
                key: sel.key.clone(),
                looked_up: var,
            }),
        }
    }
    out
}
