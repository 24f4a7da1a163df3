//! `argo-kedro lint FILE...`: schema + lint rules on any Argo manifest.

use std::fmt::Write as _;

use argo_model::lint::{DocumentReport, Finding, LintOptions, Rule, Severity, lint_texts};

use crate::cli::{LintArgs, LintFormat};
use crate::error::CliError;
use crate::output;

/// The findings of one file.
#[derive(serde::Serialize)]
struct FileReport {
    file: String,
    documents: Vec<DocumentReport>,
}

/// `argo-kedro lint`.
pub(crate) fn run(args: &LintArgs) -> Result<(), CliError> {
    let options = LintOptions::default().strict(!args.no_strict);
    let texts = args
        .files
        .iter()
        .map(|path| crate::fsutil::read_text(path))
        .collect::<Result<Vec<_>, _>>()?;
    // Linted together: a templateRef may name a WorkflowTemplate of another file.
    let all: Vec<&str> = texts.iter().map(String::as_str).collect();
    let reports: Vec<FileReport> = args
        .files
        .iter()
        .zip(lint_texts(&all, &options))
        .map(|(path, mut documents)| {
            report_kinds(&mut documents);
            FileReport {
                file: path.display().to_string(),
                documents,
            }
        })
        .collect();
    let errors = reports
        .iter()
        .flat_map(|r| &r.documents)
        .flat_map(|d| &d.findings)
        .filter(|f| f.severity == Severity::Error)
        .count();
    match args.format {
        LintFormat::Text => output::stdout(&render_text(&reports))?,
        LintFormat::Json => {
            let json = serde_json::to_string_pretty(&reports).map_err(CliError::Serialize)?;
            output::stdout(&(json + "\n"))?;
        }
    }
    if errors > 0 {
        let files = reports
            .iter()
            .filter(|r| r.documents.iter().any(DocumentReport::has_errors))
            .count();
        return Err(CliError::LintFailed { errors, files });
    }
    Ok(())
}

/// The kinds `lint` checks (`argoproj.io/v1alpha1`).
const ARGO_KINDS: &[&str] = &[
    "Workflow",
    "WorkflowTemplate",
    "ClusterWorkflowTemplate",
    "CronWorkflow",
    "WorkflowEventBinding",
];

/// Reports what would otherwise pass in silence: a file without any document is an error, a
/// document of another kind a warning (it is not checked), and a file with no Argo document at
/// all an error (as `argo lint` refuses it).
fn report_kinds(documents: &mut Vec<DocumentReport>) {
    let finding = |severity, message: String| Finding {
        severity,
        path: String::new(),
        rule: Rule::Parse,
        message,
    };
    if documents.is_empty() {
        documents.push(DocumentReport {
            index: 0,
            kind: None,
            name: None,
            findings: vec![finding(
                Severity::Error,
                "no document: the file is empty".into(),
            )],
        });
        return;
    }
    if documents.iter().any(DocumentReport::has_errors) {
        return;
    }
    let mut argo = false;
    for doc in documents.iter_mut() {
        match doc.kind.as_deref() {
            Some(kind) if ARGO_KINDS.contains(&kind) => argo = true,
            kind => {
                let what = kind.map_or_else(
                    || "a document without `kind`".to_owned(),
                    |k| format!("kind `{}`", argo_model::elide(k)),
                );
                doc.findings.push(finding(
                    Severity::Warning,
                    format!(
                        "{what} is not an Argo kind ({}); not checked",
                        ARGO_KINDS.join(", ")
                    ),
                ));
            }
        }
    }
    if !argo && let Some(first) = documents.first_mut() {
        first.findings.push(finding(
            Severity::Error,
            "no Argo manifest in the file".into(),
        ));
    }
}

/// `FILE:PATH: severity[rule]: message`, with `FILE#N` for document N of a multi-document file.
fn render_text(reports: &[FileReport]) -> String {
    let mut text = String::new();
    for report in reports {
        let multi = report.documents.len() > 1;
        for doc in &report.documents {
            for finding in &doc.findings {
                let location = if multi {
                    format!("{}#{}", report.file, doc.index)
                } else {
                    report.file.clone()
                };
                let _ = writeln!(text, "{location}:{finding}");
            }
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(file: &str, yaml: &str) -> FileReport {
        FileReport {
            file: file.into(),
            documents: argo_model::lint::lint_text(yaml, &LintOptions::default()),
        }
    }

    #[test]
    fn names_the_file_and_the_path() {
        let yaml = "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: x-}\n\
                    spec:\n  entrypoint: main\n  templates:\n  - name: main\n    dag:\n      tasks:\n\
                    \x20     - {name: a, template: missing}\n";
        let text = render_text(&[report("wf.yaml", yaml)]);
        assert!(
            text.starts_with("wf.yaml:spec.templates[0].dag.tasks[0]"),
            "{text}"
        );
        assert!(text.contains("missing"), "{text}");
    }

    #[test]
    fn empty_files_and_other_kinds_are_reported() {
        let mut empty = argo_model::lint::lint_text("---\n# nothing\n", &LintOptions::default());
        report_kinds(&mut empty);
        let text = render_text(&[FileReport {
            file: "e.yaml".into(),
            documents: empty,
        }]);
        assert_eq!(
            text,
            "e.yaml:: error[parse]: no document: the file is empty\n"
        );

        let mut other = argo_model::lint::lint_text(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
            &LintOptions::default(),
        );
        report_kinds(&mut other);
        let severities: Vec<Severity> = other[0].findings.iter().map(|f| f.severity).collect();
        assert_eq!(severities, [Severity::Warning, Severity::Error]);
        assert!(
            other[0].findings[0]
                .message
                .contains("kind `ConfigMap` is not an Argo kind")
        );

        // Beside an Argo document, another kind is only a warning.
        let yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\n\
                    apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: x-}\n\
                    spec:\n  entrypoint: main\n  templates:\n  - name: main\n    container: {image: busybox}\n";
        let mut mixed = argo_model::lint::lint_text(yaml, &LintOptions::default());
        report_kinds(&mut mixed);
        assert!(!mixed.iter().any(DocumentReport::has_errors));
        assert_eq!(mixed[0].findings.len(), 1);
    }

    #[test]
    fn a_clean_manifest_prints_nothing() {
        let yaml = "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: x-}\n\
                    spec:\n  entrypoint: main\n  templates:\n  - name: main\n    container: {image: busybox}\n";
        assert_eq!(render_text(&[report("wf.yaml", yaml)]), "");
    }
}
