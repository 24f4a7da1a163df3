//! Integration tests of argo-model (one test binary).
#![allow(clippy::unwrap_used, clippy::print_stderr, reason = "tests")]

mod examples;
mod lint_fixtures;
mod roundtrip;
#[cfg(feature = "schema")]
mod schema;
