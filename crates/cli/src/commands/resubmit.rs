//! `argo-kedro resubmit`: retry a failed workflow's failed nodes in place (or, with
//! `--memoized`, submit a new run that skips the nodes that succeeded), after rebuilding and
//! pushing the image under the workflow's own reference. With `--no-rebuild` nothing of the
//! workflow needs to come from this tool: any Argo workflow can be retried.

use argo_client::{Client, ListOptions, ResubmitOptions, RetryOptions, TaskArgument, WorkflowName};
use argo_fuse::Config;
use argo_model::Workflow;

use crate::cli::{GlobalArgs, ResubmitArgs, ResultFormat};
use crate::commands::{status, submit, watch};
use crate::error::CliError;
use crate::image::Docker;
use crate::{cluster, output, project};

/// `argo-kedro resubmit`.
pub(crate) fn run(global: &GlobalArgs, args: &ResubmitArgs) -> Result<(), CliError> {
    let given = args
        .workflow_name
        .as_deref()
        .map(|n| cluster::workflow_name(n, "--workflow-name"))
        .transpose()?;
    let selector = if given.is_none() {
        Some(status::project_selector(global)?)
    } else {
        None
    };
    cluster::block_on(async {
        // As argo-kedro 0.1.41: the namespace of argo.yml for the env (`cloud` by default).
        let envs: Vec<&str> = match args.env.as_deref() {
            Some("base") => vec!["base"],
            Some(env) => vec![env, "base"],
            None => project::NAMESPACE_ENVS.to_vec(),
        };
        let client = cluster::connect_in_project(global, &envs).await?;
        let instance_id = instance_id(global, &envs);
        let wf = if let Some(name) = given {
            client
                .get(&name)
                .await
                .map_err(cluster::failed(format!("read workflow `{name}`")))?
        } else {
            let (selector, project) = selector.unwrap_or_default();
            latest_failed(&client, &selector, &project).await?
        };
        let name = cluster::workflow_name(cluster::name_of(&wf), "workflow name")?;
        let phase = cluster::phase(&wf);
        if !matches!(phase, "Failed" | "Error") {
            return Err(CliError::NotResubmittable {
                name: name.to_string(),
                phase: if phase.is_empty() {
                    "(no phase yet)"
                } else {
                    phase
                }
                .to_string(),
            });
        }
        // Only a rebuild needs to know the image; without one, any workflow will do.
        let image = if args.no_rebuild {
            let image = own_image(&wf, &name).ok();
            let which = image
                .as_deref()
                .unwrap_or("its pods keep the images they name");
            output::status(&format!("not rebuilding the image (--no-rebuild): {which}"));
            image
        } else {
            let image = own_image(&wf, &name)?;
            rebuild(global, &wf, &image, args.env.as_deref())?;
            Some(image)
        };
        let image = image.as_deref();
        let (arguments, escalated) = escalations(&wf);
        let mut result = if args.memoized {
            let opts = ResubmitOptions::default()
                .memoized(true)
                .instance_id(instance_id)
                .task_arguments(arguments);
            memoized(&client, &wf, &name, image, &opts).await?
        } else {
            let opts = RetryOptions::default()
                .instance_id(instance_id)
                .task_arguments(arguments);
            retry(&client, &wf, &name, image, &opts).await?
        };
        result.json["oom_escalations"] = serde_json::Value::Array(escalated);
        match args.format {
            ResultFormat::Json => output::stdout(&format!("{}\n", result.json))?,
            ResultFormat::Text => output::stdout(&format!("{}\n", result.name))?,
        }
        if args.watch {
            watch::follow(&client, &result.name).await?;
        }
        Ok(())
    })
}

/// The tasks killed for memory on a memory ladder (`on_oom`): their `oom_rung` argument
/// raised to the next rung (said on stderr), and the same as JSON.
fn escalations(wf: &Workflow) -> (Vec<TaskArgument>, Vec<serde_json::Value>) {
    let nodes = argo_client::hydrated_nodes(wf).unwrap_or_default();
    let mut arguments = Vec::new();
    let mut json = Vec::new();
    for e in argo_fuse::lower::escalate::oom_escalations(wf, &nodes) {
        let from = format!("`{}` ({})", e.from.machine_type, e.from.memory);
        match &e.to {
            Some(to) => {
                output::status(&format!(
                    "task {} was killed for memory on {from}: it runs on `{}` ({}) now",
                    e.task, to.machine_type, to.memory
                ));
                arguments.push(TaskArgument::new(
                    &e.task,
                    argo_fuse::lower::escalate::RUNG_INPUT,
                    e.rung.to_string(),
                ));
            }
            None => output::status(&format!(
                "warning: task {} was killed for memory on {from}, the top of its memory ladder: it runs there again; give it a bigger `on_oom` in argo.yml",
                e.task
            )),
        }
        json.push(serde_json::json!({
            "task": e.task,
            "from": e.from.machine_type,
            "to": e.to.as_ref().map(|t| &t.machine_type),
        }));
    }
    (arguments, json)
}

/// What the resubmit did, for stdout.
struct Outcome {
    /// The workflow that runs now (the same one, or the new memoized run).
    name: WorkflowName,
    /// `--format json`.
    json: serde_json::Value,
}

/// The controller instance id this command works with: `$ARGO_INSTANCEID` (as for the `argo`
/// CLI) when set, else the `workflows.argoproj.io/controller-instanceid` label that the
/// project's `argo.yml` gives its workflows, else none (then the workflow must have no
/// instance id either, as Argo checks it).
fn instance_id(global: &GlobalArgs, envs: &[&str]) -> Option<String> {
    std::env::var(INSTANCE_ID_ENV)
        .ok()
        .filter(|v| !v.is_empty())
        .or_else(|| project::argo_yml_instance_id(global, envs))
}

/// The environment variable that names the controller instance id (Argo's own).
pub(crate) const INSTANCE_ID_ENV: &str = "ARGO_INSTANCEID";

/// This project's newest workflow in phase Failed or Error; says which it picked.
async fn latest_failed(
    client: &Client,
    selector: &str,
    project: &str,
) -> Result<Workflow, CliError> {
    let workflows = client
        .list(&ListOptions::default().label_selector(selector))
        .await
        .map_err(cluster::failed("list the workflows"))?;
    let wf = workflows
        .into_iter()
        .find(|wf| matches!(cluster::phase(wf), "Failed" | "Error"))
        .ok_or_else(|| CliError::NoFailedWorkflow {
            project: project.to_string(),
            namespace: client.namespace().to_string(),
        })?;
    let created = cluster::time_text(wf.metadata.creation_timestamp.as_ref())
        .map(|t| format!(", created {t}"))
        .unwrap_or_default();
    output::status(&format!(
        "resubmitting {} ({}{created}): the latest failed workflow of project {project} in namespace {}",
        cluster::name_of(&wf),
        cluster::phase(&wf),
        client.namespace()
    ));
    Ok(wf)
}

/// The image the workflow's Kedro tasks run.
fn own_image(wf: &Workflow, name: &WorkflowName) -> Result<String, CliError> {
    let images = cluster::workflow_images(wf);
    match images.as_slice() {
        [image] => Ok(image.clone()),
        [] => Err(CliError::WorkflowImage {
            name: name.to_string(),
            reason: "no template with a `kedro_nodes` input names a container image".into(),
        }),
        _ => Err(CliError::WorkflowImage {
            name: name.to_string(),
            reason: format!("its templates run several images ({})", images.join(", ")),
        }),
    }
}

/// An annotation (or label) of the workflow.
fn meta<'a>(wf: &'a Workflow, key: &str) -> Option<&'a str> {
    wf.metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(key))
        .or_else(|| wf.metadata.labels.as_ref().and_then(|l| l.get(key)))
        .map(String::as_str)
}

/// Builds and pushes the project's image under `image` (the workflow's own reference), with the
/// docker settings of argo.yml in the env the workflow was compiled for.
fn rebuild(
    global: &GlobalArgs,
    wf: &Workflow,
    image: &str,
    env: Option<&str>,
) -> Result<(), CliError> {
    let env = env
        .or_else(|| meta(wf, "argo-kedro.io/env"))
        .unwrap_or("base");
    let pipeline = meta(wf, "argo-kedro.io/pipeline").unwrap_or("__default__");
    let loaded = project::load(global, env, Some(pipeline))?;
    let config = Config::from_project(&loaded.project).map_err(|e| CliError::Compile(e.into()))?;
    let docker = Docker::from_env("--no-rebuild");
    docker.run_all(&submit::build_commands(&config, image)?, &loaded.root)?;
    let policies: Vec<String> = wf
        .spec
        .templates
        .iter()
        .filter_map(|t| t.container.as_ref())
        .filter(|c| c.image.as_deref() == Some(image))
        .map(|c| c.image_pull_policy.clone().unwrap_or_default())
        .collect();
    if policies.iter().any(|p| p != "Always") {
        output::status(&format!(
            "warning: the workflow's imagePullPolicy is not Always: a node that has {image} cached runs the old image"
        ));
    }
    Ok(())
}

/// Retries the failed nodes in place.
async fn retry(
    client: &Client,
    wf: &Workflow,
    name: &WorkflowName,
    image: Option<&str>,
    opts: &RetryOptions,
) -> Result<Outcome, CliError> {
    let outcome = client
        .retry(name, opts)
        .await
        .map_err(cluster::failed(format!("retry workflow `{name}`")))?;
    let rows = cluster::task_rows(wf);
    let retried: Vec<&cluster::TaskRow> = rows
        .iter()
        .filter(|r| outcome.deleted_nodes.iter().any(|id| id.as_str() == r.id))
        .collect();
    output::status(&format!(
        "retrying {} of {name} in place:",
        output::count(retried.len(), "failed task", "failed tasks")
    ));
    for row in &retried {
        output::status(&format!("  {}", row.label()));
    }
    if !outcome.deleted_pods.is_empty() {
        let pods: Vec<&str> = outcome
            .deleted_pods
            .iter()
            .map(argo_client::PodName::as_str)
            .collect();
        output::status(&format!("deleted pods: {}", pods.join(", ")));
    }
    if let Some(image) = image {
        output::status(&format!("the retried pods will run image {image}"));
    }
    let json = serde_json::json!({
        "name": name,
        "namespace": client.namespace(),
        "mode": "retry",
        "image": image,
        "retried_tasks": retried,
        "deleted_pods": outcome.deleted_pods,
    });
    Ok(Outcome {
        name: name.clone(),
        json,
    })
}

/// Submits a new run that skips the nodes that succeeded. The new run has its own Kedro
/// version; its tasks load the reused results at the versions they were written with
/// (`argo_fuse::versions::memoized_resubmit_parameter`).
async fn memoized(
    client: &Client,
    wf: &Workflow,
    name: &WorkflowName,
    image: Option<&str>,
    opts: &ResubmitOptions,
) -> Result<Outcome, CliError> {
    let reused = argo_fuse::versions::memoized_resubmit_parameter(wf);
    if let Some((_, versions)) = reused.as_deref().and_then(|p| p.split_once('=')) {
        output::status(&format!(
            "the new run loads the reused results at their versions: {versions}"
        ));
    }
    let opts = opts.clone().parameters(reused);
    let submitted = client
        .resubmit(name, &opts)
        .await
        .map_err(cluster::failed(format!("resubmit workflow `{name}`")))?;
    let runs = image
        .map(|image| format!("; its pods run image {image}"))
        .unwrap_or_default();
    output::status(&format!(
        "submitted {} in namespace {}: a new run of {name} that skips its succeeded tasks{runs}",
        submitted.name, submitted.namespace
    ));
    let json = serde_json::json!({
        "name": submitted.name,
        "namespace": submitted.namespace,
        "uid": submitted.uid,
        "mode": "memoized",
        "resubmitted_from": name,
        "image": image,
    });
    Ok(Outcome {
        name: submitted.name,
        json,
    })
}
