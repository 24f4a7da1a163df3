//! Each rule of `processNodeRetries` / `RetryPolicyActual` (Argo's controller), one test each.

use std::time::{Duration, Instant};

use argo_model::RetryStrategy;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::*;

fn strategy(json: serde_json::Value) -> Strategy {
    let r: RetryStrategy = serde_json::from_value(json).unwrap();
    Strategy::new(&r).unwrap()
}

fn attempt(status: TaskStatus, code: Option<i32>, start: Instant, secs: u64) -> AttemptRecord {
    AttemptRecord {
        status,
        exit_code: code,
        message: code.map_or_else(
            || "cannot start".into(),
            |c| format!("main: Error (exit code {c})"),
        ),
        started: start,
        finished: start + Duration::from_secs(secs),
    }
}

fn failed(n: usize, t0: Instant) -> Vec<AttemptRecord> {
    (0..n)
        .map(|_| attempt(TaskStatus::Failed, Some(1), t0, 1))
        .collect()
}

fn limit(s: &Strategy) -> Option<u32> {
    match &s.limit {
        Some(Limit::Count(n)) => Some(*n),
        _ => None,
    }
}

#[test]
fn retry_policy_actual_defaults_to_always_with_an_expression() {
    assert_eq!(strategy(serde_json::json!({})).policy, Policy::OnFailure);
    assert_eq!(
        strategy(serde_json::json!({"expression": "true"})).policy,
        Policy::Always
    );
    assert_eq!(
        strategy(serde_json::json!({"expression": "true", "retryPolicy": "OnError"})).policy,
        Policy::OnError
    );
}

#[test]
fn process_node_retries_without_limit_retries_without_bound() {
    let s = strategy(serde_json::json!({}));
    let t0 = Instant::now();
    assert_eq!(
        decide(&s, limit(&s), &failed(1000, t0), t0, None).unwrap(),
        Decision::Retry { deadline: None }
    );
}

#[test]
fn process_node_retries_stops_after_limit_retries() {
    let s = strategy(serde_json::json!({"limit": 2}));
    let t0 = Instant::now();
    assert_eq!(
        decide(&s, limit(&s), &failed(2, t0), t0, None).unwrap(),
        Decision::Retry { deadline: None }
    );
    assert_eq!(
        decide(&s, limit(&s), &failed(3, t0), t0, None).unwrap(),
        Decision::Stop("No more retries left".into())
    );
    let s = strategy(serde_json::json!({"limit": "0"}));
    assert_eq!(
        decide(&s, limit(&s), &failed(1, t0), t0, None).unwrap(),
        Decision::Stop("No more retries left".into())
    );
}

#[test]
fn process_node_retries_follows_the_policy() {
    let t0 = Instant::now();
    let errored = vec![attempt(TaskStatus::Errored, None, t0, 0)];
    let on_failure = strategy(serde_json::json!({"limit": 3}));
    assert_eq!(
        decide(&on_failure, Some(3), &errored, t0, None).unwrap(),
        Decision::Stop("cannot start".into())
    );
    let on_error = strategy(serde_json::json!({"limit": 3, "retryPolicy": "OnError"}));
    assert!(matches!(
        decide(&on_error, Some(3), &errored, t0, None).unwrap(),
        Decision::Retry { .. }
    ));
    assert_eq!(
        decide(&on_error, Some(3), &failed(1, t0), t0, None).unwrap(),
        Decision::Stop("main: Error (exit code 1)".into())
    );
    let always = strategy(serde_json::json!({"limit": 3, "retryPolicy": "Always"}));
    assert!(matches!(
        decide(&always, Some(3), &errored, t0, None).unwrap(),
        Decision::Retry { .. }
    ));
    assert!(matches!(
        decide(&always, Some(3), &failed(1, t0), t0, None).unwrap(),
        Decision::Retry { .. }
    ));
}

#[test]
fn process_node_retries_on_transient_error_matches_is_transient_err() {
    let t0 = Instant::now();
    let s = strategy(serde_json::json!({"limit": 3, "retryPolicy": "OnTransientError"}));
    let mut a = attempt(TaskStatus::Failed, Some(1), t0, 0);
    a.message = "dial tcp: connect: connection refused".into();
    assert!(matches!(
        decide(&s, Some(3), &[a.clone()], t0, None).unwrap(),
        Decision::Retry { .. }
    ));
    a.message = "main: Error (exit code 1)".into();
    assert_eq!(
        decide(&s, Some(3), &[a.clone()], t0, None).unwrap(),
        Decision::Stop(a.message.clone())
    );
    let pattern = regex::Regex::new("exit code 1").unwrap();
    assert!(matches!(
        decide(&s, Some(3), &[a], t0, Some(&pattern)).unwrap(),
        Decision::Retry { .. }
    ));
}

#[test]
fn process_node_retries_evaluates_the_expression_on_last_retry() {
    let t0 = Instant::now();
    let s = strategy(
        serde_json::json!({"limit": 5, "expression": "asInt(lastRetry.exitCode) == 137 && lastRetry.status == 'Failed' && retries == '0'"}),
    );
    let oom = vec![attempt(TaskStatus::Failed, Some(137), t0, 3)];
    assert!(matches!(
        decide(&s, Some(5), &oom, t0, None).unwrap(),
        Decision::Retry { .. }
    ));
    assert_eq!(
        decide(&s, Some(5), &failed(1, t0), t0, None).unwrap(),
        Decision::Stop("retryStrategy.expression evaluated to false".into())
    );
    // Policy Always (the default with an expression): an errored attempt is judged by it too.
    let s = strategy(
        serde_json::json!({"expression": "lastRetry.status == 'Error' && lastRetry.exitCode == '-1'"}),
    );
    let errored = vec![attempt(TaskStatus::Errored, None, t0, 0)];
    assert!(matches!(
        decide(&s, None, &errored, t0, None).unwrap(),
        Decision::Retry { .. }
    ));
}

#[test]
fn process_node_retries_backoff_waits_duration_times_factor_up_to_cap() {
    let b = Backoff {
        duration: Duration::from_secs(1),
        factor: Some(2),
        cap: Some(Duration::from_secs(3)),
        max_duration: None,
    };
    assert_eq!(backoff_wait(&b, 1), Duration::from_secs(1));
    assert_eq!(backoff_wait(&b, 2), Duration::from_secs(2));
    assert_eq!(backoff_wait(&b, 3), Duration::from_secs(3));
    let s = strategy(serde_json::json!({"limit": 3, "backoff": {"duration": "10s", "factor": 2}}));
    let t0 = Instant::now();
    let history = failed(2, t0); // finished at t0 + 1s
    assert_eq!(
        decide(&s, Some(3), &history, t0 + Duration::from_secs(5), None).unwrap(),
        Decision::Wait(Duration::from_secs(16))
    );
    assert!(matches!(
        decide(&s, Some(3), &history, t0 + Duration::from_secs(21), None).unwrap(),
        Decision::Retry { .. }
    ));
}

#[test]
fn process_node_retries_backoff_does_not_wait_without_a_limit() {
    // Upstream waits only while `retryStrategy.Limit != nil && attempts <= limit`.
    let s = strategy(serde_json::json!({"backoff": {"duration": "1h"}}));
    let t0 = Instant::now();
    assert!(matches!(
        decide(&s, None, &failed(1, t0), t0, None).unwrap(),
        Decision::Retry { .. }
    ));
}

#[test]
fn process_node_retries_max_duration_stops_and_sets_a_deadline() {
    let s = strategy(
        serde_json::json!({"limit": 10, "backoff": {"duration": "1s", "maxDuration": "10s"}}),
    );
    let t0 = Instant::now();
    let history = failed(1, t0);
    assert_eq!(
        decide(&s, Some(10), &history, t0 + Duration::from_secs(2), None).unwrap(),
        Decision::Retry {
            deadline: Some(t0 + Duration::from_secs(10))
        }
    );
    assert_eq!(
        decide(&s, Some(10), &history, t0 + Duration::from_secs(11), None).unwrap(),
        Decision::Stop("Max duration limit exceeded".into())
    );
    let s = strategy(
        serde_json::json!({"limit": 10, "backoff": {"duration": "20s", "maxDuration": "10s"}}),
    );
    assert_eq!(
        decide(&s, Some(10), &history, t0 + Duration::from_secs(2), None).unwrap(),
        Decision::Stop("Backoff would exceed max duration limit".into())
    );
}

#[test]
fn invalid_strategies_are_refused_up_front() {
    let err = |j: serde_json::Value| {
        Strategy::new(&serde_json::from_value::<RetryStrategy>(j).unwrap()).unwrap_err()
    };
    assert_eq!(err(serde_json::json!({"limit": -1})).field, "limit");
    assert_eq!(err(serde_json::json!({"limit": "many"})).field, "limit");
    assert_eq!(
        err(serde_json::json!({"retryPolicy": "Sometimes"})).field,
        "retryPolicy"
    );
    assert_eq!(
        err(serde_json::json!({"backoff": {"factor": 2}})).field,
        "backoff.duration"
    );
    assert_eq!(
        err(serde_json::json!({"backoff": {"duration": "soon"}})).field,
        "backoff.duration"
    );
    let e = err(serde_json::json!({"expression": "lastRetry.exitCode > 1"}));
    assert_eq!(e.field, "expression");
    assert!(e.reason.contains("asInt"), "{e}");
    let e = err(serde_json::json!({"expression": "steps.x.status == 'Failed'"}));
    assert!(e.reason.contains("lastRetry.message"), "{e}");
    assert!(
        Strategy::new(&RetryStrategy {
            limit: Some(IntOrString::String("{{inputs.parameters.n}}".into())),
            ..Default::default()
        })
        .is_ok()
    );
}

#[test]
fn go_durations_parse() {
    assert_eq!(parse_duration("10"), Some(Duration::from_secs(10)));
    assert_eq!(parse_duration("1m30s"), Some(Duration::from_secs(90)));
    assert_eq!(parse_duration("300ms"), Some(Duration::from_millis(300)));
    assert_eq!(parse_duration("3x"), None);
    assert_eq!(parse_duration("-10"), None);
    // `strconv.Atoi` then `time.ParseDuration`: no fractional seconds without a unit.
    assert_eq!(parse_duration("1.5"), None);
    assert_eq!(parse_duration("1.5s"), Some(Duration::from_millis(1500)));
}
