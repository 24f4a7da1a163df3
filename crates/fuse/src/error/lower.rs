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
    /// A pipeline or env name that is not a plain name: it would reach custom templates' shell
    /// scripts through `{{inputs.parameters.pipeline}}` / `{{inputs.parameters.environment}}`.
    #[error(
        "the {what} name `{}` cannot be used in a workflow: only ASCII letters, digits, `_`, `-` and `.` are allowed there",
        argo_model::elide(name)
    )]
    UnsafeName {
        /// `pipeline` or `env`.
        what: &'static str,
        /// The name.
        name: String,
    },
    /// User text holding `{{`, which Argo would expand as a variable or expression.
    #[error(
        "{what} contains `{{{{`, which Argo would expand as a variable or an expression: `{}`",
        argo_model::elide(value)
    )]
    Expression {
        /// What the text is, e.g. ``the value of parameter `x` ``.
        what: String,
        /// The text.
        value: String,
    },
    /// A dataset kept in memory whose name cannot go into the memory-dataset list.
    #[error(
        "dataset `{}` of task `{task}` cannot be kept in memory: {reason}",
        argo_model::elide(dataset)
    )]
    MemoryDatasetName {
        /// The dataset.
        dataset: String,
        /// The task.
        task: String,
        /// Why.
        reason: &'static str,
    },
    /// The manifest fails strict lint or the JSON Schema; the compiler emits nothing.
    #[error("the compiled manifest fails validation ({}): {}", crate::suggest::count(findings.len(), "finding", "findings"), findings_text(findings))]
    Invalid {
        /// The findings.
        findings: Vec<argo_model::lint::Finding>,
    },
}

impl LowerError {
    /// Hints for the user, one line each.
    pub fn hints(&self) -> Vec<String> {
        match self {
            Self::UnsafeName { what, .. } => vec![format!(
                "rename the {what} (Kedro accepts any name; Argo templates need plain ones)"
            )],
            Self::MemoryDatasetName { .. } => vec![
                "rename the dataset, or declare it in the catalog so that it is persisted between tasks"
                    .into(),
            ],
            _ => Vec::new(),
        }
    }
}
