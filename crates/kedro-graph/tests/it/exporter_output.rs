//! The real exporter's output: every `*.json` file in `$ARGO_KEDRO_IR_DIR` must match the IR
//! schema, load, and give valid graphs. Without the variable the test fails in CI (`$CI` set)
//! and is skipped with a note otherwise.

use std::path::PathBuf;

use crate::support::{check_document, json_files, validator};

const DIR_VAR: &str = "ARGO_KEDRO_IR_DIR";

#[test]
fn exporter_output() {
    let Some(dir) = std::env::var_os(DIR_VAR).filter(|d| !d.is_empty()) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "{DIR_VAR} is not set; CI must point it at the exporter's output"
        );
        #[allow(
            clippy::print_stderr,
            reason = "a note to the developer running the tests"
        )]
        {
            eprintln!("note: {DIR_VAR} is not set; skipping the check of the exporter's output");
        }
        return;
    };
    let dir = PathBuf::from(dir);
    let files = json_files(&dir);
    assert!(
        !files.is_empty(),
        "no *.json files in {} ({DIR_VAR})",
        dir.display()
    );
    let validator = validator();
    for path in files {
        check_document(&validator, &path);
    }
}
