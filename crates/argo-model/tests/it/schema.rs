//! Schema validation and lint of every upstream example.

use argo_model::lint::{LintOptions, lint_text};

/// Documents with findings, by `file#index`, with the reason.
const LINT_EXCEPTIONS: &[(&str, &str)] = &[];

#[test]
fn lint_accepts_the_upstream_examples() {
    let Some(dir) = super::examples::dir() else {
        return;
    };
    let mut bad = Vec::new();
    for (name, text) in super::examples::files(&dir) {
        for report in lint_text(&text, &LintOptions::default()) {
            let id = format!("{name}#{}", report.index);
            if !report.findings.is_empty() && !LINT_EXCEPTIONS.iter().any(|(e, _)| *e == id) {
                bad.push((
                    id,
                    report
                        .findings
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>(),
                ));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "{} documents with findings:\n{bad:#?}",
        bad.len()
    );
}
