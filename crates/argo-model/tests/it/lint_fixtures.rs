//! One small manifest per problem the lint must reject (issue 3, "Done when").

use argo_model::lint::{LintOptions, Rule, lint_text};

fn findings(yaml: &str) -> Vec<(Rule, String, String)> {
    let wf = format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n  generateName: t-\n{yaml}"
    );
    lint_text(&wf, &LintOptions::default())
        .into_iter()
        .flat_map(|r| r.findings)
        .map(|f| (f.rule, f.path, f.message))
        .collect()
}

fn has(found: &[(Rule, String, String)], rule: Rule, path: &str, text: &str) {
    assert!(
        found
            .iter()
            .any(|(r, p, m)| *r == rule && p == path && m.contains(text)),
        "no {rule} at {path} mentioning {text:?} in {found:#?}"
    );
}

const LEAF: &str = "  - name: leaf\n    container: {image: busybox}\n";

#[test]
fn valid_dag_is_clean() {
    let f = findings(&format!(
        "spec:\n  entrypoint: main\n  templates:\n  - name: main\n    dag:\n      tasks:\n      - {{name: a, template: leaf}}\n      - {{name: b, template: leaf, dependencies: [a]}}\n{LEAF}"
    ));
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn dependency_cycle() {
    let f = findings(&format!(
        "spec:\n  entrypoint: main\n  templates:\n  - name: main\n    dag:\n      tasks:\n      - {{name: a, template: leaf, dependencies: [b]}}\n      - {{name: b, template: leaf, dependencies: [a]}}\n{LEAF}"
    ));
    has(
        &f,
        Rule::DependencyCycle,
        "spec.templates[0].dag.tasks[0]",
        "a -> b -> a",
    );
}

#[test]
fn missing_template() {
    let f = findings(&format!(
        "spec:\n  entrypoint: main\n  templates:\n  - name: main\n    dag:\n      tasks:\n      - {{name: a, template: leef}}\n{LEAF}"
    ));
    has(
        &f,
        Rule::UndefinedTemplate,
        "spec.templates[0].dag.tasks[0].template",
        "`leef` is not defined",
    );
}

#[test]
fn missing_dependency() {
    let f = findings(&format!(
        "spec:\n  entrypoint: main\n  templates:\n  - name: main\n    dag:\n      tasks:\n      - {{name: a, template: leaf}}\n      - {{name: b, template: leaf, dependencies: [a, c]}}\n{LEAF}"
    ));
    has(
        &f,
        Rule::MissingDependency,
        "spec.templates[0].dag.tasks[1].dependencies[1]",
        "`c`",
    );
}

#[test]
fn invalid_and_duplicate_task_names() {
    let f = findings(&format!(
        "spec:\n  entrypoint: main\n  templates:\n  - name: main\n    dag:\n      tasks:\n      - {{name: a_b, template: leaf}}\n      - {{name: x, template: leaf}}\n      - {{name: x, template: leaf}}\n{LEAF}"
    ));
    has(
        &f,
        Rule::InvalidName,
        "spec.templates[0].dag.tasks[0].name",
        "`a_b` is invalid",
    );
    has(
        &f,
        Rule::DuplicateName,
        "spec.templates[0].dag.tasks[2].name",
        "`x` is used twice",
    );
}

#[test]
fn unknown_fields_in_argo_and_kubernetes_types() {
    let f = findings(
        "spec:\n  entrypoint: main\n  templates:\n  - name: main\n    retryStratgy: {limit: 2}\n    container: {image: busybox, imagePullPolcy: Always}\n",
    );
    has(
        &f,
        Rule::UnknownField,
        "spec.templates[0].retryStratgy",
        "did you mean `retryStrategy`?",
    );
    has(
        &f,
        Rule::UnknownField,
        "spec.templates[0].container.imagePullPolcy",
        "`imagePullPolcy`",
    );
    let lax = lint_text(
        "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {name: w}\nspec:\n  entrypoint: m\n  templates: [{name: m, x: 1, container: {image: b}}]\n",
        &LintOptions::default().strict(false),
    );
    assert!(lax[0].findings.is_empty(), "{lax:#?}");
}

#[test]
fn unresolved_input_parameter() {
    let f = findings(
        "spec:\n  entrypoint: main\n  templates:\n  - name: main\n    container:\n      image: busybox\n      args: [\"{{inputs.parameters.msg}}\"]\n",
    );
    has(
        &f,
        Rule::UnresolvedVariable,
        "spec.templates[0].container.args[0]",
        "inputs.parameters.msg",
    );
}

#[test]
fn unresolved_workflow_parameter() {
    let f = findings(
        "spec:\n  entrypoint: main\n  templates:\n  - name: main\n    container: {image: busybox, args: [\"{{workflow.parameters.p}}\"]}\n",
    );
    has(
        &f,
        Rule::UnresolvedVariable,
        "spec.templates[0].container.args[0]",
        "no `p`",
    );
}

#[test]
fn input_no_caller_supplies() {
    let f = findings(
        "spec:\n  entrypoint: main\n  templates:\n  - name: main\n    steps:\n    - - {name: s, template: echo}\n  - name: echo\n    inputs: {parameters: [{name: msg}]}\n    container: {image: busybox, args: [\"{{inputs.parameters.msg}}\"]}\n",
    );
    has(
        &f,
        Rule::InputNotSupplied,
        "spec.templates[0].steps[0][0].arguments",
        "inputs.parameters.msg",
    );
}

#[test]
fn two_template_types() {
    let f = findings(
        "spec:\n  entrypoint: main\n  templates:\n  - name: main\n    container: {image: busybox}\n    script: {image: python, source: print(1)}\n",
    );
    has(
        &f,
        Rule::TemplateType,
        "spec.templates[0]",
        "container, script",
    );
}

#[cfg(feature = "schema")]
#[test]
fn schema_type_errors_are_reported() {
    let f = findings(
        "spec:\n  entrypoint: main\n  parallelism: many\n  templates:\n  - {name: main, suspend: {}}\n",
    );
    assert!(
        f.iter()
            .any(|(r, p, _)| *r == Rule::Schema && p == "spec.parallelism"),
        "{f:#?}"
    );
}

#[test]
fn bad_enums_and_entrypoint() {
    let f = findings(
        "spec:\n  podGC: {strategy: Sometimes}\n  templates:\n  - name: main\n    retryStrategy: {retryPolicy: Maybe}\n    suspend: {}\n",
    );
    has(&f, Rule::MissingEntrypoint, "spec.entrypoint", "entrypoint");
    has(&f, Rule::InvalidValue, "spec.podGC.strategy", "Sometimes");
    has(
        &f,
        Rule::InvalidValue,
        "spec.templates[0].retryStrategy.retryPolicy",
        "Maybe",
    );
}

#[test]
fn kinds_are_kube_resources() {
    fn is_resource<K: kube_core::Resource<DynamicType = ()>>() -> String {
        K::kind(&()).into_owned()
    }
    assert_eq!(is_resource::<argo_model::Workflow>(), "Workflow");
    assert_eq!(
        <argo_model::CronWorkflow as kube_core::Resource>::plural(&()),
        "cronworkflows"
    );
}

#[test]
fn compact_output_snapshot() {
    let mut wf = argo_model::Workflow::new("hello");
    wf.spec.entrypoint = Some("main".into());
    wf.spec.templates.push(argo_model::Template {
        name: "main".into(),
        container: Some(k8s_openapi::api::core::v1::Container {
            image: Some("busybox".into()),
            ..Default::default()
        }),
        ..Default::default()
    });
    insta::assert_snapshot!(argo_model::Document::from(wf).to_yaml_string().unwrap(), @r"
    apiVersion: argoproj.io/v1alpha1
    kind: Workflow
    metadata:
      name: hello
    spec:
      entrypoint: main
      templates:
      - name: main
        container:
          image: busybox
    ");
}

fn dag_of(tasks: &str) -> Vec<(Rule, String, String)> {
    findings(&format!(
        "spec:\n  entrypoint: main\n  templates:\n  - name: main\n    dag:\n      tasks:\n{tasks}  - name: leaf\n    inputs: {{parameters: [{{name: p, default: x}}]}}\n    container: {{image: busybox}}\n    outputs: {{parameters: [{{name: o, valueFrom: {{path: /o}}}}]}}\n"
    ))
}

#[test]
fn task_reference_needs_a_dependency() {
    let f = dag_of(
        "      - {name: a, template: leaf}\n      - {name: b, template: leaf, dependencies: [a]}\n      - name: c\n        template: leaf\n        dependencies: [b]\n        when: \"{{tasks.a.outputs.parameters.o}} == x\"\n        arguments: {parameters: [{name: p, value: \"{{tasks.b.outputs.parameters.o}}\"}]}\n      - name: d\n        template: leaf\n        arguments: {parameters: [{name: p, value: \"{{tasks.a.outputs.parameters.o}}\"}]}\n",
    );
    has(
        &f,
        Rule::MissingDependency,
        "spec.templates[0].dag.tasks[3].arguments.parameters[0].value",
        "add `a` to its depends/dependencies",
    );
    // `c` reaches `a` through `b`.
    assert_eq!(f.len(), 1, "{f:#?}");
}

#[test]
fn step_reference_needs_an_earlier_group() {
    let f = findings(
        "spec:\n  entrypoint: main\n  templates:\n  - name: main\n    steps:\n    - - {name: a, template: leaf}\n      - {name: b, template: leaf, when: \"{{steps.a.status}} == Succeeded\"}\n    - - {name: c, template: leaf, when: \"{{steps.a.status}} == Succeeded\"}\n  - name: leaf\n    container: {image: busybox}\n",
    );
    has(
        &f,
        Rule::UnresolvedVariable,
        "spec.templates[0].steps[0][1].when",
        "move `a` to an earlier step group",
    );
    assert_eq!(f.len(), 1, "{f:#?}");
}

#[test]
fn output_parameter_sources() {
    let f = findings(
        "spec:\n  entrypoint: main\n  templates:\n  - name: main\n    container: {image: busybox}\n    outputs:\n      parameters:\n      - {name: a}\n      - {name: b, value: x, valueFrom: {path: /b}}\n      - {name: c, valueFrom: {jsonPath: '{.x}'}}\n      - {name: d, valueFrom: {path: /d}}\n",
    );
    has(
        &f,
        Rule::ValueSource,
        "spec.templates[0].outputs.parameters[0]",
        "neither `value` nor `valueFrom`",
    );
    has(
        &f,
        Rule::ValueSource,
        "spec.templates[0].outputs.parameters[1]",
        "both `value` and `valueFrom`",
    );
    has(
        &f,
        Rule::ValueSource,
        "spec.templates[0].outputs.parameters[2].valueFrom",
        "needs valueFrom `path`",
    );
    assert_eq!(f.len(), 3, "{f:#?}");
}

#[test]
fn task_argument_without_value() {
    let f = dag_of(
        "      - name: a\n        template: leaf\n        arguments: {parameters: [{name: p}]}\n",
    );
    has(
        &f,
        Rule::InputNotSupplied,
        "spec.templates[0].dag.tasks[0].arguments.parameters[0]",
        "neither `value` nor `valueFrom`",
    );
}

#[test]
fn workflow_argument_outside_its_enum() {
    let f = findings(
        "spec:\n  entrypoint: main\n  arguments: {parameters: [{name: e, value: c, enum: [a, b]}, {name: ok, value: a, enum: [a]}]}\n  templates:\n  - {name: main, suspend: {}}\n",
    );
    has(
        &f,
        Rule::InvalidValue,
        "spec.arguments.parameters[0].value",
        "not in its enum (a, b)",
    );
    assert_eq!(f.len(), 1, "{f:#?}");
}

#[test]
fn task_argument_outside_its_enum() {
    let f = dag_of(
        "      - name: a\n        template: leaf\n        arguments: {parameters: [{name: p, value: z, enum: [x, y]}]}\n",
    );
    has(
        &f,
        Rule::InvalidValue,
        "spec.templates[0].dag.tasks[0].arguments.parameters[0].value",
        "not in its enum (x, y)",
    );
    let ok = dag_of(
        "      - name: a\n        template: leaf\n        arguments: {parameters: [{name: p, value: y, enum: [x, y]}]}\n",
    );
    assert!(ok.iter().all(|f| f.0 != Rule::InvalidValue), "{ok:#?}");
}

#[test]
fn step_argument_outside_its_enum() {
    let f = findings(
        "spec:\n  entrypoint: main\n  templates:\n  - name: main\n    steps:\n    - - name: s\n        template: leaf\n        arguments: {parameters: [{name: p, value: z, enum: [x, y]}]}\n  - name: leaf\n    inputs: {parameters: [{name: p}]}\n    container: {image: busybox}\n",
    );
    has(
        &f,
        Rule::InvalidValue,
        "spec.templates[0].steps[0][0].arguments.parameters[0].value",
        "not in its enum (x, y)",
    );
    assert_eq!(f.len(), 1, "{f:#?}");
}

#[test]
fn digit_task_names_with_dependencies() {
    let f = dag_of(
        "      - {name: 1a, template: leaf}\n      - {name: b, template: leaf, depends: 1a}\n",
    );
    has(
        &f,
        Rule::InvalidName,
        "spec.templates[0].dag.tasks[0].name",
        "starts with a digit",
    );
    // As Argo: with `dependencies`, only tasks that have dependencies are checked.
    let f = dag_of(
        "      - {name: 1a, template: leaf}\n      - {name: b, template: leaf, dependencies: [1a]}\n",
    );
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn parameter_names_and_duplicates() {
    let f = findings(
        "spec:\n  entrypoint: main\n  arguments: {parameters: [{name: a.b, value: x}]}\n  templates:\n  - name: main\n    inputs: {parameters: [{name: p, value: x}, {name: p, value: y}]}\n    suspend: {}\n",
    );
    has(
        &f,
        Rule::InvalidName,
        "spec.arguments.parameters[0].name",
        "`a.b` is invalid",
    );
    has(
        &f,
        Rule::DuplicateName,
        "spec.templates[0].inputs.parameters[1].name",
        "`p` is declared twice",
    );
}

#[test]
fn labels_and_annotations() {
    let f = findings(
        "  labels: {ok.example.com/x: y, bad/key/x: y, k: -bad}\n  annotations: {Example.COM/x: y, bad key: y}\nspec:\n  entrypoint: main\n  workflowMetadata: {labels: {k: \"{{workflow.name}}\", k2: 'a b'}}\n  podMetadata: {labels: {UPPER_prefix.io/x: y}}\n  templates:\n  - name: main\n    metadata: {labels: {k: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa}}\n    suspend: {}\n",
    );
    has(
        &f,
        Rule::InvalidName,
        r#"metadata.labels["bad/key/x"]"#,
        "label key",
    );
    has(&f, Rule::InvalidValue, "metadata.labels.k", "`-bad`");
    has(
        &f,
        Rule::InvalidName,
        r#"metadata.annotations["bad key"]"#,
        "annotation key",
    );
    has(
        &f,
        Rule::InvalidValue,
        "spec.workflowMetadata.labels.k2",
        "`a b`",
    );
    has(
        &f,
        Rule::InvalidName,
        r#"spec.podMetadata.labels["UPPER_prefix.io/x"]"#,
        "label key",
    );
    has(
        &f,
        Rule::InvalidValue,
        "spec.templates[0].metadata.labels.k",
        "at most 63",
    );
    assert_eq!(f.len(), 6, "{f:#?}");
}

#[test]
fn fields_a_template_type_does_not_support() {
    let f = findings(
        "spec:\n  entrypoint: main\n  templates:\n  - name: main\n    activeDeadlineSeconds: 10\n    timeout: 1m\n    steps: [[{name: a, template: leaf}]]\n  - name: leaf\n    parallelism: 2\n    timeout: \"30\"\n    container: {image: busybox}\n",
    );
    has(
        &f,
        Rule::MisplacedField,
        "spec.templates[0].activeDeadlineSeconds",
        "only valid on leaf templates",
    );
    has(
        &f,
        Rule::MisplacedField,
        "spec.templates[0].timeout",
        "not on a steps template",
    );
    has(
        &f,
        Rule::MisplacedField,
        "spec.templates[1].parallelism",
        "only valid on steps and dag templates",
    );
    has(&f, Rule::InvalidValue, "spec.templates[1].timeout", "`30s`");
    assert_eq!(f.len(), 4, "{f:#?}");
}

#[test]
fn container_names_and_mounts() {
    let f = findings(
        "spec:\n  entrypoint: main\n  templates:\n  - name: main\n    container:\n      image: busybox\n      volumeMounts: [{name: a, mountPath: /x}, {name: b, mountPath: /x}]\n    sidecars: [{name: wait, image: busybox}, {name: artifact-plugin-s3, image: busybox}]\n    initContainers: [{image: busybox}]\n  - name: set\n    containerSet: {containers: [{name: supervisor, image: busybox}]}\n",
    );
    has(
        &f,
        Rule::DuplicateName,
        "spec.templates[0].container.volumeMounts[1].mountPath",
        "`/x` is already mounted",
    );
    has(
        &f,
        Rule::InvalidName,
        "spec.templates[0].sidecars[0].name",
        "`wait` is reserved",
    );
    has(
        &f,
        Rule::InvalidName,
        "spec.templates[0].sidecars[1].name",
        "`artifact-plugin-s3` is reserved",
    );
    has(
        &f,
        Rule::InvalidName,
        "spec.templates[0].initContainers[0].name",
        "init container has no name",
    );
    has(
        &f,
        Rule::InvalidName,
        "spec.templates[1].containerSet.containers[0].name",
        "`supervisor` is reserved",
    );
}

#[test]
fn resource_action_and_loop_results() {
    let f = findings(
        "spec:\n  entrypoint: main\n  templates:\n  - name: main\n    dag:\n      tasks:\n      - {name: a, template: k}\n      - {name: b, template: k, depends: a.AnySucceeded}\n      - {name: c, template: k, withItems: [1], depends: b.Succeeded}\n      - {name: d, template: k, depends: c.AllFailed}\n  - name: k\n    resource: {action: upsert, manifest: '{}'}\n",
    );
    has(
        &f,
        Rule::InvalidValue,
        "spec.templates[1].resource.action",
        "`upsert` is invalid",
    );
    has(
        &f,
        Rule::Depends,
        "spec.templates[0].dag.tasks[1].depends",
        "`a.AnySucceeded` needs task `a` to loop",
    );
    assert_eq!(f.len(), 2, "{f:#?}");
}
