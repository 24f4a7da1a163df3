//! `retryStrategy`, as Argo's controller applies it: the policy, limit, expression and backoff of
//! a template, checked when the plan is made ([`Strategy::new`]), and the decision after each
//! failed attempt ([`decide`], a port of `processNodeRetries` in `workflow/controller/operator.go`).

use std::time::{Duration, Instant};

use argo_model::RetryStrategy;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::TaskStatus;
use crate::expr::{Expr, ExprError};

/// `retryPolicy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Policy {
    Always,
    OnFailure,
    OnError,
    OnTransientError,
}

/// `retryStrategy.limit`: a number, or text with `{{...}}` tags rendered when the task starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Limit {
    Count(u32),
    Text(String),
}

/// `retryStrategy.backoff`, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Backoff {
    pub(crate) duration: Duration,
    pub(crate) factor: Option<i32>,
    pub(crate) cap: Option<Duration>,
    pub(crate) max_duration: Option<Duration>,
}

/// A template's `retryStrategy`, checked.
#[derive(Debug, Clone)]
pub(crate) struct Strategy {
    /// `None`: retries without bound (Argo's behaviour without `limit`).
    pub(crate) limit: Option<Limit>,
    pub(crate) policy: Policy,
    pub(crate) backoff: Option<Backoff>,
    /// The expression, parsed; `None` also when it has `{{...}}` tags (see `expression_text`).
    pub(crate) expression: Option<Expr>,
    /// An expression with `{{...}}` tags: rendered with the task's values, then parsed, when
    /// the task starts (upstream substitutes the template first).
    pub(crate) expression_text: Option<String>,
}

/// What is wrong with a `retryStrategy` (the field, and why).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("retryStrategy.{field} `{value}`: {reason}")]
pub struct InvalidRetryStrategy {
    /// The field (`limit`, `retryPolicy`, `backoff.duration`, `expression`, ...).
    pub field: &'static str,
    /// Its value as written.
    pub value: String,
    /// What is wrong.
    pub reason: String,
}

/// The variables of a retry expression (`buildRetryStrategyLocalScope`).
pub(crate) const EXPRESSION_VARIABLES: &[&str] = &[
    "retries",
    "lastRetry.exitCode",
    "lastRetry.status",
    "lastRetry.duration",
    "lastRetry.message",
];

impl Strategy {
    /// Checks `r`. `RetryPolicyActual`: an explicit policy wins; else `Always` when an
    /// expression is given, `OnFailure` otherwise.
    pub(crate) fn new(r: &RetryStrategy) -> Result<Self, InvalidRetryStrategy> {
        let bad = |field, value: &str, reason: &str| InvalidRetryStrategy {
            field,
            value: value.to_owned(),
            reason: reason.to_owned(),
        };
        let limit = match &r.limit {
            None => None,
            Some(IntOrString::Int(i)) => {
                Some(Limit::Count(u32::try_from(*i).map_err(|_| {
                    bad("limit", &i.to_string(), "not a non-negative integer")
                })?))
            }
            Some(IntOrString::String(s)) if s.contains("{{") => Some(Limit::Text(s.clone())),
            Some(IntOrString::String(s)) => {
                Some(Limit::Count(s.trim().parse().map_err(|_| {
                    bad("limit", s, "not a non-negative integer")
                })?))
            }
        };
        let text = r.expression.as_deref().filter(|e| !e.is_empty());
        let templated = text.filter(|t| t.contains("{{"));
        let expression = match text {
            None => None,
            // Checked with each tag standing for a string; parsed again when it starts.
            Some(t) if t.contains("{{") => {
                let placeholder = crate::subst::replace_tags(t, &mut |_| {
                    Ok::<_, std::convert::Infallible>(Some("''".to_owned()))
                })
                .unwrap_or_default();
                parse_expression(&placeholder).map_err(|e| bad("expression", t, &e))?;
                None
            }
            Some(t) => Some(parse_expression(t).map_err(|e| bad("expression", t, &e))?),
        };
        let policy = match r.retry_policy.as_deref().filter(|p| !p.is_empty()) {
            Some("Always") => Policy::Always,
            Some("OnFailure") => Policy::OnFailure,
            Some("OnError") => Policy::OnError,
            Some("OnTransientError") => Policy::OnTransientError,
            Some(other) => {
                return Err(bad(
                    "retryPolicy",
                    other,
                    "not one of Always, OnFailure, OnError, OnTransientError",
                ));
            }
            None if text.is_some() => Policy::Always,
            None => Policy::OnFailure,
        };
        let backoff = match &r.backoff {
            None => None,
            Some(b) => {
                let duration = |field,
                                v: &Option<String>|
                 -> Result<Option<Duration>, InvalidRetryStrategy> {
                    v.as_deref()
                        .filter(|d| !d.is_empty())
                        .map(|d| {
                            parse_duration(d)
                                .ok_or_else(|| bad(field, d, "not a duration (e.g. 30s, 2m, 1h)"))
                        })
                        .transpose()
                };
                let factor = match &b.factor {
                    None => None,
                    Some(IntOrString::Int(i)) => Some(*i),
                    Some(IntOrString::String(s)) => Some(
                        s.trim()
                            .parse()
                            .map_err(|_| bad("backoff.factor", s, "not an integer"))?,
                    ),
                };
                Some(Backoff {
                    // `processNodeRetries`: "no base duration specified for retryStrategy".
                    duration: duration("backoff.duration", &b.duration)?
                        .ok_or_else(|| bad("backoff.duration", "", "a backoff needs a duration"))?,
                    factor,
                    cap: duration("backoff.cap", &b.cap)?,
                    max_duration: duration("backoff.maxDuration", &b.max_duration)?,
                })
            }
        };
        Ok(Self {
            limit,
            policy,
            backoff,
            expression,
            expression_text: templated.map(str::to_owned),
        })
    }
}

/// Parses a retry expression (a condition over [`EXPRESSION_VARIABLES`]); the error is the reason.
pub(crate) fn parse_expression(text: &str) -> Result<Expr, String> {
    Expr::condition(text, &|v| EXPRESSION_VARIABLES.contains(&v)).map_err(|e| expression_reason(&e))
}

fn expression_reason(e: &ExprError) -> String {
    match e {
        ExprError::UnknownVariable(v) => format!(
            "unknown variable `{v}` (a retry expression reads {})",
            EXPRESSION_VARIABLES.join(", ")
        ),
        other => other.to_string(),
    }
}

/// One finished attempt of a task.
#[derive(Debug, Clone)]
pub(crate) struct AttemptRecord {
    /// `Failed`, `Errored` or `Succeeded`.
    pub(crate) status: TaskStatus,
    pub(crate) exit_code: Option<i32>,
    /// The node message Argo would show (`main: Error (exit code 1)`).
    pub(crate) message: String,
    pub(crate) started: Instant,
    pub(crate) finished: Instant,
}

impl AttemptRecord {
    /// Whole seconds, as Argo's node timestamps have.
    pub(crate) fn duration_secs(&self) -> u64 {
        self.finished
            .saturating_duration_since(self.started)
            .as_secs()
    }
}

/// The node phase as Argo names it (`Error`, not `Errored`).
pub(crate) fn phase(status: TaskStatus) -> &'static str {
    match status {
        TaskStatus::Succeeded => "Succeeded",
        TaskStatus::Failed => "Failed",
        TaskStatus::Errored => "Error",
        TaskStatus::Omitted => "Omitted",
        TaskStatus::Skipped => "Skipped",
        TaskStatus::NotRun => "Pending",
    }
}

/// What happens after a failed attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Decision {
    /// The task ends with the last attempt's status, and this message.
    Stop(String),
    /// Wait this long, then decide again (Argo requeues the node for its backoff).
    Wait(Duration),
    /// Start the next attempt; it is killed at `deadline` (`backoff.maxDuration`).
    Retry { deadline: Option<Instant> },
}

/// Port of `processNodeRetries`: what to do after the attempts in `history` (the last one failed
/// or errored), at `now`. `limit` is the rendered `retryStrategy.limit`; `transient` is
/// `TRANSIENT_ERROR_PATTERN`. An error (the expression failed to evaluate) errors the task.
pub(crate) fn decide(
    s: &Strategy,
    limit: Option<u32>,
    history: &[AttemptRecord],
    now: Instant,
    transient: Option<&regex::Regex>,
) -> Result<Decision, ExprError> {
    let (Some(first), Some(last)) = (history.first(), history.last()) else {
        return Ok(Decision::Retry { deadline: None });
    };
    let attempts = u32::try_from(history.len()).unwrap_or(u32::MAX);
    let mut deadline = None;
    if let Some(b) = &s.backoff {
        let max_deadline = b.max_duration.map(|m| first.started + m);
        if max_deadline.is_some_and(|d| now > d) {
            return Ok(Decision::Stop("Max duration limit exceeded".into()));
        }
        let wait = backoff_wait(b, attempts);
        let waiting_deadline = last.finished + wait;
        if max_deadline.is_some_and(|d| waiting_deadline > d) {
            return Ok(Decision::Stop(
                "Backoff would exceed max duration limit".into(),
            ));
        }
        // Upstream waits only while a limit is set and not yet used up.
        if now < waiting_deadline && limit.is_some_and(|l| attempts <= l) {
            return Ok(Decision::Wait(waiting_deadline - now));
        }
        deadline = max_deadline;
    }
    let (on_failed, on_error) = match s.policy {
        Policy::Always => (true, true),
        Policy::OnError => (false, true),
        Policy::OnFailure => (true, false),
        Policy::OnTransientError => {
            let t = is_transient(&last.message, transient);
            (t, t)
        }
    };
    let retryable = match last.status {
        TaskStatus::Failed => on_failed,
        TaskStatus::Errored => on_error,
        _ => false,
    };
    if !retryable {
        return Ok(Decision::Stop(last.message.clone()));
    }
    if limit.is_some_and(|l| attempts > l) {
        return Ok(Decision::Stop("No more retries left".into()));
    }
    if let Some(e) = &s.expression {
        let scope = |name: &str| {
            Some(match name {
                "retries" => (attempts - 1).to_string(),
                "lastRetry.exitCode" => last
                    .exit_code
                    .map_or_else(|| "-1".into(), |c| c.to_string()),
                "lastRetry.status" => phase(last.status).to_owned(),
                "lastRetry.duration" => last.duration_secs().to_string(),
                "lastRetry.message" => last.message.clone(),
                _ => return None,
            })
        };
        if !e.eval_bool(&scope)? {
            return Ok(Decision::Stop(
                "retryStrategy.expression evaluated to false".into(),
            ));
        }
    }
    Ok(Decision::Retry { deadline })
}

/// `duration * factor^(attempts-1)` (when the factor is positive), capped by `cap`.
pub(crate) fn backoff_wait(b: &Backoff, attempts: u32) -> Duration {
    let mut wait = b.duration;
    if let Some(f) = b.factor.filter(|f| *f > 0) {
        let exp = i32::try_from(attempts.saturating_sub(1)).unwrap_or(i32::MAX);
        let factor = f64::from(f).powi(exp);
        wait =
            Duration::try_from_secs_f64(b.duration.as_secs_f64() * factor).unwrap_or(Duration::MAX);
    }
    b.cap.map_or(wait, |cap| wait.min(cap))
}

/// `errorsutil.IsTransientErr` on a node message: the network and etcd errors upstream knows, or
/// `TRANSIENT_ERROR_PATTERN`.
pub(crate) fn is_transient(message: &str, pattern: Option<&regex::Regex>) -> bool {
    const TRANSIENT: &[&str] = &[
        "Connection closed by foreign host",
        "net/http: TLS handshake timeout",
        "i/o timeout",
        "connection timed out",
        "connection reset by peer",
        "http2: client connection lost",
        "http2: server sent GOAWAY and closed the connection",
        "connect: connection refused",
        "invalid connection",
        "etcdserver: leader changed",
        "etcdserver: request timed out",
        "etcdserver: too many requests",
        "upper: no more rows in",
    ];
    TRANSIENT.iter().any(|t| message.contains(t)) || pattern.is_some_and(|p| p.is_match(message))
}

/// A Go duration (`1m30s`, `300ms`, `2h`) or a number of seconds (`10`), as
/// `wfv1.ParseStringToDuration` ([`argo_model::duration`]); not negative.
pub(crate) fn parse_duration(text: &str) -> Option<Duration> {
    let duration = argo_model::duration::parse_string_to_duration(text).ok()?;
    Duration::try_from(duration).ok()
}

#[cfg(test)]
mod tests;
