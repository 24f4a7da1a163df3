//! Pods of a workflow and their logs.

use futures::AsyncBufReadExt;
use futures::stream::{BoxStream, StreamExt, TryStreamExt};
use kube::api::{ListParams, LogParams};

use crate::client::Client;
use crate::error::{Error, Result};
use crate::names::{NodeId, PodName, WorkflowName};
use crate::nodes::{NODE_ID_ANNOTATION, WORKFLOW_LABEL};
use crate::request::Kind;

/// A pod of a workflow, found by the workflow label.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WorkflowPod {
    /// The pod.
    pub pod: PodName,
    /// Its node (the `workflows.argoproj.io/node-id` annotation).
    pub node_id: Option<NodeId>,
    /// The pod phase.
    pub phase: Option<String>,
}

/// Options of [`Client::logs`] and [`Client::log_lines`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LogOptions {
    /// The container (default `main`, the user's container in an Argo pod).
    pub container: String,
    /// Only the last lines.
    pub tail_lines: Option<i64>,
    /// Keep streaming while the container runs.
    pub follow: bool,
}

impl Default for LogOptions {
    fn default() -> Self {
        Self {
            container: "main".into(),
            tail_lines: None,
            follow: false,
        }
    }
}

impl LogOptions {
    /// Reads another container than `main`.
    #[must_use]
    pub fn container(mut self, container: impl Into<String>) -> Self {
        self.container = container.into();
        self
    }

    /// Only the last `lines` lines.
    #[must_use]
    pub fn tail_lines(mut self, lines: i64) -> Self {
        self.tail_lines = Some(lines);
        self
    }

    /// Follows the log.
    #[must_use]
    pub fn follow(mut self, follow: bool) -> Self {
        self.follow = follow;
        self
    }
}

impl Client {
    /// The pods of a workflow (label `workflows.argoproj.io/workflow=<name>`), by name.
    pub async fn pods_of(&self, name: &WorkflowName) -> Result<Vec<WorkflowPod>> {
        let lp = ListParams::default().labels(&format!("{WORKFLOW_LABEL}={name}"));
        let api = self.pods();
        let list = self
            .send(Kind::Idempotent, || api.list(&lp))
            .await
            .map_err(|e| self.explain(e, "list", "pods", format!("pods of {name}")))?;
        let mut out: Vec<WorkflowPod> = list
            .items
            .into_iter()
            .filter_map(|p| {
                let pod = PodName::new(p.metadata.name?).ok()?;
                let node_id = p
                    .metadata
                    .annotations
                    .as_ref()
                    .and_then(|a| a.get(NODE_ID_ANNOTATION))
                    .and_then(|v| NodeId::new(v.clone()).ok());
                Some(WorkflowPod {
                    pod,
                    node_id,
                    phase: p.status.and_then(|s| s.phase),
                })
            })
            .collect();
        out.sort_by(|a, b| a.pod.cmp(&b.pod));
        Ok(out)
    }

    fn log_params(opts: &LogOptions) -> LogParams {
        LogParams {
            container: Some(opts.container.clone()),
            tail_lines: opts.tail_lines,
            follow: opts.follow,
            ..LogParams::default()
        }
    }

    /// The whole log of a pod's container (`follow` is ignored).
    pub async fn logs(&self, pod: &PodName, opts: &LogOptions) -> Result<String> {
        let lp = LogParams {
            follow: false,
            ..Self::log_params(opts)
        };
        let api = self.pods();
        self.send(Kind::Idempotent, || api.logs(pod.as_str(), &lp))
            .await
            .map_err(|e| self.explain(e, "read logs of", "pods", format!("pod {pod}")))
    }

    /// A pod's log line by line; with `follow`, until the container ends.
    pub async fn log_lines(
        &self,
        pod: &PodName,
        opts: &LogOptions,
    ) -> Result<BoxStream<'static, Result<String>>> {
        let lp = Self::log_params(opts);
        let api = self.pods();
        let reader = self
            .open(api.log_stream(pod.as_str(), &lp))
            .await
            .map_err(|e| self.explain(e, "read logs of", "pods", format!("pod {pod}")))?;
        let pod = pod.clone();
        Ok(reader
            .lines()
            .map_err(move |source| Error::LogStream {
                pod: pod.to_string(),
                source,
            })
            .boxed())
    }
}
