//! What Argo's `validate.Workflow` checks when a workflow is submitted (`Submit: true`) beyond
//! `argo lint` (`Lint: true`): every `spec.arguments.parameters` entry needs a value
//! (`validateArgumentsValues` with `allowEmptyValues` false).

use super::{Finding, LintOptions, Rule, lint_workflow};
use crate::{JsonPath, Workflow, WorkflowSpec};

/// Lints a workflow about to be created as Argo validates a submission: the rules of
/// [`lint_workflow`], and a value (or `valueFrom`) for each workflow argument parameter. A
/// workflow with a `workflowTemplateRef` gets the second check only from Argo, which merges the
/// template's arguments first: it is skipped here.
///
/// ```
/// use argo_model::lint::{LintOptions, Rule, lint_submit};
/// let wf: argo_model::Workflow = serde_json::from_value(serde_json::json!({
///     "apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow", "metadata": {"name": "w"},
///     "spec": {"entrypoint": "main", "arguments": {"parameters": [{"name": "p"}]},
///              "templates": [{"name": "main", "container": {"image": "busybox"}}]}
/// }))?;
/// let findings = lint_submit(&wf, &LintOptions::default());
/// assert_eq!(findings[0].rule, Rule::ValueSource);
/// assert_eq!(findings[0].path, "spec.arguments.parameters[0]");
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn lint_submit(workflow: &Workflow, options: &LintOptions) -> Vec<Finding> {
    let mut out = lint_workflow(workflow, options);
    arguments(&workflow.spec, &JsonPath::root().key("spec"), &mut out);
    out
}

fn arguments(spec: &WorkflowSpec, path: &JsonPath, out: &mut Vec<Finding>) {
    let Some(args) = &spec.arguments else { return };
    if spec.workflow_template_ref.is_some() {
        return;
    }
    let params = || path.key("arguments").key("parameters");
    for (i, p) in args.parameters.iter().enumerate() {
        if p.value.is_none() && p.value_from.is_none() {
            out.push(Finding::error(
                Rule::ValueSource,
                &params().index(i),
                format!(
                    "spec.arguments.parameters.{0}.value or spec.arguments.parameters.{0}.valueFrom is required to submit the workflow; give it a value",
                    p.name
                ),
            ));
        } else if !p.enum_.is_empty() && p.value.is_none() {
            out.push(Finding::error(
                Rule::ValueSource,
                &params().index(i),
                format!(
                    "spec.arguments.parameters.{}.value is required to submit the workflow: the parameter has an enum; give it one of its values",
                    p.name
                ),
            ));
        }
    }
}
