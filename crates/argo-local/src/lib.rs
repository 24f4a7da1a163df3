//! Local executor for compiled Argo Workflows.
//!
//! Not implemented yet: this crate exists so that the workspace layout of
//! `design.md` is in place. See the `argo-local` issue.
#![forbid(unsafe_code)]
