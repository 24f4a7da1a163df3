//! The binary's error type: what went wrong, at this layer, plus hints.

use std::path::PathBuf;

use crate::discover::PythonSource;

/// The failed tasks of a workflow, by remedy.
#[derive(Debug, Default)]
pub(crate) struct FailedTasks {
    /// Killed for exceeding their memory limit (`OOMKilled`), labelled with their Kedro nodes.
    pub(crate) out_of_memory: Vec<String>,
    /// On a memory ladder (`on_oom`), killed for memory below its top: the rung they ran on
    /// and the next.
    pub(crate) escalate: Vec<String>,
    /// Their pod was deleted, evicted or pre-empted (not their code's fault).
    pub(crate) lost_pods: Vec<String>,
}

/// Everything a command can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub(crate) enum CliError {
    /// No Kedro project above the working directory.
    #[error("no Kedro project found in `{}` or any parent directory", start.display())]
    ProjectNotFound {
        /// Where the search started.
        start: PathBuf,
    },
    /// `--project` is not a Kedro project.
    #[error("`{}` is not a Kedro project (no pyproject.toml with a [tool.kedro] table)", dir.display())]
    NotAKedroProject {
        /// The directory given.
        dir: PathBuf,
    },
    /// The interpreter could not be started.
    #[error("could not run the Python interpreter `{}` ({origin})", python.display())]
    PythonNotRunnable {
        /// The interpreter.
        python: PathBuf,
        /// Where the choice came from.
        origin: PythonSource,
        /// Why it could not start.
        #[source]
        source: std::io::Error,
    },
    /// The interpreter lacks Kedro or `argo_kedro`.
    #[error("the Python interpreter `{}` ({origin}) has no module `{module}`", python.display())]
    PythonMissingModule {
        /// The interpreter.
        python: PathBuf,
        /// Where the choice came from.
        origin: PythonSource,
        /// `kedro` or `argo_kedro`.
        module: &'static str,
    },
    /// The exporter ran and failed.
    #[error("could not read the Kedro project for env `{env}`")]
    ExportFailed {
        /// The Kedro env.
        env: String,
        /// What the exporter said.
        #[source]
        source: ToolMessage,
        /// How to fix it: the exporter's own `hint:` line, if it printed one.
        hint: Option<String>,
    },
    /// The exporter printed something that is not UTF-8.
    #[error("the exporter printed output that is not UTF-8")]
    ExporterOutputNotUtf8,
    /// The exporter's output is not a valid IR.
    #[error("the exporter's output is not a pipeline IR this argo-kedro can read")]
    Ir(#[source] kedro_graph::IrError),
    /// A pipeline's graph is invalid.
    #[error("pipeline `{pipeline}` is not a valid Kedro pipeline graph")]
    Graph {
        /// The registered pipeline name.
        pipeline: String,
        /// What is wrong with it.
        #[source]
        source: kedro_graph::GraphError,
    },
    /// Reading an input file failed.
    #[error("could not read `{}`", path.display())]
    ReadFile {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// `lint` found errors.
    #[error("{} in {}", crate::output::count(*errors, "lint error", "lint errors"), crate::output::count(*files, "file", "files"))]
    LintFailed {
        /// How many findings are errors.
        errors: usize,
        /// In how many files.
        files: usize,
    },
    /// The docker client could not be started.
    #[error("could not run `{command}`")]
    DockerNotRunnable {
        /// The command line.
        command: String,
        /// The flag of this command that skips the build (`--no-build`, `--no-rebuild`).
        skip_flag: &'static str,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A docker command failed.
    #[error("`{command}` failed (exit code {})", code.map_or_else(|| "none".to_string(), |c| c.to_string()))]
    DockerFailed {
        /// The command line.
        command: String,
        /// Its exit code.
        code: Option<i32>,
        /// The last line of its stderr (all of it was shown as it ran).
        #[source]
        last_line: Option<ToolMessage>,
    },
    /// `--image` is not `IMG:TAG`.
    #[error(
        "`{}` is not an image reference of the form IMG:TAG",
        argo_model::elide(image)
    )]
    InvalidImage {
        /// What was given.
        image: String,
    },
    /// An item of `--params` is not `key=value`.
    #[error(
        "`{}` in --params is not of the form key=value",
        argo_model::elide(item)
    )]
    InvalidParam {
        /// The item.
        item: String,
    },
    /// An item of `--secret` is not `KEY=ENVVAR`.
    #[error(
        "`{}` in --secret is not of the form KEY=ENVVAR",
        argo_model::elide(item)
    )]
    InvalidSecret {
        /// The item.
        item: String,
    },
    /// The compile failed.
    #[error("could not compile the pipeline")]
    Compile(#[source] argo_fuse::FuseError),
    /// Serialising the manifest failed (a bug).
    #[error("could not write the manifest")]
    Manifest(#[source] argo_model::Error),
    /// The local run could not start.
    #[error("could not run the workflow locally")]
    LocalPlan(#[source] argo_local::Error),
    /// `--parameter` or `--init-output` is not `NAME=VALUE`.
    #[error("`{item}` is not NAME=VALUE ({flag})")]
    InvalidAssignment {
        /// The flag.
        flag: &'static str,
        /// The item.
        item: String,
    },
    /// `--manifest` does not hold a Workflow.
    #[error("`{}` does not hold an Argo Workflow ({found})", path.display())]
    NotAWorkflow {
        /// The file.
        path: PathBuf,
        /// What it holds instead.
        found: String,
    },
    /// `--manifest` is not a valid Argo document.
    #[error("`{}` is not a valid Argo manifest", path.display())]
    ManifestInvalid {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: argo_model::Error,
    },
    /// `TRANSIENT_ERROR_PATTERN` is not a regular expression.
    #[error("TRANSIENT_ERROR_PATTERN `{pattern}` is not a valid regular expression")]
    TransientPattern {
        /// The pattern.
        pattern: String,
    },
    /// An `--init-output` names no output of the init templates.
    #[error("no init template has the output parameter `{name}`")]
    UnknownInitOutput {
        /// The name given.
        name: String,
        /// The outputs the init templates declare.
        known: Vec<String>,
    },
    /// `--skip-init` without a value for some outputs of the init templates.
    #[error("the skipped init templates need values for their output parameter(s) {}", names.join(", "))]
    MissingInitOutputs {
        /// The outputs without a value.
        names: Vec<String>,
    },
    /// The local run failed.
    #[error("the local run failed: {failed}")]
    LocalRunFailed {
        /// Which tasks failed, with their Kedro nodes.
        failed: String,
    },
    /// Writing a file failed.
    #[error("could not write `{}`", path.display())]
    WriteFile {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// `-o` names something that is not a file, a FIFO or a character device.
    #[error("refusing to write `{}`: it is a {kind}", path.display())]
    OutputKind {
        /// The path given.
        path: PathBuf,
        /// `directory`, `block device`, `socket`, ...
        kind: &'static str,
    },
    /// A directory on the way to an output file is a file.
    #[error("could not write `{}`: `{}` is not a directory", path.display(), parent.display())]
    ParentNotDirectory {
        /// The path given.
        path: PathBuf,
        /// The ancestor that is not a directory.
        parent: PathBuf,
    },
    /// An input is larger than the binary reads.
    #[error("`{}` is larger than {} MiB; refusing to read it", path.display(), limit >> 20)]
    InputTooLarge {
        /// The file (`-` for standard input).
        path: PathBuf,
        /// The cap, in bytes.
        limit: usize,
    },
    /// An input is not UTF-8 text.
    #[error("`{}` is not UTF-8 text (invalid byte at offset {offset})", path.display())]
    InputNotUtf8 {
        /// The file (`-` for standard input).
        path: PathBuf,
        /// Where the first invalid byte is.
        offset: usize,
    },
    /// The manifest is larger than Argo accepts.
    #[error(
        "the manifest is {} ({size} bytes) of compact JSON, over the {} Argo accepts",
        crate::size::mib(*size),
        crate::size::mib(*limit)
    )]
    ManifestTooLarge {
        /// Its size, in bytes.
        size: usize,
        /// Argo's limit.
        limit: usize,
    },
    /// Writing the output failed.
    #[error("could not write to standard output")]
    Stdout(#[source] std::io::Error),
    /// Serialising output failed (a bug).
    #[error("could not serialise the output")]
    Serialize(#[source] serde_json::Error),
    /// A request to the cluster failed; the cause says why in one line.
    #[error("could not {action}")]
    Cluster {
        /// What was being done, e.g. `submit the workflow`.
        action: String,
        /// Why (boxed: kube's errors are large).
        #[source]
        source: Box<argo_client::Error>,
    },
    /// A name given on the command line is invalid.
    #[error("invalid {what}")]
    InvalidName {
        /// `--namespace`, `--name`, ...
        what: &'static str,
        /// Why.
        #[source]
        source: argo_client::NameError,
    },
    /// The async runtime could not start.
    #[error("could not start the async runtime")]
    Runtime(#[source] std::io::Error),
    /// The workflow ended, but not in Succeeded.
    #[error("workflow `{name}` ended in phase {phase}{}", message.as_deref().map(|m| format!(": {m}")).unwrap_or_default())]
    WorkflowFailed {
        /// The workflow.
        name: String,
        /// Its final phase.
        phase: String,
        /// Its status message.
        message: Option<String>,
        /// The failed tasks that call for another remedy than a code fix (boxed: the error
        /// stays small).
        tasks: Box<FailedTasks>,
    },
    /// `resubmit` without a name found no failed workflow of the project.
    #[error("no Failed or Error workflow of project `{project}` in namespace `{namespace}`")]
    NoFailedWorkflow {
        /// The project label value.
        project: String,
        /// The namespace.
        namespace: String,
    },
    /// `resubmit` was asked for a workflow that did not fail.
    #[error("workflow `{name}` is {phase}: only Failed or Error workflows can be resubmitted")]
    NotResubmittable {
        /// The workflow.
        name: String,
        /// Its phase (`(none)` when unset).
        phase: String,
    },
    /// The workflow's own image could not be read from its templates.
    #[error("cannot tell which image workflow `{name}` runs: {reason}")]
    WorkflowImage {
        /// The workflow.
        name: String,
        /// What was found.
        reason: String,
    },
    /// `logs --node` named a Kedro node the workflow has no pod for.
    #[error("workflow `{name}` has no pod running Kedro node `{node}`")]
    NoPodForNode {
        /// The workflow.
        name: String,
        /// The Kedro node.
        node: String,
        /// The Kedro nodes it has pods for.
        known: Vec<String>,
    },
    /// The schedule (flags and argo.yml's `schedule`) is not one Argo accepts.
    #[error("invalid schedule")]
    Schedule(#[source] argo_fuse::ScheduleError),
    /// `schedule` without `--cron`, and argo.yml's env has no `schedule`.
    #[error(
        "no schedule for Kedro env `{env}`: no --cron, and its argo.yml has no `schedule.cron`"
    )]
    NoSchedule {
        /// The Kedro env.
        env: String,
    },
    /// A `CronWorkflow` of the same name runs another project, pipeline or env.
    #[error(
        "CronWorkflow `{name}` in namespace `{namespace}` exists and runs {other}, not this pipeline"
    )]
    ScheduleTaken {
        /// The `CronWorkflow`.
        name: String,
        /// The namespace.
        namespace: String,
        /// What it runs (`project x, pipeline y, env z`).
        other: String,
    },
    /// The working directory is unreadable.
    #[error("could not read the current directory")]
    CurrentDir(#[source] std::io::Error),
}

/// What a child process said went wrong, in one line: the exporter's `error: ...` line (without
/// the prefix), or the last line docker printed on stderr.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub(crate) struct ToolMessage {
    /// The line.
    pub(crate) message: String,
}

impl CliError {
    /// The causes to print, one line each: each `source` in turn; a cluster error's causes on
    /// one line (the client's error and the API server's message), so that it prints in three
    /// lines with its hint.
    pub(crate) fn cause_lines(&self) -> Vec<String> {
        let mut causes = Vec::new();
        let mut source = std::error::Error::source(self);
        while let Some(cause) = source {
            causes.push(cause.to_string());
            source = cause.source();
        }
        if matches!(self, CliError::Cluster { .. }) && causes.len() > 1 {
            return vec![causes.join(": ")];
        }
        causes
    }

    /// 1 for errors the user can fix, 2 for internal ones.
    pub(crate) fn exit_code(&self) -> u8 {
        match self {
            CliError::ExporterOutputNotUtf8 | CliError::Serialize(_) | CliError::Manifest(_) => 2,
            _ => 1,
        }
    }

    /// How to fix it, when we know.
    pub(crate) fn hints(&self) -> Vec<String> {
        match self {
            CliError::ProjectNotFound { .. } | CliError::NotAKedroProject { .. } => vec![
                "run argo-kedro inside a Kedro project, or pass --project DIR".into(),
            ],
            CliError::PythonNotRunnable { .. } => vec![
                "pass --python PATH or set ARGO_KEDRO_PYTHON to the interpreter of the project's virtual environment".into(),
            ],
            CliError::PythonMissingModule { module, .. } => vec![
                format!(
                    "install it into that interpreter (`pip install {}`), or choose the project's interpreter with --python PATH",
                    if *module == "kedro" { "kedro" } else { "argo-kedro" }
                ),
            ],
            CliError::DockerNotRunnable { skip_flag, .. } => vec![format!(
                "install the docker client (with buildx), set ARGO_KEDRO_DOCKER to it, or pass {skip_flag}"
            )],
            CliError::ExportFailed { hint, .. } => hint.iter().cloned().collect(),
            CliError::InvalidImage { image } => {
                let rule = argo_fuse::config::ValueRule::ImageReference;
                match rule.nearest(image) {
                    Some(nearest) if nearest.contains(':') => {
                        vec![format!("did you mean `{nearest}`?")]
                    }
                    _ => vec![format!("the image must be {rule}, with a tag")],
                }
            }
            CliError::Compile(err) => compile_hints(err),
            // One line: at default verbosity only the first hint is shown.
            CliError::ManifestTooLarge { .. } => vec![format!(
                "{}; --force submits it anyway, but Argo's controller fails a workflow over its limit, and the API server refuses an object over its own (about 1.5 MiB with etcd's default request size)",
                crate::size::HELP
            )],
            CliError::Cluster { source, .. } => crate::cluster::hints(source),
            CliError::InvalidName { .. } => vec![
                "names are lowercase letters, digits and '-', starting and ending with a letter or digit".into(),
            ],
            CliError::NoFailedWorkflow { .. } => vec![
                "`argo-kedro list` shows this project's workflows; pass --workflow-name NAME, or --namespace NS".into(),
            ],
            CliError::NotResubmittable { .. } => vec![
                "a Succeeded workflow needs no retry: `argo-kedro submit` starts a new run".into(),
            ],
            CliError::NoSchedule { env } => vec![format!(
                "pass --cron EXPR (e.g. --cron '0 2 * * *'), or set `schedule: {{cron: '0 2 * * *'}}` in conf/{env}/argo.yml"
            )],
            CliError::Schedule(_) => vec![
                "--cron takes five fields (minute hour day-of-month month day-of-week) or @hourly, @daily, @weekly, @monthly, @yearly, @every DURATION; --timezone an IANA name such as Europe/Paris".into(),
            ],
            CliError::ScheduleTaken { .. } => vec![
                "`argo-kedro schedule --list` shows this project's schedules; delete the other one with kubectl, or use another --namespace".into(),
            ],
            CliError::WorkflowImage { .. } => vec![
                "pass --no-rebuild and build and push the image yourself".into(),
            ],
            CliError::NoPodForNode { known, .. } if !known.is_empty() => vec![format!(
                "Kedro nodes with pods: {}",
                known.join(", ")
            )],
            CliError::WorkflowFailed { name, tasks, .. } => workflow_failed_hints(name, tasks),
            CliError::MissingInitOutputs { names } => vec![format!(
                "give each with --init-output, e.g. `--init-output {}=VALUE`",
                names[0]
            )],
            CliError::UnknownInitOutput { known, .. } if !known.is_empty() => {
                vec![format!("the init templates' outputs: {}", known.join(", "))]
            }
            CliError::UnknownInitOutput { .. } => {
                vec!["the init templates declare no output parameters: drop --init-output".into()]
            }
            CliError::NotAWorkflow { .. } => vec![
                "run-local --manifest runs a `kind: Workflow` (for a WorkflowTemplate, copy its spec into a Workflow)".into(),
            ],
            CliError::LocalPlan(argo_local::Error::Strict { .. }) => {
                vec!["run without --strict to leave these out".into()]
            }
            CliError::LocalPlan(argo_local::Error::MissingSecrets { .. }) => vec![
                "export the variables, or map a secret key to another variable with --secret KEY=ENVVAR".into(),
            ],
            CliError::Ir(_) => vec![
                "the argo_kedro Python package and the argo-kedro binary must come from the same release; reinstall argo-kedro".into(),
            ],
            _ => Vec::new(),
        }
    }
}

/// The hints of a failed workflow: by what killed its tasks, then where to look.
fn workflow_failed_hints(name: &str, tasks: &FailedTasks) -> Vec<String> {
    let FailedTasks {
        out_of_memory,
        escalate,
        lost_pods,
    } = tasks;
    let mut hints = Vec::new();
    if !escalate.is_empty() {
        hints.push(format!(
                "out of memory (OOMKilled) on a memory ladder: {}; `argo-kedro resubmit --workflow-name {name}` retries them on that next rung",
                escalate.join("; ")
            ));
    }
    if !out_of_memory.is_empty() {
        hints.push(format!(
                "out of memory (OOMKilled): {}; give these nodes a `machine_type` with more `mem` in argo.yml, then submit again",
                out_of_memory.join("; ")
            ));
    }
    if !lost_pods.is_empty() {
        hints.push(format!(
                "pod lost (deleted, evicted or pre-empted), not a failure of the code: {}; `argo-kedro resubmit --workflow-name {name} --no-rebuild` retries them, and a `retry_strategy` with an `expression` on `lastRetry.message` in argo.yml retries such pods by itself (see the argo.yml `argo-kedro init` writes)",
                lost_pods.join("; ")
            ));
    }
    hints.push(format!(
            "`argo-kedro status {name}` shows which tasks failed, `argo-kedro logs {name} --node NODE` their logs, and `argo-kedro resubmit --workflow-name {name}` retries them"
        ));
    hints
}

/// The library's hints for a compile error, with the flags and commands of this binary that
/// would change the outcome.
fn compile_hints(err: &argo_fuse::FuseError) -> Vec<String> {
    use argo_fuse::{CompileError, ConfigError, FuseError, PlanError};
    let mut hints = err.hints();
    match err {
        FuseError::Compile(CompileError::EnvMismatch { requested, .. }) => {
            hints.push(format!("export the IR again with `--env {requested}`"));
        }
        FuseError::Config(ConfigError::Missing) => {
            hints.push("`argo-kedro init --env ENV` writes a commented argo.yml for ENV".into());
        }
        FuseError::Plan(PlanError::MemoryCrossing { .. }) => hints.push(
            "`--group-by memory` merges the tasks of a MemoryDataset's writer and readers where it can"
                .into(),
        ),
        FuseError::Plan(PlanError::UnknownFilterNode { .. } | PlanError::EmptySelection { .. }) => {
            hints.push(
                "`argo-kedro plan` without --nodes, --from-nodes, --to-nodes or --tags lists every node"
                    .into(),
            );
        }
        FuseError::Plan(PlanError::UnknownFilterTag { .. }) => hints.push(
            "`argo-kedro export --format json` lists every node with its tags".into(),
        ),
        FuseError::Plan(PlanError::GroupTags { .. } | PlanError::GroupTagsConflict { .. }) => {
            hints.push(
                "give each node (and all members of a FusedPipeline) at most one `group.<name>` tag, or choose another --group-by"
                    .into(),
            );
        }
        _ => {}
    }
    hints
}
