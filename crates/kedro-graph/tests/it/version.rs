//! Documents of another format or version fail with the matching error, before any structural
//! check.

use kedro_graph::{IrError, Project};

use crate::support::fixtures_dir;

fn spaceflights_with(format: &str, version: &str) -> String {
    let text = std::fs::read_to_string(fixtures_dir().join("spaceflights.json")).expect("fixture");
    let mut value: serde_json::Value = serde_json::from_str(&text).expect("fixture is JSON");
    value["format"] = serde_json::from_str(format).expect("format JSON");
    value["version"] = serde_json::from_str(version).expect("version JSON");
    value.to_string()
}

#[test]
fn newer_version_is_refused() {
    let err = Project::from_json(&spaceflights_with("\"argo-kedro-ir\"", "2")).expect_err("v2");
    assert!(
        matches!(&err, IrError::UnsupportedVersion { found, supported: 1 } if found == "2"),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .starts_with("IR version 2 is not supported by this argo-kedro (supports 1)"),
        "{err}"
    );
}

#[test]
fn other_format_is_refused() {
    let err = Project::from_json(&spaceflights_with("\"kedro-viz\"", "1")).expect_err("format");
    assert!(
        matches!(&err, IrError::UnknownFormat { found } if found == "\"kedro-viz\""),
        "{err:?}"
    );
}

#[test]
fn version_is_checked_before_structure() {
    let err = Project::from_json(r#"{"format": "argo-kedro-ir", "version": 7, "pipelines": {}}"#)
        .expect_err("v7");
    assert!(matches!(err, IrError::UnsupportedVersion { .. }), "{err:?}");
}
