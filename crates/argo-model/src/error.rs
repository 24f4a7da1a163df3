//! Errors of reading and writing Argo manifests.

/// An error reading or writing a manifest.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A YAML document could not be parsed.
    #[error("failed to parse YAML document {index}")]
    ParseYaml {
        /// Index of the document in the stream (0-based).
        index: usize,
        /// The parser's error.
        #[source]
        source: serde_norway::Error,
    },
    /// Collections nest deeper than the parser reads.
    #[error("the YAML nests deeper than {limit} levels (line {line})")]
    TooDeep {
        /// The deepest nesting read.
        limit: usize,
        /// Where the limit was passed.
        line: usize,
    },
    /// The text holds no document.
    #[error("no document: the input is empty")]
    Empty,
    /// JSON text could not be parsed.
    #[error("failed to parse JSON")]
    ParseJson {
        /// The parser's error.
        #[source]
        source: serde_json::Error,
    },
    /// A document has a known Argo kind but does not fit its type.
    #[error("document does not fit the Argo kind `{kind}`")]
    Decode {
        /// The document's `kind`.
        kind: String,
        /// The decoder's error.
        #[source]
        source: serde_json::Error,
    },
    /// A document could not be turned into a JSON value.
    #[error("failed to convert a document to a JSON value")]
    Encode {
        /// The encoder's error.
        #[source]
        source: serde_json::Error,
    },
    /// A document could not be written as YAML.
    #[error("failed to write YAML")]
    WriteYaml {
        /// The writer's error.
        #[source]
        source: WriteYamlError,
    },
    /// A document could not be written as JSON.
    #[error("failed to write JSON")]
    WriteJson {
        /// The writer's error.
        #[source]
        source: serde_json::Error,
    },
}

/// An error of [`crate::yaml::to_string`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteYamlError {
    /// A value's `Serialize` implementation failed.
    #[error("{message}")]
    Custom {
        /// Its message.
        message: String,
    },
    /// A mapping key is not a string, number, bool or char.
    #[error("a YAML mapping key must be a string, a number or a bool")]
    KeyNotScalar,
    /// Bytes have no YAML form here.
    #[error("bytes cannot be written as YAML")]
    Bytes,
}

impl serde::ser::Error for WriteYamlError {
    fn custom<T: std::fmt::Display>(message: T) -> Self {
        Self::Custom {
            message: message.to_string(),
        }
    }
}

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A `CronWorkflow` setting Argo would refuse ([`crate::cron`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CronError {
    /// A schedule robfig/cron cannot parse.
    #[error("cron schedule `{schedule}` is malformed: {reason}")]
    Schedule {
        /// The schedule as written.
        schedule: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A time zone Go's `time.LoadLocation` does not know.
    #[error("invalid timezone `{timezone}`: {reason}")]
    Timezone {
        /// The time zone as written.
        timezone: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A concurrency policy other than `Allow`, `Forbid` or `Replace`.
    #[error("`{policy}` is not a valid concurrencyPolicy (use Allow, Forbid or Replace)")]
    ConcurrencyPolicy {
        /// The policy as written.
        policy: String,
    },
}
