//! `run-local --manifest FILE`: any Argo Workflow, run here as the controller would.

use std::collections::BTreeSet;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use argo_model::{Document, Workflow};

use super::{assignment, common_options, execute};
use crate::cli::{GlobalArgs, RunLocalArgs};
use crate::error::CliError;
use crate::output;

pub(super) fn run(global: &GlobalArgs, args: &RunLocalArgs, path: &Path) -> Result<(), CliError> {
    let workflow = read(path)?;
    let root = match &global.project {
        Some(dir) => dir.clone(),
        None => std::env::current_dir().map_err(|source| CliError::ReadFile {
            path: PathBuf::from("."),
            source,
        })?,
    };
    let meta = &workflow.metadata;
    let name = meta
        .name
        .clone()
        .unwrap_or_else(|| format!("{}local", meta.generate_name.as_deref().unwrap_or("")));
    let run_dir = args
        .run_dir
        .clone()
        .unwrap_or_else(|| root.join(".argo-kedro").join("runs").join(&name));
    let mut options = common_options(args, &root, &run_dir)?;
    for item in &args.parameters {
        let (k, v) = assignment(item, "--parameter")?;
        options = options.parameter(k, v);
    }
    let plan = argo_local::Plan::new(&workflow, options).map_err(CliError::LocalPlan)?;
    let images = images(&workflow);
    if !images.is_empty() {
        output::status(&format!(
            "warning: images are not used locally, commands run on this machine: {}",
            images.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
    execute(&plan, &root, &run_dir)
}

/// The one Workflow in `path` (`-`: standard input).
fn read(path: &Path) -> Result<Workflow, CliError> {
    let fail = |source| CliError::ReadFile {
        path: path.to_path_buf(),
        source,
    };
    let text = if path == Path::new("-") {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(fail)?;
        text
    } else {
        std::fs::read_to_string(path).map_err(fail)?
    };
    let docs = Document::from_yaml_str(&text).map_err(|source| CliError::ManifestInvalid {
        path: path.to_path_buf(),
        source,
    })?;
    let not = |found: String| CliError::NotAWorkflow {
        path: path.to_path_buf(),
        found,
    };
    let mut workflows = Vec::new();
    let mut others = Vec::new();
    for doc in docs {
        match doc {
            Document::Workflow(wf) => workflows.push(*wf),
            Document::WorkflowTemplate(_) => others.push("a WorkflowTemplate"),
            Document::ClusterWorkflowTemplate(_) => others.push("a ClusterWorkflowTemplate"),
            Document::CronWorkflow(_) => others.push("a CronWorkflow"),
            Document::WorkflowEventBinding(_) => others.push("a WorkflowEventBinding"),
            _ => others.push("a document of another kind"),
        }
    }
    match (workflows.len(), others.first()) {
        (1, _) => Ok(workflows.remove(0)),
        (0, Some(kind)) => Err(not(format!("it holds {kind}"))),
        (0, None) => Err(not("it is empty".into())),
        (n, _) => Err(not(format!("it holds {n} Workflows; give one per file"))),
    }
}

/// The images of the workflow's templates.
fn images(wf: &Workflow) -> BTreeSet<String> {
    let spec = &wf.spec;
    let defaults = spec.template_defaults.iter();
    spec.templates
        .iter()
        .chain(defaults)
        .flat_map(|t| {
            let container = t.container.as_ref().and_then(|c| c.image.clone());
            let script = t.script.as_ref().map(|s| s.image.clone());
            container.into_iter().chain(script)
        })
        .filter(|i| !i.is_empty())
        .collect()
}
