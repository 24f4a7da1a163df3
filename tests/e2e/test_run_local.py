"""`argo-kedro run-local` against plain `kedro run` (real Kedro, real processes).

Needs the repository installed in the running interpreter's environment (scripts/setup.sh).
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest
from e2e_support import EXAMPLES, binary, run, tiny_project


def copy_project(src: Path, dest: Path) -> Path:
    """A copy without anything Kedro or argo-kedro wrote (raw inputs kept)."""

    def ignore(directory: str, names: list[str]) -> set[str]:
        skip = {"logs", "__pycache__", ".venv", ".argo-kedro"}
        if Path(directory) == src / "data":
            skip |= {n for n in names if n != "01_raw"}
        return skip & set(names)

    shutil.copytree(src, dest, ignore=ignore)
    return dest


# A Kedro version: a directory of a versioned dataset (`data/x.csv/<version>/x.csv`).
VERSION = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}\.\d{2}\.\d{2}\.\d{3}Z$")


def outputs(project: Path) -> dict[str, Path]:
    """What a run wrote under data/, by path, the versions of versioned datasets as `<v>`."""
    data = project / "data"
    return {
        "/".join("<v>" if VERSION.match(part) else part for part in p.relative_to(data).parts): p
        for p in sorted(data.rglob("*"))
        if p.is_file() and p.relative_to(data).parts[0] != "01_raw"
    }


def versions_by_dataset(project: Path) -> dict[str, set[str]]:
    """The versions each versioned dataset under data/ has."""
    found: dict[str, set[str]] = {}
    for p in (project / "data").rglob("*"):
        if p.is_dir() and VERSION.match(p.name):
            found.setdefault(str(p.parent.relative_to(project / "data")), set()).add(p.name)
    return found


def same_content(a: Path, b: Path) -> bool:
    if a.read_bytes() == b.read_bytes():
        return True
    if a.suffix == ".parquet":  # the format may embed writer metadata
        return pd.read_parquet(a).equals(pd.read_parquet(b))
    return False


# The examples whose catalog has no versioned dataset (the version checks need one).
UNVERSIONED = {"telemetry-mini"}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_run_local_leaves_the_same_outputs_as_kedro_run(example: Path, tmp_path: Path) -> None:
    by_kedro = copy_project(example, tmp_path / "kedro")
    by_local = copy_project(example, tmp_path / "local")
    secrets = {"API_TOKEN": "local-test-token"}
    plain = run([sys.executable, "-m", "kedro", "run", "--env", "base"], by_kedro, **secrets)
    assert plain.returncode == 0, plain.stderr[-3000:]
    local = run([binary(), "run-local", "-e", "base", "-j", "2"], by_local, **secrets)
    assert local.returncode == 0, local.stderr[-3000:]
    assert "Succeeded" in local.stderr

    expected, actual = outputs(by_kedro), outputs(by_local)
    assert expected, "kedro run wrote nothing"
    assert sorted(actual) == sorted(expected)
    for name, path in expected.items():
        assert same_content(path, actual[name]), f"{name} differs"

    # Like `kedro run`, one run saves every versioned dataset under one version.
    by_dataset = versions_by_dataset(by_local)
    assert sorted(by_dataset) == sorted(versions_by_dataset(by_kedro))
    if example.name in UNVERSIONED:
        assert not by_dataset, f"{example.name} saves versioned datasets now: test them"
        return
    assert len(set().union(*by_dataset.values())) == 1, by_dataset
    # A second run: every versioned dataset gets one other version, the same for all.
    again = run([binary(), "run-local", "-e", "base", "-j", "2"], by_local, **secrets)
    assert again.returncode == 0, again.stderr[-3000:]
    (first,) = set().union(*by_dataset.values())
    after = versions_by_dataset(by_local)
    (second,) = set().union(*after.values()) - {first}
    assert after == {name: {first, second} for name in by_dataset}


def test_fused_memory_datasets_are_not_written(tmp_path: Path) -> None:
    project = tiny_project(tmp_path / "tiny")
    plan = run([binary(), "plan", "-e", "base", "--format", "json"], project)
    assert plan.returncode == 0, plan.stderr
    memory = {d for t in json.loads(plan.stdout)["tasks"] for d in t["memory_datasets"]}
    assert memory == {"mid"}

    local = run([binary(), "run-local", "-e", "base"], project)
    assert local.returncode == 0, local.stderr[-3000:]
    assert not (project / "data/02_intermediate/mid.csv").exists()
    assert (project / "data/08_reporting/report.csv").read_text() == "total\n24\n"

    plain = copy_project(project, tmp_path / "plain")
    kedro = run([sys.executable, "-m", "kedro", "run"], plain)
    assert kedro.returncode == 0, kedro.stderr[-3000:]
    assert (plain / "data/02_intermediate/mid.csv").exists()


def test_a_failing_node_fails_the_run_and_nothing_after_it_runs(tmp_path: Path) -> None:
    project = tiny_project(tmp_path / "tiny")
    local = run([binary(), "run-local", "-e", "base", "--params", "fail=true"], project)
    assert local.returncode == 1, local.stderr[-3000:]
    assert "Kedro nodes: total" in local.stderr
    assert "total was told to fail" in local.stderr
    assert (project / "data/02_intermediate/doubled.csv").exists()
    assert not (project / "data/03_primary/summary.csv").exists()
    assert not (project / "data/08_reporting/report.csv").exists()


# `run-local --manifest`: hand-written Argo manifests end as the controller would end them.

HANDLERS = """
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: handlers-}
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
      - {name: train, template: fail}
      - name: alert
        template: touch
        depends: train.Failed
        arguments: {parameters: [{name: f, value: alerted}]}
      - {name: flaky, template: fail, continueOn: {failed: true}}
      - name: after-flaky
        template: touch
        dependencies: [flaky]
        arguments: {parameters: [{name: f, value: after-flaky}]}
  - name: fail
    container: {image: busybox, command: [sh, -c, "exit 3"]}
  - name: touch
    inputs: {parameters: [{name: f}]}
    container: {image: busybox, command: [touch, "{{inputs.parameters.f}}"]}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "wf.yaml"
    path.write_text(text)
    return path


def test_manifest_failure_handler_and_continue_on_succeed(tmp_path: Path) -> None:
    """dag.go `assessDAGPhase`: handled failures do not fail the workflow."""
    local = run([binary(), "run-local", "--manifest", str(write(tmp_path, HANDLERS))], tmp_path)
    assert local.returncode == 0, local.stderr[-3000:]
    assert (tmp_path / "alerted").exists()
    assert (tmp_path / "after-flaky").exists()
    assert "images are not used locally" in local.stderr and "busybox" in local.stderr
    assert "Succeeded in" in local.stderr


def test_manifest_unhandled_failure_fails_after_other_branches_ran(tmp_path: Path) -> None:
    """The DAG keeps scheduling after a failure and is judged Failed at the end."""
    text = HANDLERS.replace("depends: train.Failed", "depends: train.Succeeded")
    local = run([binary(), "run-local", "--manifest", str(write(tmp_path, text))], tmp_path)
    assert local.returncode == 1, local.stderr[-3000:]
    assert not (tmp_path / "alerted").exists()
    assert (tmp_path / "after-flaky").exists(), "the independent branch still ran"
    assert "error: the local run failed: task `train`" in local.stderr


STEPS = """
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: steps}
spec:
  entrypoint: main
  arguments: {parameters: [{name: greeting, value: hello}]}
  templates:
  - name: main
    steps:
    - - {name: flaky, template: flaky}
    - - name: use
        template: use
        arguments: {parameters: [{name: word, value: "{{steps.flaky.outputs.parameters.word}}"}]}
  - name: flaky
    retryStrategy: {retryPolicy: Always}
    script:
      image: python:3.12
      command: [sh]
      source: |
        echo x >> attempts
        [ "$(wc -l < attempts)" -ge 4 ] || exit 1
        printf '{{workflow.parameters.greeting}} after {{retries}} retries\\n\\n' > /tmp/word
    outputs: {parameters: [{name: word, valueFrom: {path: /tmp/word}}]}
  - name: use
    inputs: {parameters: [{name: word}]}
    container:
      image: busybox
      command: [sh, -c, "printf '%s|' '{{inputs.parameters.word}}' > used"]
"""


def test_manifest_steps_retry_without_limit_and_pass_outputs(tmp_path: Path) -> None:
    """steps.go groups, operator.go `processNodeRetries` without limit, executor.go
    `SaveParameters` (exactly one trailing newline removed), `--parameter` overrides."""
    args = ["run-local", "--manifest", str(write(tmp_path, STEPS)), "--parameter", "greeting=hi"]
    local = run([binary(), *args], tmp_path)
    assert local.returncode == 0, local.stderr[-3000:]
    assert (tmp_path / "attempts").read_text() == "x\n" * 4
    assert (tmp_path / "used").read_text() == "hi after 3 retries\n|"


RETRY_EXPRESSION = """
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: expression}
spec:
  entrypoint: main
  templates:
  - name: main
    retryStrategy:
      limit: 5
      expression: EXPRESSION
    container:
      image: busybox
      command: [sh, -c, "echo x >> attempts; [ $(wc -l < attempts) -ge 2 ] && exit 1; exit 75"]
"""


def test_manifest_retry_expression_decides_and_bad_ones_are_refused(tmp_path: Path) -> None:
    """operator.go: with an expression the policy is Always and the expression decides."""
    text = RETRY_EXPRESSION.replace("EXPRESSION", '"asInt(lastRetry.exitCode) == 75"')
    local = run([binary(), "run-local", "--manifest", str(write(tmp_path, text))], tmp_path)
    assert local.returncode == 1, local.stderr[-3000:]
    assert (tmp_path / "attempts").read_text() == "x\nx\n"
    assert "retryStrategy.expression evaluated to false" in local.stderr

    (tmp_path / "attempts").unlink()
    text = RETRY_EXPRESSION.replace("EXPRESSION", '"lastRetry.exitCode > 1"')
    refused = run([binary(), "run-local", "--manifest", str(write(tmp_path, text))], tmp_path)
    assert refused.returncode == 1
    assert not (tmp_path / "attempts").exists(), "refused before anything ran"
    lines = [line for line in refused.stderr.splitlines() if line.strip()]
    assert lines[0] == "error: could not run the workflow locally", refused.stderr
    assert "asInt" in refused.stderr


def test_manifest_that_is_not_a_workflow_is_refused(tmp_path: Path) -> None:
    text = (
        "apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata: {name: t}\nspec: {}\n"
    )
    local = run([binary(), "run-local", "--manifest", str(write(tmp_path, text))], tmp_path)
    assert local.returncode == 1
    assert "does not hold an Argo Workflow (it holds a WorkflowTemplate)" in local.stderr


INIT = """
template:
  templates:
    - name: needs-mlflow
      container:
        name: needs-mlflow
        command: ["sh", "-c"]
        args: "echo cannot reach the tracking server >&2; exit 7"
      outputs:
        parameters:
          - name: run_id
            path: /tmp/run_id
  init_templates: ["needs-mlflow"]
"""


def test_skip_init_gives_init_outputs(tmp_path: Path) -> None:
    """Issue 13: `--skip-init`/`--init-output` for init templates that need cluster services."""
    project = tiny_project(tmp_path / "tiny")
    argo = project / "conf/base/argo.yml"
    argo.write_text(argo.read_text() + INIT.lstrip("\n"))

    failing = run([binary(), "run-local", "-e", "base"], project)
    assert failing.returncode == 1, failing.stderr[-3000:]
    assert "cannot reach the tracking server" in failing.stderr
    assert not (project / "data/08_reporting/report.csv").exists()

    missing = run([binary(), "run-local", "-e", "base", "--skip-init"], project)
    assert missing.returncode == 1
    assert "need values for their output parameter(s) run_id" in missing.stderr
    assert "hint: give each with --init-output, e.g. `--init-output run_id=VALUE`" in missing.stderr

    args = ["run-local", "-e", "base", "--skip-init", "--init-output", "run_id=local-run"]
    skipped = run([binary(), *args], project)
    assert skipped.returncode == 0, skipped.stderr[-3000:]
    assert "skipped" in skipped.stderr
    assert (project / "data/08_reporting/report.csv").read_text() == "total\n24\n"
