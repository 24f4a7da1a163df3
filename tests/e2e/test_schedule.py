"""End-to-end tests of schedules (`compile --cron`, `schedule`) and memory escalation (`on_oom`
and `resubmit`) through the installed `argo-kedro` binary.

The Kubernetes API is the repository's peer (`tests/k8s_peer/peer.py`, a stand-in for a real
API server); where Argo's controllers would act (starting a scheduled workflow, writing a
workflow's status) the test writes to the peer as they would, following upstream's
`ConvertCronWorkflowToWorkflowWithProperties` and the retry node layout of `executeTemplate`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from test_cluster import IMAGE, NS, Cluster, Peer, dag_tasks

CRONS = "/apis/argoproj.io/v1alpha1/namespaces/{ns}/cronworkflows"
CRON_NAME = "spaceflights-mini-default-cloud"


@pytest.fixture
def k8s(tmp_path: Path) -> Iterator[Cluster]:
    """The peer, a kubeconfig, a stub docker and a copy of the example (see test_cluster)."""
    peer = Peer()
    try:
        yield Cluster(tmp_path, peer)
    finally:
        peer.close()


def crons(k8s: Cluster) -> list[dict]:
    return k8s.peer.request("GET", CRONS.format(ns=NS))["items"]


def compile_json(k8s: Cluster, *args: str) -> dict:
    out = k8s.run("compile", "-e", "cloud", "--image", IMAGE, "--format", "json", *args)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def add_to_argo_yml(k8s: Cluster, env: str, text: str) -> None:
    path = k8s.project / "conf" / env / "argo.yml"
    path.write_text(path.read_text() + text)


# -- compile --cron ------------------------------------------------------------------------------


def test_compile_cron_wraps_exactly_the_compiled_workflow_spec(
    k8s: Cluster, tmp_path: Path
) -> None:
    workflow = compile_json(k8s)
    cron = compile_json(
        k8s, "--cron", "0 2 * * *", "--timezone", "Europe/Paris", "--starting-deadline", "600"
    )
    assert cron["kind"] == "CronWorkflow"
    assert cron["metadata"]["name"] == CRON_NAME
    assert cron["spec"]["schedules"] == ["0 2 * * *"]
    assert cron["spec"]["timezone"] == "Europe/Paris"
    assert cron["spec"]["concurrencyPolicy"] == "Forbid", "the default"
    assert cron["spec"]["startingDeadlineSeconds"] == 600
    assert cron["spec"]["workflowSpec"] == workflow["spec"]
    # The workflows it starts carry the project's labels.
    assert cron["spec"]["workflowMetadata"]["labels"] == workflow["metadata"]["labels"]
    # What it writes passes `lint` (schema and strict rules), as YAML too.
    out = tmp_path / "cron.yaml"
    written = k8s.run("compile", "-e", "cloud", "--cron", "@every 6h", "-o", str(out))
    assert written.returncode == 0, written.stderr
    assert yaml.safe_load(out.read_text())["spec"]["schedules"] == ["@every 6h"]
    lint = k8s.run("lint", str(out))
    assert lint.returncode == 0, lint.stdout + lint.stderr
    policy = compile_json(k8s, "--cron", "@daily", "--concurrency-policy", "replace")
    assert policy["spec"]["concurrencyPolicy"] == "Replace"


@pytest.mark.parametrize(
    ("flags", "named"),
    [
        (["--cron", "0 2 * *"], "invalid cron expression `0 2 * *`"),
        (["--cron", "0 24 * * *"], "end of range (24) above maximum (23)"),
        (["--cron", "@fortnightly"], "unrecognized descriptor: @fortnightly"),
        (
            ["--cron", "0 2 * * *", "--timezone", "Europe/Pariss"],
            "unknown time zone `Europe/Pariss`",
        ),
    ],
)
def test_compile_cron_refuses_a_bad_schedule_naming_it(
    k8s: Cluster, tmp_path: Path, flags: list[str], named: str
) -> None:
    out = tmp_path / "cron.yaml"
    result = k8s.run("compile", "-e", "cloud", *flags, "-o", str(out))
    assert result.returncode == 1
    assert named in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "panicked" not in result.stderr
    assert not out.exists(), "nothing is written"


# -- schedule ------------------------------------------------------------------------------------


def test_schedule_creates_then_updates_in_place_then_deletes(k8s: Cluster) -> None:
    first = k8s.run("schedule", "--cron", "0 2 * * *", "--format", "json")
    assert first.returncode == 0, first.stderr
    created = json.loads(first.stdout)
    assert (created["name"], created["action"]) == (CRON_NAME, "created")
    assert created["next_run"], created
    # Built and pushed as `submit` does, under the manifest's image.
    calls = k8s.docker_calls()
    assert calls[0].startswith("buildx build") and calls[1].startswith("push "), calls
    [cron] = crons(k8s)
    uid, version = cron["metadata"]["uid"], cron["metadata"]["resourceVersion"]
    assert cron["spec"]["schedules"] == ["0 2 * * *"]
    assert cron["metadata"]["labels"]["argo-kedro.io/project"] == "spaceflights_mini"

    second = k8s.run("schedule", "--cron", "30 3 * * 1-5", "--no-build")
    assert second.returncode == 0, second.stderr
    assert second.stdout == f"{CRON_NAME}\n"
    assert f"updated CronWorkflow {CRON_NAME} in namespace {NS}" in second.stderr
    [cron] = crons(k8s)
    assert cron["metadata"]["uid"] == uid, "the same object"
    assert cron["metadata"]["resourceVersion"] != version
    assert cron["spec"]["schedules"] == ["30 3 * * 1-5"]
    assert len(k8s.docker_calls()) == 2, "--no-build builds nothing"

    listed = k8s.run("schedule", "--list", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    [row] = json.loads(listed.stdout)
    assert (row["name"], row["schedules"], row["env"]) == (CRON_NAME, ["30 3 * * 1-5"], "cloud")
    assert row["next_run"]
    table = k8s.run("schedule", "--list")
    assert table.stdout.startswith("NAME"), table.stdout
    assert CRON_NAME in table.stdout and "`30 3 * * 1-5`" in table.stdout

    deleted = k8s.run("schedule", "--delete")
    assert deleted.returncode == 0, deleted.stderr
    assert crons(k8s) == []
    again = k8s.run("schedule", "--delete")
    assert again.returncode == 1
    assert f"CronWorkflow `{CRON_NAME}` not found in namespace `{NS}`" in again.stderr


def test_schedule_checks_the_cluster_before_it_builds(k8s: Cluster, tmp_path: Path) -> None:
    """As `submit`: a server-side dry run of the very write (create, then update in place) comes
    before the build, said in one line; a user who may not write CronWorkflows gets exit 1 and
    docker never runs."""
    first = k8s.run("schedule", "--cron", "@daily")
    assert first.returncode == 0, first.stderr
    said = first.stderr.splitlines()
    checked = f"cluster ok: may write CronWorkflows in namespace {NS}"
    assert said.count(checked) == 1, first.stderr
    assert said.index(checked) < next(i for i, line in enumerate(said) if "buildx build" in line)
    posts = [r for r in k8s.peer.requests() if r.startswith("POST ")]
    assert len(posts) == 2 and "dryRun=All" in posts[0] and "dryRun" not in posts[1], posts

    [cron] = crons(k8s)
    second = k8s.run("schedule", "--cron", "@hourly", "--no-build")
    assert second.returncode == 0, second.stderr
    puts = [r for r in k8s.peer.requests() if r.startswith("PUT ")]
    assert len(puts) == 2 and "dryRun=All" in puts[0] and "dryRun" not in puts[1], puts
    [updated] = crons(k8s)
    assert int(updated["metadata"]["resourceVersion"]) > int(cron["metadata"]["resourceVersion"])

    forbidden = Peer("--forbid")
    try:
        config = tmp_path / "forbidden"
        config.write_text(k8s.kubeconfig.read_text().replace(k8s.peer.url, forbidden.url))
        out = k8s.run("schedule", "--cron", "@daily", env={"KUBECONFIG": str(config)})
        assert out.returncode == 1
        assert "nothing was built" in out.stderr, out.stderr
        posts = [r for r in forbidden.requests() if r.startswith("POST ")]
        assert len(posts) == 1 and "dryRun=All" in posts[0], posts
    finally:
        forbidden.close()
    assert len(k8s.docker_calls()) == 2, "built once, by the first schedule"


def test_schedule_reads_argo_yml_and_flags_win(k8s: Cluster) -> None:
    add_to_argo_yml(
        k8s,
        "cloud",
        "schedule:\n  cron: '@daily'\n  timezone: Asia/Tokyo\n  concurrency_policy: Replace\n",
    )
    out = k8s.run("schedule", "--no-build", "--concurrency-policy", "Allow")
    assert out.returncode == 0, out.stderr
    [cron] = crons(k8s)
    spec = cron["spec"]
    assert (spec["schedules"], spec["timezone"], spec["concurrencyPolicy"]) == (
        ["@daily"],
        "Asia/Tokyo",
        "Allow",
    )
    # `compile` writes the CronWorkflow when a flag of the schedule is given; the rest: argo.yml.
    compiled = compile_json(k8s, "--timezone", "UTC")
    assert (compiled["kind"], compiled["spec"]["schedules"]) == ("CronWorkflow", ["@daily"])
    assert (compiled["spec"]["timezone"], compiled["spec"]["concurrencyPolicy"]) == (
        "UTC",
        "Replace",
    )
    assert compile_json(k8s)["kind"] == "Workflow"
    # Without a schedule anywhere: exit 1, saying how to give one.
    missing = k8s.run("schedule", "-e", "base", "--no-build")
    assert missing.returncode == 1
    assert "no schedule for Kedro env `base`" in missing.stderr
    assert "--cron" in missing.stderr


def test_schedule_refuses_to_take_over_another_pipelines_cron_workflow(k8s: Cluster) -> None:
    foreign = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "CronWorkflow",
        "metadata": {"name": CRON_NAME, "annotations": {"argo-kedro.io/project": "other"}},
        "spec": {"schedules": ["@daily"], "workflowSpec": {"entrypoint": "main"}},
    }
    k8s.peer.request("POST", CRONS.format(ns=NS), foreign)
    out = k8s.run("schedule", "--cron", "@hourly", "--no-build")
    assert out.returncode == 1
    assert "exists and runs project other" in out.stderr, out.stderr
    [cron] = crons(k8s)
    assert cron["spec"]["schedules"] == ["@daily"], "left alone"


def test_the_workflows_a_schedule_starts_are_the_projects(k8s: Cluster) -> None:
    assert k8s.run("schedule", "--cron", "0 2 * * *", "--no-build").returncode == 0
    [cron] = crons(k8s)
    # The cron controller's `ConvertCronWorkflowToWorkflowWithProperties`: named after the
    # CronWorkflow and the scheduled time, its workflowMetadata's labels plus the cron label.
    labels = {
        **cron["spec"]["workflowMetadata"]["labels"],
        "workflows.argoproj.io/cron-workflow": CRON_NAME,
    }
    started = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Workflow",
        "metadata": {
            "name": f"{CRON_NAME}-1714528800",
            "labels": labels,
            "annotations": {
                **cron["spec"]["workflowMetadata"]["annotations"],
                "workflows.argoproj.io/scheduled-time": "2024-05-01T02:00:00Z",
            },
            "ownerReferences": [
                {
                    "apiVersion": "argoproj.io/v1alpha1",
                    "kind": "CronWorkflow",
                    "name": CRON_NAME,
                    "uid": cron["metadata"]["uid"],
                    "controller": True,
                    "blockOwnerDeletion": True,
                }
            ],
        },
        "spec": cron["spec"]["workflowSpec"],
        "status": {"phase": "Running", "startedAt": "2024-05-01T02:00:01Z"},
    }
    name = k8s.peer.create_workflow(started)
    listed = k8s.run("list", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    [row] = json.loads(listed.stdout)
    assert (row["name"], row["cron_workflow"]) == (name, CRON_NAME)
    table = k8s.run("list")
    assert "SCHEDULE" in table.stdout and CRON_NAME in table.stdout.splitlines()[1]
    status = k8s.run("status", name)
    assert status.returncode == 0 and "Phase:     Running" in status.stdout, status.stderr


# -- memory escalation ---------------------------------------------------------------------------


def escalating_task(wf: dict) -> tuple[dict, dict]:
    """A DAG task of the workflow on an escalating template, and that template."""
    ladders = {
        t["name"]: t
        for t in wf["spec"]["templates"]
        if "argo-kedro.io/memory-ladder" in t.get("metadata", {}).get("annotations", {})
    }
    task = next(t for t in dag_tasks(wf) if t["template"] in ladders)
    return task, ladders[task["template"]]


def test_resubmit_retries_an_oom_killed_task_on_the_next_rung(k8s: Cluster) -> None:
    base = k8s.project / "conf" / "base" / "argo.yml"
    base.write_text(
        base.read_text().replace(
            "default: {mem: 4, cpu: 1, num_gpu: 0}",
            "default: {mem: 4, cpu: 1, num_gpu: 0, on_oom: large}",
        )
    )
    plan = k8s.run("plan", "-e", "cloud")
    assert "on OOM: retried on `large` (16 GiB, 4 cpu, 0 gpu)" in plan.stdout, plan.stdout
    submitted = k8s.run("submit", "--no-build", "--name", "wf-oom")
    assert submitted.returncode == 0, submitted.stderr
    wf = k8s.peer.workflow("wf-oom")
    task, template = escalating_task(wf)
    assert template["retryStrategy"]["limit"] == 1
    assert "OOMKilled" in template["retryStrategy"]["expression"]
    # As the controller leaves it when the task's retries went elsewhere: its retry node failed,
    # its last attempt killed for memory on `default`.
    retry_id, attempts = "wf-oom-1", ["wf-oom-2", "wf-oom-3"]
    oom = {"message": "main: OOMKilled (exit code 137)", "outputs": {"exitCode": "137"}}
    nodes = {
        "wf-oom": {"id": "wf-oom", "name": "wf-oom", "displayName": "wf-oom", "type": "DAG",
                   "templateName": "pipeline", "phase": "Failed", "children": [retry_id]},
        retry_id: {"id": retry_id, "name": f"wf-oom.{task['name']}", "displayName": task["name"],
                   "type": "Retry", "templateName": task["template"], "phase": "Failed",
                   "boundaryID": "wf-oom", "children": attempts[:1]},
        attempts[0]: {"id": attempts[0], "name": f"wf-oom.{task['name']}(0)",
                      "displayName": f"{task['name']}(0)", "type": "Pod", "phase": "Failed",
                      "templateName": task["template"], "boundaryID": "wf-oom", **oom},
    }  # fmt: skip
    wf["status"] = {"phase": "Failed", "startedAt": "2024-01-01T00:00:00Z", "nodes": nodes}
    k8s.peer.put_workflow(wf)

    out = k8s.run("resubmit", "--workflow-name", "wf-oom", "--no-rebuild", "--format", "json")
    assert out.returncode == 0, out.stderr
    said = f"task {task['name']} was killed for memory on `default` (4Gi)"
    assert f"{said}: it runs on `large` (16Gi) now" in out.stderr, out.stderr
    result = json.loads(out.stdout)
    assert result["oom_escalations"] == [{"task": task["name"], "from": "default", "to": "large"}]
    retried = k8s.peer.workflow("wf-oom")
    args = {
        t["name"]: {p["name"]: p["value"] for p in t["arguments"]["parameters"]}
        for t in dag_tasks(retried)
    }
    assert args[task["name"]]["oom_rung"] == "1"
    assert all("oom_rung" not in a for n, a in args.items() if n != task["name"])

    # A memoized resubmit of the same failure: the new run starts the task on `large` too.
    retried["status"] = wf["status"]
    k8s.peer.put_workflow(retried)
    memo = k8s.run("resubmit", "--workflow-name", "wf-oom", "--no-rebuild", "--memoized")
    assert memo.returncode == 0, memo.stderr
    new = k8s.peer.workflow(memo.stdout.strip())
    [again] = [t for t in dag_tasks(new) if t["name"] == task["name"]]
    assert {"name": "oom_rung", "value": "1"} in again["arguments"]["parameters"]
