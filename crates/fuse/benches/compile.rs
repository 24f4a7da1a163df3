//! Core benchmarks of the compile (`cargo bench -p argo-fuse --bench compile`): IR load, plan,
//! lowering, serialisation and all of it, for IRs of 1,000, 10,000 and 50,000 nodes, with the
//! allocator the `argo-kedro` binary uses (mimalloc). See `common/mod.rs` and
//! docs/benchmarks.md.

mod common;

use criterion::{criterion_group, criterion_main};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

criterion_group!(compile_benches, common::steps);
criterion_main!(compile_benches);
