"""Pipeline API: ``Node``, ``FusedPipeline`` and ``sum_pipelines``.

A ``FusedPipeline`` is an ordinary Kedro ``Pipeline`` whose members are real Kedro nodes, each
carrying a :class:`Group` record (group name, machine type, template). Nothing about running
changes: ``kedro run``, ``python -m <package>`` and ``KedroSession.run`` run the members as usual.
The exporter reads the group of every node and the compiler turns each group into one Argo task.

The attributes survive every Kedro pipeline operation (``+``, ``sum()``, ``pipeline(...,
namespace=...)``, ``.tag()``, ``Pipeline(..., tags=...)``, ``only_nodes_with_tags``, ``filter``)
because ``Node._copy`` is overridden. Namespacing a node also namespaces its group:
``pipeline(fused, namespace="a")`` turns group ``g`` into ``a.g``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from kedro.pipeline import Pipeline
from kedro.pipeline.node import Node as KedroNode

__all__ = ["FusedPipeline", "Group", "Node", "sum_pipelines"]

_Datasets = str | list[str] | dict[str, str] | None

# Kedro >= 1.7 adds ``preview_fn`` to ``Node``; forward it only when the installed Kedro has it.
_HAS_PREVIEW_FN = "preview_fn" in inspect.signature(KedroNode.__init__).parameters


@dataclass(frozen=True)
class Group:
    """Membership of a node in a :class:`FusedPipeline`.

    ``name`` is the group's full name (namespace prefixes included); ``prefix`` is the part of
    that name added by namespacing after the group was created, so that later namespacing of the
    node can be applied to the group name as well.
    """

    base_name: str
    machine_type: str | None = None
    template: str | None = None
    prefix: str | None = None

    @property
    def name(self) -> str:
        """The full group name, e.g. ``a.b.g`` after two levels of namespacing."""
        return f"{self.prefix}.{self.base_name}" if self.prefix else self.base_name

    def namespaced(self, added: str | None) -> Group:
        """This group with ``added`` prepended to its namespace prefix."""
        if not added:
            return self
        prefix = f"{added}.{self.prefix}" if self.prefix else added
        return Group(self.base_name, self.machine_type, self.template, prefix)


def _added_namespace(old: str | None, new: str | None) -> str | None:
    """The namespace prefix that turned ``old`` into ``new`` (Kedro prepends namespaces)."""
    if new is None or new == old:
        return None
    if old is None:
        return new
    suffix = f".{old}"
    if new.endswith(suffix):
        return new[: -len(suffix)]
    # Not a prepend (an explicit re-namespacing): the group follows the node's new namespace.
    return new


class Node(KedroNode):
    """A Kedro node with an optional machine type, custom template and fused-group membership.

    A drop-in replacement for ``kedro.pipeline.node``: ``machine_type`` names an entry of
    ``machine_types`` in ``argo.yml``, ``template`` names one of its ``template.templates``.
    """

    def __init__(
        self,
        func: Callable[..., Any],
        inputs: _Datasets,
        outputs: _Datasets,
        *,
        name: str | None = None,
        machine_type: str | None = None,
        template: str | None = None,
        tags: str | Iterable[str] | None = None,
        confirms: str | list[str] | None = None,
        namespace: str | None = None,
        group: Group | None = None,
        **kwargs: Any,
    ) -> None:
        if not _HAS_PREVIEW_FN:
            kwargs.pop("preview_fn", None)
        super().__init__(
            func,
            inputs,
            outputs,
            name=name,
            tags=tags,
            confirms=confirms,
            namespace=namespace,
            **kwargs,
        )
        self._machine_type = machine_type
        self._template = template
        self._group = group

    @property
    def machine_type(self) -> str | None:
        """The ``machine_types`` entry this node asks for, or ``None`` for the default."""
        return self._machine_type

    @property
    def template(self) -> str | None:
        """The custom template this node runs in, or ``None`` for the default one."""
        return self._template

    @property
    def group(self) -> Group | None:
        """The fused group this node belongs to, or ``None``."""
        return self._group

    def _copy(self, **overwrite_params: Any) -> Node:
        params = _kedro_params(self)
        params.update(machine_type=self._machine_type, template=self._template, group=self._group)
        params.update(overwrite_params)
        if "group" not in overwrite_params and self._group is not None:
            added = _added_namespace(self._namespace, params["namespace"])
            params["group"] = self._group.namespaced(added)
        return Node(**params)

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        extra = f", machine_type={self._machine_type!r}" if self._machine_type else ""
        extra += f", template={self._template!r}" if self._template else ""
        extra += f", group={self._group.name!r}" if self._group else ""
        return f"{super().__repr__()[:-1]}{extra})"


def _as_node(node: KedroNode) -> Node:
    """Our ``Node`` for any Kedro node, keeping every attribute Kedro knows about."""
    if isinstance(node, Node):
        return node
    return Node(**_kedro_params(node))


def _kedro_params(node: KedroNode) -> dict[str, Any]:
    """The constructor arguments of a Kedro node that Kedro itself defines."""
    params: dict[str, Any] = {
        "func": node._func,
        "inputs": node._inputs,
        "outputs": node._outputs,
        "name": node._name,
        "namespace": node._namespace,
        "tags": node._tags,
        "confirms": node._confirms,
    }
    if _HAS_PREVIEW_FN:
        params["preview_fn"] = getattr(node, "_preview_fn", None)
    return params


def _flatten(nodes: Iterable[KedroNode | Pipeline] | Pipeline) -> list[KedroNode]:
    if isinstance(nodes, Pipeline):
        return list(nodes.nodes)
    flat: list[KedroNode] = []
    for item in nodes:
        if isinstance(item, Pipeline):
            flat.extend(item.nodes)
        elif isinstance(item, KedroNode):
            flat.append(item)
        else:
            raise TypeError(
                f"FusedPipeline takes Kedro nodes and pipelines, not {type(item).__name__!r}"
            )
    return flat


class FusedPipeline(Pipeline):
    """A pipeline whose nodes run together in ONE Argo task.

    The members stay real Kedro nodes (so the pipeline runs as usual anywhere); each one records
    its membership. A node passed into a second ``FusedPipeline`` moves to the outer group.
    """

    def __init__(
        self,
        nodes: Iterable[KedroNode | Pipeline] | Pipeline,
        name: str,
        *,
        tags: str | Iterable[str] | None = None,
        machine_type: str | None = None,
        template: str | None = None,
    ) -> None:
        if not name or not isinstance(name, str):
            raise ValueError("FusedPipeline needs a non-empty name")
        if not all(c.isalnum() or c in "_.-" for c in name):
            raise ValueError(
                f"{name!r} is not a valid FusedPipeline name: use letters, digits, '_', '-', '.'"
            )
        group = Group(name, machine_type, template)
        members = [_as_node(n)._copy(group=group) for n in _flatten(nodes)]
        if not members:
            raise ValueError(f"FusedPipeline {name!r} has no nodes")
        super().__init__(members, tags=tags)
        self._group_record = group

    @property
    def name(self) -> str:
        """The group name as given (namespacing applies to the member nodes)."""
        return self._group_record.base_name

    @property
    def machine_type(self) -> str | None:
        """The machine type of the group's task, or ``None`` for the default."""
        return self._group_record.machine_type

    @property
    def template(self) -> str | None:
        """The custom template of the group's task, or ``None`` for the default."""
        return self._group_record.template


def sum_pipelines(pipelines: Iterable[Pipeline]) -> Pipeline:
    """The union of ``pipelines`` (for ``__default__``); fused groups are kept."""
    # One Pipeline built from the union of nodes (as `+` does), not one per added pipeline:
    # summing thousands of nodes pipeline by pipeline rebuilds a growing Pipeline each time.
    unique: dict[KedroNode, None] = {}
    for pipe in pipelines:
        unique.update(dict.fromkeys(pipe.nodes))
    return Pipeline(list(unique))


def node_group(node: KedroNode) -> Group | None:
    """The fused group of any Kedro node (``None`` for plain Kedro nodes)."""
    group = getattr(node, "group", None)
    return group if isinstance(group, Group) else None
