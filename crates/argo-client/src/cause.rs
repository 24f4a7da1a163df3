//! [`ApiCause`]: why a request failed, said in one line.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

/// Why a request to the API server failed, in one line: the API's own `message` with its code
/// and reason, or the innermost cause of a transport failure (`Connection refused`, a reset, a
/// truncated answer). Its [`source`](StdError::source) is none, so that an error chain prints
/// no Rust debug output; the kube error is [`ApiCause::kube_error`].
#[derive(Debug)]
pub struct ApiCause(Box<kube::Error>);

impl ApiCause {
    /// Wraps a kube error.
    pub fn new(error: kube::Error) -> Self {
        Self(Box::new(error))
    }

    /// The kube error.
    pub fn kube_error(&self) -> &kube::Error {
        &self.0
    }

    /// The HTTP status of an API answer (`None` when no answer came).
    pub fn code(&self) -> Option<u16> {
        match &*self.0 {
            kube::Error::Api(s) => Some(s.code),
            _ => None,
        }
    }

    /// Whether the server was not reached or its answer not read (connection refused or reset,
    /// TLS, a truncated or unreadable answer).
    pub fn is_transport(&self) -> bool {
        !matches!(&*self.0, kube::Error::Api(_))
    }
}

impl From<kube::Error> for ApiCause {
    fn from(error: kube::Error) -> Self {
        Self::new(error)
    }
}

/// At most `max` characters of the first line of `text`.
fn one_line(text: &str, max: usize) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or_default();
    match line.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &line[..end]),
        None => line.to_owned(),
    }
}

/// The innermost message of an error chain (where the real reason is: `Connection refused`).
fn innermost(error: &(dyn StdError + 'static)) -> String {
    let mut last = error;
    let mut message = error.to_string();
    while let Some(next) = last.source() {
        let text = next.to_string();
        if !text.trim().is_empty() {
            message = text;
        }
        last = next;
    }
    message
}

impl fmt::Display for ApiCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.0 {
            kube::Error::Api(status) => {
                let message = one_line(&status.message, 200);
                let label = match (status.code, status.reason.as_str()) {
                    (0, r) => r.to_owned(),
                    (c, "" | "Failed to parse error data") => c.to_string(),
                    (c, r) => format!("{c} {r}"),
                };
                match (message.is_empty(), label.is_empty()) {
                    (true, _) => write!(f, "the API server answered {label}"),
                    (false, true) => f.write_str(&message),
                    (false, false) => write!(f, "{message} ({label})"),
                }
            }
            kube::Error::SerdeError(e) => write!(
                f,
                "the API server's answer could not be read ({})",
                one_line(&e.to_string(), 200)
            ),
            other => f.write_str(&one_line(&innermost(other), 200)),
        }
    }
}

impl StdError for ApiCause {}

/// A duration as people read it: `30s`, `2m`, `1m30s`, `250ms`.
pub(crate) fn seconds(d: Duration) -> String {
    let secs = d.as_secs();
    match (secs, d.subsec_millis()) {
        (0, ms) => format!("{ms}ms"),
        (s, 0) if s % 60 == 0 => format!("{}m", s / 60),
        (s, 0) if s > 60 => format!("{}m{}s", s / 60, s % 60),
        (s, 0) => format!("{s}s"),
        (s, ms) => format!("{s}.{ms:03}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(code: u16, reason: &str, message: &str) -> ApiCause {
        ApiCause::new(kube::Error::Api(Box::new(
            kube::core::Status::failure(message, reason).with_code(code),
        )))
    }

    #[test]
    fn api_answers_read_as_their_message() {
        assert_eq!(
            api(500, "InternalError", "etcdserver: request timed out").to_string(),
            "etcdserver: request timed out (500 InternalError)"
        );
        assert_eq!(
            api(404, "Failed to parse error data", "404 page not found").to_string(),
            "404 page not found (404)"
        );
        assert_eq!(api(503, "", "").to_string(), "the API server answered 503");
        let long = api(
            500,
            "InternalError",
            &format!("{}\nsecond line", "x".repeat(500)),
        );
        let text = long.to_string();
        assert!(text.len() < 260 && !text.contains('\n'), "{text}");
        assert!(long.source().is_none());
        assert_eq!(long.code(), Some(500));
        assert!(!long.is_transport());
    }

    #[test]
    fn transport_failures_read_as_their_innermost_cause() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "Connection refused");
        let cause = ApiCause::new(kube::Error::Service(Box::new(io)));
        assert_eq!(cause.to_string(), "Connection refused");
        assert!(cause.is_transport());
        assert_eq!(cause.code(), None);
    }

    #[test]
    fn durations() {
        assert_eq!(seconds(Duration::from_secs(30)), "30s");
        assert_eq!(seconds(Duration::from_secs(120)), "2m");
        assert_eq!(seconds(Duration::from_secs(90)), "1m30s");
        assert_eq!(seconds(Duration::from_millis(250)), "250ms");
        assert_eq!(seconds(Duration::from_millis(1500)), "1.500s");
    }
}
