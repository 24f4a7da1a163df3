//! The key tree of `argo.yml`, checked before deserialising so that an unknown key is reported
//! with its full path and the nearest valid key (serde's own message has neither).

use serde_json::Value;

use crate::suggest;

/// The expected shape of a value.
pub(super) enum Shape {
    /// A mapping with these keys.
    Struct(&'static [(&'static str, Shape)]),
    /// A mapping with free keys, each value of this shape.
    Map(&'static Shape),
    /// A list of this shape.
    List(&'static Shape),
    /// Anything (scalars, or objects passed through as written: `affinity`).
    Any,
}

use Shape::{Any, List, Map, Struct};

const SECRET_REF: Shape = Struct(&[("name", Any), ("key", Any), ("path", Any)]);
const ENV: Shape = Struct(&[("name", Any), ("value", Any), ("secret_ref", SECRET_REF)]);
const TOLERATION: Shape = Struct(&[
    ("key", Any),
    ("operator", Any),
    ("value", Any),
    ("effect", Any),
    ("toleration_seconds", Any),
]);
const MACHINE_TYPE: Shape = Struct(&[
    ("mem", Any),
    ("cpu", Any),
    ("num_gpu", Any),
    ("emph_storage", Any),
    ("node_selector", Map(&Any)),
    ("tolerations", List(&TOLERATION)),
    ("affinity", Any),
    ("on_oom", Any),
]);
const CONTAINER: Shape = Struct(&[
    ("name", Any),
    ("command", Any),
    ("env", List(&ENV)),
    ("args", Any),
]);
const SIDECAR: Shape = Struct(&[
    ("name", Any),
    ("image", Any),
    ("env", List(&ENV)),
    (
        "volume_mounts",
        List(&Struct(&[
            ("name", Any),
            ("mount_path", Any),
            ("read_only", Any),
        ])),
    ),
]);
const CUSTOM_TEMPLATE: Shape = Struct(&[
    ("name", Any),
    ("container", CONTAINER),
    (
        "outputs",
        Struct(&[("parameters", List(&Struct(&[("name", Any), ("path", Any)])))]),
    ),
    ("sidecars", List(&SIDECAR)),
    (
        "volumes",
        List(&Struct(&[("name", Any), ("secret_ref", SECRET_REF)])),
    ),
]);
const RETRY: Shape = Struct(&[
    ("limit", Any),
    ("retry_policy", Any),
    (
        "backoff",
        Struct(&[("duration", Any), ("factor", Any), ("max_duration", Any)]),
    ),
    ("expression", Any),
]);

/// The whole of `argo.yml`.
pub(super) const ROOT: Shape = Struct(&[
    ("namespace", Any),
    (
        "deployment",
        Struct(&[
            ("image", Any),
            ("tag", Any),
            ("target_platform", Any),
            ("context", Any),
            ("dockerfile", Any),
            ("image_pull_policy", Any),
        ]),
    ),
    ("runner", Struct(&[("use_memory_datasets", Any)])),
    ("machine_types", Map(&MACHINE_TYPE)),
    ("default_machine_type", Any),
    (
        "template",
        Struct(&[
            ("templates", List(&CUSTOM_TEMPLATE)),
            ("environment", List(&ENV)),
            ("init_templates", Any),
            ("emph_storage_mount_path", Any),
            ("default_template", Any),
        ]),
    ),
    ("retry_strategy", RETRY),
    ("retry_overrides", Map(&RETRY)),
    (
        "ttl_strategy",
        Struct(&[
            ("seconds_after_completion", Any),
            ("seconds_after_success", Any),
            ("seconds_after_failure", Any),
        ]),
    ),
    (
        "pod_gc",
        Struct(&[("strategy", Any), ("delete_delay_duration", Any)]),
    ),
    ("service_account", Any),
    ("labels", Map(&Any)),
    ("annotations", Map(&Any)),
    ("ui_link", Any),
    ("grouping", Any),
    (
        "schedule",
        Struct(&[
            ("cron", Any),
            ("timezone", Any),
            ("concurrency_policy", Any),
            ("starting_deadline", Any),
        ]),
    ),
]);

/// An unknown key: its full path, and the nearest valid key at that place.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Unknown {
    pub(super) path: String,
    pub(super) nearest: Option<String>,
}

/// Removes `null` values from mappings (a key written without a value means "the default", as
/// pydantic read `template:` with nothing under it), then reports the first unknown key in
/// document order.
pub(super) fn check(value: &mut Value, shape: &Shape, path: &str) -> Result<(), Unknown> {
    match (shape, value) {
        (Struct(fields), Value::Object(map)) => {
            map.retain(|_, v| !v.is_null());
            for (key, v) in map.iter_mut() {
                let child = join(path, key);
                match fields.iter().find(|(name, _)| name == key) {
                    Some((_, inner)) => check(v, inner, &child)?,
                    None => {
                        return Err(Unknown {
                            path: child,
                            nearest: suggest::nearest_one(key, fields.iter().map(|(n, _)| *n)),
                        });
                    }
                }
            }
            Ok(())
        }
        (Map(inner), Value::Object(map)) => {
            for (key, v) in map.iter_mut() {
                check(v, inner, &join(path, key))?;
            }
            Ok(())
        }
        (List(inner), Value::Array(items)) => {
            for (i, v) in items.iter_mut().enumerate() {
                check(v, inner, &format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        // Anything else is serde's to judge (a wrong type gets a typed error with its path).
        _ => Ok(()),
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(mut v: Value) -> Result<Value, Unknown> {
        check(&mut v, &ROOT, "").map(|()| v)
    }

    #[test]
    fn names_the_path_and_the_nearest_key() {
        let err = run(json!({"machine_types": {"gpu": {"mem": 1, "num_gpus": 1}}}));
        assert_eq!(
            err,
            Err(Unknown {
                path: "machine_types.gpu.num_gpus".into(),
                nearest: Some("num_gpu".into())
            })
        );
        let err =
            run(json!({"template": {"templates": [{"name": "a", "sidecars": [{"imag": 1}]}]}}));
        assert_eq!(
            err.map_err(|u| u.path),
            Err("template.templates[0].sidecars[0].imag".to_owned())
        );
    }

    #[test]
    fn drops_nulls_and_accepts_free_maps() {
        let v = run(
            json!({"template": null, "labels": {"any-key": "v"}, "machine_types": {"x": {"affinity": {"nodeAffinity": {}}}}}),
        );
        assert_eq!(
            v.ok(),
            Some(
                json!({"labels": {"any-key": "v"}, "machine_types": {"x": {"affinity": {"nodeAffinity": {}}}}})
            )
        );
    }
}
