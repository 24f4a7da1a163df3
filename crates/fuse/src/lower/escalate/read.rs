//! Reading the escalation back from a run: which rung a task killed for memory ran on, and
//! the next one (for `resubmit` and `watch`).

use argo_model::{NodeStatus, Template, Workflow};
use indexmap::IndexMap;

use super::{LADDER_ANNOTATION, RUNG_INPUT, is_oom};

/// One rung of a ladder as the pods' annotation names it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Rung {
    /// The machine type.
    pub machine_type: String,
    /// Its memory, as written (`64Gi`).
    pub memory: String,
}

/// A task whose last attempt was killed for memory.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Escalation {
    /// The DAG task.
    pub task: String,
    /// The task's node id.
    pub node: String,
    /// The rung its last attempt ran on.
    pub from: Rung,
    /// The next rung, to retry it on (`None`: it ran on the top rung already).
    pub to: Option<Rung>,
    /// The number of the rung to retry it on (the task's `oom_rung` argument).
    pub rung: usize,
}

/// The memory ladder of an escalating template (its pods' annotation), lowest first.
pub fn ladder_of(template: &Template) -> Option<Vec<Rung>> {
    let text = template
        .metadata
        .as_ref()?
        .annotations
        .get(LADDER_ANNOTATION)?;
    let rungs: Option<Vec<Rung>> = text
        .split(',')
        .map(|r| {
            let (machine_type, memory) = r.split_once('=')?;
            Some(Rung {
                machine_type: machine_type.to_owned(),
                memory: memory.to_owned(),
            })
        })
        .collect();
    rungs.filter(|r| r.len() > 1)
}

fn input<'a>(node: &'a NodeStatus, name: &str) -> Option<&'a str> {
    node.inputs
        .as_ref()?
        .parameters
        .iter()
        .find(|p| p.name == name)?
        .value
        .as_ref()
        .map(argo_model::AnyString::as_str)
}

fn oom(node: &NodeStatus) -> bool {
    is_oom(
        node.message.as_deref().unwrap_or_default(),
        node.outputs.as_ref().and_then(|o| o.exit_code.as_deref()),
    )
}

/// The tasks of `wf` (with its node map `nodes`) that failed on an escalating template and whose
/// last attempt was killed for memory, each with the rung it ran on and the next. The rung of
/// attempt `n` is the task's `oom_rung`, plus `n` when attempt `n - 1` was killed for memory,
/// at most the top one (the rule of the template's `podSpecPatch`).
pub fn oom_escalations(wf: &Workflow, nodes: &IndexMap<String, NodeStatus>) -> Vec<Escalation> {
    let ladders: IndexMap<&str, Vec<Rung>> = wf
        .spec
        .templates
        .iter()
        .filter_map(|t| Some((t.name.as_str(), ladder_of(t)?)))
        .collect();
    let mut out = Vec::new();
    for node in nodes.values() {
        let failed = matches!(node.phase.as_deref(), Some("Failed" | "Error"));
        if node.type_ != "Retry" || !failed {
            continue;
        }
        let Some(ladder) = node.template_name.as_deref().and_then(|t| ladders.get(t)) else {
            continue;
        };
        let attempts: Vec<&NodeStatus> =
            node.children.iter().filter_map(|c| nodes.get(c)).collect();
        let Some(last) = attempts.last() else {
            continue;
        };
        if !oom(last) {
            continue;
        }
        let top = ladder.len() - 1;
        let start: usize = input(node, RUNG_INPUT)
            .or_else(|| input(last, RUNG_INPUT))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let n = attempts.len() - 1;
        let ran = if n > 0 && oom(attempts[n - 1]) {
            start + n
        } else {
            start
        }
        .min(top);
        let next = (ran + 1).min(top);
        out.push(Escalation {
            task: node
                .display_name
                .clone()
                .unwrap_or_else(|| node.name.clone()),
            node: node.id.clone(),
            from: ladder[ran].clone(),
            to: (ran < top).then(|| ladder[next].clone()),
            rung: next,
        });
    }
    out
}
