//! A client for Argo Workflows over the Kubernetes API (kube-rs): submit, get, list, watch, logs,
//! retry in place, resubmit (memoized or not), stop and terminate. No `argo` binary and no Argo
//! Server are needed: the verbs that Argo implements client-side (retry, resubmit, shutdown) are
//! ported here.
//!
//! - [`Client`]: connect with [`ConnectOptions`] (kubeconfig, context, namespace; or in-cluster),
//!   then [`Client::submit`], [`Client::get`], [`Client::list`], [`Client::watch`],
//!   [`Client::pods_of`], [`Client::logs`], [`Client::log_lines`], [`Client::retry`],
//!   [`Client::resubmit`], [`Client::stop`], [`Client::terminate`]; `CronWorkflows` with
//!   [`Client::apply_cron_workflow`], [`Client::get_cron_workflow`],
//!   [`Client::list_cron_workflows`], [`Client::delete_cron_workflow`].
//! - Pure algorithms, testable without a cluster: [`plan_retry`] (Argo's
//!   `FormulateRetryWorkflow`) and [`plan_resubmit`] (`FormulateResubmitWorkflow`), plus
//!   [`node_id`], [`pod_name`], [`hydrated_nodes`] and [`kedro_nodes`].
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use argo_client::{Client, ConnectOptions, RetryOptions, SubmitOptions};
//! use argo_model::Workflow;
//!
//! let client = Client::connect(ConnectOptions::default().namespace("argo".parse()?)).await?;
//! let wf = Workflow::with_generate_name("spaceflights-");
//! let submitted = client.submit(&wf, &SubmitOptions::default()).await?;
//! println!("{} {}", submitted.name, submitted.uid);
//! // ... later, after it failed:
//! let outcome = client.retry(&submitted.name, &RetryOptions::default()).await?;
//! println!("deleted pods: {:?}", outcome.deleted_pods);
//! # Ok(()) }
//! ```
//!
//! The pure part needs no runtime:
//!
//! ```
//! use argo_client::{RetryOptions, plan_retry};
//! use argo_model::Document;
//! use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
//!
//! let yaml = r#"
//! apiVersion: argoproj.io/v1alpha1
//! kind: Workflow
//! metadata: {name: wf}
//! spec: {entrypoint: main}
//! status:
//!   phase: Failed
//!   nodes:
//!     wf: {id: wf, name: wf, type: DAG, phase: Failed, children: [wf-1]}
//!     wf-1: {id: wf-1, name: wf.a, type: Pod, phase: Failed, templateName: a}
//! "#;
//! let Document::Workflow(wf) = Document::from_yaml_str(yaml)?.remove(0) else { unreachable!() };
//! let plan = plan_retry(&wf, &RetryOptions::default(), &Time("2024-01-01T00:00:00Z".parse()?))?;
//! assert_eq!(plan.deleted_nodes[0].as_str(), "wf-1");
//! assert_eq!(plan.reset_nodes[0].as_str(), "wf");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Kubernetes version
//!
//! This crate uses `k8s-openapi` types and, as a library, enables no Kubernetes version feature of
//! `k8s-openapi` (its rule: exactly one version, chosen by the final binary). The binary that
//! uses it adds `k8s-openapi = { version = "0.29", features = ["latest"] }` (or a pinned
//! `v1_xx` feature) to its own dependencies; without one, `k8s-openapi`'s build script stops with
//! "None of the v1_* features are enabled".
#![forbid(unsafe_code)]
#![deny(missing_docs)]

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod cause;
mod client;
mod create;
mod cron;
mod error;
mod labels;
mod logs;
mod names;
mod nodes;
mod ops;
mod params;
mod request;
mod rerun;
mod resubmit;
mod retry;
mod retry_after;
mod selector;
mod watch;

#[doc(inline)]
pub use client::{Client, ConnectOptions, DEFAULT_REQUEST_TIMEOUT};
#[doc(inline)]
pub use create::SUBMISSION_LABEL;
pub use cron::Applied;
#[doc(inline)]
pub use error::{ApiCause, Error, NodesError, Result, RetryError, SelectorError};
#[doc(inline)]
pub use labels::{INSTANCE_ID_LABEL, Identity};
#[doc(inline)]
pub use logs::{LogOptions, WorkflowPod};
#[doc(inline)]
pub use names::{CronWorkflowName, NameError, Namespace, NodeId, PodName, WorkflowName};
#[doc(inline)]
pub use nodes::{
    COMPLETED_LABEL, KEDRO_NODES_PARAMETER, NODE_ID_ANNOTATION, POD_NAME_FORMAT_ANNOTATION,
    WORKFLOW_LABEL, compress_nodes, decompress_nodes, hydrated_nodes, is_completed_phase,
    kedro_nodes, node_id, pod_name,
};
#[doc(inline)]
pub use ops::{ListOptions, Shutdown, SubmitOptions, Submitted};
#[doc(inline)]
pub use params::TaskArgument;
#[doc(inline)]
pub use rerun::{RETRY_ID_ANNOTATION, RetryOutcome};
#[doc(inline)]
pub use resubmit::{
    RESUBMITTED_FROM_LABEL, ResubmitOptions, plan_resubmit, resubmit_generate_name, validate_submit,
};
#[doc(inline)]
pub use retry::{DEFAULT_MAX_WORKFLOW_SIZE, RetryOptions, RetryPlan, plan_retry};
#[doc(inline)]
pub use selector::NodeSelector;
#[doc(inline)]
pub use watch::WorkflowStream;
