//! The checks of upstream's `validate.go` on the manifests of its own tests
//! (`validate_test.go`, `validate_dag_test.go`, argo-workflows f016ad89) and on derived ones for
//! the checks those tests do not reach: `tests/fixtures/validate/*.yaml`.
//!
//! Each fixture names its source and its expectation in its first lines:
//! `# expect: ok` (no error finding in the last document) or `# expect: RULE [RULE...]` (an
//! error naming the first rule, and every error of the last document under one of the rules).
//! Earlier documents are `WorkflowTemplates` the last one references; all are linted together.

use std::path::{Path, PathBuf};

use argo_model::lint::{LintOptions, Severity, lint_texts};

/// The fixture files, sorted.
pub(crate) fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/validate");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

/// The rules a fixture expects (empty: none).
pub(crate) fn expected(text: &str) -> Vec<String> {
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("# expect: "))
        .unwrap_or_else(|| panic!("no `# expect:` line in\n{text}"));
    if line.trim() == "ok" {
        return Vec::new();
    }
    line.split_whitespace().map(str::to_owned).collect()
}

#[test]
fn upstream_validate_fixtures() {
    let files = fixtures();
    assert!(files.len() > 200, "{} fixtures", files.len());
    let mut bad = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let want = expected(&text);
        let reports = lint_texts(&[text.as_str()], &LintOptions::default());
        let last = reports[0].last().unwrap();
        let errors: Vec<_> = last
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        let name = file.file_name().unwrap().to_string_lossy();
        let ok = match want.first() {
            None => errors.is_empty(),
            Some(first) => {
                errors.iter().any(|f| f.rule.as_str() == first)
                    && errors
                        .iter()
                        .all(|f| want.iter().any(|w| w == f.rule.as_str()))
            }
        };
        if !ok {
            let found: Vec<String> = errors.iter().map(ToString::to_string).collect();
            bad.push(format!("{name}: want {want:?}, found {found:#?}"));
        }
    }
    assert!(
        bad.is_empty(),
        "{} of {} fixtures:\n{}",
        bad.len(),
        files.len(),
        bad.join("\n")
    );
}
