//! `argo-kedro lint FILE...`: schema + lint rules on any Argo manifest.

use std::fmt::Write as _;

use argo_model::lint::{DocumentReport, LintOptions, Severity, lint_text};

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
    let mut reports = Vec::with_capacity(args.files.len());
    for path in &args.files {
        let text = crate::fsutil::read_text(path)?;
        reports.push(FileReport {
            file: path.display().to_string(),
            documents: lint_text(&text, &options),
        });
    }
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
            documents: lint_text(yaml, &LintOptions::default()),
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
    fn a_clean_manifest_prints_nothing() {
        let yaml = "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: x-}\n\
                    spec:\n  entrypoint: main\n  templates:\n  - name: main\n    container: {image: busybox}\n";
        assert_eq!(render_text(&[report("wf.yaml", yaml)]), "");
    }
}
