"""Every Kedro the package declares (`kedro>=1.0,<2`): export, compile and run-local of a project
with a fused group, with the Kedro of the running interpreter.

`pytest tests` runs it with the newest Kedro (the project's venv); `scripts/test.sh` runs it again
in a second venv with the lowest Kedro the package declares (`target/venv-kedro-lowest`). The pods
run `kedro run --pipelines P` from Kedro 1.2 on and `--pipeline P` before (Kedro 1.0 and 1.1 have
no `--pipelines`): run-local runs exactly that command line with this Kedro.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import kedro
import pytest
import yaml
from e2e_support import EXAMPLES, binary, run, tiny_project
from packaging.version import Version

KEDRO = Version(kedro.__version__)
OPTION = "--pipelines" if KEDRO >= Version("1.2") else "--pipeline"


def made_with_this_kedro(project: Path) -> None:
    """The project as `kedro new` of the running Kedro would have stamped it (Kedro refuses a
    project whose `kedro_init_version` is newer than itself)."""
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text()
    stamped = re.sub(
        r'(?m)^kedro_init_version = ".*"$', f'kedro_init_version = "{kedro.__version__}"', text
    )
    assert stamped != text or f'"{kedro.__version__}"' in text
    pyproject.write_text(stamped)


def kedro_run_args(manifest: dict) -> list[list[str]]:
    return [
        t["container"]["args"]
        for t in manifest["spec"]["templates"]
        if t.get("container", {}).get("command") == ["kedro"]
    ]


def test_the_declared_kedro_range_includes_this_kedro() -> None:
    from importlib.metadata import requires

    from packaging.requirements import Requirement

    declared = [Requirement(r) for r in requires("argo-kedro") or []]
    (kedro_req,) = [r for r in declared if r.name == "kedro"]
    assert KEDRO in kedro_req.specifier, (KEDRO, str(kedro_req))


def test_export_compile_and_run_local_of_a_fused_group(tmp_path: Path) -> None:
    project = tiny_project(tmp_path / "tiny", kedro_init_version=kedro.__version__)

    exported = run([sys.executable, "-m", "argo_kedro.export", "--env", "base"], project)
    assert exported.returncode == 0, exported.stderr
    ir = json.loads(exported.stdout)
    assert ir["project"]["kedro_version"] == kedro.__version__
    groups = {n["name"]: n["group"] for p in ir["pipelines"] for n in p["nodes"]}
    assert groups["first"] == groups["second"] == "prep"

    compiled = run([binary(), "compile", "-e", "base", "--format", "json"], project)
    assert compiled.returncode == 0, compiled.stderr
    manifest = json.loads(compiled.stdout)
    args = kedro_run_args(manifest)
    assert args, manifest["spec"]["templates"]
    for each in args:
        assert each[:2] == ["run", OPTION], each

    local = run([binary(), "run-local", "-e", "base", "-j", "2"], project)
    assert local.returncode == 0, local.stderr[-3000:]
    report = project / "data" / "08_reporting" / "report.csv"
    assert report.read_text().splitlines() == ["total", "24"]
    # The fused group kept its intermediate in memory: `mid` was never written.
    assert not (project / "data" / "02_intermediate" / "mid.csv").exists()


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_the_examples_export_compile_and_run_local(example: Path, tmp_path: Path) -> None:
    project = tmp_path / example.name
    shutil.copytree(example, project, ignore=shutil.ignore_patterns("logs", ".argo-kedro"))
    made_with_this_kedro(project)
    exported = run([binary(), "export", "-e", "base"], project)
    assert exported.returncode == 0, exported.stderr
    ir = json.loads(exported.stdout)
    assert any(p["groups"] for p in ir["pipelines"]), "the example has no fused group"
    out = run([binary(), "compile", "-e", "base"], project)
    assert out.returncode == 0, out.stderr
    manifest = yaml.safe_load(out.stdout)
    kedro_args = kedro_run_args(manifest)
    assert kedro_args and all(a[1] == OPTION for a in kedro_args)
    local = run(
        [binary(), "run-local", "-e", "base", "-j", "2"], project, API_TOKEN="local-test-token"
    )
    assert local.returncode == 0, local.stderr[-3000:]
    assert "Succeeded" in local.stderr
