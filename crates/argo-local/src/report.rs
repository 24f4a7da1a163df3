//! What a run tells its caller: [`Warning`]s up front, [`Event`]s while it runs, a [`RunReport`]
//! at the end.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::{TaskError, TaskName};

/// Something in the workflow that cannot run on this machine and is left out (or, with
/// [`RunOptions::strict`](crate::RunOptions::strict), refused).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Warning {
    /// The template it was found in, or `None` for the workflow spec.
    pub template: Option<String>,
    /// What is left out.
    pub kind: WarningKind,
}

/// What a [`Warning`] leaves out.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WarningKind {
    /// Sidecar containers (by name) are not started.
    Sidecars(Vec<String>),
    /// Init containers (by name) are not started.
    InitContainers(Vec<String>),
    /// Volumes and volume mounts are not created; paths resolve on the local file system.
    Volumes,
    /// `podSpecPatch` is not applied.
    PodSpecPatch,
    /// `envFrom` sources are not read.
    EnvFrom,
    /// This environment variable comes from a source other than a value or a secret (a config
    /// map, a field or resource reference) and is not set.
    EnvSource(String),
    /// A `retryStrategy` applies to this DAG or steps template (its own, or the workflow's):
    /// the controller retries the whole template when it fails; locally it is not retried (its
    /// leaf tasks still retry by their own strategies).
    ScopeRetry,
    /// A retry expression compares a string with a number (`lastRetry.exitCode == 137`): as in
    /// Argo, this is always false (compare with `'137'` or use `asInt(...)`).
    AlwaysFalse(String),
    /// Input and output artifacts are not passed (no artifact repository here).
    Artifacts,
    /// The exit handler (`onExit`) is not run.
    OnExit(String),
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.template {
            Some(t) => write!(f, "template `{t}`: {}", self.kind),
            None => write!(f, "workflow: {}", self.kind),
        }
    }
}

impl fmt::Display for WarningKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WarningKind::Sidecars(names) => {
                write!(f, "sidecars not started locally: {}", names.join(", "))
            }
            WarningKind::InitContainers(names) => {
                write!(
                    f,
                    "init containers not started locally: {}",
                    names.join(", ")
                )
            }
            WarningKind::Volumes => {
                f.write_str("volumes are not mounted locally; paths use the local file system")
            }
            WarningKind::PodSpecPatch => f.write_str("podSpecPatch is not applied locally"),
            WarningKind::EnvFrom => f.write_str("envFrom is not read locally"),
            WarningKind::EnvSource(var) => write!(
                f,
                "env var `{var}` has a source that is not available locally; not set"
            ),
            WarningKind::ScopeRetry => f.write_str(
                "a retryStrategy on a dag or steps template is not applied locally (its tasks still retry)",
            ),
            WarningKind::AlwaysFalse(c) => write!(
                f,
                "retryStrategy.expression compares a string with a number (`{c}`), which is never equal (as in Argo); write the number in quotes or use asInt()"
            ),
            WarningKind::Artifacts => f.write_str(
                "artifacts are not passed locally (no artifact repository); files stay where tasks write them",
            ),
            WarningKind::OnExit(t) => write!(f, "exit handler `{t}` is not run locally"),
        }
    }
}

/// The state of a task in a [`RunReport`] and in [`Event::TaskFinished`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TaskStatus {
    /// Its process exited 0 and its output parameters were read.
    Succeeded,
    /// Its process exited non-zero (after all retries).
    Failed,
    /// It could not be run (the process did not start, an output parameter could not be read, a
    /// value was missing); see [`TaskReport::error`].
    Errored,
    /// Its `depends` expression came out false: not run, as in Argo.
    Omitted,
    /// Its `when` condition came out false: not run, as in Argo.
    Skipped,
    /// Never started: its DAG or steps template was judged first (a failed step group, a
    /// `failFast` template, a skipped init task), or the run was cancelled.
    NotRun,
}

impl TaskStatus {
    /// `Failed` or `Errored`.
    pub fn is_failure(self) -> bool {
        matches!(self, Self::Failed | Self::Errored)
    }
}

impl fmt::Display for TaskStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Succeeded => "Succeeded",
            Self::Failed => "Failed",
            Self::Errored => "Errored",
            Self::Omitted => "Omitted",
            Self::Skipped => "Skipped",
            Self::NotRun => "NotRun",
        })
    }
}

/// Progress of a run, delivered in order to the [`Observer`] on the thread that called
/// [`Plan::run`](crate::Plan::run).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Event {
    /// An attempt of a task started (`attempt` counts from 1).
    TaskStarted {
        /// The task.
        task: TaskName,
        /// Attempt number, from 1.
        attempt: u32,
        /// Its log file (all attempts append to it).
        log: PathBuf,
        /// The template's `podSpecPatch` as substituted for this attempt (not applied locally).
        pod_spec_patch: Option<String>,
    },
    /// An attempt failed and the task will be tried again after `delay`.
    TaskRetrying {
        /// The task.
        task: TaskName,
        /// The attempt that failed, from 1.
        attempt: u32,
        /// Its exit code, if the process ran.
        exit_code: Option<i32>,
        /// Wait before the next attempt (`retryStrategy.backoff`).
        delay: Duration,
    },
    /// A task reached its final state: `Succeeded`, `Failed` or `Errored` after running, or
    /// `Omitted` (its `depends` came out false; `attempts` is 0).
    TaskFinished {
        /// The task.
        task: TaskName,
        /// Its final state.
        status: TaskStatus,
        /// Attempts made.
        attempts: u32,
        /// From the start of the first attempt to the end of the last.
        duration: Duration,
        /// Exit code of the last attempt, if a process ran.
        exit_code: Option<i32>,
    },
    /// The run was cancelled: no new task starts; `running` tasks are killed.
    Stopping {
        /// Always `None` (kept for callers that match on it).
        failed: Option<TaskName>,
        /// Tasks still running.
        running: Vec<TaskName>,
    },
}

/// Receives [`Event`]s. Implemented for every `FnMut(&Event)`.
pub trait Observer {
    /// Called for each event, in order.
    fn on_event(&mut self, event: &Event);
}

impl<F: FnMut(&Event)> Observer for F {
    fn on_event(&mut self, event: &Event) {
        self(event);
    }
}

/// One task of a finished run.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TaskReport {
    /// The task.
    pub name: TaskName,
    /// The template it ran.
    pub template: String,
    /// Its Kedro nodes (its `kedro_nodes` argument, split on `,`; empty if none).
    pub kedro_nodes: Vec<String>,
    /// Its final state.
    pub status: TaskStatus,
    /// Attempts made (0 if it never started).
    pub attempts: u32,
    /// Exit code of the last attempt, if a process ran (a signal `n` reads as `128 + n`).
    pub exit_code: Option<i32>,
    /// From the start of the first attempt to the end of the last; `None` if it never started.
    pub duration: Option<Duration>,
    /// Its log file, if it started.
    pub log: Option<PathBuf>,
    /// The last [`RunOptions::log_tail_lines`](crate::RunOptions::log_tail_lines) lines of its
    /// log, for a failed or errored task.
    pub log_tail: Option<String>,
    /// Why it errored (`Errored`), or why the last attempt failed to start.
    pub error: Option<Arc<TaskError>>,
    /// Its output parameters (name, value), in template order.
    pub outputs: Vec<(String, String)>,
    /// Why it ended as it did, as Argo's node message (`main: Error (exit code 1)`, `No more
    /// retries left`, `retryStrategy.expression evaluated to false`, ...).
    pub message: Option<String>,
    /// Each attempt, in order.
    pub history: Vec<AttemptReport>,
}

/// One attempt of a task.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AttemptReport {
    /// `Succeeded`, `Failed` or `Errored`.
    pub status: TaskStatus,
    /// Its exit code, if its process ran (a signal `n` reads as `128 + n`).
    pub exit_code: Option<i32>,
    /// Argo's message for it (`main: Error (exit code 2)`).
    pub message: String,
    /// How long it ran.
    pub duration: Duration,
    /// The template's `podSpecPatch` as substituted for this attempt (not applied locally).
    pub pod_spec_patch: Option<String>,
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RunStatus {
    /// The entrypoint succeeded, as the controller judges it (a failed task whose failure
    /// is handled, by `continueOn` or a `depends: t.Failed` task, does not fail the run).
    Succeeded,
    /// The entrypoint failed or errored.
    Failed,
    /// The cancel flag was set.
    Cancelled,
}

/// The result of [`Plan::run`](crate::Plan::run).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RunReport {
    /// `{{workflow.name}}` of the run.
    pub workflow_name: String,
    /// The per-run directory.
    pub run_dir: PathBuf,
    /// How it ended.
    pub status: RunStatus,
    /// Every task, in plan order (a topological order).
    pub tasks: Vec<TaskReport>,
    /// What planning left out.
    pub warnings: Vec<Warning>,
    /// Wall-clock time of the run.
    pub duration: Duration,
}

impl RunReport {
    /// Whether the entrypoint succeeded.
    pub fn is_success(&self) -> bool {
        self.status == RunStatus::Succeeded
    }

    /// The tasks that failed or errored, in plan order.
    pub fn failed(&self) -> impl Iterator<Item = &TaskReport> {
        self.tasks.iter().filter(|t| t.status.is_failure())
    }

    /// The task named `name`.
    pub fn task(&self, name: &str) -> Option<&TaskReport> {
        self.tasks.iter().find(|t| t.name.as_str() == name)
    }
}
