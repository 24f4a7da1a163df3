"""One Kedro version per workflow run (argo_kedro.versions and the hook), under real Kedro.

Each ``kedro run --nodes ...`` below stands for one task of a compiled workflow: the
``ARGO_KEDRO_RUN_*`` variables are what Argo substitutes into every pod of one run.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import kedro, write_project

from argo_kedro.versions import (
    CREATED_ENV,
    REUSED_ENV,
    UID_ENV,
    RunVersions,
    VersionError,
    run_version,
    version_list,
)

# The same cases pin argo_fuse::versions::run_version (crates/fuse/src/versions.rs).
GOLDEN = [
    ("2024-05-01T12:00:07Z", "", "2024-05-01T12.00.07.037Z"),
    ("2024-05-01T14:00:07+02:00", "", "2024-05-01T12.00.07.037Z"),
    ("2024-05-01T12:00:07Z", "7c4a1d0e-2b9f-4a51-9d3e-0f6b8c2e1a55", "2024-05-01T12.00.07.099Z"),
    ("2024-12-31T23:59:59-01:00", "local-spaceflights-mini", "2025-01-01T00.59.59.254Z"),
]


@pytest.mark.parametrize(("created", "uid", "expected"), GOLDEN)
def test_run_version_golden_cases(created, uid, expected):
    assert run_version(created, uid) == expected


@pytest.mark.parametrize("created", ["{{workflow.creationTimestamp}}", "2024-05-01T12:00:07", "x"])
def test_run_version_refuses_what_is_not_an_rfc3339_timestamp(created):
    with pytest.raises(VersionError, match=CREATED_ENV):
        run_version(created, "uid")


def test_version_list_and_environment():
    assert version_list(" a, ,b,a ") == ["a", "b"]
    with pytest.raises(VersionError, match=REUSED_ENV):
        version_list("ok,../up")
    assert RunVersions.from_env({}) is None
    assert RunVersions.from_env({CREATED_ENV: " "}) is None
    got = RunVersions.from_env(
        {CREATED_ENV: "2024-05-01T12:00:07Z", REUSED_ENV: "2024-05-01T12.00.07.037Z,old"}
    )
    # The run's own version is never among the reused ones.
    assert got == RunVersions(save="2024-05-01T12.00.07.037Z", reused=("old",))
    assert got.lineage == ("2024-05-01T12.00.07.037Z", "old")


NODES = """
from pathlib import Path

import pandas as pd


def double(df: pd.DataFrame, fail: bool) -> pd.DataFrame:
    if fail:
        raise RuntimeError("double was told to fail")
    return df.assign(x=df["x"] * 2)


def plus_one(df: pd.DataFrame) -> pd.DataFrame:
    return df.assign(x=df["x"] + 1)
"""

PIPE = """
from kedro.pipeline import Pipeline, node
from versioned_proj.nodes import double, plus_one


def create_pipeline(**kwargs):
    return Pipeline(
        [
            node(plus_one, "raw", "first", name="a"),
            node(double, ["first", "params:fail"], "second", name="b"),
            node(plus_one, "second", "third", name="c"),
        ]
    )
"""

CATALOG = """
raw: {type: pandas.CSVDataset, filepath: data/raw.csv}
first: {type: pandas.CSVDataset, filepath: data/first.csv, versioned: true}
# A dataset factory pattern: resolved by name when the task needs it.
"{name}d":
  type: pandas.CSVDataset
  filepath: data/{name}d.csv
  versioned: true
"""

# Two runs created in the same second; run 2's version is the newer ("latest" for Kedro).
RUN_1 = {CREATED_ENV: "2024-05-01T12:00:07Z", UID_ENV: "run-a"}
RUN_2 = {CREATED_ENV: "2024-05-01T12:00:07Z", UID_ENV: "run-b"}
V1 = run_version(RUN_1[CREATED_ENV], RUN_1[UID_ENV])
V2 = run_version(RUN_2[CREATED_ENV], RUN_2[UID_ENV])


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = write_project(
        tmp_path / "versioned",
        "versioned_proj",
        {"main": PIPE},
        catalog=CATALOG,
        parameters="fail: false\n",
        nodes=NODES,
    )
    (root / "data" / "raw.csv").write_text("x\n1\n2\n")
    return root


def versions(project: Path, name: str) -> list[str]:
    """The versions of the dataset ``name`` on disk."""
    directory = project / "data" / f"{name}.csv"
    return sorted(p.name for p in directory.iterdir()) if directory.is_dir() else []


def read(project: Path, name: str, version: str) -> str:
    return (project / "data" / f"{name}.csv" / version / f"{name}.csv").read_text()


def task(project: Path, nodes: str, env: dict[str, str], *args: str):
    result = kedro(project, "run", "--nodes", nodes, *args, **env)
    assert result.returncode == 0, result.stderr[-3000:] + result.stdout[-3000:]
    return result


def test_every_task_of_a_run_saves_under_the_run_version(project):
    assert V1 < V2
    for nodes in ("a", "b", "c"):  # three tasks, three processes, one run
        task(project, nodes, RUN_1)
    assert {n: versions(project, n) for n in ("first", "second", "third")} == {
        "first": [V1],
        "second": [V1],
        "third": [V1],
    }
    assert read(project, "third", V1) == "x\n5\n7\n"


def test_plain_kedro_run_is_unchanged(project):
    result = kedro(project, "run")
    assert result.returncode == 0, result.stderr[-3000:]
    (version,) = versions(project, "first")
    assert version not in (V1, V2)  # Kedro's own session timestamp, the same for the run
    assert versions(project, "second") == versions(project, "third") == [version]
    assert "argo-kedro" not in result.stderr


def test_overlapping_runs_do_not_read_each_others_outputs(project):
    task(project, "a", RUN_1)
    # Another run of the same workflow writes `first` (a newer "latest") before run 1 reads it.
    (project / "data" / "raw.csv").write_text("x\n100\n200\n")
    task(project, "a", RUN_2)
    assert versions(project, "first") == sorted([V1, V2])
    task(project, "b", RUN_1)
    task(project, "b,c", RUN_2)
    task(project, "c", RUN_1)
    assert read(project, "third", V1) == "x\n5\n7\n"  # from raw 1,2
    assert read(project, "third", V2) == "x\n203\n403\n"  # from raw 100,200


def test_a_retried_task_writes_under_the_run_version_again(project):
    task(project, "a", RUN_1)
    failed = kedro(project, "run", "--nodes", "b", "--params", "fail=true", **RUN_1)
    assert failed.returncode != 0
    assert "double was told to fail" in failed.stderr + failed.stdout
    assert versions(project, "second") == []
    # As if an attempt of task "b,c" had written `second` and then failed in `c`.
    (project / "data" / "second.csv" / V1).mkdir(parents=True)
    (project / "data" / "second.csv" / V1 / "second.csv").write_text("x\npartial\n")
    retried = task(project, "b,c", RUN_1)
    assert "left by an earlier attempt" in retried.stderr
    assert versions(project, "second") == versions(project, "third") == [V1]
    assert read(project, "second", V1) == "x\n4\n6\n"
    assert read(project, "third", V1) == "x\n5\n7\n"


def test_a_resubmitted_run_loads_the_reused_results_at_their_version(project):
    task(project, "a", RUN_1)
    task(project, "b", RUN_1)
    # Another run writes a different `second`, which the resubmitted run does not reuse.
    (project / "data" / "raw.csv").write_text("x\n100\n200\n")
    task(project, "a,b", RUN_2)
    resubmit = {CREATED_ENV: "2024-05-01T13:00:00Z", UID_ENV: "run-three", REUSED_ENV: V1}
    v3 = run_version(resubmit[CREATED_ENV], resubmit[UID_ENV])
    result = task(project, "c", resubmit)
    assert f"second@{V1}" in result.stderr
    assert versions(project, "third") == [v3]
    assert read(project, "third", v3) == "x\n5\n7\n"
    # A run that neither wrote nor reuses `second` loads Kedro's latest.
    fresh = {CREATED_ENV: "2024-05-01T14:00:00Z", UID_ENV: "run-four"}
    task(project, "c", fresh)
    assert read(project, "third", run_version(fresh[CREATED_ENV], "run-four")) == "x\n203\n403\n"


def test_load_versions_given_to_kedro_win(project):
    task(project, "a", RUN_1)
    (project / "data" / "raw.csv").write_text("x\n100\n200\n")
    task(project, "a", RUN_2)
    task(project, "b", RUN_1, "--load-versions", f"first:{V2}")
    assert read(project, "second", V1) == "x\n202\n402\n"


def test_a_bad_creation_timestamp_stops_the_run_before_any_node(project):
    result = kedro(project, "run", **{CREATED_ENV: "{{workflow.creationTimestamp}}"})
    assert result.returncode != 0
    assert CREATED_ENV in result.stderr + result.stdout
    assert versions(project, "first") == []
