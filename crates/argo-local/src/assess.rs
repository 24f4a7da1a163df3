//! Judging a finished DAG or steps instance as the controller does: `assessDAGPhase`
//! (`workflow/controller/dag.go`) and the step-group rule of `executeSteps`/`executeStepGroup`
//! (`workflow/controller/steps.go`).

use std::collections::{HashMap, HashSet, VecDeque};

use crate::TaskStatus;
use crate::depends::Expr;
use crate::plan::Kind;
use crate::state::{Rt, State};

/// Port of `assessDAGPhase` for a DAG instance in which nothing is running: `None` while a
/// target has no phase (upstream: still Running).
///
/// Every created task gets a branch phase by a walk from the root tasks along dependencies:
/// a task that ran carries its own phase, an omitted one inherits its parent's (Failed or
/// Errored preferred). The DAG fails with the first target (in name order) whose phase is
/// Failed or Errored and whose `continueOn` does not cover it; with `failFast: false` a target
/// without a phase keeps it running first.
pub(crate) fn dag(rt: &Rt<'_>, scope: usize) -> Option<TaskStatus> {
    let plan = rt.plan;
    let s = &plan.scopes[scope];
    let Kind::Dag {
        fail_fast, targets, ..
    } = &s.kind
    else {
        return None;
    };
    let created = |c: usize| matches!(rt.state[c], State::Done(_));
    let deps = |c: usize| -> Vec<usize> {
        plan.nodes[c]
            .gate
            .iter()
            .flat_map(Expr::tasks)
            .copied()
            .collect()
    };
    let mut phases: HashMap<usize, Option<TaskStatus>> =
        targets.iter().map(|&t| (t, None)).collect();
    let mut queue: VecDeque<(usize, TaskStatus)> = s
        .children
        .iter()
        .filter(|&&c| created(c) && deps(c).is_empty())
        .map(|&c| (c, TaskStatus::Succeeded))
        .collect();
    let mut seen = HashSet::new();
    while let Some((n, parent)) = queue.pop_front() {
        if !seen.insert((n, parent)) {
            continue;
        }
        let State::Done(own) = rt.state[n] else {
            return None;
        };
        let branch = match own {
            TaskStatus::Succeeded | TaskStatus::Failed | TaskStatus::Errored => own,
            _ => parent,
        };
        if let Some(previous) = phases.get_mut(&n)
            && !previous.is_some_and(TaskStatus::is_failure)
        {
            *previous = Some(branch);
        }
        for &c in &s.children {
            if created(c) && deps(c).contains(&n) {
                queue.push_back((c, branch));
            }
        }
    }
    let mut result = Some(TaskStatus::Succeeded);
    for t in targets {
        match phases.get(t).copied().flatten() {
            None => {
                result = None;
                if !fail_fast {
                    break;
                }
            }
            Some(p) if p.is_failure() => {
                if plan.nodes[*t].continue_on.continues(p) {
                    continue;
                }
                result = Some(p);
                if *fail_fast {
                    break;
                }
            }
            Some(_) => {}
        }
    }
    result
}

/// Whether a finished step group failed: a step Failed or Errored without `continueOn` for it
/// (`executeStepGroup`).
pub(crate) fn group_failed(rt: &Rt<'_>, group: &[usize]) -> bool {
    group.iter().any(|&c| match rt.state[c] {
        State::Done(s) => s.is_failure() && !rt.plan.nodes[c].continue_on.continues(s),
        _ => false,
    })
}

/// The phase of a steps instance in which nothing is running (`executeSteps`): Failed at the
/// first failed group, Succeeded when every group passed, `None` while a group is unfinished.
pub(crate) fn steps(rt: &Rt<'_>, groups: &[Vec<usize>]) -> Option<TaskStatus> {
    for group in groups {
        if !group.iter().all(|&c| matches!(rt.state[c], State::Done(_))) {
            return None;
        }
        if group_failed(rt, group) {
            return Some(TaskStatus::Failed);
        }
    }
    Some(TaskStatus::Succeeded)
}
