//! Fuzzing as a habit: arbitrary bytes and structured mutations of valid inputs fed to the
//! manifest parsers (`argo_model`), the IR reader (`kedro_graph`) and `argo.yml`
//! (`argo_fuse::Config`), and what parses is compiled. Each input must end without a panic,
//! in bounded time, and an error must read as one message: one line per layer, no line empty.
//! `docs/reliability.md` records what is tried and how many cases.

use std::time::{Duration, Instant};

use argo_fuse::{CompileOptions, Config, compile};
use argo_model::Document;
use argo_model::lint::{LintOptions, lint_text};
use kedro_graph::Project;
use kedro_graph::strategies::{DagParams, project};
use proptest::prelude::*;

/// A hang detector, not a speed target: far above what any input here takes.
const BOUND: Duration = Duration::from_secs(5);

/// Cases per property (also in `docs/reliability.md`).
const CASES: u32 = 256;

/// Fragments that break YAML and JSON in interesting ways: unbalanced collections, quotes,
/// anchors, aliases and merge keys, tags, document markers, a byte-order mark, templates.
const FRAGMENTS: &[&str] = &[
    "[",
    "]",
    "{",
    "}",
    "'",
    "\"",
    "\\",
    ",",
    ": ",
    "- ",
    "? ",
    "#",
    "\n",
    "\n  ",
    "\t",
    "---\n",
    "...\n",
    "&a ",
    "*a",
    "<<: *a\n",
    "<<: [*a, *b]\n",
    "!!str ",
    "!!binary ",
    "!custom ",
    "%YAML 1.1\n",
    "\u{feff}",
    "\u{0}",
    "{{workflow.name}}",
    "$(HOME)",
    "~",
    "null",
    "1e999",
    "-0x1F",
    "é",
    "\u{2028}",
    "[[[[[[[[",
    "]]]]]]]]",
    "a: 1\na: 2\n",
];

/// One edit of a text.
#[derive(Debug, Clone)]
enum Edit {
    /// Inserts a fragment at a relative position.
    Insert(f64, &'static str),
    /// Deletes a span (relative position, length in characters).
    Delete(f64, usize),
    /// Repeats the line at a relative position.
    DuplicateLine(f64),
    /// Keeps only the text before a relative position.
    Truncate(f64),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        4 => (0.0..1.0f64, prop::sample::select(FRAGMENTS)).prop_map(|(p, f)| Edit::Insert(p, f)),
        2 => (0.0..1.0f64, 1usize..40).prop_map(|(p, n)| Edit::Delete(p, n)),
        1 => (0.0..1.0f64).prop_map(Edit::DuplicateLine),
        1 => (0.0..1.0f64).prop_map(Edit::Truncate),
    ]
}

/// The character boundary nearest below the relative position `p`.
fn at(text: &str, p: f64) -> usize {
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let mut i = ((text.len() as f64) * p) as usize;
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut text = text.to_owned();
    for e in edits {
        match e {
            Edit::Insert(p, fragment) => {
                let i = at(&text, *p);
                text.insert_str(i, fragment);
            }
            Edit::Delete(p, n) => {
                let i = at(&text, *p);
                let end = text[i..]
                    .char_indices()
                    .nth(*n)
                    .map_or(text.len(), |(j, _)| i + j);
                text.replace_range(i..end, "");
            }
            Edit::DuplicateLine(p) => {
                let i = at(&text, *p);
                let start = text[..i].rfind('\n').map_or(0, |j| j + 1);
                let end = text[i..].find('\n').map_or(text.len(), |j| i + j + 1);
                let line = text[start..end].to_owned();
                text.insert_str(start, &line);
            }
            Edit::Truncate(p) => {
                let i = at(&text, *p);
                text.truncate(i);
            }
        }
    }
    text
}

/// The error and each of its causes: one line each, none empty.
fn check_error(e: &(dyn std::error::Error + 'static), input: &str) {
    let mut cause = Some(e);
    while let Some(c) = cause {
        let text = c.to_string();
        assert!(!text.trim().is_empty(), "an empty message for {input:?}");
        assert!(
            !text.contains('\n'),
            "a message of several lines: {text:?} for {input:?}"
        );
        cause = c.source();
    }
}

/// Runs `f` on `input` and checks that it took bounded time.
fn bounded<T>(input: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    assert!(
        start.elapsed() < BOUND,
        "{:?} for {input:?}",
        start.elapsed()
    );
    out
}

/// The manifest parsers and `lint` on `text`.
fn manifest(text: &str) {
    bounded(text, || {
        if let Err(e) = Document::from_yaml_str(text) {
            check_error(&e, text);
        }
        if let Err(e) = Document::from_json_str(text) {
            check_error(&e, text);
        }
        for report in lint_text(text, &LintOptions::default()) {
            for finding in &report.findings {
                assert!(!finding.message.trim().is_empty(), "{text:?}");
            }
        }
    });
}

/// `argo.yml` on `text`.
fn argo_yml(text: &str) {
    bounded(text, || {
        if let Err(e) = Config::from_yaml_str(text) {
            check_error(&e, text);
        }
    });
}

/// The IR reader on `text`, and the compile of what it reads.
fn ir(text: &str) {
    bounded(text, || match Project::from_json(text) {
        Err(e) => check_error(&e, text),
        Ok(project) => {
            let mut options = CompileOptions::default();
            if let Some(first) = project.pipelines().first() {
                options = options.pipeline(first.name.as_str());
            }
            if let Err(e) = compile(&project, &options) {
                check_error(&e, text);
            }
        }
    });
}

const WORKFLOW: &str = r#"apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: fuzz-
  labels: {app: fuzz}
spec:
  entrypoint: main
  arguments:
    parameters: [{name: message, value: hello}]
  templates:
  - name: main
    dag:
      tasks:
      - {name: a, template: echo, arguments: {parameters: [{name: m, value: "{{workflow.parameters.message}}"}]}}
      - {name: b, template: echo, dependencies: [a], arguments: {parameters: [{name: m, value: b}]}}
  - name: echo
    inputs: {parameters: [{name: m}]}
    container: &c {image: busybox, command: [echo, "{{inputs.parameters.m}}"]}
  - name: other
    container:
      <<: *c
      args: [x]
"#;

const CRON: &str = "apiVersion: argoproj.io/v1alpha1\nkind: CronWorkflow\nmetadata: {name: c}\n\
spec:\n  schedule: '*/5 * * * *'\n  workflowSpec:\n    entrypoint: m\n    templates:\n    \
- name: m\n      script: {image: python, source: 'print(1)'}\n";

const JSON: &str = r#"{"apiVersion": "argoproj.io/v1alpha1", "kind": "WorkflowTemplate",
 "metadata": {"name": "t"}, "spec": {"templates": [{"name": "m", "container": {"image": "x"}}]}}"#;

const ARGO_YML: &str = r"
namespace: argo
deployment: {image: registry.example/demo, tag: v1}
runner: {use_memory_datasets: true}
machine_types:
  default: &m {mem: 16, cpu: 4, num_gpu: 0}
  gpu:
    <<: *m
    num_gpu: 1
    node_selector: {pool: gpu}
    tolerations: [{key: dedicated, operator: Equal, value: ml, effect: NoSchedule}]
default_machine_type: default
retry_strategy: {limit: 2, retry_policy: OnError, backoff: {duration: 30s, factor: 2}}
labels: {team: ml}
template:
  environment: [{name: A, value: '1'}, {name: S, secret_ref: {name: s, key: k}}]
  templates:
  - name: neo4j
    container: {name: main, command: [sh, -c], args: 'kedro run --pipeline {{inputs.parameters.pipeline}}'}
    sidecars: [{name: db, image: 'neo4j:5'}]
";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn manifests_from_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        manifest(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn manifests_from_mutated_manifests(
        seed in prop::sample::select(&[WORKFLOW, CRON, JSON][..]),
        edits in prop::collection::vec(edit(), 1..8),
    ) {
        manifest(&apply(seed, &edits));
    }

    #[test]
    fn argo_yml_from_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        argo_yml(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn argo_yml_from_mutations(edits in prop::collection::vec(edit(), 1..8)) {
        argo_yml(&apply(ARGO_YML, &edits));
    }

    #[test]
    fn ir_from_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        ir(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn ir_from_mutated_projects(
        generated in project(DagParams::default().groups(2)),
        edits in prop::collection::vec(edit(), 1..6),
    ) {
        let mut value = serde_json::to_value(&generated).expect("a generated IR is JSON");
        value["config"] = serde_json::to_value(
            Config::from_yaml_str(ARGO_YML).expect("the seed argo.yml is valid"),
        )
        .expect("config as JSON");
        let text = serde_json::to_string_pretty(&value).expect("JSON");
        ir(&text);
        ir(&apply(&text, &edits));
    }
}

#[test]
fn the_seeds_are_valid() {
    assert_eq!(
        Document::from_yaml_str(WORKFLOW).expect("workflow").len(),
        1
    );
    assert_eq!(Document::from_yaml_str(CRON).expect("cron").len(), 1);
    Document::from_json_str(JSON).expect("json");
    Config::from_yaml_str(ARGO_YML).expect("argo.yml");
    let mut edits = apply(
        "abc\ndef\n",
        &[Edit::DuplicateLine(0.9), Edit::Insert(0.0, "[")],
    );
    assert_eq!(edits, "[abc\ndef\ndef\n");
    edits = apply(&edits, &[Edit::Delete(0.0, 2), Edit::Truncate(0.5)]);
    assert_eq!(edits, "bc\nde");
}
