//! Access to the upstream Argo examples, vendored in `tests/fixtures/argo-examples` (217 files of
//! argoproj/argo-workflows at f016ad89, Apache-2.0).

use std::path::{Path, PathBuf};

/// The vendored examples directory; it is part of the repository, so its absence is a failure.
pub(crate) fn dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/argo-examples");
    assert!(
        dir.is_dir(),
        "the vendored Argo examples are missing at {}",
        dir.display()
    );
    dir
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
    assert!(
        out.len() >= 217,
        "expected the 217 upstream example files, found {}",
        out.len()
    );
    out
}
