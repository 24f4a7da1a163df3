//! Parameters, output parameters, env and secrets.

use argo_local::{Error, TaskStatus};

use crate::{Fixture, workflow};

#[test]
fn parameters_are_substituted_everywhere_they_are_used() {
    let f = Fixture::new();
    let yaml = r#"
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: subst-}
spec:
  entrypoint: main
  arguments:
    parameters:
    - {name: pipeline, value: __default__}
    - {name: env, value: base}
  templates:
  - name: main
    inputs: {parameters: [{name: env}]}
    dag:
      tasks:
      - name: run
        template: kedro
        arguments:
          parameters:
          - {name: pipeline, value: "{{workflow.parameters.pipeline}}"}
          - {name: environment, value: "{{inputs.parameters.env}}"}
          - {name: kedro_nodes, value: "a,b"}
  - name: kedro
    inputs:
      parameters:
      - {name: pipeline}
      - {name: environment}
      - {name: kedro_nodes}
      - {name: extra, default: dflt}
    container:
      image: unused
      command: [sh, -c]
      args:
      - echo "$0 -p {{inputs.parameters.pipeline}} -e {{ inputs.parameters.environment }} -n {{inputs.parameters.kedro_nodes}} {{inputs.parameters.extra}} $GREETING $LOCAL $(SHOUT)" > out.txt
      - "{{workflow.name}}"
      env:
      - {name: GREETING, value: "hi-{{workflow.parameters.env}}"}
      - {name: SHOUT, value: "$(GREETING)!"}
"#;
    let options = f
        .options()
        .parameter("env", "prod")
        .env("LOCAL", "local-value");
    let (report, _) = crate::run(&workflow(yaml), options);
    assert!(report.is_success(), "{report:#?}");
    assert_eq!(report.workflow_name, "subst-local");
    assert_eq!(
        f.read("out.txt"),
        "subst-local -p __default__ -e prod -n a,b dflt hi-prod local-value hi-prod!\n"
    );
    assert_eq!(report.task("run").expect("task").kedro_nodes, ["a", "b"]);
}

#[test]
fn output_parameters_are_remapped_and_passed_to_dependents() {
    let f = Fixture::new();
    let real = "/tmp/argo-local-it-never-written/value";
    let yaml = r#"
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: outputs}
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
      - {name: produce, template: produce}
      - name: consume
        template: consume
        dependencies: [produce]
        arguments: {parameters: [{name: v, value: "{{tasks.produce.outputs.parameters.v}}"}]}
  - name: produce
    script:
      image: unused
      command: [sh]
      source: |
        mkdir -p /tmp/argo-local-it-never-written
        echo "run-42" > /tmp/argo-local-it-never-written/value
    outputs:
      parameters:
      - {name: v, valueFrom: {path: /tmp/argo-local-it-never-written/value}}
      - {name: d, valueFrom: {path: /tmp/argo-local-it-never-written/missing, default: fallback}}
  - name: consume
    inputs: {parameters: [{name: v}]}
    container: {image: unused, command: [sh, -c, "echo got {{inputs.parameters.v}} > consumed.txt"]}
"#;
    let (report, _) = crate::run(&workflow(yaml), f.options());
    assert!(report.is_success(), "{report:#?}");
    assert_eq!(f.read("consumed.txt"), "got run-42\n");
    let produce = report.task("produce").expect("task");
    assert_eq!(
        produce.outputs,
        [
            ("v".to_owned(), "run-42".to_owned()),
            ("d".to_owned(), "fallback".to_owned())
        ]
    );
    let local = f
        .run_dir()
        .join("outputs/produce/tmp/argo-local-it-never-written/value");
    assert_eq!(
        std::fs::read_to_string(local).expect("remapped file"),
        "run-42\n"
    );
    assert!(
        !std::path::Path::new(real).exists(),
        "the in-container path is not written"
    );
}

#[test]
fn a_missing_output_without_default_errors_the_task() {
    let f = Fixture::new();
    let yaml = r#"
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: nooutput}
spec:
  entrypoint: main
  templates:
  - name: main
    container: {image: unused, command: ["true"]}
    outputs: {parameters: [{name: v, valueFrom: {path: /tmp/never}}]}
"#;
    let (report, _) = crate::run(&workflow(yaml), f.options());
    let t = report.task("main").expect("task");
    assert_eq!(t.status, TaskStatus::Errored);
    assert!(
        matches!(t.error.as_deref(), Some(argo_local::TaskError::ReadOutput { parameter, .. }) if parameter == "v")
    );
}

const SECRET: &str = r#"
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: secrets}
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
      - {name: first, template: plain}
      - {name: uses-secret, template: secret, dependencies: [first]}
  - name: plain
    container: {image: unused, command: [touch, first-ran]}
  - name: secret
    container:
      image: unused
      command: [sh, -c, "echo \"$TOKEN\" > token.txt"]
      env:
      - name: TOKEN
        valueFrom: {secretKeyRef: {name: creds, key: ARGO_LOCAL_IT_SURELY_UNSET_KEY}}
"#;

#[test]
fn a_missing_secret_is_an_error_before_anything_runs() {
    let f = Fixture::new();
    let err = argo_local::run(
        &workflow(SECRET),
        f.options(),
        &mut |_: &argo_local::Event| {},
    )
    .expect_err("fails");
    let Error::MissingSecrets { missing } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(missing.len(), 1);
    assert_eq!(
        (missing[0].env_var.as_str(), missing[0].secret.as_str()),
        ("TOKEN", "creds")
    );
    assert_eq!(missing[0].looked_up, "ARGO_LOCAL_IT_SURELY_UNSET_KEY");
    assert!(!f.exists("first-ran"));
    assert!(!f.run_dir().exists(), "nothing was created");
}

#[test]
fn a_secret_mapping_reads_another_local_variable() {
    let f = Fixture::new();
    let home = std::env::var("PATH").expect("PATH is set");
    let options = f
        .options()
        .secret("creds/ARGO_LOCAL_IT_SURELY_UNSET_KEY", "PATH");
    let (report, _) = crate::run(&workflow(SECRET), options);
    assert!(report.is_success(), "{report:#?}");
    assert_eq!(f.read("token.txt"), format!("{home}\n"));
}

/// argo-kedro's templates set `WORKFLOW_ID` from the pod's workflow label: locally it is the
/// workflow name, with no warning.
#[test]
fn the_workflow_label_field_ref_is_the_workflow_name() {
    let f = Fixture::new();
    let yaml = r#"
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: wf-id}
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
      - {name: run, template: leaf}
  - name: leaf
    container:
      image: unused
      command: [sh, -c, 'echo "$WORKFLOW_ID" > id.txt']
      env:
      - name: WORKFLOW_ID
        valueFrom:
          fieldRef: {fieldPath: "metadata.labels['workflows.argoproj.io/workflow']"}
"#;
    let (report, _) = crate::run(&workflow(yaml), f.options());
    assert!(report.is_success(), "{report:#?}");
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert_eq!(f.read("id.txt"), "wf-id\n");
}

/// The controller's `setGlobalParameters`: `{{workflow.creationTimestamp}}` is RFC 3339 to the
/// second (also as `.RFC3339` and unix `.s`), the same for every task and attempt of one run;
/// `{{workflow.uid}}` is new for every run.
#[test]
fn creation_timestamp_and_uid_are_fixed_for_one_run() {
    let yaml = r#"
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: stamp}
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
      - {name: first, template: stamp, arguments: {parameters: [{name: out, value: first.txt}]}}
      - {name: second, template: stamp, dependencies: [first], arguments: {parameters: [{name: out, value: second.txt}]}}
  - name: stamp
    inputs: {parameters: [{name: out}]}
    retryStrategy: {limit: 1}
    container:
      image: unused
      command: [sh, -c]
      args:
      - |
        echo "$CREATED {{workflow.creationTimestamp.RFC3339}} {{workflow.creationTimestamp.s}} {{workflow.uid}}" >> {{inputs.parameters.out}}
        test "{{retries}}" = 1
      env:
      - {name: CREATED, value: "{{workflow.creationTimestamp}}"}
"#;
    let wf = workflow(yaml);
    let f = Fixture::new();
    let created = "2024-05-01T12:00:07.654Z".parse().expect("timestamp");
    let options = f.options().backoff(false).created(created).uid("the-uid");
    let (report, _) = crate::run(&wf, options);
    assert!(report.is_success(), "{report:#?}");
    let line = "2024-05-01T12:00:07Z 2024-05-01T12:00:07Z 1714564807 the-uid\n";
    for file in ["first.txt", "second.txt"] {
        assert_eq!(f.read(file), line.repeat(2), "{file}: both attempts");
    }

    let uid = |f: &Fixture| {
        f.read("first.txt")
            .split_whitespace()
            .nth(3)
            .map(str::to_owned)
    };
    let (one, two) = (Fixture::new(), Fixture::new());
    for f in [&one, &two] {
        let (report, _) = crate::run(&wf, f.options().backoff(false));
        assert!(report.is_success(), "{report:#?}");
    }
    let (a, b) = (uid(&one).expect("uid"), uid(&two).expect("uid"));
    assert_ne!(a, b);
    assert_eq!((a.len(), &a[14..15]), (36, "4"), "a UUID v4: {a}");
}
