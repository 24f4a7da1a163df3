//! Following one workflow: a stream of snapshots until it completes.

use std::time::Duration;

use argo_model::Workflow;
use futures::stream::{BoxStream, StreamExt};
use kube::api::{WatchEvent, WatchParams};

use crate::client::Client;
use crate::error::{Error, Result};
use crate::names::WorkflowName;
use crate::nodes::is_completed_phase;

/// A stream of workflow snapshots (see [`Client::watch`]).
pub type WorkflowStream = BoxStream<'static, Result<Workflow>>;

/// Consecutive watch failures tolerated before the stream reports an error.
const MAX_FAILURES: u32 = 5;

/// How long the server keeps one watch open (`timeoutSeconds`) before it is opened again.
const WATCH_SECONDS: u32 = 290;

struct State {
    client: Client,
    name: WorkflowName,
    resource_version: Option<String>,
    events: Option<BoxStream<'static, kube::Result<WatchEvent<Workflow>>>>,
    failures: u32,
    done: bool,
}

fn completed(wf: &Workflow) -> bool {
    is_completed_phase(
        wf.status
            .as_ref()
            .and_then(|s| s.phase.as_deref())
            .unwrap_or_default(),
    )
}

impl State {
    fn emit(&mut self, wf: Workflow) -> Workflow {
        self.resource_version
            .clone_from(&wf.metadata.resource_version);
        self.done = completed(&wf);
        wf
    }

    async fn next(&mut self) -> Option<Result<Workflow>> {
        loop {
            if self.done {
                return None;
            }
            let Some(rv) = self.resource_version.clone() else {
                // First snapshot, or the watch's resourceVersion expired (410): read it again.
                return match self.client.get(&self.name).await {
                    Ok(wf) => Some(Ok(self.emit(wf))),
                    Err(e) => {
                        self.done = true;
                        Some(Err(e))
                    }
                };
            };
            if self.events.is_none() {
                let wp = WatchParams::default()
                    .fields(&format!("metadata.name={}", self.name))
                    .timeout(WATCH_SECONDS);
                let api = self.client.workflows();
                match self.client.open(api.watch(&wp, &rv)).await {
                    Ok(s) => self.events = Some(s.boxed()),
                    Err(e) => {
                        if let Some(err) = self.fail(e).await {
                            return Some(Err(err));
                        }
                        continue;
                    }
                }
            }
            // The server ends a watch after its `timeoutSeconds`; one silent for longer than
            // that (and the request timeout) is dead: watch again.
            let silence =
                Duration::from_secs(u64::from(WATCH_SECONDS)) + self.client.request_timeout;
            let next = tokio::time::timeout(silence, self.events.as_mut()?.next()).await;
            let event = match next {
                Err(_) => {
                    self.events = None;
                    continue;
                }
                Ok(None) => {
                    // The server closed the watch (timeout): watch again from where we are.
                    self.events = None;
                    continue;
                }
                Ok(Some(Err(e))) => {
                    self.events = None;
                    if let Some(err) = self.fail(e).await {
                        return Some(Err(err));
                    }
                    continue;
                }
                Ok(Some(Ok(ev))) => ev,
            };
            self.failures = 0;
            match event {
                WatchEvent::Added(wf) | WatchEvent::Modified(wf) => return Some(Ok(self.emit(wf))),
                WatchEvent::Deleted(_) => {
                    self.done = true;
                    return Some(Err(Error::WorkflowNotFound {
                        name: self.name.clone(),
                        namespace: self.client.namespace.clone(),
                    }));
                }
                WatchEvent::Bookmark(b) => {
                    self.resource_version = Some(b.metadata.resource_version);
                }
                WatchEvent::Error(status) => {
                    self.events = None;
                    if status.code == 410 {
                        self.resource_version = None;
                    } else if let Some(err) = self
                        .fail(kube::Error::Api(Box::new(
                            kube::core::Status::failure(&status.message, &status.reason)
                                .with_code(status.code),
                        )))
                        .await
                    {
                        return Some(Err(err));
                    }
                }
            }
        }
    }

    async fn fail(&mut self, e: kube::Error) -> Option<Error> {
        self.failures += 1;
        if self.failures > MAX_FAILURES {
            self.done = true;
            return Some(self.client.not_found_or(e, &self.name, "watch"));
        }
        tokio::time::sleep(Duration::from_millis(200 * u64::from(self.failures))).await;
        None
    }
}

impl Client {
    /// Follows a workflow: yields its current state, then every change, and ends after the first
    /// snapshot whose phase is Succeeded, Failed or Error. If the workflow is deleted the stream
    /// yields [`Error::WorkflowNotFound`] and ends. Dropped watches are resumed from the last
    /// resourceVersion.
    ///
    /// ```no_run
    /// # async fn demo(client: argo_client::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// use futures::StreamExt;
    /// let mut snapshots = client.watch(&"my-wf-abcde".parse()?);
    /// while let Some(wf) = snapshots.next().await {
    ///     let wf = wf?;
    ///     eprintln!("{:?}", wf.status.and_then(|s| s.phase));
    /// }
    /// # Ok(()) }
    /// ```
    pub fn watch(&self, name: &WorkflowName) -> WorkflowStream {
        let state = State {
            client: self.clone(),
            name: name.clone(),
            resource_version: None,
            events: None,
            failures: 0,
            done: false,
        };
        futures::stream::unfold(state, |mut s| async move {
            let item = Box::pin(s.next()).await?;
            Some((item, s))
        })
        .boxed()
    }
}
