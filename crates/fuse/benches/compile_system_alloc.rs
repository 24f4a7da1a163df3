//! The whole core compile (`compile_system_alloc/ir_to_yaml/N`) with the C library's allocator,
//! for comparison with `compile/ir_to_yaml/N` (mimalloc, as in the binary): what an embedder
//! of argo-fuse that keeps the default allocator gets. See docs/benchmarks.md.

mod common;

use criterion::{Criterion, criterion_group, criterion_main};

fn whole(c: &mut Criterion) {
    common::whole(c, "compile_system_alloc");
}

criterion_group!(system_alloc_benches, whole);
criterion_main!(system_alloc_benches);
