//! Memory escalation exercised without a cluster: the manifest argo-fuse writes for a task on a
//! machine type with `on_oom`, run by argo-local, which substitutes `retries` and `lastRetry.*`
//! into the template before each attempt (Argo's `executeTemplate`) and evaluates the retry
//! expression (`processNodeRetries`). The task's command is replaced by a script that fakes an
//! OOM kill (SIGKILL, or exit 137) on chosen attempts; the patch each attempt would get on the
//! cluster is read from the run's events.

use argo_fuse::{CompileOptions, compile};
use argo_local::{Event, RunOptions, TaskStatus};
use argo_model::Workflow;
use serde_json::{Value, json};

/// One node `train` on `default`, whose ladder is `default` (16 GiB) → `highmem` (64 GiB) →
/// `huge` (256 GiB), with `retry` as the task's own retry strategy.
fn manifest(retry: &Value) -> Workflow {
    let mut config = json!({
        "namespace": "argo", "deployment": {"image": "registry.example/demo", "tag": "v1"},
        "machine_types": {
            "default": {"mem": 16, "cpu": 4, "num_gpu": 0, "on_oom": "highmem"},
            "highmem": {"mem": 64, "cpu": 4, "num_gpu": 0, "on_oom": "huge"},
            "huge": {"mem": 256, "cpu": 4, "num_gpu": 0}
        },
        "default_machine_type": "default"
    });
    if !retry.is_null() {
        config["retry_strategy"] = retry.clone();
    }
    let ir = json!({
        "format": "argo-kedro-ir", "version": 1,
        "project": {"name": "Demo", "package_name": "demo", "kedro_version": "1.0.0",
                    "argo_kedro_version": "0.1.0", "env": "cloud"},
        "pipelines": [{"name": "__default__", "groups": [], "nodes": [
            {"name": "train", "namespace": null, "func": "m.train", "inputs": ["raw"],
             "outputs": ["model"], "tags": [], "machine_type": null, "template": null,
             "group": null}]}],
        "datasets": [
            {"name": "model", "kind": "dataset", "declared": true, "type": "pickle.PickleDataset", "pattern": null, "memory": false},
            {"name": "raw", "kind": "dataset", "declared": true, "type": "pandas.CSVDataset", "pattern": null, "memory": false}],
        "parameters": [],
        "config": config
    });
    let project = kedro_graph::Project::from_json(&ir.to_string()).expect("IR");
    compile(&project, &CompileOptions::default())
        .expect("compiles")
        .workflow
}

/// Replaces the task's `kedro run` by `script`, run with `$n` = the attempt (from 0); `$$$$` is
/// the shell's `$$` after the kubelet's `$(VAR)` expansion.
fn with_script(mut wf: Workflow, script: &str) -> Workflow {
    let template = wf
        .spec
        .templates
        .iter_mut()
        .find(|t| t.container.is_some())
        .expect("worker template");
    let container = template.container.as_mut().expect("container");
    container.command = Some(vec!["sh".into(), "-c".into()]);
    container.args = Some(vec![format!(
        "n=$(cat attempts 2>/dev/null || echo 0); echo $((n + 1)) > attempts; {script}"
    )]);
    wf
}

/// Runs `wf`; the task's status, attempts and the podSpecPatch of each attempt.
fn run(wf: &Workflow) -> (TaskStatus, u32, Vec<String>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let options = RunOptions::new(dir.path(), dir.path().join(".run"));
    let mut patches = Vec::new();
    let report = argo_local::run(wf, options, &mut |e: &Event| {
        if let Event::TaskStarted { pod_spec_patch, .. } = e {
            patches.push(pod_spec_patch.clone().unwrap_or_default());
        }
    })
    .expect("plans");
    let t = report.task("train").expect("task");
    (t.status, t.attempts, patches)
}

fn memory(patch: &str) -> Option<String> {
    let v: Value = serde_json::from_str(patch).unwrap_or_else(|e| panic!("{patch}: {e}"));
    v["containers"][0]["resources"]["limits"]["memory"]
        .as_str()
        .map(str::to_owned)
}

#[test]
fn an_oom_killed_task_climbs_the_ladder_one_rung_per_kill() {
    // Killed by SIGKILL twice (as the kernel's OOM killer does), then it fits in 256 GiB.
    let wf = with_script(manifest(&Value::Null), "[ $n -ge 2 ] || kill -9 $$$$");
    let (status, attempts, patches) = run(&wf);
    assert_eq!((status, attempts), (TaskStatus::Succeeded, 3));
    let mems: Vec<Option<String>> = patches.iter().map(|p| memory(p)).collect();
    assert_eq!(
        mems,
        [None, Some("64Gi".into()), Some("256Gi".into())],
        "{patches:?}"
    );
    assert_eq!(patches[0], "{}");
}

#[test]
fn exit_code_137_counts_as_an_oom_kill_and_the_top_rung_is_the_last() {
    // Exit 137 every time: one retry per rung, then the task fails.
    let wf = with_script(manifest(&Value::Null), "exit 137");
    let (status, attempts, patches) = run(&wf);
    assert_eq!((status, attempts), (TaskStatus::Failed, 3));
    assert_eq!(memory(&patches[2]).as_deref(), Some("256Gi"));
}

#[test]
fn other_failures_retry_on_the_tasks_own_machine_type_and_never_without_a_retry_strategy() {
    // No retry settings of its own: an ordinary failure is final.
    let wf = with_script(manifest(&Value::Null), "exit 1");
    assert_eq!(run(&wf).1, 1);
    // With them: an ordinary failure is retried with today's resources; an OOM kill after it
    // still climbs.
    let retry = json!({"limit": 1});
    let wf = with_script(
        manifest(&retry),
        "[ $n -eq 0 ] && exit 1; [ $n -eq 1 ] && kill -9 $$$$; exit 0",
    );
    let (status, attempts, patches) = run(&wf);
    assert_eq!((status, attempts), (TaskStatus::Succeeded, 3));
    assert_eq!(patches[1], "{}", "the retry after `exit 1` keeps 16 GiB");
    assert_eq!(memory(&patches[2]).as_deref(), Some("256Gi"));
    // The task's own limit bounds ordinary failures: 1 retry.
    let wf = with_script(manifest(&retry), "exit 1");
    assert_eq!(run(&wf).1, 2);
}

#[test]
fn the_oom_rung_argument_starts_higher() {
    // What `resubmit` does for a task killed for memory: its first attempt runs on rung 1.
    let mut wf = with_script(manifest(&Value::Null), "exit 0");
    let dag = wf.spec.templates[0].dag.as_mut().expect("dag");
    let args = dag.tasks[0].arguments.as_mut().expect("arguments");
    args.parameters.push(argo_model::Parameter {
        name: argo_fuse::lower::escalate::RUNG_INPUT.into(),
        value: Some("1".into()),
        ..argo_model::Parameter::default()
    });
    let (status, _, patches) = run(&wf);
    assert_eq!(status, TaskStatus::Succeeded);
    assert_eq!(memory(&patches[0]).as_deref(), Some("64Gi"));
}
