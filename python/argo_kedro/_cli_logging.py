"""Keeps Kedro's start-up logging off stdout in a ``kedro argo ...`` process.

``kedro`` configures logging and logs ``Using '...' as logging configuration`` while it imports
its CLI, before it loads any plugin, and Kedro's default and starter logging configurations write
to stdout. ``kedro argo compile > wf.yaml`` must write only the manifest, so the wheel installs
``argo_kedro_cli.pth``, which Python runs at start-up: for a ``kedro argo ...`` command line (and
only then) it calls :func:`quiet_kedro_cli`, which points ``KEDRO_LOGGING_CONFIG`` at
``cli_logging.yml`` (warnings and errors only, on stderr). The ``kedro argo`` process only
forwards to the ``argo-kedro`` binary, which gets the user's own value back (:func:`restore`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

ENV = "KEDRO_LOGGING_CONFIG"
CONFIG = Path(__file__).with_name("cli_logging.yml")

_UNSET = object()
_original: object = _UNSET


def is_kedro_argo(argv: Sequence[str], orig_argv: Sequence[str] = ()) -> bool:
    """Whether the command line is ``kedro argo ...`` (or ``python -m kedro argo ...``)."""
    if list(argv[1:2]) != ["argo"]:
        return False
    program = os.path.basename(argv[0]) if argv else ""
    if program.startswith("kedro"):
        return True
    return program == "-m" and "kedro" in list(orig_argv)[1:3]


def quiet_kedro_cli(argv: Sequence[str], orig_argv: Sequence[str] = ()) -> None:
    """For ``kedro argo ...``: Kedro's logging goes to stderr, warnings and errors only."""
    global _original
    if not is_kedro_argo(argv, orig_argv) or _original is not _UNSET:
        return
    _original = os.environ.get(ENV)
    os.environ[ENV] = str(CONFIG)


def restore(env: dict[str, str]) -> dict[str, str]:
    """``env`` with ``KEDRO_LOGGING_CONFIG`` as the user had it (for the forwarded command)."""
    if _original is _UNSET:
        return env
    env = dict(env)
    if isinstance(_original, str):
        env[ENV] = _original
    else:
        env.pop(ENV, None)
    return env
