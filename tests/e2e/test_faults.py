"""End-to-end tests of the installed `argo-kedro` against a misbehaving API server (issue 16).

The Kubernetes API peer (`tests/k8s_peer/peer.py`, a stand-in for kube-apiserver) sits behind
the fault-injecting proxy (`tests/k8s_peer/fault_proxy.py`), which loses answers, hangs, or
answers errors as the test asks. The kubeconfig points at the proxy; the test reads the peer
directly to see what really happened.
"""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_cluster import IMAGE, NS, ROOT, SUBMISSION_LABEL, Cluster, Peer, Served

PROXY = ROOT / "tests" / "k8s_peer" / "fault_proxy.py"
WORKFLOWS = f"/apis/argoproj.io/v1alpha1/namespaces/{NS}/workflows"


class FaultProxy(Served):
    """The fault proxy in front of a peer."""

    def __init__(self, peer: Peer) -> None:
        super().__init__(PROXY, "--upstream", peer.url)

    def control(self, method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method)
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read() or b"null")

    def fault(self, **rule: Any) -> None:
        self.control("POST", "/proxy/faults", rule)

    def log(self) -> list[dict]:
        return self.control("GET", "/proxy/log")


@pytest.fixture
def proxied(tmp_path: Path) -> Iterator[tuple[Cluster, FaultProxy]]:
    """A cluster whose kubeconfig goes through the proxy."""
    peer = Peer()
    proxy = FaultProxy(peer)
    try:
        cluster = Cluster(tmp_path, peer)
        config = json.loads(cluster.kubeconfig.read_text())
        config["clusters"][0]["cluster"]["server"] = proxy.url
        cluster.kubeconfig.write_text(json.dumps(config))
        yield cluster, proxy
    finally:
        proxy.close()
        peer.close()


def creates(proxy: FaultProxy, dry_run: bool) -> int:
    """How many workflow creates (or, with `dry_run`, server-side dry runs) reached the proxy."""
    return sum(
        1
        for r in proxy.log()
        if r["method"] == "POST"
        and r["path"].startswith(WORKFLOWS)
        and ("dryRun=" in r["path"]) == dry_run
    )


def test_a_submit_whose_create_is_applied_then_answered_504_leaves_one_workflow(
    proxied: tuple[Cluster, FaultProxy],
) -> None:
    cluster, proxy = proxied
    # The first POST is submit's dry run before it builds anything; the second is the create.
    proxy.fault(method="POST", path_prefix=WORKFLOWS, fault="apply", code=504, skip=1)
    out = cluster.run("submit", "-e", "base", "--no-build", "--image", IMAGE)
    assert out.returncode == 0, out.stderr
    name = out.stdout.strip()
    workflows = cluster.peer.workflows()
    assert [w["metadata"]["name"] for w in workflows] == [name]
    assert SUBMISSION_LABEL in workflows[0]["metadata"]["labels"]
    # The lost create, then a look-up (which found it), and no second create.
    assert (creates(proxy, dry_run=True), creates(proxy, dry_run=False)) == (1, 1), proxy.log()
    methods = [r["method"] for r in proxy.log() if r["path"].startswith(WORKFLOWS)]
    assert "GET" in methods, methods


def test_a_dry_run_answered_503_is_tried_again(proxied: tuple[Cluster, FaultProxy]) -> None:
    cluster, proxy = proxied
    proxy.fault(method="POST", path_prefix=WORKFLOWS, fault="code", code=503)
    out = cluster.run("submit", "-e", "base", "--no-build", "--image", IMAGE)
    assert out.returncode == 0, out.stderr
    assert len(cluster.peer.workflows()) == 1
    assert (creates(proxy, dry_run=True), creates(proxy, dry_run=False)) == (2, 1), proxy.log()


def test_status_against_an_api_server_that_never_answers_ends_by_itself(
    proxied: tuple[Cluster, FaultProxy],
) -> None:
    cluster, proxy = proxied
    proxy.fault(fault="hang", times=-1)
    start = time.monotonic()
    out = cluster.run("status", "some-wf")
    took = time.monotonic() - start
    assert out.returncode == 1
    # The default request timeout (30 s), with time to start and stop.
    assert 29 <= took < 60, took
    lines = out.stderr.strip().splitlines()
    assert len(lines) <= 3, out.stderr
    assert "did not answer within 30s" in out.stderr
    assert lines[-1].startswith("hint:") and "--request-timeout" in lines[-1]

    start = time.monotonic()
    quick = cluster.run("status", "some-wf", "--request-timeout", "2s")
    assert quick.returncode == 1 and "within 2s" in quick.stderr
    assert time.monotonic() - start < 15


def test_cluster_errors_print_the_api_message_in_three_lines(
    proxied: tuple[Cluster, FaultProxy],
) -> None:
    cluster, proxy = proxied
    proxy.fault(
        method="GET", fault="code", code=500, times=-1, message="etcdserver: request timed out"
    )
    out = cluster.run("status", "some-wf", "--request-timeout", "5s")
    assert out.returncode == 1
    lines = out.stderr.strip().splitlines()
    assert len(lines) <= 3, out.stderr
    assert "etcdserver: request timed out (500 InternalError)" in out.stderr
    assert "Status {" not in out.stderr and "ApiError" not in out.stderr

    proxy.control("DELETE", "/proxy/faults")
    proxy.fault(method="GET", fault="code", code=409, times=-1)
    conflict = cluster.run("status", "some-wf", "--request-timeout", "5s")
    assert conflict.returncode == 1
    assert "already exists" not in conflict.stderr, conflict.stderr
