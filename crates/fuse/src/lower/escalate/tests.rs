use argo_model::{Document, Template, Workflow};
use serde_json::{Value, json};

use super::{LADDER_ANNOTATION, OOM_EXPRESSION, RUNG_INPUT};
use crate::testing::{Fixture, config_json};
use crate::{CompileOptions, FuseError, LowerError, compile};

/// `default` climbs to `highmem` then `huge` (another pool, tainted); `gpu` has no ladder.
fn ladder_config(extra: Value) -> Value {
    let mut c = json!({"machine_types": {
        "default": {"on_oom": "highmem"},
        "highmem": {"mem": 64, "cpu": 8, "num_gpu": 0, "on_oom": "huge"},
        "huge": {"mem": 256, "cpu": 8, "num_gpu": 0,
                 "node_selector": {"pool": "huge"},
                 "tolerations": [{"key": "huge", "operator": "Exists", "effect": "NoSchedule"}]}
    }});
    if let (Value::Object(c), Value::Object(e)) = (&mut c, extra) {
        c.extend(e);
    }
    c
}

fn two_tasks() -> Fixture {
    Fixture::new()
        .node("featurize", &["raw"], &["features"], json!({}))
        .node(
            "train",
            &["features"],
            &["model"],
            json!({"machine_type": "gpu"}),
        )
}

fn compiled(extra: Value) -> Result<Workflow, FuseError> {
    let project = two_tasks().project_with(config_json(ladder_config(extra)));
    compile(&project, &CompileOptions::default()).map(|c| c.workflow)
}

fn template<'a>(wf: &'a Workflow, task: &str) -> &'a Template {
    let dag = wf.spec.templates[0].dag.as_ref().expect("dag");
    let name = dag
        .tasks
        .iter()
        .find(|t| t.name == task)
        .and_then(|t| t.template.as_deref())
        .expect("task");
    wf.spec
        .templates
        .iter()
        .find(|t| t.name == name)
        .expect("template")
}

#[test]
fn scenario_escalating_template() {
    let wf = compiled(json!({})).expect("compiles");
    let yaml = Document::from(wf.clone()).to_yaml_string().expect("yaml");
    // Deterministic.
    let again = Document::from(compiled(json!({})).expect("compiles"))
        .to_yaml_string()
        .expect("yaml");
    assert_eq!(again, yaml);

    // The task on `default` retries on OOM and patches memory up the ladder by `retries`.
    let t = template(&wf, "featurize");
    let retry = t.retry_strategy.as_ref().expect("retryStrategy");
    assert_eq!(
        retry.expression.as_deref(),
        Some(&*format!("({OOM_EXPRESSION})"))
    );
    assert_eq!(
        serde_json::to_value(&retry.limit).expect("json"),
        json!(2),
        "one retry per rung above the first"
    );
    let patch = t.pod_spec_patch.as_deref().expect("podSpecPatch");
    assert!(
        patch.starts_with("{{=") && patch.ends_with("\n'{}'}}"),
        "{patch}"
    );
    assert_eq!(patch.matches("{{").count(), 1);
    assert_eq!(
        patch.matches("}}").count(),
        1,
        "only the tag's end: {patch}"
    );
    assert!(patch.contains("asInt(retries)") && patch.contains("inputs.parameters.oom_rung"));
    assert!(patch.contains(r#""memory":"64Gi""#) && patch.contains(r#""memory":"256Gi""#));
    // `huge` is another pool: selector and tolerations change there only.
    assert_eq!(patch.matches("nodeSelector").count(), 1, "{patch}");
    assert_eq!(patch.matches("tolerations").count(), 1, "{patch}");
    let inputs = &t.inputs.as_ref().expect("inputs").parameters;
    let rung = inputs
        .iter()
        .find(|p| p.name == RUNG_INPUT)
        .expect("oom_rung");
    assert_eq!(
        serde_json::to_value(&rung.default).expect("json"),
        json!("0")
    );
    let annotations = &t.metadata.as_ref().expect("metadata").annotations;
    assert_eq!(
        annotations.get(LADDER_ANNOTATION).map(String::as_str),
        Some("default=16Gi,highmem=64Gi,huge=256Gi")
    );
    // The task on another machine type is unchanged.
    let gpu = template(&wf, "train");
    assert!(gpu.pod_spec_patch.is_none() && gpu.retry_strategy.is_none());
    assert!(gpu.metadata.is_none());
    assert!(
        !yaml.contains("oom_rung: "),
        "no task passes a rung by default"
    );
    insta::assert_snapshot!("escalating_template", yaml);
}

#[test]
fn each_rung_patch_is_json_for_a_pod_spec() {
    let wf = compiled(json!({})).expect("compiles");
    let patch = template(&wf, "featurize")
        .pod_spec_patch
        .clone()
        .expect("patch");
    let rungs: Vec<Value> = patch
        .split('\'')
        .filter(|s| s.starts_with("{\"") || *s == "{}")
        .map(|s| serde_json::from_str(s).expect("each rung is JSON"))
        .collect();
    assert_eq!(rungs.len(), 3, "{patch}");
    let highmem = &rungs[1];
    assert_eq!(
        highmem["containers"][0]["resources"],
        json!({"limits": {"cpu": "8", "memory": "64Gi"}, "requests": {"cpu": "8", "memory": "64Gi"}})
    );
    assert_eq!(
        highmem["containers"][0]["env"],
        json!([{"name": "MEM_LIMIT_GB", "value": "64"}, {"name": "NUM_CPU", "value": "8"}])
    );
    assert_eq!(rungs[0]["nodeSelector"], json!({"pool": "huge"}));
    assert_eq!(
        rungs[0]["tolerations"],
        json!([{"effect": "NoSchedule", "key": "huge", "operator": "Exists"}])
    );
    assert_eq!(rungs[2], json!({}));
}

#[test]
fn the_tasks_own_retries_combine_with_escalation() {
    let wf = compiled(json!({"retry_strategy": {
        "limit": 2, "retry_policy": "OnError",
        "backoff": {"duration": "30s", "factor": 2},
        "expression": "lastRetry.message matches 'pod deleted'"
    }}))
    .expect("compiles");
    let retry = template(&wf, "featurize")
        .retry_strategy
        .clone()
        .expect("retry");
    assert_eq!(
        retry.expression.as_deref(),
        Some(
            "(lastRetry.message contains 'OOMKilled' || lastRetry.exitCode == '137') || \
             (asInt(retries) < 2 && lastRetry.status == 'Error' && \
             (lastRetry.message matches 'pod deleted'))"
        )
    );
    assert_eq!(serde_json::to_value(&retry.limit).expect("json"), json!(4));
    assert_eq!(retry.retry_policy.as_deref(), Some("Always"));
    assert_eq!(
        retry.backoff.and_then(|b| b.duration).as_deref(),
        Some("30s")
    );
    // The other machine type keeps the strategy as configured.
    let gpu = template(&wf, "train")
        .retry_strategy
        .clone()
        .expect("retry");
    assert_eq!(gpu.retry_policy.as_deref(), Some("OnError"));

    let err = compiled(json!({"retry_strategy": {"limit": 1, "retry_policy": "OnTransientError"}}))
        .expect_err("refused");
    assert!(
        matches!(&err, FuseError::Lower(LowerError::OomRetryPolicy { machine_type, .. }) if machine_type == "default"),
        "{err}"
    );
}

#[test]
fn plan_shows_each_tasks_ladder() {
    let project = two_tasks().project_with(config_json(ladder_config(json!({}))));
    let plan = compile(&project, &CompileOptions::default())
        .expect("compiles")
        .plan;
    let text = plan.to_text();
    assert!(
        text.contains(
            "  on OOM: retried on `highmem` (64 GiB, 8 cpu, 0 gpu), then `huge` (256 GiB, 8 cpu, 0 gpu)\n"
        ),
        "{text}"
    );
    let json: Value = serde_json::from_str(&plan.to_json()).expect("json");
    assert_eq!(json["tasks"][0]["on_oom"][1]["machine_type"], "huge");
    assert!(json["tasks"][1].get("on_oom").is_none());
}

fn nodes(
    attempts: &[(&str, &str)],
    oom_rung: &str,
) -> indexmap::IndexMap<String, argo_model::NodeStatus> {
    let mut map = serde_json::Map::new();
    let children: Vec<String> = (0..attempts.len()).map(|i| format!("wf-{i}")).collect();
    map.insert(
        "wf-r".into(),
        json!({"id": "wf-r", "name": "wf.featurize", "displayName": "featurize", "type": "Retry",
               "phase": "Failed", "templateName": "kedro-default", "children": children,
               "inputs": {"parameters": [{"name": "oom_rung", "value": oom_rung}]}}),
    );
    for (i, (message, code)) in attempts.iter().enumerate() {
        map.insert(
            format!("wf-{i}"),
            json!({"id": format!("wf-{i}"), "name": format!("wf.featurize({i})"), "type": "Pod",
                   "phase": "Failed", "templateName": "kedro-default", "message": message,
                   "outputs": {"exitCode": code}}),
        );
    }
    serde_json::from_value(Value::Object(map)).expect("nodes")
}

#[test]
fn the_rung_of_a_task_killed_for_memory_and_the_next_one() {
    let wf = compiled(json!({})).expect("compiles");
    let oom = ("main: OOMKilled (exit code 137)", "137");
    let error = ("main: Error (exit code 1)", "1");
    let rungs = |attempts: &[(&str, &str)], start: &str| -> Vec<(String, Option<String>, usize)> {
        super::oom_escalations(&wf, &nodes(attempts, start))
            .into_iter()
            .map(|e| (e.from.machine_type, e.to.map(|t| t.machine_type), e.rung))
            .collect()
    };
    let r =
        |from: &str, to: Option<&str>, rung| vec![(from.to_owned(), to.map(str::to_owned), rung)];
    // Killed once (no retry left, say): ran on `default`, next `highmem`.
    assert_eq!(rungs(&[oom], "0"), r("default", Some("highmem"), 1));
    // Killed twice: the second attempt ran on `highmem`.
    assert_eq!(rungs(&[oom, oom], "0"), r("highmem", Some("huge"), 2));
    // An ordinary failure before the kill: the kill was on `default`.
    assert_eq!(rungs(&[error, oom], "0"), r("default", Some("highmem"), 1));
    // Started on rung 1 (a resubmit), killed twice: on the top rung already.
    assert_eq!(rungs(&[oom, oom], "1"), r("huge", None, 2));
    // The last attempt was not killed for memory: nothing to escalate.
    assert!(rungs(&[oom, error], "0").is_empty());
    let ladder = super::ladder_of(template(&wf, "featurize")).expect("ladder");
    assert_eq!(ladder[2].memory, "256Gi");
    assert!(super::ladder_of(template(&wf, "train")).is_none());
}
