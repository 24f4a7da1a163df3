//! Errors of this crate: [`Error`] for operations against the cluster, [`RetryError`] for the pure
//! retry and resubmit algorithms, [`SelectorError`] for node field selectors, and [`NodesError`]
//! for `status.compressedNodes`.
//!
//! Messages describe this layer only; the cause is reached through [`std::error::Error::source`].

pub use crate::cause::ApiCause;
use crate::names::{NameError, Namespace, WorkflowName};

/// A `Result` whose error defaults to [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An operation against the Kubernetes API failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The kubeconfig could not be read or does not select a usable cluster.
    #[error("failed to load the kubeconfig{}", path_suffix(.path.as_deref()))]
    Kubeconfig {
        /// The file given explicitly, if any.
        path: Option<std::path::PathBuf>,
        /// The cause.
        #[source]
        source: kube::config::KubeconfigError,
    },
    /// Neither a kubeconfig nor an in-cluster service account was found.
    #[error("no Kubernetes configuration found (no kubeconfig, not running in a cluster)")]
    InferConfig {
        /// The cause.
        #[source]
        source: kube::config::InferConfigError,
    },
    /// The HTTP client could not be built from the configuration (TLS, proxy, auth plugin).
    #[error("failed to build the Kubernetes client")]
    BuildClient {
        /// The cause.
        #[source]
        source: ApiCause,
    },
    /// The API server rejected the credentials (401).
    #[error(
        "the cluster rejected the credentials (401 Unauthorized): log in again or check the kubeconfig user"
    )]
    Unauthorized {
        /// The cause.
        #[source]
        source: ApiCause,
    },
    /// The credentials are not allowed to do this (403).
    #[error("not allowed to {verb} {resource} in namespace `{namespace}` (403 Forbidden)")]
    Forbidden {
        /// The verb, e.g. `create`.
        verb: &'static str,
        /// The resource, e.g. `workflows.argoproj.io`.
        resource: &'static str,
        /// The namespace.
        namespace: Namespace,
        /// The cause.
        #[source]
        source: ApiCause,
    },
    /// The Argo `Workflow` CRD is not installed (404 on the collection).
    #[error(
        "the Argo Workflow CRD (workflows.argoproj.io/v1alpha1) is not installed in this cluster"
    )]
    CrdMissing {
        /// The cause.
        #[source]
        source: ApiCause,
    },
    /// The namespace does not exist.
    #[error("namespace `{namespace}` does not exist")]
    NamespaceNotFound {
        /// The namespace.
        namespace: Namespace,
        /// The cause.
        #[source]
        source: ApiCause,
    },
    /// No workflow of that name exists.
    #[error("workflow `{name}` not found in namespace `{namespace}`")]
    WorkflowNotFound {
        /// The workflow.
        name: WorkflowName,
        /// The namespace.
        namespace: Namespace,
    },
    /// No `CronWorkflow` of that name exists.
    #[error("CronWorkflow `{name}` not found in namespace `{namespace}`")]
    CronWorkflowNotFound {
        /// The `CronWorkflow`.
        name: crate::names::CronWorkflowName,
        /// The namespace.
        namespace: Namespace,
    },
    /// A workflow of that name already exists.
    #[error("workflow `{name}` already exists in namespace `{namespace}`")]
    AlreadyExists {
        /// The workflow.
        name: String,
        /// The namespace.
        namespace: Namespace,
        /// The cause.
        #[source]
        source: ApiCause,
    },
    /// A request failed for another reason (after the transient retries).
    #[error("failed to {verb} {what}")]
    Api {
        /// The verb, e.g. `get`.
        verb: &'static str,
        /// What was acted on, e.g. `workflow my-wf-abc12`.
        what: String,
        /// The cause.
        #[source]
        source: ApiCause,
    },
    /// The API server did not answer in time (after the retries that time allowed).
    #[error(
        "the API server did not answer within {} to {verb} {what}",
        crate::cause::seconds(*after)
    )]
    Timeout {
        /// The verb, e.g. `get`.
        verb: &'static str,
        /// What was acted on, e.g. `workflow my-wf-abc12`.
        what: String,
        /// The request timeout.
        after: std::time::Duration,
    },
    /// The server answered with an object that has no name.
    #[error("the server answered without metadata.{field} for the created workflow")]
    MissingField {
        /// The missing field.
        field: &'static str,
    },
    /// A name returned by the server or given by the caller is invalid.
    #[error("invalid name")]
    Name {
        /// The cause.
        #[source]
        source: NameError,
    },
    /// The retry or resubmit could not be planned on the workflow.
    #[error("cannot retry or resubmit workflow `{name}`")]
    Plan {
        /// The workflow.
        name: WorkflowName,
        /// The cause.
        #[source]
        source: RetryError,
    },
    /// A stop or terminate was asked for a completed workflow.
    #[error("cannot shut down workflow `{name}`: it is already completed (phase {phase})")]
    AlreadyCompleted {
        /// The workflow.
        name: WorkflowName,
        /// Its phase.
        phase: String,
    },
    /// The workflow kept changing under a read-modify-write.
    #[error("workflow `{name}` kept changing (409 Conflict {attempts} times); try again")]
    TooManyConflicts {
        /// The workflow.
        name: WorkflowName,
        /// Attempts made.
        attempts: u32,
    },
    /// Reading a log stream failed.
    #[error("failed to read the logs of pod `{pod}`")]
    LogStream {
        /// The pod.
        pod: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

fn path_suffix(path: Option<&std::path::Path>) -> String {
    path.map(|p| format!(" `{}`", p.display()))
        .unwrap_or_default()
}

impl Error {
    /// Whether the error says that the workflow (or `CronWorkflow`) does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(
            self,
            Self::WorkflowNotFound { .. } | Self::CronWorkflowNotFound { .. }
        )
    }

    /// Whether the API server was not reached, or did not answer in time: a network, proxy or
    /// cluster problem rather than a refusal.
    pub fn is_unreachable(&self) -> bool {
        match self {
            Self::Timeout { .. } => true,
            Self::Api { source, .. } => source.is_transport(),
            _ => false,
        }
    }
}

/// The retry or resubmit algorithm refused a workflow or found it malformed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RetryError {
    /// Only Failed or Error workflows can be retried (Succeeded only with `restart_successful` and a
    /// node selector).
    #[error("cannot retry a workflow in phase {phase}")]
    Phase {
        /// The phase (`""` when not set).
        phase: String,
    },
    /// Memoized resubmit needs a Failed or Error workflow.
    #[error("workflow must be Failed/Error to resubmit in memoized mode (phase {phase})")]
    MemoizedPhase {
        /// The phase (`""` when not set).
        phase: String,
    },
    /// The node status was offloaded to Argo's database, which only an Argo Server can read.
    #[error("offload node status is not supported")]
    Offloaded,
    /// `status.compressedNodes` could not be read.
    #[error("failed to read status.compressedNodes")]
    Nodes {
        /// The cause.
        #[source]
        source: NodesError,
    },
    /// A node has no parent and is neither the root nor an onExit node.
    #[error("node `{node}` has no parent and is not the workflow's root")]
    Orphan {
        /// The node id.
        node: String,
    },
    /// A node names a boundary that is not one of its ancestors.
    #[error("boundary `{boundary}` of node `{node}` is not among its ancestors")]
    Boundary {
        /// The node id.
        node: String,
        /// The boundary id.
        boundary: String,
    },
    /// The workflow has no name.
    #[error("the workflow has no metadata.name")]
    Unnamed,
    /// A parameter override is not `NAME=VALUE`.
    #[error("parameter override `{given}` is not NAME=VALUE")]
    Parameter {
        /// What was given.
        given: String,
    },
    /// The node field selector could not be parsed.
    #[error("invalid node field selector `{selector}`")]
    Selector {
        /// The selector.
        selector: String,
        /// The cause.
        #[source]
        source: SelectorError,
    },
    /// The workflow belongs to another controller instance than the configured one (Argo's
    /// `instanceid.Service.Validate`).
    #[error("{}", instance_message(.name, .label.as_deref(), .configured.as_deref()))]
    InstanceId {
        /// The workflow.
        name: String,
        /// Its `workflows.argoproj.io/controller-instanceid` label, if any.
        label: Option<String>,
        /// The configured instance id, if any.
        configured: Option<String>,
    },
    /// A node lists a child that is not in `status.nodes`.
    #[error("node `{node}` lists child `{child}`, which is not in status.nodes")]
    MissingChild {
        /// The node id.
        node: String,
        /// The missing child's id.
        child: String,
    },
    /// A container node of a containerSet has no Pod node above it.
    #[error("container node `{node}` has no Pod node among its ancestors")]
    NoPod {
        /// The node id.
        node: String,
    },
    /// The new workflow fails Argo's validation of a submitted workflow (`validate.Workflow`
    /// with `Submit: true`); nothing was created.
    #[error("the new workflow fails validation: {}", findings_text(.findings))]
    Invalid {
        /// What is wrong, one finding per problem.
        findings: Vec<argo_model::lint::Finding>,
    },
    /// The memoized run's name would exceed 63 characters.
    #[error("the new workflow name `{name}` is longer than 63 characters")]
    NameTooLong {
        /// The name.
        name: String,
    },
    /// The retried workflow is still too large once its nodes are compressed.
    #[error("the workflow is {size} bytes even with compressed nodes (limit {limit})")]
    TooLarge {
        /// Its size.
        size: usize,
        /// The limit.
        limit: usize,
    },
}

fn instance_message(name: &str, label: Option<&str>, configured: Option<&str>) -> String {
    match (label, configured) {
        (Some(l), Some(c)) => format!(
            "workflow `{name}` belongs to controller instance `{l}`, not to the configured `{c}`"
        ),
        (Some(l), None) => format!(
            "workflow `{name}` belongs to controller instance `{l}`, and no instance id is configured"
        ),
        (None, Some(c)) => format!(
            "workflow `{name}` has no controller instance id, but instance `{c}` is configured"
        ),
        (None, None) => format!("workflow `{name}` is not managed by this controller instance"),
    }
}

fn findings_text(findings: &[argo_model::lint::Finding]) -> String {
    let all: Vec<String> = findings.iter().map(ToString::to_string).collect();
    all.join("; ")
}

/// A node field selector could not be parsed (Kubernetes' `fields.ParseSelector` rules).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SelectorError {
    /// A term has no operator.
    #[error("term `{term}` is not field=value, field==value or field!=value")]
    Term {
        /// The term.
        term: String,
    },
    /// A backslash is followed by something other than `\`, `,` or `=` (or ends the value).
    #[error("invalid escape sequence `{sequence}` (only \\\\, \\, and \\= are escapes)")]
    Escape {
        /// The sequence.
        sequence: String,
    },
    /// A value holds a `,` or `=` without a backslash before it.
    #[error("unescaped `{character}` in a value (write \\{character})")]
    Unescaped {
        /// The character.
        character: char,
    },
}

/// `status.compressedNodes` could not be decoded or encoded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NodesError {
    /// Not base64.
    #[error("compressedNodes is not base64")]
    Base64 {
        /// The cause.
        #[source]
        source: base64::DecodeError,
    },
    /// The gzip stream is corrupt.
    #[error("compressedNodes is not a valid gzip stream")]
    Gzip {
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A compression this crate does not read.
    #[error(
        "compressedNodes uses {algorithm} compression, which this client does not read (only gzip)"
    )]
    Unsupported {
        /// `zstd` or `brotli`.
        algorithm: &'static str,
    },
    /// The decompressed JSON is not a node map.
    #[error("compressedNodes does not hold a JSON map of node statuses")]
    Json {
        /// The cause.
        #[source]
        source: serde_json::Error,
    },
    /// Compressing failed.
    #[error("failed to compress the nodes")]
    Compress {
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}
