//! Integration tests of argo-model (one test binary).
#![allow(clippy::unwrap_used, clippy::print_stderr, reason = "tests")]

mod examples;
mod lint_checks;
mod lint_docs;
mod lint_fixtures;
mod roundtrip;
#[cfg(feature = "schema")]
mod schema;
mod validate_fixtures;
mod yaml;
