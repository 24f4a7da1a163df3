//! Running one leaf task: rendering its command for each attempt, its process, its retries,
//! its log and its output parameters. Runs on a worker thread; reports through a channel.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::Ordering;
use std::sync::mpsc::Sender;
use std::sync::{Arc, atomic::AtomicBool};
use std::time::{Duration, Instant};

use argo_model::{RetryStrategy, Template};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::error::TaskError;
use crate::retry::{backoff_delay, parse_duration};
use crate::subst::{expand_k8s, remap_path, remap_text, render};
use crate::{RunOptions, TaskName, TaskStatus};

/// Everything a worker needs to run one task.
pub(crate) struct Job {
    pub(crate) node: usize,
    pub(crate) name: TaskName,
    pub(crate) template: Template,
    /// Every `{{tag}}` value except `retries`.
    pub(crate) vars: BTreeMap<String, String>,
    /// Secret env values by env var name.
    pub(crate) secrets: BTreeMap<String, String>,
    pub(crate) options: Arc<RunOptions>,
}

/// What a worker reports.
pub(crate) enum Msg {
    Started {
        node: usize,
        attempt: u32,
        log: PathBuf,
    },
    Retrying {
        node: usize,
        attempt: u32,
        exit_code: Option<i32>,
        delay: Duration,
    },
    Finished(Box<Finished>),
}

/// The end of a task.
pub(crate) struct Finished {
    pub(crate) node: usize,
    pub(crate) status: TaskStatus,
    pub(crate) attempts: u32,
    pub(crate) exit_code: Option<i32>,
    pub(crate) duration: Duration,
    pub(crate) log: PathBuf,
    pub(crate) log_tail: Option<String>,
    pub(crate) error: Option<TaskError>,
    pub(crate) outputs: Vec<(String, String)>,
}

/// One attempt, rendered.
struct Attempt {
    argv: Vec<String>,
    env: Vec<(String, String)>,
    script: Option<(PathBuf, String)>,
    /// Output parameters: name, local path, default.
    outputs: Vec<(String, PathBuf, Option<String>)>,
}

/// How one attempt ended.
enum Outcome {
    Exited(i32),
    Error(TaskError),
}

pub(crate) fn run_job(job: &Job, tx: &Sender<Msg>) {
    let opts = &job.options;
    let log = opts.run_dir.join("logs").join(format!("{}.log", job.name));
    let start = Instant::now();
    let retry = job.template.retry_strategy.clone().unwrap_or_default();
    let policy = retry
        .retry_policy
        .clone()
        .unwrap_or_else(|| "OnFailure".into());
    let mut attempt = 0;
    let (status, exit_code, error, outputs) = loop {
        attempt += 1;
        let (outcome, outputs) = match run_attempt(job, attempt, &log, tx) {
            Ok((code, _)) if code != 0 => (Outcome::Exited(code), Vec::new()),
            Ok((code, files)) => match read_outputs(&files) {
                Ok(values) => break (TaskStatus::Succeeded, Some(code), None, values),
                Err(e) => (Outcome::Error(e), Vec::new()),
            },
            Err(e) => (Outcome::Error(e), Vec::new()),
        };
        let (status, code, error) = match outcome {
            Outcome::Exited(code) => (TaskStatus::Failed, Some(code), None),
            Outcome::Error(e) => (TaskStatus::Errored, None, Some(e)),
        };
        let limit = match retry_limit(&retry, job, attempt) {
            Ok(l) => l,
            Err(e) => break (TaskStatus::Errored, code, Some(e), outputs),
        };
        let retryable = match policy.as_str() {
            "Always" => true,
            "OnError" | "OnTransientError" => status == TaskStatus::Errored,
            _ => status == TaskStatus::Failed,
        };
        let cancelled =
            is_cancelled(opts.cancel.as_ref()) || matches!(error, Some(TaskError::Cancelled));
        if !retryable || attempt > limit || cancelled {
            break (status, code, error, outputs);
        }
        let delay = if opts.backoff {
            backoff_delay(&retry, attempt)
        } else {
            Duration::ZERO
        };
        let max = retry
            .backoff
            .as_ref()
            .and_then(|b| b.max_duration.as_deref())
            .and_then(parse_duration);
        if max.is_some_and(|m| start.elapsed() + delay > m) {
            break (status, code, error, outputs);
        }
        let _ = tx.send(Msg::Retrying {
            node: job.node,
            attempt,
            exit_code: code,
            delay,
        });
        sleep_unless_cancelled(delay, opts.cancel.as_ref());
    };
    let log_tail = status.is_failure().then(|| tail(&log, opts.log_tail_lines));
    let _ = tx.send(Msg::Finished(Box::new(Finished {
        node: job.node,
        status,
        attempts: attempt,
        exit_code,
        duration: start.elapsed(),
        log,
        log_tail,
        error,
        outputs,
    })));
}

fn retry_limit(retry: &RetryStrategy, job: &Job, attempt: u32) -> Result<u32, TaskError> {
    match &retry.limit {
        None => Ok(0),
        Some(IntOrString::Int(i)) => Ok(u32::try_from(*i).unwrap_or(0)),
        Some(IntOrString::String(s)) => {
            let text = render_vars(s, job, attempt)?;
            text.trim()
                .parse()
                .map_err(|_| TaskError::InvalidRetryLimit { value: text })
        }
    }
}

fn render_vars(text: &str, job: &Job, attempt: u32) -> Result<String, TaskError> {
    let retries = (attempt - 1).to_string();
    render(text, &|tag| {
        if tag == "retries" {
            Some(retries.clone())
        } else {
            job.vars.get(tag).cloned()
        }
    })
    .map_err(|u| TaskError::Unresolved { variable: u.0 })
}

/// Renders the command of `attempt` (see the crate docs for the rules).
fn prepare(job: &Job, attempt: u32) -> Result<Attempt, TaskError> {
    let t = &job.template;
    let opts = &job.options;
    let r = |s: &str| render_vars(s, job, attempt);
    let out_dir = opts.run_dir.join("outputs").join(job.name.as_str());
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
            let file = opts.run_dir.join("scripts").join(job.name.as_str());
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
        let value = match (&e.value, job.secrets.get(&e.name)) {
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
    Ok(Attempt {
        argv: words,
        env,
        script,
        outputs,
    })
}

type AttemptResult = Result<(i32, Vec<(String, PathBuf, Option<String>)>), TaskError>;

fn run_attempt(job: &Job, attempt: u32, log: &Path, tx: &Sender<Msg>) -> AttemptResult {
    let opts = &job.options;
    let a = prepare(job, attempt)?;
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
    }
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
        .stdout(out)
        .stderr(err);
    let mut child = cmd
        .spawn()
        .map_err(|source| TaskError::Spawn { program, source })?;
    drop(cmd); // closes our copies of the log handles
    let _ = tx.send(Msg::Started {
        node: job.node,
        attempt,
        log: log.to_owned(),
    });
    let status = match &opts.cancel {
        None => child.wait().map_err(|source| TaskError::Wait { source })?,
        Some(flag) => loop {
            if let Some(s) = child
                .try_wait()
                .map_err(|source| TaskError::Wait { source })?
            {
                break s;
            }
            if flag.load(Ordering::Relaxed) {
                let _ = child.kill();
                let _ = child.wait();
                return Err(TaskError::Cancelled);
            }
            std::thread::sleep(Duration::from_millis(20));
        },
    };
    Ok((exit_code(status), a.outputs))
}

fn read_outputs(
    outs: &[(String, PathBuf, Option<String>)],
) -> Result<Vec<(String, String)>, TaskError> {
    let mut values = Vec::new();
    for (name, path, default) in outs {
        let value = match (fs::read_to_string(path), default) {
            (Ok(text), _) => text.trim_end_matches(['\n', '\r']).to_owned(),
            (Err(_), Some(d)) => d.clone(),
            (Err(source), None) => {
                return Err(TaskError::ReadOutput {
                    parameter: name.clone(),
                    path: path.clone(),
                    source,
                });
            }
        };
        values.push((name.clone(), value));
    }
    Ok(values)
}

#[cfg(unix)]
fn exit_code(status: ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    status
        .code()
        .or_else(|| status.signal().map(|s| 128 + s))
        .unwrap_or(-1)
}

#[cfg(not(unix))]
fn exit_code(status: ExitStatus) -> i32 {
    status.code().unwrap_or(-1)
}

/// The last `lines` lines of the file at `path` (empty if unreadable).
pub(crate) fn tail(path: &Path, lines: usize) -> String {
    let text = fs::read(path)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

fn is_cancelled(flag: Option<&Arc<AtomicBool>>) -> bool {
    flag.is_some_and(|f| f.load(Ordering::Relaxed))
}

fn sleep_unless_cancelled(delay: Duration, flag: Option<&Arc<AtomicBool>>) {
    let end = Instant::now() + delay;
    while Instant::now() < end && !is_cancelled(flag) {
        std::thread::sleep((end - Instant::now()).min(Duration::from_millis(50)));
    }
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
}
