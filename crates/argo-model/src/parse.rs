//! Reading YAML and JSON text into JSON values, as strictly as the Kubernetes API server decodes:
//! nesting bounded before parsing, duplicate mapping keys an error, YAML merge keys (`<<`)
//! resolved, a UTF-8 byte-order mark accepted.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize as _;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use crate::error::{Error, Result};

/// The deepest nesting of collections read, as the YAML and JSON decoders' own limit.
pub const MAX_DEPTH: usize = 128;

/// Longest echo of an input value in an error message, in characters.
pub const MAX_ECHO: usize = 200;

/// `text` cut to at most [`MAX_ECHO`] characters (with `…` and the full length when cut), for
/// echoing user input in an error message.
///
/// ```
/// assert_eq!(argo_model::elide("short"), "short");
/// let long = "x".repeat(1000);
/// let cut = argo_model::elide(&long);
/// assert!(cut.chars().count() < 250 && cut.ends_with("(1000 characters)"));
/// ```
pub fn elide(text: &str) -> Cow<'_, str> {
    match text.char_indices().nth(MAX_ECHO) {
        None => Cow::Borrowed(text),
        Some((cut, _)) => Cow::Owned(format!(
            "{}… ({} characters)",
            &text[..cut],
            text.chars().count()
        )),
    }
}

/// `text` without a leading UTF-8 byte-order mark.
pub(crate) fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Refuses YAML whose flow collections (`[`, `{`) nest deeper than [`MAX_DEPTH`], before the
/// parser sees it: libyaml's scanner takes time quadratic in that depth (1.3 s at 32,000 levels,
/// minutes beyond). Quoted scalars and comments are skipped; a bracket inside a block scalar
/// counts, which can only refuse a text with more than [`MAX_DEPTH`] unclosed brackets in one.
pub(crate) fn check_flow_depth(text: &str) -> Result<()> {
    let mut depth = 0usize;
    let mut line = 1usize;
    // What precedes the current character: start of a token (quotes and comments start there).
    let mut at_token_start = true;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => line += 1,
            '#' if at_token_start => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        line += 1;
                        break;
                    }
                }
                at_token_start = true;
                continue;
            }
            '\'' if at_token_start => {
                // 'it''s': a doubled quote is a quote; the scalar ends at a single one.
                while let Some(c) = chars.next() {
                    match c {
                        '\n' => line += 1,
                        '\'' if chars.peek() == Some(&'\'') => {
                            chars.next();
                        }
                        '\'' => break,
                        _ => {}
                    }
                }
            }
            '"' if at_token_start => {
                while let Some(c) = chars.next() {
                    match c {
                        '\n' => line += 1,
                        '\\' if chars.next() == Some('\n') => line += 1,
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '[' | '{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(Error::TooDeep {
                        limit: MAX_DEPTH,
                        line,
                    });
                }
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        at_token_start = c.is_whitespace() || matches!(c, '[' | '{' | ',' | ':' | '-' | '?');
    }
    Ok(())
}

/// Refuses YAML whose block collections nest deeper than [`MAX_DEPTH`], before the parser loads
/// every event of a document only for the decoder to stop at its recursion limit: each more
/// indented line, and each compact `- ` of a sequence in a sequence, opens a level. A line of a
/// block scalar counts as its indentation says, which can only refuse a scalar with more than
/// [`MAX_DEPTH`] ever deeper lines.
pub(crate) fn check_block_depth(text: &str) -> Result<()> {
    let mut open: Vec<usize> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let rest = line.trim_start_matches(' ');
        if rest.is_empty() || rest.starts_with('#') {
            continue;
        }
        let column = line.len() - rest.len();
        while open.last().is_some_and(|&c| c >= column) {
            open.pop();
        }
        open.push(column);
        let mut rest = rest;
        let mut column = column;
        while let Some(inner) = rest.strip_prefix("- ") {
            let next = inner.trim_start_matches(' ');
            column += rest.len() - next.len();
            open.push(column);
            rest = next;
        }
        if open.len() > MAX_DEPTH {
            return Err(Error::TooDeep {
                limit: MAX_DEPTH,
                line: i + 1,
            });
        }
    }
    Ok(())
}

/// Parses a YAML stream into JSON values, one per non-empty document (see [`crate::yaml_values`]).
pub(crate) fn yaml_values(text: &str) -> Result<Vec<Value>> {
    let text = strip_bom(text);
    check_flow_depth(text)?;
    check_block_depth(text)?;
    let mut out = Vec::new();
    for (index, de) in serde_norway::Deserializer::from_str(text).enumerate() {
        let fail = |source| Error::ParseYaml { index, source };
        let mut yaml = serde_norway::Value::deserialize(de).map_err(fail)?;
        yaml.apply_merge().map_err(fail)?;
        let value = yaml_to_json(yaml).map_err(fail)?;
        if !value.is_null() {
            out.push(value);
        }
    }
    Ok(out)
}

/// Parses one JSON value; duplicate keys in an object are an error.
pub(crate) fn json_value(text: &str) -> Result<Value> {
    let text = strip_bom(text);
    let mut de = serde_json::Deserializer::from_str(text);
    let value = Strict
        .deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v))
        .map_err(|source| Error::ParseJson { source })?;
    Ok(value)
}

/// A YAML value as JSON: scalar keys become strings; tags other than YAML's own are refused.
fn yaml_to_json(yaml: serde_norway::Value) -> std::result::Result<Value, serde_norway::Error> {
    use serde_norway::Value as Y;
    Ok(match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                // `.inf` and `.nan` have no JSON form: null, as serde_json reads them.
                n.as_f64()
                    .and_then(Number::from_f64)
                    .map_or(Value::Null, Value::Number)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .map(yaml_to_json)
                .collect::<std::result::Result<_, _>>()?,
        ),
        Y::Mapping(map) => {
            let mut out = Map::with_capacity(map.len());
            for (k, v) in map {
                let key = match k {
                    Y::String(s) => s,
                    Y::Bool(b) => b.to_string(),
                    Y::Number(n) => n.to_string(),
                    Y::Null => "null".to_owned(),
                    _ => {
                        return Err(de::Error::custom(
                            "a mapping key is a collection; only scalar keys are allowed",
                        ));
                    }
                };
                // Keys that differ in YAML but not as strings (`1` and "1") collide here.
                if out.contains_key(&key) {
                    return Err(de::Error::custom(format_args!(
                        "duplicate mapping key `{}`",
                        elide(&key)
                    )));
                }
                out.insert(key, yaml_to_json(v)?);
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => {
            return Err(de::Error::custom(format_args!(
                "the YAML tag `{}` is not supported",
                elide(&tagged.tag.to_string())
            )));
        }
    })
}

/// Deserializes a [`Value`], refusing duplicate object keys.
#[derive(Clone, Copy)]
struct Strict;

impl<'de> DeserializeSeed<'de> for Strict {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> std::result::Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> std::result::Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> std::result::Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> std::result::Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> std::result::Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> std::result::Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> std::result::Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> std::result::Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(v) = seq.next_element_seed(Strict)? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(de::Error::custom(format_args!(
                    "duplicate key `{}`",
                    elide(&key)
                )));
            }
            let value = map.next_value_seed(Strict)?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(e: &Error) -> String {
        let cause = std::error::Error::source(e)
            .map(ToString::to_string)
            .unwrap_or_default();
        format!("{e}: {cause}")
    }

    #[test]
    fn deep_flow_nesting_is_refused_before_parsing() {
        let deep = format!("a: {}{}\n", "[".repeat(200_000), "]".repeat(200_000));
        let start = std::time::Instant::now();
        let err = yaml_values(&deep).unwrap_err();
        assert!(matches!(err, Error::TooDeep { line: 1, .. }), "{err:?}");
        // Generous: the scan is linear; parsing this would take hours.
        assert!(start.elapsed().as_secs() < 5);
        // The limit itself parses; quoted brackets and comments do not count.
        let ok = format!("a: {}1{}\n", "[".repeat(100), "]".repeat(100));
        assert_eq!(yaml_values(&ok).unwrap().len(), 1);
        let quoted = format!(
            "a: '{}'\nb: \"{}\"\n# {}\nc: x{}\n",
            "[".repeat(500),
            "{".repeat(500),
            "[".repeat(500),
            "[]".repeat(500)
        );
        assert_eq!(yaml_values(&quoted).unwrap().len(), 1);
    }

    #[test]
    fn deep_block_nesting_is_refused_before_parsing() {
        let deep = "- ".repeat(50_000) + "x\n";
        let err = yaml_values(&deep).unwrap_err();
        assert!(matches!(err, Error::TooDeep { line: 1, .. }), "{err:?}");
        let nested = |n: usize, key: char| {
            let mut text = String::new();
            for i in 0..n {
                text.push_str(&" ".repeat(i));
                text.push(key);
                text.push_str(&i.to_string());
                text.push_str(":\n");
            }
            text
        };
        let indented = nested(200, 'k');
        let err = yaml_values(&indented).unwrap_err();
        assert!(matches!(err, Error::TooDeep { line: 129, .. }), "{err:?}");
        // Within the limit, and levels that close again, parse.
        let ok = nested(100, 'k');
        assert_eq!(yaml_values(&(ok + &nested(100, 'j'))).unwrap().len(), 1);
        let compact = "- ".repeat(100) + "x\n";
        assert_eq!(yaml_values(&compact).unwrap().len(), 1);
        let json = format!("{}1{}", "[".repeat(50_000), "]".repeat(50_000));
        assert!(json_value(&json).is_err());
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let err = yaml_values("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert!(message(&err).contains("duplicate"), "{}", message(&err));
        let err = json_value(r#"{"a": 1, "b": {"c": 1, "c": 2}}"#).unwrap_err();
        assert!(
            message(&err).contains("duplicate key `c`"),
            "{}",
            message(&err)
        );
        // Keys equal only as strings.
        assert!(yaml_values("1: a\n'1': b\n").is_err());
    }

    #[test]
    fn a_byte_order_mark_is_accepted() {
        assert_eq!(yaml_values("\u{feff}a: 1\n").unwrap()[0]["a"], 1);
        assert_eq!(json_value("\u{feff}{\"a\": 1}").unwrap()["a"], 1);
    }

    #[test]
    fn merge_keys_are_resolved() {
        let text = "base: &b {image: busybox, command: [sh]}\nc:\n  <<: *b\n  command: [bash]\n";
        let v = &yaml_values(text).unwrap()[0];
        assert_eq!(v["c"]["image"], "busybox");
        assert_eq!(v["c"]["command"][0], "bash");
        assert!(v["c"].get("<<").is_none());
        let list = "a: &a {x: 1}\nb: &b {y: 2}\nc: {<<: [*a, *b], z: 3}\n";
        let v = &yaml_values(list).unwrap()[0];
        assert_eq!(v["c"], serde_json::json!({"z": 3, "x": 1, "y": 2}));
    }

    #[test]
    fn scalars_keys_and_tags() {
        let v = &yaml_values("1: a\ntrue: b\nn: .inf\nf: 2.5\ns: !!str 3\n").unwrap()[0];
        assert_eq!(v["1"], "a");
        assert_eq!(v["true"], "b");
        assert!(v["n"].is_null());
        assert_eq!(v["f"], 2.5);
        assert_eq!(v["s"], "3");
        let err = yaml_values("a: !custom x\n").unwrap_err();
        assert!(message(&err).contains("tag"), "{}", message(&err));
        assert!(yaml_values("? [a]\n: b\n").is_err());
    }

    #[test]
    fn empty_streams_have_no_values() {
        assert!(yaml_values("").unwrap().is_empty());
        assert!(yaml_values("---\n---\n# nothing\n").unwrap().is_empty());
    }

    #[test]
    fn elide_cuts_on_character_boundaries() {
        let long = "é".repeat(300);
        let cut = elide(&long);
        assert!(cut.starts_with(&"é".repeat(MAX_ECHO)));
        assert!(cut.ends_with("(300 characters)"));
    }
}
