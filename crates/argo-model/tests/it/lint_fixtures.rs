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
        "`retryStratgy`",
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
