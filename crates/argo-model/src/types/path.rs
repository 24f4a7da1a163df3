//! JSON paths of findings, and the walk over the `extra` maps that strict lint uses.

use std::fmt;

use indexmap::IndexMap;
use serde_json::{Map, Value};

/// A path into a document, printed like `spec.templates[2].dag.tasks[0].name`.
///
/// ```
/// use argo_model::JsonPath;
/// let p = JsonPath::root().key("spec").key("templates").index(2).key("my.key");
/// assert_eq!(p.to_string(), r#"spec.templates[2]["my.key"]"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct JsonPath(String);

impl JsonPath {
    /// The empty path (the document itself).
    pub fn root() -> Self {
        Self(String::new())
    }

    /// This path followed by the object key `key`.
    #[must_use]
    pub fn key(&self, key: &str) -> Self {
        let plain = key
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        // One allocation of the final size (a clone would have to grow).
        let mut s = String::with_capacity(self.0.len() + key.len() + 5);
        s.push_str(&self.0);
        if plain {
            if !s.is_empty() {
                s.push('.');
            }
            s.push_str(key);
        } else {
            s.push('[');
            s.push_str(&Value::String(key.to_owned()).to_string());
            s.push(']');
        }
        Self(s)
    }

    /// This path followed by the array index `index`.
    #[must_use]
    pub fn index(&self, index: usize) -> Self {
        use fmt::Write as _;
        let mut s = String::with_capacity(self.0.len() + 22);
        s.push_str(&self.0);
        // Writing to a `String` cannot fail.
        let _ = write!(s, "[{index}]");
        Self(s)
    }

    /// The path as text (empty for the root).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is the root path.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A field that the Argo schema does not define, found in an `extra` map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownField {
    /// Path of the unknown field itself (its parent path plus its key).
    pub path: JsonPath,
    /// The field's key.
    pub key: String,
}

/// Walks a typed object and reports every field kept in an `extra` map (fields that Argo does not
/// define), with its path. Implemented by every generated Argo struct.
///
/// ```
/// use argo_model::{JsonPath, UnknownFields, Workflow};
/// let mut wf = Workflow::default();
/// wf.spec.extra.insert("entryPoint".into(), "main".into());
/// let found = wf.unknown_fields();
/// assert_eq!(found[0].path.to_string(), "spec.entryPoint");
/// ```
pub trait UnknownFields {
    /// Appends the unknown fields under `path` to `out`.
    fn collect_unknown(&self, path: &JsonPath, out: &mut Vec<UnknownField>);

    /// All unknown fields, with paths relative to `self`.
    fn unknown_fields(&self) -> Vec<UnknownField> {
        let mut out = Vec::new();
        self.collect_unknown(&JsonPath::root(), &mut out);
        out
    }
}

pub(crate) fn report_extra(
    extra: &Map<String, Value>,
    path: &JsonPath,
    out: &mut Vec<UnknownField>,
) {
    for key in extra.keys() {
        out.push(UnknownField {
            path: path.key(key),
            key: key.clone(),
        });
    }
}

impl<T: UnknownFields> UnknownFields for Option<T> {
    fn collect_unknown(&self, path: &JsonPath, out: &mut Vec<UnknownField>) {
        if let Some(v) = self {
            v.collect_unknown(path, out);
        }
    }
}

impl<T: UnknownFields> UnknownFields for Box<T> {
    fn collect_unknown(&self, path: &JsonPath, out: &mut Vec<UnknownField>) {
        (**self).collect_unknown(path, out);
    }
}

impl<T: UnknownFields> UnknownFields for Vec<T> {
    fn collect_unknown(&self, path: &JsonPath, out: &mut Vec<UnknownField>) {
        for (i, v) in self.iter().enumerate() {
            v.collect_unknown(&path.index(i), out);
        }
    }
}

impl<T: UnknownFields> UnknownFields for IndexMap<String, T> {
    fn collect_unknown(&self, path: &JsonPath, out: &mut Vec<UnknownField>) {
        for (k, v) in self {
            v.collect_unknown(&path.key(k), out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_print_like_jq() {
        let p = JsonPath::root()
            .key("spec")
            .key("templates")
            .index(2)
            .key("dag");
        assert_eq!(p.to_string(), "spec.templates[2].dag");
        assert_eq!(JsonPath::root().key("a b").to_string(), r#"["a b"]"#);
        assert!(JsonPath::root().is_root());
    }
}
