//! Workflows end as Argo's controller would end them: each test names the upstream function
//! (`workflow/controller/dag.go`, `steps.go`, `operator.go`) whose rule it checks.

use argo_local::{Error, Event, RunStatus, TaskStatus};

use crate::{Fixture, started, workflow};

fn status(report: &argo_local::RunReport, task: &str) -> TaskStatus {
    report
        .task(task)
        .unwrap_or_else(|| panic!("task {task}"))
        .status
}

const HANDLER: &str = r#"
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: handler}
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
      - {name: a, template: fail}
      - {name: on-failure, template: ok, depends: a.Failed}
      - {name: on-success, template: ok, depends: a.Succeeded}
EXTRA
  - name: fail
    container: {image: unused, command: [sh, -c, "exit 2"]}
  - name: ok
    container: {image: unused, command: [sh, -c, "touch {{tasks.name}}-ran || touch ran"]}
"#;

/// `evaluateDependsLogic` + `assessDAGPhase`: a `depends: a.Failed` handler runs after `a`
/// fails, the `a.Succeeded` branch is omitted and inherits its Succeeded root branch; the only
/// failure is handled, so the DAG succeeds.
#[test]
fn assess_dag_phase_a_handled_failure_succeeds() {
    let f = Fixture::new();
    let yaml = HANDLER
        .replace("EXTRA\n", "")
        .replace("{{tasks.name}}-ran || touch ran", "handled");
    let (report, _) = crate::run(&workflow(&yaml), f.options());
    assert_eq!(status(&report, "a"), TaskStatus::Failed);
    assert_eq!(status(&report, "on-failure"), TaskStatus::Succeeded);
    assert_eq!(status(&report, "on-success"), TaskStatus::Omitted);
    assert!(f.exists("handled"));
    // Targets: on-failure (Succeeded) and on-success (omitted below the Failed `a`: its branch
    // is Failed) — upstream fails the DAG.
    assert_eq!(report.status, RunStatus::Failed);

    let only_handler = HANDLER
        .replace("EXTRA\n", "")
        .replace(
            "      - {name: on-success, template: ok, depends: a.Succeeded}\n",
            "",
        )
        .replace("{{tasks.name}}-ran || touch ran", "handled");
    let (report, _) = crate::run(&workflow(&only_handler), f.options());
    assert_eq!(status(&report, "on-failure"), TaskStatus::Succeeded);
    assert_eq!(report.status, RunStatus::Succeeded, "{report:#?}");
}

const CONTINUE: &str = r#"
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: continue}
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
      - {name: flaky, template: fail, continueOn: {failed: true}}
      - {name: after, template: touch, dependencies: [flaky]}
  - name: fail
    container: {image: unused, command: [sh, -c, "exit 1"]}
  - name: touch
    container: {image: unused, command: [touch, after-ran]}
"#;

/// `expandDependency` (ancestry.go) and `ContinuesOn` in `assessDAGPhase`: a dependent of a
/// task with `continueOn: {failed: true}` runs after it fails, and the DAG succeeds.
#[test]
fn continue_on_failed_lets_the_dag_go_on() {
    let f = Fixture::new();
    let (report, _) = crate::run(&workflow(CONTINUE), f.options());
    assert_eq!(status(&report, "flaky"), TaskStatus::Failed);
    assert_eq!(status(&report, "after"), TaskStatus::Succeeded);
    assert_eq!(report.status, RunStatus::Succeeded);
    // A failed target with continueOn does not fail the DAG either.
    let target = CONTINUE.replace(
        "      - {name: after, template: touch, dependencies: [flaky]}\n",
        "",
    );
    let (report, _) = crate::run(&workflow(&target), f.options());
    assert_eq!(report.status, RunStatus::Succeeded);
    // `continueOn: {error: true}` does not cover a failure.
    let error_only = CONTINUE.replace("{failed: true}", "{error: true}");
    let (report, _) = crate::run(&workflow(&error_only), f.options());
    assert_eq!(status(&report, "after"), TaskStatus::Omitted);
    assert_eq!(report.status, RunStatus::Failed);
}

const STEPS: &str = r#"
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: steps}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: produce, template: produce}
      - {name: other, template: wait-produce}
    - - name: consume
        template: consume
        arguments: {parameters: [{name: word, value: "{{steps.produce.outputs.parameters.word}}"}]}
    - - {name: last, template: touch}
  - name: produce
    container:
      image: unused
      command: [sh, -c, "printf 'hello\n\n' > /tmp/word"]
    outputs: {parameters: [{name: word, valueFrom: {path: /tmp/word}}]}
  - name: wait-produce
    container: {image: unused, command: [sh, -c, "i=0; while [ ! -e .run/outputs/produce/tmp/word ]; do i=$((i+1)); [ $i -gt 3000 ] && exit 9; sleep 0.01; done; CODE"]}
  - name: consume
    inputs: {parameters: [{name: word}]}
    container: {image: unused, command: [sh, -c, "printf '%s|' '{{inputs.parameters.word}}' > consumed"]}
  - name: touch
    container: {image: unused, command: [touch, last-ran]}
"#;

/// `executeSteps`/`executeStepGroup`: the steps of a group run in parallel, groups one after
/// the other; a later group reads `{{steps.X.outputs.parameters.Y}}`; `SaveParameters` drops
/// exactly one trailing newline.
#[test]
fn execute_steps_runs_groups_in_order_and_passes_outputs() {
    let f = Fixture::new();
    let (report, events) = crate::run(
        &workflow(&STEPS.replace("CODE", "true")),
        f.options().jobs(2),
    );
    assert!(report.is_success(), "{report:#?}");
    assert_eq!(f.read("consumed"), "hello\n|");
    assert!(f.exists("last-ran"));
    let names = started(&events);
    assert_eq!(&names[2..], ["consume", "last"]);
    assert_eq!(
        report
            .tasks
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>(),
        ["produce", "other", "consume", "last"]
    );
}

/// `executeStepGroup`: a failed step fails its group once the group is done, and no later group
/// starts; with `continueOn: {failed: true}` the steps go on.
#[test]
fn execute_step_group_a_failure_stops_later_groups() {
    let f = Fixture::new();
    let (report, _) = crate::run(
        &workflow(&STEPS.replace("CODE", "exit 4")),
        f.options().jobs(2),
    );
    assert_eq!(report.status, RunStatus::Failed);
    assert_eq!(
        status(&report, "produce"),
        TaskStatus::Succeeded,
        "the group ran to its end"
    );
    assert_eq!(status(&report, "other"), TaskStatus::Failed);
    assert_eq!(status(&report, "consume"), TaskStatus::NotRun);
    assert!(!f.exists("last-ran"));

    let f = Fixture::new();
    let yaml = STEPS.replace("CODE", "exit 4").replace(
        "template: wait-produce}",
        "template: wait-produce, continueOn: {failed: true}}",
    );
    let (report, _) = crate::run(&workflow(&yaml), f.options().jobs(2));
    assert_eq!(report.status, RunStatus::Succeeded);
    assert!(f.exists("last-ran"));
}

/// `checkParallelism`: a template with `failFast: true` starts no new task once a child failed,
/// and is marked Failed.
#[test]
fn template_fail_fast_starts_no_new_task_after_a_failure() {
    let f = Fixture::new();
    let yaml = r#"
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: ff}
spec:
  entrypoint: main
  templates:
  - name: main
    failFast: true
    dag:
      tasks:
      - {name: a, template: fail}
      - {name: b, template: touch, depends: a.Failed}
  - name: fail
    container: {image: unused, command: [sh, -c, "exit 1"]}
  - name: touch
    container: {image: unused, command: [touch, b-ran]}
"#;
    let (report, _) = crate::run(&workflow(yaml), f.options());
    assert_eq!(status(&report, "b"), TaskStatus::NotRun);
    assert!(!f.exists("b-ran"));
    assert_eq!(report.status, RunStatus::Failed);
}

const RETRY: &str = r#"
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: retry}
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
      - {name: t, template: t}
  - name: t
    retryStrategy: STRATEGY
    PATCH
    container:
      image: unused
      command: [sh, -c, "echo \"{{retries}} {{lastRetry.exitCode}} '{{lastRetry.status}}' '{{lastRetry.message}}'\" >> seen; n=$(wc -l < seen); SCRIPT"]
"#;

fn retry_yaml(strategy: &str, script: &str) -> String {
    RETRY
        .replace("STRATEGY", strategy)
        .replace("    PATCH\n", "")
        .replace("SCRIPT", script)
}

/// `processNodeRetries`: without `limit` a task is retried without bound (here until it
/// succeeds on the 6th attempt); `{{retries}}` and `{{lastRetry.*}}` are substituted before each
/// attempt with upstream's first-attempt defaults.
#[test]
fn process_node_retries_without_limit_retries_until_success() {
    let f = Fixture::new();
    let yaml = retry_yaml("{retryPolicy: Always}", "[ $n -ge 6 ] || exit 3");
    let (report, events) = crate::run(&workflow(&yaml), f.options());
    let t = report.task("t").expect("task");
    assert_eq!((t.status, t.attempts), (TaskStatus::Succeeded, 6), "{t:#?}");
    let seen = f.read("seen");
    let lines: Vec<&str> = seen.lines().collect();
    assert_eq!(lines[0], "0 0 '' ''");
    assert_eq!(lines[1], "1 3 'Failed' 'main: Error (exit code 3)'");
    assert_eq!(lines[5], "5 3 'Failed' 'main: Error (exit code 3)'");
    let retries = events
        .iter()
        .filter(|e| matches!(e, Event::TaskRetrying { .. }))
        .count();
    assert_eq!(retries, 5);
    assert_eq!(t.history.len(), 6);
    assert_eq!(report.status, RunStatus::Succeeded);
}

/// `RetryPolicyActual` + `processNodeRetries`: with an expression the policy is `Always` and
/// the expression decides: retried while the exit code is 137, then stopped with upstream's
/// message.
#[test]
fn process_node_retries_expression_decides() {
    let f = Fixture::new();
    let yaml = retry_yaml(
        "{limit: 10, expression: \"asInt(lastRetry.exitCode) == 137\"}",
        "[ $n -ge 3 ] && exit 1; kill -9 $$$$",
    );
    let (report, _) = crate::run(&workflow(&yaml), f.options());
    let t = report.task("t").expect("task");
    assert_eq!(
        (t.status, t.attempts, t.exit_code),
        (TaskStatus::Failed, 3, Some(1))
    );
    assert_eq!(
        t.message.as_deref(),
        Some("retryStrategy.expression evaluated to false")
    );
    let seen = f.read("seen");
    assert_eq!(
        seen.lines().nth(1),
        Some("1 137 'Failed' 'main: OOMKilled (exit code 137)'"),
        "SIGKILL reads as an OOM kill"
    );
}

/// `executeTemplate` substitutes the retry variables into the whole template before each
/// attempt, `podSpecPatch` included: an OOM-killed task (exit 137) is retried with more memory.
#[test]
fn retry_variables_escalate_memory_in_pod_spec_patch() {
    let f = Fixture::new();
    let patch = r#"podSpecPatch: '{"containers":[{"name":"main","resources":{"limits":{"memory":"{{=asInt(lastRetry.exitCode) == 137 ? ''16Gi'' : ''4Gi''}}"}}}]}'"#;
    let yaml = RETRY
        .replace(
            "STRATEGY",
            "{limit: 2, expression: \"lastRetry.message contains 'OOMKilled'\"}",
        )
        .replace("PATCH", patch)
        .replace("SCRIPT", "[ $n -ge 2 ] || kill -9 $$$$");
    let (report, events) = crate::run(&workflow(&yaml), f.options());
    let t = report.task("t").expect("task");
    assert_eq!((t.status, t.attempts), (TaskStatus::Succeeded, 2));
    let patches: Vec<String> = events
        .iter()
        .filter_map(|e| match e {
            Event::TaskStarted { pod_spec_patch, .. } => pod_spec_patch.clone(),
            _ => None,
        })
        .collect();
    assert_eq!(patches.len(), 2);
    assert!(patches[0].contains(r#""memory":"4Gi""#), "{}", patches[0]);
    assert!(patches[1].contains(r#""memory":"16Gi""#), "{}", patches[1]);
    assert_eq!(
        t.history[1].pod_spec_patch.as_deref(),
        Some(patches[1].as_str())
    );
    assert!(
        report
            .warnings
            .iter()
            .any(|w| matches!(w.kind, argo_local::WarningKind::PodSpecPatch))
    );
}

/// `processNodeRetries` with `OnTransientError`: a non-transient failure is final; one whose
/// message matches `TRANSIENT_ERROR_PATTERN` is retried.
#[test]
fn process_node_retries_on_transient_error() {
    let f = Fixture::new();
    let yaml = retry_yaml("{limit: 3, retryPolicy: OnTransientError}", "exit 5");
    let (report, _) = crate::run(&workflow(&yaml), f.options());
    assert_eq!(report.task("t").expect("task").attempts, 1);
    let f = Fixture::new();
    let options = f
        .options()
        .transient_error_pattern(regex::Regex::new("exit code 5").expect("regex"));
    let (report, _) = crate::run(&workflow(&yaml), options);
    let t = report.task("t").expect("task");
    assert_eq!(
        (t.attempts, t.message.as_deref()),
        (4, Some("No more retries left"))
    );
}

/// `processNodeRetries` with `backoff.maxDuration`: a retry is killed at the deadline (first
/// start + maxDuration, as the pod's activeDeadlineSeconds) and then not retried again.
#[test]
fn process_node_retries_max_duration_kills_and_stops() {
    let f = Fixture::new();
    let yaml = retry_yaml(
        "{limit: 5, backoff: {duration: \"100ms\", maxDuration: \"2s\"}}",
        "[ $n -ge 2 ] && exec sleep 30; exit 1",
    );
    let started = std::time::Instant::now();
    let (report, _) = crate::run(&workflow(&yaml), f.options());
    let t = report.task("t").expect("task");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "killed at the deadline"
    );
    assert_eq!(t.attempts, 2, "{t:#?}");
    assert_eq!(
        t.history[1].message,
        "Pod was active on the node longer than the specified deadline"
    );
    assert_eq!(t.message.as_deref(), Some("Max duration limit exceeded"));
}

/// `processNodeRetries`: an expression that fails to evaluate errors the node.
#[test]
fn a_failing_retry_expression_errors_the_task() {
    let f = Fixture::new();
    let yaml = retry_yaml("{expression: \"asInt(lastRetry.message) > 0\"}", "exit 1");
    let (report, _) = crate::run(&workflow(&yaml), f.options());
    let t = report.task("t").expect("task");
    assert_eq!((t.status, t.attempts), (TaskStatus::Errored, 1));
    assert!(matches!(
        t.error.as_deref(),
        Some(argo_local::TaskError::RetryExpression { .. })
    ));
}

/// Expressions outside the subset, or that expr-lang would reject at run time, are refused
/// before anything runs.
#[test]
fn unsupported_retry_expressions_are_refused_up_front() {
    let f = Fixture::new();
    for expression in [
        "lastRetry.exitCode > 1",
        "sprig.contains(lastRetry.message, 'x')",
        "steps.a.status == 'x'",
    ] {
        let yaml = retry_yaml(&format!("{{expression: \"{expression}\"}}"), "true");
        let err = argo_local::Plan::new(&workflow(&yaml), f.options()).unwrap_err();
        assert!(
            matches!(err, Error::InvalidRetryStrategy { ref template, .. } if template == "t"),
            "{err}"
        );
    }
    assert!(!f.exists("seen"));
}

/// Tasks given as done (skipped init tasks) do not run and provide their outputs.
#[test]
fn done_tasks_provide_their_outputs_without_running() {
    let f = Fixture::new();
    let yaml = r#"
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: init}
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
      - {name: init, template: init}
      - name: work
        template: work
        dependencies: [init]
        arguments: {parameters: [{name: run_id, value: "{{tasks.init.outputs.parameters.run_id}}"}]}
  - name: init
    container: {image: unused, command: [sh, -c, "touch init-ran; echo x > /tmp/id"]}
    outputs: {parameters: [{name: run_id, valueFrom: {path: /tmp/id}}]}
  - name: work
    inputs: {parameters: [{name: run_id}]}
    container: {image: unused, command: [sh, -c, "echo {{inputs.parameters.run_id}} > got"]}
"#;
    let options = f
        .options()
        .done_task("init", vec![("run_id".into(), "run-42".into())]);
    let (report, _) = crate::run(&workflow(yaml), options);
    assert!(report.is_success(), "{report:#?}");
    assert!(!f.exists("init-ran"));
    assert_eq!(f.read("got"), "run-42\n");
    assert_eq!(status(&report, "init"), TaskStatus::Succeeded);

    let missing = argo_local::Plan::new(&workflow(yaml), f.options().done_task("init", Vec::new()));
    assert!(
        matches!(missing, Err(Error::MissingDoneOutputs { ref outputs, .. }) if outputs == &["run_id"])
    );
    let unknown = argo_local::Plan::new(&workflow(yaml), f.options().done_task("nope", Vec::new()));
    assert!(matches!(unknown, Err(Error::UnknownDoneTask { .. })));
}
