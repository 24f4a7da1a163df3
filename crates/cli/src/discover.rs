//! Finding the Kedro project and the Python interpreter.

use std::path::{Path, PathBuf};

use crate::error::CliError;

/// The file that marks a Kedro project root.
const PYPROJECT: &str = "pyproject.toml";

/// Whether `dir` holds a `pyproject.toml` with a `[tool.kedro]` table.
fn is_kedro_project(dir: &Path) -> bool {
    std::fs::read_to_string(dir.join(PYPROJECT))
        .is_ok_and(|text| text.lines().any(|line| line.trim() == "[tool.kedro]"))
}

/// The Kedro project root: `explicit` if given (it must be a project), else the
/// nearest ancestor of `cwd` (itself included) that is one.
pub(crate) fn project_root(explicit: Option<&Path>, cwd: &Path) -> Result<PathBuf, CliError> {
    if let Some(dir) = explicit {
        let dir = if dir.is_absolute() {
            dir.to_path_buf()
        } else {
            cwd.join(dir)
        };
        if is_kedro_project(&dir) {
            return Ok(dir);
        }
        return Err(CliError::NotAKedroProject { dir });
    }
    cwd.ancestors()
        .find(|dir| is_kedro_project(dir))
        .map(Path::to_path_buf)
        .ok_or_else(|| CliError::ProjectNotFound {
            start: cwd.to_path_buf(),
        })
}

/// The project's Python package, from `[tool.kedro] package_name` in its pyproject.toml.
pub(crate) fn package_name(root: &Path) -> Option<String> {
    let text = std::fs::read_to_string(root.join(PYPROJECT)).ok()?;
    let mut in_kedro = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            in_kedro = line == "[tool.kedro]";
        } else if let (true, Some((key, value))) = (in_kedro, line.split_once('='))
            && key.trim() == "package_name"
        {
            return Some(value.trim().trim_matches(['"', '\'']).to_string());
        }
    }
    None
}

/// Where the interpreter choice came from, for error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PythonSource {
    /// `--python`.
    Flag,
    /// `$ARGO_KEDRO_PYTHON`.
    EnvVar,
    /// `$VIRTUAL_ENV/bin/python`.
    VirtualEnv,
    /// The `python` in the directory of the `argo-kedro` binary (a virtual environment's `bin`).
    BesideBinary,
    /// `python3` on `PATH`.
    Default,
}

impl std::fmt::Display for PythonSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            PythonSource::Flag => "from --python",
            PythonSource::EnvVar => "from $ARGO_KEDRO_PYTHON",
            PythonSource::VirtualEnv => "from $VIRTUAL_ENV",
            PythonSource::BesideBinary => "installed beside argo-kedro",
            PythonSource::Default => "the default",
        })
    }
}

/// The interpreter to run the exporter with, and where that choice came from.
#[derive(Debug, Clone)]
pub(crate) struct Python {
    /// Path or command name of the interpreter.
    pub(crate) path: PathBuf,
    /// Where it came from.
    pub(crate) source: PythonSource,
}

/// The names of the interpreter looked for beside the binary, in order.
const BESIDE: &[&str] = if cfg!(windows) {
    &["python.exe"]
} else {
    &["python", "python3"]
};

/// The directory of the running `argo-kedro` (symbolic links resolved): the `bin` of the
/// environment pip installed it into.
pub(crate) fn binary_dir() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let exe = std::fs::canonicalize(&exe).unwrap_or(exe);
    exe.parent().map(Path::to_path_buf)
}

/// Chooses the interpreter: `--python`, else `$ARGO_KEDRO_PYTHON`, else
/// `$VIRTUAL_ENV/bin/python`, else the `python` installed beside the binary (in `binary_dir`:
/// `/path/to/venv/bin/argo-kedro` called by its full path, no venv active, uses that venv's
/// Python), else `python3`.
pub(crate) fn python(
    flag: Option<&Path>,
    env: impl Fn(&str) -> Option<String>,
    binary_dir: Option<&Path>,
) -> Python {
    let non_empty = |key: &str| env(key).filter(|value| !value.is_empty());
    if let Some(path) = flag {
        return Python {
            path: path.to_path_buf(),
            source: PythonSource::Flag,
        };
    }
    if let Some(path) = non_empty("ARGO_KEDRO_PYTHON") {
        return Python {
            path: path.into(),
            source: PythonSource::EnvVar,
        };
    }
    if let Some(venv) = non_empty("VIRTUAL_ENV") {
        return Python {
            path: Path::new(&venv).join("bin").join("python"),
            source: PythonSource::VirtualEnv,
        };
    }
    let beside = binary_dir
        .into_iter()
        .flat_map(|dir| BESIDE.iter().map(|name| dir.join(name)));
    if let Some(path) = beside.into_iter().find(|path| path.is_file()) {
        return Python {
            path,
            source: PythonSource::BesideBinary,
        };
    }
    Python {
        path: "python3".into(),
        source: PythonSource::Default,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(dir: &Path) {
        std::fs::write(
            dir.join(PYPROJECT),
            "[project]\nname='x'\n\n[tool.kedro]\npackage_name='x'\n",
        )
        .unwrap();
    }

    #[test]
    fn walks_up_to_the_project() {
        let tmp = tempfile::tempdir().unwrap();
        project(tmp.path());
        let deep = tmp.path().join("src/x/pipelines");
        std::fs::create_dir_all(&deep).unwrap();
        assert_eq!(project_root(None, &deep).unwrap(), tmp.path());
    }

    #[test]
    fn a_pyproject_without_kedro_is_not_a_project() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join(PYPROJECT), "[project]\nname='x'\n").unwrap();
        let err = project_root(None, tmp.path()).unwrap_err();
        assert!(matches!(err, CliError::ProjectNotFound { .. }), "{err:?}");
        let err = project_root(Some(tmp.path()), tmp.path()).unwrap_err();
        assert!(matches!(err, CliError::NotAKedroProject { .. }), "{err:?}");
    }

    #[test]
    fn reads_the_package_name() {
        let tmp = tempfile::tempdir().unwrap();
        project(tmp.path());
        assert_eq!(package_name(tmp.path()).as_deref(), Some("x"));
        std::fs::write(
            tmp.path().join(PYPROJECT),
            "[tool.other]\npackage_name = 'y'\n",
        )
        .unwrap();
        assert_eq!(package_name(tmp.path()), None);
    }

    #[test]
    fn python_precedence() {
        let env = |key: &str| match key {
            "ARGO_KEDRO_PYTHON" => Some("/opt/py".to_string()),
            "VIRTUAL_ENV" => Some("/venv".to_string()),
            _ => None,
        };
        let flag = python(Some(Path::new("/flag/python")), env, None);
        assert_eq!(
            (flag.path, flag.source),
            ("/flag/python".into(), PythonSource::Flag)
        );
        assert_eq!(python(None, env, None).source, PythonSource::EnvVar);
        let venv = python(None, |key| env(key).filter(|_| key == "VIRTUAL_ENV"), None);
        assert_eq!(venv.path, PathBuf::from("/venv/bin/python"));
        assert_eq!(python(None, |_| None, None).path, PathBuf::from("python3"));
        assert_eq!(
            python(None, |_| Some(String::new()), None).source,
            PythonSource::Default
        );
    }

    #[test]
    fn without_a_venv_the_python_beside_the_binary_comes_before_python3() {
        let tmp = tempfile::tempdir().unwrap();
        let bin = tmp.path();
        // No interpreter beside the binary (a `pip install --user` bin directory): python3.
        let none = python(None, |_| None, Some(bin));
        assert_eq!(
            (none.path, none.source),
            ("python3".into(), PythonSource::Default)
        );
        std::fs::write(bin.join("python3"), "").unwrap();
        let found = python(None, |_| None, Some(bin));
        assert_eq!(
            (found.path, found.source),
            (bin.join("python3"), PythonSource::BesideBinary)
        );
        std::fs::write(bin.join("python"), "").unwrap();
        assert_eq!(python(None, |_| None, Some(bin)).path, bin.join("python"));
        // An active venv still wins.
        let venv = python(
            None,
            |key| (key == "VIRTUAL_ENV").then(|| "/venv".to_string()),
            Some(bin),
        );
        assert_eq!(venv.source, PythonSource::VirtualEnv);
    }
}
