//! Variable scopes and `resolveAllVariables` (validate.go): which `{{...}}` references resolve
//! in a template, step or task, and the values `common.ProcessArgs`/`SubstituteParams`
//! substitute before validation.

use super::{Ctx, FxHashMap, FxHashSet};
use crate::lint::tags;
use crate::{Inputs, Template};

/// `common.GlobalVarValidWorkflowVariablePrefix`: references with other prefixes are not checked.
const CHECKED_PREFIXES: &[&str] = &[
    "item.",
    "steps.",
    "inputs.",
    "outputs.",
    "pod.",
    "workflow.",
    "tasks.",
];

/// References `resolveAllVariables` accepts by prefix whatever the scope holds (run-time values).
const RUNTIME_PREFIXES: &[&str] = &[
    "outputs.",
    "workflow.creationTimestamp",
    "workflow.scheduledTime",
    "workflow.duration",
    "tasks.name",
    "steps.name",
    "node.name",
];

/// `tctx.globalParams`: the workflow-wide variables, with the values validation substitutes.
#[derive(Debug, Default)]
pub(crate) struct Globals {
    /// Keys and values (`None`: a placeholder).
    vars: FxHashMap<String, Option<String>>,
    /// `anyWorkflowOutputArtifactMagicValue` was set globally (exit handler, parametrized
    /// `globalName` of an output artifact).
    pub(crate) any_output_artifact: bool,
}

impl Globals {
    /// Adds a global whose value is only known at run time.
    pub(crate) fn add(&mut self, key: impl Into<String>) {
        self.vars.entry(key.into()).or_insert(None);
    }

    /// Adds a global with a value known now (a workflow parameter's value).
    pub(crate) fn set(&mut self, key: impl Into<String>, value: String) {
        self.vars.insert(key.into(), Some(value));
    }

    pub(crate) fn has(&self, key: &str) -> bool {
        self.vars.contains_key(key)
    }

    fn value(&self, key: &str) -> Option<String> {
        self.vars
            .get(key)
            .map(|v| v.clone().unwrap_or_else(|| tags::placeholder(key)))
    }
}

/// The `item` keys `addItemsToScope` put in a scope.
#[derive(Debug, Default, Clone)]
pub(crate) struct Items {
    /// `{{item}}` (any loop).
    pub(crate) item: bool,
    /// `{{item.KEY}}` of map items, `{{item.[N]}}` of list items.
    pub(crate) keys: FxHashSet<String>,
    /// `withParam`: any `{{item...}}` is accepted.
    pub(crate) any: bool,
}

/// `steps` or `tasks`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NodeKind {
    Steps,
    Tasks,
}

/// The steps or tasks a reference may name, as the steps/DAG validation put them in the scope.
pub(crate) trait Nodes {
    /// Whether `{{KIND.NAME.REST}}` is in the scope.
    fn resolves(&self, kind: NodeKind, name: &str, rest: &str) -> bool;
    /// `anyWorkflowOutputParameterMagicValue` / `...Artifact...` set in this scope by
    /// `addOutputsToScope` (a `globalName` that is itself a parameter).
    fn any_output(&self) -> (bool, bool);
}

/// What a template offers for the node references to it (`addOutputsToScope`).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Callee<'a> {
    /// The template, resolved.
    Known(&'a Template),
    /// No template (upstream's nil: a reference still to be resolved at run time).
    Nil,
    /// A template Argo will look up in the cluster: anything it may output is accepted.
    Unknown,
}

/// `addOutputsToScope` for a node named by `rest`: whether `{{KIND.NAME.REST}}` resolves for a
/// node calling `callee`, aggregated (looping) or not. `status` is decided by the caller.
pub(crate) fn node_key(callee: Callee<'_>, rest: &str, aggregate: bool) -> bool {
    if matches!(rest, "id" | "startedAt" | "finishedAt" | "hostNodeName") {
        return true;
    }
    let t = match callee {
        Callee::Known(t) => t,
        Callee::Nil => return false,
        Callee::Unknown => return true,
    };
    let script_like = t.script.is_some() || t.container_set.is_some();
    match rest {
        "ip" => t.daemon == Some(true),
        "outputs.result" | "exitCode" => has_output(t) || (aggregate && script_like),
        "outputs.parameters" => aggregate,
        _ => {
            let outputs = t.outputs.as_ref();
            if let Some(p) = rest.strip_prefix("outputs.parameters.") {
                outputs.is_some_and(|o| o.parameters.iter().any(|x| x.name == p))
            } else if let Some(a) = rest.strip_prefix("outputs.artifacts.") {
                outputs.is_some_and(|o| o.artifacts.iter().any(|x| x.name == a))
            } else {
                false
            }
        }
    }
}

/// `Template.HasOutput`: the template has a result and an exit code.
pub(crate) fn has_output(t: &Template) -> bool {
    t.container.is_some()
        || t.container_set
            .as_ref()
            .is_some_and(|s| s.containers.iter().any(|c| c.name == "main"))
        || t.script.is_some()
        || t.data.is_some()
        || t.http.is_some()
        || t.plugin.is_some()
}

/// The scope of one template, step or task.
pub(crate) struct Scope<'s> {
    /// The template being validated.
    pub(crate) tmpl: &'s Template,
    /// Leaf (container, containerSet, script, resource, data, http, plugin).
    pub(crate) leaf: bool,
    /// Runs a pod (container, containerSet, script, resource, data).
    pub(crate) pod: bool,
    /// The inputs of an inline template of the step or task (placeholders in its scope).
    pub(crate) inline: Option<&'s Inputs>,
    /// The loop keys.
    pub(crate) items: &'s Items,
    /// The steps or tasks of a steps/DAG template.
    pub(crate) nodes: Option<&'s dyn Nodes>,
    /// The workflow's globals.
    pub(crate) globals: &'s Globals,
    /// Validating a `WorkflowTemplate` on its own: `{{workflow.parameters...}}` may come from the
    /// workflow that uses it.
    pub(crate) template_validation: bool,
}

impl<'s> Scope<'s> {
    /// The scope of a step or task of the steps or DAG template `tmpl`: the steps or tasks
    /// `nodes`, the loop keys `items` and the inputs of the step's or task's inline template.
    pub(crate) fn non_leaf(
        ctx: &'s Ctx<'_>,
        tmpl: &'s Template,
        nodes: &'s dyn Nodes,
        items: &'s Items,
        inline: Option<&'s Inputs>,
    ) -> Self {
        Self {
            tmpl,
            leaf: false,
            pod: false,
            inline,
            items,
            nodes: Some(nodes),
            globals: &ctx.globals,
            template_validation: ctx.opts.template_validation,
        }
    }

    /// `resolveAllVariables` for one tag (untrimmed, not an expression).
    pub(crate) fn resolves(&self, tag: &str) -> bool {
        let t = tag.trim();
        if !CHECKED_PREFIXES.iter().any(|p| t.starts_with(p)) {
            return true;
        }
        if self.has(t) {
            return true;
        }
        let (any_param, any_art) = self.nodes.map_or((false, false), Nodes::any_output);
        ((t == "item" || t.starts_with("item.")) && self.items.any)
            || (t.starts_with("workflow.outputs.parameters.") && any_param)
            || (t.starts_with("workflow.outputs.artifacts.")
                && (any_art || self.globals.any_output_artifact))
            || RUNTIME_PREFIXES.iter().any(|p| t.starts_with(p))
            || (t.starts_with("workflow.parameters") && self.template_validation)
    }

    /// Whether the exact key `t` is in the scope or the globals.
    fn has(&self, t: &str) -> bool {
        if self.globals.has(t) {
            return true;
        }
        let tmpl = self.tmpl;
        let inputs = tmpl.inputs.as_ref();
        if let Some(p) = t.strip_prefix("inputs.parameters.") {
            return inputs.is_some_and(|i| i.parameters.iter().any(|x| x.name == p))
                || self
                    .inline
                    .is_some_and(|i| i.parameters.iter().any(|x| x.name == p));
        }
        if t == "inputs.parameters" {
            return inputs.is_some_and(|i| !i.parameters.is_empty());
        }
        if let Some(a) = t.strip_prefix("inputs.artifacts.") {
            let declared =
                |n: &str| inputs.is_some_and(|i| i.artifacts.iter().any(|x| x.name == n));
            return declared(a) || (self.leaf && a.strip_suffix(".path").is_some_and(declared));
        }
        match t {
            "pod.name" => return self.pod,
            "retries" | "lastRetry.exitCode" | "lastRetry.status" | "lastRetry.duration"
            | "lastRetry.message" => return tmpl.retry_strategy.is_some(),
            "item" => return self.items.item,
            _ => {}
        }
        if let Some(k) = t.strip_prefix("item.") {
            return self.items.keys.contains(k);
        }
        let (kind, rest) = if let Some(r) = t.strip_prefix("steps.") {
            (NodeKind::Steps, r)
        } else if let Some(r) = t.strip_prefix("tasks.") {
            (NodeKind::Tasks, r)
        } else {
            return false;
        };
        let (name, rest) = rest.split_once('.').unwrap_or((rest, ""));
        self.nodes.is_some_and(|n| n.resolves(kind, name, rest))
    }
}

/// The values `SubstituteParams` puts into a template before it is validated: globals, the local
/// `pod.name` and retry variables, inputs and the declared paths.
pub(crate) struct Values<'s> {
    pub(crate) tmpl: &'s Template,
    pub(crate) pod: bool,
    pub(crate) globals: &'s Globals,
}

impl Values<'_> {
    /// The value substituted for `key`, if any.
    pub(crate) fn get(&self, key: &str) -> Option<String> {
        if let Some(v) = self.globals.value(key) {
            return Some(v);
        }
        let t = self.tmpl;
        let local = match key {
            "pod.name" => self.pod,
            "retries" | "lastRetry.exitCode" | "lastRetry.status" | "lastRetry.duration"
            | "lastRetry.message" => t.retry_strategy.is_some(),
            "inputs.parameters" => true,
            _ => false,
        };
        if local {
            return Some(tags::placeholder(key));
        }
        let inputs = t.inputs.as_ref();
        let outputs = t.outputs.as_ref();
        if let Some(p) = key.strip_prefix("inputs.parameters.") {
            return inputs
                .is_some_and(|i| i.parameters.iter().any(|x| x.name == p))
                .then(|| tags::placeholder(key));
        }
        for (prefix, artifacts) in [
            ("inputs.artifacts.", inputs.map(|i| &i.artifacts)),
            ("outputs.artifacts.", outputs.map(|o| &o.artifacts)),
        ] {
            if let Some(a) = key
                .strip_prefix(prefix)
                .and_then(|a| a.strip_suffix(".path"))
            {
                return artifacts
                    .and_then(|list| list.iter().find(|x| x.name == a))
                    .and_then(|x| x.path.clone())
                    .filter(|p| !p.is_empty());
            }
        }
        if let Some(p) = key
            .strip_prefix("outputs.parameters.")
            .and_then(|p| p.strip_suffix(".path"))
        {
            return outputs
                .and_then(|o| o.parameters.iter().find(|x| x.name == p))
                .and_then(|x| x.value_from.as_ref()?.path.clone())
                .filter(|p| !p.is_empty());
        }
        None
    }

    /// `s` with the values substituted.
    pub(crate) fn substitute<'t>(&self, s: &'t str) -> std::borrow::Cow<'t, str> {
        tags::substitute(s, &|k| self.get(k))
    }
}
