//! Node field selectors, as `argo retry --node-field-selector` reads them: Kubernetes'
//! `fields.ParseSelector` (k8s.io/apimachinery/pkg/fields/selector.go: `splitTerms`,
//! `splitTerm`, `UnescapeValue`) over the fields Argo's `SelectorMatchesNode`
//! (workflow/util/util.go) gives a node.

use argo_model::NodeStatus;

use crate::error::SelectorError;
use crate::nodes::{phase, template_of};

#[derive(Debug, Clone, PartialEq, Eq)]
struct Term {
    field: String,
    value: String,
    negate: bool,
}

/// A parsed node field selector, e.g. `templateName=train,phase!=Skipped`.
///
/// Terms are separated by `,` and are `field=value`, `field==value` or `field!=value`; in a
/// value, `\,`, `\=` and `\\` stand for `,`, `=` and `\`. Nothing is trimmed. A node matches when
/// every term does; a field the node lacks reads as the empty string (so `templateRef.name=`
/// matches the nodes without a `templateRef`), as in Kubernetes.
///
/// ```
/// use argo_client::NodeSelector;
/// use argo_model::NodeStatus;
///
/// let node = NodeStatus { id: "wf-1".into(), name: "wf.a,b".into(), ..NodeStatus::default() };
/// assert!(NodeSelector::parse(r"name=wf.a\,b")?.matches(&node));
/// assert!(NodeSelector::parse("displayName=,id!=wf-2")?.matches(&node));
/// assert!(NodeSelector::parse("name=wf.a,b").is_err());
/// # Ok::<(), argo_client::SelectorError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NodeSelector(Vec<Term>);

/// The operators, longest first: `=` is a prefix of `==` (`termOperators`).
const OPERATORS: [(&str, bool); 3] = [("!=", true), ("==", false), ("=", false)];

impl NodeSelector {
    /// Parses a selector as `fields.ParseSelector` does. The empty selector (or one of empty
    /// terms only) matches every node.
    ///
    /// # Errors
    /// A term without operator, or a value with an unescaped `,`/`=` or an unknown escape.
    pub fn parse(selector: &str) -> Result<Self, SelectorError> {
        let mut parts = split_terms(selector);
        parts.sort_unstable();
        let mut terms = Vec::with_capacity(parts.len());
        for part in parts.into_iter().filter(|p| !p.is_empty()) {
            let Some((field, negate, raw)) = split_term(part) else {
                return Err(SelectorError::Term {
                    term: part.to_owned(),
                });
            };
            terms.push(Term {
                field: field.to_owned(),
                value: unescape_value(raw)?,
                negate,
            });
        }
        Ok(Self(terms))
    }

    /// Whether the selector has no term (it then matches every node).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `node` matches every term (`SelectorMatchesNode`).
    pub fn matches(&self, node: &NodeStatus) -> bool {
        self.0
            .iter()
            .all(|t| (field(node, &t.field) == t.value) != t.negate)
    }
}

/// `splitTerms`: splits on the commas that no backslash escapes (the backslash is kept).
fn split_terms(selector: &str) -> Vec<&str> {
    if selector.is_empty() {
        return Vec::new();
    }
    let mut terms = Vec::new();
    let mut start = 0;
    let mut in_slash = false;
    for (i, c) in selector.char_indices() {
        if in_slash {
            in_slash = false;
        } else if c == '\\' {
            in_slash = true;
        } else if c == ',' {
            terms.push(&selector[start..i]);
            start = i + 1;
        }
    }
    terms.push(&selector[start..]);
    terms
}

/// `splitTerm`: the field, whether the operator is `!=`, and the raw value, split at the first
/// operator (fields have no escapes).
fn split_term(term: &str) -> Option<(&str, bool, &str)> {
    for (i, _) in term.char_indices() {
        let rest = &term[i..];
        for (op, negate) in OPERATORS {
            if let Some(value) = rest.strip_prefix(op) {
                return Some((&term[..i], negate, value));
            }
        }
    }
    None
}

/// `UnescapeValue`: `\\`, `\,` and `\=` are the escapes; a bare `,` or `=` is an error.
fn unescape_value(raw: &str) -> Result<String, SelectorError> {
    let mut out = String::with_capacity(raw.len());
    let mut in_slash = false;
    for c in raw.chars() {
        if in_slash {
            if !matches!(c, '\\' | ',' | '=') {
                return Err(SelectorError::Escape {
                    sequence: format!("\\{c}"),
                });
            }
            out.push(c);
            in_slash = false;
            continue;
        }
        match c {
            '\\' => in_slash = true,
            ',' | '=' => return Err(SelectorError::Unescaped { character: c }),
            _ => out.push(c),
        }
    }
    if in_slash {
        return Err(SelectorError::Escape {
            sequence: "\\".to_owned(),
        });
    }
    Ok(out)
}

/// The value of a field of `node` as `SelectorMatchesNode` sets them; `""` when absent.
fn field<'a>(node: &'a NodeStatus, key: &str) -> &'a str {
    let template_ref = node.template_ref.as_ref();
    match key {
        "id" => &node.id,
        "name" => &node.name,
        "displayName" => node.display_name.as_deref().unwrap_or_default(),
        "phase" => phase(node),
        "templateName" => template_of(node),
        "templateRef.name" => template_ref.map_or("", |r| r.name.as_str()),
        "templateRef.template" => template_ref
            .and_then(|r| r.template.as_deref())
            .unwrap_or_default(),
        _ => key
            .strip_prefix("inputs.parameters.")
            .and_then(|k| k.strip_suffix(".value"))
            .and_then(|name| {
                // Later parameters of the same name win, as in Argo's map.
                node.inputs
                    .as_ref()?
                    .parameters
                    .iter()
                    .rev()
                    .find(|p| p.name == name)
            })
            .and_then(|p| p.value.as_ref())
            .map_or("", argo_model::AnyString::as_str),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_splits_as_kubernetes() {
        assert_eq!(split_terms(r"a=b\,c,d=e"), [r"a=b\,c", "d=e"]);
        assert_eq!(split_terms(""), Vec::<&str>::new());
        assert_eq!(split_terms(","), ["", ""]);
        assert_eq!(split_term("a!=b"), Some(("a", true, "b")));
        assert_eq!(split_term("a==b"), Some(("a", false, "b")));
        assert_eq!(split_term("a=b"), Some(("a", false, "b")));
        assert_eq!(split_term("a=!b"), Some(("a", false, "!b")));
        assert_eq!(split_term("ab"), None);
        assert_eq!(unescape_value(r"x\,y\=z\\").unwrap(), r"x,y=z\");
        assert!(matches!(
            unescape_value(r"x\y"),
            Err(SelectorError::Escape { sequence }) if sequence == r"\y"
        ));
        assert!(matches!(
            unescape_value("x\\"),
            Err(SelectorError::Escape { .. })
        ));
        assert!(matches!(
            unescape_value("a=b"),
            Err(SelectorError::Unescaped { character: '=' })
        ));
    }

    #[test]
    fn nothing_is_trimmed_and_empty_terms_are_skipped() {
        let node = NodeStatus {
            id: "x".into(),
            ..NodeStatus::default()
        };
        assert!(!NodeSelector::parse(" id=x").unwrap().matches(&node));
        assert!(!NodeSelector::parse("id= x").unwrap().matches(&node));
        let commas = NodeSelector::parse(",,").unwrap();
        assert!(commas.is_empty() && commas.matches(&node));
        assert!(matches!(
            NodeSelector::parse("id"),
            Err(SelectorError::Term { term }) if term == "id"
        ));
    }
}
