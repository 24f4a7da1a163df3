//! `{{...}}` tags as Argo finds and replaces them (`util/template`: fasttemplate with `{{`/`}}`,
//! `simpleReplaceStrict`, internal placeholders).

use std::borrow::Cow;
use std::hash::BuildHasher;

/// Argo's internal placeholder prefix (`template.PlaceholderPrefix`): what validation puts where
/// a value is only known at run time.
pub(crate) const PLACEHOLDER: &str = "__argo__internal__placeholder-";

/// A placeholder for `key`: the same key always gets the same placeholder (upstream numbers
/// them; only equality matters).
pub(crate) fn placeholder(key: &str) -> String {
    let hash = rustc_hash::FxBuildHasher.hash_one(key);
    format!("{PLACEHOLDER}{}", hash % 1_000_000_007)
}

/// `template.IsPlaceholder`.
pub(crate) fn is_placeholder(s: &str) -> bool {
    s.starts_with(PLACEHOLDER)
}

/// `placeholderFragmentRegex.ReplaceAllString(s, "x")` of `isValidStepName`: every placeholder
/// (prefix and digits) becomes `x`.
pub(crate) fn sanitize_placeholders(s: &str) -> Cow<'_, str> {
    if !s.contains(PLACEHOLDER) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(PLACEHOLDER) {
        let after = &rest[i + PLACEHOLDER.len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        out.push_str(&rest[..i]);
        if digits == 0 {
            out.push_str(PLACEHOLDER);
        } else {
            out.push('x');
        }
        rest = &after[digits..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// A piece of a text split the way fasttemplate splits it.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Piece<'a> {
    /// Text outside tags.
    Text(&'a str),
    /// The text between `{{` and the first `}}` after it (untrimmed; may hold `{{`).
    Tag(&'a str),
    /// A `{{` without a `}}` after it, and the rest of the text.
    Unclosed(&'a str),
}

/// The pieces of `s`, as `fasttemplate.NewTemplate(s, "{{", "}}")` parses it.
pub(crate) fn pieces(s: &str) -> Pieces<'_> {
    Pieces { rest: s }
}

/// The iterator of [`pieces`].
pub(crate) struct Pieces<'a> {
    rest: &'a str,
}

impl<'a> Iterator for Pieces<'a> {
    type Item = Piece<'a>;

    fn next(&mut self) -> Option<Piece<'a>> {
        let r = self.rest;
        if r.is_empty() {
            return None;
        }
        let Some(start) = r.find("{{") else {
            self.rest = "";
            return Some(Piece::Text(r));
        };
        if start > 0 {
            self.rest = &r[start..];
            return Some(Piece::Text(&r[..start]));
        }
        let after = &r[2..];
        let Some(end) = after.find("}}") else {
            self.rest = "";
            return Some(Piece::Unclosed(r));
        };
        self.rest = &after[end + 2..];
        Some(Piece::Tag(&after[..end]))
    }
}

/// Whether a tag is an expression (`{{=...}}`), which validation does not check (`parseTag`).
pub(crate) fn is_expression(tag: &str) -> bool {
    tag.starts_with('=')
}

/// Replaces the simple tags `value` knows, as `simpleReplaceStrict` with unresolved tags allowed:
/// a tag whose trimmed text has a value becomes the value; else, when the tag holds a nested
/// `{{` whose (untrimmed) rest has a value, `{{prefix` followed by the value (the rest of the
/// text closes it); else the tag is kept. Expressions are kept.
pub(crate) fn substitute<'s>(s: &'s str, value: &dyn Fn(&str) -> Option<String>) -> Cow<'s, str> {
    if !s.contains("{{") {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut changed = false;
    for p in pieces(s) {
        match p {
            Piece::Text(t) | Piece::Unclosed(t) => out.push_str(t),
            Piece::Tag(tag) if is_expression(tag) => {
                out.push_str("{{");
                out.push_str(tag);
                out.push_str("}}");
            }
            Piece::Tag(tag) => {
                if let Some(v) = value(tag.trim()) {
                    out.push_str(&v);
                    changed = true;
                    continue;
                }
                if let Some(i) = tag.rfind("{{").filter(|i| *i > 0)
                    && let Some(v) = value(&tag[i + 2..])
                {
                    out.push_str("{{");
                    out.push_str(&tag[..i]);
                    out.push_str(&v);
                    changed = true;
                    continue;
                }
                out.push_str("{{");
                out.push_str(tag);
                out.push_str("}}");
            }
        }
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fasttemplate_pieces() {
        assert_eq!(
            pieces("a {{ x }} b{{y}}").collect::<Vec<_>>(),
            vec![
                Piece::Text("a "),
                Piece::Tag(" x "),
                Piece::Text(" b"),
                Piece::Tag("y")
            ]
        );
        assert_eq!(
            pieces("a {{x").collect::<Vec<_>>(),
            vec![Piece::Text("a "), Piece::Unclosed("{{x")]
        );
        assert_eq!(
            pieces("{{steps.a-{{inputs.parameters.d}}.status}}").collect::<Vec<_>>(),
            vec![
                Piece::Tag("steps.a-{{inputs.parameters.d"),
                Piece::Text(".status}}")
            ]
        );
        assert_eq!(
            pieces("x }} {{").collect::<Vec<_>>(),
            vec![Piece::Text("x }} "), Piece::Unclosed("{{")]
        );
    }

    #[test]
    fn nested_tags_are_replaced_as_upstream() {
        let value = |k: &str| (k == "inputs.parameters.d").then(|| "P".to_owned());
        assert_eq!(
            substitute("{{steps.run-{{inputs.parameters.d}}.status}} == x", &value),
            "{{steps.run-P.status}} == x"
        );
        assert_eq!(
            substitute("{{ inputs.parameters.d }}/{{=a}}/{{other}}", &value),
            "P/{{=a}}/{{other}}"
        );
    }

    #[test]
    fn placeholders() {
        let p = placeholder("inputs.parameters.x");
        assert!(is_placeholder(&p));
        assert_eq!(p, placeholder("inputs.parameters.x"));
        assert_eq!(sanitize_placeholders(&format!("run-{p}-b")), "run-x-b");
    }
}
