//! `argo-kedro run-local`: compile as for Argo (or read `--manifest`), then run the manifest
//! here as the controller would.

mod manifest;
mod report;

use std::path::Path;

use argo_local::{Event, RunOptions};

use crate::cli::{GlobalArgs, RunLocalArgs};
use crate::error::CliError;
use crate::{output, project};

/// `argo-kedro run-local`.
pub(crate) fn run(global: &GlobalArgs, args: &RunLocalArgs) -> Result<(), CliError> {
    if let Some(path) = &args.manifest {
        return manifest::run(global, args, path);
    }
    let (loaded, compiled) = project::compile(global, &args.selection, None)?;
    let name = argo_fuse::names::clean(&format!(
        "{}-{}",
        loaded.project.info().package_name,
        args.selection.pipeline
    ));
    let run_dir = args
        .run_dir
        .clone()
        .unwrap_or_else(|| loaded.root.join(".argo-kedro").join("runs").join(&name));
    let python = loaded.python.path.display().to_string();
    let mut options = common_options(args, &loaded.root, &run_dir)?
        .workflow_name(name)
        // The pods run `kedro`; here it is the Kedro of the project's interpreter.
        .program_alias("kedro", vec![python, "-m".into(), "kedro".into()])
        .env("KEDRO_DISABLE_TELEMETRY", "1");
    // Scripts of custom templates call `kedro` by name: find the interpreter's first.
    if let Some(bin) = loaded
        .python
        .path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
    {
        let path = std::env::var_os("PATH").unwrap_or_default();
        let joined = std::env::join_paths(
            std::iter::once(bin.to_path_buf()).chain(std::env::split_paths(&path)),
        );
        if let Ok(joined) = joined {
            options = options.env("PATH", joined.to_string_lossy());
        }
    }
    if args.skip_init {
        options = skip_init(options, &compiled, &args.init_output)?;
    }
    let plan = argo_local::Plan::new(&compiled.workflow, options).map_err(CliError::LocalPlan)?;
    if let Some(version) = run_version(&plan) {
        output::status(&format!(
            "run-local: versioned datasets save under version {version}"
        ));
    }
    if let Some(note) = escalation_note(&compiled.plan) {
        output::status(&note);
    }
    execute(&plan, &loaded.root, &run_dir)
}

/// The Kedro version of this run, as the runtime hook derives it (`argo_fuse::versions`).
fn run_version(plan: &argo_local::Plan) -> Option<String> {
    let created = plan.global("workflow.creationTimestamp")?.parse().ok()?;
    Some(argo_fuse::versions::run_version(
        created,
        plan.global("workflow.uid").unwrap_or_default(),
    ))
}

/// What `run-local` says of memory ladders (`on_oom`): they climb on the cluster only.
fn escalation_note(plan: &argo_fuse::Plan) -> Option<String> {
    let mut ladders: Vec<String> = plan
        .tasks
        .iter()
        .filter(|t| !t.on_oom.is_empty())
        .map(|t| {
            std::iter::once(t.machine_type.as_str())
                .chain(t.on_oom.iter().map(|r| r.machine_type.as_str()))
                .collect::<Vec<_>>()
                .join(" -> ")
        })
        .collect();
    let tasks = ladders.len();
    ladders.sort();
    ladders.dedup();
    (tasks > 0).then(|| {
        format!(
            "note: {tasks} task(s) escalate on OOM kills ({}): that happens on the cluster; here \
             each runs as its first machine type (the podSpecPatch of each attempt is shown, not \
             applied)",
            ladders.join("; ")
        )
    })
}

/// Options both forms share: jobs, secrets, strictness, `TRANSIENT_ERROR_PATTERN`.
fn common_options(
    args: &RunLocalArgs,
    root: &Path,
    run_dir: &Path,
) -> Result<RunOptions, CliError> {
    let mut options = RunOptions::new(root, run_dir)
        .strict(args.strict)
        // Lets custom templates skip what only exists in a pod (e.g. waiting for a sidecar).
        .env("ARGO_KEDRO_LOCAL", "1");
    if let Some(jobs) = args.jobs {
        options = options.jobs(jobs.get());
    }
    for item in &args.secret {
        let (key, var) = item
            .split_once('=')
            .filter(|(k, v)| !k.is_empty() && !v.is_empty())
            .ok_or_else(|| CliError::InvalidSecret { item: item.clone() })?;
        options = options.secret(key, var);
    }
    // The controller's own setting for `retryPolicy: OnTransientError`.
    if let Some(pattern) = std::env::var("TRANSIENT_ERROR_PATTERN")
        .ok()
        .filter(|p| !p.is_empty())
    {
        let re = regex::Regex::new(&pattern).map_err(|_| CliError::TransientPattern { pattern })?;
        options = options.transient_error_pattern(re);
    }
    Ok(options)
}

/// `NAME=VALUE` of `flag`.
fn assignment<'a>(item: &'a str, flag: &'static str) -> Result<(&'a str, &'a str), CliError> {
    item.split_once('=')
        .filter(|(k, _)| !k.trim().is_empty())
        .map(|(k, v)| (k.trim(), v))
        .ok_or_else(|| CliError::InvalidAssignment {
            flag,
            item: item.to_owned(),
        })
}

/// `--skip-init`: the init tasks count as done, with the outputs of `--init-output`.
fn skip_init(
    mut options: RunOptions,
    compiled: &argo_fuse::Compiled,
    given: &[String],
) -> Result<RunOptions, CliError> {
    let mut values = Vec::new();
    for item in given {
        let (name, value) = assignment(item, "--init-output")?;
        values.push((name.to_owned(), value.to_owned()));
    }
    let known: Vec<String> = compiled
        .plan
        .init_tasks
        .iter()
        .flat_map(|i| i.outputs.iter().cloned())
        .collect();
    if let Some((name, _)) = values.iter().find(|(n, _)| !known.contains(n)) {
        return Err(CliError::UnknownInitOutput {
            name: name.clone(),
            known,
        });
    }
    let missing: Vec<String> = known
        .iter()
        .filter(|k| !values.iter().any(|(n, _)| n == *k))
        .cloned()
        .collect();
    if !missing.is_empty() {
        return Err(CliError::MissingInitOutputs { names: missing });
    }
    for init in &compiled.plan.init_tasks {
        let outputs = values
            .iter()
            .filter(|(n, _)| init.outputs.contains(n))
            .rev()
            .fold(Vec::<(String, String)>::new(), |mut acc, (n, v)| {
                if !acc.iter().any(|(a, _)| a == n) {
                    acc.push((n.clone(), v.clone()));
                }
                acc
            });
        options = options.done_task(init.name.to_string(), outputs);
        output::status(&format!("run-local: init task `{}` skipped", init.name));
    }
    Ok(options)
}

/// Runs `plan`, prints progress and the summary; fails unless the workflow succeeded.
fn execute(plan: &argo_local::Plan, root: &Path, run_dir: &Path) -> Result<(), CliError> {
    for line in report::grouped_warnings(plan.warnings()) {
        output::status(&format!("warning: {line}"));
    }
    let total = plan.task_names().count();
    output::status(&format!(
        "run-local: {total} {}, logs in {}",
        if total == 1 { "task" } else { "tasks" },
        run_dir.display()
    ));
    let mut done = 0usize;
    let report = plan
        .run(&mut |event: &Event| report::progress(event, plan, &mut done, total))
        .map_err(CliError::LocalPlan)?;
    output::status(&report::summary(&report, root));
    if report.is_success() {
        return Ok(());
    }
    let failed: Vec<String> = report
        .failed()
        .map(|task| {
            let code = task
                .exit_code
                .map_or_else(String::new, |c| format!(", exit code {c}"));
            if task.kedro_nodes.is_empty() {
                format!("task `{}`{code}", task.name)
            } else {
                format!(
                    "task `{}` (Kedro nodes: {}{code})",
                    task.name,
                    task.kedro_nodes.join(", ")
                )
            }
        })
        .collect();
    Err(CliError::LocalRunFailed {
        failed: if failed.is_empty() {
            "the workflow failed".into()
        } else {
            failed.join("; ")
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(machine_types: &str) -> argo_fuse::Plan {
        let ir = format!(
            r#"{{"format": "argo-kedro-ir", "version": 1,
              "project": {{"name": "Demo", "package_name": "demo", "kedro_version": "1.0.0",
                          "argo_kedro_version": "0.1.0", "env": "base"}},
              "pipelines": [{{"name": "__default__", "groups": [], "nodes": [
                {{"name": "a", "namespace": null, "func": "m.a", "inputs": ["raw"], "outputs": ["x"],
                 "tags": [], "machine_type": null, "template": null, "group": null}},
                {{"name": "b", "namespace": null, "func": "m.b", "inputs": ["x"], "outputs": ["y"],
                 "tags": [], "machine_type": null, "template": null, "group": null}}]}}],
              "datasets": [
                {{"name": "raw", "kind": "dataset", "declared": true, "type": "t", "pattern": null, "memory": false}},
                {{"name": "x", "kind": "dataset", "declared": true, "type": "t", "pattern": null, "memory": false}},
                {{"name": "y", "kind": "dataset", "declared": true, "type": "t", "pattern": null, "memory": false}}],
              "parameters": [],
              "config": {{"namespace": "ns", "deployment": {{"image": "img"}},
                         "machine_types": {machine_types}, "default_machine_type": "default"}}}}"#
        );
        let project = kedro_graph::Project::from_json(&ir).unwrap();
        argo_fuse::compile(&project, &argo_fuse::CompileOptions::default())
            .unwrap()
            .plan
    }

    #[test]
    fn run_local_says_that_memory_ladders_climb_on_the_cluster_only() {
        let with = plan(
            r#"{"default": {"mem": 4, "cpu": 1, "num_gpu": 0, "on_oom": "big"},
                "big": {"mem": 16, "cpu": 1, "num_gpu": 0}}"#,
        );
        assert_eq!(
            escalation_note(&with).as_deref(),
            Some(
                "note: 2 task(s) escalate on OOM kills (default -> big): that happens on the \
                 cluster; here each runs as its first machine type (the podSpecPatch of each \
                 attempt is shown, not applied)"
            )
        );
        let without = plan(r#"{"default": {"mem": 4, "cpu": 1, "num_gpu": 0}}"#);
        assert_eq!(escalation_note(&without), None);
    }
}
