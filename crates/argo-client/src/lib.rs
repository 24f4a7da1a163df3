//! Kubernetes client for Argo Workflows: submit, watch, retry.
//!
//! Not implemented yet: this crate exists so that the workspace layout of
//! `design.md` is in place. See the `argo-client` issue.
#![forbid(unsafe_code)]
