//! Fusion plan and lowering of Kedro pipelines to Argo Workflows.
//!
//! Not implemented yet: this crate exists so that the workspace layout of
//! `design.md` is in place. See the `argo-fuse` issue.
#![forbid(unsafe_code)]
