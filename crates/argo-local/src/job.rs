//! Running one leaf task on a worker thread: its attempts, the retry decisions between them
//! ([`crate::retry::decide`]), and the messages to the scheduler.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::time::{Duration, Instant};

use argo_model::Template;

use crate::error::TaskError;
use crate::exec::{Exit, prepare, read_outputs, run, tail};
use crate::retry::{AttemptRecord, Decision, Strategy, decide, phase};
use crate::retry_vars::{LastAttempt, RetryVariables, substitute_retry_variables_with};
use crate::{AttemptReport, RunOptions, TaskName, TaskStatus};

/// Everything a worker needs to run one task.
pub(crate) struct Job {
    pub(crate) node: usize,
    pub(crate) name: TaskName,
    pub(crate) template: Template,
    /// Every `{{tag}}` value except the retry variables.
    pub(crate) vars: BTreeMap<String, String>,
    /// Secret env values by env var name.
    pub(crate) secrets: BTreeMap<String, String>,
    pub(crate) options: Arc<RunOptions>,
    pub(crate) strategy: Option<Strategy>,
    /// `retryStrategy.limit`, rendered (`None`: no limit).
    pub(crate) limit: Option<u32>,
    /// Keep stdout as `outputs.result` (it is referenced).
    pub(crate) capture: bool,
}

/// What a worker reports.
pub(crate) enum Msg {
    Started {
        node: usize,
        attempt: u32,
        log: PathBuf,
        pod_spec_patch: Option<String>,
    },
    Retrying {
        node: usize,
        attempt: u32,
        exit_code: Option<i32>,
        delay: Duration,
    },
    Finished(Box<Finished>),
}

/// The end of a task.
pub(crate) struct Finished {
    pub(crate) node: usize,
    pub(crate) status: TaskStatus,
    pub(crate) attempts: u32,
    pub(crate) exit_code: Option<i32>,
    pub(crate) duration: Duration,
    pub(crate) log: PathBuf,
    pub(crate) log_tail: Option<String>,
    pub(crate) error: Option<TaskError>,
    pub(crate) outputs: Vec<(String, String)>,
    pub(crate) message: Option<String>,
    pub(crate) history: Vec<AttemptReport>,
    /// `outputs.result`, when captured.
    pub(crate) result: Option<String>,
}

/// An attempt's result: its record, outputs, error and rendered `podSpecPatch`.
struct Tried {
    record: AttemptRecord,
    outputs: Vec<(String, String)>,
    error: Option<TaskError>,
    pod_spec_patch: Option<String>,
    /// Its stdout, when `outputs.result` is referenced.
    result: Option<String>,
}

fn attempt(
    job: &Job,
    n: u32,
    vars: &RetryVariables,
    deadline: Option<Instant>,
    tx: &Sender<Msg>,
) -> Tried {
    let opts = &job.options;
    let log = opts.run_dir.join("logs").join(format!("{}.log", job.name));
    let started = Instant::now();
    let mut patch = None;
    let mut result_text = None;
    let result =
        substitute_retry_variables_with(&job.template, vars, &|v| job.vars.get(v).cloned())
            .map_err(|source| TaskError::Substitute { source })
            .and_then(|t| prepare(&t, &job.name, &job.vars, &job.secrets, opts))
            .and_then(|p| {
                patch.clone_from(&p.pod_spec_patch);
                let mut on_start = || {
                    let _ = tx.send(Msg::Started {
                        node: job.node,
                        attempt: n,
                        log: log.clone(),
                        pod_spec_patch: p.pod_spec_patch.clone(),
                    });
                };
                let (exit, stdout) = run(&p, n, &log, opts, deadline, job.capture, &mut on_start)?;
                result_text = stdout;
                Ok((exit, p))
            });
    let (status, exit_code, message, outputs, error) = match result {
        Ok((Exit::Code { code: 0, .. }, p)) => match read_outputs(&p.outputs) {
            Ok(values) => (TaskStatus::Succeeded, Some(0), String::new(), values, None),
            Err(e) => (
                TaskStatus::Errored,
                Some(0),
                argo_model::chain_message(&e),
                Vec::new(),
                Some(e),
            ),
        },
        // `inferFailedReason`: "<container>: <reason> (exit code N)". A process killed by
        // SIGKILL reads as the kernel's OOM kill.
        Ok((Exit::Code { code, killed }, _)) => {
            let reason = if killed { "OOMKilled" } else { "Error" };
            let message = format!("main: {reason} (exit code {code})");
            (TaskStatus::Failed, Some(code), message, Vec::new(), None)
        }
        Ok((Exit::Deadline { code }, _)) => {
            let message =
                "Pod was active on the node longer than the specified deadline".to_owned();
            (TaskStatus::Failed, Some(code), message, Vec::new(), None)
        }
        Err(e) => (
            TaskStatus::Errored,
            None,
            argo_model::chain_message(&e),
            Vec::new(),
            Some(e),
        ),
    };
    Tried {
        record: AttemptRecord {
            status,
            exit_code,
            message,
            started,
            finished: Instant::now(),
        },
        outputs,
        error,
        pod_spec_patch: patch,
        result: result_text,
    }
}

fn last_attempt(r: &AttemptRecord) -> LastAttempt {
    let secs = r.duration_secs();
    if let (TaskStatus::Failed, Some(code)) = (r.status, r.exit_code) {
        return LastAttempt::failed(code, secs, r.message.clone());
    }
    let mut last = LastAttempt::errored(secs, r.message.clone());
    last.exit_code = r.exit_code;
    phase(r.status).clone_into(&mut last.status);
    last
}

/// What follows a failed attempt.
enum Next {
    /// Another attempt, killed at this deadline.
    Retry(Option<Instant>),
    /// The task ends with its last attempt's status and this message.
    Stop(String),
    /// The task ends as its last attempt (the run is cancelled).
    Cancelled,
    /// The decision itself failed (the expression): the task errors, as upstream's node does.
    Error(TaskError),
}

pub(crate) fn run_job(job: &Job, tx: &Sender<Msg>) {
    let opts = &job.options;
    let start = Instant::now();
    let mut records: Vec<AttemptRecord> = Vec::new();
    let mut history: Vec<AttemptReport> = Vec::new();
    let mut deadline = None;
    let (mut last, status, message) = loop {
        let n = u32::try_from(records.len()).unwrap_or(u32::MAX);
        let vars = RetryVariables {
            retries: n,
            last: records.last().map(last_attempt),
        };
        let tried = attempt(job, n + 1, &vars, deadline, tx);
        history.push(AttemptReport {
            status: tried.record.status,
            exit_code: tried.record.exit_code,
            message: tried.record.message.clone(),
            duration: tried.record.finished - tried.record.started,
            pod_spec_patch: tried.pod_spec_patch.clone(),
        });
        records.push(tried.record.clone());
        let status = tried.record.status;
        let own = (!tried.record.message.is_empty()).then(|| tried.record.message.clone());
        let done = status == TaskStatus::Succeeded
            || job.strategy.is_none()
            || is_cancelled(opts.cancel.as_ref())
            || matches!(tried.error, Some(TaskError::Cancelled));
        if done {
            break (tried, status, own);
        }
        match next(job, &records, tx) {
            Next::Retry(d) => deadline = d,
            Next::Cancelled => break (tried, status, own),
            Next::Stop(message) => break (tried, status, Some(message)),
            Next::Error(e) => {
                let message = Some(argo_model::chain_message(&e));
                let mut tried = tried;
                tried.error = Some(e);
                break (tried, TaskStatus::Errored, message);
            }
        }
    };
    let log = opts.run_dir.join("logs").join(format!("{}.log", job.name));
    let log_tail = status.is_failure().then(|| tail(&log, opts.log_tail_lines));
    let _ = tx.send(Msg::Finished(Box::new(Finished {
        node: job.node,
        status,
        attempts: u32::try_from(records.len()).unwrap_or(u32::MAX),
        exit_code: last.record.exit_code,
        duration: start.elapsed(),
        log,
        log_tail,
        error: last.error.take(),
        outputs: std::mem::take(&mut last.outputs),
        message,
        history,
        result: last.result.take(),
    })));
}

/// After a failed attempt: wait out the backoff (or, without backoff delays, move time
/// forward instead) and decide.
fn next(job: &Job, records: &[AttemptRecord], tx: &Sender<Msg>) -> Next {
    let opts = &job.options;
    let Some(strategy) = &job.strategy else {
        return Next::Cancelled;
    };
    let mut skipped = Duration::ZERO;
    let mut told = false;
    let attempt = u32::try_from(records.len()).unwrap_or(u32::MAX);
    let exit_code = records.last().and_then(|r| r.exit_code);
    let tell = |delay| {
        let _ = tx.send(Msg::Retrying {
            node: job.node,
            attempt,
            exit_code,
            delay,
        });
    };
    loop {
        let now = Instant::now() + skipped;
        match decide(
            strategy,
            job.limit,
            records,
            now,
            opts.transient_error_pattern.as_ref(),
        ) {
            Ok(Decision::Wait(delay)) => {
                if !told {
                    told = true;
                    tell(delay);
                }
                if opts.backoff {
                    sleep_unless_cancelled(delay, opts.cancel.as_ref());
                    if is_cancelled(opts.cancel.as_ref()) {
                        return Next::Cancelled;
                    }
                } else {
                    skipped += delay;
                }
            }
            Ok(Decision::Stop(message)) => return Next::Stop(message),
            Ok(Decision::Retry { deadline }) => {
                if !told {
                    tell(Duration::ZERO);
                }
                return Next::Retry(deadline.map(|d| d.checked_sub(skipped).unwrap_or(d)));
            }
            Err(source) => return Next::Error(TaskError::RetryExpression { source }),
        }
    }
}

fn is_cancelled(flag: Option<&Arc<AtomicBool>>) -> bool {
    flag.is_some_and(|f| f.load(Ordering::Relaxed))
}

fn sleep_unless_cancelled(delay: Duration, flag: Option<&Arc<AtomicBool>>) {
    let end = Instant::now() + delay;
    while Instant::now() < end && !is_cancelled(flag) {
        std::thread::sleep((end - Instant::now()).min(Duration::from_millis(50)));
    }
}
