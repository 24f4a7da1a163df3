"""`kedro argo ...` forwards every argument to the argo-kedro binary and keeps its exit code."""

from __future__ import annotations

import shutil
import sys
import sysconfig
from importlib.metadata import entry_points

import pytest
from conftest import kedro, run

STUB = """#!/bin/sh
for a in "$@"; do printf '<%s>' "$a"; done
printf '\\n%s\\n' "$ARGO_KEDRO_PYTHON"
exit 7
"""

FORWARD = "from argo_kedro.plugin import commands; commands(prog_name='kedro')"


@pytest.fixture
def stub(tmp_path):
    path = tmp_path / "argo-kedro-stub"
    path.write_text(STUB)
    path.chmod(0o755)
    return path


def test_forwards_arguments_and_exit_code(tmp_path, stub):
    args = ["argo", "compile", "-p", "x y", "--help", "--params", "a=1,b=2", "-e"]
    result = run([sys.executable, "-c", FORWARD, *args], cwd=tmp_path, ARGO_KEDRO_BIN=str(stub))
    assert result.returncode == 7, result.stderr
    assert result.stdout.splitlines()[0] == "<compile><-p><x y><--help><--params><a=1,b=2><-e>"
    assert result.stdout.splitlines()[1] == sys.executable


def test_missing_binary_is_a_clear_error(tmp_path):
    result = run(
        [sys.executable, "-c", FORWARD, "argo", "plan"],
        cwd=tmp_path,
        ARGO_KEDRO_BIN=str(tmp_path / "missing"),
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "error:" in result.stderr


def installed_binary() -> str | None:
    return shutil.which("argo-kedro", path=sysconfig.get_path("scripts")) or shutil.which(
        "argo-kedro"
    )


@pytest.mark.skipif(
    not any(ep.name == "argo_kedro" for ep in entry_points(group="kedro.project_commands"))
    or installed_binary() is None,
    reason="needs the installed package (pip install .)",
)
def test_kedro_argo_matches_the_binary(example_project):
    binary = installed_binary()
    for args in (["--version"], ["no-such-command"]):
        via_kedro = kedro(example_project, "argo", *args)
        direct = run([binary, *args], cwd=example_project)
        assert via_kedro.returncode == direct.returncode
        # Kedro itself may log its logging setup to stdout before our command runs.
        assert via_kedro.stdout.endswith(direct.stdout)
