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
        # Kedro's start-up logging stays off stdout (argo_kedro_cli.pth).
        assert via_kedro.stdout == direct.stdout


def test_only_kedro_argo_gets_the_quiet_kedro_logging(monkeypatch):
    """`argo_kedro_cli.pth` calls `quiet_kedro_cli` at start-up; it acts for `kedro argo ...`
    only, and the forwarded command gets the user's KEDRO_LOGGING_CONFIG back."""
    from argo_kedro import _cli_logging as quiet

    assert quiet.is_kedro_argo(["/venv/bin/kedro", "argo", "compile"])
    assert quiet.is_kedro_argo(["-m", "argo", "plan"], ["python", "-m", "kedro", "argo", "plan"])
    assert not quiet.is_kedro_argo(["/venv/bin/kedro", "run"])
    assert not quiet.is_kedro_argo(["script.py", "argo"])
    assert not quiet.is_kedro_argo(["-m", "argo"], ["python", "-m", "other", "argo"])

    monkeypatch.setattr(quiet, "_original", quiet._UNSET)
    monkeypatch.setenv(quiet.ENV, "mine.yml")
    quiet.quiet_kedro_cli(["/venv/bin/kedro", "run"])
    assert quiet.restore({"A": "1"}) == {"A": "1"}
    quiet.quiet_kedro_cli(["/venv/bin/kedro", "argo", "compile"])
    import os

    assert os.environ[quiet.ENV] == str(quiet.CONFIG) and quiet.CONFIG.is_file()
    assert quiet.restore({quiet.ENV: str(quiet.CONFIG)}) == {quiet.ENV: "mine.yml"}
    monkeypatch.setattr(quiet, "_original", None)
    assert quiet.restore({quiet.ENV: str(quiet.CONFIG), "B": "2"}) == {"B": "2"}
