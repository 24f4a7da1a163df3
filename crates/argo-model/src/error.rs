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

/// A `CronWorkflow` setting Argo would refuse ([`crate::cron`]): `validate.go`'s wording, with
/// upstream's reason as the source.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CronError {
    /// A schedule robfig/cron cannot parse.
    #[error("cron schedule `{schedule}` is malformed")]
    Schedule {
        /// The schedule as written.
        schedule: String,
        /// Why robfig/cron refuses it.
        #[source]
        source: ParseError,
    },
    /// A time zone Go's `time.LoadLocation` does not know.
    #[error("invalid timezone `{timezone}`")]
    Timezone {
        /// The time zone as written.
        timezone: String,
        /// Why `time.LoadLocation` refuses it.
        #[source]
        source: LocationError,
    },
    /// A concurrency policy other than `Allow`, `Forbid` or `Replace`.
    #[error("`{policy}` is not a valid concurrencyPolicy (use Allow, Forbid or Replace)")]
    ConcurrencyPolicy {
        /// The policy as written.
        policy: String,
    },
}

/// Why robfig/cron v3 `ParseStandard` refuses a schedule ([`crate::cron::parse_standard`]),
/// in its words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The schedule is empty.
    #[error("empty spec string")]
    Empty,
    /// `TZ=zone` or `CRON_TZ=zone` with nothing after it (robfig/cron panics there).
    #[error("a time zone prefix must be followed by a schedule")]
    MissingSchedule,
    /// The zone of a `TZ=`/`CRON_TZ=` prefix is unknown.
    #[error("provided bad location {name}")]
    Location {
        /// The zone as written.
        name: String,
        /// Why `time.LoadLocation` refuses it.
        #[source]
        source: LocationError,
    },
    /// Not five fields (`normalizeFields`).
    #[error("expected exactly 5 fields, found {}: [{}]", fields.len(), fields.join(" "))]
    FieldCount {
        /// The fields found.
        fields: Vec<String>,
    },
    /// A range with two hyphens or more.
    #[error("too many hyphens: {expr}")]
    TooManyHyphens {
        /// The range.
        expr: String,
    },
    /// A range with two slashes or more.
    #[error("too many slashes: {expr}")]
    TooManySlashes {
        /// The range.
        expr: String,
    },
    /// A value that is neither a number nor a name of the field.
    #[error("failed to parse int from {expr}")]
    Int {
        /// The value.
        expr: String,
        /// Why Go's `strconv.Atoi` refuses it.
        #[source]
        source: AtoiError,
    },
    /// A negative number.
    #[error("negative number ({number}) not allowed: {expr}")]
    Negative {
        /// The number.
        number: i64,
        /// The value as written.
        expr: String,
    },
    /// A range that starts below the field's minimum.
    #[error("beginning of range ({start}) below minimum ({min}): {expr}")]
    BelowMinimum {
        /// Its start.
        start: u64,
        /// The field's minimum.
        min: u64,
        /// The range.
        expr: String,
    },
    /// A range that ends above the field's maximum.
    #[error("end of range ({end}) above maximum ({max}): {expr}")]
    AboveMaximum {
        /// Its end.
        end: u64,
        /// The field's maximum.
        max: u64,
        /// The range.
        expr: String,
    },
    /// A range whose start is after its end.
    #[error("beginning of range ({start}) beyond end of range ({end}): {expr}")]
    BeyondEnd {
        /// Its start.
        start: u64,
        /// Its end.
        end: u64,
        /// The range.
        expr: String,
    },
    /// A step of zero.
    #[error("step of range should be a positive number: {expr}")]
    ZeroStep {
        /// The range.
        expr: String,
    },
    /// `@every` with something other than a Go duration.
    #[error("failed to parse duration {spec}")]
    Duration {
        /// The descriptor.
        spec: String,
        /// Why `time.ParseDuration` refuses it.
        #[source]
        source: DurationError,
    },
    /// `@` and a word that is no descriptor.
    #[error("unrecognized descriptor: {spec}")]
    Descriptor {
        /// The descriptor.
        spec: String,
    },
}

/// Why Go's `strconv.Atoi` refuses a text, in its words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AtoiError {
    /// Not an optional sign and decimal digits.
    #[error("strconv.Atoi: parsing {text:?}: invalid syntax")]
    Syntax {
        /// The text.
        text: String,
    },
    /// Outside the 64-bit integers.
    #[error("strconv.Atoi: parsing {text:?}: value out of range")]
    Range {
        /// The text.
        text: String,
    },
}

/// Why Go's `time.LoadLocation` finds no zone of a name ([`crate::cron::Location::load`]), in
/// its words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LocationError {
    /// A name no IANA zone can have (with `..`, or starting with a slash).
    #[error("time: invalid location name")]
    InvalidName {
        /// The name.
        name: String,
    },
    /// A name not in the IANA time zone database (names are case-sensitive).
    #[error("unknown time zone {name}")]
    Unknown {
        /// The name.
        name: String,
    },
}

/// Why Go's `time.ParseDuration` refuses a text ([`crate::duration`]), in its words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DurationError {
    /// Not a duration, or one beyond ±2^63 nanoseconds.
    #[error("time: invalid duration {}", crate::duration::go_quote(text))]
    Invalid {
        /// The text.
        text: String,
    },
    /// A number without a unit.
    #[error("time: missing unit in duration {}", crate::duration::go_quote(text))]
    MissingUnit {
        /// The text.
        text: String,
    },
    /// A unit other than `ns`, `us`, `µs`, `ms`, `s`, `m` and `h`.
    #[error(
        "time: unknown unit {} in duration {}",
        crate::duration::go_quote(unit),
        crate::duration::go_quote(text)
    )]
    UnknownUnit {
        /// The unit.
        unit: String,
        /// The text.
        text: String,
    },
}

/// An error and its causes joined by `: `, as Go prints a wrapped error: one line, as lint
/// findings and Argo's node messages are.
///
/// ```
/// let err = argo_model::cron::check_schedule("@every 1d").unwrap_err();
/// assert_eq!(
///     argo_model::chain_message(&err),
///     r#"cron schedule `@every 1d` is malformed: failed to parse duration @every 1d: time: unknown unit "d" in duration "1d""#
/// );
/// ```
pub fn chain_message(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(e) = cause {
        text.push_str(": ");
        text.push_str(&e.to_string());
        cause = e.source();
    }
    text
}
