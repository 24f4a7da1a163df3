"""Running projects: the runtime hook, and fused groups under plain Kedro."""

from __future__ import annotations

import sys

from conftest import kedro, run, write_project

PIPE = """
from kedro.pipeline import Pipeline, node
from argo_kedro.pipeline import FusedPipeline


def ident(x):
    return x


def create_pipeline(**kwargs):
    return Pipeline(
        [FusedPipeline([node(ident, "raw", "mid", name="a"), node(ident, "mid", "out", name="b")],
                       name="grp")]
    )
"""

CATALOG = """
raw: {type: pandas.CSVDataset, filepath: data/raw.csv}
mid: {type: pandas.ParquetDataset, filepath: data/mid.parquet}
out: {type: pandas.CSVDataset, filepath: data/out.csv}
"""


def make(tmp_path, argo=None):
    project = write_project(
        tmp_path / "hookproj", "hook_proj", {"main": PIPE}, catalog=CATALOG, argo=argo
    )
    (project / "data" / "raw.csv").write_text("a,b\n1,2\n3,4\n")
    return project


def test_memory_dataset_is_not_written(tmp_path):
    project = make(tmp_path)
    result = kedro(project, "run", ARGO_KEDRO_MEMORY_DATASETS="mid, not_in_pipeline")
    assert result.returncode == 0, result.stderr + result.stdout
    assert (project / "data" / "out.csv").read_text() == "a,b\n1,2\n3,4\n"
    assert not (project / "data" / "mid.parquet").exists()
    assert "not_in_pipeline" in result.stderr  # warned and ignored


def test_without_the_variable_the_dataset_is_written(tmp_path):
    project = make(tmp_path)
    result = kedro(project, "run", "--nodes", "a,b")
    assert result.returncode == 0, result.stderr + result.stdout
    assert (project / "data" / "mid.parquet").exists()


def test_memory_dataset_read_but_not_produced_is_an_error(tmp_path):
    project = make(tmp_path)
    assert kedro(project, "run", "--nodes", "a").returncode == 0
    result = kedro(project, "run", "--nodes", "b", ARGO_KEDRO_MEMORY_DATASETS="mid")
    assert result.returncode != 0
    assert "ARGO_KEDRO_MEMORY_DATASETS" in result.stderr + result.stdout


def test_project_without_argo_yml_runs(tmp_path):
    project = make(tmp_path)
    assert not list((project / "conf").rglob("argo*"))
    result = kedro(project, "run")
    assert result.returncode == 0, result.stderr + result.stdout
    assert (project / "data" / "out.csv").exists()


def test_example_runs_under_kedro_run_python_m_and_session(example_project):
    reports = example_project / "data" / "08_reporting"
    for args in (
        [sys.executable, "-m", "kedro", "run"],
        [sys.executable, "-m", "spaceflights_mini", "--pipelines", "data_processing"],
        [sys.executable, "-c", SESSION_RUN, str(example_project)],
    ):
        result = run(args, cwd=example_project)
        assert result.returncode == 0, (args, result.stderr, result.stdout)
    assert (reports / "model_comparison.csv").exists()
    assert (example_project / "data" / "03_primary" / "table_summary.csv").exists()
    cloud = kedro(example_project, "run", "--env", "cloud", "--pipelines", "data_processing")
    assert cloud.returncode == 0, cloud.stderr + cloud.stdout
    assert (example_project / "data" / "cloud" / "03_primary" / "table_summary.csv").exists()


SESSION_RUN = """
import sys
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project

bootstrap_project(sys.argv[1])
with KedroSession.create(project_path=sys.argv[1], env="base") as session:
    session.run(pipeline_names=["data_science"])
"""
