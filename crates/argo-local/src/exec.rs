//! One attempt of a leaf task: its command rendered, its process run (killed at a deadline or on
//! cancellation), its log, and its output parameters read as Argo's executor reads them.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use argo_model::Template;

use crate::error::TaskError;
use crate::subst::{expand_k8s, remap_path, remap_text, render};
use crate::{RunOptions, TaskName};

/// An output parameter: name, local path, default.
pub(crate) type OutputFile = (String, PathBuf, Option<String>);

/// One attempt, rendered.
pub(crate) struct Prepared {
    argv: Vec<String>,
    env: Vec<(String, String)>,
    script: Option<(PathBuf, String)>,
    pub(crate) outputs: Vec<OutputFile>,
    /// `podSpecPatch`, rendered (not applied).
    pub(crate) pod_spec_patch: Option<String>,
}

/// How the process of an attempt ended.
pub(crate) enum Exit {
    /// It exited with this code (a signal `n` reads as `128 + n`); `killed` by SIGKILL.
    Code { code: i32, killed: bool },
    /// It was killed at its deadline (`backoff.maxDuration`).
    Deadline { code: i32 },
}

/// Renders `t` (retry variables already substituted) with `vars` for task `name`.
pub(crate) fn prepare(
    t: &Template,
    name: &TaskName,
    vars: &BTreeMap<String, String>,
    secrets: &BTreeMap<String, String>,
    opts: &RunOptions,
) -> Result<Prepared, TaskError> {
    let r = |s: &str| {
        render(s, &|tag| vars.get(tag).cloned())
            .map_err(|u| TaskError::Unresolved { variable: u.0 })
    };
    let out_dir = opts.run_dir.join("outputs").join(name.as_str());
    let mut outputs = Vec::new();
    let mut path_map = Vec::new();
    for p in t.outputs.iter().flat_map(|o| &o.parameters) {
        let Some(from) = &p.value_from else { continue };
        let Some(path) = &from.path else { continue };
        let path = r(path)?;
        let local = remap_path(&out_dir, &path);
        if path.starts_with('/') {
            path_map.push((path, local.to_string_lossy().into_owned()));
        }
        outputs.push((
            p.name.clone(),
            local,
            from.default.as_ref().map(|d| d.as_str().to_owned()),
        ));
    }
    let text = |s: &str| r(s).map(|s| remap_text(&s, &path_map));

    let (command, args, env_vars, script) = match (&t.container, &t.script) {
        (Some(c), _) => (
            c.command.clone().unwrap_or_default(),
            c.args.clone().unwrap_or_default(),
            c.env.clone().unwrap_or_default(),
            None,
        ),
        (None, Some(s)) => {
            let file = opts.run_dir.join("scripts").join(name.as_str());
            (
                s.command.clone(),
                s.args.clone(),
                s.env.clone(),
                Some((file, text(&s.source)?)),
            )
        }
        (None, None) => (Vec::new(), Vec::new(), Vec::new(), None),
    };
    let mut env_map: BTreeMap<String, String> = BTreeMap::new();
    let mut env = Vec::new();
    for e in &env_vars {
        let value = match (&e.value, secrets.get(&e.name)) {
            (_, Some(secret)) => secret.clone(),
            (Some(v), None) => expand_k8s(&text(v)?, &env_map),
            (None, None) if e.value_from.is_none() => String::new(),
            (None, None) if is_workflow_label(e) => r("{{workflow.name}}")?,
            (None, None) => continue,
        };
        env_map.insert(e.name.clone(), value.clone());
        env.push((e.name.clone(), value));
    }
    let mut words = Vec::new();
    for c in &command {
        words.push(expand_k8s(&text(c)?, &env_map));
    }
    if let Some((file, _)) = &script {
        words.push(file.to_string_lossy().into_owned());
    }
    for a in &args {
        words.push(expand_k8s(&text(a)?, &env_map));
    }
    if let Some((_, replacement)) = opts
        .program_aliases
        .iter()
        .find(|(p, _)| words.first() == Some(p))
    {
        words.splice(0..1, replacement.iter().cloned());
    }
    let pod_spec_patch = t.pod_spec_patch.as_deref().map(r).transpose()?;
    Ok(Prepared {
        argv: words,
        env,
        script,
        outputs,
        pod_spec_patch,
    })
}

/// Creates the output-parameter directories (removing stale files) and writes the script.
fn write_files(a: &Prepared) -> Result<(), TaskError> {
    for (_, path, _) in &a.outputs {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent).map_err(|source| TaskError::Prepare {
                path: parent.to_owned(),
                source,
            })?;
        }
        if path.is_file() {
            fs::remove_file(path).map_err(|source| TaskError::Prepare {
                path: path.clone(),
                source,
            })?;
        }
    }
    if let Some((file, source)) = &a.script {
        if let Some(parent) = file.parent() {
            fs::create_dir_all(parent).map_err(|source| TaskError::Prepare {
                path: parent.to_owned(),
                source,
            })?;
        }
        fs::write(file, source).map_err(|source| TaskError::Prepare {
            path: file.clone(),
            source,
        })?;
        // Executable, as in the pod (`command: [sh, -c]` runs the file itself).
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(file, fs::Permissions::from_mode(0o755)).map_err(|source| {
                TaskError::Prepare {
                    path: file.clone(),
                    source,
                }
            })?;
        }
    }
    Ok(())
}

/// At most this much of stdout is kept as `outputs.result` (the last part), as Argo's executor.
const MAX_RESULT: usize = 256 * 1024;

/// Runs the prepared attempt number `attempt` (from 1), appending to `log`; `started` is called
/// once the process runs. The process is killed at `deadline` or when `cancel` is set. With
/// `capture`, stdout is also kept and returned as `outputs.result` (less one trailing newline,
/// as `CaptureScriptResult`).
pub(crate) fn run(
    a: &Prepared,
    attempt: u32,
    log: &Path,
    opts: &RunOptions,
    deadline: Option<Instant>,
    capture: bool,
    started: &mut dyn FnMut(),
) -> Result<(Exit, Option<String>), TaskError> {
    write_files(a)?;
    let open_err = |source| TaskError::OpenLog {
        path: log.to_owned(),
        source,
    };
    let mut out: File = if attempt == 1 {
        File::create(log).map_err(open_err)?
    } else {
        let mut f = OpenOptions::new()
            .append(true)
            .create(true)
            .open(log)
            .map_err(open_err)?;
        writeln!(f, "==> argo-local: attempt {attempt} <==").map_err(open_err)?;
        f
    };
    out.flush().map_err(open_err)?;
    let err = out.try_clone().map_err(open_err)?;
    let program = a.argv.first().cloned().unwrap_or_default();
    let mut cmd = Command::new(&program);
    cmd.args(&a.argv[1..])
        .current_dir(&opts.project_dir)
        .envs(opts.env.iter().map(|(k, v)| (k, v)))
        .envs(a.env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stderr(err);
    if capture {
        cmd.stdout(Stdio::piped());
    } else {
        cmd.stdout(out.try_clone().map_err(open_err)?);
    }
    let mut child = cmd
        .spawn()
        .map_err(|source| TaskError::Spawn { program, source })?;
    drop(cmd); // closes our copies of the log handles
    started();
    // Stdout goes to the log and is kept.
    let tee = child.stdout.take().map(|mut stdout| {
        std::thread::spawn(move || {
            let mut kept = Vec::new();
            let mut buf = [0u8; 8192];
            while let Ok(n) = std::io::Read::read(&mut stdout, &mut buf) {
                if n == 0 {
                    break;
                }
                let _ = out.write_all(&buf[..n]);
                kept.extend_from_slice(&buf[..n]);
            }
            kept
        })
    });
    let exit = wait(child, deadline, opts.cancel.as_ref())?;
    let result = tee.and_then(|t| t.join().ok()).map(|b| result_text(&b));
    Ok((exit, result))
}

/// `outputs.result` from stdout: less one trailing newline, its last 256 KiB.
fn result_text(bytes: &[u8]) -> String {
    let mut text = String::from_utf8_lossy(bytes).into_owned();
    if text.ends_with('\n') {
        text.pop();
    }
    if text.len() > MAX_RESULT {
        let mut cut = text.len() - MAX_RESULT;
        while !text.is_char_boundary(cut) {
            cut += 1;
        }
        text.drain(..cut);
    }
    text
}

fn wait(
    mut child: Child,
    deadline: Option<Instant>,
    cancel: Option<&Arc<AtomicBool>>,
) -> Result<Exit, TaskError> {
    let wait_err = |source| TaskError::Wait { source };
    if deadline.is_none() && cancel.is_none() {
        let status = child.wait().map_err(wait_err)?;
        return Ok(exit(status));
    }
    loop {
        if let Some(s) = child.try_wait().map_err(wait_err)? {
            return Ok(exit(s));
        }
        if cancel.is_some_and(|f| f.load(Ordering::Relaxed)) {
            let _ = child.kill();
            let _ = child.wait();
            return Err(TaskError::Cancelled);
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            let _ = child.kill();
            let status = child.wait().map_err(wait_err)?;
            let Exit::Code { code, .. } = exit(status) else {
                return Ok(Exit::Deadline { code: 137 });
            };
            return Ok(Exit::Deadline { code });
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Reads the output parameters after a successful attempt, as `SaveParameters` in Argo's
/// executor: the file's content (or the default when it is missing) less exactly one trailing
/// newline.
pub(crate) fn read_outputs(outs: &[OutputFile]) -> Result<Vec<(String, String)>, TaskError> {
    let mut values = Vec::new();
    for (name, path, default) in outs {
        let value = match (fs::read_to_string(path), default) {
            (Ok(text), _) => text,
            (Err(_), Some(d)) => d.clone(),
            (Err(source), None) => {
                return Err(TaskError::ReadOutput {
                    parameter: name.clone(),
                    path: path.clone(),
                    source,
                });
            }
        };
        let value = value.strip_suffix('\n').map(str::to_owned).unwrap_or(value);
        values.push((name.clone(), value));
    }
    Ok(values)
}

#[cfg(unix)]
fn exit(status: ExitStatus) -> Exit {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => Exit::Code {
            code,
            killed: false,
        },
        (None, Some(sig)) => Exit::Code {
            code: 128 + sig,
            killed: sig == 9,
        },
        (None, None) => Exit::Code {
            code: -1,
            killed: false,
        },
    }
}

#[cfg(not(unix))]
fn exit(status: ExitStatus) -> Exit {
    Exit::Code {
        code: status.code().unwrap_or(-1),
        killed: false,
    }
}

/// The last `lines` lines of the file at `path` (empty if unreadable).
pub(crate) fn tail(path: &Path, lines: usize) -> String {
    let text = fs::read(path)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// Whether `env` reads the pod's workflow label (`WORKFLOW_ID` in argo-kedro's templates):
/// locally, its value is the workflow name.
pub(crate) fn is_workflow_label(env: &k8s_openapi::api::core::v1::EnvVar) -> bool {
    env.value_from
        .as_ref()
        .and_then(|from| from.field_ref.as_ref())
        .is_some_and(|field| {
            let path: String = field
                .field_path
                .chars()
                .filter(|c| *c != '"' && *c != '\'')
                .collect();
            path == "metadata.labels[workflows.argoproj.io/workflow]"
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_keeps_the_last_lines() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("log");
        fs::write(&f, "1\n2\n3\n").unwrap();
        assert_eq!(tail(&f, 2), "2\n3");
        assert_eq!(tail(&f, 10), "1\n2\n3");
        assert_eq!(tail(&dir.path().join("none"), 2), "");
    }

    #[test]
    fn save_parameters_trims_exactly_one_newline() {
        // Argo's executor `SaveParameters`: `strings.TrimSuffix(output, "\n")`.
        let dir = tempfile::tempdir().unwrap();
        let cases = [("a", "x\n\n"), ("b", "y"), ("c", "z\r\n"), ("d", "\n")];
        let mut outs = Vec::new();
        for (name, text) in cases {
            let path = dir.path().join(name);
            fs::write(&path, text).unwrap();
            outs.push((name.to_owned(), path, None));
        }
        outs.push((
            "e".into(),
            dir.path().join("missing"),
            Some("dflt\n".into()),
        ));
        let values = read_outputs(&outs).unwrap();
        let got: Vec<&str> = values.iter().map(|(_, v)| v.as_str()).collect();
        assert_eq!(got, ["x\n", "y", "z\r", "", "dflt"]);
    }
}
