//! The whole compile: IR + options → config, plan and checked Workflow.

use argo_model::{TextFormat, Workflow};
use kedro_graph::Project;

use crate::config::Config;
use crate::error::{CompileError, FuseError};
use crate::lower::{self, LowerOptions};
use crate::plan::{self, GroupBy, Plan, PlanOptions};
use crate::suggest;

/// Options of [`compile`]: what the `compile`, `plan` and `submit` commands pass.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CompileOptions {
    /// Pipeline, grouping strategy, selection (without one, the IR's own
    /// [`selection`](kedro_graph::Project::selection) applies).
    pub plan: PlanOptions,
    /// Image, params, name, random tag.
    pub lower: LowerOptions,
    /// The Kedro env the pods run with (`-e`); when given it must be the env the IR was
    /// exported for, so that config and catalog facts are never read for another env.
    pub env: Option<String>,
    /// Also write the manifest as text in this format ([`Compiled::text`]); the check of the
    /// Workflow runs alongside (see [`lower::lower_to_text`]).
    pub text: Option<TextFormat>,
}

impl CompileOptions {
    /// Sets the pipeline.
    #[must_use]
    pub fn pipeline(mut self, pipeline: impl Into<String>) -> Self {
        self.plan.pipeline = pipeline.into();
        self
    }

    /// Sets the grouping strategy (overriding `grouping` of `argo.yml`).
    #[must_use]
    pub fn group_by(mut self, group_by: GroupBy) -> Self {
        self.plan.group_by = Some(group_by);
        self
    }

    /// Sets the expected Kedro env.
    #[must_use]
    pub fn env(mut self, env: impl Into<String>) -> Self {
        self.env = Some(env.into());
        self
    }

    /// Asks for the manifest as text in `format`.
    #[must_use]
    pub fn text(mut self, format: TextFormat) -> Self {
        self.text = Some(format);
        self
    }

    /// Sets the lowering options.
    #[must_use]
    pub fn lower(mut self, lower: LowerOptions) -> Self {
        self.lower = lower;
        self
    }
}

/// The result of [`compile`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Compiled {
    /// The configuration read from the IR.
    pub config: Config,
    /// The plan.
    pub plan: Plan,
    /// The Workflow; it passes strict lint and the JSON Schema.
    pub workflow: Workflow,
    /// The Workflow as text (ending in a newline), when [`CompileOptions::text`] asks for it.
    pub text: Option<String>,
}

/// Reads the configuration from the IR, plans the pipeline and lowers it. A partial run the IR
/// records (its `selection`) is planned as such unless the options carry a selection.
///
/// ```
/// use argo_fuse::{CompileOptions, compile};
/// use argo_model::{Document, TextFormat};
///
/// let project = kedro_graph::Project::from_json(r#"{
///   "format": "argo-kedro-ir", "version": 1,
///   "project": {"name": "Demo", "package_name": "demo", "kedro_version": "1.0.0",
///               "argo_kedro_version": "0.1.0", "env": "cloud"},
///   "pipelines": [{"name": "__default__", "groups": [], "nodes": [
///     {"name": "train", "namespace": null, "func": "m.train", "inputs": ["raw", "params:lr"],
///      "outputs": ["model"], "tags": [], "machine_type": null, "template": null, "group": null}]}],
///   "datasets": [
///     {"name": "model", "kind": "dataset", "declared": true, "type": "pickle.PickleDataset", "pattern": null, "memory": false},
///     {"name": "params:lr", "kind": "parameters", "declared": false, "type": null, "pattern": null, "memory": false},
///     {"name": "raw", "kind": "dataset", "declared": true, "type": "pandas.CSVDataset", "pattern": null, "memory": false}],
///   "parameters": ["lr"],
///   "config": {"namespace": "argo", "deployment": {"image": "registry.example/demo"},
///              "machine_types": {"default": {"mem": 16, "cpu": 4, "num_gpu": 0}},
///              "default_machine_type": "default"}
/// }"#)?;
/// let options = CompileOptions::default().env("cloud");
/// let compiled = compile(&project, &options)?;
/// assert_eq!(compiled.plan.tasks[0].name.as_str(), "train");
/// let yaml = Document::from(compiled.workflow).to_yaml_string()?;
/// assert!(yaml.contains("kedro_nodes"));
///
/// // The same text, written while the Workflow is checked.
/// let compiled = compile(&project, &options.text(TextFormat::Yaml))?;
/// assert_eq!(compiled.text, Some(yaml));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn compile(project: &Project, options: &CompileOptions) -> Result<Compiled, FuseError> {
    let ir_env = &project.info().env;
    if let Some(env) = &options.env
        && env != ir_env
    {
        return Err(CompileError::EnvMismatch {
            requested: env.clone(),
            exported: ir_env.clone(),
        }
        .into());
    }
    for (key, value) in &options.lower.params {
        if value.contains(',') {
            return Err(CompileError::ParamValue {
                key: key.clone(),
                value: value.clone(),
            }
            .into());
        }
        if !project.has_parameter(key) {
            return Err(CompileError::UnknownParameter {
                key: key.clone(),
                nearest: suggest::nearest(key, project.parameters().iter().map(String::as_str), 3),
            }
            .into());
        }
    }
    let config = Config::from_project(project)?;
    let plan = match (&options.plan.selection, project.selection()) {
        (None, Some(selection)) => plan::plan(
            project,
            &config,
            &options.plan.clone().selection(selection.clone()),
        )?,
        _ => plan::plan(project, &config, &options.plan)?,
    };
    let (workflow, text) = match options.text {
        None => (lower::lower(&plan, &config, &options.lower)?, None),
        Some(format) => {
            let (workflow, text) = lower::lower_to_text(&plan, &config, &options.lower, format)?;
            (workflow, Some(text))
        }
    };
    Ok(Compiled {
        config,
        plan,
        workflow,
        text,
    })
}
