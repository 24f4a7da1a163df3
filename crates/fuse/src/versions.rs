//! One Kedro version per workflow run: what the manifest gives the runtime hook, and the
//! version string both sides derive from it.
//!
//! Every worker template sets [`RUN_CREATED_ENV`] to `{{workflow.creationTimestamp}}`,
//! [`RUN_UID_ENV`] to `{{workflow.uid}}` and [`REUSED_VERSIONS_ENV`] to the workflow parameter
//! [`REUSED_VERSIONS_PARAM`] (empty when compiled). Argo substitutes them at run time, the same
//! in every pod of one run, so the manifest itself stays byte-for-byte deterministic and each
//! run of a `CronWorkflow` gets its own version. The hook (`argo_kedro.versions`) saves every
//! versioned dataset of every task under [`run_version`] and loads what the run wrote (or what
//! the runs in [`REUSED_VERSIONS_PARAM`] wrote) at that version. A memoized resubmit reuses
//! the results of the succeeded tasks: [`memoized_resubmit_parameter`] says where they are.

use argo_model::Workflow;
use k8s_openapi::jiff::Timestamp;

use crate::names::fnv1a64;

/// Worker env var: the workflow's creation time (`{{workflow.creationTimestamp}}`).
pub const RUN_CREATED_ENV: &str = "ARGO_KEDRO_RUN_CREATED";
/// Worker env var: the workflow's uid (`{{workflow.uid}}`).
pub const RUN_UID_ENV: &str = "ARGO_KEDRO_RUN_UID";
/// Worker env var: the versions of earlier runs whose results this run reuses.
pub const REUSED_VERSIONS_ENV: &str = "ARGO_KEDRO_REUSED_VERSIONS";
/// Workflow parameter: the versions of earlier runs whose results this run reuses, newest
/// first, comma-separated (empty in a compiled manifest).
pub const REUSED_VERSIONS_PARAM: &str = "reused_versions";

/// The Kedro version of the workflow run created at `created` with uid `uid`: the creation
/// time in UTC in Kedro's `VERSION_FORMAT` (`%Y-%m-%dT%H.%M.%S.%fZ` cut to milliseconds),
/// whose milliseconds, which Kubernetes does not record, are `FNV-1a-64(uid) mod 1000`, so that
/// two workflows created in the same second get different versions (unless their uids collide
/// modulo 1000). The hook's `argo_kedro.versions.run_version` computes the same string.
///
/// ```
/// use argo_fuse::versions::run_version;
///
/// let created = "2024-05-01T12:00:07Z".parse()?;
/// assert_eq!(run_version(created, ""), "2024-05-01T12.00.07.037Z");
/// assert_eq!(run_version(created, "run-a"), "2024-05-01T12.00.07.204Z");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn run_version(created: Timestamp, uid: &str) -> String {
    let millis = fnv1a64(uid.as_bytes()) % 1000;
    format!("{}.{millis:03}Z", created.strftime("%Y-%m-%dT%H.%M.%S"))
}

/// The versions a memoized resubmit of `old` reuses results from, as the `NAME=VALUE` override
/// of [`REUSED_VERSIONS_PARAM`]: `old`'s own version first (its succeeded tasks wrote there),
/// then the versions `old` itself reused (its reused tasks' results are still there). `None`
/// when `old` does not declare the parameter (compiled before it existed, or not by argo-kedro)
/// or has no creation time or uid (never stored by the API server).
///
/// ```
/// use argo_fuse::versions::{REUSED_VERSIONS_PARAM, memoized_resubmit_parameter};
/// use argo_model::{Arguments, Parameter, Workflow};
/// use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
///
/// let mut old = Workflow::new("demo-x1y2z");
/// old.metadata.creation_timestamp = Some(Time("2024-05-01T12:00:07Z".parse()?));
/// old.metadata.uid = Some("run-a".into());
/// old.spec.arguments = Some(Arguments {
///     parameters: vec![Parameter {
///         name: REUSED_VERSIONS_PARAM.into(),
///         value: Some("2024-04-30T08.00.00.001Z".into()),
///         ..Parameter::default()
///     }],
///     ..Arguments::default()
/// });
/// assert_eq!(
///     memoized_resubmit_parameter(&old).as_deref(),
///     Some("reused_versions=2024-05-01T12.00.07.204Z,2024-04-30T08.00.00.001Z")
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn memoized_resubmit_parameter(old: &Workflow) -> Option<String> {
    let declared = old
        .spec
        .arguments
        .as_ref()?
        .parameters
        .iter()
        .find(|p| p.name == REUSED_VERSIONS_PARAM)?;
    let created = old.metadata.creation_timestamp.as_ref()?;
    let uid = old.metadata.uid.as_deref().filter(|u| !u.is_empty())?;
    let mut versions = vec![run_version(created.0, uid)];
    let earlier = declared
        .value
        .as_ref()
        .map_or("", argo_model::AnyString::as_str);
    for v in earlier.split(',').map(str::trim).filter(|v| !v.is_empty()) {
        if !versions.iter().any(|known| known == v) {
            versions.push(v.to_owned());
        }
    }
    Some(format!("{REUSED_VERSIONS_PARAM}={}", versions.join(",")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The golden cases of `tests/python/test_versions.py` (the hook's side).
    #[test]
    fn run_version_matches_the_hook() {
        for (created, uid, expected) in [
            ("2024-05-01T12:00:07Z", "", "2024-05-01T12.00.07.037Z"),
            ("2024-05-01T14:00:07+02:00", "", "2024-05-01T12.00.07.037Z"),
            (
                "2024-05-01T12:00:07Z",
                "7c4a1d0e-2b9f-4a51-9d3e-0f6b8c2e1a55",
                "2024-05-01T12.00.07.099Z",
            ),
            (
                "2024-12-31T23:59:59-01:00",
                "local-spaceflights-mini",
                "2025-01-01T00.59.59.254Z",
            ),
        ] {
            let ts: Timestamp = created.parse().expect("RFC 3339");
            assert_eq!(run_version(ts, uid), expected, "{created} {uid}");
        }
    }

    #[test]
    fn no_parameter_without_the_declaration_or_the_server_fields() {
        let mut old = Workflow::new("demo-x1y2z");
        old.metadata.creation_timestamp =
            Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(
                "2024-05-01T12:00:07Z".parse().expect("RFC 3339"),
            ));
        old.metadata.uid = Some("run-a".into());
        assert_eq!(memoized_resubmit_parameter(&old), None);
        old.spec.arguments = Some(argo_model::Arguments {
            parameters: vec![argo_model::Parameter {
                name: REUSED_VERSIONS_PARAM.into(),
                value: Some("".into()),
                ..argo_model::Parameter::default()
            }],
            ..argo_model::Arguments::default()
        });
        assert_eq!(
            memoized_resubmit_parameter(&old).as_deref(),
            Some("reused_versions=2024-05-01T12.00.07.204Z")
        );
        old.metadata.uid = None;
        assert_eq!(memoized_resubmit_parameter(&old), None);
    }
}
