"""Shared helpers of the end-to-end tests: the installed binary, a runner, the examples.

They need the repository installed in the running interpreter's environment
(`scripts/setup.sh` does it): the binary is looked up next to the interpreter.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(p for p in (ROOT / "examples").iterdir() if (p / "pyproject.toml").exists())


def binary() -> str:
    """The installed `argo-kedro`."""
    found = Path(sysconfig.get_path("scripts")) / "argo-kedro"
    if not found.exists():
        pytest.fail(f"argo-kedro is not installed next to {sys.executable}: run scripts/setup.sh")
    return str(found)


def run(args: list[str], cwd: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    """Runs a command in `cwd` with telemetry off and this interpreter as the project's."""
    env = {**os.environ, "KEDRO_DISABLE_TELEMETRY": "1", "ARGO_KEDRO_PYTHON": sys.executable}
    env.pop("ARGO_KEDRO_MEMORY_DATASETS", None)
    env.update(extra)
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
