"""Shared helpers: paths, subprocess runners and a writer for small Kedro projects."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import textwrap
from importlib.metadata import entry_points
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
PYTHON_SRC = REPO_ROOT / "python"
EXAMPLE = REPO_ROOT / "examples" / "spaceflights-mini"
SCHEMA = REPO_ROOT / "schema" / "ir.schema.json"

os.environ["KEDRO_DISABLE_TELEMETRY"] = "1"
os.environ.setdefault("DO_NOT_TRACK", "1")

# Against an installed package (the test runner's `pip install .`) when there is one, else the
# source tree: then the hook is registered in the test projects' settings.py instead.
_SPEC = importlib.util.find_spec("argo_kedro")
INSTALLED = _SPEC is not None and not str(_SPEC.origin or "").startswith(str(PYTHON_SRC))
if _SPEC is None:
    sys.path.insert(0, str(PYTHON_SRC))
HOOK_ENTRY_POINT = any(ep.name == "argo_kedro" for ep in entry_points(group="kedro.hooks"))


def subprocess_env(project: Path | None = None, **extra: str) -> dict[str, str]:
    """The environment for a child Python: telemetry off, our package importable."""
    env = dict(os.environ)
    # What the runtime hook reads comes from the test, never from the outer environment.
    for name in (
        "ARGO_KEDRO_MEMORY_DATASETS",
        "ARGO_KEDRO_RUN_CREATED",
        "ARGO_KEDRO_RUN_UID",
        "ARGO_KEDRO_REUSED_VERSIONS",
    ):
        env.pop(name, None)
    env["KEDRO_DISABLE_TELEMETRY"] = "1"
    env["PYTHONUNBUFFERED"] = "1"
    paths = [] if INSTALLED else [str(PYTHON_SRC)]
    if project is not None:
        paths.append(str(project / "src"))
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env.update(extra)
    return env


def run(args: list[str], cwd: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    """Run a child process in ``cwd`` (a project directory) and capture its output."""
    return subprocess.run(
        args,
        cwd=cwd,
        env=subprocess_env(cwd if (cwd / "src").is_dir() else None, **extra),
        capture_output=True,
        text=True,
        timeout=180,
    )


def export(project: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m argo_kedro.export ARGS`` in ``project``."""
    return run([sys.executable, "-m", "argo_kedro.export", *args], cwd=cwd or project)


def export_ok(project: Path, *args: str) -> dict:
    result = export(project, *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def kedro(project: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    """``kedro ARGS`` (through ``python -m kedro``) in ``project``."""
    return run([sys.executable, "-m", "kedro", *args], cwd=project, **extra)


def copy_example(dest: Path) -> Path:
    """A copy of the example project without anything Kedro wrote."""
    project = dest / EXAMPLE.name

    def ignore(directory: str, names: list[str]) -> set[str]:
        skip = {"logs", "__pycache__", ".venv"}
        if Path(directory) == EXAMPLE / "data":
            skip |= {n for n in names if n != "01_raw"}
        return skip & set(names)

    shutil.copytree(EXAMPLE, project, ignore=ignore)
    return project


SETTINGS_WITH_HOOK = """
from importlib.metadata import entry_points

# The plugin registers its hook through an entry point once installed; from a source tree,
# register it here.
if not any(ep.name == "argo_kedro" for ep in entry_points(group="kedro.hooks")):
    from argo_kedro.hooks import hooks

    HOOKS = (hooks,)
"""


def write_project(
    root: Path,
    package: str,
    pipelines: dict[str, str],
    *,
    catalog: str = "",
    parameters: str = "",
    argo: str | None = None,
    envs: tuple[str, ...] = ("local",),
    registry: str | None = None,
    nodes: str = "",
) -> Path:
    """A small Kedro project written by hand: ``pipelines`` maps a pipeline package name to
    the source of its ``pipeline.py`` (which may import ``from <package>.nodes import *``)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(
        textwrap.dedent(
            f"""
            [tool.kedro]
            package_name = "{package}"
            project_name = "{package} project"
            kedro_init_version = "1.7.0"
            source_dir = "src"
            """
        )
    )
    src = root / "src" / package
    (src / "pipelines").mkdir(parents=True)
    (src / "__init__.py").write_text("")
    (src / "settings.py").write_text(SETTINGS_WITH_HOOK)
    (src / "nodes.py").write_text(textwrap.dedent(nodes))
    (src / "pipeline_registry.py").write_text(
        textwrap.dedent(
            registry
            or """
            from kedro.framework.project import find_pipelines
            from argo_kedro.pipeline import sum_pipelines


            def register_pipelines():
                pipelines = find_pipelines()
                pipelines["__default__"] = sum_pipelines(pipelines.values())
                return pipelines
            """
        )
    )
    (src / "pipelines" / "__init__.py").write_text("")
    for name, code in pipelines.items():
        pkg = src / "pipelines" / name
        pkg.mkdir()
        (pkg / "__init__.py").write_text("from .pipeline import create_pipeline\n")
        (pkg / "pipeline.py").write_text(textwrap.dedent(code))
    conf = root / "conf"
    (conf / "base").mkdir(parents=True)
    for env in envs:
        (conf / env).mkdir(exist_ok=True)
    (conf / "base" / "catalog.yml").write_text(textwrap.dedent(catalog))
    (conf / "base" / "parameters.yml").write_text(textwrap.dedent(parameters))
    if argo is not None:
        (conf / "base" / "argo.yml").write_text(textwrap.dedent(argo))
    (root / "data").mkdir()
    return root


@pytest.fixture(scope="session")
def example_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh copy of examples/spaceflights-mini (runs write into the copy, not the repo)."""
    return copy_example(tmp_path_factory.mktemp("example"))


@pytest.fixture(scope="session")
def ir_schema() -> dict:
    return json.loads(SCHEMA.read_text())
