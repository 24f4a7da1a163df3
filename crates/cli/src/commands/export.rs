//! `argo-kedro export`: the project's pipeline IR, loaded and checked.

use std::fmt::Write as _;

use kedro_graph::Project;

use crate::cli::{ExportArgs, ExportFormat, GlobalArgs};
use crate::error::CliError;
use crate::{output, project};

/// `argo-kedro export`.
pub(crate) fn run(global: &GlobalArgs, args: &ExportArgs) -> Result<(), CliError> {
    let loaded = project::load(global, &args.env, args.pipeline.as_deref())?;
    for pipeline in loaded.project.pipelines() {
        pipeline.graph().map_err(|source| CliError::Graph {
            pipeline: pipeline.name.to_string(),
            source,
        })?;
    }
    match args.format.unwrap_or(ExportFormat::Json) {
        ExportFormat::Json => output::stdout(&loaded.json),
        ExportFormat::Text => output::stdout(&summary(&loaded.project)),
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
            "  pipeline {}: {}, {}",
            pipeline.name,
            output::count(pipeline.nodes.len(), "node", "nodes"),
            output::count(pipeline.groups.len(), "fused group", "fused groups")
        );
    }
    let memory = project.datasets().iter().filter(|d| d.memory).count();
    let _ = writeln!(
        text,
        "  {} ({}), {}, argo.yml {}",
        output::count(project.datasets().len(), "dataset", "datasets"),
        output::count(
            memory,
            "would be a MemoryDataset",
            "would be MemoryDatasets"
        ),
        output::count(
            project.parameters().len(),
            "parameter key",
            "parameter keys"
        ),
        if project.config().is_some() {
            "present"
        } else {
            "absent"
        }
    );
    text
}
