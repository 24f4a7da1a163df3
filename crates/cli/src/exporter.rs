//! Running the Python exporter (`python -m argo_kedro.export`) in the project.

use std::path::Path;
use std::process::Command;

use crate::discover::Python;
use crate::error::{CliError, ToolMessage};

/// What to export.
#[derive(Debug, Clone)]
pub(crate) struct ExportRequest<'a> {
    /// The Kedro project root (the exporter runs there).
    pub(crate) project: &'a Path,
    /// The Kedro env.
    pub(crate) env: &'a str,
    /// One pipeline, or all of them.
    pub(crate) pipeline: Option<&'a str>,
    /// Kedro's node filters, `(option, comma-separated values)`: `nodes`, `from-nodes`,
    /// `to-nodes`, `tags`.
    pub(crate) filter: &'a [(&'a str, String)],
}

/// Runs the exporter and returns its stdout (the IR JSON). Its stderr (Kedro's log records and
/// warnings, anything the project prints) is shown only with `-v`; a failure is the exporter's
/// own `error:` line (and `hint:` line), as the cause of [`CliError::ExportFailed`].
pub(crate) fn export(
    python: &Python,
    request: &ExportRequest<'_>,
    verbose: bool,
) -> Result<String, CliError> {
    let mut command = Command::new(&python.path);
    command
        .args(["-m", "argo_kedro.export", "--env", request.env])
        .current_dir(request.project)
        .env("KEDRO_DISABLE_TELEMETRY", "1");
    if let Some(pipeline) = request.pipeline {
        command.args(["--pipeline", pipeline]);
    }
    if verbose {
        command.arg("--verbose");
    }
    // `--option=VALUE`: a value that starts with `-` stays a value.
    for (option, values) in request.filter {
        command.arg(format!("--{option}={values}"));
    }
    let out = command
        .output()
        .map_err(|source| CliError::PythonNotRunnable {
            python: python.path.clone(),
            origin: python.source,
            source,
        })?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if verbose {
        crate::output::passthrough_stderr(&stderr);
    }
    if out.status.success() {
        return String::from_utf8(out.stdout).map_err(|_| CliError::ExporterOutputNotUtf8);
    }
    if let Some(module) = missing_module(&stderr) {
        return Err(CliError::PythonMissingModule {
            python: python.path.clone(),
            origin: python.source,
            module,
        });
    }
    let said = Said::parse(&stderr);
    let hint = match (said.hint, said.error.is_some(), verbose) {
        (Some(hint), _, _) => Some(hint.to_string()),
        // Not the exporter's own error (Python itself failed): its output says more.
        (None, false, false) => {
            Some("run the command again with -v to see the exporter's output".into())
        }
        (None, _, _) => None,
    };
    Err(CliError::ExportFailed {
        env: request.env.to_string(),
        source: ToolMessage {
            message: said.error.unwrap_or(said.last).to_string(),
        },
        hint,
    })
}

/// The module named by a `ModuleNotFoundError` for Kedro or our package.
fn missing_module(stderr: &str) -> Option<&'static str> {
    ["argo_kedro", "kedro"].into_iter().find(|module| {
        stderr.contains(&format!("No module named '{module}'"))
            || stderr.contains(&format!("No module named {module}"))
    })
}

/// What a failed exporter printed on stderr.
#[derive(Debug, PartialEq, Eq)]
struct Said<'a> {
    /// Its own last `error: ...` line, without the prefix.
    error: Option<&'a str>,
    /// The `hint: ...` line after that error.
    hint: Option<&'a str>,
    /// The last non-empty line (for a failure that is not the exporter's own).
    last: &'a str,
}

impl<'a> Said<'a> {
    fn parse(stderr: &'a str) -> Self {
        let lines: Vec<&str> = stderr
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let at = lines.iter().rposition(|line| line.starts_with("error: "));
        Self {
            error: at.and_then(|i| lines[i].strip_prefix("error: ")),
            hint: at.and_then(|i| {
                lines[i + 1..]
                    .iter()
                    .find_map(|line| line.strip_prefix("hint: "))
            }),
            last: lines
                .last()
                .copied()
                .unwrap_or("it exited with an error and printed nothing"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_missing_modules() {
        let kedro = "Traceback...\nModuleNotFoundError: No module named 'kedro'\n";
        assert_eq!(missing_module(kedro), Some("kedro"));
        let ours = "/usr/bin/python3: Error while finding module specification for 'argo_kedro.export' (ModuleNotFoundError: No module named 'argo_kedro')";
        assert_eq!(missing_module(ours), Some("argo_kedro"));
        assert_eq!(missing_module("error: env 'prod' not found"), None);
    }

    #[test]
    fn reads_the_exporters_error_and_hint_lines() {
        let said = Said::parse("INFO x\nerror: no env 'x'\nhint: pass --env\n\n");
        assert_eq!(said.error, Some("no env 'x'"));
        assert_eq!(said.hint, Some("pass --env"));
        let said = Said::parse("hint: stale\nerror: boom\n");
        assert_eq!((said.error, said.hint), (Some("boom"), None));
        let said = Said::parse("Segmentation fault\n");
        assert_eq!((said.error, said.last), (None, "Segmentation fault"));
        assert!(Said::parse("").last.contains("printed nothing"));
    }
}
