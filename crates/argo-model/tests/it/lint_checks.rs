//! Checks of `validate.go` that neither upstream's tests nor the fixtures of
//! `tests/fixtures/validate` reach, each named after the upstream function it tests.

use argo_model::lint::{LintOptions, Rule, Severity, lint_text, lint_texts};

/// The error findings of the last document of `yaml` (rule, path, message).
fn errors(yaml: &str) -> Vec<(Rule, String, String)> {
    let reports = lint_texts(&[yaml], &LintOptions::default());
    let last = reports[0].last().unwrap();
    last.findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| (f.rule, f.path.clone(), f.message.clone()))
        .collect()
}

fn workflow(spec: &str) -> String {
    format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {{generateName: t-}}\nspec:\n{spec}"
    )
}

fn only(found: &[(Rule, String, String)], rule: Rule, path: &str, text: &str) {
    assert!(
        found.len() == 1 && found[0].0 == rule && found[0].1 == path && found[0].2.contains(text),
        "want only {rule} at {path} mentioning {text:?}, found {found:#?}"
    );
}

/// `validateTemplateHolder`: "resource name is required".
#[test]
fn template_ref_needs_name_and_template() {
    let f = errors(&workflow(
        "  entrypoint: main\n  templates:\n  - name: main\n    steps: [[{name: a, templateRef: {template: t}}]]\n",
    ));
    only(
        &f,
        Rule::TemplateReference,
        "spec.templates[0].steps[0][0].templateRef",
        "needs both `name`",
    );
}

/// `validateTemplateType`: "template type unspecified".
#[test]
fn template_without_a_type() {
    let f = errors(&workflow(
        "  entrypoint: main\n  templates:\n  - name: main\n",
    ));
    only(
        &f,
        Rule::TemplateType,
        "spec.templates[0]",
        "template type unspecified",
    );
}

/// `validateLeaf`: the `templateDefaults` of a `ClusterWorkflowTemplate` do not give an image to
/// its templates when a workflow references them (the base is not a Workflow or
/// `WorkflowTemplate`); a `WorkflowTemplate`'s do.
#[test]
fn cluster_template_defaults_do_not_apply() {
    let library = |kind: &str| {
        format!(
            "apiVersion: argoproj.io/v1alpha1\nkind: {kind}\nmetadata: {{name: lib}}\nspec:\n  templateDefaults: {{container: {{image: alpine}}, script: {{image: alpine}}}}\n  templates:\n  - {{name: c, container: {{args: [x]}}}}\n  - {{name: s, script: {{source: x}}}}\n"
        )
    };
    let caller = |cluster: bool| {
        workflow(&format!(
            "  entrypoint: main\n  templates:\n  - name: main\n    steps: [[{{name: a, templateRef: {{name: lib, template: c, clusterScope: {cluster}}}}}, {{name: b, templateRef: {{name: lib, template: s, clusterScope: {cluster}}}}}]]\n"
        ))
    };
    let f = errors(&format!(
        "{}---\n{}",
        library("ClusterWorkflowTemplate"),
        caller(true)
    ));
    let images: Vec<_> = f.iter().filter(|x| x.0 == Rule::Image).collect();
    assert_eq!(images.len(), 2, "{f:#?}");
    assert!(
        images[0].2.contains("in template `lib/c`")
            && images[0].2.contains("container.image may not be empty"),
        "{f:#?}"
    );
    assert!(
        images[1].2.contains("script.image may not be empty"),
        "{f:#?}"
    );
    assert!(
        errors(&format!(
            "{}---\n{}",
            library("WorkflowTemplate"),
            caller(false)
        ))
        .is_empty()
    );
}

/// `validateArgumentsValues`: a step argument with `enum` needs a value (steps and tasks are not
/// linted with `allowEmptyValues`).
#[test]
fn step_argument_enum_needs_a_value() {
    let f = errors(&workflow(
        "  entrypoint: main\n  templates:\n  - name: main\n    steps: [[{name: a, template: leaf, arguments: {parameters: [{name: p, enum: [x], valueFrom: {supplied: {}}}]}}]]\n  - {name: leaf, inputs: {parameters: [{name: p, default: x}]}, container: {image: alpine}}\n",
    ));
    assert!(
        f.iter()
            .any(|x| x.0 == Rule::ArgumentValue && x.2.contains("arguments.p.value is required")),
        "{f:#?}"
    );
}

/// `validateSteps`: "steps[N].name is required".
#[test]
fn step_without_a_name() {
    let f = errors(&workflow(
        "  entrypoint: main\n  templates:\n  - name: main\n    steps: [[{template: leaf}]]\n  - {name: leaf, container: {image: alpine}}\n",
    ));
    only(
        &f,
        Rule::InvalidName,
        "spec.templates[0].steps[0][0].name",
        "steps[0].name is required",
    );
}

/// `addItemsToScope`: "unsupported withItems type".
#[test]
fn null_loop_item() {
    let f = errors(&workflow(
        "  entrypoint: main\n  templates:\n  - name: main\n    dag: {tasks: [{name: a, template: leaf, withItems: [1, null]}]}\n  - {name: leaf, container: {image: alpine}}\n",
    ));
    assert!(
        f.iter()
            .any(|x| x.0 == Rule::Loop && x.2.contains("unsupported withItems type")),
        "{f:#?}"
    );
}

/// `validateOutputs` (`Artifact.CleanPath`): an output artifact path without traversal.
#[test]
fn output_artifact_path_traversal() {
    let f = errors(&workflow(
        "  entrypoint: main\n  templates:\n  - name: main\n    container: {image: alpine}\n    outputs: {artifacts: [{name: o, path: /tmp/out/../../etc}]}\n",
    ));
    only(
        &f,
        Rule::ArtifactPath,
        "spec.templates[0].outputs.artifacts[0].path",
        "Directory traversal is not permitted",
    );
}

/// `validateOutputs`: a `globalName` is a valid name, or a parameter resolved at run time.
#[test]
fn output_global_names() {
    let f = errors(&workflow(
        "  entrypoint: main\n  arguments: {parameters: [{name: g, value: x}]}\n  templates:\n  - name: main\n    container: {image: alpine}\n    outputs: {artifacts: [{name: a, path: /a, globalName: 'a b'}, {name: b, path: /b, globalName: 'out-{{workflow.parameters.g}}'}]}\n",
    ));
    only(
        &f,
        Rule::InvalidName,
        "spec.templates[0].outputs.artifacts[0].globalName",
        "artifacts.a.globalName",
    );
}

/// `lint_text` (a file) resolves references within the file; `lint_texts` across files.
#[test]
fn template_refs_across_files() {
    let library = "apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata: {name: lib}\nspec: {templates: [{name: echo, inputs: {parameters: [{name: m}]}, container: {image: alpine}}]}\n";
    let caller = workflow(
        "  entrypoint: main\n  templates:\n  - name: main\n    dag: {tasks: [{name: a, templateRef: {name: lib, template: echo}}]}\n",
    );
    // Alone, the reference is assumed to be in the cluster.
    assert!(
        lint_text(&caller, &LintOptions::default())[0]
            .findings
            .is_empty()
    );
    let both = lint_texts(&[library, &caller], &LintOptions::default());
    let f = &both[1][0].findings;
    assert!(
        f.len() == 1
            && f[0].rule == Rule::InputNotSupplied
            && f[0].path == "spec.templates[0].dag.tasks[0].arguments",
        "{f:#?}"
    );
}

/// `CronWorkflow`: `validate.go`'s wording, then robfig/cron's or `time.LoadLocation`'s reason
/// as Go prints a wrapped error.
#[test]
fn cron_workflow_messages_wrap_upstream_reasons() {
    let cron = |schedule: &str, timezone: &str| {
        errors(&format!(
            "apiVersion: argoproj.io/v1alpha1\nkind: CronWorkflow\nmetadata: {{name: c}}\nspec:\n  \
             schedules: [{schedule:?}]\n  timezone: {timezone:?}\n  workflowSpec:\n    \
             entrypoint: main\n    templates:\n    - name: main\n      container: {{image: alpine}}\n"
        ))
    };
    assert_eq!(
        cron("TZ=Mars/Base @daily", "UTC"),
        [(
            Rule::Cron,
            "spec.schedules[0]".to_owned(),
            "cron schedule `TZ=Mars/Base @daily` is malformed: provided bad location Mars/Base: \
             unknown time zone Mars/Base"
                .to_owned()
        )]
    );
    assert_eq!(
        cron("@every 90", "").first().map(|f| f.2.as_str()),
        Some(
            "cron schedule `@every 90` is malformed: failed to parse duration @every 90: \
             time: missing unit in duration \"90\""
        )
    );
    only(
        &cron("@hourly", "../etc/localtime"),
        Rule::Cron,
        "spec.timezone",
        "invalid timezone `../etc/localtime`: time: invalid location name; use an IANA name",
    );
    assert!(cron("CRON_TZ=Europe/Paris 0 0 1 * *", "").is_empty());
}
