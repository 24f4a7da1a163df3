//! [`Plan::run`]: the scheduler. It runs on the caller's thread, starts each ready task on a
//! worker thread (at most `jobs` at once), and delivers every [`Event`] on the caller's thread.

use std::collections::BTreeMap;
use std::fs;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::depends::Outcome;
use crate::error::{Error, Result, TaskError};
use crate::exec::{Finished, Job, Msg, run_job};
use crate::subst::render;
use crate::{Event, Observer, Plan, RunReport, RunStatus, TaskReport, TaskStatus};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Pending,
    /// A nested DAG whose inputs are resolved: its tasks may start.
    Active,
    Running,
    Done(TaskStatus),
}

struct Rt<'p> {
    plan: &'p Plan,
    state: Vec<State>,
    /// Input values per scope.
    inputs: Vec<BTreeMap<String, String>>,
    outputs: Vec<Vec<(String, String)>>,
    reports: Vec<Option<TaskReport>>,
}

impl Plan {
    /// Runs the plan: see the [crate docs](crate) for the rules. Returns `Err` only if the run
    /// directory cannot be created (nothing ran then); task failures are in the report.
    pub fn run(&self, observer: &mut impl Observer) -> Result<RunReport> {
        let started = Instant::now();
        let run_dir = &self.options.run_dir;
        for sub in ["logs", "outputs", "scripts"] {
            let path = run_dir.join(sub);
            fs::create_dir_all(&path).map_err(|source| Error::CreateRunDir { path, source })?;
        }
        let mut rt = Rt::new(self);
        let options = Arc::new(self.options.clone());
        let (tx, rx) = mpsc::channel::<Msg>();
        let mut running: Vec<usize> = Vec::new();
        let mut stopping = false;
        let mut cancelled = false;
        std::thread::scope(|s| {
            loop {
                let cancel_now = options
                    .cancel
                    .as_ref()
                    .is_some_and(|f| f.load(Ordering::Relaxed));
                if cancel_now && !cancelled {
                    cancelled = true;
                    stopping = true;
                    observer.on_event(&Event::Stopping {
                        failed: None,
                        running: rt.names(&running),
                    });
                }
                let mut changed = false;
                let mut ready = Vec::new();
                if !stopping {
                    changed = rt.progress(&mut ready, observer);
                }
                for node in ready {
                    if stopping || running.len() >= self.jobs {
                        break;
                    }
                    match rt.leaf_job(node, &options) {
                        Ok(job) => {
                            rt.state[node] = State::Running;
                            running.push(node);
                            let tx = tx.clone();
                            s.spawn(move || run_job(&job, &tx));
                        }
                        Err(error) => {
                            rt.finish_errored(node, error, observer);
                            stopping = true;
                            let failed = Some(self.nodes[node].name.clone());
                            observer.on_event(&Event::Stopping {
                                failed,
                                running: rt.names(&running),
                            });
                        }
                    }
                    changed = true;
                }
                if running.is_empty() {
                    if changed && !stopping {
                        continue;
                    }
                    break;
                }
                let Ok(msg) = rx.recv() else { break };
                stopping |= rt.on_msg(msg, &mut running, stopping, observer);
            }
        });
        let tasks: Vec<TaskReport> = self
            .order
            .iter()
            .filter_map(|&n| rt.reports[n].take())
            .collect();
        let status = if cancelled {
            RunStatus::Cancelled
        } else if tasks.iter().any(|t| t.status.is_failure()) {
            RunStatus::Failed
        } else {
            RunStatus::Succeeded
        };
        Ok(RunReport {
            workflow_name: self.workflow_name.clone(),
            run_dir: run_dir.clone(),
            status,
            tasks,
            warnings: self.warnings.clone(),
            duration: started.elapsed(),
        })
    }
}

impl<'p> Rt<'p> {
    fn new(plan: &'p Plan) -> Self {
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
            });
        }
        let mut rt = Self {
            plan,
            state: vec![State::Pending; n],
            inputs: vec![BTreeMap::new(); plan.scopes.len()],
            outputs: vec![Vec::new(); n],
            reports,
        };
        // Root inputs: the workflow parameters of the same name, else the template's values.
        let root = &plan.templates[plan.scopes[0].template];
        if plan.is_dag(plan.scopes[0].template) {
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
        rt
    }

    /// Handles a worker message; returns whether the run must stop (a task failed).
    fn on_msg(
        &mut self,
        msg: Msg,
        running: &mut Vec<usize>,
        stopping: bool,
        observer: &mut impl Observer,
    ) -> bool {
        let nodes = &self.plan.nodes;
        match msg {
            Msg::Started { node, attempt, log } => {
                let task = nodes[node].name.clone();
                observer.on_event(&Event::TaskStarted { task, attempt, log });
            }
            Msg::Retrying {
                node,
                attempt,
                exit_code,
                delay,
            } => {
                let task = nodes[node].name.clone();
                observer.on_event(&Event::TaskRetrying {
                    task,
                    attempt,
                    exit_code,
                    delay,
                });
            }
            Msg::Finished(f) => {
                running.retain(|&n| n != f.node);
                let (node, failed) = (f.node, f.status.is_failure());
                self.finish(*f, observer);
                if failed && !stopping {
                    let failed = Some(self.plan.nodes[node].name.clone());
                    observer.on_event(&Event::Stopping {
                        failed,
                        running: self.names(running),
                    });
                    return true;
                }
            }
        }
        false
    }

    fn names(&self, nodes: &[usize]) -> Vec<crate::TaskName> {
        nodes
            .iter()
            .map(|&n| self.plan.nodes[n].name.clone())
            .collect()
    }

    fn scope_active(&self, scope: usize) -> bool {
        self.plan.scopes[scope]
            .owner
            .is_none_or(|o| self.state[o] == State::Active)
    }

    /// Decides gates until nothing changes; pushes the leaves that may start to `ready` (plan
    /// order). Returns whether any state changed.
    fn progress(&mut self, ready: &mut Vec<usize>, observer: &mut impl Observer) -> bool {
        let plan = self.plan;
        let mut changed_any = false;
        loop {
            let mut changed = false;
            for scope in 0..plan.scopes.len() {
                if !self.scope_active(scope) {
                    continue;
                }
                for &c in &plan.scopes[scope].children {
                    match self.state[c] {
                        State::Pending => {}
                        State::Active => {
                            let inner = plan.nodes[c].inner.unwrap_or_default();
                            let kids = &plan.scopes[inner].children;
                            if kids
                                .iter()
                                .all(|&k| matches!(self.state[k], State::Done(_)))
                            {
                                let failed = kids.iter().any(
                                    |&k| matches!(self.state[k], State::Done(s) if s.is_failure()),
                                );
                                self.state[c] = State::Done(if failed {
                                    TaskStatus::Failed
                                } else {
                                    TaskStatus::Succeeded
                                });
                                self.outputs[c] = self.dag_outputs(c);
                                changed = true;
                            }
                            continue;
                        }
                        _ => continue,
                    }
                    let gate = plan.nodes[c].gate.as_ref().map_or(Some(true), |g| {
                        g.eval(&|&d| match self.state[d] {
                            State::Done(s) => Some(outcome(s)),
                            _ => None,
                        })
                    });
                    match (gate, plan.nodes[c].inner) {
                        (None, _) => {}
                        (Some(false), _) => {
                            self.omit(c, observer);
                            changed = true;
                        }
                        (Some(true), Some(inner)) => {
                            match self.resolve_inputs(c) {
                                Ok(values) => {
                                    self.inputs[inner] = values;
                                    self.state[c] = State::Active;
                                }
                                Err(e) => {
                                    // Reported on the first task of the nested DAG.
                                    let first =
                                        plan.order.iter().copied().find(|&l| self.inside(l, inner));
                                    self.state[c] = State::Done(TaskStatus::Errored);
                                    if let Some(first) = first {
                                        self.finish_errored(first, e, observer);
                                    }
                                }
                            }
                            changed = true;
                        }
                        (Some(true), None) => {
                            if !ready.contains(&c) {
                                ready.push(c);
                            }
                        }
                    }
                }
            }
            changed_any |= changed;
            if !changed {
                break;
            }
        }
        ready.sort_by_key(|n| plan.order.iter().position(|o| o == n));
        changed_any
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
        self.state[node] = State::Done(TaskStatus::Omitted);
        if let Some(inner) = self.plan.nodes[node].inner {
            for &k in &self.plan.scopes[inner].children {
                self.omit(k, observer);
            }
        } else if let Some(r) = self.reports[node].as_mut() {
            r.status = TaskStatus::Omitted;
            observer.on_event(&Event::TaskFinished {
                task: r.name.clone(),
                status: TaskStatus::Omitted,
                attempts: 0,
                duration: Duration::ZERO,
                exit_code: None,
            });
        }
    }

    /// The value of `tag` in the DAG instance `scope`.
    fn lookup(&self, scope: usize, tag: &str) -> Option<String> {
        if let Some(name) = tag.strip_prefix("inputs.parameters.") {
            return self.inputs[scope].get(name).cloned();
        }
        if let Some(rest) = tag.strip_prefix("tasks.") {
            let (task, param) = rest.split_once(".outputs.parameters.")?;
            let &sib = self.plan.scopes[scope]
                .children
                .iter()
                .find(|&&c| self.plan.nodes[c].name.leaf() == task)?;
            return self.outputs[sib]
                .iter()
                .find(|(n, _)| n == param)
                .map(|(_, v)| v.clone());
        }
        self.plan.globals.get(tag).cloned()
    }

    /// The input values of node `n`'s template: its arguments rendered in its DAG, else the
    /// input's own value or default.
    fn resolve_inputs(&self, n: usize) -> Result<BTreeMap<String, String>, TaskError> {
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
                    .map(argo_model::AnyString::as_str)
            });
            let value = render(raw.unwrap_or_default(), &|tag| self.lookup(node.scope, tag))
                .map_err(|u| TaskError::Unresolved { variable: u.0 })?;
            values.insert(p.name.clone(), value);
        }
        Ok(values)
    }

    /// Output parameters of a finished nested DAG (`valueFrom.parameter` or `value`, rendered in
    /// its own DAG); those that do not resolve are left out.
    fn dag_outputs(&self, n: usize) -> Vec<(String, String)> {
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

    fn leaf_job(&mut self, n: usize, options: &Arc<crate::RunOptions>) -> Result<Job, TaskError> {
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
        Ok(Job {
            node: n,
            name: node.name.clone(),
            template: plan.templates[node.template].clone(),
            vars,
            secrets: plan
                .secrets
                .get(&node.template)
                .cloned()
                .unwrap_or_default(),
            options: Arc::clone(options),
        })
    }

    fn finish_errored(&mut self, n: usize, error: TaskError, observer: &mut impl Observer) {
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
        };
        self.finish(f, observer);
    }

    fn finish(&mut self, f: Finished, observer: &mut impl Observer) {
        self.state[f.node] = State::Done(f.status);
        self.outputs[f.node].clone_from(&f.outputs);
        if let Some(r) = self.reports[f.node].as_mut() {
            r.status = f.status;
            r.attempts = f.attempts;
            r.exit_code = f.exit_code;
            r.duration = Some(f.duration);
            r.log = (f.attempts > 0).then_some(f.log);
            r.log_tail = f.log_tail;
            r.error = f.error.map(Arc::new);
            r.outputs = f.outputs;
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

fn outcome(s: TaskStatus) -> Outcome {
    match s {
        TaskStatus::Succeeded => Outcome::Succeeded,
        TaskStatus::Failed => Outcome::Failed,
        TaskStatus::Omitted | TaskStatus::NotRun => Outcome::Omitted,
        TaskStatus::Errored => Outcome::Errored,
    }
}
