"""`argo-kedro run-local` against plain `kedro run` (real Kedro, real processes).

Needs the repository installed in the running interpreter's environment (scripts/setup.sh).
"""

from __future__ import annotations

import json
import shutil
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from e2e_support import EXAMPLES, binary, run


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


NODES = """
import pandas as pd


def double(df: pd.DataFrame) -> pd.DataFrame:
    return df.assign(x=df["x"] * 2)


def copy(df: pd.DataFrame) -> pd.DataFrame:
    return df


def total(df: pd.DataFrame, fail: bool) -> pd.DataFrame:
    if fail:
        raise RuntimeError("total was told to fail")
    return pd.DataFrame({"total": [int(df["x"].sum())]})
"""

PIPELINE = """
from kedro.pipeline import Pipeline, node
from argo_kedro.pipeline import FusedPipeline
from tiny.nodes import copy, double, total


def create_pipeline(**kwargs):
    fused = FusedPipeline(
        [node(double, "raw", "mid", name="first"), node(double, "mid", "doubled", name="second")],
        name="prep",
    )
    return Pipeline(
        [
            fused,
            node(total, ["doubled", "params:fail"], "summary", name="total"),
            node(copy, "summary", "report", name="report"),
        ]
    )
"""

CATALOG = """
raw: {type: pandas.CSVDataset, filepath: data/01_raw/raw.csv}
mid: {type: pandas.CSVDataset, filepath: data/02_intermediate/mid.csv}
doubled: {type: pandas.CSVDataset, filepath: data/02_intermediate/doubled.csv}
summary: {type: pandas.CSVDataset, filepath: data/03_primary/summary.csv}
report: {type: pandas.CSVDataset, filepath: data/08_reporting/report.csv}
"""

ARGO = """
namespace: argo
deployment: {image: registry.example/tiny}
runner: {use_memory_datasets: true}
machine_types: {default: {mem: 1, cpu: 1, num_gpu: 0}}
default_machine_type: default
"""


def tiny_project(root: Path) -> Path:
    """A Kedro project that is not in this repository: a fused group whose intermediate is
    catalogued (kept in memory by the plan), then two plain nodes."""
    files = {
        "pyproject.toml": '[tool.kedro]\npackage_name = "tiny"\nproject_name = "tiny"\n'
        'kedro_init_version = "1.7.0"\nsource_dir = "src"\n',
        "src/tiny/__init__.py": "",
        "src/tiny/settings.py": "",
        "src/tiny/nodes.py": NODES,
        "src/tiny/pipeline_registry.py": "from kedro.framework.project import find_pipelines\n"
        "from argo_kedro.pipeline import sum_pipelines\n\n\ndef register_pipelines():\n"
        "    p = find_pipelines()\n    p['__default__'] = sum_pipelines(p.values())\n"
        "    return p\n",
        "src/tiny/pipelines/__init__.py": "",
        "src/tiny/pipelines/main/__init__.py": "from .pipeline import create_pipeline\n",
        "src/tiny/pipelines/main/pipeline.py": PIPELINE,
        "conf/base/catalog.yml": CATALOG,
        "conf/base/parameters.yml": "fail: false\n",
        "conf/base/argo.yml": ARGO,
        "conf/local/.gitkeep": "",
        "data/01_raw/raw.csv": "x\n1\n2\n3\n",
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    return root


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
