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
    /// [default: `$ARGO_KEDRO_PYTHON`, else `$VIRTUAL_ENV/bin/python`, else `python3`].
    #[arg(long, global = true, value_name = "PATH")]
    pub(crate) python: Option<PathBuf>,
    /// Print less (repeat for even less).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub(crate) quiet: u8,
    /// Print more (repeat for even more).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub(crate) verbose: u8,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Print the pipeline IR of the Kedro project (what the exporter sees), checked.
    ///
    /// Runs `python -m argo_kedro.export` in the project's interpreter, loads the
    /// result with kedro-graph and checks every pipeline's graph (duplicate names,
    /// cycles, datasets with two producers, fused groups).
    Export(ExportArgs),
    /// Write `conf/<env>/argo.yml`, a Dockerfile and `.dockerignore` into the project.
    ///
    /// Never prompts; an existing file is kept unless `--force` is given.
    Init(InitArgs),
    /// Check Argo manifests: Argo's JSON Schema plus the rules of `argo lint --strict`.
    ///
    /// Prints one line per finding (`FILE:PATH: severity[rule]: message`) and exits 1
    /// when any finding is an error.
    Lint(LintArgs),
    /// Compile a pipeline into an Argo Workflow manifest (checked before it is written).
    Compile(CompileArgs),
    /// Show the plan: tasks with their Kedro nodes, resources, memory and crossing datasets.
    Plan(PlanArgs),
    /// Run the compiled workflow on this machine, as local processes (no cluster needed).
    #[command(name = "run-local")]
    RunLocal(RunLocalArgs),
}

impl Command {
    /// Whether errors should be rendered as JSON for this invocation.
    pub(crate) fn wants_json(&self) -> bool {
        match self {
            Command::Export(args) => args.format == ExportFormat::Json,
            Command::Lint(args) => args.format == LintFormat::Json,
            Command::Compile(args) => args.format == ManifestFormat::Json,
            Command::Plan(args) => args.format == PlanFormat::Json,
            Command::Init(_) | Command::RunLocal(_) => false,
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
    /// Output format.
    #[arg(long, value_enum, default_value_t = ExportFormat::Text)]
    pub(crate) format: ExportFormat,
}

/// Output format of `export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ExportFormat {
    /// A summary per pipeline.
    Text,
    /// The IR itself, as JSON.
    Json,
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
}

/// Arguments of `lint`.
#[derive(Debug, Args)]
pub(crate) struct LintArgs {
    /// Manifest files (YAML, several documents allowed, or JSON); `-` reads standard input.
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
    #[arg(short, long, default_value = "base")]
    pub(crate) env: String,
    /// Image and tag of the pods, replacing `deployment.image` and `deployment.tag`.
    #[arg(long, value_name = "IMG:TAG")]
    pub(crate) image: Option<String>,
    /// Kedro parameter overrides for the run, `key=value,key2=value2`.
    #[arg(long, value_name = "K=V,...")]
    pub(crate) params: Option<Vec<String>>,
    /// Merge producer and consumers of a MemoryDataset that crosses tasks into one task
    /// (instead of failing the compile).
    #[arg(long = "memory-crossing", value_enum, default_value_t = MemoryCrossingArg::Error)]
    pub(crate) memory_crossing: MemoryCrossingArg,
}

impl CompileSelection {
    /// Whether crossings are fused.
    pub(crate) fn fuse_memory_crossings(&self) -> bool {
        self.memory_crossing == MemoryCrossingArg::Fuse
    }
}

/// `--memory-crossing`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum MemoryCrossingArg {
    /// A MemoryDataset crossing tasks fails the compile.
    Error,
    /// Producer and consumers are merged into one task where possible.
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
}

/// Manifest format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ManifestFormat {
    /// YAML.
    Yaml,
    /// JSON.
    Json,
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
    /// How many tasks run at once [default: the number of cores].
    #[arg(short, long, value_name = "N")]
    pub(crate) jobs: Option<std::num::NonZeroUsize>,
    /// Where a secret comes from: `KEY=ENVVAR` (default: the variable named KEY).
    #[arg(long, value_name = "KEY=ENVVAR")]
    pub(crate) secret: Vec<String>,
    /// Refuse to run when the workflow uses what cannot run locally (sidecars, volumes, ...).
    #[arg(long)]
    pub(crate) strict: bool,
    /// Directory for logs and outputs of the run [default: .argo-kedro/runs/NAME in the project].
    #[arg(long, value_name = "DIR")]
    pub(crate) run_dir: Option<PathBuf>,
}
