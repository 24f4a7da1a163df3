//! What Argo's `validate.Workflow` checks when a workflow is submitted (`Submit: true`) beyond
//! `argo lint` (`Lint: true`): every `spec.arguments.parameters` entry needs a value, and a
//! parameter with an `enum` a value from it (`validateArgumentsValues` with `allowEmptyValues`
//! false; the arguments of a referenced `WorkflowTemplate` merged first, as upstream).

use super::{Finding, LintOptions, check};
use crate::Workflow;

/// Lints a workflow about to be created as Argo validates a submission: the rules of
/// [`super::lint_workflow`] (and the schema, with `LintOptions::schema`), with workflow
/// arguments that need values.
///
/// ```
/// use argo_model::lint::{LintOptions, Rule, lint_submit};
/// let wf: argo_model::Workflow = serde_json::from_value(serde_json::json!({
///     "apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow", "metadata": {"name": "w"},
///     "spec": {"entrypoint": "main", "arguments": {"parameters": [{"name": "p"}]},
///              "templates": [{"name": "main", "container": {"image": "busybox"}}]}
/// }))?;
/// let findings = lint_submit(&wf, &LintOptions::default());
/// assert_eq!(findings[0].rule, Rule::ArgumentValue);
/// assert_eq!(findings[0].path, "spec.arguments.parameters[0]");
/// assert!(argo_model::lint::lint_workflow(&wf, &LintOptions::default()).is_empty());
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn lint_submit(workflow: &Workflow, options: &LintOptions) -> Vec<Finding> {
    super::lint_workflow_as(workflow, options, check::Kind::SubmittedWorkflow)
}
