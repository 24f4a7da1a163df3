//! Validation against Argo's JSON Schema (`schema/schema.json`, embedded), one validator per kind so
//! that errors name the field at fault rather than a failed `oneOf`.
//!
//! Two upstream quirks are patched in memory, as upstream's own tests allow-list them:
//! `IntOrString` accepts integers (the schema says string only), and artifact `mode` accepts octal
//! text such as `"0755"` (what `mode: 0755` reads as in YAML 1.2).
//!
//! ```
//! let wf = serde_json::json!({
//!     "apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow", "metadata": {"name": "w"},
//!     "spec": {"entrypoint": "main", "templates": [{"name": "main", "container": {"image": 3}}]}
//! });
//! let findings = argo_model::schema::validate(&wf);
//! assert_eq!(findings[0].path, "spec.templates[0].container.image");
//! ```

use std::collections::HashMap;
use std::sync::LazyLock;

use jsonschema::Validator;
use serde_json::{Value, json};

use crate::JsonPath;
use crate::lint::{Finding, Rule};

/// The vendored upstream schema (argoproj/argo-workflows `api/jsonschema/schema.json`).
pub const SCHEMA_JSON: &str = include_str!("../schema/schema.json");

/// The Argo kinds this module validates.
pub const KINDS: &[&str] = &[
    "Workflow",
    "WorkflowTemplate",
    "ClusterWorkflowTemplate",
    "CronWorkflow",
    "WorkflowEventBinding",
];

const PREFIX: &str = "io.argoproj.workflow.v1alpha1.";

static VALIDATORS: LazyLock<Result<HashMap<&'static str, Validator>, String>> =
    LazyLock::new(build);

fn build() -> Result<HashMap<&'static str, Validator>, String> {
    let mut schema: Value = serde_json::from_str(SCHEMA_JSON).map_err(|e| e.to_string())?;
    let defs = schema
        .get_mut("definitions")
        .and_then(Value::as_object_mut)
        .ok_or("schema has no definitions")?;
    defs.insert(
        "io.k8s.apimachinery.pkg.util.intstr.IntOrString".into(),
        json!({"type": ["string", "integer"]}),
    );
    for art in ["Artifact", "ArtifactPaths"] {
        if let Some(mode) = defs
            .get_mut(&format!("{PREFIX}{art}"))
            .and_then(|d| d.pointer_mut("/properties/mode"))
        {
            *mode = json!({"type": ["integer", "string"], "pattern": "^0[0-7]+$"});
        }
    }
    let root = schema.as_object_mut().ok_or("schema is not an object")?;
    root.remove("oneOf");
    let mut out = HashMap::new();
    for kind in KINDS {
        root.insert(
            "$ref".into(),
            Value::String(format!("#/definitions/{PREFIX}{kind}")),
        );
        let v =
            jsonschema::validator_for(&Value::Object(root.clone())).map_err(|e| e.to_string())?;
        out.insert(*kind, v);
    }
    Ok(out)
}

/// Converts a JSON pointer (`/spec/templates/0`) into a [`JsonPath`] (`spec.templates[0]`).
pub fn pointer_to_path(pointer: &str) -> JsonPath {
    let mut path = JsonPath::root();
    for seg in pointer.split('/').skip(1) {
        let seg = seg.replace("~1", "/").replace("~0", "~");
        path = match seg.parse::<usize>() {
            Ok(i) => path.index(i),
            Err(_) => path.key(&seg),
        };
    }
    path
}

/// Validates a document against the schema of its `kind`. Documents that are not Argo kinds
/// (other `apiVersion` or `kind`) give no findings.
pub fn validate(value: &Value) -> Vec<Finding> {
    let argo = value
        .get("apiVersion")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with("argoproj.io/"));
    let Some(kind) = value
        .get("kind")
        .and_then(Value::as_str)
        .filter(|k| argo && KINDS.contains(k))
    else {
        return Vec::new();
    };
    let validators = match &*VALIDATORS {
        Ok(v) => v,
        Err(e) => {
            return vec![Finding::error(
                Rule::Schema,
                &JsonPath::root(),
                format!("embedded schema is unusable: {e}"),
            )];
        }
    };
    let Some(validator) = validators.get(kind) else {
        return Vec::new();
    };
    validator
        .iter_errors(value)
        .map(|e| {
            let mut msg = e.to_string();
            if msg.len() > 240 {
                let cut = (0..=240)
                    .rev()
                    .find(|i| msg.is_char_boundary(*i))
                    .unwrap_or_default();
                msg.truncate(cut);
                msg.push('…');
            }
            Finding::error(
                Rule::Schema,
                &pointer_to_path(e.instance_path().as_str()),
                format!(
                    "{msg} (Argo JSON Schema); change the value to the type the schema expects"
                ),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_become_paths() {
        assert_eq!(
            pointer_to_path("/spec/templates/0/a~1b").to_string(),
            r#"spec.templates[0]["a/b"]"#
        );
        assert!(pointer_to_path("").is_root());
    }
}
