//! Placeholder: see the argo-model issue.
#![forbid(unsafe_code)]
