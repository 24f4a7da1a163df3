//! Errors of reading `argo.yml` and of name newtypes.

use crate::suggest;

fn nearest_key(nearest: Option<&String>) -> String {
    nearest.map_or_else(String::new, |n| format!(" (nearest valid key: `{n}`)"))
}

/// Reading and checking `argo.yml`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The IR carries no `argo.yml` for this Kedro env (`config: null`).
    #[error("the project has no argo.yml for this Kedro env")]
    Missing,
    /// The text is not YAML.
    #[error("argo.yml is not valid YAML")]
    Yaml {
        /// The parser's error.
        #[source]
        source: argo_model::Error,
    },
    /// A key that no version of argo.yml has.
    #[error("unknown key `{}` in argo.yml{}", argo_model::elide(path), nearest_key(nearest.as_ref()))]
    UnknownKey {
        /// Full path of the key (`machine_types.gpu.num_gpus`).
        path: String,
        /// The valid key at that place closest to it.
        nearest: Option<String>,
    },
    /// A value of the wrong type or a missing required key.
    #[error("invalid argo.yml at `{path}`")]
    Invalid {
        /// Path of the value (`.` for the root).
        path: String,
        /// What serde found wrong.
        #[source]
        source: serde_json::Error,
    },
    /// A machine type name (`default_machine_type`, a node's or a group's) that is not defined.
    #[error(
        "unknown machine type `{}`; nearest defined: {}",
        argo_model::elide(name),
        suggest::list(nearest)
    )]
    UnknownMachineType {
        /// The name used.
        name: String,
        /// The closest names in `machine_types`.
        nearest: Vec<String>,
    },
    /// A template name that is not defined.
    #[error(
        "unknown template `{name}` at `{key}`; nearest defined: {}",
        suggest::list(nearest)
    )]
    UnknownTemplate {
        /// Where the name was read (`template.init_templates[0]`, or a node or group).
        key: String,
        /// The name used.
        name: String,
        /// The closest template names.
        nearest: Vec<String>,
    },
    /// Two custom templates with one name.
    #[error("custom template `{name}` is defined twice in template.templates")]
    DuplicateTemplate {
        /// The repeated name.
        name: String,
    },
    /// A value the Kubernetes API server (or the container runtime) would refuse.
    #[error(
        "`{path}` in argo.yml is not {rule}: `{}`{}",
        argo_model::elide(value),
        nearest.as_ref().map(|n| format!("; nearest valid: `{n}`")).unwrap_or_default()
    )]
    InvalidValue {
        /// Path of the value (`namespace`, `template.environment[0].name`).
        path: String,
        /// The value.
        value: String,
        /// The rule it breaks.
        rule: crate::config::ValueRule,
        /// The nearest value that satisfies the rule, when there is one.
        nearest: Option<String>,
    },
    /// An `on_oom` that names no machine type.
    #[error(
        "unknown machine type `{name}` at `machine_types.{machine_type}.on_oom`; nearest defined: {}",
        suggest::list(nearest)
    )]
    OnOomUnknown {
        /// The machine type whose `on_oom` it is.
        machine_type: String,
        /// The name used.
        name: String,
        /// The closest names in `machine_types`.
        nearest: Vec<String>,
    },
    /// `on_oom` chains that come back to a machine type.
    #[error(
        "the `on_oom` of machine_types make a cycle: {}; a memory ladder must end at a machine type without `on_oom`",
        cycle.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(" -> ")
    )]
    OnOomCycle {
        /// The machine types of the cycle, the first one again at the end.
        cycle: Vec<String>,
    },
    /// An `on_oom` whose machine type has no more memory.
    #[error(
        "`machine_types.{machine_type}.on_oom` is `{name}`, which has {next_mem} GiB of memory, not more than the {mem} GiB of `{machine_type}`"
    )]
    OnOomNotBigger {
        /// The machine type whose `on_oom` it is.
        machine_type: String,
        /// Its memory, GiB.
        mem: u32,
        /// The machine type named.
        name: String,
        /// That one's memory, GiB.
        next_mem: u32,
    },
    /// `schedule` has a cron expression or a time zone Argo would refuse.
    #[error("invalid `schedule` in argo.yml")]
    Schedule {
        /// What is wrong.
        #[source]
        source: crate::error::ScheduleError,
    },
    /// An environment variable with both or neither of `value` and `secret_ref`.
    #[error(
        "environment variable `{name}` at `{path}` needs exactly one of `value` and `secret_ref`"
    )]
    EnvVar {
        /// Path of the entry.
        path: String,
        /// The variable's name.
        name: String,
    },
}

/// A string that is not a valid task or template name (see [`crate::names`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid task or template name `{name}`: it must be lowercase letters, digits and `-`, \
     start with a letter, not end with `-`, and be at most 63 characters"
)]
pub struct InvalidArgoName {
    /// The rejected text.
    pub name: String,
}
