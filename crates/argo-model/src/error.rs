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
        source: serde_norway::Error,
    },
    /// A document could not be written as JSON.
    #[error("failed to write JSON")]
    WriteJson {
        /// The writer's error.
        #[source]
        source: serde_json::Error,
    },
}

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
