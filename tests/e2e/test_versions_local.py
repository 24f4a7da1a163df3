"""One Kedro version per `argo-kedro run-local` run, as on Argo (real Kedro, real processes).

Needs the repository installed in the running interpreter's environment (scripts/setup.sh).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

from e2e_support import binary, run, write_project

VERSION = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}\.\d{2}\.\d{2}\.\d{3}Z")

NODES = """
import time
from pathlib import Path

import pandas as pd


def scale(df: pd.DataFrame, factor: int) -> pd.DataFrame:
    return df.assign(x=df["x"] * factor)


def total(df: pd.DataFrame, gate: str) -> pd.DataFrame:
    # Waits for the test to open the gate: lets another run write in between.
    deadline = time.monotonic() + 120
    while gate and not Path(gate).exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    return pd.DataFrame({"total": [int(df["x"].sum())]})


def flaky_copy(df: pd.DataFrame) -> pd.DataFrame:
    # Fails on its first attempt, after the node before it in the same task saved its output.
    marker = Path("data/flaky.attempted")
    if not marker.exists():
        marker.touch()
        raise RuntimeError("flaky_copy fails on its first attempt")
    return df
"""

PIPELINE = """
from kedro.pipeline import Pipeline, node
from argo_kedro.pipeline import FusedPipeline
from vproj.nodes import flaky_copy, scale, total


def create_pipeline(**kwargs):
    return Pipeline(
        [
            # One task that writes `scaled` (read by the next task too), then fails once.
            FusedPipeline(
                [
                    node(scale, ["raw", "params:factor"], "scaled", name="scale"),
                    node(flaky_copy, "scaled", "copied", name="flaky_copy"),
                ],
                name="prep",
            ),
            node(total, ["scaled", "params:gate"], "summary", name="total"),
        ]
    )
"""

CATALOG = """
raw: {type: pandas.CSVDataset, filepath: data/01_raw/raw.csv}
scaled: {type: pandas.CSVDataset, filepath: data/02_intermediate/scaled.csv, versioned: true}
copied: {type: pandas.CSVDataset, filepath: data/02_intermediate/copied.csv, versioned: true}
summary: {type: pandas.CSVDataset, filepath: data/03_primary/summary.csv, versioned: true}
"""

ARGO = """
namespace: argo
deployment: {image: registry.example/vproj}
runner: {use_memory_datasets: true}
machine_types: {default: {mem: 1, cpu: 1, num_gpu: 0}}
default_machine_type: default
retry_strategy: {limit: 1}
"""


def versioned_project(root: Path) -> Path:
    """A project outside the repository: a task that saves a versioned dataset and then fails
    once (retried), and a task that reads that dataset."""
    return write_project(
        root,
        "vproj",
        nodes=NODES,
        pipeline=PIPELINE,
        catalog=CATALOG,
        argo=ARGO,
        parameters="factor: 1\ngate: ''\n",
    )


def versions(project: Path, relative: str) -> list[str]:
    directory = project / "data" / relative
    return sorted(p.name for p in directory.iterdir()) if directory.is_dir() else []


def read(project: Path, relative: str, version: str) -> str:
    path = project / "data" / relative
    return (path / version / path.name).read_text()


def announced(stderr: str) -> str:
    """The version run-local says the run saves under."""
    found = re.search(rf"save under version ({VERSION.pattern})", stderr)
    assert found, stderr[-3000:]
    return found.group(1)


def test_a_retried_task_writes_under_the_run_version(tmp_path: Path) -> None:
    project = versioned_project(tmp_path / "vproj")
    local = run([binary(), "run-local", "-e", "base"], project)
    assert local.returncode == 0, local.stderr[-3000:]
    assert "attempt 2" in local.stderr  # the first attempt of `prep` failed after saving `scaled`
    version = announced(local.stderr)
    for dataset in ("scaled.csv", "copied.csv"):
        assert versions(project, f"02_intermediate/{dataset}") == [version]
    assert versions(project, "03_primary/summary.csv") == [version]
    assert read(project, "03_primary/summary.csv", version) == "total\n6\n"


def test_overlapping_runs_do_not_read_each_others_outputs(tmp_path: Path) -> None:
    project = versioned_project(tmp_path / "vproj")
    (project / "data" / "flaky.attempted").touch()  # no retries here
    gate = tmp_path / "gate"
    env = {"KEDRO_DISABLE_TELEMETRY": "1", "ARGO_KEDRO_PYTHON": sys.executable}
    first_args = [binary(), "run-local", "-e", "base", "--run-dir", str(tmp_path / "run-1")]
    first_args += ["--params", f"factor=1,gate={gate}"]
    first = subprocess.Popen(
        first_args,
        cwd=project,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # Run 1 has written `scaled` and waits at the gate, in `total`.
        deadline = time.monotonic() + 300
        while not versions(project, "02_intermediate/scaled.csv"):
            assert first.poll() is None, first.communicate()[1][-3000:]
            assert time.monotonic() < deadline, "run 1 never wrote `scaled`"
            time.sleep(0.2)
        time.sleep(1.1)  # run 2 is created a second later: its version is the newer one
        second_args = [binary(), "run-local", "-e", "base", "--run-dir", str(tmp_path / "run-2")]
        second = run([*second_args, "--params", "factor=100"], project)
        assert second.returncode == 0, second.stderr[-3000:]
    finally:
        gate.touch()
        _, first_stderr = first.communicate(timeout=300)
    assert first.returncode == 0, first_stderr[-3000:]
    v1, v2 = announced(first_stderr), announced(second.stderr)
    assert v1 < v2
    assert versions(project, "02_intermediate/scaled.csv") == [v1, v2]
    # Run 1 read its own `scaled`, not the newer one run 2 wrote while it waited.
    assert read(project, "03_primary/summary.csv", v1) == "total\n6\n"
    assert read(project, "03_primary/summary.csv", v2) == "total\n600\n"
