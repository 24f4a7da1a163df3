//! Integration tests of argo-client: the retry and resubmit algorithms on Argo-shaped fixtures
//! (`golden`) and on Argo's own test cases (`upstream`), and every operation over real HTTP
//! against a Kubernetes API peer (`cluster`).
//!
//! The peer (`tests/k8s_peer/peer.py` at the repository root, Python standard library only) is a
//! stand-in for a real API server: no kube-apiserver can run on the test machines. Each test
//! starts its own on 127.0.0.1 with an ephemeral port; it stops when the test drops it (its
//! standard input closes) or after a bounded time. The interpreter is `$ARGO_KEDRO_PYTHON`, else
//! `python3`.
//!
//! `faults` puts the fault-injecting proxy (`tests/k8s_peer/fault_proxy.py`) between the client
//! and the peer: lost answers, hangs, resets, truncated bodies, throttling.

mod cluster;
mod cron;
mod faults;
mod golden;
mod peer;
mod upstream;
