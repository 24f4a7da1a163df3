"""`argo-kedro run-local` against plain `kedro run` (real Kedro, real processes).

Needs the repository installed in the running interpreter's environment (scripts/setup.sh).
"""

from __future__ import annotations

import json
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


def outputs(project: Path) -> dict[str, Path]:
    data = project / "data"
    return {
        str(p.relative_to(data)): p
        for p in sorted(data.rglob("*"))
        if p.is_file() and p.relative_to(data).parts[0] != "01_raw"
    }


def same_content(a: Path, b: Path) -> bool:
    if a.read_bytes() == b.read_bytes():
        return True
    if a.suffix == ".parquet":  # the format may embed writer metadata
        return pd.read_parquet(a).equals(pd.read_parquet(b))
    return False


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
