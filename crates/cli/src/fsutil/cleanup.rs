//! Temporary files removed when a signal ends the process.
//!
//! A temporary file is removed on drop, but SIGINT, SIGTERM and SIGHUP end the process without
//! running destructors. While a temporary output file exists it is registered here; the first
//! registration starts a thread that waits for those signals, removes the registered files and
//! then ends the process as the signal's default action would (so the exit status still says
//! which signal it was).

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

/// The temporary files that exist now.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
/// Whether the signal thread runs.
static WATCHING: OnceLock<()> = OnceLock::new();

/// A registered temporary file; unregistered on drop.
pub(crate) struct Pending(PathBuf);

impl Drop for Pending {
    fn drop(&mut self) {
        let mut pending = PENDING.lock().unwrap_or_else(PoisonError::into_inner);
        pending.retain(|p| p != &self.0);
    }
}

/// Registers `path` for removal should a signal end the process before the guard is dropped.
pub(crate) fn register(path: &Path) -> Pending {
    watch_signals();
    PENDING
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(path.to_path_buf());
    Pending(path.to_path_buf())
}

fn watch_signals() {
    WATCHING.get_or_init(|| {
        // Without the handler (it cannot be installed) a signal leaves the file behind, as before.
        if let Ok(mut signals) = Signals::new([SIGINT, SIGTERM, SIGHUP]) {
            std::thread::spawn(move || {
                if let Some(signal) = signals.forever().next() {
                    remove_pending();
                    let _ = signal_hook::low_level::emulate_default_handler(signal);
                    std::process::exit(128 + signal);
                }
            });
        }
    });
}

/// Removes every registered file (called from the signal thread).
fn remove_pending() {
    let pending = PENDING.lock().unwrap_or_else(PoisonError::into_inner);
    for path in pending.iter() {
        let _ = std::fs::remove_file(path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead as _, BufReader};
    use std::process::{Command, Stdio};

    /// Unregistered on drop. Run by [`a_signal_removes_registered_files`] in a child process
    /// with `ARGO_KEDRO_CLEANUP_TEST_DIR` set, it also registers a file there, says so and waits
    /// to be killed.
    #[test]
    fn registered_files_are_unregistered_on_drop() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join(".dropped.tmp");
        drop(register(&path));
        assert!(!PENDING.lock().unwrap().contains(&path));
        let Some(dir) = std::env::var_os("ARGO_KEDRO_CLEANUP_TEST_DIR") else {
            return;
        };
        let path = Path::new(&dir).join(".out.yaml.tmp");
        std::fs::write(&path, "partial").unwrap();
        let _guard = register(&path);
        println!("READY");
        std::thread::sleep(std::time::Duration::from_secs(60));
    }

    #[test]
    fn a_signal_removes_registered_files() {
        for signal in ["TERM", "INT", "HUP"] {
            let dir = tempfile::tempdir().unwrap();
            let mut child = Command::new(std::env::current_exe().unwrap())
                .args([
                    "--exact",
                    "fsutil::cleanup::tests::registered_files_are_unregistered_on_drop",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env("ARGO_KEDRO_CLEANUP_TEST_DIR", dir.path())
                .stdout(Stdio::piped())
                .spawn()
                .unwrap();
            let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
            assert!(
                lines.any(|l| l.unwrap().contains("READY")),
                "helper did not start"
            );
            assert!(dir.path().join(".out.yaml.tmp").exists());
            let killed = Command::new("kill")
                .arg(format!("-{signal}"))
                .arg(child.id().to_string())
                .status()
                .unwrap();
            assert!(killed.success());
            let status = child.wait().unwrap();
            assert!(!status.success(), "SIG{signal}: {status:?}");
            assert_eq!(
                std::fs::read_dir(dir.path()).unwrap().count(),
                0,
                "SIG{signal} left the temporary file"
            );
        }
    }
}
