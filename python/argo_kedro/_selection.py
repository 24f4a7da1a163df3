"""Partial runs: the nodes Kedro's own ``Pipeline.filter`` selects (docs/ir.md, ``selection``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kedro.pipeline import Pipeline

#: The filters, as ``Pipeline.filter`` names them (``kedro run --nodes`` is ``node_names``).
FILTERS = ("nodes", "from_nodes", "to_nodes", "tags")


def split_filter(raw: Mapping[str, str | None]) -> dict[str, list[str]]:
    """Each option split as ``kedro run`` splits it (node names on commas outside square
    brackets, tags on commas), without repeats, sorted."""
    from kedro.framework.cli.utils import split_node_names, split_string

    out: dict[str, list[str]] = {}
    for key in FILTERS:
        value = raw.get(key) or ""
        split = split_string if key == "tags" else split_node_names
        out[key] = sorted(set(split(None, None, value)))
    return out


def is_empty(filters: Mapping[str, list[str]]) -> bool:
    """Whether no filter is given."""
    return not any(filters.values())


def selection_ir(name: str, pipeline: Pipeline, filters: Mapping[str, list[str]]) -> dict[str, Any]:
    """The ``selection`` of the IR: the filter and the nodes ``pipeline.filter(...)`` keeps, in
    the pipeline's order; ``[]`` when Kedro finds none, ``None`` when the filter names a node or
    tag the pipeline does not have (the reader reports those with the nearest names)."""
    names = {node.name for node in pipeline.nodes}
    tags = {tag for node in pipeline.nodes for tag in node.tags}
    known = all(
        node in names for key in ("nodes", "from_nodes", "to_nodes") for node in filters[key]
    ) and all(tag in tags for tag in filters["tags"])
    nodes: list[str] | None = None
    if known:
        try:
            filtered = pipeline.filter(
                tags=filters["tags"] or None,
                from_nodes=filters["from_nodes"] or None,
                to_nodes=filters["to_nodes"] or None,
                node_names=filters["nodes"] or None,
            )
        except ValueError:  # "Pipeline contains no nodes after applying all provided filters"
            kept: set[str] = set()
        else:
            kept = {node.name for node in filtered.nodes}
        nodes = [node.name for node in pipeline.nodes if node.name in kept]
    return {"pipeline": name, "filter": {key: filters[key] for key in FILTERS}, "nodes": nodes}
