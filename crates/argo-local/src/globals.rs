//! `{{workflow.*}}` values and workflow parameters (with overrides).

use std::collections::BTreeMap;

use argo_model::Workflow;
use jiff::Timestamp;

use crate::RunOptions;
use crate::error::{Error, Result};

/// `{{workflow.*}}` and other global values.
pub(crate) fn globals(
    wf: &Workflow,
    options: &RunOptions,
    name: &str,
    entry: &str,
) -> Result<BTreeMap<String, String>> {
    let mut g = BTreeMap::new();
    g.insert("workflow.name".to_owned(), name.to_owned());
    g.insert(
        "workflow.namespace".to_owned(),
        wf.metadata
            .namespace
            .clone()
            .unwrap_or_else(|| "default".into()),
    );
    let uid = options.uid.clone().unwrap_or_else(random_uid);
    g.insert("workflow.uid".to_owned(), uid);
    // As the controller's `setGlobalParameters`: RFC 3339 of a time Kubernetes keeps to the second.
    let created = options.created.unwrap_or_else(Timestamp::now);
    let created = Timestamp::from_second(created.as_second()).unwrap_or(created);
    let rfc3339 = created.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    g.insert("workflow.creationTimestamp".to_owned(), rfc3339.clone());
    g.insert("workflow.creationTimestamp.RFC3339".to_owned(), rfc3339);
    g.insert(
        "workflow.creationTimestamp.s".to_owned(),
        created.as_second().to_string(),
    );
    g.insert("workflow.mainEntrypoint".to_owned(), entry.to_owned());
    if let Some(sa) = &wf.spec.service_account_name {
        g.insert("workflow.serviceAccountName".to_owned(), sa.clone());
    }
    let declared = wf
        .spec
        .arguments
        .as_ref()
        .map(|a| a.parameters.as_slice())
        .unwrap_or_default();
    for p in declared {
        let value = options
            .parameters
            .iter()
            .rev()
            .find(|(n, _)| *n == p.name)
            .map(|(_, v)| v.clone());
        let value = value
            .or_else(|| p.value.as_ref().map(|v| v.as_str().to_owned()))
            .or_else(|| {
                p.value_from
                    .as_ref()
                    .and_then(|f| f.default.as_ref())
                    .map(|v| v.as_str().to_owned())
            })
            .ok_or_else(|| Error::MissingWorkflowParameter {
                name: p.name.clone(),
            })?;
        g.insert(format!("workflow.parameters.{}", p.name), value);
    }
    for (n, v) in &options.parameters {
        g.entry(format!("workflow.parameters.{n}"))
            .or_insert_with(|| v.clone());
    }
    Ok(g)
}

/// A random UUID (version 4) for `{{workflow.uid}}`: every run is a new workflow.
fn random_uid() -> String {
    use std::hash::{BuildHasher, Hasher};
    let nanos = Timestamp::now().as_nanosecond().unsigned_abs();
    let mut halves = [0u64; 2];
    for (i, half) in halves.iter_mut().enumerate() {
        // Each RandomState has its own random keys.
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(nanos);
        h.write_usize(i);
        *half = h.finish();
    }
    let mut v = (u128::from(halves[0]) << 64) | u128::from(halves[1]);
    v = (v & !(0xf << 76)) | (0x4 << 76); // version 4
    v = (v & !(0x3 << 62)) | (0x2 << 62); // RFC 4122 variant
    let hex = format!("{v:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}
