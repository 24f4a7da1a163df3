//! Memory escalation: a task on a machine type with `on_oom` is retried by Argo on the next
//! machine type of its ladder each time its pod is killed for memory.
//!
//! Its template gets:
//! - a `retryStrategy` whose `expression` holds for an OOM kill (`lastRetry.message` contains
//!   `OOMKilled`, or exit code 137) with one retry per rung above the first, combined with the
//!   task's own retry settings: other failures are retried as those say (`limit`, policy,
//!   `expression`), counting every retry, and run on the task's own machine type;
//! - a `podSpecPatch` that Argo substitutes before each attempt (`operator.go`
//!   `executeTemplate`: `retries` is the attempt's number, `lastRetry.*` the previous attempt's):
//!   the rung is `min(oom_rung + retries, top)` after an OOM kill and `oom_rung` otherwise, and
//!   the patch sets the main container's memory (and CPU, GPU, `MEM_LIMIT_GB`/`NUM_CPU`, node
//!   selector, tolerations and affinity where they differ) to that rung's;
//! - the input `oom_rung` (default `0`): the rung the first attempt runs on (`resubmit` raises it
//!   for a task whose last attempt was killed for memory);
//! - the annotation [`LADDER_ANNOTATION`] on its pods: the ladder, `name=memory` per rung.

use std::fmt::Write as _;

use argo_model::{Metadata, Parameter, Template};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde_json::{Map, Value, json};

use super::template::{backoff, scheduling};
use crate::config::{MachineSpec, MachineTypeName, RetryPolicy, RetryStrategy};
use crate::error::LowerError;

/// The input parameter of an escalating template: the rung its first attempt runs on.
pub const RUNG_INPUT: &str = "oom_rung";
/// The annotation of an escalating template's pods: its ladder, `machine_type=memory` per rung
/// (`default=16Gi,highmem=64Gi`).
pub const LADDER_ANNOTATION: &str = "argo-kedro.io/memory-ladder";
/// Argo's retry expression that holds when the last attempt was killed for memory (see
/// [`is_oom`]).
pub const OOM_EXPRESSION: &str =
    "lastRetry.message contains 'OOMKilled' || lastRetry.exitCode == '137'";

/// Whether an attempt with this message and exit code was killed for memory, as
/// [`OOM_EXPRESSION`] reads it.
///
/// ```
/// use argo_fuse::lower::escalate::is_oom;
/// assert!(is_oom("main: OOMKilled (exit code 137)", None));
/// assert!(is_oom("", Some("137")));
/// assert!(!is_oom("main: Error (exit code 1)", Some("1")));
/// ```
pub fn is_oom(message: &str, exit_code: Option<&str>) -> bool {
    message.contains("OOMKilled") || exit_code == Some("137")
}

/// Makes `template` (of a task on `ladder[0]` with retry settings `retry`) escalate up
/// `ladder`. Nothing changes for a ladder of one machine type.
pub(super) fn apply(
    template: &mut Template,
    ladder: &[(&MachineTypeName, &MachineSpec)],
    retry: Option<&RetryStrategy>,
) -> Result<(), LowerError> {
    let Some(((base_name, base), _)) = ladder.split_first() else {
        return Ok(());
    };
    if ladder.len() < 2 {
        return Ok(());
    }
    template.retry_strategy = Some(retry_strategy(base_name.as_str(), ladder.len(), retry)?);
    let mut patches = Vec::with_capacity(ladder.len() - 1);
    for (name, spec) in &ladder[1..] {
        patches.push(rung_patch(
            (base_name.as_str(), base),
            (name.as_str(), spec),
        )?);
    }
    template.pod_spec_patch = Some(pod_spec_patch(&patches));
    if let Some(inputs) = template.inputs.as_mut() {
        inputs.parameters.push(Parameter {
            name: RUNG_INPUT.to_owned(),
            default: Some("0".into()),
            ..Parameter::default()
        });
    }
    let ladder_text: Vec<String> = ladder
        .iter()
        .map(|(name, spec)| format!("{name}={}Gi", spec.mem))
        .collect();
    template
        .metadata
        .get_or_insert_with(Metadata::default)
        .annotations
        .insert(LADDER_ANNOTATION.to_owned(), ladder_text.join(","));
    Ok(())
}

/// The retry strategy of an escalating template: OOM kills retry up the ladder; other failures
/// as the task's own strategy says, within its `limit`.
fn retry_strategy(
    machine_type: &str,
    rungs: usize,
    retry: Option<&RetryStrategy>,
) -> Result<argo_model::RetryStrategy, LowerError> {
    let own_limit = retry.map_or(0, |r| r.limit);
    let mut expression = format!("({OOM_EXPRESSION})");
    if let Some(r) = retry.filter(|r| r.limit > 0) {
        // Argo's `RetryPolicyActual`: the policy, else Always with an expression, else OnFailure.
        let policy = r.retry_policy.unwrap_or(if r.expression.is_some() {
            RetryPolicy::Always
        } else {
            RetryPolicy::OnFailure
        });
        let mut other = vec![format!("asInt(retries) < {}", r.limit)];
        match policy {
            RetryPolicy::Always => {}
            RetryPolicy::OnFailure => other.push("lastRetry.status == 'Failed'".to_owned()),
            RetryPolicy::OnError => other.push("lastRetry.status == 'Error'".to_owned()),
            // Transient errors are recognised by the controller, not by an expression.
            _ => {
                return Err(LowerError::OomRetryPolicy {
                    machine_type: machine_type.to_owned(),
                    policy: policy.as_str(),
                });
            }
        }
        if let Some(e) = &r.expression {
            other.push(format!("({e})"));
        }
        expression = format!("{expression} || ({})", other.join(" && "));
    }
    let extra = u32::try_from(rungs - 1).unwrap_or(u32::MAX);
    let limit = own_limit.saturating_add(extra);
    Ok(argo_model::RetryStrategy {
        limit: Some(IntOrString::Int(i32::try_from(limit).unwrap_or(i32::MAX))),
        retry_policy: Some(RetryPolicy::Always.as_str().to_owned()),
        expression: Some(expression),
        backoff: retry.and_then(|r| r.backoff.as_ref()).map(backoff),
        ..argo_model::RetryStrategy::default()
    })
}

/// The strategic-merge patch of the pod spec that turns the `base` machine type's pod into
/// `rung`'s: the main container's resources and environment, and the scheduling fields that
/// differ (`null` removes what only the base has).
fn rung_patch(
    (base_name, base): (&str, &MachineSpec),
    (rung_name, rung): (&str, &MachineSpec),
) -> Result<Value, LowerError> {
    let mut limits = Map::new();
    limits.insert("memory".into(), json!(format!("{}Gi", rung.mem)));
    let mut env = vec![json!({"name": "MEM_LIMIT_GB", "value": rung.mem.to_string()})];
    if rung.cpu != base.cpu {
        limits.insert("cpu".into(), json!(rung.cpu.to_string()));
        env.push(json!({"name": "NUM_CPU", "value": rung.cpu.to_string()}));
    }
    if rung.num_gpu != base.num_gpu {
        let gpu = if rung.num_gpu > 0 {
            json!(rung.num_gpu.to_string())
        } else {
            Value::Null
        };
        limits.insert("nvidia.com/gpu".into(), gpu);
    }
    let container = json!({
        "name": "main",
        "resources": {"limits": limits.clone(), "requests": limits},
        "env": env,
    });
    let mut patch = Map::new();
    patch.insert("containers".into(), json!([container]));
    if rung.node_selector != base.node_selector {
        let mut selector: Map<String, Value> = base
            .node_selector
            .keys()
            .map(|k| (k.clone(), Value::Null))
            .collect();
        for (k, v) in &rung.node_selector {
            selector.insert(k.clone(), json!(v));
        }
        patch.insert("nodeSelector".into(), Value::Object(selector));
    }
    let (base_tolerations, base_affinity) = scheduling(base_name, base)?;
    let (tolerations, affinity) = scheduling(rung_name, rung)?;
    if tolerations != base_tolerations {
        patch.insert("tolerations".into(), encode(&tolerations)?);
    }
    if affinity != base_affinity {
        patch.insert("affinity".into(), encode(&affinity)?);
    }
    Ok(Value::Object(patch))
}

/// A Kubernetes object as JSON.
fn encode<T: serde::Serialize>(v: &T) -> Result<Value, LowerError> {
    serde_json::to_value(v).map_err(|source| LowerError::Build {
        what: "podSpecPatch",
        source,
    })
}

/// The rung of an attempt, as an Argo expression over `retries`, `lastRetry.*` and the input
/// `oom_rung`: `oom_rung + retries` after an OOM kill, `oom_rung` after anything else.
fn rung_expression() -> String {
    format!("(({OOM_EXPRESSION}) ? asInt(retries) : 0) + asInt(inputs.parameters.{RUNG_INPUT})")
}

/// The `podSpecPatch`: one `{{=...}}` expression that picks, by the attempt's rung, the patch of
/// that rung (`patches[k - 1]` for rung `k`; `{}` for the first rung; the top one beyond). The
/// JSON is compact with `} }` for `}}`, which would end the tag.
fn pod_spec_patch(patches: &[Value]) -> String {
    let rung = rung_expression();
    let mut text = String::from("{{=");
    for (k, patch) in patches.iter().enumerate().rev() {
        let json = quote(&patch.to_string());
        let _ = write!(text, "\n{rung} >= {} ? '{json}' :", k + 1);
    }
    text.push_str("\n'{}'}}");
    text
}

/// `s` inside a single-quoted expr-lang string, with no `}}` in it.
fn quote(s: &str) -> String {
    let mut out = s.replace('\\', "\\\\").replace('\'', "\\'");
    while out.contains("}}") {
        out = out.replace("}}", "} }");
    }
    out
}

mod read;
#[cfg(test)]
mod tests;

pub use read::{Escalation, Rung, ladder_of, oom_escalations};
