//! Retry in place and resubmit, against the cluster.

use std::hash::{BuildHasher, Hasher};

use argo_model::Workflow;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::api::{DeleteParams, PostParams};

use crate::client::{Client, retry_transient, status_code};
use crate::error::{Error, Result};
use crate::labels::check_instance_id;
use crate::names::{NodeId, PodName, WorkflowName};
use crate::ops::{Submitted, WORKFLOWS, workflow_name};
use crate::resubmit::{ResubmitOptions, plan_resubmit, validate_submit};
use crate::retry::{RetryOptions, plan_retry};

/// What [`Client::retry`] did.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RetryOutcome {
    /// The workflow as written back (boxed: a `Workflow` is large).
    pub workflow: Box<Workflow>,
    /// Nodes reset to Running.
    pub reset_nodes: Vec<NodeId>,
    /// Nodes removed (the controller re-creates them).
    pub deleted_nodes: Vec<NodeId>,
    /// Pods deleted.
    pub deleted_pods: Vec<PodName>,
    /// Pods that should have been deleted but did not exist.
    pub missing_pods: Vec<PodName>,
    /// Read-modify-write attempts (more than 1 after a 409 Conflict).
    pub attempts: u32,
}

/// The current time, as the algorithms take it.
pub(crate) fn now() -> Time {
    Time(jiff::Timestamp::now())
}

/// 5 random characters of `[a-z0-9]`, like the API server's `generateName`.
pub(crate) fn random_suffix() -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(jiff::Timestamp::now().as_nanosecond().unsigned_abs());
    let mut x = h.finish();
    (0..5)
        .map(|_| {
            let c = ALPHABET[usize::try_from(x % ALPHABET.len() as u64).unwrap_or(0)];
            x /= ALPHABET.len() as u64;
            char::from(c)
        })
        .collect()
}

impl Client {
    /// Retries the failed nodes of a Failed or Error workflow in place (Argo's `argo retry`):
    /// checks its controller instance id against [`RetryOptions::instance_id`], plans with
    /// [`plan_retry`], deletes the pods of the deleted nodes (a missing pod is fine,
    /// any other failure aborts before the workflow is written), then replaces the workflow with
    /// the resourceVersion it was read at. On a 409 Conflict it starts over (up to 5 times).
    pub async fn retry(&self, name: &WorkflowName, opts: &RetryOptions) -> Result<RetryOutcome> {
        // Boxed: the future holds `Workflow`s, which are large.
        Box::pin(self.retry_boxed(name, opts)).await
    }

    async fn retry_boxed(&self, name: &WorkflowName, opts: &RetryOptions) -> Result<RetryOutcome> {
        const ATTEMPTS: u32 = 5;
        let api = self.workflows();
        let pods = self.pods();
        let mut deleted_pods: Vec<PodName> = Vec::new();
        let mut missing_pods: Vec<PodName> = Vec::new();
        for attempt in 1..=ATTEMPTS {
            let wf = self.get(name).await?;
            check_instance_id(&wf, opts.instance_id.as_deref()).map_err(|source| Error::Plan {
                name: name.clone(),
                source,
            })?;
            let plan = plan_retry(&wf, opts, &now()).map_err(|source| Error::Plan {
                name: name.clone(),
                source,
            })?;
            let dp = DeleteParams::default();
            let results = futures::future::join_all(plan.pods_to_delete.iter().map(|pod| {
                let pods = &pods;
                let dp = &dp;
                async move {
                    let r = retry_transient(true, || pods.delete(pod.as_str(), dp)).await;
                    (pod, r)
                }
            }))
            .await;
            for (pod, r) in results {
                match r {
                    Ok(_) => {
                        if !deleted_pods.contains(pod) {
                            deleted_pods.push(pod.clone());
                        }
                    }
                    Err(e) if status_code(&e) == 404 => {
                        if !deleted_pods.contains(pod) && !missing_pods.contains(pod) {
                            missing_pods.push(pod.clone());
                        }
                    }
                    Err(e) => {
                        return Err(self.explain(e, "delete", "pods", format!("pod {pod}")));
                    }
                }
            }
            let pp = PostParams::default();
            match retry_transient(true, || api.replace(name.as_str(), &pp, &plan.workflow)).await {
                Ok(written) => {
                    return Ok(RetryOutcome {
                        workflow: Box::new(written),
                        reset_nodes: plan.reset_nodes,
                        deleted_nodes: plan.deleted_nodes,
                        deleted_pods,
                        missing_pods,
                        attempts: attempt,
                    });
                }
                Err(e) if status_code(&e) == 409 => {}
                Err(e) => return Err(self.not_found_or(e, name, "replace")),
            }
        }
        Err(Error::TooManyConflicts {
            name: name.clone(),
            attempts: ATTEMPTS,
        })
    }

    /// Submits a new run of a workflow (Argo's `argo resubmit`), memoized or not (see
    /// [`plan_resubmit`]), once it passes [`validate_submit`] (else nothing is created). A
    /// memoized run's name collision is retried with a new suffix.
    pub async fn resubmit(&self, name: &WorkflowName, opts: &ResubmitOptions) -> Result<Submitted> {
        Box::pin(self.resubmit_boxed(name, opts)).await
    }

    async fn resubmit_boxed(
        &self,
        name: &WorkflowName,
        opts: &ResubmitOptions,
    ) -> Result<Submitted> {
        let old = self.get(name).await?;
        check_instance_id(&old, opts.instance_id.as_deref()).map_err(|source| Error::Plan {
            name: name.clone(),
            source,
        })?;
        let api = self.workflows();
        let pp = PostParams::default();
        let mut last = None;
        for _ in 0..5 {
            let mut new =
                plan_resubmit(&old, opts, &random_suffix(), &now()).map_err(|source| {
                    Error::Plan {
                        name: name.clone(),
                        source,
                    }
                })?;
            new.metadata.namespace = Some(self.namespace.to_string());
            // Argo's `SubmitWorkflow`: validated before it is created.
            validate_submit(&new).map_err(|source| Error::Plan {
                name: name.clone(),
                source,
            })?;
            match retry_transient(false, || api.create(&pp, &new)).await {
                Ok(created) => {
                    return Ok(Submitted {
                        name: workflow_name(&created)?,
                        namespace: self.namespace.clone(),
                        uid: created.metadata.uid.clone().unwrap_or_default(),
                        workflow: Box::new(created),
                    });
                }
                Err(e) if opts.memoized && status_code(&e) == 409 => last = Some(e),
                Err(e) => {
                    let what = new.metadata.name.clone().unwrap_or_default();
                    return Err(self.explain(e, "create", WORKFLOWS, what));
                }
            }
        }
        let e = last.ok_or(Error::MissingField { field: "name" })?;
        Err(self.explain(e, "create", WORKFLOWS, format!("resubmit of {name}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffix_shape() {
        let s = random_suffix();
        assert_eq!(s.len(), 5);
        assert!(
            s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        );
    }
}
