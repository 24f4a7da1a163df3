//! [`RunOptions`]: how and where a workflow runs on this machine.

use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use jiff::Timestamp;

/// How and where a workflow runs locally. Build with [`RunOptions::new`] and the `#[must_use]`
/// setters.
///
/// ```
/// use argo_local::RunOptions;
/// let options = RunOptions::new("/path/to/project", "/path/to/project/.argo-local/run-1")
///     .jobs(4)
///     .parameter("pipeline", "data_processing")
///     .secret("TOKEN", "MY_LOCAL_TOKEN")
///     .strict(true);
/// assert_eq!(options.jobs.get(), 4);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RunOptions {
    /// Working directory of every process (the Kedro project directory). The image is not used.
    pub project_dir: PathBuf,
    /// Per-run directory: task logs in `logs/<task>.log`, remapped output-parameter files in
    /// `outputs/<task>/...`, script sources in `scripts/<task>`. Created if missing.
    pub run_dir: PathBuf,
    /// At most this many tasks run at once (default: the available cores). `spec.parallelism`,
    /// when set and smaller, wins.
    pub jobs: NonZeroUsize,
    /// Workflow parameter overrides (`name`, `value`), as `argo submit -p`: they replace the
    /// values in `spec.arguments.parameters`, and unknown names are added.
    pub parameters: Vec<(String, String)>,
    /// Where secrets come from (`key`, `ENV_VAR`). An env var of a template that reads
    /// `secretKeyRef {name, key}` takes the value of the local environment variable mapped from
    /// `name/key` or from `key` here, else of the local environment variable named `key`.
    pub secrets: Vec<(String, String)>,
    /// Extra environment variables (`name`, `value`) for every process, applied after the
    /// inherited environment and before the template's own `env`.
    pub env: Vec<(String, String)>,
    /// Replace the program of a command: when a template's `command[0]` equals the first item,
    /// it is replaced by the second (several words allowed), e.g. `kedro` by
    /// `["/venv/bin/python", "-m", "kedro"]`.
    pub program_aliases: Vec<(String, Vec<String>)>,
    /// The value of `{{workflow.name}}` (default: `metadata.name`, else `metadata.generateName`
    /// followed by `local`, else `local`).
    pub workflow_name: Option<String>,
    /// Refuse to run when planning found anything that cannot run locally (sidecars, volumes,
    /// `podSpecPatch`, ...), instead of returning warnings.
    pub strict: bool,
    /// Number of log lines kept as the tail of a failed task (default 20).
    pub log_tail_lines: usize,
    /// Honour `retryStrategy.backoff` delays between attempts (default true).
    pub backoff: bool,
    /// Set to `true` (from any thread) to stop the run: no new task starts and running processes
    /// are killed.
    pub cancel: Option<Arc<AtomicBool>>,
    /// What the controller's `TRANSIENT_ERROR_PATTERN` would be: attempt messages it matches
    /// count as transient for `retryPolicy: OnTransientError`.
    pub transient_error_pattern: Option<regex::Regex>,
    /// Tasks that do not run and count as succeeded with these output parameters (task name,
    /// outputs), e.g. init tasks that need cluster services. Every output parameter the task's
    /// template declares must be given.
    pub done_tasks: Vec<(String, Vec<(String, String)>)>,
    /// The value of `{{workflow.creationTimestamp}}` (default: when the plan is made).
    pub created: Option<Timestamp>,
    /// The value of `{{workflow.uid}}` (default: a random UUID, new for every plan).
    pub uid: Option<String>,
}

impl RunOptions {
    /// Options for running in `project_dir` with per-run files under `run_dir`.
    pub fn new(project_dir: impl Into<PathBuf>, run_dir: impl Into<PathBuf>) -> Self {
        Self {
            project_dir: project_dir.into(),
            run_dir: run_dir.into(),
            jobs: std::thread::available_parallelism().unwrap_or(NonZeroUsize::MIN),
            parameters: Vec::new(),
            secrets: Vec::new(),
            env: Vec::new(),
            program_aliases: Vec::new(),
            workflow_name: None,
            strict: false,
            log_tail_lines: 20,
            backoff: true,
            cancel: None,
            transient_error_pattern: None,
            done_tasks: Vec::new(),
            created: None,
            uid: None,
        }
    }

    /// At most `jobs` tasks at once (0 counts as 1).
    #[must_use]
    pub fn jobs(mut self, jobs: usize) -> Self {
        self.jobs = NonZeroUsize::new(jobs).unwrap_or(NonZeroUsize::MIN);
        self
    }

    /// Overrides (or adds) the workflow parameter `name`.
    #[must_use]
    pub fn parameter(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.parameters.push((name.into(), value.into()));
        self
    }

    /// Reads the secret key `key` (or `name/key`) from the local environment variable `env_var`.
    #[must_use]
    pub fn secret(mut self, key: impl Into<String>, env_var: impl Into<String>) -> Self {
        self.secrets.push((key.into(), env_var.into()));
        self
    }

    /// Sets the environment variable `name` for every process.
    #[must_use]
    pub fn env(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.push((name.into(), value.into()));
        self
    }

    /// Runs `replacement` wherever a command's program is `program`.
    #[must_use]
    pub fn program_alias(mut self, program: impl Into<String>, replacement: Vec<String>) -> Self {
        self.program_aliases.push((program.into(), replacement));
        self
    }

    /// Sets `{{workflow.name}}`.
    #[must_use]
    pub fn workflow_name(mut self, name: impl Into<String>) -> Self {
        self.workflow_name = Some(name.into());
        self
    }

    /// Refuse to run anything that cannot run faithfully on this machine.
    #[must_use]
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// Keep `lines` log lines of a failed task in its report.
    #[must_use]
    pub fn log_tail_lines(mut self, lines: usize) -> Self {
        self.log_tail_lines = lines;
        self
    }

    /// Whether to wait `retryStrategy.backoff` delays between attempts.
    #[must_use]
    pub fn backoff(mut self, backoff: bool) -> Self {
        self.backoff = backoff;
        self
    }

    /// Counts `task` as succeeded with `outputs`, without running it.
    #[must_use]
    pub fn done_task(mut self, task: impl Into<String>, outputs: Vec<(String, String)>) -> Self {
        self.done_tasks.push((task.into(), outputs));
        self
    }

    /// Sets the `TRANSIENT_ERROR_PATTERN` of `retryPolicy: OnTransientError`.
    #[must_use]
    pub fn transient_error_pattern(mut self, pattern: regex::Regex) -> Self {
        self.transient_error_pattern = Some(pattern);
        self
    }

    /// Sets `{{workflow.creationTimestamp}}` (kept to the second, as Kubernetes does).
    #[must_use]
    pub fn created(mut self, created: Timestamp) -> Self {
        self.created = Some(created);
        self
    }

    /// Sets `{{workflow.uid}}`.
    #[must_use]
    pub fn uid(mut self, uid: impl Into<String>) -> Self {
        self.uid = Some(uid.into());
        self
    }

    /// Stops the run when `flag` becomes `true`.
    #[must_use]
    pub fn cancel_flag(mut self, flag: Arc<AtomicBool>) -> Self {
        self.cancel = Some(flag);
        self
    }
}
