//! YAML that YAML 1.1 and YAML 1.2 readers read alike.
//!
//! kubectl and the argo CLI read manifests with go-yaml (YAML 1.1 rules), PyYAML does too, and
//! YAML 1.2 readers use other rules: a plain `yes`, `on`, `1_000`, `017`, `1:30`, `2024-01-01`,
//! `=` or `<<` is a string to one and a bool, number, date, merge key or an error to another.
//! [`to_string`] writes block-style YAML in which every such string is quoted
//! ([`is_ambiguous`] lists the readers and their rules), so that every reader loads exactly the
//! JSON that `serde_json` writes for the same value. Numbers, bools and null are written plainly
//! in forms all of them read alike (`1.0e+16`, not `1e16`).
//!
//! The layout is libyaml's, as `serde_norway` wrote it (two-space indent, sequences in mappings not
//! indented, literal blocks for multi-line strings, no line folding): where no quoting is needed
//! the text is byte for byte what `serde_norway` wrote.
//!
//! ```
//! use serde_json::json;
//! let value = json!({"env": [{"name": "DEBUG", "value": "on"}, {"name": "COUNT", "value": "1_000"}]});
//! assert_eq!(
//!     argo_model::yaml::to_string(&value)?,
//!     "env:\n- name: DEBUG\n  value: 'on'\n- name: COUNT\n  value: '1_000'\n"
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod emit;
mod key;
mod resolve;
mod scalar;
mod ser;
#[cfg(test)]
mod tests;

use serde::Serialize;

pub use crate::error::WriteYamlError;
pub use resolve::{Implicit, go_yaml, is_ambiguous, pyyaml, yaml12_core};

/// Writes `value` as one YAML document (block style, ending in a line break, no `---`).
///
/// Enum variants with data are written as `serde_json` writes them (`{Variant: value}`); mapping
/// keys are written as the strings JSON has for them.
pub fn to_string<T: ?Sized + Serialize>(value: &T) -> Result<String, WriteYamlError> {
    let mut serializer = ser::Serializer {
        emitter: emit::Emitter::new(),
    };
    value.serialize(&mut serializer)?;
    Ok(serializer.emitter.finish())
}
