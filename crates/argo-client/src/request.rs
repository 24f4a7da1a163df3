//! How a request is sent: within the client's request timeout (its retries included), transient
//! failures retried with exponential backoff or after the `Retry-After` the server asked for, and
//! a create never repeated when it may have happened (see `create`).

use std::future::Future;
use std::time::Duration;

use futures::FutureExt;
use futures::future::BoxFuture;
use tokio::time::Instant;

use crate::client::Client;

/// What a request may be retried after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A read, or a write whose repetition is harmless (a delete, a replace or patch that
    /// carries the resourceVersion it read: a repeat conflicts): every transient failure is
    /// retried.
    Idempotent,
    /// A create: retried only when it surely did not happen (429 Too Many Requests, which the
    /// server answers before doing anything; a connection that was never made). Any other
    /// failure leaves the outcome unknown, for the caller to find out.
    Create,
}

/// Waits before the retries of a request, in milliseconds.
const BACKOFF: [u64; 4] = [200, 600, 1800, 5400];

/// The longest `Retry-After` honoured; a longer one ends the retries.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(120);

/// A request that ran out of time (carried as a `kube::Error::Service`).
#[derive(Debug)]
struct TimedOut(Duration);

impl std::fmt::Display for TimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "no answer within {}", crate::cause::seconds(self.0))
    }
}

impl std::error::Error for TimedOut {}

/// The request timeout, when `e` says the request ran out of time.
pub(crate) fn timed_out(e: &kube::Error) -> Option<Duration> {
    match e {
        kube::Error::Service(inner) => inner.downcast_ref::<TimedOut>().map(|t| t.0),
        _ => None,
    }
}

/// Status code of an API error (0 for transport errors and timeouts).
pub(crate) fn status_code(e: &kube::Error) -> u16 {
    match e {
        kube::Error::Api(s) => s.code,
        _ => 0,
    }
}

/// Whether the connection was never made (so nothing was sent).
fn never_connected(e: &kube::Error) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        if let Some(io) = c.downcast_ref::<std::io::Error>()
            && matches!(
                io.kind(),
                std::io::ErrorKind::ConnectionRefused | std::io::ErrorKind::AddrNotAvailable
            )
        {
            return true;
        }
        cause = c.source();
    }
    false
}

/// Whether a request that failed with `e` may have been carried out by the server: a create
/// after such a failure must be looked up before it is tried again.
pub(crate) fn outcome_unknown(e: &kube::Error) -> bool {
    match e {
        kube::Error::Api(s) => s.code >= 500,
        _ => !never_connected(e),
    }
}

/// Whether `e` is worth another try of a request of `kind`.
fn retryable(e: &kube::Error, kind: Kind) -> bool {
    match (e, kind) {
        (kube::Error::Api(s), _) if s.code == 429 => true,
        (kube::Error::Api(s), Kind::Idempotent) => matches!(s.code, 500 | 502 | 503 | 504),
        (kube::Error::Api(_), Kind::Create) => false,
        (_, Kind::Idempotent) => timed_out(e).is_none(),
        (_, Kind::Create) => never_connected(e),
    }
}

/// The wait the server asked for (`Retry-After`, or `details.retryAfterSeconds`).
fn retry_after(e: &kube::Error) -> Option<Duration> {
    match e {
        kube::Error::Api(s) => s
            .details
            .as_ref()
            .map(|d| Duration::from_secs(u64::from(d.retry_after_seconds)))
            .filter(|d| !d.is_zero()),
        _ => None,
    }
}

impl Client {
    /// Runs `op` within the request timeout, retrying what `kind` allows with backoff (or after
    /// the server's `Retry-After`, up to [`MAX_RETRY_AFTER`]) while time remains. A request
    /// that runs out of time ends with an error that [`timed_out`] recognises.
    ///
    /// The future is boxed: kube's request futures and the Workflow they return are large.
    pub(crate) fn send<'a, T, F, Fut>(
        &self,
        kind: Kind,
        mut op: F,
    ) -> BoxFuture<'a, kube::Result<T>>
    where
        F: FnMut() -> Fut + Send + 'a,
        Fut: Future<Output = kube::Result<T>> + Send + 'a,
        T: Send + 'a,
    {
        let timeout = self.request_timeout;
        async move {
            let deadline = Instant::now() + timeout;
            let mut attempt = 0;
            loop {
                let left = deadline.saturating_duration_since(Instant::now());
                let result = match tokio::time::timeout(left, Box::pin(op())).await {
                    Ok(result) => result,
                    Err(_) => Err(kube::Error::Service(Box::new(TimedOut(timeout)))),
                };
                let e = match result {
                    Err(e) if attempt < BACKOFF.len() && retryable(&e, kind) => e,
                    other => return other,
                };
                let asked = retry_after(&e);
                if asked.is_some_and(|d| d > MAX_RETRY_AFTER) {
                    return Err(e);
                }
                let wait = asked
                    .unwrap_or_default()
                    .max(Duration::from_millis(BACKOFF[attempt]));
                if Instant::now() + wait >= deadline {
                    return Err(e);
                }
                tokio::time::sleep(wait).await;
                attempt += 1;
            }
        }
        .boxed()
    }

    /// Runs `op` (which opens a stream: a watch, a followed log) within the request timeout,
    /// without retries.
    pub(crate) async fn open<T, Fut>(&self, op: Fut) -> kube::Result<T>
    where
        Fut: Future<Output = kube::Result<T>>,
    {
        let timeout = self.request_timeout;
        match tokio::time::timeout(timeout, op).await {
            Ok(result) => result,
            Err(_) => Err(kube::Error::Service(Box::new(TimedOut(timeout)))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(code: u16) -> kube::Error {
        kube::Error::Api(Box::new(
            kube::core::Status::failure("x", "y").with_code(code),
        ))
    }

    fn refused() -> kube::Error {
        kube::Error::Service(Box::new(std::io::Error::new(
            std::io::ErrorKind::ConnectionRefused,
            "refused",
        )))
    }

    fn reset() -> kube::Error {
        kube::Error::Service(Box::new(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "reset",
        )))
    }

    #[test]
    fn what_is_retried() {
        for code in [429, 500, 502, 503, 504] {
            assert!(retryable(&api(code), Kind::Idempotent), "{code}");
        }
        assert!(!retryable(&api(404), Kind::Idempotent));
        assert!(!retryable(&api(409), Kind::Idempotent));
        assert!(retryable(&reset(), Kind::Idempotent));
        // A create is retried only when it surely did not happen.
        assert!(retryable(&api(429), Kind::Create));
        for e in [api(500), api(503), api(504), reset()] {
            assert!(!retryable(&e, Kind::Create), "{e:?}");
            assert!(outcome_unknown(&e), "{e:?}");
        }
        assert!(retryable(&refused(), Kind::Create));
        assert!(!outcome_unknown(&refused()));
        assert!(!outcome_unknown(&api(429)));
        assert!(!outcome_unknown(&api(409)));
        let t = kube::Error::Service(Box::new(TimedOut(Duration::from_secs(3))));
        assert_eq!(timed_out(&t), Some(Duration::from_secs(3)));
        assert!(!retryable(&t, Kind::Idempotent));
        assert!(outcome_unknown(&t));
    }

    #[test]
    fn retry_after_comes_from_the_status_details() {
        let mut status = kube::core::Status::failure("slow down", "TooManyRequests").with_code(429);
        status.details = Some(kube::core::response::StatusDetails {
            name: String::new(),
            group: String::new(),
            kind: String::new(),
            uid: String::new(),
            causes: Vec::new(),
            retry_after_seconds: 3,
        });
        let e = kube::Error::Api(Box::new(status));
        assert_eq!(retry_after(&e), Some(Duration::from_secs(3)));
        assert_eq!(retry_after(&api(429)), None);
    }
}
