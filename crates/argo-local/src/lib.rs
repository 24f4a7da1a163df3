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
//! The workflow runs as Argo's controller runs it (the upstream function is named in each
//! module); what cannot run locally is refused by [`Plan::new`] before anything starts.
//! - **Tasks.** The entrypoint is a DAG or steps template (or a single container/script
//!   template). A task or step whose template is a container or script template is a process;
//!   one whose template is itself a DAG or steps template is expanded in place (its tasks are
//!   named `outer.inner`). `resource`, `suspend`, `http`, `plugin`, `data` and `containerSet`
//!   templates, `templateRef`, loops (`withItems`, `withParam`, `withSequence`) and recursion
//!   are refused with [`Error`].
//! - **`when`** (`shouldExecute`). Substituted, then evaluated as govaluate does (bare words are
//!   strings, numbers are floats; `== != < <= > >= =~ !~ && || !`, parentheses; or a
//!   `{{=...}}` expression): false makes the task `Skipped`, which a bare dependency accepts.
//! - **DAGs** (`executeDAG`, `assessDAGPhase`). A task starts when its `dependencies` and
//!   `depends` allow (`&&`, `||`, `!`, parentheses, `.Succeeded`, `.Failed`, `.Errored`,
//!   `.Skipped`, `.Omitted`, `.Daemoned`; a bare name means `Succeeded || Skipped || Daemoned`,
//!   plus `Failed`/`Errored` when that task has `continueOn` for them); a task whose condition
//!   comes out false is `Omitted`. A failure does not stop the DAG: tasks keep starting while
//!   anything runs, so `depends: t.Failed` handlers run. The DAG is judged once nothing in it
//!   runs: Failed (or Errored) when a target task (`dag.target`, else the tasks nothing depends
//!   on) failed without `continueOn` for it, or is omitted below a failure; else Succeeded.
//!   `dag.failFast: false` changes the order of that judgement as upstream; a template with
//!   `failFast: true` starts no new task after a failure.
//! - **Steps** (`executeSteps`). Groups run one after the other, the steps of a group in
//!   parallel; once a group is done, a step that failed without `continueOn` fails the steps
//!   template and no later group starts. `{{steps.X.outputs.parameters.Y}}`, `.status` and
//!   `.exitCode` of earlier groups resolve.
//! - **Run result.** [`RunReport::status`] is the entrypoint's phase, so a handled failure
//!   still ends in [`RunStatus::Succeeded`]. At most [`RunOptions::jobs`] processes run at once
//!   (a task waiting for a slot counts as created, as a pending pod).
//! - **Processes.** `command` + `args` run in [`RunOptions::project_dir`]; the image and
//!   `workingDir` are ignored. A script template's `source` is written to
//!   `<run_dir>/scripts/<task>` (executable) and run as `command <file> args`. The process inherits this
//!   process's environment, then [`RunOptions::env`], then the template's `env` (values; a
//!   `secretKeyRef` reads a local variable, see [`RunOptions::secrets`]). Kubernetes `$(VAR)`
//!   references to the template's env are expanded (`$$` is `$`). stdout and stderr go to
//!   `<run_dir>/logs/<task>.log`.
//! - **Variables.** `{{inputs.parameters.X}}`, `{{workflow.parameters.X}}` (with
//!   [`RunOptions::parameters`] overrides), `{{workflow.name}}`, `{{workflow.namespace}}`,
//!   `{{workflow.uid}}` (a new random UUID per run unless [`RunOptions::uid`]),
//!   `{{workflow.creationTimestamp}}` (and its `.RFC3339` and `.s` forms: when the plan is made,
//!   to the second, unless [`RunOptions::created`]), `{{workflow.mainEntrypoint}}`,
//!   `{{tasks.T.outputs.parameters.Y}}`,
//!   `{{tasks.T.status}}`, `{{tasks.T.exitCode}}`, `{{tasks.T.outputs.result}}` (the task's
//!   stdout less one trailing newline, kept when referenced: `CaptureScriptResult`) and
//!   `steps.` alike (in arguments, `when` and template outputs),
//!   `{{retries}}`, `{{lastRetry.exitCode|status|duration|message}}`, `{{pod.name}}`,
//!   `{{node.name}}`, and `{{=expression}}` tags in the subset below. Anything else is an error
//!   before the run.
//! - **Output parameters** (`SaveParameters`). A `valueFrom.path` that is absolute, say
//!   `/tmp/x`, is remapped to `<run_dir>/outputs/<task>/tmp/x`: that directory is created
//!   before each attempt, and every whole occurrence of the string `/tmp/x` in the command,
//!   args, env values and script source is replaced by the local path, so the process writes
//!   where the value is read. Relative paths are read relative to the project directory. The
//!   value is the file's content (or `valueFrom.default` when it is missing) less exactly one
//!   trailing newline; a missing file without default errors the task.
//! - **Retries** (`processNodeRetries`, `RetryPolicyActual`). The template's `retryStrategy`,
//!   else `templateDefaults`', else the workflow's. Without `limit` retries have no bound. The
//!   policy is `retryPolicy`, else `Always` when an `expression` is given, else `OnFailure`;
//!   `OnTransientError` retries attempts whose message is one of upstream's transient errors
//!   or matches [`RunOptions::transient_error_pattern`]. The expression sees `retries` and
//!   `lastRetry.*`. `backoff` waits `duration * factor^n` up to `cap` (as upstream, only while
//!   a `limit` is set and not used up; [`RunOptions::backoff`]), and `backoff.maxDuration`
//!   stops retrying after that long from the first start and kills a running retry at that
//!   deadline. Before each attempt `{{retries}}` and `{{lastRetry.*}}` are substituted into the
//!   whole template ([`substitute_retry_variables`]), `podSpecPatch` included: the patch is
//!   not applied locally but reported per attempt. A non-zero exit is `Failed` with the
//!   message `main: Error (exit code N)` (`OOMKilled` when the process was killed by
//!   SIGKILL); a process that cannot start, or outputs that cannot be read, `Errored`.
//! - **Expressions** (`retryStrategy.expression`, `{{=...}}`). A subset of expr-lang, checked
//!   up front: literals (numbers, `'strings'`, `true`, `false`, `nil`, `[lists]`), variables
//!   by path (all strings, as in Argo), `!`/`not`, `-`, `* / %`, `+ -`, `== != < <= > >=`,
//!   `in`/`not in`, `matches`, `contains`, `startsWith`, `endsWith`, `&&`/`and`, `||`/`or`,
//!   `?:`, parentheses, `list[i]`, and the functions `asInt`, `asFloat`, `int`, `float`,
//!   `string`, `len`, `lower`, `upper`, `trim`. What expr-lang would reject at run time (`<`
//!   between a string and a number, `&&` on a string, ...) and anything else (`sprig.*`,
//!   closures, `??`) is refused; `==` between a string and a number is false, as in expr-lang,
//!   with a [`Warning`].
//! - **Given as done.** [`RunOptions::done_task`] counts a task as succeeded with given
//!   outputs, without running it (init tasks that need cluster services).
//! - **What cannot run locally** (sidecars, init containers, volumes, `podSpecPatch`,
//!   `envFrom`, config-map env sources, exit handlers, retries of whole DAG or steps
//!   templates) is listed once in [`Plan::warnings`] and left out, or refused with
//!   [`RunOptions::strict`].
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

mod assess;
mod check;
mod depends;
mod error;
mod exec;
mod expr;
mod flatten;
mod globals;
mod job;
mod names;
mod options;
mod plan;
mod report;
mod retry;
mod retry_vars;
mod run;
mod state;
mod subst;
mod values;
mod when;

#[doc(inline)]
pub use depends::DependsSyntax;
#[doc(inline)]
pub use error::{Error, MissingSecret, Result, TaskError};
#[doc(inline)]
pub use expr::ExprError;
#[doc(inline)]
pub use names::{InvalidTaskName, TaskName};
#[doc(inline)]
pub use options::RunOptions;
#[doc(inline)]
pub use plan::Plan;
#[doc(inline)]
pub use report::{
    AttemptReport, Event, Observer, RunReport, RunStatus, TaskReport, TaskStatus, Warning,
    WarningKind,
};
#[doc(inline)]
pub use retry::InvalidRetryStrategy;
#[doc(inline)]
pub use retry_vars::{LastAttempt, RetryVariables, SubstituteError, substitute_retry_variables};
#[doc(inline)]
pub use when::WhenError;

/// Plans and runs `workflow`: [`Plan::new`] then [`Plan::run`].
pub fn run(
    workflow: &argo_model::Workflow,
    options: RunOptions,
    observer: &mut impl Observer,
) -> Result<RunReport> {
    Plan::new(workflow, options)?.run(observer)
}
