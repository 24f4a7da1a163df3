"""Shared helpers of the end-to-end tests: the installed binary, a runner, the examples.

They need the repository installed in the running interpreter's environment
(`scripts/setup.sh` does it): the binary is looked up next to the interpreter.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(p for p in (ROOT / "examples").iterdir() if (p / "pyproject.toml").exists())


def binary() -> str:
    """The installed `argo-kedro`."""
    found = Path(sysconfig.get_path("scripts")) / "argo-kedro"
    if not found.exists():
        pytest.fail(f"argo-kedro is not installed next to {sys.executable}: run scripts/setup.sh")
    return str(found)


def run(args: list[str], cwd: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    """Runs a command in `cwd` with telemetry off and this interpreter as the project's."""
    env = {**os.environ, "KEDRO_DISABLE_TELEMETRY": "1", "ARGO_KEDRO_PYTHON": sys.executable}
    # What the runtime hook reads comes from the test, never from the outer environment.
    for name in (
        "ARGO_KEDRO_MEMORY_DATASETS",
        "ARGO_KEDRO_RUN_CREATED",
        "ARGO_KEDRO_RUN_UID",
        "ARGO_KEDRO_REUSED_VERSIONS",
    ):
        env.pop(name, None)
    env.update(extra)
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


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


REGISTRY = """
from kedro.framework.project import find_pipelines
from argo_kedro.pipeline import sum_pipelines


def register_pipelines():
    p = find_pipelines()
    p["__default__"] = sum_pipelines(p.values())
    return p
"""


def write_project(
    root: Path,
    package: str,
    *,
    nodes: str,
    pipeline: str,
    catalog: str,
    argo: str,
    parameters: str,
    kedro_init_version: str = "1.7.0",
) -> Path:
    """Writes a one-pipeline Kedro project `package` (made with Kedro `kedro_init_version`) under
    `root`: `nodes.py`, the `main` pipeline, its catalog, parameters and `argo.yml`, and a raw
    CSV `data/01_raw/raw.csv` of one column `x`."""
    files = {
        "pyproject.toml": f'[tool.kedro]\npackage_name = "{package}"\nproject_name = "{package}"\n'
        f'kedro_init_version = "{kedro_init_version}"\nsource_dir = "src"\n',
        f"src/{package}/__init__.py": "",
        f"src/{package}/settings.py": "",
        f"src/{package}/nodes.py": nodes,
        f"src/{package}/pipeline_registry.py": REGISTRY,
        f"src/{package}/pipelines/__init__.py": "",
        f"src/{package}/pipelines/main/__init__.py": "from .pipeline import create_pipeline\n",
        f"src/{package}/pipelines/main/pipeline.py": pipeline,
        "conf/base/catalog.yml": catalog,
        "conf/base/parameters.yml": parameters,
        "conf/base/argo.yml": argo,
        "conf/local/.gitkeep": "",
        "data/01_raw/raw.csv": "x\n1\n2\n3\n",
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    return root


def tiny_project(root: Path, kedro_init_version: str = "1.7.0") -> Path:
    """A Kedro project that is not in this repository: a fused group whose intermediate is
    catalogued (kept in memory by the plan), then two plain nodes. It was made with Kedro
    `kedro_init_version` (Kedro refuses to run a project made with a newer Kedro)."""
    return write_project(
        root,
        "tiny",
        nodes=NODES,
        pipeline=PIPELINE,
        catalog=CATALOG,
        argo=ARGO,
        parameters="fail: false\n",
        kedro_init_version=kedro_init_version,
    )
