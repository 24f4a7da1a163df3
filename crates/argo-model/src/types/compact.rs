//! Serialisers for k8s-openapi types that would otherwise write fields an Argo manifest leaves out:
//! k8s-openapi writes `Container.name` even when empty (Argo templates name their container
//! `main` implicitly) and `apiVersion`/`kind` of every `PersistentVolumeClaim`.

use k8s_openapi::api::core::v1::{Container, PersistentVolumeClaim};
use serde::ser::{Error as _, Serialize, Serializer};
use serde_json::Value;

fn to_value<T: Serialize, S: Serializer>(v: &T) -> Result<Value, S::Error> {
    serde_json::to_value(v).map_err(S::Error::custom)
}

#[allow(
    clippy::ref_option,
    reason = "the signature serde's serialize_with requires"
)]
pub(super) fn container<S: Serializer>(
    c: &Option<Container>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let Some(c) = c else {
        return serializer.serialize_none();
    };
    let mut v = to_value::<_, S>(c)?;
    if let Some(map) = v.as_object_mut()
        && map.get("name").is_some_and(|n| n.as_str() == Some(""))
    {
        map.remove("name");
    }
    v.serialize(serializer)
}

pub(super) fn claims<S: Serializer>(
    claims: &[PersistentVolumeClaim],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut out = Vec::with_capacity(claims.len());
    for c in claims {
        let mut v = to_value::<_, S>(c)?;
        if let Some(map) = v.as_object_mut() {
            map.remove("apiVersion");
            map.remove("kind");
        }
        out.push(v);
    }
    out.serialize(serializer)
}
