//! Validation against Argo's JSON Schema (`schema/schema.json`, embedded), one validator per kind so
//! that errors name the field at fault rather than a failed `oneOf`.
//!
//! Upstream quirks are patched in memory, so that what Argo reads is accepted: `IntOrString`
//! accepts integers (the schema says string only, upstream's own tests allow-list it); artifact
//! `mode` accepts octal text such as `"0755"` (what `mode: 0755` reads as in YAML 1.2); the
//! `AnyString` fields of parameters (`value`, `default`, `description`, `enum`) accept numbers and
//! booleans, as Argo's `AnyString.UnmarshalJSON` does; a script needs no `source` and a gauge no
//! `realtime` (`argo lint` and the controller accept both).
//!
//! As Argo does before it validates a template (`mergedTemplateDefaultsInto`), each template is
//! checked with `spec.templateDefaults` merged into it (only the defaults of its own type), so a
//! container whose image comes from the defaults passes.
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
use serde_json::{Map, Value, json};

use crate::lint::{Finding, Rule};
use crate::{DagTask, JsonPath, Workflow};

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

/// The validator of one DAG task (`DAGTask`, in the same patched schema), for
/// [`validate_workflow`].
static TASK_VALIDATOR: LazyLock<Result<Validator, String>> = LazyLock::new(|| {
    let mut root = patched_root()?;
    root.insert(
        "$ref".into(),
        Value::String(format!("#/definitions/{PREFIX}DAGTask")),
    );
    jsonschema::validator_for(&Value::Object(root)).map_err(|e| e.to_string())
});

fn build() -> Result<HashMap<&'static str, Validator>, String> {
    let mut root = patched_root()?;
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

/// The upstream schema with the two quirks patched and without its root `oneOf`.
fn patched_root() -> Result<Map<String, Value>, String> {
    let mut schema: Value = serde_json::from_str(SCHEMA_JSON).map_err(|e| e.to_string())?;
    let defs = schema
        .get_mut("definitions")
        .and_then(Value::as_object_mut)
        .ok_or("schema has no definitions")?;
    defs.insert(
        "io.k8s.apimachinery.pkg.util.intstr.IntOrString".into(),
        json!({"type": ["string", "integer"]}),
    );
    let any_string = json!({"type": ["string", "number", "integer", "boolean"]});
    if let Some(props) = defs
        .get_mut(&format!("{PREFIX}Parameter"))
        .and_then(|d| d.pointer_mut("/properties"))
        .and_then(Value::as_object_mut)
    {
        for key in ["default", "value", "description"] {
            props.insert(key.into(), any_string.clone());
        }
        props.insert(
            "enum".into(),
            json!({"type": "array", "items": any_string.clone()}),
        );
    }
    if let Some(default) = defs
        .get_mut(&format!("{PREFIX}ValueFrom"))
        .and_then(|d| d.pointer_mut("/properties/default"))
    {
        *default = any_string;
    }
    for (def, required) in [
        ("ScriptTemplate", json!(["image"])),
        ("Gauge", json!(["value"])),
    ] {
        if let Some(d) = defs
            .get_mut(&format!("{PREFIX}{def}"))
            .and_then(Value::as_object_mut)
        {
            d.insert("required".into(), required);
        }
    }
    for art in ["Artifact", "ArtifactPaths"] {
        if let Some(mode) = defs
            .get_mut(&format!("{PREFIX}{art}"))
            .and_then(|d| d.pointer_mut("/properties/mode"))
        {
            *mode = json!({"type": ["integer", "string"], "pattern": "^0[0-7]+$"});
        }
    }
    let Value::Object(mut root) = schema else {
        return Err("schema is not an object".into());
    };
    root.remove("oneOf");
    Ok(root)
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
    let merged = with_template_defaults(value, kind);
    validator
        .iter_errors(merged.as_ref().unwrap_or(value))
        .map(|e| finding(&e, &pointer_to_path(e.instance_path().as_str())))
        .collect()
}

/// The template types (the keys of a template that say what it is).
const TEMPLATE_TYPES: &[&str] = &[
    "container",
    "containerSet",
    "steps",
    "dag",
    "script",
    "resource",
    "data",
    "suspend",
    "http",
    "plugin",
];

/// `value` with `templateDefaults` merged into each template, as Argo's
/// `mergedTemplateDefaultsInto` does before it runs one: the defaults of other template types
/// are dropped, then the template's own fields win (objects merged key by key, lists replaced).
/// `None` when the document has no `templateDefaults`.
fn with_template_defaults(value: &Value, kind: &str) -> Option<Value> {
    let spec = if kind == "CronWorkflow" {
        "/spec/workflowSpec"
    } else {
        "/spec"
    };
    let defaults = value
        .pointer(&format!("{spec}/templateDefaults"))?
        .as_object()?;
    let mut merged = value.clone();
    let templates = merged
        .pointer_mut(&format!("{spec}/templates"))?
        .as_array_mut()?;
    for t in templates {
        let Value::Object(own) = t else { continue };
        let ty = TEMPLATE_TYPES.iter().find(|k| own.contains_key(**k));
        let mut base = defaults.clone();
        base.retain(|k, _| !TEMPLATE_TYPES.contains(&k.as_str()) || Some(&k.as_str()) == ty);
        let mut out = Value::Object(base);
        merge(&mut out, t);
        *t = out;
    }
    Some(merged)
}

/// Merges `over` into `base`: objects key by key, anything else replaced.
fn merge(base: &mut Value, over: &Value) {
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                match b.get_mut(k) {
                    Some(slot) => merge(slot, v),
                    None => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (b, o) => *b = o.clone(),
    }
}

/// Validates a [`Workflow`] against the schema: the same findings as [`validate`] of its JSON
/// value (in another order when several parts have findings), without building the value of the
/// whole document at once.
///
/// The DAG tasks are taken out while the rest of the document is validated (with `tasks: []`,
/// so that a DAG's `required: [tasks]` is met as in the whole document), then each task is
/// validated on its own against `DAGTask`, its findings' paths prefixed with the task's. This is
/// the same check: in the schema a DAG's `tasks` is `{type: array, items: {$ref: DAGTask}}`
/// with no other keyword on the array, so the whole document is valid exactly when the rest is
/// valid and every task is, and the errors are the union of theirs. The workflow is left as it
/// was. [`validate_workflow_shell`] and [`TaskCheck::run`] are the two parts.
///
/// ```
/// let mut wf: argo_model::Workflow = serde_json::from_value(serde_json::json!({
///     "apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow", "metadata": {"name": "w"},
///     "spec": {"entrypoint": "main", "templates": [{"name": "main", "dag": {"tasks": [
///         {"name": "a", "template": "main"},
///         {"template": "main"}
///     ]}}]}
/// }))?;
/// let findings = argo_model::schema::validate_workflow(&mut wf)?;
/// assert_eq!(findings[0].path, "spec.templates[0].dag.tasks[1]");
/// assert_eq!(findings, argo_model::schema::validate(&serde_json::to_value(&wf)?));
/// assert_eq!(wf.spec.templates[0].dag.as_ref().map(|d| d.tasks.len()), Some(2));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn validate_workflow(workflow: &mut Workflow) -> Result<Vec<Finding>, serde_json::Error> {
    let (mut out, tasks) = validate_workflow_shell(workflow)?;
    out.extend(tasks.run(workflow)?);
    Ok(out)
}

/// The first part of [`validate_workflow`]: everything but the DAG tasks (which are taken out
/// and put back), and what is left to check of them. The second part, [`TaskCheck::run`],
/// reads the workflow by reference, so it can run on another thread while the workflow is
/// also read elsewhere (written out, linted).
pub fn validate_workflow_shell(
    workflow: &mut Workflow,
) -> Result<(Vec<Finding>, TaskCheck), serde_json::Error> {
    let mut taken: Vec<(usize, Vec<DagTask>)> = Vec::new();
    for (k, t) in workflow.spec.templates.iter_mut().enumerate() {
        if let Some(dag) = &mut t.dag
            && !dag.tasks.is_empty()
        {
            taken.push((k, std::mem::take(&mut dag.tasks)));
        }
    }
    let rest = serde_json::to_value(&*workflow);
    for (k, tasks) in &mut taken {
        if let Some(dag) = &mut workflow.spec.templates[*k].dag {
            dag.tasks = std::mem::take(tasks);
        }
    }
    let mut rest = rest?;
    let split = rest.get("kind").and_then(Value::as_str) == Some("Workflow")
        && rest
            .get("apiVersion")
            .and_then(Value::as_str)
            .is_some_and(|v| v.starts_with("argoproj.io/"));
    if !split || TASK_VALIDATOR.is_err() {
        // Not validated as a Workflow (or no usable schema): as `validate` does.
        let whole = validate(&serde_json::to_value(&*workflow)?);
        return Ok((whole, TaskCheck { applies: false }));
    }
    for (k, _) in &taken {
        if let Some(dag) = rest
            .pointer_mut(&format!("/spec/templates/{k}/dag"))
            .and_then(Value::as_object_mut)
        {
            dag.insert("tasks".into(), Value::Array(Vec::new()));
        }
    }
    Ok((validate(&rest), TaskCheck { applies: true }))
}

/// The second part of [`validate_workflow`]: the DAG tasks, one by one (see
/// [`validate_workflow_shell`]).
#[derive(Debug, PartialEq, Eq)]
#[must_use = "the tasks are not checked until `run` is called"]
pub struct TaskCheck {
    /// False when the first part already validated the whole document.
    applies: bool,
}

impl TaskCheck {
    /// Validates each DAG task of `workflow` (the one given to [`validate_workflow_shell`]).
    pub fn run(self, workflow: &Workflow) -> Result<Vec<Finding>, serde_json::Error> {
        let mut out = Vec::new();
        let (true, Ok(validator)) = (self.applies, TASK_VALIDATOR.as_ref()) else {
            return Ok(out);
        };
        for (k, template) in workflow.spec.templates.iter().enumerate() {
            let Some(dag) = &template.dag else { continue };
            for (i, task) in dag.tasks.iter().enumerate() {
                let value = serde_json::to_value(task)?;
                for e in validator.iter_errors(&value) {
                    let pointer = format!("/spec/templates/{k}/dag/tasks/{i}{}", e.instance_path());
                    out.push(finding(&e, &pointer_to_path(&pointer)));
                }
            }
        }
        Ok(out)
    }
}

/// A schema error as a finding at `path` (the message cut to 240 characters).
fn finding(e: &jsonschema::ValidationError<'_>, path: &JsonPath) -> Finding {
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
        path,
        format!("{msg} (Argo JSON Schema); change the value to the type the schema expects"),
    )
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
