//! Independent readers of the YAML we write: saphyr-parser's events (a YAML 1.2 parser that
//! reports each scalar's style), resolved as a YAML 1.1 reader (PyYAML's resolvers and
//! constructors) and as a YAML 1.2 core-schema reader would.

use argo_model::yaml::{Implicit, pyyaml, yaml12_core};
use saphyr_parser::{Event, Parser, ScalarStyle};
use serde_json::{Map, Number, Value};

/// One parse event, without positions.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Scalar { value: String, style: ScalarStyle },
    SequenceStart,
    SequenceEnd,
    MappingStart,
    MappingEnd,
}

/// The events of a one-document stream (panics on a parse error, an alias or a tag: we write
/// none).
pub(crate) fn events(text: &str) -> Vec<Node> {
    let mut out = Vec::new();
    for event in Parser::new_from_str(text) {
        let (event, span) = event.unwrap_or_else(|e| panic!("{e} in:\n{text}"));
        out.push(match event {
            Event::Scalar(value, style, anchor, tag) => {
                assert!(anchor == 0 && tag.is_none(), "anchor or tag at {span:?}");
                Node::Scalar {
                    value: value.into_owned(),
                    style,
                }
            }
            Event::SequenceStart(..) => Node::SequenceStart,
            Event::SequenceEnd => Node::SequenceEnd,
            Event::MappingStart(..) => Node::MappingStart,
            Event::MappingEnd => Node::MappingEnd,
            Event::Alias(_) => panic!("alias at {span:?}"),
            Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart(_)
            | Event::DocumentEnd
            | Event::Nothing => continue,
        });
    }
    out
}

/// The plain scalars of `text`.
pub(crate) fn plain_scalars(text: &str) -> Vec<String> {
    events(text)
        .into_iter()
        .filter_map(|node| match node {
            Node::Scalar {
                value,
                style: ScalarStyle::Plain,
            } => Some(value),
            _ => None,
        })
        .collect()
}

/// How a reader resolves plain scalars.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Rules {
    /// PyYAML's `SafeLoader` (YAML 1.1).
    Yaml11,
    /// The YAML 1.2 core schema.
    Yaml12,
}

/// The JSON a reader with `rules` loads from the one document `text`. What JSON cannot hold
/// (a date, a merge key, NaN) loads as a `<tag text>` marker string, which equals nothing we
/// wrote.
pub(crate) fn load(text: &str, rules: Rules) -> Value {
    let mut nodes = events(text).into_iter().peekable();
    let value = build(&mut nodes, rules);
    assert!(nodes.next().is_none(), "one document");
    value
}

type Nodes = std::iter::Peekable<std::vec::IntoIter<Node>>;

fn build(nodes: &mut Nodes, rules: Rules) -> Value {
    match nodes.next().expect("a node") {
        Node::Scalar { value, style } => scalar(&value, style, rules),
        Node::SequenceStart => {
            let mut items = Vec::new();
            while nodes.next_if_eq(&Node::SequenceEnd).is_none() {
                items.push(build(nodes, rules));
            }
            Value::Array(items)
        }
        Node::MappingStart => {
            let mut map = Map::new();
            while nodes.next_if_eq(&Node::MappingEnd).is_none() {
                let key = match build(nodes, rules) {
                    Value::String(s) => s,
                    other => format!("<key {other}>"),
                };
                let value = build(nodes, rules);
                map.insert(key, value);
            }
            Value::Object(map)
        }
        other => panic!("unexpected {other:?}"),
    }
}

fn scalar(text: &str, style: ScalarStyle, rules: Rules) -> Value {
    if style != ScalarStyle::Plain {
        return Value::String(text.to_owned());
    }
    let implicit = match rules {
        Rules::Yaml11 => pyyaml(text),
        Rules::Yaml12 => yaml12_core(text),
    };
    let marker = |tag: &str| Value::String(format!("<{tag} {text}>"));
    match implicit {
        None => Value::String(text.to_owned()),
        Some(Implicit::Null) => Value::Null,
        Some(Implicit::Bool) => Value::Bool(matches!(
            text.to_ascii_lowercase().as_str(),
            "true" | "yes" | "on"
        )),
        Some(Implicit::Int) => match rules {
            Rules::Yaml11 => pyyaml_int(text),
            Rules::Yaml12 => yaml12_int(text),
        }
        .and_then(|i| {
            u64::try_from(i)
                .map(Number::from)
                .ok()
                .or_else(|| i64::try_from(i).ok().map(Number::from))
        })
        .map_or_else(|| marker("int"), Value::Number),
        Some(Implicit::Float) => {
            let plain = match rules {
                Rules::Yaml11 => text.replace('_', ""),
                Rules::Yaml12 => text.to_owned(),
            };
            if plain.contains(':') {
                return marker("sexagesimal");
            }
            plain
                .parse::<f64>()
                .ok()
                .and_then(Number::from_f64)
                .map_or_else(|| marker("float"), Value::Number)
        }
        Some(other) => marker(other.name()),
    }
}

/// PyYAML's `SafeConstructor.construct_yaml_int`.
fn pyyaml_int(text: &str) -> Option<i128> {
    let plain = text.replace('_', "");
    let (sign, digits) = match plain.as_bytes().first() {
        Some(b'-') => (-1, &plain[1..]),
        Some(b'+') => (1, &plain[1..]),
        _ => (1, plain.as_str()),
    };
    let magnitude = if digits == "0" {
        0
    } else if let Some(binary) = digits.strip_prefix("0b") {
        i128::from_str_radix(binary, 2).ok()?
    } else if let Some(hex) = digits.strip_prefix("0x") {
        i128::from_str_radix(hex, 16).ok()?
    } else if digits.starts_with('0') {
        i128::from_str_radix(digits, 8).ok()?
    } else if digits.contains(':') {
        let mut value = 0_i128;
        for part in digits.split(':') {
            value = value * 60 + part.parse::<i128>().ok()?;
        }
        value
    } else {
        digits.parse().ok()?
    };
    Some(sign * magnitude)
}

/// A YAML 1.2 core int: decimal with a sign, `0o` or `0x`.
fn yaml12_int(text: &str) -> Option<i128> {
    if let Some(octal) = text.strip_prefix("0o") {
        i128::from_str_radix(octal, 8).ok()
    } else if let Some(hex) = text.strip_prefix("0x") {
        i128::from_str_radix(hex, 16).ok()
    } else {
        text.parse().ok()
    }
}
