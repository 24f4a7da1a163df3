//! Placeholder: see the Foundation issue.
#![forbid(unsafe_code)]
