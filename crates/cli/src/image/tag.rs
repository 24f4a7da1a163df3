//! A tag derived from the project's content, so that compiling twice gives the
//! same manifest and a changed project gets a new image.

use std::path::Path;
use std::process::Command;

/// Directories never part of the image's content.
const SKIPPED: &[&str] = &[
    ".argo-kedro",
    ".git",
    ".venv",
    "venv",
    "__pycache__",
    "data",
    "logs",
    "node_modules",
    "target",
];

/// `g<commit12>` for a clean git work tree, `g<commit12>-d<digest8>` when it has
/// uncommitted changes, `c<digest12>` outside git (a digest of the files).
///
/// `.argo-kedro/` (the local runs) and `exclude` (files of the project this command writes, such
/// as the manifest of `compile -o`, given relative to the project) are no part of the content:
/// compiling twice into the project gives the same tag.
pub(crate) fn content_tag(project: &Path, exclude: &[&Path]) -> String {
    let mut pathspecs = vec![".".to_string(), ":(exclude).argo-kedro".to_string()];
    pathspecs.extend(
        exclude
            .iter()
            .map(|p| format!(":(exclude,literal){}", p.to_string_lossy())),
    );
    let with_paths = |args: &[&str]| -> Vec<String> {
        let mut all: Vec<String> = args.iter().map(|a| (*a).to_string()).collect();
        all.push("--".into());
        all.extend(pathspecs.iter().cloned());
        all
    };
    match git(project, &["rev-parse", "HEAD"]) {
        Some(commit) => {
            let commit: String = commit.trim().chars().take(12).collect();
            let status = git(
                project,
                &with_paths(&["status", "--porcelain", "--untracked-files=all"]),
            );
            let diff = git(project, &with_paths(&["diff", "HEAD"]));
            let untracked = git(
                project,
                &with_paths(&["ls-files", "--others", "--exclude-standard"]),
            );
            match (status, diff, untracked) {
                (Some(status), Some(diff), Some(untracked)) if !status.trim().is_empty() => {
                    let mut bytes = status.into_bytes();
                    bytes.extend(diff.into_bytes());
                    for file in untracked.lines() {
                        bytes.extend(std::fs::read(project.join(file)).unwrap_or_default());
                    }
                    format!("g{commit}-d{:08x}", argo_fuse::names::fnv1a64(&bytes) >> 32)
                }
                _ => format!("g{commit}"),
            }
        }
        None => format!("c{:012x}", files_digest(project, exclude) >> 16),
    }
}

fn git<S: AsRef<std::ffi::OsStr>>(dir: &Path, args: &[S]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// A digest of every file's relative path and bytes, in sorted order.
fn files_digest(root: &Path, exclude: &[&Path]) -> u64 {
    let mut files = Vec::new();
    collect(root, root, &mut files);
    files.retain(|f| !exclude.iter().any(|e| Path::new(f) == *e));
    files.sort();
    let mut bytes = Vec::new();
    for relative in files {
        bytes.extend(relative.as_bytes());
        bytes.push(0);
        bytes.extend(std::fs::read(root.join(&relative)).unwrap_or_default());
    }
    argo_fuse::names::fnv1a64(&bytes)
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if SKIPPED.iter().any(|s| name == *s) {
            continue;
        }
        if path.is_dir() {
            collect(root, &path, files);
        } else if let Ok(relative) = path.strip_prefix(root) {
            files.push(relative.to_string_lossy().into_owned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(dir: &Path, args: &[&str]) {
        let ok = Command::new("git")
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap()
            .status
            .success();
        assert!(ok, "git {args:?}");
    }

    #[test]
    fn outside_git_the_tag_follows_the_files() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("a.py"), "x = 1\n").unwrap();
        let first = content_tag(tmp.path(), &[]);
        assert_eq!(first, content_tag(tmp.path(), &[]));
        assert!(first.starts_with('c') && first.len() == 13, "{first}");
        std::fs::create_dir(tmp.path().join("data")).unwrap();
        std::fs::write(tmp.path().join("data/out.csv"), "ignored").unwrap();
        std::fs::create_dir_all(tmp.path().join(".argo-kedro/runs")).unwrap();
        std::fs::write(tmp.path().join(".argo-kedro/runs/log"), "ignored").unwrap();
        assert_eq!(first, content_tag(tmp.path(), &[]));
        // The file the command writes (compile -o) is not content.
        std::fs::write(tmp.path().join("wf.yaml"), "kind: Workflow").unwrap();
        assert_eq!(first, content_tag(tmp.path(), &[Path::new("wf.yaml")]));
        assert_ne!(first, content_tag(tmp.path(), &[]));
        std::fs::write(tmp.path().join("a.py"), "x = 2\n").unwrap();
        assert_ne!(first, content_tag(tmp.path(), &[Path::new("wf.yaml")]));
    }

    #[test]
    fn in_git_the_tag_is_the_commit_plus_a_digest_of_changes() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        run(dir, &["init", "-q"]);
        std::fs::write(dir.join("a.py"), "x = 1\n").unwrap();
        run(dir, &["add", "."]);
        run(
            dir,
            &[
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@t",
                "commit",
                "-qm",
                "init",
            ],
        );
        let clean = content_tag(dir, &[]);
        assert!(clean.starts_with('g') && clean.len() == 13, "{clean}");
        // Local runs and the written manifest (untracked) leave the tag alone.
        std::fs::create_dir_all(dir.join(".argo-kedro/runs")).unwrap();
        std::fs::write(dir.join(".argo-kedro/runs/log"), "x").unwrap();
        std::fs::create_dir(dir.join("out")).unwrap();
        std::fs::write(dir.join("out/wf.yaml"), "kind: Workflow").unwrap();
        assert_eq!(clean, content_tag(dir, &[Path::new("out/wf.yaml")]));
        assert_ne!(clean, content_tag(dir, &[]));
        std::fs::write(dir.join("a.py"), "x = 2\n").unwrap();
        let dirty = content_tag(dir, &[Path::new("out/wf.yaml")]);
        assert!(dirty.starts_with(&clean) && dirty.contains("-d"), "{dirty}");
        assert_eq!(dirty, content_tag(dir, &[Path::new("out/wf.yaml")]));
        std::fs::write(dir.join("a.py"), "x = 3\n").unwrap();
        assert_ne!(dirty, content_tag(dir, &[Path::new("out/wf.yaml")]));
    }
}
