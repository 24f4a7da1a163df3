//! The scheduler's state, as the controller keeps it in `status.nodes`: which tasks are
//! created, running, done; which DAG and steps instances are judged. [`Rt::progress`] is one
//! pass of the controller's `operate`: it starts what may start and judges what is finished.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::depends::Outcome;
use crate::error::TaskError;
use crate::job::Finished;
use crate::plan::Kind;
use crate::subst::render;
use crate::when::should_execute;
use crate::{Event, Observer, Plan, TaskReport, TaskStatus, assess};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum State {
    /// Not created yet.
    Pending,
    /// Created (as a pod the controller made), waiting for a free job slot.
    Queued,
    Running,
    /// A nested DAG or steps instance whose inputs are resolved: its tasks may start.
    Active,
    Done(TaskStatus),
}

pub(crate) struct Rt<'p> {
    pub(crate) plan: &'p Plan,
    pub(crate) state: Vec<State>,
    /// The phase of each judged scope.
    pub(crate) judged: Vec<Option<TaskStatus>>,
    /// Input values per scope.
    pub(crate) inputs: Vec<BTreeMap<String, String>>,
    pub(crate) outputs: Vec<Vec<(String, String)>>,
    pub(crate) exit_codes: Vec<Option<i32>>,
    /// `outputs.result` per node, when captured.
    pub(crate) results: Vec<Option<String>>,
    pub(crate) reports: Vec<Option<TaskReport>>,
}

impl<'p> Rt<'p> {
    pub(crate) fn new(plan: &'p Plan) -> Self {
        let n = plan.nodes.len();
        let mut reports: Vec<Option<TaskReport>> = (0..n).map(|_| None).collect();
        for &leaf in &plan.order {
            let node = &plan.nodes[leaf];
            reports[leaf] = Some(TaskReport {
                name: node.name.clone(),
                template: plan.templates[node.template].name.clone(),
                kedro_nodes: node.kedro_nodes.clone(),
                status: TaskStatus::NotRun,
                attempts: 0,
                exit_code: None,
                duration: None,
                log: None,
                log_tail: None,
                error: None,
                outputs: Vec::new(),
                message: None,
                history: Vec::new(),
            });
        }
        let mut rt = Self {
            plan,
            state: vec![State::Pending; n],
            judged: vec![None; plan.scopes.len()],
            inputs: vec![BTreeMap::new(); plan.scopes.len()],
            outputs: vec![Vec::new(); n],
            exit_codes: vec![None; n],
            results: vec![None; n],
            reports,
        };
        // Root inputs: the workflow parameters of the same name, else the template's values.
        let root = &plan.templates[plan.scopes[0].template];
        if plan.is_scope(plan.scopes[0].template) {
            for p in root.inputs.iter().flat_map(|i| &i.parameters) {
                let value = plan
                    .globals
                    .get(&format!("workflow.parameters.{}", p.name))
                    .cloned();
                let value = value.or_else(|| {
                    p.value
                        .as_ref()
                        .or(p.default.as_ref())
                        .map(|v| v.as_str().to_owned())
                });
                rt.inputs[0].insert(p.name.clone(), value.unwrap_or_default());
            }
        }
        for (task, outputs) in &plan.options.done_tasks {
            if let Some(n) = plan.nodes.iter().position(|n| n.name.as_str() == task) {
                rt.state[n] = State::Done(TaskStatus::Succeeded);
                rt.outputs[n].clone_from(outputs);
                if let Some(r) = rt.reports[n].as_mut() {
                    r.status = TaskStatus::Succeeded;
                    r.outputs.clone_from(outputs);
                    r.message = Some("not run: given as done".into());
                }
            }
        }
        rt
    }

    pub(crate) fn scope_active(&self, scope: usize) -> bool {
        self.judged[scope].is_none()
            && self.plan.scopes[scope]
                .owner
                .is_none_or(|o| self.state[o] == State::Active)
    }

    /// One pass: starts what may start (leaves go to `ready`, in plan order) and judges
    /// finished scopes, until nothing changes. Returns whether anything changed.
    pub(crate) fn progress(
        &mut self,
        ready: &mut Vec<usize>,
        observer: &mut impl Observer,
    ) -> bool {
        let mut changed_any = false;
        loop {
            let mut changed = false;
            for scope in 0..self.plan.scopes.len() {
                if self.scope_active(scope) {
                    changed |= self.schedule(scope, ready, observer);
                    changed |= self.try_judge(scope);
                }
            }
            changed_any |= changed;
            if !changed {
                break;
            }
        }
        let rank = &self.plan.rank;
        ready.sort_by_key(|&n| rank[n]);
        changed_any
    }

    /// Template `failFast: true` and a child failed: no new task of the scope starts
    /// (upstream's `checkParallelism`).
    fn blocked(&self, scope: usize) -> bool {
        let s = &self.plan.scopes[scope];
        self.plan.templates[s.template].fail_fast == Some(true)
            && s.children
                .iter()
                .any(|&c| matches!(self.state[c], State::Done(t) if t.is_failure()))
    }

    fn schedule(
        &mut self,
        scope: usize,
        ready: &mut Vec<usize>,
        observer: &mut impl Observer,
    ) -> bool {
        if self.blocked(scope) {
            return false;
        }
        let plan = self.plan;
        let mut changed = false;
        match &plan.scopes[scope].kind {
            Kind::Dag { reachable, .. } => {
                for &c in &plan.scopes[scope].children {
                    if self.state[c] != State::Pending || !reachable.contains(&c) {
                        continue;
                    }
                    let gate = plan.nodes[c].gate.as_ref().map_or(Some(true), |g| {
                        g.eval(&|&d| match self.state[d] {
                            State::Done(s) => Some(outcome(s)),
                            _ => None,
                        })
                    });
                    match gate {
                        None => {}
                        Some(false) => {
                            self.omit(c, observer);
                            changed = true;
                        }
                        Some(true) => {
                            self.start(c, ready, observer);
                            changed = true;
                        }
                    }
                }
            }
            Kind::Steps { groups } => {
                for group in groups {
                    if group
                        .iter()
                        .all(|&c| matches!(self.state[c], State::Done(_)))
                    {
                        if assess::group_failed(self, group) {
                            break;
                        }
                        continue;
                    }
                    for &c in group {
                        if self.state[c] == State::Pending {
                            self.start(c, ready, observer);
                            changed = true;
                        }
                    }
                    break;
                }
            }
        }
        changed
    }

    /// Judges `scope` when nothing in it is created and unfinished.
    fn try_judge(&mut self, scope: usize) -> bool {
        let s = &self.plan.scopes[scope];
        let busy = s.children.iter().any(|&c| {
            matches!(
                self.state[c],
                State::Queued | State::Running | State::Active
            )
        });
        if busy {
            return false;
        }
        let phase = match &s.kind {
            Kind::Dag { .. } => assess::dag(self, scope),
            Kind::Steps { groups } => assess::steps(self, groups),
        };
        // Nothing runs and nothing can start (a failFast template stopped creating tasks):
        // upstream marks the template Failed.
        let phase = phase.unwrap_or(TaskStatus::Failed);
        self.judged[scope] = Some(phase);
        if let Some(owner) = s.owner {
            self.state[owner] = State::Done(phase);
            if phase == TaskStatus::Succeeded {
                self.outputs[owner] = self.scope_outputs(owner);
            }
        }
        true
    }

    fn start(&mut self, c: usize, ready: &mut Vec<usize>, observer: &mut impl Observer) {
        // `shouldExecute`: the `when` condition, substituted in the task's scope.
        if let Some(when) = &self.plan.nodes[c].when {
            let scope = self.plan.nodes[c].scope;
            let decided = render(when, &|tag| self.lookup(scope, tag))
                .map_err(|u| TaskError::Unresolved { variable: u.0 })
                .and_then(|text| {
                    should_execute(&text)
                        .map(|run| (run, text))
                        .map_err(|source| TaskError::When { source })
                });
            match decided {
                Ok((true, _)) => {}
                Ok((false, text)) => {
                    let message = format!("when '{text}' evaluated false");
                    self.not_run(c, TaskStatus::Skipped, &message, observer);
                    return;
                }
                Err(e) => {
                    self.error_node(c, e, observer);
                    return;
                }
            }
        }
        let Some(inner) = self.plan.nodes[c].inner else {
            self.state[c] = State::Queued;
            ready.push(c);
            return;
        };
        match self.resolve_inputs(c) {
            Ok(values) => {
                self.inputs[inner] = values;
                self.state[c] = State::Active;
            }
            Err(e) => self.error_node(c, e, observer),
        }
    }

    /// Node `c` errors before it starts; for a nested template the error is reported on its
    /// first task.
    fn error_node(&mut self, c: usize, e: TaskError, observer: &mut impl Observer) {
        let Some(inner) = self.plan.nodes[c].inner else {
            self.finish_errored(c, e, observer);
            return;
        };
        let first = self
            .plan
            .order
            .iter()
            .copied()
            .find(|&l| self.inside(l, inner));
        self.state[c] = State::Done(TaskStatus::Errored);
        self.judged[inner] = Some(TaskStatus::Errored);
        if let Some(first) = first {
            self.finish_errored(first, e, observer);
        }
    }

    /// Whether leaf `leaf` lies (at any depth) in scope `scope`.
    fn inside(&self, leaf: usize, scope: usize) -> bool {
        let mut s = self.plan.nodes[leaf].scope;
        loop {
            if s == scope {
                return true;
            }
            match self.plan.scopes[s].owner {
                Some(owner) => s = self.plan.nodes[owner].scope,
                None => return false,
            }
        }
    }

    fn omit(&mut self, node: usize, observer: &mut impl Observer) {
        let message = "omitted: depends condition not met";
        self.not_run(node, TaskStatus::Omitted, message, observer);
    }

    /// Node `node` does not run: `Omitted` or `Skipped` (with the tasks inside it).
    fn not_run(
        &mut self,
        node: usize,
        status: TaskStatus,
        message: &str,
        observer: &mut impl Observer,
    ) {
        self.state[node] = State::Done(status);
        if let Some(inner) = self.plan.nodes[node].inner {
            self.judged[inner] = Some(status);
            for &k in &self.plan.scopes[inner].children {
                self.not_run(k, status, message, observer);
            }
        } else if let Some(r) = self.reports[node].as_mut() {
            r.status = status;
            r.message = Some(message.to_owned());
            observer.on_event(&Event::TaskFinished {
                task: r.name.clone(),
                status,
                attempts: 0,
                duration: Duration::ZERO,
                exit_code: None,
            });
        }
    }

    pub(crate) fn finish_errored(
        &mut self,
        n: usize,
        error: TaskError,
        observer: &mut impl Observer,
    ) {
        let message = Some(argo_model::chain_message(&error));
        let f = Finished {
            node: n,
            status: TaskStatus::Errored,
            attempts: 0,
            exit_code: None,
            duration: Duration::ZERO,
            log: self
                .plan
                .options
                .run_dir
                .join("logs")
                .join(format!("{}.log", self.plan.nodes[n].name)),
            log_tail: None,
            error: Some(error),
            outputs: Vec::new(),
            message,
            history: Vec::new(),
            result: None,
        };
        self.finish(f, observer);
    }

    pub(crate) fn finish(&mut self, f: Finished, observer: &mut impl Observer) {
        self.state[f.node] = State::Done(f.status);
        self.outputs[f.node].clone_from(&f.outputs);
        self.exit_codes[f.node] = f.exit_code;
        self.results[f.node].clone_from(&f.result);
        if let Some(r) = self.reports[f.node].as_mut() {
            r.status = f.status;
            r.attempts = f.attempts;
            r.exit_code = f.exit_code;
            r.duration = Some(f.duration);
            r.log = (f.attempts > 0).then_some(f.log);
            r.log_tail = f.log_tail;
            r.error = f.error.map(std::sync::Arc::new);
            r.outputs = f.outputs;
            r.message = f.message;
            r.history = f.history;
            observer.on_event(&Event::TaskFinished {
                task: r.name.clone(),
                status: f.status,
                attempts: f.attempts,
                duration: f.duration,
                exit_code: f.exit_code,
            });
        }
    }
}

pub(crate) fn outcome(s: TaskStatus) -> Outcome {
    match s {
        TaskStatus::Succeeded => Outcome::Succeeded,
        TaskStatus::Failed => Outcome::Failed,
        TaskStatus::Omitted | TaskStatus::NotRun => Outcome::Omitted,
        TaskStatus::Skipped => Outcome::Skipped,
        TaskStatus::Errored => Outcome::Errored,
    }
}
