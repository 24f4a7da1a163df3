//! `argo-kedro compile`: the Workflow manifest of a pipeline.

use std::path::Path;

use argo_model::Document;

use crate::cli::{CompileArgs, GlobalArgs, ManifestFormat};
use crate::commands::schedule;
use crate::error::CliError;
use crate::{fsutil, output, project, size};

/// `argo-kedro compile`; with `--cron` (or another flag of the schedule, the rest from
/// argo.yml's `schedule`), the `CronWorkflow` around the same workflow spec.
pub(crate) fn run(global: &GlobalArgs, args: &CompileArgs) -> Result<(), CliError> {
    let cron = args.schedule.any();
    let text_format = (!cron).then(|| args.format.into());
    let output = args.output.as_deref().filter(|o| *o != "-").map(Path::new);
    let (_, compiled, _) = project::compile_writing(global, &args.selection, text_format, output)?;
    size::warn_if_too_large(&compiled.workflow)?;
    let text = if cron {
        let schedule = schedule::resolve(&args.schedule, compiled.config.schedule.as_ref())
            .ok_or_else(|| CliError::NoSchedule {
                env: args.selection.env.clone(),
            })?;
        let cron = schedule::cron_workflow(&compiled, &schedule)?;
        text_of(&Document::from(cron), args.format)?
    } else {
        match compiled.text {
            Some(text) => text,
            None => render(compiled.workflow, args.format)?,
        }
    };
    emit(args.output.as_deref(), &text)
}

/// Writes `text` to the file `-o` names (saying so on stderr), or to stdout without `-o` or
/// with `-o -`.
pub(crate) fn emit(output: Option<&str>, text: &str) -> Result<(), CliError> {
    match output {
        None | Some("-") => output::stdout(text),
        Some(path) => {
            fsutil::write_output(Path::new(path), text.as_bytes())?;
            output::status(&format!("wrote {path}"));
            Ok(())
        }
    }
}

/// The manifest as YAML or JSON text (ending in a newline).
pub(crate) fn render(
    workflow: argo_model::Workflow,
    format: ManifestFormat,
) -> Result<String, CliError> {
    text_of(&Document::from(workflow), format)
}

/// A document as YAML or JSON text (ending in a newline).
fn text_of(doc: &Document, format: ManifestFormat) -> Result<String, CliError> {
    let text = doc.to_text(format.into()).map_err(CliError::Manifest)?;
    Ok(if text.ends_with('\n') {
        text
    } else {
        text + "\n"
    })
}
