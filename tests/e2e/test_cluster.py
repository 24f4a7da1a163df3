"""End-to-end tests of the cluster commands of the installed `argo-kedro` binary.

Each test starts the repository's Kubernetes API peer (`tests/k8s_peer/peer.py`) on a loopback
port, writes a kubeconfig for it, and puts a stub `docker` (a shell script that records its
arguments) in `ARGO_KEDRO_DOCKER`. The project is a copy of `examples/spaceflights-mini`. Where a
controller would act (a workflow's status, its pods and their logs) the test writes to the peer
over HTTP, as the controller would.
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import subprocess
import sys
import sysconfig
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from argo_kedro.versions import run_version

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "spaceflights-mini"
PEER = ROOT / "tests" / "k8s_peer" / "peer.py"
FIXTURES = ROOT / "crates" / "argo-client" / "tests" / "fixtures"
NS = "team-a"
KUBE_NS = "default"
IMAGE = "reg.example.com/sf:v1"
DEFAULT_IMAGE = "registry.example.com/spaceflights-mini:latest"
WORKFLOWS = "/apis/argoproj.io/v1alpha1/namespaces/{ns}/workflows"


def binary() -> str:
    found = Path(sysconfig.get_path("scripts")) / "argo-kedro"
    if not found.exists():
        pytest.fail(f"argo-kedro is not installed next to {sys.executable}: run scripts/setup.sh")
    return str(found)


class Served:
    """A test server script (tests/k8s_peer) on a free loopback port; it stops when its standard
    input closes."""

    def __init__(self, script: Path, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(script), "--port", "0", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert line.startswith("PORT "), line
        self.url = f"http://127.0.0.1:{int(line.split()[1])}"

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


class Peer(Served):
    """A running peer and a client for its API and test endpoints."""

    def __init__(self, *flags: str) -> None:
        super().__init__(PEER, "--max-seconds", "300", *flags)

    def request(self, method: str, path: str, body: Any = None, raw: bool = False) -> Any:
        data = None
        headers = {}
        if body is not None:
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            headers["Content-Type"] = "text/plain" if isinstance(body, str) else "application/json"
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        with urllib.request.urlopen(req, timeout=10) as resp:
            text = resp.read().decode()
        return text if raw else json.loads(text or "null")

    def requests(self) -> list[str]:
        """The API requests served so far (not counting the test endpoints)."""
        lines = self.request("GET", "/peer/requests", raw=True).splitlines()
        return [r for r in lines if r and " /peer/" not in r]

    def workflow(self, name: str, ns: str = NS) -> dict:
        return self.request("GET", WORKFLOWS.format(ns=ns) + "/" + name)

    def workflows(self, ns: str = NS) -> list[dict]:
        return self.request("GET", WORKFLOWS.format(ns=ns))["items"]

    def create_workflow(self, manifest: dict, ns: str = NS) -> str:
        """Creates the workflow as `submit` would (in `ns`); returns its generated name."""
        manifest = {**manifest, "metadata": {**manifest["metadata"], "namespace": ns}}
        created = self.request("POST", WORKFLOWS.format(ns=ns), manifest)
        return created["metadata"]["name"]

    def put_workflow(self, wf: dict, ns: str = NS) -> dict:
        path = WORKFLOWS.format(ns=ns) + "/" + wf["metadata"]["name"]
        return self.request("PUT", path, wf)

    def pods(self, ns: str = NS) -> list[str]:
        items = self.request("GET", f"/api/v1/namespaces/{ns}/pods")["items"]
        return sorted(p["metadata"]["name"] for p in items)

    def create_pod(self, name: str, workflow: str, node_id: str, log: str, ns: str = NS) -> None:
        pod = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "name": name,
                "labels": {"workflows.argoproj.io/workflow": workflow},
                "annotations": {"workflows.argoproj.io/node-id": node_id},
            },
            "spec": {"containers": [{"name": "main", "image": IMAGE}]},
            "status": {"phase": "Succeeded"},
        }
        self.request("POST", f"/api/v1/namespaces/{ns}/pods", pod)
        self.request("PUT", f"/peer/logs/{ns}/{name}", log)


def fnv1a_32(text: str) -> int:
    h = 0x811C9DC5
    for b in text.encode():
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


class Cluster:
    """The peer, a kubeconfig, a stub docker, and a copy of the example project."""

    def __init__(self, tmp: Path, peer: Peer) -> None:
        self.peer = peer
        self.project = tmp / "project"
        shutil.copytree(EXAMPLE, self.project, ignore=shutil.ignore_patterns("data", "logs"))
        # The project's workflows live in NS (argo.yml of both envs); the kubeconfig's context
        # names another namespace, which only applies outside the project.
        for env in ("base", "cloud"):
            argo_yml = self.project / "conf" / env / "argo.yml"
            text = argo_yml.read_text()
            argo_yml.write_text(re.sub(r"(?m)^namespace: .*$", f"namespace: {NS}", text))
        self.kubeconfig = tmp / "kubeconfig"
        self.kubeconfig.write_text(
            json.dumps(
                {
                    "apiVersion": "v1",
                    "kind": "Config",
                    "clusters": [{"name": "peer", "cluster": {"server": peer.url}}],
                    "users": [{"name": "tester", "user": {}}],
                    "contexts": [
                        {
                            "name": "peer",
                            "context": {
                                "cluster": "peer",
                                "user": "tester",
                                "namespace": KUBE_NS,
                            },
                        }
                    ],
                    "current-context": "peer",
                }
            )
        )
        self.docker_log = tmp / "docker-args.txt"
        self.docker = tmp / "docker"
        self.docker.write_text(
            "#!/bin/sh\n"
            f'echo "$@" >> "{self.docker_log}"\n'
            'if [ -n "$STUB_DOCKER_FAIL" ]; then echo "denied: no push access" >&2; exit 3; fi\n'
        )
        self.docker.chmod(0o755)

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        return {
            **os.environ,
            "KEDRO_DISABLE_TELEMETRY": "1",
            "ARGO_KEDRO_PYTHON": sys.executable,
            "ARGO_KEDRO_DOCKER": str(self.docker),
            "KUBECONFIG": str(self.kubeconfig),
            **(extra or {}),
        }

    def run(
        self, *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
    ) -> subprocess.CompletedProcess:
        return subprocess.run(
            [binary(), *args],
            cwd=cwd or self.project,
            env=self.env(env),
            capture_output=True,
            text=True,
            timeout=300,
        )

    def kedro_argo(self, *args: str) -> subprocess.CompletedProcess:
        """`kedro argo ARGS` (the plugin forwards to the binary)."""
        kedro = Path(sys.executable).parent / "kedro"
        return subprocess.run(
            [str(kedro), "argo", *args],
            cwd=self.project,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=300,
        )

    def start(self, *args: str) -> subprocess.Popen[str]:
        """The binary running in the background, its output piped."""
        return subprocess.Popen(
            [binary(), *args],
            cwd=self.project,
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def docker_calls(self) -> list[str]:
        if not self.docker_log.exists():
            return []
        return self.docker_log.read_text().splitlines()


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    peer = Peer()
    try:
        yield Cluster(tmp_path, peer)
    finally:
        peer.close()


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """What `compile --image IMAGE` prints for the example, as JSON."""
    tmp = tmp_path_factory.mktemp("compile")
    project = tmp / "project"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("data", "logs"))
    env = {**os.environ, "KEDRO_DISABLE_TELEMETRY": "1", "ARGO_KEDRO_PYTHON": sys.executable}
    out = subprocess.run(
        [binary(), "compile", "--image", IMAGE, "--format", "json"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


GENERATED = ("name", "generateName", "namespace", "uid", "resourceVersion", "creationTimestamp")


SUBMISSION_LABEL = "argo-kedro.io/submission-id"


def without_generated(wf: dict) -> dict:
    """The workflow without what the API server and `submit` add (the submission id)."""
    wf = json.loads(json.dumps(wf))
    for key in (*GENERATED, "generation", "managedFields"):
        wf["metadata"].pop(key, None)
    wf["metadata"].get("labels", {}).pop(SUBMISSION_LABEL, None)
    return wf


def dag_tasks(wf: dict) -> list[dict]:
    entry = wf["spec"]["entrypoint"]
    template = next(t for t in wf["spec"]["templates"] if t["name"] == entry)
    return [t for t in template["dag"]["tasks"] if t.get("arguments")]


def mark(peer: Peer, name: str, phase: str, task_phases: list[str]) -> dict:
    """Writes a status as the controller would: a DAG root and one Pod node per task, with the
    given phases, plus a pod (with a log) for each node that ran (unless it already has one)."""
    wf = peer.workflow(name)
    existing = set(peer.pods())
    nodes = {name: {"id": name, "name": name, "displayName": name, "type": "DAG",
                    "templateName": wf["spec"]["entrypoint"], "phase": phase,
                    "startedAt": "2024-01-01T00:00:00Z", "children": []}}  # fmt: skip
    for i, (task, task_phase) in enumerate(zip(dag_tasks(wf), task_phases, strict=False)):
        node_name = f"{name}.{task['name']}"
        node_id = f"{name}-{fnv1a_32(node_name)}"
        params = task["arguments"]["parameters"]
        node = {
            "id": node_id,
            "name": node_name,
            "displayName": task["name"],
            "type": "Pod",
            "templateName": task["template"],
            "phase": task_phase,
            "boundaryID": name,
            "startedAt": f"2024-01-01T00:0{i}:00Z",
            "inputs": {"parameters": [p for p in params if p["name"] == "kedro_nodes"]},
        }
        if task_phase in ("Succeeded", "Failed"):
            node["finishedAt"] = f"2024-01-01T00:0{i}:30Z"
        if task_phase == "Failed":
            node["message"] = "Error (exit code 1)"
        nodes[node_id] = node
        nodes[name]["children"].append(node_id)
        pod = f"{name}-{task['template']}-{fnv1a_32(node_name)}"
        if pod not in existing:
            peer.create_pod(pod, name, node_id, f"log of {task['name']}\nline two\n")
    wf["status"] = {"phase": phase, "startedAt": "2024-01-01T00:00:00Z", "nodes": nodes}
    if phase in ("Succeeded", "Failed", "Error"):
        wf["status"]["finishedAt"] = "2024-01-01T00:09:00Z"
        wf["metadata"].setdefault("labels", {})["workflows.argoproj.io/completed"] = "true"
    if phase == "Failed":
        wf["status"]["message"] = "child failed"
    return peer.put_workflow(wf)


# -- submit --------------------------------------------------------------------------------------


def test_submit_dry_run_prints_docker_commands_and_the_manifest_and_contacts_nothing(
    cluster: Cluster,
) -> None:
    out = cluster.run("submit", "-e", "base", "--dry-run")
    assert out.returncode == 0, out.stderr
    build = (
        f"{cluster.docker} buildx build --platform linux/amd64 -f Dockerfile "
        f"-t {DEFAULT_IMAGE} --load ./"
    )
    assert build in out.stderr
    assert f"{cluster.docker} push {DEFAULT_IMAGE}" in out.stderr
    assert "kind: Workflow" in out.stdout
    compiled = cluster.run("compile")
    assert out.stdout == compiled.stdout

    written = cluster.run("submit", "-e", "base", "--dry-run", "-o", "wf.yaml", "--name", "my-run")
    assert written.returncode == 0, written.stderr
    text = (cluster.project / "wf.yaml").read_text()
    assert "name: my-run" in text and "generateName" not in text

    assert cluster.docker_calls() == []
    assert cluster.peer.requests() == []


def test_submit_runs_the_pods_with_the_cloud_env_by_default_as_0_1_41_did(
    cluster: Cluster,
) -> None:
    out = cluster.run("submit", "--dry-run")
    assert out.returncode == 0, out.stderr
    compiled = cluster.run("compile", "-e", "cloud")
    assert compiled.returncode == 0, compiled.stderr
    assert out.stdout == compiled.stdout
    assert "value: cloud" in out.stdout


def test_submit_no_build_creates_the_compiled_workflow(cluster: Cluster, manifest: dict) -> None:
    out = cluster.run(
        "submit", "-e", "base", "--no-build", "--image", IMAGE,
        "--namespace", NS, "--kubeconfig", str(cluster.kubeconfig),
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    name = out.stdout.strip()
    assert name.startswith(manifest["metadata"]["generateName"])
    created = cluster.peer.workflow(name)
    assert created["metadata"]["namespace"] == NS
    # Created once, whatever the network did: the submission id it was looked up by.
    assert len(created["metadata"]["labels"][SUBMISSION_LABEL]) == 12
    assert without_generated(created) == without_generated(manifest)
    assert cluster.docker_calls() == []


def test_submit_builds_and_pushes_then_prints_json(cluster: Cluster) -> None:
    out = cluster.run(
        "submit", "-e", "base", "--namespace", NS, "--name", "sf-run-1", "--format", "json"
    )
    assert out.returncode == 0, out.stderr
    assert cluster.docker_calls() == [
        f"buildx build --platform linux/amd64 -f Dockerfile -t {DEFAULT_IMAGE} --load ./",
        f"push {DEFAULT_IMAGE}",
    ]
    result = json.loads(out.stdout)
    assert result["name"] == "sf-run-1" and result["namespace"] == NS
    assert result["uid"] == cluster.peer.workflow("sf-run-1")["metadata"]["uid"]
    assert result["url"] is None


def test_submit_defaults_to_the_namespace_of_argo_yml(cluster: Cluster) -> None:
    out = cluster.run("submit", "-e", "base", "--no-build")
    assert out.returncode == 0, out.stderr
    assert [w["metadata"]["name"] for w in cluster.peer.workflows(NS)] == [out.stdout.strip()]


def test_cluster_commands_use_the_namespace_of_argo_yml_in_a_project(
    cluster: Cluster, manifest: dict, tmp_path: Path
) -> None:
    """In the project, `status` looks in argo.yml's namespace (`cloud`'s before `base`'s, as
    `submit` defaults to env `cloud`), `resubmit -e base` in base's; outside any project the
    kubeconfig context's namespace applies; `--namespace` wins."""
    cloud_yml = cluster.project / "conf" / "cloud" / "argo.yml"
    cloud_yml.write_text(cloud_yml.read_text().replace(f"namespace: {NS}", "namespace: team-cloud"))
    in_cloud = cluster.peer.create_workflow(manifest, ns="team-cloud")
    in_base = cluster.peer.create_workflow(manifest, ns=NS)
    elsewhere = cluster.peer.create_workflow(manifest, ns=KUBE_NS)

    assert cluster.run("status", in_cloud).returncode == 0
    missing = cluster.run("status", in_base)
    assert missing.returncode == 1 and "namespace `team-cloud`" in missing.stderr
    assert cluster.run("status", in_base, "--namespace", NS).returncode == 0

    mark(cluster.peer, in_base, "Failed", ["Succeeded", "Failed"])
    retried = cluster.run("resubmit", "--workflow-name", in_base, "-e", "base", "--no-rebuild")
    assert retried.returncode == 0, retried.stderr

    outside = tmp_path / "outside"
    outside.mkdir()
    assert cluster.run("status", elsewhere, cwd=outside).returncode == 0
    not_here = cluster.run("status", in_cloud, cwd=outside)
    assert not_here.returncode == 1 and f"namespace `{KUBE_NS}`" in not_here.stderr


def test_submit_checks_the_cluster_before_it_builds_anything(
    cluster: Cluster, tmp_path: Path
) -> None:
    """`submit` first asks the API server for a dry-run create of the workflow (reachable, Argo
    installed, namespace exists, allowed to create it), says so in one line, and only then
    builds, pushes and creates. No reachable cluster, or a user who may not create workflows:
    exit 1, and docker never ran."""
    ok = cluster.run("submit", "-e", "base", "--name", "sf-checked")
    assert ok.returncode == 0, ok.stderr
    checked = f"cluster ok: may create workflows in namespace {NS}"
    said = ok.stderr.splitlines()
    assert said.count(checked) == 1, ok.stderr
    assert said.index(checked) < next(i for i, line in enumerate(said) if "buildx build" in line)
    posts = [r for r in cluster.peer.requests() if r.startswith("POST ")]
    assert len(posts) == 2 and "dryRun=All" in posts[0] and "dryRun" not in posts[1], posts
    assert len(cluster.docker_calls()) == 2

    # A taken --name is found before the build too.
    taken = cluster.run("submit", "-e", "base", "--name", "sf-checked")
    assert taken.returncode == 1 and "already exists" in taken.stderr
    assert len(cluster.docker_calls()) == 2

    # Nothing listens on the kubeconfig's server.
    closed = Peer()
    closed_url = closed.url
    closed.close()
    unreachable = tmp_path / "unreachable"
    unreachable.write_text(cluster.kubeconfig.read_text().replace(cluster.peer.url, closed_url))
    out = cluster.run("submit", "-e", "base", env={"KUBECONFIG": str(unreachable)})
    assert out.returncode == 1
    assert out.stderr.startswith("error: could not create the workflow"), out.stderr
    assert len(cluster.docker_calls()) == 2

    forbidden = Peer("--forbid")
    try:
        config = tmp_path / "forbidden"
        config.write_text(cluster.kubeconfig.read_text().replace(cluster.peer.url, forbidden.url))
        out = cluster.run("submit", "-e", "base", env={"KUBECONFIG": str(config)})
        assert out.returncode == 1
        assert "hint: ask for a Role that allows `create`" in out.stderr, out.stderr
        posts = [r for r in forbidden.requests() if r.startswith("POST ")]
        assert len(posts) == 1 and "dryRun=All" in posts[0], posts
    finally:
        forbidden.close()
    assert len(cluster.docker_calls()) == 2


def test_a_failing_docker_reports_the_command_and_its_stderr(cluster: Cluster) -> None:
    out = cluster.run("submit", "-e", "base", "--namespace", NS, env={"STUB_DOCKER_FAIL": "1"})
    assert out.returncode == 1
    assert "error:" in out.stderr and "buildx build" in out.stderr
    assert "denied: no push access" in out.stderr
    assert cluster.peer.workflows() == []


# -- status, list, logs, watch -----------------------------------------------------------------


def test_status_list_logs_and_watch(cluster: Cluster, manifest: dict) -> None:
    name = cluster.peer.create_workflow(manifest)
    older = cluster.peer.create_workflow(manifest)
    tasks = dag_tasks(cluster.peer.workflow(name))
    mark(cluster.peer, name, "Failed", ["Succeeded", "Failed"])

    status = cluster.run("status", name, "--format", "json")
    assert status.returncode == 0, status.stderr
    report = json.loads(status.stdout)
    assert report["phase"] == "Failed" and report["message"] == "child failed"
    first_nodes = tasks[0]["arguments"]["parameters"][0]["value"].split(",")
    # Every task of the DAG: those that never ran in the failed workflow were omitted.
    assert [(t["name"], t["phase"]) for t in report["tasks"]] == [
        (tasks[0]["name"], "Succeeded"),
        (tasks[1]["name"], "Failed"),
        *((t["name"], "Omitted") for t in tasks[2:]),
    ]
    assert report["tasks"][0]["kedro_nodes"] == first_nodes
    assert report["tasks"][0]["pod"] in cluster.peer.pods()

    text = cluster.run("status", name)
    assert text.returncode == 0 and "Phase:     Failed" in text.stdout
    assert tasks[1]["name"] in text.stdout

    listed = cluster.run("list", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    assert {w["name"] for w in json.loads(listed.stdout)} == {name, older}
    table = cluster.run("list")
    assert table.stdout.splitlines()[0].split() == ["NAME", "PHASE", "CREATED", "DURATION"]

    logs = cluster.run("logs", name, "--node", first_nodes[0])
    assert logs.returncode == 0, logs.stderr
    assert logs.stdout == f"log of {tasks[0]['name']}\nline two\n"
    every = cluster.run("logs", name)
    assert f"{tasks[1]['name']} | log of {tasks[1]['name']}" in every.stdout
    missing = cluster.run("logs", name, "--node", "no_such_node")
    assert missing.returncode == 1 and "no_such_node" in missing.stderr

    watched = cluster.run("watch", name)
    assert watched.returncode == 1
    assert f"Failed    {tasks[1]['name']}" in watched.stderr
    assert "ended in phase Failed" in watched.stderr

    mark(cluster.peer, older, "Succeeded", ["Succeeded", "Succeeded"])
    ok = cluster.run("watch", older)
    assert ok.returncode == 0, ok.stderr
    assert f"workflow {older} Succeeded" in ok.stderr


def read_line(stream: Any, timeout: float) -> str:
    """The next line of `stream`, failing (not hanging) when none comes within `timeout` s."""
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: lines.put(stream.readline()), daemon=True).start()
    try:
        return lines.get(timeout=timeout)
    except queue.Empty:
        pytest.fail(f"no line within {timeout} s")


def test_logs_follow_picks_up_pods_that_start_later(cluster: Cluster, manifest: dict) -> None:
    """`logs --follow` on a running workflow prints the logs of the pods started so far, then
    those of the pods that start while it follows (as the workflow's status reports them), and
    ends once the workflow has completed and every log has ended. The peer serves a pod's whole
    log and closes the stream, as the API server does for a container that has ended."""
    name = cluster.peer.create_workflow(manifest)
    tasks = dag_tasks(cluster.peer.workflow(name))
    first, second = tasks[0]["name"], tasks[1]["name"]
    mark(cluster.peer, name, "Running", ["Running"])

    unknown = cluster.run("logs", name, "--follow", "--node", "no_such_node")
    assert unknown.returncode == 1 and "no_such_node" in unknown.stderr

    proc = cluster.start("logs", name, "--follow")
    try:
        assert proc.stdout is not None
        assert read_line(proc.stdout, 60) == f"{first} | log of {first}\n"
        assert read_line(proc.stdout, 60) == f"{first} | line two\n"
        mark(cluster.peer, name, "Succeeded", ["Succeeded", "Succeeded"])
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert out == f"{second} | log of {second}\n{second} | line two\n"


def test_cluster_errors_are_one_line_with_a_hint(cluster: Cluster) -> None:
    missing = cluster.run("status", "no-such-wf")
    assert missing.returncode == 1
    assert "workflow `no-such-wf` not found in namespace `team-a`" in missing.stderr
    assert "hint:" in missing.stderr

    no_crd = Peer("--no-crd")
    try:
        cluster.kubeconfig.write_text(cluster.kubeconfig.read_text().replace(
            cluster.peer.url, no_crd.url))  # fmt: skip
        out = cluster.run("list")
        assert out.returncode == 1
        assert "CRD" in out.stderr and "hint: install Argo Workflows" in out.stderr
    finally:
        no_crd.close()

    no_ns = Peer("--namespaces", "other")
    try:
        cluster.kubeconfig.write_text(cluster.kubeconfig.read_text().replace(
            no_crd.url, no_ns.url))  # fmt: skip
        out = cluster.run("submit", "-e", "base", "--no-build", "--format", "json")
        assert out.returncode == 1
        error = json.loads(out.stderr.strip().splitlines()[-1])
        assert NS in " ".join(error["causes"]) and error["hints"]
    finally:
        no_ns.close()


def test_command_lines_of_0_1_41_keep_working(cluster: Cluster, manifest: dict) -> None:
    """The flags of argo-kedro 0.1.41's `kedro argo init|submit|resubmit` (read from its
    source): `init -e -f -s`, `submit -p -e/--environment -d/--dry_run -w/--workflow-name` (a
    name base: the cluster adds a suffix) and `resubmit -w -e/--environment --rebuild`."""
    init = cluster.kedro_argo("init", "-e", "staging", "-f", "-s")
    assert init.returncode == 0, init.stderr
    assert "wrote" not in init.stderr
    assert (cluster.project / "conf" / "staging" / "argo.yml").is_file()

    for flags in (
        ["-p", "__default__", "-e", "base", "-d", "-w", "training"],
        ["--environment", "base", "--dry_run", "--workflow-name", "training"],
    ):
        dry = cluster.kedro_argo("submit", *flags)
        assert dry.returncode == 0, dry.stderr
        # Only the manifest: Kedro's own start-up logging stays off stdout.
        assert dry.stdout.startswith("apiVersion:"), dry.stdout[:300]
        metadata = yaml.safe_load(dry.stdout)["metadata"]
        assert metadata["generateName"] == "training-" and "name" not in metadata

    out = cluster.kedro_argo("submit", "-e", "base", "-w", "training")
    assert out.returncode == 0, out.stderr
    name = out.stdout.strip()
    assert name.startswith("training-") and len(name) > len("training-")
    assert cluster.peer.workflow(name)["metadata"]["generateName"] == "training-"
    assert len(cluster.docker_calls()) == 2  # build and push

    mark(cluster.peer, name, "Failed", ["Succeeded", "Failed"])
    again = cluster.kedro_argo("resubmit", "-w", name, "-e", "base", "--rebuild")
    assert again.returncode == 0, again.stderr
    assert len(cluster.docker_calls()) == 4  # rebuilt and pushed under the same tag
    retried = cluster.peer.workflow(name)
    assert "workflows.argoproj.io/completed" not in retried["metadata"].get("labels", {})
    assert retried["status"].get("phase", "") in ("", "Running")

    # The last of --rebuild / --no-rebuild wins, as with click.
    mark(cluster.peer, name, "Failed", ["Succeeded", "Failed"])
    again = cluster.kedro_argo("resubmit", "-w", name, "--rebuild", "--no-rebuild")
    assert again.returncode == 0, again.stderr
    assert len(cluster.docker_calls()) == 4


# -- resubmit ------------------------------------------------------------------------------------


def test_resubmit_retries_the_latest_failed_workflow_in_place(
    cluster: Cluster, manifest: dict
) -> None:
    name = cluster.peer.create_workflow(manifest)
    tasks = dag_tasks(cluster.peer.workflow(name))
    mark(cluster.peer, name, "Failed", ["Succeeded", "Failed"])
    pods_before = cluster.peer.pods()
    node_name = f"{name}.{tasks[1]['name']}"
    failed_pod = f"{name}-{tasks[1]['template']}-{fnv1a_32(node_name)}"
    assert failed_pod in pods_before

    out = cluster.run("resubmit")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == name
    assert f"resubmitting {name} (Failed" in out.stderr
    assert f"the retried pods will run image {IMAGE}" in out.stderr
    # Rebuilt and pushed under the workflow's own image reference.
    assert cluster.docker_calls() == [
        f"buildx build --platform linux/amd64 -f Dockerfile -t {IMAGE} --load ./",
        f"push {IMAGE}",
    ]

    wf = cluster.peer.workflow(name)
    assert "workflows.argoproj.io/completed" not in wf["metadata"].get("labels", {})
    # Argo's retry resets the phase (to Unknown: the controller takes the workflow up again).
    assert wf["status"].get("phase", "") in ("", "Running")
    phases = {n["displayName"]: n["phase"] for n in wf["status"]["nodes"].values()}
    assert phases.get(tasks[0]["name"]) == "Succeeded"
    assert tasks[1]["name"] not in phases
    assert cluster.peer.pods() == [p for p in pods_before if p != failed_pod]

    again = cluster.run("resubmit", "--workflow-name", name, "--no-rebuild")
    assert again.returncode == 1
    assert "only Failed or Error workflows can be resubmitted" in again.stderr


def test_resubmit_refuses_a_succeeded_workflow(cluster: Cluster, manifest: dict) -> None:
    name = cluster.peer.create_workflow(manifest)
    mark(cluster.peer, name, "Succeeded", ["Succeeded", "Succeeded"])
    out = cluster.run("resubmit", "--workflow-name", name, "--no-rebuild")
    assert out.returncode == 1
    assert f"workflow `{name}` is Succeeded" in out.stderr
    assert cluster.peer.workflow(name)["status"]["phase"] == "Succeeded"

    none = cluster.run("resubmit", "--no-rebuild")
    assert none.returncode == 1
    assert "no Failed or Error workflow of project `spaceflights_mini`" in none.stderr


def test_resubmit_memoized_submits_a_new_run(cluster: Cluster, manifest: dict) -> None:
    name = cluster.peer.create_workflow(manifest)
    mark(cluster.peer, name, "Failed", ["Succeeded", "Failed"])
    out = cluster.run(
        "resubmit", "--workflow-name", name, "--no-rebuild", "--memoized", "--format", "json"
    )
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["mode"] == "memoized" and result["resubmitted_from"] == name
    assert result["name"] != name
    assert {w["metadata"]["name"] for w in cluster.peer.workflows()} == {name, result["name"]}

    # The new run has its own Kedro version; its tasks find the reused results at the old run's
    # version (the hook's own function, from the old workflow's creationTimestamp and uid).
    old = cluster.peer.workflow(name)["metadata"]
    first = run_version(old["creationTimestamp"], old["uid"])
    new = cluster.peer.workflow(result["name"])
    assert workflow_parameters(new)["reused_versions"] == first
    assert f"loads the reused results at their versions: {first}" in out.stderr
    # A memoized resubmit of that run reuses from both.
    mark(cluster.peer, result["name"], "Failed", ["Succeeded", "Failed"])
    again = cluster.run(
        "resubmit", "-w", result["name"], "--no-rebuild", "--memoized", "--format", "json"
    )
    assert again.returncode == 0, again.stderr
    third = cluster.peer.workflow(json.loads(again.stdout)["name"])
    second = run_version(new["metadata"]["creationTimestamp"], new["metadata"]["uid"])
    assert workflow_parameters(third)["reused_versions"] == f"{second},{first}"


def workflow_parameters(wf: dict) -> dict[str, str]:
    return {p["name"]: p.get("value", "") for p in wf["spec"]["arguments"]["parameters"]}


def foreign_workflow(labels: dict[str, str] | None = None) -> dict:
    """A Failed workflow that argo-kedro did not compile: Argo's own withParam fan-out over a
    sub-DAG (from its util_test.go), one iteration's pod failed, as the controller left it."""
    wf = yaml.safe_load((FIXTURES / "withparam-subdag-failed.yaml").read_text())
    for key in ("resourceVersion", "uid", "creationTimestamp", "generation"):
        wf["metadata"].pop(key)
    wf["metadata"]["labels"].update(labels or {})
    return wf


def pods_for(peer: Peer, wf: dict) -> list[str]:
    """Creates the pod of every Pod node (v2 names), as the controller did; returns them."""
    name = wf["metadata"]["name"]
    pods = []
    for node_id, node in wf["status"]["nodes"].items():
        if node["type"] == "Pod":
            pod = f"{name}-{node['templateName']}-{fnv1a_32(node['name'])}"
            peer.create_pod(pod, name, node_id, "log\n")
            pods.append(pod)
    return sorted(pods)


def test_resubmit_no_rebuild_retries_a_workflow_this_tool_did_not_compile(
    cluster: Cluster, tmp_path: Path
) -> None:
    """Outside any project, with no image to rebuild: the retry leaves `status.nodes` exactly as
    Argo's FormulateRetryWorkflow does (traced by hand in
    withparam-subdag-failed.retried-nodes.yaml): the failed iteration's DAG, the fan-out's
    TaskGroup and the root are reset, the failed pod node and its pod deleted."""
    wf = foreign_workflow()
    name = cluster.peer.create_workflow(wf)
    pods = pods_for(cluster.peer, wf)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    rebuild = cluster.run("resubmit", "--workflow-name", name, "--namespace", NS, cwd=elsewhere)
    assert rebuild.returncode == 1
    assert f"cannot tell which image workflow `{name}` runs" in rebuild.stderr
    assert "hint: pass --no-rebuild" in rebuild.stderr

    out = cluster.run(
        "resubmit", "--workflow-name", name, "--no-rebuild", "--namespace", NS, cwd=elsewhere
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == name
    assert cluster.docker_calls() == []
    assert "hint" not in out.stderr

    retried = cluster.peer.workflow(name)
    expected = yaml.safe_load((FIXTURES / "withparam-subdag-failed.retried-nodes.yaml").read_text())
    nodes = retried["status"]["nodes"]
    reset = [i for i, n in expected.items() if n["startedAt"] == "2024-06-01T12:00:00Z"]
    assert len(reset) == 3
    for node_id in reset:  # startedAt is the time of the retry
        assert nodes[node_id]["startedAt"] > "2025-"
        nodes[node_id]["startedAt"] = "2024-06-01T12:00:00Z"
    assert nodes == expected
    assert "phase" not in retried["status"]
    assert "workflows.argoproj.io/completed" not in retried["metadata"]["labels"]
    assert cluster.peer.pods() == [p for p in pods if p != "subdag-iterate-jrfch-echo-1786915540"]


def test_resubmit_checks_the_controller_instance_id(cluster: Cluster, tmp_path: Path) -> None:
    label = "workflows.argoproj.io/controller-instanceid"
    wf = foreign_workflow({label: "blue"})
    name = cluster.peer.create_workflow(wf)
    pods_for(cluster.peer, wf)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    args = ("resubmit", "--workflow-name", name, "--no-rebuild", "--namespace", NS)

    refused = cluster.run(*args, cwd=elsewhere)
    assert refused.returncode == 1
    assert "belongs to controller instance `blue`, and no instance id is configured" in (
        refused.stderr
    )
    assert "hint: if the controller of instance `blue`" in refused.stderr
    other = cluster.run(*args, cwd=elsewhere, env={"ARGO_INSTANCEID": "green"})
    assert other.returncode == 1 and "not to the configured `green`" in other.stderr
    assert cluster.peer.workflow(name)["status"]["phase"] == "Failed"

    # The project's argo.yml gives its workflows that instance id: the retry is allowed there.
    for env in ("base", "cloud"):
        argo_yml = cluster.project / "conf" / env / "argo.yml"
        argo_yml.write_text(argo_yml.read_text() + f"labels: {{{label}: blue}}\n")
    memo = cluster.run(*args, "--memoized", "--format", "json")
    assert memo.returncode == 0, memo.stderr
    created = json.loads(memo.stdout)["name"]
    assert created.startswith("subdag-iterate-") and created != name
    assert cluster.peer.workflow(created)["metadata"]["labels"][label] == "blue"

    allowed = cluster.run(*args, cwd=elsewhere, env={"ARGO_INSTANCEID": "blue"})
    assert allowed.returncode == 0, allowed.stderr
    assert cluster.peer.workflow(name)["status"].get("phase", "") == ""


def test_status_after_an_in_place_retry_names_every_tasks_kedro_nodes(
    cluster: Cluster, manifest: dict
) -> None:
    """An in-place retry removes the failed task's nodes until the controller runs it again, and
    tasks that have not started have none: `status` lists them all from the workflow's DAG,
    each with its Kedro nodes."""
    name = cluster.peer.create_workflow(manifest)
    tasks = dag_tasks(cluster.peer.workflow(name))
    assert len(tasks) > 2
    mark(cluster.peer, name, "Failed", ["Succeeded", "Failed"])
    retried = cluster.run("resubmit", "--workflow-name", name, "--no-rebuild")
    assert retried.returncode == 0, retried.stderr
    assert "retrying 1 failed task of" in retried.stderr

    out = cluster.run("status", name, "--format", "json")
    assert out.returncode == 0, out.stderr
    rows = {row["name"]: row for row in json.loads(out.stdout)["tasks"]}
    expected = {
        t["name"]: next(
            p["value"] for p in t["arguments"]["parameters"] if p["name"] == "kedro_nodes"
        )
        for t in tasks
    }
    assert {n: ",".join(r["kedro_nodes"]) for n, r in rows.items()} == expected
    assert rows[tasks[0]["name"]]["phase"] == "Succeeded"
    assert rows[tasks[1]["name"]]["phase"] == "Pending"  # reset by the retry
    assert all(rows[t["name"]]["phase"] == "Pending" for t in tasks[2:])

    text = cluster.run("status", name)
    assert text.returncode == 0, text.stderr
    for task in tasks:
        assert re.search(rf"(?m)^{re.escape(task['name'])}\s", text.stdout), text.stdout


# -- stop, terminate -------------------------------------------------------------------------------


def test_stop_and_terminate_set_the_shutdown(cluster: Cluster, manifest: dict) -> None:
    first = cluster.peer.create_workflow(manifest)
    second = cluster.peer.create_workflow(manifest)
    mark(cluster.peer, first, "Running", ["Running"])
    stop = cluster.run("stop", first)
    assert stop.returncode == 0, stop.stderr
    assert cluster.peer.workflow(first)["spec"]["shutdown"] == "Stop"
    terminate = cluster.run("terminate", second)
    assert terminate.returncode == 0, terminate.stderr
    assert cluster.peer.workflow(second)["spec"]["shutdown"] == "Terminate"

    mark(cluster.peer, second, "Succeeded", [])
    done = cluster.run("terminate", second)
    assert done.returncode == 1 and "already completed" in done.stderr
