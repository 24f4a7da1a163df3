//! Keys that argo-kedro 0.1.41 did not have: what platform teams expect of a workflow.

use serde::{Deserialize, Serialize};

/// A pod toleration (Kubernetes `Toleration`, `snake_case` keys).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Toleration {
    /// Taint key; empty with `operator: Exists` tolerates everything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// `Equal` (default) or `Exists`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<TolerationOperator>,
    /// Taint value (for `Equal`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// `NoSchedule`, `PreferNoSchedule` or `NoExecute`; empty matches all effects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effect: Option<TaintEffect>,
    /// For `NoExecute`: how long the pod stays bound after the taint appears.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub toleration_seconds: Option<i64>,
}

impl Toleration {
    /// The toleration 0.1.41 gave GPU tasks: `nvidia.com/gpu=present:NoSchedule`.
    pub fn gpu() -> Self {
        Self {
            key: Some("nvidia.com/gpu".to_owned()),
            operator: Some(TolerationOperator::Equal),
            value: Some("present".to_owned()),
            effect: Some(TaintEffect::NoSchedule),
            toleration_seconds: None,
        }
    }
}

/// Operator of a [`Toleration`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum TolerationOperator {
    /// Key and value must match.
    Equal,
    /// The key must exist.
    Exists,
}

/// Effect of a taint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum TaintEffect {
    /// Do not schedule.
    NoSchedule,
    /// Avoid scheduling.
    PreferNoSchedule,
    /// Evict running pods.
    NoExecute,
}

/// `imagePullPolicy` of the pods.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum ImagePullPolicy {
    /// Always pull (the default, as in 0.1.41: a retried pod runs the re-pushed image).
    #[default]
    Always,
    /// Pull when the image is not on the node.
    IfNotPresent,
    /// Never pull.
    Never,
}

impl ImagePullPolicy {
    /// The Kubernetes spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Always => "Always",
            Self::IfNotPresent => "IfNotPresent",
            Self::Never => "Never",
        }
    }
}

/// When Argo retries a failed task (`retryStrategy.retryPolicy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum RetryPolicy {
    /// Any failure or error.
    Always,
    /// The main container failed.
    OnFailure,
    /// Argo or Kubernetes errors.
    OnError,
    /// Transient errors only.
    OnTransientError,
}

impl RetryPolicy {
    /// The Argo spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Always => "Always",
            Self::OnFailure => "OnFailure",
            Self::OnError => "OnError",
            Self::OnTransientError => "OnTransientError",
        }
    }
}

/// Exponential back-off between retries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Backoff {
    /// First delay, as an Argo duration string (`"30s"`, `"2m"`).
    pub duration: String,
    /// Multiplier per retry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factor: Option<u32>,
    /// Upper bound of the total retry time (`"1h"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_duration: Option<String>,
}

/// A task's retry strategy (`retry_strategy`, and each entry of `retry_overrides`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct RetryStrategy {
    /// Maximum number of retries (0: never retry).
    pub limit: u32,
    /// When to retry; Argo's default (`OnFailure`) when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_policy: Option<RetryPolicy>,
    /// Delay between retries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backoff: Option<Backoff>,
    /// An Argo expression that must hold for another attempt, over `lastRetry.status`,
    /// `lastRetry.exitCode`, `lastRetry.message` and `lastRetry.duration` (e.g. retry only pods
    /// lost to a pre-empted node). Argo evaluates it; `run-local` warns and ignores it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expression: Option<String>,
}

/// `ttl_strategy`: when Argo deletes the finished workflow object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct TtlStrategy {
    /// Seconds after the workflow completed (any phase).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seconds_after_completion: Option<u32>,
    /// Seconds after it succeeded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seconds_after_success: Option<u32>,
    /// Seconds after it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seconds_after_failure: Option<u32>,
}

/// When Argo deletes the pods of a workflow (`podGC.strategy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum PodGcStrategy {
    /// Each pod when it completes.
    OnPodCompletion,
    /// Each pod when it succeeds.
    OnPodSuccess,
    /// All pods when the workflow completes.
    OnWorkflowCompletion,
    /// All pods when the workflow succeeds.
    OnWorkflowSuccess,
}

impl PodGcStrategy {
    /// The Argo spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OnPodCompletion => "OnPodCompletion",
            Self::OnPodSuccess => "OnPodSuccess",
            Self::OnWorkflowCompletion => "OnWorkflowCompletion",
            Self::OnWorkflowSuccess => "OnWorkflowSuccess",
        }
    }
}

/// `pod_gc`: pod garbage collection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct PodGc {
    /// Strategy.
    pub strategy: PodGcStrategy,
    /// Delay before deleting a pod (`"30s"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete_delay_duration: Option<String>,
}
