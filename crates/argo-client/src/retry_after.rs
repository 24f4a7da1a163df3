//! A layer of the kube client's HTTP stack that keeps the `Retry-After` header of a 429 or 503
//! answer, which kube drops: the seconds go into the error `Status`'s `details.retryAfterSeconds`
//! (where the API server also puts them), for the retry loop of `request` to honour. The API
//! server's own 429 (priority and fairness) has a plain-text body; kube turns that into a
//! `Status` of its own, and so does this layer.

use std::task::{Context, Poll};

use bytes::Bytes;
use futures::FutureExt;
use futures::future::BoxFuture;
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use kube::client::{Body, DynBody};
use kube::core::response::StatusDetails;
use tower::{BoxError, Layer, Service};

/// The largest answer body rewritten (an error `Status` is small).
const MAX_BODY: usize = 64 << 10;

/// Adds [`RetryAfter`] to a service.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RetryAfterLayer;

impl<S> Layer<S> for RetryAfterLayer {
    type Service = RetryAfter<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RetryAfter(inner)
    }
}

/// See the module documentation.
#[derive(Debug, Clone)]
pub(crate) struct RetryAfter<S>(S);

/// The delta-seconds of a `Retry-After` header (an HTTP date is not read).
fn seconds(response: &Response<Box<DynBody>>) -> Option<u32> {
    let status = response.status();
    if status != StatusCode::TOO_MANY_REQUESTS && status != StatusCode::SERVICE_UNAVAILABLE {
        return None;
    }
    response
        .headers()
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// The error `Status` of an answer body (JSON, or text as kube reads it) with
/// `details.retryAfterSeconds` set (unless the server set it).
fn with_retry_after(code: StatusCode, body: &[u8], seconds: u32) -> Vec<u8> {
    let mut status: kube::core::Status = serde_json::from_slice(body).unwrap_or_else(|_| {
        kube::core::Status::failure(String::from_utf8_lossy(body).trim(), "")
            .with_code(code.as_u16())
    });
    let details = status.details.get_or_insert_with(|| StatusDetails {
        name: String::new(),
        group: String::new(),
        kind: String::new(),
        uid: String::new(),
        causes: Vec::new(),
        retry_after_seconds: 0,
    });
    if details.retry_after_seconds == 0 {
        details.retry_after_seconds = seconds;
    }
    serde_json::to_vec(&status).unwrap_or_else(|_| body.to_vec())
}

fn boxed(bytes: Vec<u8>) -> Box<DynBody> {
    Box::new(Full::new(Bytes::from(bytes)).map_err(|never| match never {}))
}

impl<S> Service<Request<Body>> for RetryAfter<S>
where
    S: Service<Request<Body>, Response = Response<Box<DynBody>>, Error = BoxError>,
    S::Future: Send + 'static,
{
    type Response = Response<Box<DynBody>>;
    type Error = BoxError;
    type Future = BoxFuture<'static, Result<Self::Response, BoxError>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, request: Request<Body>) -> Self::Future {
        let answer = self.0.call(request);
        async move {
            match answer.await {
                Ok(response) => Ok(rewrite(response).await),
                Err(e) => Err(e),
            }
        }
        .boxed()
    }
}

/// `response`, with the `Retry-After` seconds in its `Status` when it has them.
async fn rewrite(response: Response<Box<DynBody>>) -> Response<Box<DynBody>> {
    let Some(seconds) = seconds(&response) else {
        return response;
    };
    let (mut parts, body) = response.into_parts();
    let bytes = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        // The body could not be read: kube will say so; only the wait is lost.
        Err(_) => Bytes::new(),
    };
    let rewritten = if bytes.len() > MAX_BODY {
        bytes.to_vec()
    } else {
        with_retry_after(parts.status, &bytes, seconds)
    };
    parts.headers.remove(http::header::CONTENT_LENGTH);
    parts.headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    Response::from_parts(parts, boxed(rewritten))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seconds_go_into_the_status() {
        let text = with_retry_after(
            StatusCode::TOO_MANY_REQUESTS,
            b"Too many requests, please try again later.\n",
            7,
        );
        let status: kube::core::Status = serde_json::from_slice(&text).unwrap();
        assert_eq!(status.code, 429);
        assert_eq!(status.message, "Too many requests, please try again later.");
        assert_eq!(status.details.unwrap().retry_after_seconds, 7);

        let json = br#"{"kind":"Status","code":503,"message":"busy","reason":"ServiceUnavailable","details":{"retryAfterSeconds":2}}"#;
        let status: kube::core::Status =
            serde_json::from_slice(&with_retry_after(StatusCode::SERVICE_UNAVAILABLE, json, 9))
                .unwrap();
        assert_eq!(
            status.details.unwrap().retry_after_seconds,
            2,
            "the server's own wins"
        );
        assert_eq!(status.reason, "ServiceUnavailable");
    }
}
