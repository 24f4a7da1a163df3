//! `argo-kedro schedule`: the pipeline as a `CronWorkflow` in the cluster (create, or update in
//! place), `--list` and `--delete`; and the schedule `compile --cron` writes.

use std::fmt::Write as _;

use argo_client::{Client, CronWorkflowName, ListOptions};
use argo_fuse::config::{Config, Schedule};
use argo_model::CronWorkflow;
use jiff::Timestamp;

use crate::cli::{GlobalArgs, ResultFormat, ScheduleArgs, ScheduleFlags};
use crate::commands::{status, submit};
use crate::error::CliError;
use crate::image::Docker;
use crate::{cluster, discover, output, project};

/// `argo-kedro schedule`.
pub(crate) fn run(global: &GlobalArgs, args: &ScheduleArgs) -> Result<(), CliError> {
    if args.list {
        list(global, args)
    } else if args.delete {
        delete(global, args)
    } else {
        create(global, args)
    }
}

/// The schedule of the flags, each falling back to the same key of argo.yml's `schedule`;
/// `None` when neither gives a cron expression.
pub(crate) fn resolve(flags: &ScheduleFlags, config: Option<&Schedule>) -> Option<Schedule> {
    let cron = flags
        .cron
        .clone()
        .or_else(|| config.map(|c| c.cron.clone()))?;
    let mut schedule = Schedule::new(cron);
    schedule.timezone = flags
        .timezone
        .clone()
        .or_else(|| config.and_then(|c| c.timezone.clone()));
    schedule.concurrency_policy = flags
        .concurrency_policy
        .map(Into::into)
        .or_else(|| config.and_then(|c| c.concurrency_policy));
    schedule.starting_deadline = flags
        .starting_deadline
        .or_else(|| config.and_then(|c| c.starting_deadline));
    Some(schedule)
}

/// The `CronWorkflow` of a compiled pipeline (named by project, pipeline and env).
pub(crate) fn cron_workflow(
    compiled: &argo_fuse::Compiled,
    schedule: &Schedule,
) -> Result<CronWorkflow, CliError> {
    let plan = &compiled.plan;
    let name =
        argo_fuse::names::cron_workflow_name(&plan.project, plan.pipeline.as_str(), &plan.env);
    argo_fuse::schedule::cron_workflow(&compiled.workflow, schedule, &name)
        .map_err(CliError::Schedule)
}

fn create(global: &GlobalArgs, args: &ScheduleArgs) -> Result<(), CliError> {
    let (loaded, compiled, image) = project::compile_with_image(global, &args.selection, None)?;
    let schedule = resolve(&args.schedule, compiled.config.schedule.as_ref()).ok_or_else(|| {
        CliError::NoSchedule {
            env: args.selection.env.clone(),
        }
    })?;
    let cron = cron_workflow(&compiled, &schedule)?;
    let name = cron.metadata.name.clone().unwrap_or_default();
    let docker = Docker::from_env("--no-build");
    let commands = if args.no_build || args.selection.image.is_some() {
        Vec::new()
    } else {
        submit::build_commands(&compiled.config, &image)?
    };
    let config: &Config = &compiled.config;
    cluster::block_on(async {
        let client = cluster::connect(global, Some(&config.namespace)).await?;
        let cron_name = cron_name(&name)?;
        if let Some(existing) = client
            .get_cron_workflow(&cron_name)
            .await
            .map_err(cluster::failed(format!("read CronWorkflow `{name}`")))?
        {
            check_owner(&existing, &cron, &client)?;
        }
        // Before anything is built or pushed: a server-side dry run of the very write below
        // (authentication, RBAC, the CRD's schema).
        Box::pin(client.check_apply_cron_workflow(&cron))
            .await
            .map_err(cluster::failed(format!(
                "write CronWorkflow `{name}` (checked before building the image: nothing was built)"
            )))?;
        output::status(&format!(
            "cluster ok: may write CronWorkflows in namespace {}",
            client.namespace()
        ));
        docker.run_all(&commands, &loaded.root)?;
        let applied = Box::pin(client.apply_cron_workflow(&cron))
            .await
            .map_err(cluster::failed(format!("write CronWorkflow `{name}`")))?;
        let verb = if applied.created {
            "created"
        } else {
            "updated"
        };
        let next = argo_fuse::schedule::next_run(&applied.cron_workflow, Timestamp::now());
        match args.format {
            ResultFormat::Json => {
                let mut value = row_json(&applied.cron_workflow, next.as_ref());
                value["action"] = verb.into();
                value["image"] = image.clone().into();
                output::stdout(&format!("{value}\n"))?;
            }
            ResultFormat::Text => {
                output::status(&format!(
                    "{verb} CronWorkflow {name} in namespace {}: {} (image {image})",
                    client.namespace(),
                    describe(&applied.cron_workflow),
                ));
                if let Some(next) = &next {
                    output::status(&format!("  next run: {}", zoned_text(next)));
                }
                output::stdout(&format!("{name}\n"))?;
            }
        }
        Ok(())
    })
}

fn cron_name(name: &str) -> Result<CronWorkflowName, CliError> {
    CronWorkflowName::new(name).map_err(|source| CliError::InvalidName {
        what: "CronWorkflow name",
        source,
    })
}

/// Refuses to overwrite a `CronWorkflow` that runs another project, pipeline or env (two of them
/// whose names clean to the same text).
fn check_owner(
    existing: &CronWorkflow,
    ours: &CronWorkflow,
    client: &Client,
) -> Result<(), CliError> {
    let keys =
        ["project", "pipeline", "env"].map(|k| format!("{}/{k}", argo_fuse::lower::LABEL_PREFIX));
    let of = |c: &CronWorkflow| {
        keys.iter()
            .map(|k| {
                c.metadata
                    .annotations
                    .as_ref()
                    .and_then(|a| a.get(k))
                    .cloned()
                    .unwrap_or_default()
            })
            .collect::<Vec<_>>()
    };
    let (theirs, mine) = (of(existing), of(ours));
    if theirs == mine {
        return Ok(());
    }
    let other = if theirs.iter().all(String::is_empty) {
        "something argo-kedro did not schedule".to_owned()
    } else {
        format!(
            "project {}, pipeline {}, env {}",
            theirs[0], theirs[1], theirs[2]
        )
    };
    Err(CliError::ScheduleTaken {
        name: existing.metadata.name.clone().unwrap_or_default(),
        namespace: client.namespace().to_string(),
        other,
    })
}

fn delete(global: &GlobalArgs, args: &ScheduleArgs) -> Result<(), CliError> {
    let cwd = std::env::current_dir().map_err(CliError::CurrentDir)?;
    let root = discover::project_root(global.project.as_deref(), &cwd)?;
    let package = discover::package_name(&root)
        .ok_or_else(|| CliError::NotAKedroProject { dir: root.clone() })?;
    let sel = &args.selection;
    let name = cron_name(&argo_fuse::names::cron_workflow_name(
        &package,
        &sel.pipeline,
        &sel.env,
    ))?;
    cluster::block_on(async {
        let client = cluster::connect_in_project(global, &[sel.env.as_str(), "base"]).await?;
        client
            .delete_cron_workflow(&name)
            .await
            .map_err(cluster::failed(format!("delete CronWorkflow `{name}`")))?;
        output::status(&format!(
            "deleted CronWorkflow {name} in namespace {} (the workflows it started stay)",
            client.namespace()
        ));
        match args.format {
            ResultFormat::Json => output::stdout(&format!(
                "{}\n",
                serde_json::json!({"name": name, "namespace": client.namespace(), "action": "deleted"})
            )),
            ResultFormat::Text => output::stdout(&format!("{name}\n")),
        }
    })
}

fn list(global: &GlobalArgs, args: &ScheduleArgs) -> Result<(), CliError> {
    let (selector, _) = status::project_selector(global)?;
    let env = args.selection.env.as_str();
    let crons = cluster::block_on(async {
        let client = cluster::connect_in_project(global, &[env, "base"]).await?;
        client
            .list_cron_workflows(&ListOptions::default().label_selector(selector))
            .await
            .map_err(cluster::failed("list the CronWorkflows"))
    })?;
    let now = Timestamp::now();
    let text = match args.format {
        ResultFormat::Json => {
            let rows: Vec<serde_json::Value> = crons
                .iter()
                .map(|c| row_json(c, argo_fuse::schedule::next_run(c, now).as_ref()))
                .collect();
            format!("{}\n", serde_json::Value::Array(rows))
        }
        ResultFormat::Text if crons.is_empty() => {
            output::status("no schedules found");
            String::new()
        }
        ResultFormat::Text => table(&crons, now),
    };
    output::stdout(&text)
}

fn annotation<'a>(c: &'a CronWorkflow, key: &str) -> Option<&'a str> {
    c.metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(&format!("{}/{key}", argo_fuse::lower::LABEL_PREFIX)))
        .map(String::as_str)
}

/// `0 2 * * * (Europe/Paris), concurrency Forbid`.
fn describe(c: &CronWorkflow) -> String {
    let spec = &c.spec;
    let mut s = spec
        .schedules
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if let Some(tz) = &spec.timezone {
        let _ = write!(s, " ({tz})");
    }
    let _ = write!(
        s,
        ", concurrency {}",
        spec.concurrency_policy.as_deref().unwrap_or("Allow")
    );
    if let Some(d) = spec.starting_deadline_seconds {
        let _ = write!(s, ", starting deadline {d}s");
    }
    s
}

fn zoned_text(z: &jiff::Zoned) -> String {
    let zone = z.time_zone().iana_name().unwrap_or("UTC");
    format!("{} ({zone})", z.strftime("%Y-%m-%d %H:%M:%S %:z"))
}

fn row_json(c: &CronWorkflow, next: Option<&jiff::Zoned>) -> serde_json::Value {
    let spec = &c.spec;
    serde_json::json!({
        "name": c.metadata.name,
        "namespace": c.metadata.namespace,
        "schedules": spec.schedules,
        "timezone": spec.timezone,
        "concurrency_policy": spec.concurrency_policy,
        "starting_deadline_seconds": spec.starting_deadline_seconds,
        "suspended": spec.suspend.unwrap_or(false),
        "pipeline": annotation(c, "pipeline"),
        "env": annotation(c, "env"),
        "next_run": next.map(|z| z.timestamp().to_string()),
        "last_run": cluster::time_text(c.status.as_ref().and_then(|s| s.last_scheduled_time.as_ref())),
    })
}

fn table(crons: &[CronWorkflow], now: Timestamp) -> String {
    let rows: Vec<[String; 6]> = crons
        .iter()
        .map(|c| {
            let next = argo_fuse::schedule::next_run(c, now);
            [
                c.metadata.name.clone().unwrap_or_default(),
                annotation(c, "pipeline").unwrap_or("-").to_owned(),
                annotation(c, "env").unwrap_or("-").to_owned(),
                describe(c),
                next.as_ref().map_or_else(
                    || {
                        if c.spec.suspend == Some(true) {
                            "suspended".into()
                        } else {
                            "-".into()
                        }
                    },
                    zoned_text,
                ),
                cluster::time_text(
                    c.status
                        .as_ref()
                        .and_then(|s| s.last_scheduled_time.as_ref()),
                )
                .unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    status::render_table(
        [
            "NAME", "PIPELINE", "ENV", "SCHEDULE", "NEXT RUN", "LAST RUN",
        ],
        &rows,
    )
}
