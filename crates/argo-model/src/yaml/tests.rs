//! Unit tests of the YAML writer: layout against `serde_norway`, numbers, keys, enums, errors.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::json;

use super::to_string;
use crate::error::WriteYamlError;

/// The layouts libyaml has beyond `key: value` and `- item`, written as `serde_norway` writes
/// them: `? ` keys (multi-line, longer than 128 bytes) with every kind of value, empty
/// collections, nested sequences, literal blocks with indent and chomping hints, the root.
#[test]
fn layout_is_libyamls_as_serde_norway_writes_it() {
    let long = "k".repeat(129);
    let cases = [
        json!({"a\nb": 1, long.clone(): {"x": 1, "w": [1, 2]}, format!("{long}z"): [1, [2, 3], {"q": 1}]}),
        json!({"": "", "e": [], "f": {}, "g": [[], {}, [[1]]], long.clone(): "v"}),
        json!([[["deep"]], {"m": [{"r": [1]}]}, {"o": {"p": {}}}]),
        json!([
            "a\nb", "a\nb\n", "a\n\n", " lead\nx", "a\n b", "\n", "\n\n", "x\n\n", "a \nb", "a\nb "
        ]),
        json!({"k": "a\nb\n", "l": ["x\n", {"m": "y\nz"}], "s": "last\n"}),
        json!([
            "tab\there",
            "trail ",
            "a\r\nb",
            "\u{7f}",
            "caf\u{e9}",
            "\u{a0}x",
            "\u{85}",
            "\u{feff}x"
        ]),
        json!([
            "- x", "-x", "?x", ":x", "x:", "x #y", "x#y", "@x", "`x", "%x", "a,b", "[a", "'q'",
            "\"q\"", "--- x", "...x"
        ]),
        json!("a\nb"),
        json!("plain"),
        json!([]),
        json!({}),
        json!(null),
        json!([1, -2, 1.5, true, null, 18_446_744_073_709_551_615_u64]),
    ];
    for value in cases {
        let ours = to_string(&value).unwrap();
        let theirs = serde_norway::to_string(&value).unwrap();
        assert_eq!(ours, theirs, "{value}");
    }
}

/// Floats as YAML 1.1 (a point and a signed exponent) and YAML 1.2 both read them.
#[test]
fn floats_have_a_point_and_a_signed_exponent() {
    let values = [1e16, 1.5e300, 1e-7, 1.5e-7, 0.1, -2.0, 1e15, f64::MAX];
    assert_eq!(
        to_string(&values).unwrap(),
        "- 1.0e+16\n- 1.5e+300\n- 1.0e-7\n- 1.5e-7\n- 0.1\n- -2.0\n- 1000000000000000.0\n\
         - 1.7976931348623157e+308\n"
    );
    assert_eq!(
        to_string(&[f64::NAN, f64::INFINITY, f64::NEG_INFINITY]).unwrap(),
        "- .nan\n- .inf\n- -.inf\n"
    );
    assert_eq!(
        to_string(&[1e20_f32, 0.5_f32]).unwrap(),
        "- 1.0e+20\n- 0.5\n"
    );
}

/// Keys are the strings JSON has for them, quoted where a reader would resolve them.
#[test]
fn keys_are_written_as_json_strings() {
    let ints: BTreeMap<i32, &str> = [(1, "a"), (-2, "b")].into();
    assert_eq!(to_string(&ints).unwrap(), "'-2': b\n'1': a\n");
    let bools: BTreeMap<bool, u8> = [(true, 1)].into();
    assert_eq!(to_string(&bools).unwrap(), "'true': 1\n");
    let chars: BTreeMap<char, u8> = [('y', 1), ('z', 2)].into();
    assert_eq!(to_string(&chars).unwrap(), "'y': 1\nz: 2\n");
    let words = json!({"on": 1, "<<": 2, "=": 3, "name": 4});
    assert_eq!(
        to_string(&words).unwrap(),
        "'on': 1\n'<<': 2\n'=': 3\nname: 4\n"
    );
}

#[derive(Serialize)]
enum Kind {
    Yes,
    Newtype(u8),
    Tuple(u8, &'static str),
    Struct { off: bool },
}

/// Enum variants as `serde_json` writes them: a string, or `{Variant: value}`.
#[test]
fn enum_variants_are_written_as_json_has_them() {
    let kinds = [
        Kind::Yes,
        Kind::Newtype(1),
        Kind::Tuple(2, "no"),
        Kind::Struct { off: true },
    ];
    let yaml = to_string(&kinds).unwrap();
    assert_eq!(
        yaml,
        "- 'Yes'\n- Newtype: 1\n- Tuple:\n  - 2\n  - 'no'\n- Struct:\n    'off': true\n"
    );
    let back: serde_json::Value = serde_norway::from_str(&yaml).unwrap();
    assert_eq!(back, serde_json::to_value(&kinds).unwrap());
}

/// Characters are quoted; a line break in one is escaped, not folded.
#[test]
fn chars_are_quoted() {
    assert_eq!(
        to_string(&['a', '\'', '\n']).unwrap(),
        "- 'a'\n- ''''\n- \"\\n\"\n"
    );
}

/// U+2028 and U+2029 (line breaks to YAML 1.1, not to YAML 1.2) are escaped; `serde_norway`
/// wrote them raw in single quotes, followed by an indent.
#[test]
fn unicode_line_separators_are_escaped() {
    let yaml = to_string(&["a\u{2028}b", "x\u{2029}", "p\u{2028}\nq"]).unwrap();
    assert_eq!(yaml, "- \"a\\Lb\"\n- \"x\\P\"\n- \"p\\L\\nq\"\n");
    assert_ne!(
        yaml,
        serde_norway::to_string(&["a\u{2028}b", "x\u{2029}", "p\u{2028}\nq"]).unwrap()
    );
}

struct Failing;

impl Serialize for Failing {
    fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        Err(serde::ser::Error::custom("no YAML for this"))
    }
}

/// Errors: a failing `Serialize`, bytes, and a key that is not a scalar.
#[test]
fn errors_name_what_cannot_be_written() {
    assert!(matches!(
        to_string(&[Failing]),
        Err(WriteYamlError::Custom { message }) if message == "no YAML for this"
    ));
    assert!(matches!(
        to_string(serde_bytes_like()),
        Err(WriteYamlError::Bytes)
    ));
    let by_list: BTreeMap<Vec<u8>, u8> = [(vec![1], 1)].into();
    assert!(matches!(
        to_string(&by_list),
        Err(WriteYamlError::KeyNotScalar)
    ));
    let by_unit: BTreeMap<(), u8> = [((), 1)].into();
    assert!(matches!(
        to_string(&by_unit),
        Err(WriteYamlError::KeyNotScalar)
    ));
}

/// A value that serialises as bytes.
fn serde_bytes_like() -> &'static impl Serialize {
    struct Bytes;
    impl Serialize for Bytes {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_bytes(b"raw")
        }
    }
    &Bytes
}
