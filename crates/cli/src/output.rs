//! The one place that prints: data to stdout, diagnostics to stderr.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::Write;

use std::io::IsTerminal as _;
use std::sync::OnceLock;

use crate::cli::{ColorChoice, GlobalArgs};
use crate::error::CliError;

/// How much to print, set once from the global flags.
#[derive(Debug, Clone, Copy)]
#[allow(clippy::struct_excessive_bools)] // independent switches from independent flags
struct Settings {
    quiet: bool,
    verbose: bool,
    progress: bool,
    color: bool,
}

static SETTINGS: OnceLock<Settings> = OnceLock::new();

fn settings() -> Settings {
    *SETTINGS.get_or_init(|| Settings {
        quiet: false,
        verbose: false,
        progress: true,
        color: false,
    })
}

/// Applies `-q`, `--no-progress` and `--color` (call once, before printing).
pub(crate) fn configure(global: &GlobalArgs) {
    let color = match global.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stderr().is_terminal()
        }
    };
    let quiet = global.quiet > 0;
    let _ = SETTINGS.set(Settings {
        quiet,
        verbose: global.verbose > 0,
        progress: !quiet && !global.no_progress,
        color,
    });
}

fn paint(code: &str, text: &str) -> String {
    if settings().color {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

/// `n` with its noun, singular for 1: `count(1, "task", "tasks")` is `1 task`,
/// `count(3, "task", "tasks")` is `3 tasks`.
pub(crate) fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

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

/// A status line on stderr (hidden by `-q`).
pub(crate) fn status(line: &str) {
    if !settings().quiet {
        eprintln!("{line}");
    }
}

/// A per-task progress line on stderr (hidden by `-q` and `--no-progress`).
pub(crate) fn progress(line: &str) {
    if settings().progress {
        eprintln!("{line}");
    }
}

/// The causes shown at default verbosity: one line, the first cause and, when it says more,
/// the innermost one (`failed to create wf-*: Connection refused`); a cause whose text already
/// holds the next one's is not repeated.
fn short_causes(causes: &[String]) -> Vec<String> {
    match causes {
        [] => Vec::new(),
        [first] => vec![first.clone()],
        [first, .., root] if first.contains(root.as_str()) => vec![first.clone()],
        [first, .., root] => vec![format!("{first}: {root}")],
    }
}

/// Renders an error: `error:`, its cause, then a `hint:` line: at most 3 lines (with `-v`, one
/// `Caused by:` per source and every hint); or one JSON object when the command's output
/// format is JSON.
pub(crate) fn render_error(err: &CliError, json: bool) {
    let causes = err.cause_lines();
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
    let (causes, hints) = if settings().verbose {
        (causes, hints)
    } else {
        (short_causes(&causes), hints.into_iter().take(1).collect())
    };
    eprintln!("{} {err}", paint("1;31", "error:"));
    for cause in causes {
        eprintln!("  {} {cause}", paint("1", "Caused by:"));
    }
    for hint in hints {
        eprintln!("{} {hint}", paint("1;36", "hint:"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_cause_line_by_default() {
        let chain = |c: &[&str]| c.iter().map(ToString::to_string).collect::<Vec<_>>();
        assert!(short_causes(&[]).is_empty());
        assert_eq!(short_causes(&chain(&["only"])), ["only"]);
        assert_eq!(
            short_causes(&chain(&[
                "failed to create wf-*",
                "ServiceError: client error (Connect)",
                "tcp connect error",
                "Connection refused (os error 111)"
            ])),
            ["failed to create wf-*: Connection refused (os error 111)"]
        );
        assert_eq!(
            short_causes(&chain(&["api error: forbidden (403)", "forbidden (403)"])),
            ["api error: forbidden (403)"]
        );
    }

    #[test]
    fn counts_are_singular_for_one() {
        assert_eq!(count(1, "node", "nodes"), "1 node");
        assert_eq!(count(0, "node", "nodes"), "0 nodes");
        assert_eq!(count(2, "fused group", "fused groups"), "2 fused groups");
    }
}
