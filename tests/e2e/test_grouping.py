"""Grouping strategies and partial runs through the installed binary, on the example projects
(namespaces, `group.*` tags, fused groups), against Kedro's own `Pipeline.filter`.

Needs the repository installed in the running interpreter's environment (scripts/setup.sh).
"""

from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from e2e_support import ROOT, binary, run
from test_run_local import copy_project

TELEMETRY = ROOT / "examples" / "telemetry-mini"
SPACEFLIGHTS = ROOT / "examples" / "spaceflights-mini"

# Kedro itself: the nodes `kedro run` would run with these options (the options split by
# Kedro's own CLI helpers, then `Pipeline.filter`, as `KedroSession.run` does).
KEDRO_FILTER = """
import json, sys
from pathlib import Path
from kedro.framework.cli.utils import split_node_names, split_string
from kedro.framework.project import pipelines
from kedro.framework.startup import bootstrap_project

bootstrap_project(Path.cwd())
selections = []
for options in json.loads(sys.argv[1]):
    kwargs = {}
    for option, param, split in [
        ("nodes", "node_names", split_node_names),
        ("from-nodes", "from_nodes", split_node_names),
        ("to-nodes", "to_nodes", split_node_names),
        ("tags", "tags", split_string),
    ]:
        if option in options:
            kwargs[param] = split(None, None, options[option])
    selections.append(sorted(n.name for n in pipelines["__default__"].filter(**kwargs).nodes))
print(json.dumps(selections))
"""


def plan(project: Path, *args: str) -> dict[str, Any]:
    out = run([binary(), "plan", "-e", "base", "--format", "json", *args], project)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout)


def task_of(planned: dict[str, Any]) -> dict[str, str]:
    return {n: t["name"] for t in planned["tasks"] for n in t["nodes"]}


@cache
def groups(project: Path) -> dict[str, str | None]:
    """Per node of `__default__`: its fused group."""
    out = run([binary(), "export", "-e", "base", "--format", "json"], project)
    assert out.returncode == 0, out.stderr[-3000:]
    ir = json.loads(out.stdout)
    (default,) = [p for p in ir["pipelines"] if p["name"] == "__default__"]
    return {n["name"]: n["group"] for n in default["nodes"]}


@cache
def kedro_selects(project: Path) -> list[list[str]]:
    """Kedro's selection for each of the project's `FILTERS`."""
    out = run([sys.executable, "-c", KEDRO_FILTER, json.dumps(FILTERS[project])], project)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.splitlines()[-1])  # after Kedro's own logging


def test_group_by_namespace_makes_one_task_per_namespace_and_argo_yml_can_ask_for_it() -> None:
    planned = plan(TELEMETRY, "--group-by", "namespace")
    tasks = {t["name"]: t for t in planned["tasks"]}
    for site in ("north", "south"):
        nodes = [f"{site}.{n}" for n in ("select_site", "smooth", "daily_stats", "anomalies")]
        assert tasks[site]["nodes"] == nodes, "the whole namespace, fused group included"
        assert tasks[site]["key"] == site
    # Every task runs on one machine type: `compare_sites` (large) stays alone.
    assert tasks["compare-sites"]["machine_type"] == "large"
    assert planned["grouping"] == "namespace" and planned["splits"] == []
    # The same from `grouping: namespace` in conf/grouped/argo.yml; the flag wins over it.
    by_config = run([binary(), "plan", "-e", "grouped", "--format", "json"], TELEMETRY)
    assert by_config.returncode == 0, by_config.stderr[-3000:]
    assert json.loads(by_config.stdout)["tasks"] == planned["tasks"]
    flag = run(
        [binary(), "plan", "-e", "grouped", "--format", "json", "--group-by", "none"], TELEMETRY
    )
    assert len(json.loads(flag.stdout)["tasks"]) == 9


def test_group_by_namespace_splits_by_machine_type_and_says_so() -> None:
    # spaceflights-mini: each modelling namespace holds a GPU group and a node in a custom
    # template on the default machine type.
    out = run([binary(), "plan", "-e", "base", "--group-by", "namespace"], SPACEFLIGHTS)
    assert out.returncode == 0, out.stderr[-3000:]
    summary = next(line for line in out.stdout.splitlines() if line.startswith("summary: "))
    assert summary.startswith("summary: 13 nodes in ")
    assert (
        "namespace `active_modelling` by machine type (`default`, `gpu`) and template "
        "(`kedro`, `report-with-db`) into `active-modelling-training`, "
        "`active-modelling-evaluate-model`" in summary
    )


def test_group_by_tags_and_chains() -> None:
    by_tags = plan(TELEMETRY, "--group-by", "tags")
    assert task_of(by_tags)["load_readings"] == task_of(by_tags)["validate_readings"] == "ingest"
    chains = plan(TELEMETRY, "--group-by", "chains")
    owner = task_of(chains)
    # The fused group `north.clean` and its single successor, then that node's single successor.
    assert (
        owner["north.select_site"]
        == owner["north.smooth"]
        == owner["north.daily_stats"]
        == owner["north.anomalies"]
    )
    assert owner["north.smooth"] != owner["south.smooth"]
    assert len(chains["tasks"]) == 4 and chains["ungrouped_tasks"] == 9


def test_memory_crossing_fuse_is_group_by_memory() -> None:
    by_flag = run([binary(), "plan", "-e", "base", "--memory-crossing", "fuse"], TELEMETRY)
    assert by_flag.returncode == 0, by_flag.stderr[-3000:]
    assert "--memory-crossing fuse is deprecated: it is --group-by memory" in by_flag.stderr
    assert "(grouping `memory`" in by_flag.stdout
    both = run(
        [binary(), "plan", "--memory-crossing", "fuse", "--group-by", "namespace"], TELEMETRY
    )
    assert both.returncode != 0 and "--group-by" in both.stderr


FILTERS = {
    TELEMETRY: [
        {"nodes": "north.daily_stats,south.anomalies"},
        {"from-nodes": "north.smooth"},
        {"tags": "ingest,reporting"},
        {"from-nodes": "validate_readings", "to-nodes": "south.daily_stats"},
        {"from-nodes": "north.select_site", "to-nodes": "north.anomalies", "tags": "sites"},
    ],
    SPACEFLIGHTS: [
        {"from-nodes": "convert_prices"},
        {"to-nodes": "active_modelling.train_model"},
        {"tags": "data_science", "nodes": "candidate_modelling.evaluate_model"},
    ],
}


@pytest.mark.parametrize(
    ("project", "case"),
    [(project, i) for project, cases in FILTERS.items() for i in range(len(cases))],
    ids=lambda v: v.name if isinstance(v, Path) else str(v),
)
def test_filters_select_exactly_kedros_nodes_and_whole_fused_groups(
    project: Path, case: int
) -> None:
    kedro = kedro_selects(project)[case]
    args = [f"--{option}={value}" for option, value in FILTERS[project][case].items()]
    planned = plan(project, "--group-by", "namespace", *args)
    member_of = groups(project)
    touched = {member_of[n] for n in kedro} - {None}
    expected = set(kedro) | {n for n, g in member_of.items() if g in touched}
    assert set(task_of(planned)) == expected
    partial = planned["partial"]
    assert partial["selected"] == len(kedro)
    added = {n for c in partial["completed"] for n in c["added"]}
    assert added == expected - set(kedro)
    assert expected != set(member_of), "a partial run"


def test_a_filter_that_cuts_a_fused_group_plans_it_whole_and_says_so() -> None:
    out = run([binary(), "plan", "-e", "base", "--from-nodes", "north.smooth"], TELEMETRY)
    assert out.returncode == 0, out.stderr[-3000:]
    assert (
        "partial run: --from-nodes=north.smooth selects 4 of 11 nodes; the filter cuts fused "
        "group `north.clean`, planned whole (adds `north.select_site`)" in out.stdout
    )


def test_unknown_node_names_and_tags_exit_1_naming_the_nearest() -> None:
    node = run([binary(), "plan", "--nodes", "smooth"], TELEMETRY)
    assert node.returncode == 1
    assert "pipeline `__default__` has no node `smooth`; nearest: `north.smooth`" in node.stderr
    assert "Traceback" not in node.stderr
    tag = run([binary(), "compile", "--tags", "ingest,reportng"], TELEMETRY)
    assert tag.returncode == 1
    assert "has tag `reportng`; nearest: `reporting`" in tag.stderr


def test_compile_records_the_filter_in_the_name_and_labels(tmp_path: Path) -> None:
    args = [binary(), "compile", "--from-nodes", "north.smooth", "--to-nodes", "north.anomalies"]
    first, second = run([*args, "-o", "a.yaml"], TELEMETRY), run([*args, "-o", "-"], TELEMETRY)
    assert first.returncode == 0 and second.returncode == 0, first.stderr[-3000:]
    written = TELEMETRY / "a.yaml"
    try:
        assert written.read_text() == second.stdout, "deterministic"
    finally:
        written.unlink()
    workflow = yaml.safe_load(second.stdout)
    meta = workflow["metadata"]
    assert meta["generateName"] == "telemetry-mini-default-partial-"
    assert meta["labels"]["argo-kedro.io/partial"] == "true"
    label = "from-nodes-north.smooth_to-nodes-north.anomalies"
    assert meta["labels"]["argo-kedro.io/filter"] == label
    assert meta["annotations"]["argo-kedro.io/filter"] == (
        "--from-nodes=north.smooth --to-nodes=north.anomalies"
    )
    manifest = tmp_path / "wf.yaml"
    manifest.write_text(second.stdout)
    lint = run([binary(), "lint", str(manifest)], tmp_path)
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_run_local_runs_a_partial_run(tmp_path: Path) -> None:
    project = copy_project(TELEMETRY, tmp_path / "telemetry")
    ingest = run([binary(), "run-local", "-e", "base", "--to-nodes", "validate_readings"], project)
    assert ingest.returncode == 0, ingest.stderr[-3000:]
    assert (project / "data/02_intermediate/valid_readings.csv").exists()
    assert not (project / "data/03_primary").exists()
    # `north.smooth` needs the site's readings, which only `north.select_site` writes, in memory:
    # the fused group runs whole.
    selection = ["--from-nodes", "north.smooth", "--to-nodes", "north.anomalies"]
    north = run([binary(), "run-local", "-e", "base", "--group-by", "chains", *selection], project)
    assert north.returncode == 0, north.stderr[-3000:]
    assert "run-local: 1 task," in north.stderr, "one chain: the fused group and two nodes"
    assert "north.select_site, north.smooth, north.daily_stats, north.anomalies" in north.stderr
    assert (project / "data/07_model_output/north/anomalies.csv").exists()
    assert not (project / "data/07_model_output/south").exists()
    assert not (project / "data/08_reporting").exists()


def test_a_submitted_partial_run_shows_as_such_in_list_and_status(tmp_path: Path) -> None:
    """Through the Kubernetes API stand-in (tests/k8s_peer/peer.py), as test_cluster.py."""
    from test_cluster import NS, Cluster, Peer

    peer = Peer()
    try:
        cluster = Cluster(tmp_path, peer)
        full = cluster.run("submit", "-e", "base", "--no-build")
        assert full.returncode == 0, full.stderr[-3000:]
        partial = cluster.run("submit", "-e", "base", "--no-build", "--tags", "data_science")
        assert partial.returncode == 0, partial.stderr[-3000:]
        name = partial.stdout.strip()
        assert name.startswith("spaceflights-mini-default-partial-")
        labels = peer.workflow(name)["metadata"]["labels"]
        assert labels["argo-kedro.io/partial"] == "true"
        assert labels["argo-kedro.io/filter"] == "tags-data_science"

        listed = cluster.run("list")
        assert listed.returncode == 0, listed.stderr
        rows = {line.split()[0]: line for line in listed.stdout.splitlines()}
        assert rows["NAME"].split()[-1] == "FILTER"
        assert rows[name].endswith("--tags=data_science")
        assert rows[full.stdout.strip()].endswith(" -")
        as_json = json.loads(cluster.run("list", "--format", "json").stdout)
        assert {w["name"]: w["filter"] for w in as_json} == {
            name: "--tags=data_science",
            full.stdout.strip(): None,
        }
        status = cluster.run("status", name)
        assert "Filter:    --tags=data_science (a partial run)" in status.stdout
        assert all(w["metadata"]["namespace"] == NS for w in peer.workflows(NS))
    finally:
        peer.close()
