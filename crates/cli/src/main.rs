//! The `argo-kedro` command.
#![forbid(unsafe_code)]

fn main() {}
