//! Command-line definition (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Compile Kedro pipelines into Argo Workflows, submit, watch and retry them.
#[derive(Debug, Parser)]
#[command(name = "argo-kedro", version, about, max_term_width = 100)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
    #[command(flatten)]
    pub(crate) global: GlobalArgs,
}

/// Flags that every command accepts.
#[derive(Debug, Args)]
pub(crate) struct GlobalArgs {
    /// The Kedro project directory [default: walk up from the current directory].
    #[arg(long, global = true, value_name = "DIR")]
    pub(crate) project: Option<PathBuf>,
    /// The Python interpreter that has Kedro and `argo_kedro`
    /// [default: `$ARGO_KEDRO_PYTHON`, else `$VIRTUAL_ENV/bin/python`, else the `python` installed
    /// beside this binary, else `python3`].
    #[arg(long, global = true, value_name = "PATH")]
    pub(crate) python: Option<PathBuf>,
    /// Print less (repeat for even less).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub(crate) quiet: u8,
    /// Print more (repeat for even more).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub(crate) verbose: u8,
    /// The Kubernetes namespace [default: in a Kedro project, its argo.yml's `namespace` (for
    /// `submit`, the `-e` env's; for the other commands, `cloud`'s or else `base`'s), else the
    /// kubeconfig context's].
    #[arg(short = 'n', long, global = true, value_name = "NS")]
    pub(crate) namespace: Option<String>,
    /// The kubeconfig file [default: `$KUBECONFIG`, else `~/.kube/config`, else the in-cluster
    /// service account].
    #[arg(long, global = true, value_name = "FILE")]
    pub(crate) kubeconfig: Option<PathBuf>,
    /// When to colour diagnostics (`NO_COLOR` is honoured under `auto`).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub(crate) color: ColorChoice,
    /// No per-task progress lines (`run-local`, `watch`); summaries and errors still print.
    #[arg(long, global = true, env = "ARGO_KEDRO_NO_PROGRESS")]
    pub(crate) no_progress: bool,
    /// The kubeconfig context [default: its current context].
    #[arg(long, global = true, value_name = "NAME")]
    pub(crate) context: Option<String>,
    /// Time limit of each request to the Kubernetes API server, its retries included (`45s`,
    /// `2m`; a bare number is seconds) [default: 30s]. A watch reconnects instead.
    #[arg(long, global = true, value_name = "DURATION", value_parser = parse_duration)]
    pub(crate) request_timeout: Option<std::time::Duration>,
}

/// A positive duration: `45s`, `2m`, `1m30s`, `500ms`, or a bare number of seconds.
fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    let text = text.trim();
    let parsed = match text.parse::<u64>() {
        Ok(seconds) => Ok(std::time::Duration::from_secs(seconds)),
        Err(_) => text
            .parse::<jiff::SignedDuration>()
            .map_err(|e| e.to_string())
            .and_then(|d| std::time::Duration::try_from(d).map_err(|e| e.to_string())),
    };
    match parsed {
        Ok(d) if !d.is_zero() => Ok(d),
        Ok(_) => Err("the duration must be more than zero".into()),
        Err(_) => Err(format!(
            "`{}` is not a duration like `30s`, `2m` or `1m30s`",
            argo_model::elide(text)
        )),
    }
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorChoice {
    /// Colour when stderr is a terminal and `NO_COLOR` is unset.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Print the pipeline IR of the Kedro project (what the exporter sees) as JSON, checked.
    ///
    /// Runs `python -m argo_kedro.export` in the project's interpreter, loads the
    /// result with kedro-graph and checks every pipeline's graph (duplicate names,
    /// cycles, datasets with two producers, fused groups). `--format text` prints a
    /// summary instead.
    Export(ExportArgs),
    /// Write `conf/<env>/argo.yml`, a Dockerfile and `.dockerignore` into the project.
    ///
    /// Never prompts; an existing file is kept unless `--force` is given.
    Init(InitArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell) on stdout.
    Completions(CompletionsArgs),
    /// Check Argo manifests: Argo's JSON Schema plus every rule of `argo lint --strict`.
    ///
    /// Prints one line per finding (`FILE:PATH: severity[rule]: message`) and exits 1
    /// when any finding is an error; warnings (names and labels the Kubernetes API server
    /// refuses, which `argo lint` accepts) do not fail. The rules: docs/lint.md.
    Lint(LintArgs),
    /// Compile a pipeline into an Argo Workflow manifest (checked before it is written).
    Compile(CompileArgs),
    /// Show the plan: tasks with their Kedro nodes, resources, memory and crossing datasets.
    Plan(PlanArgs),
    /// Run the compiled workflow on this machine, as local processes (no cluster needed).
    ///
    /// Tasks run as the Argo controller runs them: a failure does not stop other branches,
    /// `depends` handlers and `continueOn` apply, retries follow each template's
    /// `retryStrategy`. With `--manifest FILE`, any Argo Workflow (DAG or steps) runs here.
    #[command(name = "run-local")]
    RunLocal(RunLocalArgs),
    /// Compile, build and push the image, and create the Workflow in the cluster.
    ///
    /// The image is built with `docker buildx build` and pushed under the reference the
    /// manifest uses, unless `--no-build` or `--image` is given. `--dry-run` prints the docker
    /// commands (stderr) and the manifest (stdout, or `-o FILE`) and contacts nothing.
    Submit(SubmitArgs),
    /// Retry a failed workflow: its failed nodes run again IN PLACE (Argo's retry).
    ///
    /// Without `--workflow-name`, the latest Failed or Error workflow of this project is used.
    /// The image is rebuilt and pushed under the workflow's own image reference (so that the
    /// retried pods pull the fixed code) unless `--no-rebuild`; with `--no-rebuild
    /// --workflow-name NAME` any Argo workflow can be retried, also one not compiled here. As
    /// Argo, it refuses a workflow of another controller instance: the instance id is
    /// `$ARGO_INSTANCEID`, else the `workflows.argoproj.io/controller-instanceid` label of
    /// argo.yml's `labels`, else none.
    Resubmit(ResubmitArgs),
    /// Run the pipeline on a schedule: build and push the image, then create or update its
    /// `CronWorkflow`.
    ///
    /// The `CronWorkflow` is named after the project, pipeline and env (`PROJECT-PIPELINE-ENV`,
    /// printed), so `schedule` again (say, with another `--cron`) updates the same object in
    /// place. Its workflow spec is exactly the one `compile` writes; the workflows it starts
    /// carry the project's labels, so `list`, `status`, `watch` and `resubmit` find them.
    /// Without `--cron`, argo.yml's `schedule` of the env is used. `--list` shows this project's
    /// schedules with their next run; `--delete` removes the one of `-p`/`-e`.
    Schedule(ScheduleArgs),
    /// Phase, message, and per task its Kedro nodes, phase, pod, start and end.
    Status(StatusArgs),
    /// Follow a workflow to its end, with progress on stderr; exit 0 only if it Succeeded.
    Watch(WatchArgs),
    /// The main container's logs of a workflow's pods.
    Logs(LogsArgs),
    /// This project's workflows, newest first, with phase and duration.
    List(ListArgs),
    /// Stop a running workflow: no new tasks start, exit handlers still run.
    Stop(ShutdownArgs),
    /// Terminate a running workflow: running pods are killed, exit handlers skipped.
    Terminate(ShutdownArgs),
}

impl Command {
    /// Whether errors should be rendered as JSON for this invocation.
    pub(crate) fn wants_json(&self) -> bool {
        match self {
            Command::Export(args) => args.format == Some(ExportFormat::Json),
            Command::Lint(args) => args.format == LintFormat::Json,
            Command::Compile(args) => args.format == ManifestFormat::Json,
            Command::Plan(args) => args.format == PlanFormat::Json,
            Command::Submit(args) => args.format == ResultFormat::Json,
            Command::Status(args) => args.format == ResultFormat::Json,
            Command::List(args) => args.format == ResultFormat::Json,
            Command::Resubmit(args) => args.format == ResultFormat::Json,
            Command::Schedule(args) => args.format == ResultFormat::Json,
            Command::Init(_)
            | Command::RunLocal(_)
            | Command::Watch(_)
            | Command::Logs(_)
            | Command::Stop(_)
            | Command::Terminate(_)
            | Command::Completions(_) => false,
        }
    }
}

/// Arguments of `export`.
#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    /// Kedro env whose config and catalog are read.
    #[arg(short, long, default_value = "base")]
    pub(crate) env: String,
    /// Export only this registered pipeline [default: all].
    #[arg(short, long)]
    pub(crate) pipeline: Option<String>,
    /// Output format [default: json] (errors are JSON only when `--format json` is given).
    #[arg(long, value_enum)]
    pub(crate) format: Option<ExportFormat>,
}

/// Output format of `export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ExportFormat {
    /// The IR itself, as JSON (the default).
    Json,
    /// A summary per pipeline.
    Text,
}

/// Arguments of `init`.
#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    /// Kedro env whose conf directory gets argo.yml.
    #[arg(short, long, default_value = "base")]
    pub(crate) env: String,
    /// Overwrite files that exist.
    #[arg(short, long)]
    pub(crate) force: bool,
    /// Say nothing about the files written or kept (argo-kedro 0.1.41's `--silent`).
    #[arg(short, long)]
    pub(crate) silent: bool,
}

/// Arguments of `lint`.
#[derive(Debug, Args)]
pub(crate) struct LintArgs {
    /// Manifest files (YAML, several documents allowed, or JSON); `-` reads standard input. A
    /// template reference is checked against the workflow templates of all the files given.
    #[arg(required = true, value_name = "FILE")]
    pub(crate) files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = LintFormat::Text)]
    pub(crate) format: LintFormat,
    /// Accept fields Argo does not define (they are errors by default, as `argo lint --strict`).
    #[arg(long)]
    pub(crate) no_strict: bool,
}

/// Output format of `lint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum LintFormat {
    /// One line per finding.
    Text,
    /// One JSON array of documents with their findings.
    Json,
}

/// What to compile: shared by `compile`, `plan`, `submit` and `run-local`.
#[derive(Debug, Args)]
pub(crate) struct CompileSelection {
    /// The registered Kedro pipeline.
    #[arg(short, long, default_value = "__default__")]
    pub(crate) pipeline: String,
    /// The Kedro env: its argo.yml and catalog are read, and the pods run with it.
    #[arg(short, long, visible_alias = "environment", default_value = "base")]
    pub(crate) env: String,
    /// Image and tag of the pods, replacing `deployment.image` and `deployment.tag`.
    #[arg(long, value_name = "IMG:TAG")]
    pub(crate) image: Option<String>,
    /// Kedro parameter overrides for the run, `key=value,key2=value2`.
    #[arg(long, value_name = "K=V,...")]
    pub(crate) params: Option<Vec<String>>,
    /// How nodes become tasks [default: `grouping` of argo.yml, else none].
    #[arg(long, value_enum, value_name = "STRATEGY")]
    pub(crate) group_by: Option<GroupByArg>,
    /// Run only these Kedro nodes (comma-separated, as `kedro run --nodes`).
    #[arg(
        long,
        value_name = "NODE,...",
        help_heading = "Partial runs (Kedro's filters)"
    )]
    pub(crate) nodes: Vec<String>,
    /// Run these nodes and every node downstream of them (as `kedro run --from-nodes`).
    #[arg(
        long,
        value_name = "NODE,...",
        help_heading = "Partial runs (Kedro's filters)"
    )]
    pub(crate) from_nodes: Vec<String>,
    /// Run these nodes and every node upstream of them (as `kedro run --to-nodes`).
    #[arg(
        long,
        value_name = "NODE,...",
        help_heading = "Partial runs (Kedro's filters)"
    )]
    pub(crate) to_nodes: Vec<String>,
    /// Run only the nodes with any of these tags (as `kedro run --tags`).
    #[arg(
        long,
        value_name = "TAG,...",
        help_heading = "Partial runs (Kedro's filters)"
    )]
    pub(crate) tags: Vec<String>,
    /// Deprecated: `--memory-crossing fuse` is `--group-by memory`; `error` is the rule of
    /// every strategy.
    #[arg(
        long = "memory-crossing",
        value_enum,
        hide = true,
        conflicts_with = "group_by"
    )]
    pub(crate) memory_crossing: Option<MemoryCrossingArg>,
}

impl CompileSelection {
    /// The grouping strategy asked for on the command line (`--memory-crossing fuse` is
    /// `--group-by memory`).
    pub(crate) fn group_by(&self) -> Option<argo_fuse::GroupBy> {
        match (self.group_by, self.memory_crossing) {
            (Some(g), _) => Some(g.into()),
            (None, Some(MemoryCrossingArg::Fuse)) => Some(argo_fuse::GroupBy::Memory),
            (None, _) => None,
        }
    }

    /// The filter options, each as one comma-separated value for the exporter (repeated
    /// options joined), in the order `nodes`, `from-nodes`, `to-nodes`, `tags`.
    pub(crate) fn filter(&self) -> Vec<(&'static str, String)> {
        [
            ("nodes", &self.nodes),
            ("from-nodes", &self.from_nodes),
            ("to-nodes", &self.to_nodes),
            ("tags", &self.tags),
        ]
        .into_iter()
        .filter(|(_, values)| !values.is_empty())
        .map(|(option, values)| (option, values.join(",")))
        .collect()
    }
}

/// `--group-by`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum GroupByArg {
    /// One task per node and per `FusedPipeline` (the default).
    None,
    /// One task per top-level namespace (Kedro's `group_nodes_by("namespace")`).
    Namespace,
    /// Nodes joined by MemoryDatasets share a task.
    Memory,
    /// Nodes tagged `group.<name>` form the task `<name>`.
    Tags,
    /// Linear chains of nodes share a task.
    Chains,
}

impl From<GroupByArg> for argo_fuse::GroupBy {
    fn from(arg: GroupByArg) -> Self {
        match arg {
            GroupByArg::None => Self::None,
            GroupByArg::Namespace => Self::Namespace,
            GroupByArg::Memory => Self::Memory,
            GroupByArg::Tags => Self::Tags,
            GroupByArg::Chains => Self::Chains,
        }
    }
}

/// `--memory-crossing` (deprecated).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum MemoryCrossingArg {
    /// A MemoryDataset crossing tasks fails the compile (always so).
    Error,
    /// `--group-by memory`.
    Fuse,
}

/// Arguments of `compile`.
#[derive(Debug, Args)]
pub(crate) struct CompileArgs {
    #[command(flatten)]
    pub(crate) selection: CompileSelection,
    /// Where to write the manifest (`-` for standard output).
    #[arg(short, long, value_name = "FILE")]
    pub(crate) output: Option<String>,
    /// Manifest format.
    #[arg(long, value_enum, default_value_t = ManifestFormat::Yaml)]
    pub(crate) format: ManifestFormat,
    #[command(flatten)]
    pub(crate) schedule: ScheduleFlags,
}

/// The schedule of a `CronWorkflow` (`compile --cron`, `schedule`); each flag overrides the same
/// key of argo.yml's `schedule`.
#[derive(Debug, Args)]
pub(crate) struct ScheduleFlags {
    /// Write a `CronWorkflow` that runs the pipeline on this schedule: five cron fields (minute
    /// hour day-of-month month day-of-week, e.g. `0 2 * * *`) or `@hourly`, `@daily`,
    /// `@weekly`, `@monthly`, `@yearly`, `@every 6h` (as Argo reads them) [default: argo.yml's
    /// `schedule.cron`; `compile` writes a `CronWorkflow` only when a flag of the schedule is
    /// given].
    #[arg(long, value_name = "EXPR")]
    pub(crate) cron: Option<String>,
    /// The IANA time zone the schedule is read in, e.g. `Europe/Paris` [default: argo.yml's
    /// `schedule.timezone`, else the controller's].
    #[arg(long, value_name = "TZ")]
    pub(crate) timezone: Option<String>,
    /// What Argo does when a run is due while the previous one still runs [default: argo.yml's
    /// `schedule.concurrency_policy`, else Forbid: the new run is skipped, as a data pipeline
    /// should not overlap itself].
    #[arg(long, value_enum, value_name = "POLICY", ignore_case = true)]
    pub(crate) concurrency_policy: Option<ConcurrencyPolicyArg>,
    /// How many seconds after its time a missed run (the controller was down) may still start
    /// [default: argo.yml's `schedule.starting_deadline`, else no limit].
    #[arg(long, value_name = "SECONDS")]
    pub(crate) starting_deadline: Option<u32>,
}

impl ScheduleFlags {
    /// Whether any flag of the schedule is given.
    pub(crate) fn any(&self) -> bool {
        self.cron.is_some()
            || self.timezone.is_some()
            || self.concurrency_policy.is_some()
            || self.starting_deadline.is_some()
    }
}

/// `--concurrency-policy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ConcurrencyPolicyArg {
    /// Start it anyway: runs may overlap.
    #[value(name = "Allow")]
    Allow,
    /// Skip it while the previous run runs.
    #[value(name = "Forbid")]
    Forbid,
    /// Stop the previous run, start the new one.
    #[value(name = "Replace")]
    Replace,
}

impl From<ConcurrencyPolicyArg> for argo_fuse::config::ConcurrencyPolicy {
    fn from(arg: ConcurrencyPolicyArg) -> Self {
        match arg {
            ConcurrencyPolicyArg::Allow => Self::Allow,
            ConcurrencyPolicyArg::Forbid => Self::Forbid,
            ConcurrencyPolicyArg::Replace => Self::Replace,
        }
    }
}

/// Manifest format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ManifestFormat {
    /// YAML.
    Yaml,
    /// JSON.
    Json,
}

impl From<ManifestFormat> for argo_fuse::TextFormat {
    fn from(format: ManifestFormat) -> Self {
        match format {
            ManifestFormat::Yaml => Self::Yaml,
            ManifestFormat::Json => Self::Json,
        }
    }
}

/// Arguments of `plan`.
#[derive(Debug, Args)]
pub(crate) struct PlanArgs {
    #[command(flatten)]
    pub(crate) selection: CompileSelection,
    /// Output format.
    #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
    pub(crate) format: PlanFormat,
}

/// Output format of `plan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum PlanFormat {
    /// A table of tasks.
    Text,
    /// The plan as JSON.
    Json,
    /// A Mermaid flowchart.
    Mermaid,
    /// A Graphviz digraph.
    Dot,
}

/// Arguments of `run-local`.
#[derive(Debug, Args)]
pub(crate) struct RunLocalArgs {
    #[command(flatten)]
    pub(crate) selection: CompileSelection,
    /// Run this Argo Workflow manifest (YAML or JSON, `-` for standard input) instead of the
    /// project's pipeline, as the controller would: images are not used, commands run here.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["CompileSelection", "skip_init"])]
    pub(crate) manifest: Option<PathBuf>,
    /// A workflow parameter of `--manifest`, as `argo submit -p` (repeatable).
    #[arg(long = "parameter", value_name = "NAME=VALUE", requires = "manifest")]
    pub(crate) parameters: Vec<String>,
    /// Do not run the init templates (`template.init_templates` of argo.yml), e.g. those that
    /// need cluster services; give their outputs with `--init-output`.
    #[arg(long)]
    pub(crate) skip_init: bool,
    /// The value of an output parameter of the skipped init templates (repeatable).
    #[arg(long, value_name = "NAME=VALUE", requires = "skip_init")]
    pub(crate) init_output: Vec<String>,
    /// How many tasks run at once [default: the number of cores].
    #[arg(short, long, value_name = "N")]
    pub(crate) jobs: Option<std::num::NonZeroUsize>,
    /// Where a secret comes from: `KEY=ENVVAR` (default: the variable named KEY).
    #[arg(long, value_name = "KEY=ENVVAR")]
    pub(crate) secret: Vec<String>,
    /// Refuse to run when the workflow uses what cannot run locally (sidecars, volumes, ...).
    #[arg(long)]
    pub(crate) strict: bool,
    /// Directory for logs and outputs of the run [default: .argo-kedro/runs/NAME in the project,
    /// or in the current directory with `--manifest`].
    #[arg(long, value_name = "DIR")]
    pub(crate) run_dir: Option<PathBuf>,
}

/// Output format of the cluster commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub(crate) enum ResultFormat {
    /// For people.
    #[default]
    Text,
    /// One JSON document.
    Json,
}

/// Arguments of `submit`.
#[derive(Debug, Args)]
// As in argo-kedro 0.1.41, `submit` runs the pods with the `cloud` env unless told otherwise.
#[command(mut_arg("env", |arg| arg.default_value("cloud")))]
#[allow(clippy::struct_excessive_bools)] // command-line flags: each is a yes/no switch
pub(crate) struct SubmitArgs {
    #[command(flatten)]
    pub(crate) selection: CompileSelection,
    /// Do not build and push the image (it exists already).
    #[arg(long)]
    pub(crate) no_build: bool,
    /// The workflow's exact name [default: generated from the project and pipeline].
    #[arg(long, value_name = "NAME", conflicts_with = "workflow_name")]
    pub(crate) name: Option<String>,
    /// The base of the workflow's name: the cluster adds a random suffix (`NAME-x7k2p`), as
    /// with argo-kedro 0.1.41's `--workflow-name`.
    #[arg(short = 'w', long, value_name = "NAME")]
    pub(crate) workflow_name: Option<String>,
    /// Follow the workflow to its end; exit 0 only if it Succeeded.
    #[arg(long)]
    pub(crate) watch: bool,
    /// Print the docker commands and the manifest; build nothing, contact no cluster.
    #[arg(short, long, visible_alias = "dry_run")]
    pub(crate) dry_run: bool,
    /// With `--dry-run`: where to write the manifest (`-` for standard output).
    #[arg(short, long, value_name = "FILE", requires = "dry_run")]
    pub(crate) output: Option<String>,
    /// Output format (with `--dry-run`: JSON writes the manifest as JSON).
    #[arg(long, value_enum, default_value_t)]
    pub(crate) format: ResultFormat,
    /// Submit a manifest larger than the 1 MiB Argo accepts (refused without it).
    #[arg(long)]
    pub(crate) force: bool,
}

/// Arguments of `schedule`.
#[derive(Debug, Args)]
// As `submit`, the pods run with the `cloud` env unless told otherwise.
#[command(mut_arg("env", |arg| arg.default_value("cloud")))]
pub(crate) struct ScheduleArgs {
    #[command(flatten)]
    pub(crate) selection: CompileSelection,
    #[command(flatten)]
    pub(crate) schedule: ScheduleFlags,
    /// Do not build and push the image (it exists already).
    #[arg(long)]
    pub(crate) no_build: bool,
    /// Show this project's schedules with their next run, instead of creating one.
    #[arg(long, conflicts_with_all = ["delete", "cron", "timezone", "concurrency_policy", "starting_deadline", "no_build", "image", "params"])]
    pub(crate) list: bool,
    /// Delete the schedule of `-p`/`-e` (the workflows it started stay).
    #[arg(long, conflicts_with_all = ["cron", "timezone", "concurrency_policy", "starting_deadline", "no_build", "image", "params"])]
    pub(crate) delete: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub(crate) format: ResultFormat,
}

/// Arguments of `resubmit`.
#[derive(Debug, Args)]
#[allow(clippy::struct_excessive_bools)] // command-line flags: each is a yes/no switch
pub(crate) struct ResubmitArgs {
    /// The workflow [default: this project's latest Failed or Error workflow].
    #[arg(short, long, value_name = "NAME")]
    pub(crate) workflow_name: Option<String>,
    /// Kedro env whose argo.yml gives the namespace (else `base`'s) and builds the image
    /// [default: namespace from `cloud`'s or `base`'s argo.yml; image config of the env the
    /// workflow ran with, from its `argo-kedro.io/env` label].
    #[arg(short, long, visible_alias = "environment")]
    pub(crate) env: Option<String>,
    /// Rebuild and push the image before retrying (the default).
    #[arg(long, overrides_with = "no_rebuild")]
    pub(crate) rebuild: bool,
    /// Do not rebuild and push the image before retrying (then the workflow may be any Argo
    /// workflow, with any images).
    #[arg(long, overrides_with = "rebuild")]
    pub(crate) no_rebuild: bool,
    /// Submit a NEW workflow that skips the nodes that succeeded (memoized resubmit),
    /// instead of retrying in place.
    #[arg(long)]
    pub(crate) memoized: bool,
    /// Follow the workflow to its end; exit 0 only if it Succeeded.
    #[arg(long)]
    pub(crate) watch: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub(crate) format: ResultFormat,
}

/// Arguments of `status`.
#[derive(Debug, Args)]
pub(crate) struct StatusArgs {
    /// The workflow.
    pub(crate) name: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub(crate) format: ResultFormat,
}

/// Arguments of `watch`.
#[derive(Debug, Args)]
pub(crate) struct WatchArgs {
    /// The workflow.
    pub(crate) name: String,
}

/// Arguments of `logs`.
#[derive(Debug, Args)]
pub(crate) struct LogsArgs {
    /// The workflow.
    pub(crate) name: String,
    /// Only the pod(s) running this Kedro node.
    #[arg(long, value_name = "KEDRO_NODE")]
    pub(crate) node: Option<String>,
    /// Keep streaming, picking up pods as they start, until the workflow has completed.
    #[arg(short, long)]
    pub(crate) follow: bool,
}

/// Arguments of `list`.
#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    /// Every argo-kedro workflow of the namespace, not only this project's.
    #[arg(long)]
    pub(crate) all: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub(crate) format: ResultFormat,
}

/// Arguments of `stop` and `terminate`.
#[derive(Debug, Args)]
pub(crate) struct ShutdownArgs {
    /// The workflow.
    pub(crate) name: String,
}

/// Arguments of `completions`.
#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub(crate) shell: clap_complete::Shell,
}
