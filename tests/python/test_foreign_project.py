"""A project that is not in this repository: the IR must say exactly what Kedro says."""

from __future__ import annotations

import json
import sys

import pytest
from conftest import export_ok, run, write_project

NODES = """
def ident(x):
    return x


def pair(x, y):
    return x


def split(x):
    return x, x
"""

PIPE_A = """
from kedro.pipeline import Pipeline, node, pipeline
from argo_kedro.pipeline import FusedPipeline, Node
from demo_proj.nodes import ident, pair, split


def create_pipeline(**kwargs):
    fused = FusedPipeline(
        [node(ident, "raw", "mid"), Node(split, "mid", ["left", "right"], machine_type="big")],
        name="prep",
        machine_type="big",
    )
    base = Pipeline([fused, node(pair, ["left", "right"], "out", name="join")])
    return pipeline(base, namespace="one", inputs="raw") + pipeline(
        base, namespace="two", inputs="raw"
    )
"""

PIPE_B = """
from kedro.pipeline import Pipeline, node
from demo_proj.nodes import ident, pair


def create_pipeline(**kwargs):
    return Pipeline(
        [
            node(pair, ["one.out", "params:alpha"], "summary@pandas", name="summarize"),
            node(ident, "summary@csv", "final"),
            node(ident, "raw", "copy", tags=["t1", "t0"]),
        ]
    )
"""

KEDRO_FACTS = """
import json, sys
from kedro.framework.startup import bootstrap_project
from kedro.framework.project import pipelines
bootstrap_project(sys.argv[1])
out = {}
for name in sorted(pipelines):
    p = pipelines[name]
    out[name] = {
        "nodes": [n.name for n in p.nodes],
        "io": {n.name: [list(n.inputs), list(n.outputs), sorted(n.tags)] for n in p.nodes},
        "deps": sorted([c.name, d.name] for c, ds in p.node_dependencies.items() for d in ds),
    }
print("\\n@@" + json.dumps(out))
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return write_project(
        tmp_path_factory.mktemp("foreign") / "demo",
        "demo_proj",
        {"alpha": PIPE_A, "beta": PIPE_B},
        nodes=NODES,
        catalog="""
        raw: {type: pandas.CSVDataset, filepath: data/raw.csv}
        "{ns}.out": {type: pandas.CSVDataset, filepath: "data/{ns}_out.csv"}
        summary@pandas: {type: pandas.CSVDataset, filepath: data/summary.csv}
        summary@csv: {type: pandas.CSVDataset, filepath: data/summary.csv}
        """,
        parameters="alpha: 1\nnested: {a: {b: 2}}\n",
        envs=("local", "prod"),
    )


@pytest.fixture(scope="module")
def kedro_facts(project):
    result = run([sys.executable, "-c", KEDRO_FACTS, str(project)], cwd=project)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.rsplit("\n@@", 1)[1])


def ir_edges(pipeline: dict) -> list[list[str]]:
    producers = {}
    for n in pipeline["nodes"]:
        for o in n["outputs"]:
            producers[o.split("@")[0]] = n["name"]
    edges = {
        (n["name"], producers[i.split("@")[0]])
        for n in pipeline["nodes"]
        for i in n["inputs"]
        if i.split("@")[0] in producers
    }
    return sorted(list(e) for e in edges)


@pytest.mark.parametrize("env", ["base", "local", "prod"])
def test_ir_matches_kedro(project, kedro_facts, env):
    ir = export_ok(project, "--env", env)
    assert ir["config"] is None
    assert [p["name"] for p in ir["pipelines"]] == sorted(kedro_facts)
    for p in ir["pipelines"]:
        facts = kedro_facts[p["name"]]
        assert [n["name"] for n in p["nodes"]] == facts["nodes"]
        assert {n["name"]: [n["inputs"], n["outputs"], n["tags"]] for n in p["nodes"]} == (
            facts["io"]
        )
        assert ir_edges(p) == facts["deps"]
    default = {n["name"]: n for n in ir["pipelines"][0]["nodes"]}
    unnamed = [name for name in default if "__" in name]
    assert len(unnamed) == 6 and all(default[n]["func"].startswith("demo_proj.") for n in unnamed)
    groups = {g["name"] for g in ir["pipelines"][0]["groups"]}
    assert groups == {"one.prep", "two.prep"}
    assert ir["parameters"] == ["alpha", "nested", "nested.a", "nested.a.b"]
    datasets = {d["name"]: d for d in ir["datasets"]}
    assert datasets["one.mid"]["memory"] and not datasets["one.out"]["memory"]
    assert datasets["one.out"]["pattern"] == "{ns}.out"
    assert datasets["summary@csv"]["declared"]


def test_pipeline_import_error_is_one_line(project):
    broken = project / "src" / "demo_proj" / "pipelines" / "beta" / "pipeline.py"
    saved = broken.read_text()
    try:
        broken.write_text(saved + "\nraise RuntimeError('boom in beta')\n")
        result = run([sys.executable, "-m", "argo_kedro.export", "--env", "base"], cwd=project)
        assert result.returncode == 1 and result.stdout == ""
        assert "Traceback" not in result.stderr
        (line,) = [x for x in result.stderr.splitlines() if x.startswith("error: ")]
        assert "demo_proj.pipelines.beta" in line and "boom in beta" in line
    finally:
        broken.write_text(saved)
