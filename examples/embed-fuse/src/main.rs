//! Compiles an argo-kedro IR file (what `python -m argo_kedro.export` prints) into an Argo
//! Workflow with argo-fuse, and prints it as YAML.
//!
//! ```text
//! cargo run -- IR.json [PIPELINE]
//! ```
//!
//! Step by step, as an embedder would: the IR, the `argo.yml` configuration it carries, the plan,
//! the lowering (which checks the Workflow with strict lint and Argo's JSON Schema), the text.
#![forbid(unsafe_code)]

use std::error::Error;
use std::process::ExitCode;

use argo_fuse::{Config, LowerOptions, PlanOptions, lower, plan};
use argo_model::{Document, TextFormat};
use kedro_graph::Project;

fn compile(path: &str, pipeline: &str) -> Result<String, Box<dyn Error>> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let project = Project::from_json(&text)?;
    let config = Config::from_project(&project)?;
    let mut options = PlanOptions::default();
    options.pipeline = pipeline.to_owned();
    let planned = plan(&project, &config, &options)?;
    eprintln!(
        "{}: {} tasks for {} Kedro nodes",
        planned.pipeline,
        planned.tasks.len(),
        planned.tasks.iter().map(|t| t.nodes.len()).sum::<usize>()
    );
    let workflow = lower(&planned, &config, &LowerOptions::default())?;
    Ok(Document::from(workflow).to_text(TextFormat::Yaml)?)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: embed-fuse IR.json [PIPELINE]");
        return ExitCode::from(2);
    };
    let pipeline = args.get(1).map_or("__default__", String::as_str);
    match compile(path, pipeline) {
        Ok(yaml) => {
            print!("{yaml}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            let mut message = format!("error: {e}");
            let mut source = e.source();
            while let Some(cause) = source {
                message.push_str(&format!("\n  caused by: {cause}"));
                source = cause.source();
            }
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
