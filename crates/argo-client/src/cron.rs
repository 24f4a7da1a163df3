//! `CronWorkflows`: create or update in place, get, list, delete.

use argo_model::CronWorkflow;
use kube::api::{DeleteParams, ListParams, PostParams};

use crate::client::Client;
use crate::error::{Error, Result};
use crate::names::CronWorkflowName;
use crate::ops::ListOptions;
use crate::request::{Kind, status_code};

const CRON_WORKFLOWS: &str = "cronworkflows.argoproj.io";

/// What [`Client::apply_cron_workflow`] did.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Applied {
    /// Whether the `CronWorkflow` was created (else an existing one was updated in place).
    pub created: bool,
    /// The object as the server returned it (boxed: it holds a whole workflow spec).
    pub cron_workflow: Box<CronWorkflow>,
}

fn is_not_found(e: &kube::Error) -> bool {
    status_code(e) == 404 && matches!(e, kube::Error::Api(s) if s.reason == "NotFound")
}

impl Client {
    pub(crate) fn cron_workflows(&self) -> kube::Api<CronWorkflow> {
        kube::Api::namespaced(self.kube.clone(), self.namespace.as_str())
    }

    fn cron_error(&self, e: kube::Error, name: &CronWorkflowName, verb: &'static str) -> Error {
        if is_not_found(&e) {
            return Error::CronWorkflowNotFound {
                name: name.clone(),
                namespace: self.namespace.clone(),
            };
        }
        self.explain(e, verb, CRON_WORKFLOWS, format!("CronWorkflow {name}"))
    }

    /// Reads a `CronWorkflow`; `None` when there is none of that name.
    pub async fn get_cron_workflow(&self, name: &CronWorkflowName) -> Result<Option<CronWorkflow>> {
        let api = self.cron_workflows();
        match self.send(Kind::Idempotent, || api.get(name.as_str())).await {
            Ok(c) => Ok(Some(c)),
            Err(e) if is_not_found(&e) => Ok(None),
            Err(e) => Err(self.cron_error(e, name, "get")),
        }
    }

    /// Lists `CronWorkflows`, by name.
    pub async fn list_cron_workflows(&self, opts: &ListOptions) -> Result<Vec<CronWorkflow>> {
        let mut lp = ListParams::default();
        if let Some(s) = &opts.label_selector {
            lp = lp.labels(s);
        }
        let api = self.cron_workflows();
        let list = self
            .send(Kind::Idempotent, || api.list(&lp))
            .await
            .map_err(|e| self.explain(e, "list", CRON_WORKFLOWS, "CronWorkflows".into()))?;
        let mut items = list.items;
        items.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
        Ok(items)
    }

    /// Creates `cron` in this client's namespace, or, when one of its name exists, replaces
    /// that one's metadata labels and annotations and its spec in place (its status, such as
    /// the last scheduled time, is kept). A 409 Conflict starts over (up to 5 times).
    pub async fn apply_cron_workflow(&self, cron: &CronWorkflow) -> Result<Applied> {
        Box::pin(self.apply_boxed(cron, false)).await
    }

    /// [`Client::apply_cron_workflow`] as a server-side dry run (`dryRun=All`): the API server
    /// authenticates, authorises, validates and answers as it would, and writes nothing. What
    /// a command runs before it builds anything.
    pub async fn check_apply_cron_workflow(&self, cron: &CronWorkflow) -> Result<Applied> {
        Box::pin(self.apply_boxed(cron, true)).await
    }

    async fn apply_boxed(&self, cron: &CronWorkflow, dry_run: bool) -> Result<Applied> {
        const ATTEMPTS: u32 = 5;
        let name = CronWorkflowName::new(cron.metadata.name.clone().unwrap_or_default())
            .map_err(|source| Error::Name { source })?;
        let mut cron = cron.clone();
        cron.metadata.namespace = Some(self.namespace.to_string());
        let api = self.cron_workflows();
        let pp = PostParams {
            dry_run,
            ..PostParams::default()
        };
        // A dry run changes nothing: it is retried as a read is.
        let create = if dry_run {
            Kind::Idempotent
        } else {
            Kind::Create
        };
        for _ in 0..ATTEMPTS {
            let result = match self.get_cron_workflow(&name).await? {
                None => self
                    .send(create, || api.create(&pp, &cron))
                    .await
                    .map(|c| (true, c)),
                Some(old) => {
                    let mut new = old.clone();
                    new.metadata.labels.clone_from(&cron.metadata.labels);
                    new.metadata
                        .annotations
                        .clone_from(&cron.metadata.annotations);
                    new.spec = cron.spec.clone();
                    self.send(Kind::Idempotent, || api.replace(name.as_str(), &pp, &new))
                        .await
                        .map(|c| (false, c))
                }
            };
            match result {
                Ok((created, c)) => {
                    return Ok(Applied {
                        created,
                        cron_workflow: Box::new(c),
                    });
                }
                // Created or changed meanwhile: read it again.
                Err(e) if status_code(&e) == 409 => {}
                Err(e) => return Err(self.cron_error(e, &name, "write")),
            }
        }
        Err(Error::TooManyConflicts {
            name: crate::names::WorkflowName::new(name.as_str())
                .map_err(|source| Error::Name { source })?,
            attempts: ATTEMPTS,
        })
    }

    /// Deletes a `CronWorkflow` (the workflows it started stay).
    pub async fn delete_cron_workflow(&self, name: &CronWorkflowName) -> Result<()> {
        let api = self.cron_workflows();
        let dp = DeleteParams::default();
        self.send(Kind::Idempotent, || api.delete(name.as_str(), &dp))
            .await
            .map(|_| ())
            .map_err(|e| self.cron_error(e, name, "delete"))
    }
}
