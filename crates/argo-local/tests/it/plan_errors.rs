//! What planning refuses or warns about.

use argo_local::{Error, Plan, WarningKind};

use crate::{Fixture, workflow};

fn plan(yaml: &str, strict: bool) -> Result<Plan, Error> {
    let f = Fixture::new();
    Plan::new(&workflow(yaml), f.options().strict(strict))
}

const SIDECAR: &str = r#"
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: sidecar}
spec:
  entrypoint: main
  podSpecPatch: '{"terminationGracePeriodSeconds": 5}'
  templates:
  - name: main
    dag:
      tasks:
      - {name: a, template: neo4j}
      - {name: b, template: neo4j}
  - name: neo4j
    sidecars: [{name: neo4j, image: neo4j:5}]
    volumes: [{name: data, emptyDir: {}}]
    container: {image: unused, command: ["true"], volumeMounts: [{name: data, mountPath: /data}]}
"#;

#[test]
fn sidecars_volumes_and_pod_spec_patches_are_warned_once() {
    let p = plan(SIDECAR, false).expect("plans");
    let kinds: Vec<(Option<&str>, &WarningKind)> = p
        .warnings()
        .iter()
        .map(|w| (w.template.as_deref(), &w.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            (None, &WarningKind::PodSpecPatch),
            (Some("neo4j"), &WarningKind::Sidecars(vec!["neo4j".into()])),
            (Some("neo4j"), &WarningKind::Volumes),
        ]
    );
    assert_eq!(
        p.warnings()[1].to_string(),
        "template `neo4j`: sidecars not started locally: neo4j"
    );
    let Err(Error::Strict { warnings }) = plan(SIDECAR, true) else {
        panic!("strict refuses")
    };
    assert_eq!(warnings.len(), 3);
}

fn dag(tasks: &str, extra: &str) -> String {
    format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {{name: x}}\nspec:\n  entrypoint: main\n  templates:\n  - name: main\n    dag:\n      tasks:\n{tasks}  - name: ok\n    container: {{image: unused, command: [\"true\"]}}\n{extra}"
    )
}

#[test]
fn unsupported_and_invalid_workflows_are_refused() {
    let resource = dag(
        "      - {name: a, template: r}\n",
        "  - name: r\n    resource: {action: create, manifest: x}\n",
    );
    assert!(matches!(
        plan(&resource, false),
        Err(Error::UnsupportedTemplate {
            feature: "resource templates",
            ..
        })
    ));

    let cycle = dag(
        "      - {name: a, template: ok, dependencies: [b]}\n      - {name: b, template: ok, depends: a}\n",
        "",
    );
    let Err(Error::DependencyCycle { tasks, .. }) = plan(&cycle, false) else {
        panic!("cycle")
    };
    assert_eq!(tasks, ["a", "b", "a"]);

    let unknown = dag("      - {name: a, template: ok, dependencies: [zz]}\n", "");
    assert!(
        matches!(plan(&unknown, false), Err(Error::UnknownDependency { dependency, .. }) if dependency == "zz")
    );

    let bad_depends = dag(
        "      - {name: a, template: ok}\n      - {name: b, template: ok, depends: 'a &'}\n",
        "",
    );
    assert!(matches!(
        plan(&bad_depends, false),
        Err(Error::InvalidDepends { .. })
    ));

    let no_template = dag("      - {name: a, template: nope}\n", "");
    assert!(
        matches!(plan(&no_template, false), Err(Error::UnknownTemplate { template, .. }) if template == "nope")
    );

    let no_command = dag(
        "      - {name: a, template: img}\n",
        "  - name: img\n    container: {image: busybox}\n",
    );
    assert!(
        matches!(plan(&no_command, false), Err(Error::NoCommand { template }) if template == "img")
    );

    let unresolved = dag(
        "      - {name: a, template: v}\n",
        "  - name: v\n    container: {image: unused, command: [echo, '{{inputs.parameters.nope}}']}\n",
    );
    assert!(
        matches!(plan(&unresolved, false), Err(Error::Unresolved { variable, used_in }) if variable == "inputs.parameters.nope" && used_in == "template `v`")
    );

    let bad_task_ref = dag(
        "      - {name: a, template: ok, arguments: {parameters: [{name: p, value: '{{tasks.zz.outputs.parameters.o}}'}]}}\n",
        "",
    );
    assert!(matches!(
        plan(&bad_task_ref, false),
        Err(Error::Unresolved { .. })
    ));

    let missing_input = dag(
        "      - {name: a, template: needs}\n",
        "  - name: needs\n    inputs: {parameters: [{name: p}]}\n    container: {image: unused, command: [\"true\"]}\n",
    );
    assert!(
        matches!(plan(&missing_input, false), Err(Error::MissingInput { input, .. }) if input == "p")
    );

    let recursive = dag("      - {name: a, template: main}\n", "");
    assert!(matches!(
        plan(&recursive, false),
        Err(Error::RecursiveTemplate { .. })
    ));

    let looped = dag("      - {name: a, template: ok, withItems: [1, 2]}\n", "");
    assert!(matches!(
        plan(&looped, false),
        Err(Error::UnsupportedTask {
            feature: "loops (withItems, withParam, withSequence)",
            ..
        })
    ));

    let bad_when_tag = dag(
        "      - {name: a, template: ok, when: '{{tasks.zz.status}} == x'}\n",
        "",
    );
    assert!(matches!(
        plan(&bad_when_tag, false),
        Err(Error::Unresolved { used_in, .. }) if used_in == "the `when` of task `a`"
    ));
}
