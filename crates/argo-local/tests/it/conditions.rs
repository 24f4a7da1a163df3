//! `when`, `outputs.result` and `dag.target`, as the controller handles them.

use argo_local::{RunStatus, TaskStatus};

use crate::{Fixture, workflow};

const COINFLIP: &str = r#"
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: coinflip}
spec:
  entrypoint: main
  arguments: {parameters: [{name: side, value: heads}]}
  templates:
  - name: main
    steps:
    - - {name: flip, template: flip}
    - - {name: heads, template: touch, when: "{{steps.flip.outputs.result}} == heads", arguments: {parameters: [{name: f, value: heads}]}}
      - {name: tails, template: touch, when: "{{steps.flip.outputs.result}} == tails", arguments: {parameters: [{name: f, value: tails}]}}
      - {name: expr, template: touch, when: "{{=steps.flip.outputs.result == 'heads'}}", arguments: {parameters: [{name: f, value: expr}]}}
  - name: flip
    script:
      image: python:3.12
      command: [sh, -c]
      source: |
        echo "{{workflow.parameters.side}}"
        echo "to stderr" >&2
  - name: touch
    inputs: {parameters: [{name: f}]}
    container: {image: unused, command: [touch, "{{inputs.parameters.f}}"]}
"#;

/// `shouldExecute` (steps.go) on `{{steps.X.outputs.result}}` (`CaptureScriptResult`: stdout
/// less one newline): the false branch is Skipped and the steps succeed. The script runs as
/// `command file`, so `sh -c FILE` needs the file executable, as in the pod.
#[test]
fn should_execute_skips_steps_whose_when_is_false() {
    let f = Fixture::new();
    let (report, _) = crate::run(&workflow(COINFLIP), f.options());
    assert!(report.is_success(), "{report:#?}");
    assert!(f.exists("heads") && f.exists("expr") && !f.exists("tails"));
    let tails = report.task("tails").expect("task");
    assert_eq!(tails.status, TaskStatus::Skipped);
    assert_eq!(
        tails.message.as_deref(),
        Some("when 'heads == tails' evaluated false")
    );
    let log = std::fs::read_to_string(
        report
            .task("flip")
            .expect("task")
            .log
            .as_ref()
            .expect("log"),
    )
    .expect("log");
    assert!(log.contains("heads") && log.contains("to stderr"), "{log}");

    let f = Fixture::new();
    let (report, _) = crate::run(&workflow(COINFLIP), f.options().parameter("side", "tails"));
    assert!(f.exists("tails") && !f.exists("heads") && !f.exists("expr"));
    assert_eq!(report.status, RunStatus::Succeeded);
}

/// DAG `when` (`executeDAGTask`): a skipped task counts for a bare dependency
/// (`Succeeded || Skipped || Daemoned`) and for `.Skipped`.
#[test]
fn a_skipped_dag_task_lets_its_dependents_run() {
    let f = Fixture::new();
    let yaml = r#"
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: skip}
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
      - {name: maybe, template: touch, when: "1 > 2", arguments: {parameters: [{name: f, value: maybe}]}}
      - {name: after, template: touch, dependencies: [maybe], arguments: {parameters: [{name: f, value: after}]}}
      - {name: on-skip, template: touch, depends: maybe.Skipped, arguments: {parameters: [{name: f, value: on-skip}]}}
      - {name: bad, template: touch, when: "{{tasks.maybe.status}} ==", depends: maybe.Skipped, arguments: {parameters: [{name: f, value: bad}]}}
  - name: touch
    inputs: {parameters: [{name: f}]}
    container: {image: unused, command: [touch, "{{inputs.parameters.f}}"]}
"#;
    let (report, _) = crate::run(&workflow(yaml), f.options());
    assert_eq!(
        report.task("maybe").expect("task").status,
        TaskStatus::Skipped
    );
    assert!(f.exists("after") && f.exists("on-skip") && !f.exists("maybe"));
    let bad = report.task("bad").expect("task");
    assert_eq!(
        bad.status,
        TaskStatus::Errored,
        "an invalid `when` errors the task"
    );
    assert!(matches!(
        bad.error.as_deref(),
        Some(argo_local::TaskError::When { .. })
    ));
    assert_eq!(report.status, RunStatus::Failed);
}

/// `dag.target` (with a workflow parameter): only the targets and their dependencies run.
#[test]
fn dag_target_runs_only_the_targets_and_their_dependencies() {
    let f = Fixture::new();
    let yaml = r#"
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: target}
spec:
  entrypoint: main
  arguments: {parameters: [{name: target, value: b}]}
  templates:
  - name: main
    dag:
      target: "{{workflow.parameters.target}}"
      tasks:
      - {name: a, template: touch, arguments: {parameters: [{name: f, value: a}]}}
      - {name: b, template: touch, dependencies: [a], arguments: {parameters: [{name: f, value: b}]}}
      - {name: c, template: touch, arguments: {parameters: [{name: f, value: c}]}}
  - name: touch
    inputs: {parameters: [{name: f}]}
    container: {image: unused, command: [touch, "{{inputs.parameters.f}}"]}
"#;
    let (report, _) = crate::run(&workflow(yaml), f.options());
    assert!(report.is_success(), "{report:#?}");
    assert!(f.exists("a") && f.exists("b") && !f.exists("c"));
    assert_eq!(report.task("c").expect("task").status, TaskStatus::NotRun);
}
