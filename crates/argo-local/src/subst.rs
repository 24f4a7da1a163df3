//! Text substitution: Argo's `{{variable}}` tags, Kubernetes' `$(VAR)` references and the
//! remapping of output-parameter paths into the run directory.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Why a `{{...}}` tag could not be replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unresolved(pub(crate) String);

/// A `{{...}}` tag: a simple `{{ name }}` (trimmed) or an expression `{{=expr}}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tag<'a> {
    Simple(&'a str),
    Expression(&'a str),
}

impl Tag<'_> {
    /// The tag as written between the braces (an expression with its `=`).
    pub(crate) fn text(&self) -> String {
        match self {
            Tag::Simple(name) => (*name).to_owned(),
            Tag::Expression(e) => format!("={e}"),
        }
    }
}

fn tag_of(inner: &str) -> Tag<'_> {
    match inner.strip_prefix('=') {
        Some(expr) => Tag::Expression(expr),
        None => Tag::Simple(inner.trim()),
    }
}

/// Replaces each `{{...}}` tag of `text` with `f(tag)`; a tag for which `f` returns `None` is
/// kept as written. An unclosed `{{` is text.
pub(crate) fn replace_tags<E>(
    text: &str,
    f: &mut dyn FnMut(Tag<'_>) -> Result<Option<String>, E>,
) -> Result<String, E> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start + 2..].find("}}") else {
            break;
        };
        out.push_str(&rest[..start]);
        let whole = &rest[start..start + len + 4];
        match f(tag_of(&rest[start + 2..start + 2 + len]))? {
            Some(value) => out.push_str(&value),
            None => out.push_str(whole),
        }
        rest = &rest[start + len + 4..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Replaces every `{{ name }}` tag in `text` with `lookup(name)` (the name is trimmed, as Argo
/// does) and every `{{=expr}}` tag with the value of the expression over `lookup`. The first
/// tag that does not resolve is returned as the error.
pub(crate) fn render(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<String, Unresolved> {
    replace_tags(text, &mut |tag| match tag {
        Tag::Simple(name) => lookup(name)
            .map(Some)
            .ok_or_else(|| Unresolved(name.to_owned())),
        Tag::Expression(e) => crate::expr::Expr::new(e, &|v| lookup(v).is_some())
            .and_then(|x| x.eval(lookup))
            .map(|v| Some(v.to_string()))
            .map_err(|_| Unresolved(tag.text())),
    })
}

/// Every `{{...}}` tag in `text`, in order.
pub(crate) fn tags(text: &str) -> Vec<Tag<'_>> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start + 2..].find("}}") else {
            break;
        };
        found.push(tag_of(&rest[start + 2..start + 2 + len]));
        rest = &rest[start + 2 + len + 2..];
    }
    found
}

/// Expands Kubernetes `$(NAME)` references with `vars`; `$$` becomes `$`; unknown names are kept
/// verbatim, as the kubelet does.
pub(crate) fn expand_k8s(text: &str, vars: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some(body) = after.strip_prefix('(')
            && let Some(end) = body.find(')')
            && let Some(value) = vars.get(&body[..end])
        {
            out.push_str(value);
            rest = &body[end + 1..];
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// Where an absolute in-container path lands on this machine: `<outputs_dir>/<path without its
/// leading '/'>`. Relative paths are relative to the working directory and stay as they are.
pub(crate) fn remap_path(outputs_dir: &Path, path: &str) -> PathBuf {
    match path.strip_prefix('/') {
        Some(rel) => outputs_dir.join(rel),
        None => PathBuf::from(path),
    }
}

/// Replaces each whole occurrence of an absolute path in `map` with its local path, in one pass
/// (longest path first), so a replacement is never replaced again. An occurrence counts only if
/// it is not part of a longer path: the character before it is not a file-name character or `/`,
/// and the character after it is not a file-name character.
pub(crate) fn remap_text(text: &str, map: &[(String, String)]) -> String {
    if map.is_empty() {
        return text.to_owned();
    }
    let mut sorted: Vec<&(String, String)> = map.iter().collect();
    sorted.sort_by_key(|(from, _)| std::cmp::Reverse(from.len()));
    let is_name = |c: char| c.is_alphanumeric() || matches!(c, '_' | '-' | '.');
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    'outer: while i < text.len() {
        let prev = text[..i].chars().next_back();
        if !prev.is_some_and(|c| is_name(c) || c == '/') {
            for (from, to) in &sorted {
                if text[i..].starts_with(from.as_str())
                    && !text[i + from.len()..].chars().next().is_some_and(is_name)
                {
                    out.push_str(to);
                    i += from.len();
                    continue 'outer;
                }
            }
        }
        let c = text[i..].chars().next().unwrap_or_default();
        out.push(c);
        i += c.len_utf8().max(1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(name: &str) -> Option<String> {
        match name {
            "inputs.parameters.a" => Some("A".into()),
            "workflow.name" => Some("wf".into()),
            _ => None,
        }
    }

    #[test]
    fn render_replaces_trimmed_tags() {
        assert_eq!(
            render("x={{inputs.parameters.a}} {{ workflow.name }}!", &vars).unwrap(),
            "x=A wf!"
        );
        assert_eq!(render("no tags", &vars).unwrap(), "no tags");
        assert_eq!(render("open {{ only", &vars).unwrap(), "open {{ only");
        assert_eq!(
            render("{{inputs.parameters.b}}", &vars),
            Err(Unresolved("inputs.parameters.b".into()))
        );
        assert_eq!(
            tags("{{a}} and {{ b.c }} {{=x + 1}}"),
            [
                Tag::Simple("a"),
                Tag::Simple("b.c"),
                Tag::Expression("x + 1")
            ]
        );
        assert_eq!(
            render("{{=inputs.parameters.a + '!'}}", &vars).unwrap(),
            "A!"
        );
        let kept: Result<String, ()> = replace_tags("{{a}}-{{b}}", &mut |t| {
            Ok((t == Tag::Simple("a")).then(|| "1".to_owned()))
        });
        assert_eq!(kept.unwrap(), "1-{{b}}");
    }

    #[test]
    fn k8s_references_expand_like_the_kubelet() {
        let v = BTreeMap::from([("A".to_owned(), "1".to_owned())]);
        assert_eq!(expand_k8s("$(A)-$(B)-$$(A)-$-$", &v), "1-$(B)-$(A)-$-$");
    }

    #[test]
    fn paths_are_remapped_whole_and_once() {
        let out = Path::new("/run/outputs/t");
        assert_eq!(remap_path(out, "/tmp/x"), Path::new("/run/outputs/t/tmp/x"));
        assert_eq!(remap_path(out, "rel/x"), Path::new("rel/x"));
        let map = vec![
            ("/tmp/a".to_owned(), "/r/tmp/a".to_owned()),
            ("/tmp/ab".to_owned(), "/r/tmp/ab".to_owned()),
        ];
        assert_eq!(
            remap_text(
                "echo 1 > /tmp/a; echo 2 >/tmp/ab; cat /tmp/a.bak /data/tmp/a '/tmp/a'",
                &map
            ),
            "echo 1 > /r/tmp/a; echo 2 >/r/tmp/ab; cat /tmp/a.bak /data/tmp/a '/r/tmp/a'"
        );
        assert_eq!(remap_text("/tmp/a/", &map), "/r/tmp/a/");
    }
}
