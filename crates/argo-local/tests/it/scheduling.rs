//! Dependencies, `depends` expressions, nested DAGs and the parallelism bound.

use std::fmt::Write as _;

use argo_local::{Event, TaskStatus};

use crate::{Fixture, run, started, workflow};

const STEP: &str = r#"
  - name: step
    inputs: {parameters: [{name: id}]}
    container:
      image: unused
      command: [sh, -c, "echo start-{{inputs.parameters.id}} >> order.log; echo end-{{inputs.parameters.id}} >> order.log"]
"#;

fn task(name: &str, deps: &str) -> String {
    format!(
        "      - {{name: {name}, template: step, {deps} arguments: {{parameters: [{{name: id, value: {name}}}]}}}}\n"
    )
}

/// Asserts that in `order.log`, `end-x` comes before `start-y` for each `(x, y)`.
fn assert_before(f: &Fixture, edges: &[(&str, &str)]) {
    let log = f.read("order.log");
    let lines: Vec<&str> = log.lines().collect();
    let pos = |l: String| {
        lines
            .iter()
            .position(|x| *x == l)
            .unwrap_or_else(|| panic!("{l} missing in {log}"))
    };
    for (x, y) in edges {
        assert!(
            pos(format!("end-{x}")) < pos(format!("start-{y}")),
            "{x} must end before {y} starts:\n{log}"
        );
    }
}

#[test]
fn dependencies_and_depends_are_honoured() {
    let f = Fixture::new();
    let mut yaml = String::from(
        "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {name: order}\nspec:\n  entrypoint: main\n  templates:\n  - name: main\n    dag:\n      tasks:\n",
    );
    yaml += &task("d", "dependencies: [b, c],");
    yaml += &task("a", "");
    yaml += &task("b", "dependencies: [a],");
    yaml += &task("c", "depends: a,");
    yaml += &task("e", "depends: \"d && b.Succeeded\",");
    yaml += &task("f", "depends: \"a.Failed || c.Omitted\",");
    yaml += &task("g", "depends: f,");
    yaml += &task("h", "depends: \"!f.Succeeded && (f.Omitted || f.Failed)\",");
    yaml += STEP;
    let (report, events) = run(&workflow(&yaml), f.options().jobs(3));
    assert!(report.is_success(), "{report:#?}");
    assert_before(
        &f,
        &[
            ("a", "b"),
            ("a", "c"),
            ("b", "d"),
            ("c", "d"),
            ("d", "e"),
            ("b", "e"),
        ],
    );
    for omitted in ["f", "g"] {
        assert_eq!(
            report.task(omitted).expect("task").status,
            TaskStatus::Omitted
        );
        assert!(!f.read("order.log").contains(&format!("start-{omitted}")));
    }
    assert_eq!(
        report.task("h").expect("task").status,
        TaskStatus::Succeeded
    );
    let mut names = started(&events);
    names.sort();
    assert_eq!(names, ["a", "b", "c", "d", "e", "h"]);
    // Plan order is topological.
    let order: Vec<&str> = report.tasks.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(order, ["a", "b", "c", "d", "e", "f", "g", "h"]);
}

#[test]
fn no_more_than_jobs_tasks_run_at_once() {
    let f = Fixture::new();
    // Each task waits until two tasks have arrived (so two must run at once, or the barrier
    // times out), then records how many are active.
    let script = "mkdir -p arrived active; touch active/$ID arrived/$ID; i=0; \
        while [ $(ls arrived | wc -l) -lt 2 ]; do i=$((i+1)); [ $i -gt 3000 ] && exit 9; sleep 0.01; done; \
        ls active | wc -l >> counts; rm active/$ID";
    let mut yaml = String::from(
        "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {name: par}\nspec:\n  entrypoint: main\n  templates:\n  - name: main\n    dag:\n      tasks:\n",
    );
    for i in 0..5 {
        let _ = writeln!(
            yaml,
            "      - {{name: t{i}, template: work, arguments: {{parameters: [{{name: id, value: t{i}}}]}}}}"
        );
    }
    let _ = writeln!(
        yaml,
        "  - name: work\n    inputs: {{parameters: [{{name: id}}]}}\n    container:\n      image: unused\n      command: [sh, -c, '{script}']\n      env: [{{name: ID, value: '{{{{inputs.parameters.id}}}}'}}]"
    );
    let (report, events) = run(&workflow(&yaml), f.options().jobs(2));
    assert!(report.is_success(), "{report:#?}");
    let mut running = 0_i32;
    let mut max = 0;
    for e in &events {
        match e {
            Event::TaskStarted { .. } => running += 1,
            Event::TaskFinished { .. } => running -= 1,
            _ => {}
        }
        max = max.max(running);
    }
    assert_eq!(max, 2);
    let counts = f.read("counts");
    assert_eq!(counts.lines().count(), 5);
    assert!(
        counts
            .lines()
            .all(|c| c.trim().parse::<u32>().expect("a count") <= 2),
        "{counts}"
    );
}

#[test]
fn nested_dags_run_in_place_and_pass_outputs() {
    let f = Fixture::new();
    let yaml = r#"
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: nested}
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
      - {name: group, template: inner, arguments: {parameters: [{name: id, value: g}]}}
      - name: after
        template: step
        dependencies: [group]
        arguments: {parameters: [{name: id, value: "after-{{tasks.group.outputs.parameters.made}}"}]}
  - name: inner
    inputs: {parameters: [{name: id}]}
    outputs:
      parameters:
      - {name: made, valueFrom: {parameter: "{{tasks.y.outputs.parameters.out}}"}}
    dag:
      tasks:
      - {name: x, template: step, arguments: {parameters: [{name: id, value: "{{inputs.parameters.id}}-x"}]}}
      - {name: y, template: emit, dependencies: [x], arguments: {parameters: [{name: id, value: "{{inputs.parameters.id}}-y"}]}}
  - name: emit
    inputs: {parameters: [{name: id}]}
    container:
      image: unused
      command: [sh, -c, "echo start-{{inputs.parameters.id}} >> order.log; printf made-by-y > /tmp/argo-local-it/out; echo end-{{inputs.parameters.id}} >> order.log"]
    outputs: {parameters: [{name: out, valueFrom: {path: /tmp/argo-local-it/out}}]}
"#
    .to_owned()
        + STEP;
    let (report, events) = run(&workflow(&yaml), f.options());
    assert!(report.is_success(), "{report:#?}");
    assert_eq!(started(&events), ["group.x", "group.y", "after"]);
    assert_before(&f, &[("g-x", "g-y"), ("g-y", "after-made-by-y")]);
}
