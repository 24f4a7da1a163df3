"""Building the IR document (docs/ir.md) from loaded Kedro objects. No I/O here."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Any

from kedro.pipeline import Pipeline
from kedro.pipeline.node import Node as KedroNode

from argo_kedro.pipeline import node_group

IR_FORMAT = "argo-kedro-ir"
IR_VERSION = 1


class ExportError(Exception):
    """A user-facing export failure: rendered as one ``error: ...`` line, then one ``hint: ...``
    line when it has a hint (how to fix it), exit code 1."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


def func_path(func: Any) -> str:
    """``module.qualname`` of a node function (partials and callable objects included)."""
    while isinstance(func, functools.partial):
        func = func.func
    module = getattr(func, "__module__", None) or type(func).__module__
    qualname = getattr(func, "__qualname__", None) or type(func).__qualname__
    return f"{module}.{qualname}"


def _optional(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def node_ir(node: KedroNode) -> dict[str, Any]:
    """One node of a pipeline, as in docs/ir.md."""
    group = node_group(node)
    return {
        "name": node.name,
        "namespace": node.namespace or None,
        "func": func_path(node.func),
        "inputs": list(node.inputs),
        "outputs": list(node.outputs),
        "tags": sorted(node.tags),
        "machine_type": _optional(getattr(node, "machine_type", None)),
        "template": _optional(getattr(node, "template", None)),
        "group": group.name if group else None,
    }


def groups_ir(pipeline_name: str, nodes: Iterable[KedroNode]) -> list[dict[str, Any]]:
    """The fused groups of a pipeline, sorted by name.

    A group's tags are the tags every member in this pipeline carries. Two ``FusedPipeline``s
    with the same full name form one group; they must agree on machine type and template.
    """
    groups: dict[str, dict[str, Any]] = {}
    tags: dict[str, set[str]] = {}
    for node in nodes:
        group = node_group(node)
        if group is None:
            continue
        entry = {
            "name": group.name,
            "machine_type": _optional(group.machine_type),
            "template": _optional(group.template),
        }
        known = groups.setdefault(group.name, entry)
        if known != entry:
            raise ExportError(
                f"pipeline {pipeline_name!r}: fused group {group.name!r} is declared twice with "
                f"different settings ({_settings(known)} and {_settings(entry)}); give the "
                "FusedPipelines different names or the same machine_type and template"
            )
        tags[group.name] = tags[group.name] & node.tags if group.name in tags else set(node.tags)
    return [{**groups[name], "tags": sorted(tags[name])} for name in sorted(groups)]


def _settings(entry: Mapping[str, Any]) -> str:
    return f"machine_type={entry['machine_type']!r}, template={entry['template']!r}"


def pipeline_ir(name: str, pipeline: Pipeline) -> dict[str, Any]:
    """One registered pipeline: nodes in Kedro's topological order, groups sorted."""
    nodes = pipeline.nodes
    return {
        "name": name,
        "nodes": [node_ir(n) for n in nodes],
        "groups": groups_ir(name, nodes),
    }


def is_parameter(name: str) -> bool:
    """``parameters`` and ``params:*`` are fed by Kedro into every run."""
    return name == "parameters" or name.startswith("params:")


def parameter_keys(params: Any, prefix: str = "") -> list[str]:
    """Every dotted key path of a parameters mapping (no values)."""
    keys: list[str] = []
    if isinstance(params, Mapping):
        for key, value in params.items():
            path = f"{prefix}{key}"
            keys.append(path)
            keys.extend(parameter_keys(value, f"{path}."))
    return keys


def _is_memory_type(type_name: str | None) -> bool:
    return bool(type_name) and str(type_name).rsplit(".", 1)[-1] in {
        "MemoryDataset",
        "SharedMemoryDataset",
    }


def _type_of(config: Any) -> str | None:
    if isinstance(config, Mapping):
        value = config.get("type")
        if isinstance(value, str):
            return value
        if isinstance(value, type):
            return f"{value.__module__}.{value.__qualname__}"
    return None


def dataset_ir(name: str, resolver: Any) -> dict[str, Any]:
    """The catalog facts of one dataset for this env (see docs/ir.md, ``datasets``)."""
    if is_parameter(name):
        return {
            "name": name,
            "kind": "parameters",
            "declared": False,
            "type": None,
            "pattern": None,
            "memory": False,
        }
    declared_config = resolver.config.get(name)
    pattern = None
    if declared_config is not None:
        type_name = _type_of(declared_config)
    else:
        pattern = resolver.match_dataset_pattern(name) or resolver.match_user_catch_all_pattern(
            name
        )
        type_name = _type_of(resolver._get_pattern_config(pattern)) if pattern else None
    memory = _is_memory_type(type_name) or (declared_config is None and pattern is None)
    return {
        "name": name,
        "kind": "dataset",
        "declared": declared_config is not None,
        "type": type_name,
        "pattern": pattern,
        "memory": memory,
    }


def dataset_names(pipelines: Iterable[Pipeline]) -> list[str]:
    """Every dataset any node of ``pipelines`` reads or writes, sorted."""
    names: set[str] = set()
    for pipe in pipelines:
        for node in pipe.nodes:
            names.update(node.inputs)
            names.update(node.outputs)
    return sorted(names)
