//! Errors of lowering.

pub(super) fn findings_text(findings: &[argo_model::lint::Finding]) -> String {
    let shown: Vec<String> = findings.iter().take(5).map(ToString::to_string).collect();
    let more = findings.len().saturating_sub(5);
    let more = if more > 0 {
        format!("; and {more} more")
    } else {
        String::new()
    };
    format!("{}{more}", shown.join("; "))
}

/// Lowering a plan to a Workflow.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LowerError {
    /// A plan names an init template the configuration does not define (a plan made with
    /// another configuration).
    #[error("init template `{name}` is not defined in argo.yml")]
    UnknownTemplate {
        /// The template.
        name: String,
    },
    /// A machine type's `affinity` is not a Kubernetes `Affinity` object.
    #[error("machine_types.{machine_type}.affinity is not a Kubernetes Affinity object")]
    Affinity {
        /// The machine type.
        machine_type: String,
        /// What does not fit.
        #[source]
        source: serde_json::Error,
    },
    /// A retry policy that cannot be combined with memory escalation.
    #[error(
        "the tasks on machine type `{machine_type}` escalate on OOM kills (`on_oom`), which cannot be combined with retry policy {policy}: Argo recognises transient errors in its controller, not in a retry expression; use OnError, or Always with an `expression`"
    )]
    OomRetryPolicy {
        /// The machine type with `on_oom`.
        machine_type: String,
        /// The task's retry policy.
        policy: &'static str,
    },
    /// A Kubernetes object could not be built from the configuration.
    #[error("cannot build the {what} of the manifest")]
    Build {
        /// Which object.
        what: &'static str,
        /// What does not fit.
        #[source]
        source: serde_json::Error,
    },
    /// The manifest could not be serialised to check it.
    #[error("cannot serialise the manifest")]
    Serialize {
        /// The serialiser's error.
        #[source]
        source: argo_model::Error,
    },
    /// The manifest could not be written as text.
    #[error("cannot write the manifest as text")]
    WriteText {
        /// The writer's error.
        #[source]
        source: argo_model::Error,
    },
    /// The manifest fails strict lint or the JSON Schema; the compiler emits nothing.
    #[error("the compiled manifest fails validation ({} finding(s)): {}", findings.len(), findings_text(findings))]
    Invalid {
        /// The findings.
        findings: Vec<argo_model::lint::Finding>,
    },
}
