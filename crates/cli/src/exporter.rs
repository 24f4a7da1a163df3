//! Running the Python exporter (`python -m argo_kedro.export`) in the project.

use std::path::Path;
use std::process::Command;

use crate::discover::Python;
use crate::error::CliError;

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

/// Runs the exporter and returns its stdout (the IR JSON). Its stderr is shown
/// only when it fails (or with `-v`).
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
    if !verbose {
        crate::output::passthrough_stderr(&stderr);
    }
    Err(CliError::ExportFailed {
        env: request.env.to_string(),
        message: last_error_line(&stderr),
    })
}

/// The module named by a `ModuleNotFoundError` for Kedro or our package.
fn missing_module(stderr: &str) -> Option<&'static str> {
    ["argo_kedro", "kedro"].into_iter().find(|module| {
        stderr.contains(&format!("No module named '{module}'"))
            || stderr.contains(&format!("No module named {module}"))
    })
}

/// The exporter's own one-line error (`error: ...`), else the last line.
fn last_error_line(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    lines
        .iter()
        .rev()
        .find_map(|line| line.strip_prefix("error: "))
        .or_else(|| lines.last().copied())
        .unwrap_or("it exited with an error and printed nothing")
        .to_string()
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
    fn prefers_the_exporters_error_line() {
        assert_eq!(
            last_error_line("INFO x\nerror: no env 'x'\n\n"),
            "no env 'x'"
        );
        assert_eq!(last_error_line("boom\n"), "boom");
        assert!(last_error_line("").contains("printed nothing"));
    }
}
