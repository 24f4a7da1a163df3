//! Runs an Argo Workflow's DAG on this machine as local processes: argo-kedro's embedded
//! default (`argo-kedro run-local`).
//!
//! [`Plan::new`] checks a [`Workflow`](argo_model::Workflow) and flattens its DAG into tasks;
//! every error it can find without running anything ([`Error`]) is found there, including
//! missing secrets. [`Plan::run`] then runs the tasks, reporting [`Event`]s to an [`Observer`]
//! on the calling thread, and returns a [`RunReport`]. [`run`] does both.
//!
//! ```
//! use argo_local::{Event, RunOptions, TaskStatus};
//! use argo_model::Document;
//!
//! let yaml = r#"
//! apiVersion: argoproj.io/v1alpha1
//! kind: Workflow
//! metadata: {generateName: demo-}
//! spec:
//!   entrypoint: main
//!   arguments: {parameters: [{name: greeting, value: hello}]}
//!   templates:
//!   - name: main
//!     dag:
//!       tasks:
//!       - name: produce
//!         template: produce
//!       - name: consume
//!         template: consume
//!         dependencies: [produce]
//!         arguments:
//!           parameters:
//!           - {name: word, value: "{{tasks.produce.outputs.parameters.word}}"}
//!   - name: produce
//!     container:
//!       image: python:3.12
//!       command: [sh, -c]
//!       args: ["echo {{workflow.parameters.greeting}} > /tmp/word"]
//!     outputs: {parameters: [{name: word, valueFrom: {path: /tmp/word}}]}
//!   - name: consume
//!     inputs: {parameters: [{name: word}]}
//!     container:
//!       image: python:3.12
//!       command: [sh, -c, "echo {{inputs.parameters.word}} world from {{workflow.name}}"]
//! "#;
//! let Document::Workflow(wf) = Document::from_yaml_str(yaml)?.remove(0) else { unreachable!() };
//! let run_dir = tempfile::tempdir()?;
//! let options = RunOptions::new(".", run_dir.path()).parameter("greeting", "hi").jobs(2);
//! let mut started = Vec::new();
//! let report = argo_local::run(&wf, options, &mut |e: &Event| {
//!     if let Event::TaskStarted { task, .. } = e {
//!         started.push(task.to_string());
//!     }
//! })?;
//! assert!(report.is_success());
//! assert_eq!(started, ["produce", "consume"]);
//! let consume = report.task("consume").expect("a task");
//! assert_eq!(consume.status, TaskStatus::Succeeded);
//! let log = std::fs::read_to_string(consume.log.as_ref().expect("a log"))?;
//! assert_eq!(log, "hi world from demo-local\n");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Rules
//! - **Tasks.** The entrypoint is a DAG template (or a single container/script template).
//!   Each DAG task whose template is a container or script template is a process; a task whose
//!   template is itself a DAG is expanded in place (its tasks are named `outer.inner`).
//!   `steps`, `resource`, `suspend`, `http`, `plugin`, `data` and `containerSet` templates,
//!   `templateRef`, `when`, loops and `dag.target` are refused with [`Error`].
//! - **Order.** A task starts when its `dependencies` and `depends` are met. `depends`
//!   supports `&&`, `||`, `!`, parentheses and the results `Succeeded`, `Failed`, `Errored`,
//!   `Skipped`, `Omitted`, `Daemoned` (a bare name means `Succeeded`); a task whose condition
//!   comes out false is `Omitted`, as in Argo. At most [`RunOptions::jobs`] tasks run at once.
//! - **Processes.** `command` + `args` run in [`RunOptions::project_dir`]; the image and
//!   `workingDir` are ignored. A script template's `source` is written to
//!   `<run_dir>/scripts/<task>` and run as `command <file> args`. The process inherits this
//!   process's environment, then [`RunOptions::env`], then the template's `env` (values; a
//!   `secretKeyRef` reads a local variable, see [`RunOptions::secrets`]). Kubernetes `$(VAR)`
//!   references to the template's env are expanded. stdout and stderr go to
//!   `<run_dir>/logs/<task>.log`.
//! - **Variables.** `{{inputs.parameters.X}}`, `{{workflow.parameters.X}}` (with
//!   [`RunOptions::parameters`] overrides), `{{workflow.name}}`, `{{workflow.namespace}}`,
//!   `{{workflow.uid}}`, `{{workflow.mainEntrypoint}}`, `{{tasks.T.outputs.parameters.Y}}`
//!   (in task arguments), `{{retries}}`, `{{pod.name}}` and `{{node.name}}`. Anything else is an
//!   error before the run.
//! - **Output parameters.** A `valueFrom.path` that is absolute, say `/tmp/x`, is remapped to
//!   `<run_dir>/outputs/<task>/tmp/x`: that directory is created before each attempt, and
//!   every whole occurrence of the string `/tmp/x` in the command, args, env values and script
//!   source is replaced by the local path, so the process writes where the value is read. (A
//!   path is "whole" when it is not part of a longer path.) Relative paths are read relative to
//!   the project directory. The value is the file's content without trailing newlines; a
//!   missing file falls back to `valueFrom.default`, else the task errors.
//! - **Retries.** `retryStrategy.limit` extra attempts (template, else `templateDefaults`, else
//!   the workflow's), for non-zero exits (`OnFailure`, the default, and `Always`) or for errors
//!   (`OnError`, `Always`); `backoff` delays are honoured ([`RunOptions::backoff`]).
//! - **Failures.** When a task fails or errors, no new task starts; running tasks are waited
//!   for; tasks that never started are `NotRun`. The [`TaskReport`] of a failed task has its
//!   Kedro nodes, exit code and log tail.
//! - **What cannot run locally** (sidecars, init containers, volumes, `podSpecPatch`,
//!   `envFrom`, config-map env sources, `continueOn`, exit handlers) is listed once in
//!   [`Plan::warnings`] and left out, or refused with [`RunOptions::strict`].
//!
//! # Kubernetes version
//!
//! This crate uses `k8s-openapi` types and, as a library, enables no Kubernetes version feature of
//! `k8s-openapi` (its rule: exactly one version, chosen by the final binary). The binary that
//! uses it adds `k8s-openapi = { version = "0.29", features = ["latest"] }` (or a pinned
//! `v1_xx` feature) to its own dependencies; without one, `k8s-openapi`'s build script stops with
//! "None of the v1_* features are enabled".
#![forbid(unsafe_code)]
#![deny(missing_docs)]

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod check;
mod depends;
mod error;
mod exec;
mod flatten;
mod names;
mod options;
mod plan;
mod report;
mod retry;
mod run;
mod subst;

#[doc(inline)]
pub use depends::DependsSyntax;
#[doc(inline)]
pub use error::{Error, MissingSecret, Result, TaskError};
#[doc(inline)]
pub use names::{InvalidTaskName, TaskName};
#[doc(inline)]
pub use options::RunOptions;
#[doc(inline)]
pub use plan::Plan;
#[doc(inline)]
pub use report::{
    Event, Observer, RunReport, RunStatus, TaskReport, TaskStatus, Warning, WarningKind,
};

/// Plans and runs `workflow`: [`Plan::new`] then [`Plan::run`].
pub fn run(
    workflow: &argo_model::Workflow,
    options: RunOptions,
    observer: &mut impl Observer,
) -> Result<RunReport> {
    Plan::new(workflow, options)?.run(observer)
}
