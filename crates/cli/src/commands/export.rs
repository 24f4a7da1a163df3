//! `argo-kedro export`: the project's pipeline IR, loaded and checked.

use std::fmt::Write as _;

use kedro_graph::Project;

use crate::cli::{ExportArgs, ExportFormat, GlobalArgs};
use crate::discover;
use crate::error::CliError;
use crate::exporter::{self, ExportRequest};
use crate::output;

/// Runs the exporter for the project and checks every pipeline's graph.
pub(crate) fn load_project(
    global: &GlobalArgs,
    env: &str,
    pipeline: Option<&str>,
) -> Result<(Project, String), CliError> {
    let cwd = std::env::current_dir().map_err(CliError::CurrentDir)?;
    let root = discover::project_root(global.project.as_deref(), &cwd)?;
    let python = discover::python(global.python.as_deref(), |key| std::env::var(key).ok());
    let request = ExportRequest {
        project: &root,
        env,
        pipeline,
    };
    let json = exporter::export(&python, &request, global.verbose > 0)?;
    let project = Project::from_json(&json).map_err(CliError::Ir)?;
    for pipeline in project.pipelines() {
        pipeline.graph().map_err(|source| CliError::Graph {
            pipeline: pipeline.name.to_string(),
            source,
        })?;
    }
    Ok((project, json))
}

/// `argo-kedro export`.
pub(crate) fn run(global: &GlobalArgs, args: &ExportArgs) -> Result<(), CliError> {
    let (project, json) = load_project(global, &args.env, args.pipeline.as_deref())?;
    match args.format {
        ExportFormat::Json => output::stdout(&json),
        ExportFormat::Text => output::stdout(&summary(&project)),
    }
}

/// One line per pipeline: nodes, fused groups, and dataset counts.
fn summary(project: &Project) -> String {
    let info = project.info();
    let mut text = format!(
        "project {} (package {}, Kedro {}, env {})\n",
        info.name, info.package_name, info.kedro_version, info.env
    );
    for pipeline in project.pipelines() {
        let _ = writeln!(
            text,
            "  pipeline {}: {} nodes, {} fused groups",
            pipeline.name,
            pipeline.nodes.len(),
            pipeline.groups.len()
        );
    }
    let memory = project.datasets().iter().filter(|d| d.memory).count();
    let _ = writeln!(
        text,
        "  {} datasets ({} would be MemoryDatasets), {} parameter keys, argo.yml {}",
        project.datasets().len(),
        memory,
        project.parameters().len(),
        if project.config().is_some() {
            "present"
        } else {
            "absent"
        }
    );
    text
}
