//! Lowering: a [`Plan`] and the [`Config`] to one `argo_model::Workflow`.
//!
//! The manifest is compact and deterministic:
//! - a DAG template `pipeline` with one task per plan task (and one per init template first);
//!   each task passes `kedro_nodes`, and `memory_datasets` and the init outputs when there are
//!   any; dependencies come from the plan, and root tasks depend on the init tasks;
//! - one container template per distinct (template, machine type, retry strategy) used, with
//!   resources (requests = limits), the scratch ephemeral volume, node selector, tolerations
//!   (GPU) and affinity on the template, never a `podSpecPatch` on a task (a template of a
//!   machine type with `on_oom` escalates on OOM kills with a `podSpecPatch`: [`escalate`]);
//! - `pipeline`, `environment` (and `params`) are workflow parameters, and `reused_versions`
//!   (empty; a memoized resubmit sets it, see [`crate::versions`]); every worker template
//!   declares the inputs `pipeline`, `environment`, `kedro_nodes`, `memory_datasets` (defaults
//!   from the workflow parameters), so custom templates written for argo-kedro 0.1.41 resolve
//!   `{{inputs.parameters.pipeline}}` and friends;
//! - each task runs `kedro run --pipelines P --nodes ... --env E` (`--pipeline P` for a project
//!   on a Kedro without `--pipelines`: [`pipeline_option`]);
//! - every worker template gives the runtime hook the run's version inputs in its env
//!   (`{{workflow.creationTimestamp}}`, `{{workflow.uid}}`, `reused_versions`): substituted by
//!   Argo at run time, never fixed at compile time;
//! - no random suffix: `generateName` unless a name is given.
//!
//! [`lower`] checks its result with `argo_model::lint` (strict) and the JSON Schema, and fails
//! rather than return a manifest with findings.

pub mod escalate;
mod kedro_run;
mod safe;
mod template;
#[cfg(test)]
mod tests;

pub use kedro_run::{PIPELINES_OPTION_SINCE, pipeline_option};
pub use safe::escape_k8s;

use argo_model::schema::TaskCheck;
use argo_model::{Arguments, DagTask, DagTemplate, Parameter, Template, TextFormat, Workflow};
use indexmap::IndexMap;

use crate::config::Config;
use crate::error::LowerError;
use crate::names;
use crate::plan::{GroupBy, Plan};

/// Name of the DAG template (the entrypoint).
pub const ENTRYPOINT: &str = "pipeline";
/// The environment variable the runtime hook reads: comma-separated memory datasets.
pub const MEMORY_DATASETS_ENV: &str = "ARGO_KEDRO_MEMORY_DATASETS";
/// Label prefix of the labels the compiler sets.
pub const LABEL_PREFIX: &str = "argo-kedro.io";

/// Options of [`lower`] that do not come from `argo.yml`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct LowerOptions {
    /// Image and tag (`IMG:TAG`) replacing `deployment.image` and `deployment.tag`.
    pub image: Option<String>,
    /// Kedro parameter overrides, passed to every task's `kedro run --params`.
    pub params: Vec<(String, String)>,
    /// A fixed `metadata.name`; without it the manifest uses `generateName`.
    pub workflow_name: Option<String>,
    /// The tag to use when `deployment.tag` is `${ka.random:}` (the CLI draws it when it
    /// builds the image). Without it, a tag derived from the plan's hash keeps output
    /// deterministic.
    pub random_tag: Option<String>,
}

impl LowerOptions {
    /// Sets [`LowerOptions::image`].
    #[must_use]
    pub fn image(mut self, image: impl Into<String>) -> Self {
        self.image = Some(image.into());
        self
    }

    /// Sets [`LowerOptions::params`].
    #[must_use]
    pub fn params(mut self, params: Vec<(String, String)>) -> Self {
        self.params = params;
        self
    }

    /// Sets [`LowerOptions::workflow_name`].
    #[must_use]
    pub fn workflow_name(mut self, name: impl Into<String>) -> Self {
        self.workflow_name = Some(name.into());
        self
    }

    /// Sets [`LowerOptions::random_tag`].
    #[must_use]
    pub fn random_tag(mut self, tag: impl Into<String>) -> Self {
        self.random_tag = Some(tag.into());
        self
    }
}

/// The image (`IMG:TAG`) the pods run.
pub fn image(plan: &Plan, config: &Config, options: &LowerOptions) -> String {
    if let Some(image) = &options.image {
        return image.clone();
    }
    let d = &config.deployment;
    let tag = if d.tag_is_random() {
        options.random_tag.clone().unwrap_or_else(|| {
            let mut key = format!("{}\n{}\n{}", plan.project, plan.pipeline, plan.env);
            for t in &plan.tasks {
                key.push('\n');
                key.push_str(t.name.as_str());
            }
            format!("{:016x}", names::stable_hash(&key))[..6].to_owned()
        })
    } else {
        d.tag.clone()
    };
    format!("{}:{tag}", d.image)
}

/// Lowers `plan` to a Workflow and checks it (strict lint and JSON Schema).
pub fn lower(plan: &Plan, config: &Config, options: &LowerOptions) -> Result<Workflow, LowerError> {
    let mut workflow = build(plan, config, options)?;
    let (mut findings, tasks) = check_shell(&mut workflow)?;
    findings.extend(check_tasks(&workflow, tasks)?);
    verdict(findings)?;
    Ok(workflow)
}

/// [`lower`], and the Workflow as text in `format` (ending in a newline).
///
/// The check (strict lint and JSON Schema) runs on a second thread while the text is written,
/// and the text is returned only when the check finds nothing: the same result as [`lower`]
/// followed by `argo_model::Document::to_text`, in less time on a machine with two cores.
pub fn lower_to_text(
    plan: &Plan,
    config: &Config,
    options: &LowerOptions,
    format: TextFormat,
) -> Result<(Workflow, String), LowerError> {
    let mut workflow = build(plan, config, options)?;
    let (mut findings, tasks) = check_shell(&mut workflow)?;
    let (task_findings, text) = std::thread::scope(|scope| {
        let checker = scope.spawn(|| check_tasks(&workflow, tasks));
        let text = text_of(&workflow, format);
        // The check does not panic; if it ever did, the panic is the caller's.
        let task_findings = checker
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (task_findings, text)
    });
    findings.extend(task_findings?);
    verdict(findings)?;
    let mut text = text.map_err(|source| LowerError::WriteText { source })?;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok((workflow, text))
}

/// `workflow` as text, without moving it into a `Document`.
fn text_of(workflow: &Workflow, format: TextFormat) -> Result<String, argo_model::Error> {
    match format {
        TextFormat::Yaml => argo_model::yaml::to_string(workflow)
            .map_err(|source| argo_model::Error::WriteYaml { source }),
        TextFormat::Json => serde_json::to_string_pretty(workflow)
            .map_err(|source| argo_model::Error::WriteJson { source }),
    }
}

/// Refuses user data that Kubernetes or Argo would expand into something else (see [`safe`]).
fn check_user_data(plan: &Plan, options: &LowerOptions) -> Result<(), LowerError> {
    for (what, name) in [("pipeline", plan.pipeline.as_str()), ("env", &plan.env)] {
        if !safe::is_plain_name(name) {
            return Err(LowerError::UnsafeName {
                what,
                name: name.to_owned(),
            });
        }
    }
    for (key, value) in &options.params {
        for (what, text) in [
            (format!("parameter name `{}`", argo_model::elide(key)), key),
            (
                format!("the value of parameter `{}`", argo_model::elide(key)),
                value,
            ),
        ] {
            if safe::has_expression(text) {
                return Err(LowerError::Expression {
                    what,
                    value: text.clone(),
                });
            }
        }
    }
    for t in &plan.tasks {
        for d in &t.memory_datasets {
            if let Some(reason) = safe::memory_dataset_problem(d.as_str()) {
                return Err(LowerError::MemoryDatasetName {
                    dataset: d.to_string(),
                    task: t.name.to_string(),
                    reason,
                });
            }
        }
    }
    Ok(())
}

/// The Workflow of `plan`, unchecked.
fn build(plan: &Plan, config: &Config, options: &LowerOptions) -> Result<Workflow, LowerError> {
    check_user_data(plan, options)?;
    let image = image(plan, config, options);
    let set = template::templates(plan, config, &image, !options.params.is_empty())?;

    let mut tasks: Vec<DagTask> = Vec::with_capacity(plan.init_tasks.len() + plan.tasks.len());
    for init in &plan.init_tasks {
        tasks.push(DagTask {
            name: init.name.to_string(),
            template: Some(set.init[init.template.as_str()].clone()),
            ..DagTask::default()
        });
    }
    let init_names: Vec<String> = plan.init_tasks.iter().map(|i| i.name.to_string()).collect();
    for (i, t) in plan.tasks.iter().enumerate() {
        let mut params = vec![param_value(
            "kedro_nodes",
            &join(t.nodes.iter().map(kedro_graph::NodeName::as_str)),
        )];
        if !t.memory_datasets.is_empty() {
            params.push(param_value(
                "memory_datasets",
                &join(
                    t.memory_datasets
                        .iter()
                        .map(kedro_graph::DatasetName::as_str),
                ),
            ));
        }
        for init in &plan.init_tasks {
            for out in &init.outputs {
                params.push(param_value(
                    out,
                    &format!("{{{{tasks.{}.outputs.parameters.{out}}}}}", init.name),
                ));
            }
        }
        let dependencies = if t.depends.is_empty() {
            init_names.clone()
        } else {
            t.depends.iter().map(ToString::to_string).collect()
        };
        tasks.push(DagTask {
            name: t.name.to_string(),
            template: Some(set.worker[i].clone()),
            dependencies,
            arguments: Some(Arguments {
                parameters: params,
                ..Arguments::default()
            }),
            ..DagTask::default()
        });
    }

    let mut wf = match &options.workflow_name {
        Some(name) => Workflow::new(names::workflow_name(name)),
        None => Workflow::with_generate_name(generate_name(plan)),
    };
    wf.metadata.namespace = Some(config.namespace.clone());
    let (labels, annotations) = metadata(plan, config);
    wf.metadata.labels = Some(labels.clone().into_iter().collect());
    wf.metadata.annotations = Some(annotations.clone().into_iter().collect());
    let spec = &mut wf.spec;
    spec.entrypoint = Some(ENTRYPOINT.to_owned());
    let mut args = vec![
        param_value("pipeline", plan.pipeline.as_str()),
        param_value("environment", &plan.env),
    ];
    if !options.params.is_empty() {
        // It reaches the pods' `args`: escaped for Kubernetes' `$(VAR)` expansion.
        let joined = join(options.params.iter().map(|(k, v)| format!("{k}={v}")));
        args.push(param_value("params", &safe::escape_k8s(&joined)));
    }
    args.push(param_value(crate::versions::REUSED_VERSIONS_PARAM, ""));
    spec.arguments = Some(Arguments {
        parameters: args,
        ..Arguments::default()
    });
    spec.service_account_name
        .clone_from(&config.service_account);
    spec.ttl_strategy = config.ttl_strategy.as_ref().map(template::ttl);
    spec.pod_gc = config.pod_gc.as_ref().map(template::pod_gc);
    spec.pod_metadata = Some(argo_model::Metadata {
        labels: labels.clone(),
        annotations: annotations.clone(),
        ..argo_model::Metadata::default()
    });
    spec.workflow_metadata = Some(argo_model::WorkflowMetadata {
        labels: IndexMap::from([("plugin".to_owned(), "argo-kedro".to_owned())]),
        ..argo_model::WorkflowMetadata::default()
    });
    spec.templates.push(Template {
        name: ENTRYPOINT.to_owned(),
        dag: Some(DagTemplate {
            tasks,
            ..DagTemplate::default()
        }),
        ..Template::default()
    });
    spec.templates.extend(set.templates);
    Ok(wf)
}

/// The workflow's `generateName`: project and pipeline, and `-partial` for a partial run.
fn generate_name(plan: &Plan) -> String {
    let partial = if plan.partial.is_some() {
        "-partial"
    } else {
        ""
    };
    names::generate_name(&format!("{}-{}{partial}", plan.project, plan.pipeline))
}

// The checks of [`check`] in two parts, so that the second can run while the workflow is
// written out. Same findings as [`check`], possibly in another order.

/// The first part: the schema of everything but the DAG tasks (which needs the workflow for a
/// moment, `argo_model::schema::validate_workflow_shell`).
fn check_shell(
    workflow: &mut Workflow,
) -> Result<(Vec<argo_model::lint::Finding>, TaskCheck), LowerError> {
    argo_model::schema::validate_workflow_shell(workflow).map_err(encode_error)
}

/// The second part, by reference: strict lint, and the schema of each DAG task.
fn check_tasks(
    workflow: &Workflow,
    tasks: TaskCheck,
) -> Result<Vec<argo_model::lint::Finding>, LowerError> {
    // The schema is checked in parts ([`check_shell`], `tasks`): the rules only here.
    let rules = argo_model::lint::LintOptions::default().schema(false);
    let mut findings = argo_model::lint::lint_workflow(workflow, &rules);
    findings.extend(tasks.run(workflow).map_err(encode_error)?);
    Ok(findings)
}

/// `Ok` when there is no finding.
fn verdict(findings: Vec<argo_model::lint::Finding>) -> Result<(), LowerError> {
    if findings.is_empty() {
        Ok(())
    } else {
        Err(LowerError::Invalid { findings })
    }
}

/// A JSON encoding error of the check.
fn encode_error(source: serde_json::Error) -> LowerError {
    LowerError::Serialize {
        source: argo_model::Error::Encode { source },
    }
}

/// Runs strict lint and the JSON-Schema check on `workflow`; any finding is an error.
pub fn check(workflow: &Workflow) -> Result<(), LowerError> {
    // By reference: the same findings as linting `Document::from(workflow.clone())`.
    verdict(argo_model::lint::lint_workflow(
        workflow,
        &argo_model::lint::LintOptions::default(),
    ))
}

fn param_value(name: &str, value: &str) -> Parameter {
    Parameter {
        name: name.to_owned(),
        value: Some(value.into()),
        ..Parameter::default()
    }
}

fn join<S: AsRef<str>>(items: impl Iterator<Item = S>) -> String {
    let mut out = String::new();
    for (i, s) in items.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(s.as_ref());
    }
    out
}

/// Labels (project, pipeline, env, plus `labels` of argo.yml) and annotations (the exact
/// names, plus `annotations` of argo.yml).
fn metadata(plan: &Plan, config: &Config) -> (IndexMap<String, String>, IndexMap<String, String>) {
    let mut labels = IndexMap::new();
    labels.insert(
        "app.kubernetes.io/managed-by".to_owned(),
        "argo-kedro".to_owned(),
    );
    labels.insert(
        format!("{LABEL_PREFIX}/project"),
        label_value(&plan.project),
    );
    labels.insert(
        format!("{LABEL_PREFIX}/pipeline"),
        label_value(plan.pipeline.as_str()),
    );
    labels.insert(format!("{LABEL_PREFIX}/env"), label_value(&plan.env));
    if plan.grouping != GroupBy::None {
        labels.insert(
            format!("{LABEL_PREFIX}/grouping"),
            plan.grouping.as_str().to_owned(),
        );
    }
    if let Some(partial) = &plan.partial {
        labels.insert(format!("{LABEL_PREFIX}/partial"), "true".to_owned());
        labels.insert(
            format!("{LABEL_PREFIX}/filter"),
            filter_label(&partial.filter),
        );
    }
    for (k, v) in &config.labels {
        labels.insert(k.clone(), v.clone());
    }
    let mut annotations = IndexMap::new();
    annotations.insert(format!("{LABEL_PREFIX}/project"), plan.project.clone());
    annotations.insert(
        format!("{LABEL_PREFIX}/pipeline"),
        plan.pipeline.to_string(),
    );
    annotations.insert(format!("{LABEL_PREFIX}/env"), plan.env.clone());
    if let Some(partial) = &plan.partial {
        annotations.insert(
            format!("{LABEL_PREFIX}/filter"),
            partial.filter.to_options(),
        );
    }
    for (k, v) in &config.annotations {
        annotations.insert(k.clone(), v.clone());
    }
    (labels, annotations)
}

/// A Kubernetes label value for `s`, as the Workflow's `argo-kedro.io/project`, `…/pipeline` and
/// `…/env` labels carry it: every character outside `[A-Za-z0-9._-]` becomes `-`, then the
/// result is cut to at most 63 characters with an alphanumeric character at both ends (empty
/// when `s` has none). Use it to build a label selector that matches those labels.
///
/// ```
/// use argo_fuse::lower::label_value;
///
/// assert_eq!(label_value("spaceflights_mini"), "spaceflights_mini");
/// assert_eq!(label_value("_x y_"), "x-y");
/// assert_eq!(label_value("__default__"), "default");
/// assert_eq!(label_value(&"a".repeat(70)).len(), 63);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn label_value(s: &str) -> String {
    let mapped = label_chars(s);
    let cut = &mapped[..mapped.len().min(63)];
    cut.trim_end_matches(|c: char| !c.is_ascii_alphanumeric())
        .to_owned()
}

/// `s` with every character outside `[A-Za-z0-9._-]` replaced by `-`, and no character
/// outside `[A-Za-z0-9]` at either end.
fn label_chars(s: &str) -> String {
    argo_model::label::replace_invalid_chars(s)
        .trim_matches(|c: char| !c.is_ascii_alphanumeric())
        .to_owned()
}

/// The `argo-kedro.io/filter` label of a partial run: the filter's options and values
/// (`from-nodes-split_tags-a-b`) as a label value; when that is longer than 63 characters, its
/// first 54 and 8 hex digits of a stable hash of the whole filter, so that different filters
/// keep different labels. The `argo-kedro.io/filter` annotation has the filter verbatim.
///
/// ```
/// let filter = kedro_graph::Filter {
///     from_nodes: vec!["ds.split".into()],
///     tags: vec!["a".into(), "b".into()],
///     ..Default::default()
/// };
/// assert_eq!(argo_fuse::lower::filter_label(&filter), "from-nodes-ds.split_tags-a-b");
/// let long = kedro_graph::Filter { nodes: vec!["n".repeat(80)], ..Default::default() };
/// assert_eq!(argo_fuse::lower::filter_label(&long).len(), 63);
/// ```
pub fn filter_label(filter: &kedro_graph::Filter) -> String {
    let raw: Vec<String> = filter
        .parts()
        .map(|(option, values)| format!("{option}-{}", values.join("-")))
        .collect();
    let value = label_chars(&raw.join("_"));
    if value.len() <= 63 {
        return value;
    }
    let head = value[..54].trim_end_matches(|c: char| !c.is_ascii_alphanumeric());
    let hash = names::stable_hash(&filter.to_options());
    format!("{head}-{:08x}", hash >> 32)
}
