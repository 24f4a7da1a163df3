//! Integration tests of argo-local: small command-line workflows run as real processes.
//! Ordering and concurrency are proven with marker files, never with sleeps.

mod conditions;
mod controller;
mod failure;
mod params;
mod plan_errors;
mod scheduling;

use std::path::{Path, PathBuf};

use argo_local::{Event, RunOptions, RunReport};
use argo_model::{Document, Workflow};

/// A project directory and a run directory inside it.
pub(crate) struct Fixture {
    pub(crate) dir: tempfile::TempDir,
}

impl Fixture {
    pub(crate) fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub(crate) fn project(&self) -> &Path {
        self.dir.path()
    }

    pub(crate) fn run_dir(&self) -> PathBuf {
        self.dir.path().join(".run")
    }

    pub(crate) fn options(&self) -> RunOptions {
        RunOptions::new(self.project(), self.run_dir())
    }

    pub(crate) fn read(&self, file: &str) -> String {
        std::fs::read_to_string(self.project().join(file)).unwrap_or_default()
    }

    pub(crate) fn exists(&self, file: &str) -> bool {
        self.project().join(file).exists()
    }
}

/// Parses one Workflow from YAML.
pub(crate) fn workflow(yaml: &str) -> Workflow {
    match Document::from_yaml_str(yaml).expect("valid YAML").remove(0) {
        Document::Workflow(wf) => *wf,
        other => panic!("not a workflow: {other:?}"),
    }
}

/// Runs `wf` and returns the report with every event.
pub(crate) fn run(wf: &Workflow, options: RunOptions) -> (RunReport, Vec<Event>) {
    let mut events = Vec::new();
    let report =
        argo_local::run(wf, options, &mut |e: &Event| events.push(e.clone())).expect("plans");
    (report, events)
}

/// The names of started tasks, in event order.
pub(crate) fn started(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::TaskStarted {
                task, attempt: 1, ..
            } => Some(task.to_string()),
            _ => None,
        })
        .collect()
}
