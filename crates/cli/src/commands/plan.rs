//! `argo-kedro plan`: tasks, nodes, resources, memory and crossing datasets.

use crate::cli::{GlobalArgs, PlanArgs, PlanFormat};
use crate::error::CliError;
use crate::{output, project, size};

/// `argo-kedro plan`.
pub(crate) fn run(global: &GlobalArgs, args: &PlanArgs) -> Result<(), CliError> {
    let (_, compiled) = project::compile(global, &args.selection, None)?;
    size::warn_if_too_large(&compiled.workflow)?;
    let plan = &compiled.plan;
    let text = match args.format {
        PlanFormat::Text => plan.to_text(),
        PlanFormat::Json => plan.to_json(),
        PlanFormat::Mermaid => plan.to_mermaid(),
        PlanFormat::Dot => plan.to_dot(),
    };
    output::stdout(&if text.ends_with('\n') {
        text
    } else {
        text + "\n"
    })
}
