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

/// A path under construction during a walk: a chain of segments on the walker's stack, turned
/// into a [`JsonPath`] only when something is reported there. Building one allocates nothing.
///
/// ```
/// use argo_model::{JsonPath, LazyPath};
/// let base = JsonPath::root().key("spec");
/// let root = LazyPath::new(&base);
/// let templates = root.key("templates");
/// let t = templates.index(2);
/// assert_eq!(t.key("my.key").to_path().to_string(), r#"spec.templates[2]["my.key"]"#);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct LazyPath<'a> {
    parent: Option<&'a LazyPath<'a>>,
    segment: Segment<'a>,
}

#[derive(Debug, Clone, Copy)]
enum Segment<'a> {
    Base(&'a JsonPath),
    Key(&'a str),
    Index(usize),
}

impl<'a> LazyPath<'a> {
    /// The walk's starting point, at `base`.
    pub fn new(base: &'a JsonPath) -> Self {
        Self {
            parent: None,
            segment: Segment::Base(base),
        }
    }

    /// This path followed by the object key `key`.
    #[must_use]
    pub fn key(&'a self, key: &'a str) -> Self {
        Self {
            parent: Some(self),
            segment: Segment::Key(key),
        }
    }

    /// This path followed by the array index `index`.
    #[must_use]
    pub fn index(&'a self, index: usize) -> Self {
        Self {
            parent: Some(self),
            segment: Segment::Index(index),
        }
    }

    /// The path as a [`JsonPath`] (allocates).
    pub fn to_path(&self) -> JsonPath {
        let mut segments = Vec::new();
        let mut cur = Some(self);
        while let Some(p) = cur {
            segments.push(p.segment);
            cur = p.parent;
        }
        let mut path = JsonPath::root();
        for segment in segments.into_iter().rev() {
            path = match segment {
                Segment::Base(base) => base.clone(),
                Segment::Key(key) => path.key(key),
                Segment::Index(index) => path.index(index),
            };
        }
        path
    }
}

/// A field that the Argo schema does not define, found in an `extra` map.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UnknownField {
    /// Path of the unknown field itself (its parent path plus its key).
    pub path: JsonPath,
    /// The field's key.
    pub key: String,
    /// The field Argo defines at this place whose name is nearest to `key` (a likely misspelling),
    /// if one is close enough.
    pub suggestion: Option<&'static str>,
}

/// Walks a typed object and reports every field kept in an `extra` map (fields that Argo does not
/// define), with its path and the nearest known field name. Implemented by every generated Argo
/// struct. Paths are built only for the fields reported, not for every object visited.
///
/// ```
/// use argo_model::{JsonPath, UnknownFields, Workflow};
/// let mut wf = Workflow::default();
/// wf.spec.extra.insert("entryPoint".into(), "main".into());
/// let found = wf.unknown_fields();
/// assert_eq!(found[0].path.to_string(), "spec.entryPoint");
/// assert_eq!(found[0].suggestion, Some("entrypoint"));
/// ```
pub trait UnknownFields {
    /// Appends the unknown fields under `path` to `out`.
    fn collect_unknown_at(&self, path: &LazyPath<'_>, out: &mut Vec<UnknownField>);

    /// Appends the unknown fields under `path` to `out`.
    fn collect_unknown(&self, path: &JsonPath, out: &mut Vec<UnknownField>) {
        self.collect_unknown_at(&LazyPath::new(path), out);
    }

    /// All unknown fields, with paths relative to `self`.
    fn unknown_fields(&self) -> Vec<UnknownField> {
        let mut out = Vec::new();
        self.collect_unknown(&JsonPath::root(), &mut out);
        out
    }
}

/// Reports every key of `extra` (fields of an object whose known fields are `known`) at `path`.
pub(crate) fn report_extra(
    extra: &Map<String, Value>,
    known: &[&'static str],
    path: &LazyPath<'_>,
    out: &mut Vec<UnknownField>,
) {
    if extra.is_empty() {
        return;
    }
    let parent = path.to_path();
    for key in extra.keys() {
        out.push(UnknownField {
            path: parent.key(key),
            key: key.clone(),
            suggestion: nearest_known(key, known),
        });
    }
}

/// Lowest similarity (normalised Damerau-Levenshtein, case-insensitive) for a suggestion.
const MIN_SIMILARITY: f64 = 0.6;

/// The known name nearest to `key`, if similar enough (the first of equally near ones).
fn nearest_known(key: &str, known: &[&'static str]) -> Option<&'static str> {
    let key = key.to_ascii_lowercase();
    let mut best: Option<(f64, &'static str)> = None;
    for &name in known {
        let score = strsim::normalized_damerau_levenshtein(&key, &name.to_ascii_lowercase());
        if score >= MIN_SIMILARITY && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, name));
        }
    }
    best.map(|(_, name)| name)
}

impl<T: UnknownFields> UnknownFields for Option<T> {
    fn collect_unknown_at(&self, path: &LazyPath<'_>, out: &mut Vec<UnknownField>) {
        if let Some(v) = self {
            v.collect_unknown_at(path, out);
        }
    }
}

impl<T: UnknownFields> UnknownFields for Box<T> {
    fn collect_unknown_at(&self, path: &LazyPath<'_>, out: &mut Vec<UnknownField>) {
        (**self).collect_unknown_at(path, out);
    }
}

impl<T: UnknownFields> UnknownFields for Vec<T> {
    fn collect_unknown_at(&self, path: &LazyPath<'_>, out: &mut Vec<UnknownField>) {
        for (i, v) in self.iter().enumerate() {
            v.collect_unknown_at(&path.index(i), out);
        }
    }
}

impl<T: UnknownFields> UnknownFields for IndexMap<String, T> {
    fn collect_unknown_at(&self, path: &LazyPath<'_>, out: &mut Vec<UnknownField>) {
        for (k, v) in self {
            v.collect_unknown_at(&path.key(k), out);
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

    #[test]
    fn lazy_paths_match_eager_ones() {
        let base = JsonPath::root().key("spec");
        let root = LazyPath::new(&base);
        let (t, i) = (root.key("templates"), 3);
        let ti = t.index(i);
        let odd = ti.key("a b");
        assert_eq!(odd.to_path(), base.key("templates").index(3).key("a b"),);
        assert_eq!(LazyPath::new(&JsonPath::root()).to_path(), JsonPath::root());
    }

    #[test]
    fn suggestions_are_near_known_names_only() {
        let known = ["entrypoint", "templates", "arguments"];
        assert_eq!(nearest_known("entryPoint", &known), Some("entrypoint"));
        assert_eq!(nearest_known("templtes", &known), Some("templates"));
        assert_eq!(nearest_known("zzz", &known), None);
        assert_eq!(nearest_known("x", &[]), None);
    }
}
