//! A tag derived from the project's content, so that compiling twice gives the
//! same manifest and a changed project gets a new image.

use std::path::Path;
use std::process::Command;

/// Directories never part of the image's content.
const SKIPPED: &[&str] = &[
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
pub(crate) fn content_tag(project: &Path) -> String {
    match git(project, &["rev-parse", "HEAD"]) {
        Some(commit) => {
            let commit: String = commit.trim().chars().take(12).collect();
            let status = git(
                project,
                &["status", "--porcelain", "--untracked-files=all", "."],
            );
            let diff = git(project, &["diff", "HEAD", "--", "."]);
            let untracked = git(
                project,
                &["ls-files", "--others", "--exclude-standard", "."],
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
        None => format!("c{:012x}", files_digest(project) >> 16),
    }
}

fn git(dir: &Path, args: &[&str]) -> Option<String> {
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
fn files_digest(root: &Path) -> u64 {
    let mut files = Vec::new();
    collect(root, root, &mut files);
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
        let first = content_tag(tmp.path());
        assert_eq!(first, content_tag(tmp.path()));
        assert!(first.starts_with('c') && first.len() == 13, "{first}");
        std::fs::create_dir(tmp.path().join("data")).unwrap();
        std::fs::write(tmp.path().join("data/out.csv"), "ignored").unwrap();
        assert_eq!(first, content_tag(tmp.path()));
        std::fs::write(tmp.path().join("a.py"), "x = 2\n").unwrap();
        assert_ne!(first, content_tag(tmp.path()));
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
        let clean = content_tag(dir);
        assert!(clean.starts_with('g') && clean.len() == 13, "{clean}");
        std::fs::write(dir.join("a.py"), "x = 2\n").unwrap();
        let dirty = content_tag(dir);
        assert!(dirty.starts_with(&clean) && dirty.contains("-d"), "{dirty}");
        assert_eq!(dirty, content_tag(dir));
        std::fs::write(dir.join("a.py"), "x = 3\n").unwrap();
        assert_ne!(dirty, content_tag(dir));
    }
}
