//! The checks of [`Plan::new`](crate::Plan::new) that look inside templates: variables, inputs,
//! secrets, retry strategies, and the warnings for what cannot run locally.

use std::collections::{BTreeMap, BTreeSet};

use argo_model::{Template, Workflow};
use k8s_openapi::api::core::v1::EnvVar;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::error::{Error, MissingSecret, Result};
use crate::expr::Expr;
use crate::plan::{Kind, Plan, warn};
use crate::retry::Strategy;
use crate::subst::{Tag, tags};
use crate::{RunOptions, WarningKind};

/// Tags a leaf template may use besides its inputs and the globals.
const LEAF_EXTRA: &[&str] = &[
    "retries",
    "lastRetry.exitCode",
    "lastRetry.status",
    "lastRetry.duration",
    "lastRetry.message",
    "pod.name",
    "node.name",
];

/// Checks that `tag` resolves with `known`: a simple tag by name, an expression when it is in
/// the supported subset and reads only known variables. `used_in` names the template or task.
pub(crate) fn check_tag(tag: Tag<'_>, known: &dyn Fn(&str) -> bool, used_in: &str) -> Result<()> {
    match tag {
        Tag::Simple(name) if known(name) => Ok(()),
        Tag::Simple(name) => Err(Error::Unresolved {
            used_in: used_in.to_owned(),
            variable: name.to_owned(),
        }),
        Tag::Expression(e) => {
            Expr::new(e, known)
                .map(|_| ())
                .map_err(|source| Error::InvalidExpression {
                    used_in: used_in.to_owned(),
                    expression: e.to_owned(),
                    source,
                })
        }
    }
}

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
    let exits = spec.templates.iter().flat_map(|t| {
        let dag = t
            .dag
            .iter()
            .flat_map(|d| &d.tasks)
            .filter_map(|t| t.on_exit.clone());
        let steps = t
            .steps
            .iter()
            .flat_map(|g| &g.0)
            .filter_map(|s| s.on_exit.clone());
        dag.chain(steps).collect::<Vec<_>>()
    });
    for exit in exits {
        warn(&mut plan.warnings, None, WarningKind::OnExit(exit));
    }

    // Root inputs come from the workflow parameters.
    let root = plan.scopes[0].template;
    if plan.is_scope(root) {
        if plan.templates[root].retry_strategy.is_some() || default_retry.is_some() {
            let name = plan.templates[root].name.clone();
            warn(&mut plan.warnings, Some(&name), WarningKind::ScopeRetry);
        }
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
        let t = plan.nodes[n].template;
        if plan.nodes[n].inner.is_none() {
            leaf_templates.insert(t);
        } else if plan.templates[t].retry_strategy.is_some() {
            let name = plan.templates[t].name.clone();
            warn(&mut plan.warnings, Some(&name), WarningKind::ScopeRetry);
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
    check_done_tasks(plan)
}

/// Tasks given as done exist, run a process, and get every output parameter they declare.
fn check_done_tasks(plan: &Plan) -> Result<()> {
    for (task, outputs) in &plan.options.done_tasks {
        let node = plan
            .nodes
            .iter()
            .find(|n| n.name.as_str() == task && n.inner.is_none())
            .ok_or_else(|| Error::UnknownDoneTask { task: task.clone() })?;
        let declared: Vec<&str> = plan.templates[node.template]
            .outputs
            .iter()
            .flat_map(|o| &o.parameters)
            .map(|p| p.name.as_str())
            .collect();
        if let Some((unknown, _)) = outputs
            .iter()
            .find(|(n, _)| !declared.contains(&n.as_str()))
        {
            return Err(Error::UnknownDoneOutput {
                task: task.clone(),
                output: unknown.clone(),
                declared: declared.iter().map(ToString::to_string).collect(),
            });
        }
        let missing: Vec<String> = declared
            .iter()
            .filter(|d| !outputs.iter().any(|(n, _)| n == *d))
            .map(ToString::to_string)
            .collect();
        if !missing.is_empty() {
            return Err(Error::MissingDoneOutputs {
                task: task.clone(),
                outputs: missing,
            });
        }
    }
    Ok(())
}

/// The arguments of task `n`: every tag resolves, every input of its template is supplied.
fn check_task(plan: &Plan, n: usize) -> Result<()> {
    let node = &plan.nodes[n];
    let scope_inputs = input_names(&plan.templates[plan.scopes[node.scope].template]);
    let known = |tag: &str| {
        if let Some(name) = tag.strip_prefix("inputs.parameters.") {
            scope_inputs.contains(name)
        } else if let Some(rest) = tag.strip_prefix("tasks.") {
            matches!(plan.scopes[node.scope].kind, Kind::Dag { .. }) && sibling_ref(plan, n, rest)
        } else if let Some(rest) = tag.strip_prefix("steps.") {
            matches!(plan.scopes[node.scope].kind, Kind::Steps { .. }) && sibling_ref(plan, n, rest)
        } else {
            plan.globals.contains_key(tag)
        }
    };
    for (_, value) in &node.arguments {
        let used_in = format!("the arguments of task `{}`", node.name);
        for tag in tags(value) {
            check_tag(tag, &known, &used_in)?;
        }
    }
    if let Some(when) = &node.when {
        let used_in = format!("the `when` of task `{}`", node.name);
        for tag in tags(when) {
            check_tag(tag, &known, &used_in)?;
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

/// Whether `rest` (after `tasks.` or `steps.`) is `S.outputs.parameters.Y` (of a sibling `S`
/// that declares `Y`), `S.status` or `S.exitCode` (of a leaf `S`), where `S` is a sibling that
/// finishes before task `n` starts: a DAG task it depends on, or a step of an earlier group.
fn sibling_ref(plan: &Plan, n: usize, rest: &str) -> bool {
    let node = &plan.nodes[n];
    let Some((task, what)) = rest.split_once('.') else {
        return false;
    };
    plan.scopes[node.scope].children.iter().any(|&c| {
        let sib = &plan.nodes[c];
        let before = match &plan.scopes[node.scope].kind {
            Kind::Steps { .. } => sib.group < node.group,
            // A task may read any sibling it (transitively) depends on; the check is made
            // when the value is needed.
            Kind::Dag { .. } => c != n,
        };
        before
            && sib.name.leaf() == task
            && match what.strip_prefix("outputs.parameters.") {
                Some(param) => plan.templates[sib.template]
                    .outputs
                    .iter()
                    .flat_map(|o| &o.parameters)
                    .any(|p| p.name == param),
                None => {
                    what == "status"
                        || (matches!(what, "exitCode" | "outputs.result") && sib.inner.is_none())
                }
            }
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
    texts.extend(t.pod_spec_patch.as_deref());
    texts.extend(
        t.retry_strategy
            .as_ref()
            .and_then(|r| r.expression.as_deref()),
    );
    texts
}

fn env_values(env: &[EnvVar]) -> impl Iterator<Item = &str> {
    env.iter().filter_map(|v| v.value.as_deref())
}

fn check_leaf(plan: &mut Plan, ti: usize) -> Result<()> {
    let t = &plan.templates[ti];
    let inputs = input_names(t);
    let known = |tag: &str| {
        tag.strip_prefix("inputs.parameters.").map_or_else(
            || plan.globals.contains_key(tag) || LEAF_EXTRA.contains(&tag),
            |name| inputs.contains(name),
        )
    };
    let used_in = format!("template `{}`", t.name);
    for text in leaf_texts(t) {
        for tag in tags(text) {
            check_tag(tag, &known, &used_in)?;
        }
    }
    let name = Some(t.name.as_str());
    let mut kinds = Vec::new();
    if let Some(r) = &t.retry_strategy {
        let strategy = Strategy::new(r).map_err(|source| Error::InvalidRetryStrategy {
            template: t.name.clone(),
            source,
        })?;
        for comparison in strategy.expression.iter().flat_map(|e| &e.always_false) {
            kinds.push(WarningKind::AlwaysFalse(comparison.clone()));
        }
        plan.strategies.insert(ti, strategy);
    }
    let artifacts = t.inputs.as_ref().is_some_and(|i| !i.artifacts.is_empty())
        || t.outputs.as_ref().is_some_and(|o| !o.artifacts.is_empty());
    if artifacts {
        kinds.push(WarningKind::Artifacts);
    }
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
