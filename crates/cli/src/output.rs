//! The one place that prints: data to stdout, diagnostics to stderr.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::error::Error as _;
use std::io::Write;

use crate::error::CliError;

/// Writes data to stdout. A closed pipe (`argo-kedro ... | head`) is not an error.
pub(crate) fn stdout(text: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(err) if err.kind() != std::io::ErrorKind::BrokenPipe => Err(CliError::Stdout(err)),
        _ => Ok(()),
    }
}

/// Copies a child process's stderr to ours.
pub(crate) fn passthrough_stderr(text: &str) {
    if !text.is_empty() {
        eprint!("{text}");
    }
}

/// A progress or status line, on stderr.
pub(crate) fn status(line: &str) {
    eprintln!("{line}");
}

/// Renders an error: `error:`, one `Caused by:` per source, then `hint:` lines;
/// or one JSON object when the command's output format is JSON.
pub(crate) fn render_error(err: &CliError, json: bool) {
    let mut causes = Vec::new();
    let mut source = err.source();
    while let Some(cause) = source {
        causes.push(cause.to_string());
        source = cause.source();
    }
    let hints = err.hints();
    if json {
        let value = serde_json::json!({
            "error": err.to_string(),
            "causes": causes,
            "hints": hints,
        });
        eprintln!("{value}");
        return;
    }
    eprintln!("error: {err}");
    for cause in causes {
        eprintln!("  Caused by: {cause}");
    }
    for hint in hints {
        eprintln!("hint: {hint}");
    }
}
