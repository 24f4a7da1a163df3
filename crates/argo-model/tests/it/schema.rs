//! Schema validation and lint of every upstream example.

use argo_model::lint::{LintOptions, Severity, lint_text};

/// Documents with warnings (findings `argo lint` does not have), by `file#index`, with why.
const WARNINGS: &[(&str, &str)] = &[(
    "fun-with-gifs.yaml#0",
    "`generateName: fun-with-gifs-` is indented under metadata.labels, so the label value ends \
     in '-', which the Kubernetes API server rejects (and the Workflow has no name); upstream \
     never submits it (label workflows.argoproj.io/no-test) and `argo lint` accepts it",
)];

/// Documents `argo lint --strict` rejects too, by `file#index`, with why.
const REJECTED: &[(&str, &str)] = &[(
    "k8s-patch-json-workflow.yaml#0",
    "`metadata.annotations` appears twice: strict decoding (`argo lint --strict`, the API server) \
     refuses duplicate keys",
)];

/// `argo lint` accepts every upstream example but the [`REJECTED`] ones: no errors; warnings only
/// where listed.
#[test]
fn lint_accepts_the_upstream_examples() {
    let dir = super::examples::dir();
    let mut bad = Vec::new();
    let mut warned = Vec::new();
    for (name, text) in super::examples::files(&dir) {
        for report in lint_text(&text, &LintOptions::default()) {
            let id = format!("{name}#{}", report.index);
            if REJECTED.iter().any(|(e, _)| *e == id) {
                assert!(
                    report.has_errors(),
                    "{id} is listed as rejected but lints clean"
                );
                continue;
            }
            let listed = WARNINGS.iter().any(|(e, _)| *e == id);
            let unexpected: Vec<String> = report
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Error || !listed)
                .map(ToString::to_string)
                .collect();
            if !unexpected.is_empty() {
                bad.push((id.clone(), unexpected));
            }
            if listed && !report.findings.is_empty() {
                warned.push(id);
            }
        }
    }
    assert!(
        bad.is_empty(),
        "{} documents with findings:\n{bad:#?}",
        bad.len()
    );
    // Each listed document still has its warning (the list stays true).
    assert_eq!(warned.len(), WARNINGS.len(), "{warned:?}");
}

/// `validate_workflow` (task by task) finds what `validate` of the whole value finds, for every
/// upstream Workflow example and for one with errors in its tasks and elsewhere.
#[test]
fn validate_workflow_is_validate_of_the_value() {
    fn sorted(mut f: Vec<argo_model::lint::Finding>) -> Vec<argo_model::lint::Finding> {
        f.sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
        f
    }
    let mut docs: Vec<serde_json::Value> = Vec::new();
    for (_, text) in super::examples::files(&super::examples::dir()) {
        docs.extend(argo_model::yaml_values(&text).unwrap_or_default());
    }
    docs.push(serde_json::json!({
        "apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow", "metadata": {"name": "w"},
        "spec": {"entrypoint": "main", "arguments": {"parameters": [{"name": "x", "value": 1}]},
                 "templates": [
            {"name": "main", "dag": {"tasks": [
                {"name": "a", "template": "c", "arguments": {"parameters": [{"name": "p", "value": true}]}},
                {"name": "b", "template": "c", "arguments": {"parameters": [{"name": "q", "value": 2}]}},
                {"template": "c"}
            ]}},
            {"name": "c", "inputs": {"parameters": [{"name": "p", "default": 3}]},
             "container": {"command": ["true"]}}
        ]}
    }));
    let mut checked = 0;
    for value in docs {
        let Ok(argo_model::Document::Workflow(mut wf)) = argo_model::Document::from_value(value)
        else {
            continue;
        };
        let whole = argo_model::schema::validate(&serde_json::to_value(&wf).unwrap());
        let before = wf.clone();
        let split = argo_model::schema::validate_workflow(&mut wf).unwrap();
        assert_eq!(sorted(split.clone()), sorted(whole));
        if wf.metadata.name.as_deref() == Some("w") {
            // The document built here has errors in a task and elsewhere.
            let paths: Vec<&str> = split.iter().map(|f| f.path.as_str()).collect();
            assert_eq!(
                sorted(split.clone())
                    .iter()
                    .map(|f| f.path.as_str())
                    .collect::<Vec<_>>(),
                [
                    "spec.templates[0].dag.tasks[2]",
                    "spec.templates[1].container"
                ],
                "{paths:?}"
            );
        }
        assert_eq!(wf, before);
        checked += 1;
    }
    assert!(checked > 0);
}
