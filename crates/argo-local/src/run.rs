//! [`Plan::run`]: the scheduler loop. It runs on the caller's thread, starts each created task
//! on a worker thread (at most `jobs` at once), and delivers every [`Event`] on the caller's
//! thread. As the controller, it does not stop at a failure: tasks keep starting while their
//! gates allow, and each DAG or steps instance is judged once nothing in it runs.

use std::fs;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::time::Instant;

use crate::error::{Error, Result};
use crate::job::{Msg, run_job};
use crate::state::{Rt, State};
use crate::{Event, Observer, Plan, RunReport, RunStatus, TaskReport, TaskStatus};

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
        let mut ready: Vec<usize> = Vec::new();
        let mut cancelled = false;
        std::thread::scope(|s| {
            loop {
                let cancel_now = options
                    .cancel
                    .as_ref()
                    .is_some_and(|f| f.load(Ordering::Relaxed));
                if cancel_now && !cancelled {
                    cancelled = true;
                    observer.on_event(&Event::Stopping {
                        failed: None,
                        running: running
                            .iter()
                            .map(|&n| self.nodes[n].name.clone())
                            .collect(),
                    });
                }
                let mut changed = false;
                if !cancelled {
                    changed = rt.progress(&mut ready, observer);
                    while running.len() < self.jobs && !ready.is_empty() {
                        let node = ready.remove(0);
                        match rt.leaf_job(node, &options) {
                            Ok(job) => {
                                rt.state[node] = State::Running;
                                running.push(node);
                                let tx = tx.clone();
                                s.spawn(move || run_job(&job, &tx));
                            }
                            Err(error) => rt.finish_errored(node, error, observer),
                        }
                        changed = true;
                    }
                }
                if running.is_empty() {
                    if changed && !cancelled {
                        continue;
                    }
                    break;
                }
                let Ok(msg) = rx.recv() else { break };
                on_msg(&mut rt, msg, &mut running, observer);
            }
        });
        let tasks: Vec<TaskReport> = self
            .order
            .iter()
            .filter_map(|&n| rt.reports[n].take())
            .collect();
        let status = if cancelled {
            RunStatus::Cancelled
        } else if rt.judged[0] == Some(TaskStatus::Succeeded) {
            RunStatus::Succeeded
        } else {
            RunStatus::Failed
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

/// Handles a worker message.
fn on_msg(rt: &mut Rt<'_>, msg: Msg, running: &mut Vec<usize>, observer: &mut impl Observer) {
    let nodes = &rt.plan.nodes;
    match msg {
        Msg::Started {
            node,
            attempt,
            log,
            pod_spec_patch,
        } => {
            let task = nodes[node].name.clone();
            observer.on_event(&Event::TaskStarted {
                task,
                attempt,
                log,
                pod_spec_patch,
            });
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
            rt.finish(*f, observer);
        }
    }
}
