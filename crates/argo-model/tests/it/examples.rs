//! Access to the upstream Argo examples (`../shared/argo/examples`).

use std::path::{Path, PathBuf};

/// The examples directory: `$ARGO_EXAMPLES_DIR`, else `<workspace>/../shared/argo/examples`.
/// `None` (test skipped) when missing outside CI; panics when missing in CI.
pub(crate) fn dir() -> Option<PathBuf> {
    let dir = std::env::var_os("ARGO_EXAMPLES_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/argo/examples"),
        PathBuf::from,
    );
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "Argo examples not found at {} (set ARGO_EXAMPLES_DIR)",
        dir.display()
    );
    eprintln!("skipping: Argo examples not found at {}", dir.display());
    None
}

/// Every YAML/JSON file under `dir`, sorted, with its path relative to `dir`.
pub(crate) fn files(dir: &Path) -> Vec<(String, String)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else if path
                .extension()
                .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
            {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((rel, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}
