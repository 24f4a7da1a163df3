//! Properties over arbitrary strings and JSON values: what `argo_model::yaml` writes loads back
//! as the same JSON under YAML 1.1 (PyYAML's rules), YAML 1.2 core and `serde_norway`; no plain
//! scalar is one that a reader resolves differently; and where no reader needs new quotes the
//! text is `serde_norway`'s, byte for byte.

use argo_model::yaml::{go_yaml, is_ambiguous, pyyaml, to_string, yaml12_core};
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Map, Number, Value};

use super::readers::{Rules, load, plain_scalars};

/// Tokens that YAML readers treat specially, to combine.
const TOKENS: &[&str] = &[
    "yes",
    "No",
    "ON",
    "off",
    "y",
    "N",
    "true",
    "False",
    "null",
    "~",
    "",
    "<<",
    "=",
    "0",
    "-1",
    "+1",
    "1_000",
    "0b101",
    "0x1F",
    "0X1F",
    "0o17",
    "017",
    "08",
    "1:30",
    "190:20:30.15",
    "1.5",
    "1.",
    ".5",
    "-.5",
    "1e5",
    "1.5e+3",
    ".inf",
    "-.Inf",
    ".NaN",
    "2024-01-01",
    "2024-1-2",
    "2001-12-14t21:59:43.10-05:00",
    "---",
    "...",
    "- ",
    "? ",
    ": ",
    " #",
    "#",
    "'",
    "\"",
    "\\",
    "|",
    ">",
    "!",
    "&",
    "*",
    "%",
    "@",
    "`",
    ",",
    "[",
    "]",
    "{",
    "}",
    " ",
    "  ",
    "\t",
    "\n",
    "\r",
    "\r\n",
    "\u{85}",
    "\u{2028}",
    "\u{2029}",
    "\u{feff}",
    "\u{a0}",
    "\0",
    "\u{7f}",
    "é",
    "😀",
];

/// Strings of every kind: arbitrary Unicode, YAML-ish characters, and combined tokens.
fn string() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[yYnNoOtTfFeExXbB0-9+._:~<=#!&*|>'\"%@`,?{} \\[\\]\\-\t\n\r\u{85}\u{2028}\u{a0}a]{0,12}",
        proptest::collection::vec(select(TOKENS), 1..4).prop_map(|parts| parts.concat()),
    ]
}

/// JSON values of every kind, with [`string`]s for strings and keys.
fn json() -> impl Strategy<Value = Value> {
    json_of(string().boxed(), any::<f64>().boxed())
}

/// JSON values whose strings and floats `serde_norway` writes as we do: no new quotes, no float
/// in exponent form.
fn json_written_alike() -> impl Strategy<Value = Value> {
    let string = string().prop_filter("written alike", |s| {
        to_string(s).ok() == serde_norway::to_string(s).ok()
    });
    let float = any::<f64>().prop_filter("no exponent", |f| {
        !ryu::Buffer::new().format(*f).contains('e')
    });
    json_of(string.boxed(), float.boxed())
}

fn json_of(
    string: BoxedStrategy<String>,
    float: BoxedStrategy<f64>,
) -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        float.prop_filter_map("finite", |f| Number::from_f64(f).map(Value::Number)),
        string.clone().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((string.clone(), inner), 0..6)
                .prop_map(|entries| Value::Object(entries.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// The checks every written value passes; `strings_only` when it holds no number, bool or null.
fn reads_back(value: &Value, strings_only: bool) -> Result<(), TestCaseError> {
    let yaml = to_string(value).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let norway: Value =
        serde_norway::from_str(&yaml).map_err(|e| TestCaseError::fail(format!("{e}\n{yaml}")))?;
    prop_assert_eq!(&norway, value, "serde_norway:\n{}", yaml);
    prop_assert_eq!(&load(&yaml, Rules::Yaml11), value, "YAML 1.1:\n{}", yaml);
    prop_assert_eq!(&load(&yaml, Rules::Yaml12), value, "YAML 1.2:\n{}", yaml);
    for plain in plain_scalars(&yaml) {
        if !is_ambiguous(&plain) {
            continue;
        }
        prop_assert!(!strings_only, "plain {:?} in:\n{}", plain, yaml);
        // A number, bool or null we wrote: every reader gives it the same type.
        let tag = pyyaml(&plain);
        prop_assert!(tag.is_some(), "{:?}", plain);
        prop_assert_eq!(yaml12_core(&plain), tag, "{:?}", plain);
        prop_assert_eq!(go_yaml(&plain), tag, "{:?}", plain);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_string_reads_back_as_itself_and_is_plain_only_when_no_reader_resolves_it(s in string()) {
        reads_back(&Value::String(s.clone()), true)?;
        reads_back(&serde_json::json!({ s.clone(): [s] }), true)?;
    }

    #[test]
    fn any_json_value_reads_back_as_itself(value in json()) {
        reads_back(&value, false)?;
    }

    #[test]
    fn where_no_new_quotes_are_needed_the_text_is_serde_norways(value in json_written_alike()) {
        prop_assert_eq!(to_string(&value).unwrap(), serde_norway::to_string(&value).unwrap());
    }
}
