//! `argo-kedro compile`: the Workflow manifest of a pipeline.

use std::path::Path;

use argo_model::Document;

use crate::cli::{CompileArgs, GlobalArgs, ManifestFormat};
use crate::error::CliError;
use crate::{fsutil, output, project, size};

/// `argo-kedro compile`.
pub(crate) fn run(global: &GlobalArgs, args: &CompileArgs) -> Result<(), CliError> {
    let output = args.output.as_deref().filter(|o| *o != "-").map(Path::new);
    let (_, compiled, _) =
        project::compile_writing(global, &args.selection, Some(args.format.into()), output)?;
    size::warn_if_too_large(&compiled.workflow)?;
    let text = match compiled.text {
        Some(text) => text,
        None => render(compiled.workflow, args.format)?,
    };
    match args.output.as_deref() {
        None | Some("-") => output::stdout(&text),
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
    let text = Document::from(workflow)
        .to_text(format.into())
        .map_err(CliError::Manifest)?;
    Ok(if text.ends_with('\n') {
        text
    } else {
        text + "\n"
    })
}
