//! Every form of every YAML 1.1 implicit type (`tests/fixtures/yaml11_implicit.json`), with
//! the tag PyYAML's `Resolver` gives it; `tests/python/test_yaml_readers.py` checks those tags
//! against the installed PyYAML, and loads [`every_yaml11_form_round_trips_as_a_string`]'s
//! snapshot with PyYAML.

use argo_model::yaml::{Implicit, is_ambiguous, pyyaml, to_string};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::readers::{Rules, load, plain_scalars};

#[derive(Debug, Deserialize)]
struct Form {
    text: String,
    pyyaml: String,
}

fn forms() -> Vec<Form> {
    serde_json::from_str(include_str!("../../fixtures/yaml11_implicit.json")).unwrap()
}

/// The port of PyYAML's resolvers (`yaml/resolver.py`) gives each form PyYAML's tag.
#[test]
fn pyyaml_port_resolves_every_form_as_pyyaml_does() {
    let forms = forms();
    assert!(forms.len() > 150, "{} forms", forms.len());
    let wrong: Vec<_> = forms
        .iter()
        .filter(|f| pyyaml(&f.text).map_or("str", Implicit::name) != f.pyyaml)
        .map(|f| (&f.text, &f.pyyaml, pyyaml(&f.text)))
        .collect();
    assert!(wrong.is_empty(), "(text, PyYAML, ours): {wrong:#?}");
    for tag in [
        "bool",
        "int",
        "float",
        "null",
        "timestamp",
        "merge",
        "value",
        "yaml",
        "str",
    ] {
        assert!(forms.iter().any(|f| f.pyyaml == tag), "no {tag} form");
    }
}

/// Each form, as a value and as a key, loads as the string it is under YAML 1.1 (PyYAML's
/// rules), YAML 1.2 core and `serde_norway`, and none that some reader resolves is written plain.
#[test]
fn every_yaml11_form_round_trips_as_a_string() {
    let texts: Vec<Value> = forms().into_iter().map(|f| Value::String(f.text)).collect();
    let as_keys: Map<String, Value> = texts
        .iter()
        .map(|t| (t.as_str().unwrap().to_owned(), Value::from(1)))
        .collect();
    let sequence = Value::Array(texts);
    let mapping = Value::Object(as_keys);
    for value in [&sequence, &mapping] {
        let yaml = to_string(value).unwrap();
        assert_eq!(&load(&yaml, Rules::Yaml11), value, "YAML 1.1:\n{yaml}");
        assert_eq!(&load(&yaml, Rules::Yaml12), value, "YAML 1.2:\n{yaml}");
        assert_eq!(&serde_norway::from_str::<Value>(&yaml).unwrap(), value);
        for plain in plain_scalars(&yaml) {
            assert!(plain == "1" || !is_ambiguous(&plain), "plain {plain:?}");
        }
    }
    insta::assert_snapshot!("yaml11_forms", to_string(&sequence).unwrap());
}
