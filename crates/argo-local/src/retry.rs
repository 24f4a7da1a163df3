//! `retryStrategy.backoff`: delays between attempts, and Go durations.

use std::time::Duration;

use argo_model::RetryStrategy;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// `backoff.duration * factor^(failed-1)`, capped by `backoff.cap`.
pub(crate) fn backoff_delay(retry: &RetryStrategy, failed: u32) -> Duration {
    let Some(b) = &retry.backoff else {
        return Duration::ZERO;
    };
    let base = b
        .duration
        .as_deref()
        .and_then(parse_duration)
        .unwrap_or_default();
    let factor = match &b.factor {
        Some(IntOrString::Int(i)) => f64::from(*i),
        Some(IntOrString::String(s)) => s.parse().unwrap_or(1.0),
        None => 1.0,
    };
    let exp = i32::try_from(failed.saturating_sub(1)).unwrap_or(i32::MAX);
    let delay = base.mul_f64(factor.max(0.0).powi(exp).min(1e6));
    b.cap
        .as_deref()
        .and_then(parse_duration)
        .map_or(delay, |cap| delay.min(cap))
}

/// A Go duration (`1m30s`, `300ms`, `2h`) or a number of seconds (`10`).
pub(crate) fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    if let Ok(secs) = text.parse::<f64>() {
        return Duration::try_from_secs_f64(secs).ok();
    }
    let mut total = 0.0;
    let mut rest = text;
    while !rest.is_empty() {
        let num_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
        let n: f64 = rest[..num_len].parse().ok()?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        total += n * scale;
        rest = &rest[unit_len..];
    }
    Duration::try_from_secs_f64(total).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations_parse() {
        assert_eq!(parse_duration("10"), Some(Duration::from_secs(10)));
        assert_eq!(parse_duration("1m30s"), Some(Duration::from_secs(90)));
        assert_eq!(parse_duration("300ms"), Some(Duration::from_millis(300)));
        assert_eq!(parse_duration("3x"), None);
    }

    #[test]
    fn backoff_grows_by_factor_up_to_cap() {
        let r = RetryStrategy {
            backoff: Some(argo_model::Backoff {
                duration: Some("1s".into()),
                factor: Some(IntOrString::Int(2)),
                cap: Some("3s".into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert_eq!(backoff_delay(&r, 1), Duration::from_secs(1));
        assert_eq!(backoff_delay(&r, 2), Duration::from_secs(2));
        assert_eq!(backoff_delay(&r, 3), Duration::from_secs(3));
        assert_eq!(backoff_delay(&RetryStrategy::default(), 3), Duration::ZERO);
    }
}
