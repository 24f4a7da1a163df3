//! Failure handling and retries.

use argo_local::{Event, RunStatus, TaskStatus};

use crate::{Fixture, started, workflow};

/// `assessDAGPhase` (dag.go): a failure does not stop the DAG. Tasks whose dependencies are
/// met keep starting while anything runs; the DAG is judged (Failed) once nothing runs.
#[test]
fn a_failure_does_not_stop_independent_branches() {
    let f = Fixture::new();
    // `boom` fails while `slow` runs; `slow` ends only once the failure is seen, and its
    // dependent `after-slow` still starts afterwards, as the controller starts it.
    let yaml = r#"
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: fail}
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
      - {name: boom, template: boom, arguments: {parameters: [{name: kedro_nodes, value: "split_data,train_model"}]}}
      - {name: slow, template: slow}
      - {name: after-boom, template: touch, dependencies: [boom], arguments: {parameters: [{name: f, value: after-boom}]}}
      - {name: after-slow, template: touch, dependencies: [slow], arguments: {parameters: [{name: f, value: after-slow}]}}
  - name: boom
    inputs: {parameters: [{name: kedro_nodes}]}
    container:
      image: unused
      command: [sh, -c, "for i in 1 2 3 4 5; do echo line $i; done; echo 'ValueError: bad {{inputs.parameters.kedro_nodes}}' >&2; exit 3"]
  - name: slow
    container:
      image: unused
      command: [sh, -c, "i=0; while [ ! -e seen-failure ]; do i=$((i+1)); [ $i -gt 3000 ] && exit 9; sleep 0.01; done; touch slow-done"]
  - name: touch
    inputs: {parameters: [{name: f}]}
    container: {image: unused, command: [touch, "{{inputs.parameters.f}}"]}
"#;
    let project = f.project().to_owned();
    let mut events = Vec::new();
    let options = f.options().jobs(2).log_tail_lines(3);
    let report = argo_local::run(&workflow(yaml), options, &mut |e: &Event| {
        if let Event::TaskFinished {
            task,
            status: TaskStatus::Failed,
            ..
        } = e
        {
            assert_eq!(task.as_str(), "boom");
            std::fs::write(project.join("seen-failure"), "").expect("marker");
        }
        events.push(e.clone());
    })
    .expect("plans");

    assert_eq!(report.status, RunStatus::Failed);
    assert!(f.exists("slow-done") && f.exists("after-slow"));
    assert!(
        !f.exists("after-boom"),
        "the dependent of a failed task is omitted"
    );
    let boom = report.task("boom").expect("task");
    assert_eq!(boom.status, TaskStatus::Failed);
    assert_eq!(boom.exit_code, Some(3));
    assert_eq!(boom.message.as_deref(), Some("main: Error (exit code 3)"));
    assert_eq!(boom.kedro_nodes, ["split_data", "train_model"]);
    assert_eq!(
        boom.log_tail.as_deref(),
        Some("line 4\nline 5\nValueError: bad split_data,train_model")
    );
    assert!(
        boom.log
            .as_ref()
            .expect("log")
            .starts_with(f.run_dir().join("logs"))
    );
    let status = |t: &str| report.task(t).expect("task").status;
    assert_eq!(status("slow"), TaskStatus::Succeeded);
    assert_eq!(status("after-slow"), TaskStatus::Succeeded);
    assert_eq!(status("after-boom"), TaskStatus::Omitted);
    assert_eq!(
        report.failed().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        ["boom"]
    );
    assert!(!events.iter().any(|e| matches!(e, Event::Stopping { .. })));
    let mut names = started(&events);
    names.sort();
    assert_eq!(names, ["after-slow", "boom", "slow"]);
}

const FLAKY: &str = r#"
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: retry}
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
      - {name: flaky, template: flaky}
      - {name: next, template: next, dependencies: [flaky]}
  - name: flaky
    retryStrategy: {limit: LIMIT, backoff: {duration: "0s"}}
    container:
      image: unused
      command: [sh, -c, "echo attempt {{retries}}; if [ -e marker ]; then exit 0; else touch marker; exit 1; fi"]
  - name: next
    container: {image: unused, command: [touch, next-ran]}
"#;

#[test]
fn retries_run_a_failed_task_again() {
    let f = Fixture::new();
    let (report, events) = crate::run(&workflow(&FLAKY.replace("LIMIT", "2")), f.options());
    assert!(report.is_success(), "{report:#?}");
    let flaky = report.task("flaky").expect("task");
    assert_eq!(
        (flaky.status, flaky.attempts, flaky.exit_code),
        (TaskStatus::Succeeded, 2, Some(0))
    );
    assert!(f.exists("next-ran"));
    assert!(events.iter().any(|e| matches!(e,
        Event::TaskRetrying { task, attempt: 1, exit_code: Some(1), .. } if task.as_str() == "flaky")));
    let log = std::fs::read_to_string(flaky.log.as_ref().expect("log")).expect("log");
    assert_eq!(log, "attempt 0\n==> argo-local: attempt 2 <==\nattempt 1\n");
}

#[test]
fn without_retries_the_first_failure_is_final() {
    let f = Fixture::new();
    let (report, _) = crate::run(&workflow(&FLAKY.replace("LIMIT", "\"0\"")), f.options());
    let flaky = report.task("flaky").expect("task");
    assert_eq!(
        (flaky.status, flaky.attempts, flaky.exit_code),
        (TaskStatus::Failed, 1, Some(1))
    );
    assert!(!f.exists("next-ran"));
    assert_eq!(
        report.task("next").expect("task").status,
        TaskStatus::Omitted
    );
    assert_eq!(report.status, RunStatus::Failed);
}

#[test]
fn a_command_that_cannot_start_errors() {
    let f = Fixture::new();
    let yaml = r"
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: nostart}
spec:
  entrypoint: main
  templates:
  - name: main
    container: {image: unused, command: [/nonexistent/argo-local-program]}
";
    let (report, _) = crate::run(&workflow(yaml), f.options());
    let t = report
        .task("main")
        .expect("the entrypoint runs as one task");
    assert_eq!(t.status, TaskStatus::Errored);
    assert!(
        matches!(
            t.error.as_deref(),
            Some(argo_local::TaskError::Spawn { .. })
        ),
        "{t:?}"
    );
    assert_eq!(report.status, RunStatus::Failed);
}

#[test]
fn cancelling_kills_running_tasks_and_starts_no_more() {
    let f = Fixture::new();
    let yaml = r#"
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: cancel}
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
      - {name: forever, template: forever}
      - {name: later, template: later, dependencies: [forever]}
  - name: forever
    container: {image: unused, command: [sh, -c, "touch started; exec sleep 600"]}
  - name: later
    container: {image: unused, command: [touch, later-ran]}
"#;
    let flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let options = f.options().cancel_flag(flag.clone());
    let report = argo_local::run(&workflow(yaml), options, &mut |e: &Event| {
        if matches!(e, Event::TaskStarted { .. }) {
            flag.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    })
    .expect("plans");
    assert_eq!(report.status, RunStatus::Cancelled);
    assert!(matches!(
        report.task("forever").expect("task").error.as_deref(),
        Some(argo_local::TaskError::Cancelled)
    ));
    assert_eq!(
        report.task("later").expect("task").status,
        TaskStatus::NotRun
    );
    assert!(!f.exists("later-ran"));
}
