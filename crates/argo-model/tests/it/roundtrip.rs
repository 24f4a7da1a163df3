//! Every upstream example parses into the typed model and serialises back unchanged.

use argo_model::{Document, yaml_values};

/// Documents that do not round-trip, by `file#index`, with the reason.
const EXCEPTIONS: &[(&str, &str)] = &[(
    "k8s-patch-json-workflow.yaml#*",
    "`metadata.annotations` appears twice: a duplicate key is an error, as in `argo lint --strict` \
     and the API server's strict decoding (issue 16)",
)];

#[test]
fn every_example_round_trips() {
    let dir = super::examples::dir();
    let files = super::examples::files(&dir);
    assert!(
        files.len() > 200,
        "expected the upstream examples, found {} files",
        files.len()
    );
    let mut failures = Vec::new();
    let mut typed = 0;
    for (name, text) in &files {
        let values = match yaml_values(text) {
            Ok(v) => v,
            Err(e) => {
                failures.push((
                    format!("{name}#*"),
                    format!("{e}: {:?}", std::error::Error::source(&e)),
                ));
                continue;
            }
        };
        for (i, value) in values.into_iter().enumerate() {
            let id = format!("{name}#{i}");
            match Document::from_value(value.clone()) {
                Ok(doc) => {
                    if !matches!(doc, Document::Other(_)) {
                        typed += 1;
                    }
                    let back = doc.to_value().unwrap();
                    if back != value {
                        failures.push((id, first_difference(&value, &back, String::new())));
                    }
                }
                Err(e) => failures.push((id, format!("{e}: {:?}", std::error::Error::source(&e)))),
            }
        }
    }
    let unexpected: Vec<_> = failures
        .iter()
        .filter(|(id, _)| !EXCEPTIONS.iter().any(|(e, _)| e == id))
        .collect();
    let stale: Vec<_> = EXCEPTIONS
        .iter()
        .filter(|(e, _)| !failures.iter().any(|(id, _)| id == e))
        .collect();
    assert!(
        unexpected.is_empty(),
        "documents that do not round-trip:\n{unexpected:#?}"
    );
    assert!(
        stale.is_empty(),
        "exceptions that now pass (remove them): {stale:?}"
    );
    assert!(typed > 200, "only {typed} typed documents");
}

#[allow(
    clippy::many_single_char_names,
    clippy::needless_pass_by_value,
    reason = "test helper"
)]
fn first_difference(a: &serde_json::Value, b: &serde_json::Value, path: String) -> String {
    use serde_json::Value;
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                match y.get(k) {
                    Some(w) if v != w => return first_difference(v, w, format!("{path}.{k}")),
                    None => return format!("{path}.{k}: dropped"),
                    _ => {}
                }
            }
            y.keys().find(|k| !x.contains_key(*k)).map_or_else(
                || format!("{path}: ?"),
                |k| format!("{path}.{k}: added {}", y[k]),
            )
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                if v != w {
                    return first_difference(v, w, format!("{path}[{i}]"));
                }
            }
            format!("{path}: ?")
        }
        _ => format!("{path}: {a} became {b}"),
    }
}

/// `to_yaml_string` and `to_json_string` write the typed document directly; their text is the
/// YAML (JSON) of the document's JSON value, byte for byte, for every upstream example.
/// (`yaml::upstream` compares that YAML with `serde_norway`'s.)
#[test]
fn typed_text_is_the_text_of_the_value() {
    let dir = super::examples::dir();
    let mut checked = 0;
    for (name, text) in &super::examples::files(&dir) {
        let Ok(values) = yaml_values(text) else {
            continue;
        };
        for (i, value) in values.into_iter().enumerate() {
            let Ok(doc) = Document::from_value(value) else {
                continue;
            };
            let value = doc.to_value().unwrap();
            let via_value = argo_model::yaml::to_string(&value).unwrap();
            assert_eq!(doc.to_yaml_string().unwrap(), via_value, "{name}#{i}");
            let via_value = serde_json::to_string_pretty(&value).unwrap();
            assert_eq!(doc.to_json_string().unwrap(), via_value, "{name}#{i}");
            checked += 1;
        }
    }
    assert!(checked > 200, "checked only {checked} documents");
}
