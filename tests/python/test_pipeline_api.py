"""The pipeline API: group membership, machine_type and template survive Kedro's operations."""

from __future__ import annotations

import pandas as pd
import pytest
from kedro.io import DataCatalog, MemoryDataset
from kedro.pipeline import Pipeline, node, pipeline
from kedro.runner import SequentialRunner
from kedro_datasets.pandas import CSVDataset

from argo_kedro.pipeline import FusedPipeline, Node, sum_pipelines


def double(x):
    return x * 2


def inc(x):
    return x + 1


def fused() -> FusedPipeline:
    return FusedPipeline(
        [
            node(double, "a", "b", name="first"),  # a plain Kedro node: converted
            Node(inc, "b", "c", name="second", machine_type="gpu", template="custom"),
        ],
        name="g",
        machine_type="large",
        template="tpl",
        tags=["ft"],
    )


def facts(pipe: Pipeline) -> dict[str, tuple]:
    """name -> (group name, group machine_type, group template, machine_type, template)."""
    out = {}
    for n in pipe.nodes:
        if n.name == "other":
            continue
        assert isinstance(n, Node), f"{n.name} lost its class: {type(n)}"
        g = n.group
        out[n.name] = (
            g.name if g else None,
            g.machine_type if g else None,
            g.template if g else None,
            n.machine_type,
            n.template,
        )
    return out


BASE = {
    "first": ("g", "large", "tpl", None, None),
    "second": ("g", "large", "tpl", "gpu", "custom"),
}


def prefixed(prefix: str) -> dict[str, tuple]:
    return {f"{prefix}.{k}": (f"{prefix}.{v[0]}", *v[1:]) for k, v in BASE.items()}


def test_fused_members_are_real_nodes_with_membership():
    pipe = fused()
    assert facts(pipe) == BASE
    assert {n.func for n in pipe.nodes} == {double, inc}
    assert all(n.tags == {"ft"} for n in pipe.nodes)
    assert (pipe.name, pipe.machine_type, pipe.template) == ("g", "large", "tpl")


@pytest.mark.parametrize(
    "operation",
    [
        lambda p: p + Pipeline([node(inc, "c", "d", name="other")]),
        lambda p: sum([p, Pipeline([node(inc, "c", "d", name="other")])]),
        lambda p: sum_pipelines([p, Pipeline([node(inc, "c", "d", name="other")])]),
        lambda p: p.tag("extra"),
        lambda p: Pipeline([p], tags=["extra"]),
        lambda p: pipeline(p, tags=["extra"]),
        lambda p: p.only_nodes_with_tags("ft"),
        lambda p: p.filter(node_names=["first", "second"]),
        lambda p: Pipeline(p),
        lambda p: p.from_inputs("a"),
    ],
    ids=[
        "add",
        "sum",
        "sum_pipelines",
        "tag",
        "Pipeline-tags",
        "pipeline-tags",
        "only_tags",
        "filter",
        "Pipeline",
        "from_inputs",
    ],
)
def test_membership_survives(operation):
    result = {k: v for k, v in facts(operation(fused())).items() if k != "other"}
    assert result == BASE


def test_tag_keeps_membership_and_adds_tags():
    pipe = Pipeline([fused()], tags=["extra"])
    assert all(n.tags == {"ft", "extra"} for n in pipe.nodes)


def test_namespacing_namespaces_the_group():
    pipe = pipeline(fused(), namespace="a") + pipeline(fused(), namespace="b")
    assert facts(pipe) == {**prefixed("a"), **prefixed("b")}
    groups = {n.group.name for n in pipe.nodes}
    assert groups == {"a.g", "b.g"}
    assert {n.name: n.inputs for n in pipe.nodes}["a.first"] == ["a.a"]


def test_nested_namespaces_stack():
    inner = pipeline(fused(), namespace="x")
    outer = pipeline(inner, namespace="y")
    assert facts(outer) == prefixed("y.x")
    assert facts(Pipeline([inner], namespace="z", prefix_datasets_with_namespace=False)) == (
        prefixed("z.x")
    )


def test_group_with_namespaced_members_gets_outer_prefix_only():
    grp = FusedPipeline([Node(double, "a", "b", name="n", namespace="inner")], name="g")
    assert grp.nodes[0].group.name == "g"
    assert pipeline(grp, namespace="o").nodes[0].group.name == "o.g"


def test_find_pipelines_style_registry_keeps_membership():
    registry = {"one": pipeline(fused(), namespace="a"), "two": pipeline(fused(), namespace="b")}
    total = sum_pipelines(registry.values())
    assert {n.group.name for n in total.nodes} == {"a.g", "b.g"}
    assert sum_pipelines([]).nodes == []


def test_outer_group_claims_inner_members():
    outer = FusedPipeline([fused(), node(inc, "c", "d", name="third")], name="outer")
    assert {n.group.name for n in outer.nodes} == {"outer"}


def test_plain_kedro_node_keeps_its_attributes_when_converted():
    plain = node(double, {"x": "a"}, "b", name="n", tags=["t"], namespace="ns", confirms="a")
    member = FusedPipeline([plain], name="g").nodes[0]
    assert (member.name, member.tags, member._inputs, member._confirms) == (
        "ns.n",
        {"t"},
        {"x": "a"},
        "a",
    )


def test_invalid_group_name_is_rejected():
    with pytest.raises(ValueError, match="not a valid FusedPipeline name"):
        FusedPipeline([node(double, "a", "b")], name="bad name")


def test_fused_pipeline_runs_with_transcoding_inside_the_group(tmp_path):
    pipe = FusedPipeline(
        [
            node(double, "a", "b@pandas", name="produce"),
            node(inc, "b@csv", "c", name="consume"),
        ],
        name="transcoded",
    )
    path = str(tmp_path / "b.csv")
    catalog = DataCatalog(
        {
            "a": MemoryDataset(pd.DataFrame({"v": [1, 2]})),
            "b@pandas": CSVDataset(filepath=path, save_args={"index": False}),
            "b@csv": CSVDataset(filepath=path),
            "c": MemoryDataset(),
        }
    )
    SequentialRunner().run(pipe, catalog)
    assert catalog.load("c")["v"].tolist() == [3, 5]
    assert [n.name for n in pipe.nodes] == ["produce", "consume"]


def test_fused_namespaced_pipeline_runs():
    pipe = pipeline(fused(), namespace="a") + pipeline(fused(), namespace="b")
    catalog = DataCatalog({"a.a": MemoryDataset(1), "b.a": MemoryDataset(10)})
    outputs = SequentialRunner().run(pipe, catalog)
    assert {k: catalog.load(k) for k in outputs} == {"a.c": 3, "b.c": 21}
