#!/usr/bin/env python3
"""Generate a synthetic Kedro project for the benchmarks (docs/benchmarks.md).

    python3 scripts/gen_project.py --nodes 1000 --out target/bench/projects/n1000

The project has N nodes in a layered DAG, split into modular pipelines (``pipelines/mNN``,
found by Kedro's ``find_pipelines``; ``__default__`` is ``sum_pipelines`` of all of them):

- fan-in: most nodes read 1-3 datasets, a few are wide joins of 5-8; inputs come mostly from
  the previous layer, else from any earlier layer, a few "hub" tables that many nodes read
  (fan-out), raw inputs and ``params:`` entries;
- fan-out: 1-3 outputs per node; hub outputs are read by dozens of nodes;
- fused groups: chains of 2-5 nodes in consecutive layers wrapped in ``FusedPipeline`` (convex by
  construction: members read only their chain predecessor or datasets of layers before the
  chain); the chain's intermediate datasets are not catalogued (memory datasets, kept inside the
  group's task with ``runner.use_memory_datasets: true``);
- machine types ``default``, ``large``, ``highmem``, ``gpu`` on some nodes and groups;
- datasets: every dataset that crosses a task is catalogued, most by an explicit entry, some by a
  dataset factory pattern (``{name}_pq``), a few transcoded (written ``x@pandas``, read
  ``x@polars``);
- ``conf/base/argo.yml`` in the argo-kedro 0.1.41 format, which both argo-kedro 0.1.41 and this
  repository read;
- node functions are one-liners in plain Python (no pandas import): the project is compiled,
  never run.

Pipeline code imports ``from argo_kedro.pipeline import Node, FusedPipeline, sum_pipelines``,
which both plugins provide. Output is deterministic for a given ``--nodes`` and ``--seed``.
Only the standard library is used, so any Python 3.10+ can run it.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = "bench_project"
MACHINE_TYPES = {
    "default": {"mem": 4, "cpu": 1, "num_gpu": 0},
    "large": {"mem": 16, "cpu": 4, "num_gpu": 0, "emph_storage": 50},
    "highmem": {"mem": 64, "cpu": 8, "num_gpu": 0, "emph_storage": 100},
    "gpu": {"mem": 32, "cpu": 8, "num_gpu": 1, "emph_storage": 50},
}


@dataclass
class GenNode:
    """One generated Kedro node."""

    name: str  # short name (the module is its namespace, if namespaced)
    module: int
    layer: int
    inputs: list[str]
    outputs: list[str]
    machine_type: str | None = None
    tags: list[str] = field(default_factory=list)
    group: int | None = None


@dataclass
class GenGroup:
    """One fused group: a chain of nodes in consecutive layers."""

    name: str
    module: int
    machine_type: str | None
    members: list[GenNode] = field(default_factory=list)


@dataclass
class Shape:
    """What the generator builds."""

    nodes: int
    seed: int = 7
    width: int | None = None  # nodes per layer; default ~ 1.5 * sqrt(N)
    modules: int | None = None  # modular pipelines; default ~ N / 250, 1..20
    group_fraction: float = 0.15  # share of nodes inside fused groups
    # Nodes get their module as Kedro namespace. Off by default: argo-kedro 0.1.41 cannot load
    # a FusedPipeline of namespaced nodes (KeyError in Kedro's Pipeline._validate_namespaces,
    # which iterates the FusedPipeline's single FusedNode).
    namespaces: bool = False

    def resolved_width(self) -> int:
        return self.width or max(4, round(1.5 * math.sqrt(self.nodes)))

    def resolved_modules(self, layers: int) -> int:
        wanted = self.modules or max(1, min(20, round(self.nodes / 250)))
        return max(1, min(wanted, layers))


class Generator:
    """Builds the node list of one project (no I/O)."""

    def __init__(self, shape: Shape) -> None:
        self.shape = shape
        self.rng = random.Random(shape.seed)
        self.width = shape.resolved_width()
        self.layers = max(1, math.ceil(shape.nodes / self.width))
        self.modules = shape.resolved_modules(self.layers)
        self.nodes: list[GenNode] = []
        self.groups: list[GenGroup] = []
        # Public datasets (readable by any later node), per layer: (name as read, base name).
        self.public: list[list[str]] = []
        self.hubs: list[str] = []
        self.raw = [f"raw_{i}" for i in range(max(3, min(40, shape.nodes // 50)))]
        self.params: list[str] = []
        self.memory: set[str] = set()  # group-internal (uncatalogued) datasets
        self.factory: set[str] = set()  # catalogued through the `{name}_pq` pattern
        self.transcoded: set[str] = set()  # base names written @pandas, read @polars

    def module_of(self, layer: int) -> int:
        return min(self.modules - 1, layer * self.modules // self.layers)

    def layer_sizes(self) -> list[int]:
        sizes = [self.width] * self.layers
        sizes[-1] = self.shape.nodes - self.width * (self.layers - 1)
        return sizes

    def _fan_in(self) -> int:
        r = self.rng.random()
        if r < 0.30:
            return 1
        if r < 0.65:
            return 2
        if r < 0.85:
            return 3
        if r < 0.95:
            return 4
        return self.rng.randint(5, 8)

    def _pick_input(self, before: int) -> str:
        """A dataset written by a layer < ``before`` (or a raw input / parameter)."""
        rng = self.rng
        r = rng.random()
        if before == 0 or r < 0.04:
            return rng.choice(self.raw)
        if r < 0.10:
            return rng.choice(self.params)
        if r < 0.18 and self.hubs:
            hub = rng.choice(self.hubs)
            if self._layer_of[hub] < before:
                return self._as_read(hub)
        layer = before - 1 if r < 0.65 else rng.randrange(before)
        pool = self.public[layer]
        if not pool:
            return rng.choice(self.raw)
        return self._as_read(rng.choice(pool))

    def _as_read(self, base: str) -> str:
        return f"{base}@polars" if base in self.transcoded else base

    def _new_output(self, layer: int, idx: int, k: int, public: bool) -> str:
        base = f"d{layer}_{idx}_{k}"
        if not public:
            self.memory.add(base)
            return base
        r = self.rng.random()
        if r < 0.25:
            base = f"{base}_pq"
            self.factory.add(base)
        elif r < 0.27:
            self.transcoded.add(base)
        self._layer_of[base] = layer
        self.public[layer].append(base)
        if self.rng.random() < 0.02:
            self.hubs.append(base)
        return f"{base}@pandas" if base in self.transcoded else base

    def _machine_type(self) -> str | None:
        r = self.rng.random()
        if r < 0.08:
            return "large"
        if r < 0.11:
            return "highmem"
        if r < 0.12:
            return "gpu"
        return None

    def build(self) -> Generator:
        rng = self.rng
        self._layer_of: dict[str, int] = {}
        self.params = [f"params:m{m:02d}.p{i}" for m in range(self.modules) for i in range(3)]
        sizes = self.layer_sizes()
        # Plan the groups first: chains start at a layer and run over the next layers of the
        # same module. `chains[layer][slot]` = (group index, position in the chain).
        chains: list[dict[int, tuple[int, int]]] = [{} for _ in range(self.layers)]
        target = round(self.shape.nodes * self.shape.group_fraction)
        placed = 0
        attempts = 0
        while placed < target and attempts < 20 * self.shape.nodes:
            attempts += 1
            length = rng.randint(2, 5)
            start = rng.randrange(self.layers)
            module = self.module_of(start)
            if start + length > self.layers or self.module_of(start + length - 1) != module:
                continue
            slots = [rng.randrange(sizes[start + i]) for i in range(length)]
            if any(slots[i] in chains[start + i] for i in range(length)):
                continue
            g = len(self.groups)
            self.groups.append(GenGroup(f"m{module:02d}_fused_{g}", module, self._machine_type()))
            for i in range(length):
                chains[start + i][slots[i]] = (g, i)
            placed += length
        # Where each chain started (members read only datasets of layers before it).
        chain_start: dict[int, int] = {}
        last_internal: dict[int, str] = {}
        for layer, size in enumerate(sizes):
            self.public.append([])
            module = self.module_of(layer)
            for idx in range(size):
                member = chains[layer].get(idx)
                n_out = 1 + (rng.random() < 0.2) + (rng.random() < 0.05)
                inputs: list[str] = []
                if member is not None:
                    g, pos = member
                    chain_start.setdefault(g, layer)
                    before = chain_start[g]
                    if pos > 0:
                        inputs.append(last_internal[g])
                    extra = self._fan_in() - len(inputs)
                    for _ in range(max(0, extra)):
                        inputs.append(self._pick_input(before))
                else:
                    for _ in range(self._fan_in()):
                        inputs.append(self._pick_input(layer))
                inputs = list(dict.fromkeys(inputs))
                outputs: list[str] = []
                is_last = member is not None and self._is_last(chains, member, layer)
                if member is not None and not is_last:
                    internal = self._new_output(layer, idx, 0, public=False)
                    last_internal[member[0]] = internal
                    outputs.append(internal)
                    outputs.extend(
                        self._new_output(layer, idx, k, public=True) for k in range(1, n_out)
                    )
                else:
                    outputs.extend(
                        self._new_output(layer, idx, k, public=True) for k in range(n_out)
                    )
                node = GenNode(
                    name=f"n{layer}_{idx}",
                    module=module,
                    layer=layer,
                    inputs=inputs,
                    outputs=outputs,
                    machine_type=None if member is not None else self._machine_type(),
                    tags=[f"layer_{layer // 10}"] + (["report"] if rng.random() < 0.05 else []),
                    group=member[0] if member is not None else None,
                )
                self.nodes.append(node)
                if member is not None:
                    self.groups[member[0]].members.append(node)
        return self

    def _is_last(
        self, chains: list[dict[int, tuple[int, int]]], member: tuple[int, int], layer: int
    ) -> bool:
        g, pos = member
        nxt = layer + 1
        return nxt >= len(chains) or all(v != (g, pos + 1) for v in chains[nxt].values())


def _py_list(items: list[str]) -> str:
    return "[" + ", ".join(json.dumps(i) for i in items) + "]"


def _node_call(node: GenNode, namespaced: bool, indent: str) -> str:
    args = [
        f"{node.name}",
        _py_list(node.inputs),
        _py_list(node.outputs),
        f"name={json.dumps(node.name)}",
    ]
    if node.machine_type:
        args.append(f"machine_type={json.dumps(node.machine_type)}")
    if node.tags:
        args.append(f"tags={_py_list(node.tags)}")
    if namespaced:
        args.append(f"namespace={json.dumps(f'm{node.module:02d}')}")
    return f"{indent}Node({', '.join(args)}),"


def write_project(gen: Generator, out: Path) -> dict[str, object]:
    """Writes the project to ``out`` and returns a summary."""
    shape = gen.shape
    src = out / "src" / PACKAGE
    (src / "pipelines").mkdir(parents=True)
    for env in ("base", "local"):
        (out / "conf" / env).mkdir(parents=True)
    (out / "conf" / "local" / ".gitkeep").write_text("")
    (out / "pyproject.toml").write_text(
        f"""[build-system]
requires = ["setuptools"]
build-backend = "setuptools.build_meta"

[project]
name = "bench-project"
version = "0.1.0"
description = "Synthetic Kedro project of {shape.nodes} nodes for the argo-kedro benchmarks"
requires-python = ">=3.10"
dependencies = ["kedro>=1.0,<2", "argo-kedro"]

[tool.kedro]
package_name = "{PACKAGE}"
project_name = "Bench {shape.nodes}"
kedro_init_version = "1.7.0"
tools = []
example_pipeline = "False"
source_dir = "src"
"""
    )
    (src / "__init__.py").write_text(
        '"""Synthetic benchmark project."""\n\n__version__ = "0.1.0"\n'
    )
    (src / "settings.py").write_text(
        '"""Project settings."""\n\nfrom kedro.config import OmegaConfigLoader\n\n'
        "CONFIG_LOADER_CLASS = OmegaConfigLoader\n"
        'CONFIG_LOADER_ARGS = {"base_env": "base", "default_run_env": "local"}\n'
    )
    (src / "pipeline_registry.py").write_text(
        '"""Project pipelines: every package under pipelines/, and __default__ (all of them)."""'
        "\n\nfrom kedro.framework.project import find_pipelines\n"
        "from kedro.pipeline import Pipeline\n\n"
        "from argo_kedro.pipeline import sum_pipelines\n\n\n"
        "def register_pipelines() -> dict[str, Pipeline]:\n"
        "    pipelines = find_pipelines()\n"
        '    pipelines["__default__"] = sum_pipelines(pipelines.values())\n'
        "    return pipelines\n"
    )
    (src / "pipelines" / "__init__.py").write_text("")
    by_module: dict[int, list[GenNode]] = {m: [] for m in range(gen.modules)}
    for node in gen.nodes:
        by_module[node.module].append(node)
    for module, nodes in by_module.items():
        pkg = src / "pipelines" / f"m{module:02d}"
        pkg.mkdir()
        (pkg / "__init__.py").write_text(
            f'"""Module m{module:02d}."""\n\nfrom .pipeline import create_pipeline\n\n'
            '__all__ = ["create_pipeline"]\n'
        )
        funcs = ['"""Node functions: cheap one-liners (the project is compiled, not run)."""\n']
        funcs.append("\ndef _out(inputs, n):\n    return inputs[0] if n == 1 else [inputs] * n\n")
        for node in nodes:
            funcs.append(
                f"\n\ndef {node.name}(*inputs):\n    return _out(inputs, {len(node.outputs)})\n"
            )
        (pkg / "nodes.py").write_text("".join(funcs))
        lines = [
            f'"""Pipeline m{module:02d}: {len(nodes)} nodes."""',
            "",
            "from kedro.pipeline import Pipeline",
            "",
            "from argo_kedro.pipeline import FusedPipeline, Node",
            "",
            "from .nodes import *  # noqa: F403",
            "",
            "",
            "def create_pipeline(**kwargs) -> Pipeline:",
            "    return Pipeline(",
            "        [",
        ]
        emitted: set[int] = set()
        for node in nodes:
            if node.group is None:
                lines.append(_node_call(node, shape.namespaces, " " * 12))
            elif node.group not in emitted:
                emitted.add(node.group)
                group = gen.groups[node.group]
                lines.append(" " * 12 + "FusedPipeline(")
                lines.append(" " * 16 + "[")
                lines.extend(_node_call(m, shape.namespaces, " " * 20) for m in group.members)
                lines.append(" " * 16 + "],")
                lines.append(" " * 16 + f"name={json.dumps(group.name)},")
                if group.machine_type:
                    lines.append(" " * 16 + f"machine_type={json.dumps(group.machine_type)},")
                lines.append(" " * 12 + "),")
        lines += ["        ]", "    )", ""]
        (pkg / "pipeline.py").write_text("\n".join(lines))
    _write_conf(gen, out)
    groups = [g for g in gen.groups if g.members]
    fused = sum(len(g.members) for g in groups)
    return {
        "nodes": len(gen.nodes),
        "layers": gen.layers,
        "width": gen.width,
        "modules": gen.modules,
        "groups": len(groups),
        "fused_nodes": fused,
        "tasks": len(gen.nodes) - fused + len(groups),
        "edges": sum(len(n.inputs) for n in gen.nodes),
        "datasets_catalogued": sum(len(layer) for layer in gen.public) + len(gen.raw),
        "datasets_memory": len(gen.memory),
    }


def _write_conf(gen: Generator, out: Path) -> None:
    """The catalog (one file per module, as large projects split it: OmegaConf refuses a YAML
    file that expands to more than 10,000 nodes), parameters and argo.yml."""
    base = out / "conf" / "base"
    entries = ["# Generated catalog: raw inputs and the `{name}_pq` dataset factory.", ""]
    entries += [
        '"{name}_pq":',
        "  type: pandas.ParquetDataset",
        "  filepath: data/pq/{name}.parquet",
        "",
    ]
    for raw in gen.raw:
        entries += [
            f"{raw}:",
            "  type: pandas.CSVDataset",
            f"  filepath: data/01_raw/{raw}.csv",
            "",
        ]
    (base / "catalog.yml").write_text("\n".join(entries))
    per_module: dict[int, list[str]] = {m: [] for m in range(gen.modules)}
    for layer, datasets in enumerate(gen.public):
        entries = per_module[gen.module_of(layer)]
        for base_name in datasets:
            if base_name in gen.factory:
                continue
            if base_name in gen.transcoded:
                entries += [
                    f"{base_name}@pandas:",
                    "  type: pandas.ParquetDataset",
                    f"  filepath: data/02_int/{base_name}.parquet",
                    "",
                    f"{base_name}@polars:",
                    "  type: polars.EagerPolarsDataset",
                    "  file_format: parquet",
                    f"  filepath: data/02_int/{base_name}.parquet",
                    "",
                ]
            else:
                entries += [
                    f"{base_name}:",
                    "  type: pandas.ParquetDataset",
                    f"  filepath: data/02_int/{base_name}.parquet",
                    "",
                ]
    for module, entries in per_module.items():
        (base / f"catalog_m{module:02d}.yml").write_text(
            f"# Generated catalog of module m{module:02d}.\n\n" + "\n".join(entries)
        )
    params = []
    for m in range(gen.modules):
        params.append(f"m{m:02d}:")
        params += [f"  p{i}: {i + 1}" for i in range(3)]
    (base / "parameters.yml").write_text("\n".join(params) + "\n")
    machine_lines = []
    for name, spec in MACHINE_TYPES.items():
        inner = ", ".join(f"{k}: {v}" for k, v in spec.items())
        machine_lines.append(f"  {name}: {{{inner}}}")
    (base / "argo.yml").write_text(
        "# argo-kedro configuration, in the argo-kedro 0.1.41 format (read by both plugins).\n"
        "namespace: argo-workflows\n"
        "deployment:\n"
        "  image: registry.example.com/bench-project\n"
        "  tag: latest\n"
        "  target_platform: linux/amd64\n"
        "  context: ./\n"
        "  dockerfile: Dockerfile\n"
        "runner:\n"
        "  use_memory_datasets: true\n"
        "machine_types:\n" + "\n".join(machine_lines) + "\n"
        "default_machine_type: default\n"
        "template:\n"
        "  environment:\n"
        "    - name: APP_ENV\n"
        "      value: bench\n"
        "    - name: API_TOKEN\n"
        "      secret_ref: {name: bench-secrets, key: API_TOKEN}\n"
        "  emph_storage_mount_path: /data\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--nodes", type=int, required=True, help="number of Kedro nodes")
    parser.add_argument("-o", "--out", type=Path, required=True, help="project directory")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--width", type=int, default=None, help="nodes per layer")
    parser.add_argument("--modules", type=int, default=None, help="modular pipelines")
    parser.add_argument(
        "--group-fraction",
        type=float,
        default=0.15,
        help="share of nodes inside FusedPipeline groups (default 0.15)",
    )
    parser.add_argument(
        "--namespaces",
        action="store_true",
        help="give nodes their module as Kedro namespace (argo-kedro 0.1.41 "
        "fails on such a project)",
    )
    parser.add_argument("--force", action="store_true", help="replace an existing directory")
    args = parser.parse_args(argv)
    if args.nodes < 1:
        parser.error("--nodes must be at least 1")
    if args.out.exists():
        if not args.force:
            parser.error(f"{args.out} exists; pass --force to replace it")
        shutil.rmtree(args.out)
    shape = Shape(
        nodes=args.nodes,
        seed=args.seed,
        width=args.width,
        modules=args.modules,
        group_fraction=args.group_fraction,
        namespaces=args.namespaces,
    )
    summary = write_project(Generator(shape).build(), args.out)
    json.dump(summary, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
