//! Writing an output file (`-o FILE`, `init`) without destroying what is there.
//!
//! - a regular file (new, or reached through symbolic links) is replaced atomically: the text goes
//!   to a temporary file in the same directory, which is renamed over it once complete; an
//!   existing file keeps its mode, a new one gets `0666` less the umask (`0644` under `022`);
//! - a FIFO or a character device (`/dev/null`, a terminal, `/dev/stdout`) is written as a
//!   stream, never replaced;
//! - a symbolic link is kept and its target filled (a dangling link creates its target);
//! - anything else (a directory, a block device, a socket) is refused.

use std::fs::{self, FileType, Permissions};
use std::io::{self, Write as _};
use std::os::unix::fs::{FileTypeExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};

use super::cleanup;
use crate::error::CliError;

/// Symbolic links followed before giving up (Linux's own limit).
const MAX_LINKS: usize = 40;

/// Writes `bytes` to `path` as described in the module documentation. Missing parent
/// directories of a new file are created.
pub(crate) fn write_output(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let fail = |source| CliError::WriteFile {
        path: path.to_path_buf(),
        source,
    };
    match fs::metadata(path) {
        Ok(meta) => {
            let kind = meta.file_type();
            if kind.is_file() {
                // The real file, also behind links (relative ones resolve from their directory).
                let target = fs::canonicalize(path).map_err(fail)?;
                replace(&target, bytes, Some(meta.permissions())).map_err(fail)
            } else if kind.is_fifo() || kind.is_char_device() {
                stream(path, bytes).map_err(fail)
            } else {
                Err(CliError::OutputKind {
                    path: path.to_path_buf(),
                    kind: kind_name(kind),
                })
            }
        }
        Err(err) if err.kind() == io::ErrorKind::NotFound => {
            // No file: a new one, where the (possibly dangling) links lead.
            let target = follow_links(path).map_err(fail)?;
            let dir = parent_of(&target);
            create_parent(path, dir)?;
            replace(&target, bytes, None).map_err(fail)
        }
        Err(err) if err.kind() == io::ErrorKind::NotADirectory => Err(not_a_directory(path)),
        Err(err) => Err(fail(err)),
    }
}

/// The directory of `path` (`.` for a bare file name).
fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// Follows symbolic links from `path` to the path at the end of the chain (which may not exist).
fn follow_links(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let next = fs::read_link(&current)?;
                current = if next.is_absolute() {
                    next
                } else {
                    parent_of(&current).join(next)
                };
            }
            _ => return Ok(current),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("more than {MAX_LINKS} levels of symbolic links"),
    ))
}

/// Creates `dir` (the parent of the file `path` leads to) when missing; says which ancestor is in
/// the way when one is not a directory.
fn create_parent(path: &Path, dir: &Path) -> Result<(), CliError> {
    match fs::create_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(source) => {
            let blocker = dir
                .ancestors()
                .find(|a| fs::metadata(a).is_ok_and(|m| !m.is_dir()));
            match blocker {
                Some(_) => Err(not_a_directory(path)),
                None => Err(CliError::WriteFile {
                    path: path.to_path_buf(),
                    source,
                }),
            }
        }
    }
}

/// The error for a path with a non-directory where a directory should be.
fn not_a_directory(path: &Path) -> CliError {
    let parent = parent_of(path)
        .ancestors()
        .find(|a| fs::metadata(a).is_ok_and(|m| !m.is_dir()))
        .unwrap_or_else(|| parent_of(path))
        .to_path_buf();
    CliError::ParentNotDirectory {
        path: path.to_path_buf(),
        parent,
    }
}

/// Writes into a FIFO or a device: opened for writing as it is, never created or replaced.
fn stream(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = fs::OpenOptions::new().write(true).open(path)?;
    file.write_all(bytes)?;
    file.flush()
}

/// Replaces (or creates) the regular file `target` through a temporary file in its directory.
/// `keep` is the existing file's mode; a new file gets `0666` less the umask.
fn replace(target: &Path, bytes: &[u8], keep: Option<Permissions>) -> io::Result<()> {
    let dir = parent_of(target);
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        // The kernel applies the umask to the mode a file is created with.
        .permissions(Permissions::from_mode(0o666))
        .tempfile_in(dir)?;
    let _pending = cleanup::register(tmp.path());
    if let Some(mode) = keep {
        // Exactly the old mode, whatever the umask.
        tmp.as_file().set_permissions(mode)?;
    }
    let mut file = tmp.as_file();
    file.write_all(bytes)?;
    file.sync_all()?;
    tmp.persist(target).map_err(|err| err.error)?;
    // Make the rename itself durable (best effort: some file systems refuse a directory fsync).
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// A word for a file type we refuse to write to.
fn kind_name(kind: FileType) -> &'static str {
    if kind.is_dir() {
        "directory"
    } else if kind.is_block_device() {
        "block device"
    } else if kind.is_socket() {
        "socket"
    } else {
        "special file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn writes_and_replaces_leaving_no_temporary_file() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("a/b/out.yaml");
        write_output(&path, b"one").unwrap();
        write_output(&path, b"two").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "two");
        assert_eq!(entries(path.parent().unwrap()), ["out.yaml"]);
    }

    #[test]
    fn a_new_file_gets_the_umask_mode_and_an_old_one_keeps_its_mode() {
        // The test process's umask: what a file created with 0666 gets.
        let tmp = tempfile::tempdir().unwrap();
        let probe = tmp.path().join("probe");
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o666)
                .open(&probe)
                .unwrap();
        }
        let expected = mode(&probe);
        let new = tmp.path().join("new.yaml");
        write_output(&new, b"x").unwrap();
        assert_eq!(mode(&new), expected);
        assert_ne!(mode(&new), 0o600, "not tempfile's private mode");

        let old = tmp.path().join("old.yaml");
        fs::write(&old, "old").unwrap();
        fs::set_permissions(&old, Permissions::from_mode(0o640)).unwrap();
        write_output(&old, b"new").unwrap();
        assert_eq!(mode(&old), 0o640);
        assert_eq!(fs::read_to_string(&old).unwrap(), "new");
    }

    #[test]
    fn a_symlink_is_kept_and_its_target_filled() {
        let tmp = tempfile::tempdir().unwrap();
        fs::create_dir(tmp.path().join("real")).unwrap();
        let target = tmp.path().join("real/wf.yaml");
        fs::write(&target, "old").unwrap();
        let link = tmp.path().join("link.yaml");
        symlink("real/wf.yaml", &link).unwrap();
        write_output(&link, b"new").unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&target).unwrap(), "new");
        assert_eq!(entries(&tmp.path().join("real")), ["wf.yaml"]);

        // A dangling link creates its target.
        let dangling = tmp.path().join("dangling.yaml");
        symlink("real/later.yaml", &dangling).unwrap();
        write_output(&dangling, b"made").unwrap();
        assert!(
            fs::symlink_metadata(&dangling)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(
            fs::read_to_string(tmp.path().join("real/later.yaml")).unwrap(),
            "made"
        );
    }

    #[test]
    fn a_character_device_is_written_not_replaced() {
        // A private null device where we may make one (as root, where replacing the real
        // `/dev/null` would hurt); else `/dev/null`, which others cannot replace anyway.
        let tmp = tempfile::tempdir().unwrap();
        let private = tmp.path().join("null");
        let made = std::process::Command::new("mknod")
            .args([
                private.as_os_str(),
                "c".as_ref(),
                "1".as_ref(),
                "3".as_ref(),
            ])
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        let device = if made {
            private.as_path()
        } else {
            Path::new("/dev/null")
        };
        write_output(device, b"discarded").unwrap();
        assert!(fs::metadata(device).unwrap().file_type().is_char_device());
        if made {
            assert_eq!(entries(tmp.path()), ["null"]);
        }
    }

    #[test]
    fn a_fifo_feeds_its_reader() {
        let tmp = tempfile::tempdir().unwrap();
        let fifo = tmp.path().join("pipe");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || fs::read_to_string(fifo).unwrap())
        };
        write_output(&fifo, b"through the pipe").unwrap();
        assert_eq!(reader.join().unwrap(), "through the pipe");
        assert!(fs::metadata(&fifo).unwrap().file_type().is_fifo());
    }

    #[test]
    fn a_directory_in_the_way_is_refused_by_kind() {
        let tmp = tempfile::tempdir().unwrap();
        let err = write_output(tmp.path(), b"x").unwrap_err();
        assert!(
            matches!(
                err,
                CliError::OutputKind {
                    kind: "directory",
                    ..
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn a_parent_that_is_a_file_is_named() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("file");
        fs::write(&file, "x").unwrap();
        for path in [file.join("out.yaml"), file.join("sub/out.yaml")] {
            let err = write_output(&path, b"x").unwrap_err();
            match err {
                CliError::ParentNotDirectory { parent, .. } => assert_eq!(parent, file),
                other => panic!("{other:?}"),
            }
        }
    }
}
