//! The real exporter's output: every IR the repository's example projects export (committed in
//! `tests/fixtures/ir`, kept equal to a fresh export by `scripts/export_ir.py --check` in the
//! test command) must match the IR schema, load, and give valid graphs.

use std::path::Path;

use crate::support::{check_document, json_files, validator};

#[test]
fn exporter_output() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/ir");
    let files = json_files(&dir);
    assert!(
        !files.is_empty(),
        "no exported IR in {} (run `python scripts/export_ir.py`)",
        dir.display()
    );
    let validator = validator();
    for path in files {
        check_document(&validator, &path);
    }
}
