//! Errors: [`Error`] stops a run before any task starts; [`TaskError`] ends one task (and so the
//! run) while it runs.

use std::io;
use std::path::PathBuf;

use crate::depends::DependsSyntax;
use crate::expr::ExprError;
use crate::names::InvalidTaskName;
use crate::retry::InvalidRetryStrategy;
use crate::retry_vars::SubstituteError;
use crate::{TaskName, Warning};

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a workflow cannot run locally. Every check happens before the first task starts.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// `spec.entrypoint` is missing.
    #[error("the workflow has no entrypoint")]
    NoEntrypoint,
    /// A task (or the entrypoint) names a template the workflow does not define.
    #[error("template `{template}` (used by {used_by}) is not defined in the workflow")]
    UnknownTemplate {
        /// The missing template.
        template: String,
        /// Who uses it: ``task `x` `` or `the entrypoint`.
        used_by: String,
    },
    /// A template uses a feature that cannot run locally.
    #[error("template `{template}`: {feature} cannot run locally")]
    UnsupportedTemplate {
        /// The template.
        template: String,
        /// The feature (`steps templates`, `resource templates`, ...).
        feature: &'static str,
    },
    /// A DAG task uses a feature that cannot run locally.
    #[error("task `{task}`: {feature} cannot run locally")]
    UnsupportedTask {
        /// The task.
        task: String,
        /// The feature (`templateRef`, `when`, `withItems`, ...).
        feature: &'static str,
    },
    /// A container template has no `command`: only the image knows what to run.
    #[error("template `{template}` has no command (its image's entrypoint cannot run locally)")]
    NoCommand {
        /// The template.
        template: String,
    },
    /// A DAG template is used inside itself.
    #[error("template `{template}` uses itself (recursive DAG)")]
    RecursiveTemplate {
        /// The template.
        template: String,
    },
    /// A task or template name breaks Argo's naming rule.
    #[error("invalid task name in template `{template}`")]
    InvalidTaskName {
        /// The DAG template.
        template: String,
        /// The name.
        #[source]
        source: InvalidTaskName,
    },
    /// Two tasks of one DAG have the same name.
    #[error("template `{template}` has two tasks named `{task}`")]
    DuplicateTask {
        /// The DAG template.
        template: String,
        /// The name.
        task: String,
    },
    /// `dependencies` or `depends` names a task that is not in the same DAG.
    #[error("task `{task}` depends on `{dependency}`, which is not a task of the same DAG")]
    UnknownDependency {
        /// The task.
        task: TaskName,
        /// The missing dependency.
        dependency: String,
    },
    /// A `depends` expression does not parse.
    #[error("task `{task}`: invalid depends expression `{expression}`")]
    InvalidDepends {
        /// The task.
        task: TaskName,
        /// The expression.
        expression: String,
        /// What is wrong.
        #[source]
        source: DependsSyntax,
    },
    /// The tasks of a DAG depend on each other in a cycle.
    #[error("template `{template}`: dependency cycle through {}", tasks.join(" -> "))]
    DependencyCycle {
        /// The DAG template.
        template: String,
        /// Tasks on the cycle.
        tasks: Vec<String>,
    },
    /// A `{{...}}` tag resolves to nothing known locally.
    #[error("{used_in}: cannot resolve `{{{{{variable}}}}}`")]
    Unresolved {
        /// Where: ``template `x` `` or ``the arguments of task `y` ``.
        used_in: String,
        /// The variable (without braces).
        variable: String,
    },
    /// A `{{=...}}` tag is outside the supported expression subset.
    #[error("{used_in}: cannot evaluate `{{{{={expression}}}}}` locally")]
    InvalidExpression {
        /// Where: ``template `x` `` or ``the arguments of task `y` ``.
        used_in: String,
        /// The expression (without `{{=` and `}}`).
        expression: String,
        /// Why.
        #[source]
        source: ExprError,
    },
    /// A template input parameter gets no value (no argument, no `value`, no `default`).
    #[error("input parameter `{input}` of template `{template}` is not supplied by {used_by}")]
    MissingInput {
        /// The template.
        template: String,
        /// The input parameter.
        input: String,
        /// Who supplies it: ``task `x` `` or `the workflow arguments`.
        used_by: String,
    },
    /// A workflow parameter has no value and no override.
    #[error("workflow parameter `{name}` has no value (give one as an override)")]
    MissingWorkflowParameter {
        /// The parameter.
        name: String,
    },
    /// Secrets that templates read are not available in the local environment.
    #[error("{} secret(s) not available locally: {}", missing.len(), missing.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    MissingSecrets {
        /// Each missing secret.
        missing: Vec<MissingSecret>,
    },
    /// A template's `retryStrategy` cannot be followed (a bad limit, policy, duration or
    /// expression).
    #[error("template `{template}`: invalid retryStrategy")]
    InvalidRetryStrategy {
        /// The template.
        template: String,
        /// What is wrong.
        #[source]
        source: InvalidRetryStrategy,
    },
    /// A task given as done ([`RunOptions::done_task`](crate::RunOptions::done_task)) is not a
    /// task of the workflow that runs a process.
    #[error("task `{task}` (given as done) is not a task of the workflow that runs a process")]
    UnknownDoneTask {
        /// The name given.
        task: String,
    },
    /// An output given for a task given as done is not declared by its template.
    #[error("task `{task}` (given as done) has no output parameter `{output}` (it declares: {})", if declared.is_empty() { "none".to_owned() } else { declared.join(", ") })]
    UnknownDoneOutput {
        /// The task.
        task: String,
        /// The output given.
        output: String,
        /// What the template declares.
        declared: Vec<String>,
    },
    /// A task given as done lacks values for some of its output parameters.
    #[error("task `{task}` (given as done) needs a value for its output parameter(s) {}", outputs.join(", "))]
    MissingDoneOutputs {
        /// The task.
        task: String,
        /// The outputs without a value.
        outputs: Vec<String>,
    },
    /// Strict mode, and planning found things that cannot run locally.
    #[error("{} feature(s) of the workflow cannot run locally (strict mode)", warnings.len())]
    Strict {
        /// What was found.
        warnings: Vec<Warning>,
    },
    /// The run directory could not be created.
    #[error("cannot create run directory `{}`", path.display())]
    CreateRunDir {
        /// The directory.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
}

/// A secret env var of a template with no local value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MissingSecret {
    /// The template.
    pub template: String,
    /// The env var the template sets.
    pub env_var: String,
    /// `secretKeyRef.name`.
    pub secret: String,
    /// `secretKeyRef.key`.
    pub key: String,
    /// The local environment variable that was read.
    pub looked_up: String,
}

impl std::fmt::Display for MissingSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "env var `{}` of template `{}` reads secret `{}` key `{}`; local variable `{}` is not set",
            self.env_var, self.template, self.secret, self.key, self.looked_up
        )
    }
}

/// Why a task could not run (status [`Errored`](crate::TaskStatus::Errored)).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TaskError {
    /// A `{{...}}` tag could not be resolved when the task was about to start (e.g. the output
    /// of a task that did not produce it).
    #[error("cannot resolve `{{{{{variable}}}}}`")]
    Unresolved {
        /// The variable (without braces).
        variable: String,
    },
    /// `retryStrategy.limit` resolved to something that is not a non-negative integer.
    #[error("retryStrategy.limit `{value}` is not a non-negative integer")]
    InvalidRetryLimit {
        /// The value.
        value: String,
    },
    /// The log file could not be opened.
    #[error("cannot open log file `{}`", path.display())]
    OpenLog {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// A directory or file the task needs (output-parameter directories, script source) could
    /// not be written.
    #[error("cannot prepare `{}`", path.display())]
    Prepare {
        /// The path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// The process could not start.
    #[error("cannot start `{program}`")]
    Spawn {
        /// The program.
        program: String,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// Waiting for the process failed.
    #[error("cannot wait for the process")]
    Wait {
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// An output parameter's file could not be read and it has no default.
    #[error("cannot read output parameter `{parameter}` from `{}`", path.display())]
    ReadOutput {
        /// The parameter.
        parameter: String,
        /// The local file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// `retryStrategy.expression` failed to evaluate (e.g. `asInt` of a non-number).
    #[error("cannot evaluate retryStrategy.expression")]
    RetryExpression {
        /// Why.
        #[source]
        source: ExprError,
    },
    /// `retryStrategy.expression`, once its `{{...}}` tags are substituted, is outside the
    /// supported subset.
    #[error("retryStrategy.expression `{expression}`: {reason}")]
    RetryExpressionText {
        /// The substituted expression.
        expression: String,
        /// What is wrong.
        reason: String,
    },
    /// The retry variables could not be substituted into the template.
    #[error("cannot substitute the retry variables")]
    Substitute {
        /// Why.
        #[source]
        source: SubstituteError,
    },
    /// Its `when` condition cannot be evaluated.
    #[error("cannot evaluate its `when` condition")]
    When {
        /// Why.
        #[source]
        source: crate::WhenError,
    },
    /// The run was cancelled while the task ran; its process was killed.
    #[error("cancelled")]
    Cancelled,
}
