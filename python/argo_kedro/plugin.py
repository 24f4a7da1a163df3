"""``kedro argo ...``: forwards every argument to the bundled ``argo-kedro`` binary.

Every ``kedro`` invocation imports this module, so it imports nothing heavy at module level.
The binary finds the project itself (it walks up from the current directory). The Python
interpreter running Kedro is passed on as ``ARGO_KEDRO_PYTHON`` (unless already set) so that
the binary runs the exporter with the same environment.

Kedro logs its start-up line (``Using '...' as logging configuration``) while it imports its CLI,
before this module is loaded, and its default logging writes to stdout; ``argo_kedro_cli.pth``
sends Kedro's logging of a ``kedro argo`` process to stderr (see ``argo_kedro._cli_logging``), so
that ``kedro argo compile > wf.yaml`` writes only the manifest. The binary gets the user's own
``KEDRO_LOGGING_CONFIG`` back.
"""

from __future__ import annotations

import os
import shutil
import sys
import sysconfig
from pathlib import Path

import click

BINARY = "argo-kedro"
BIN_ENV = "ARGO_KEDRO_BIN"


def _candidates() -> list[Path]:
    exe = BINARY + (".exe" if os.name == "nt" else "")
    dirs: list[str] = []
    for scheme in (None, f"{os.name}_user"):
        try:
            path = (
                sysconfig.get_path("scripts", scheme) if scheme else sysconfig.get_path("scripts")
            )
        except KeyError:
            continue
        if path:
            dirs.append(path)
    dirs.append(str(Path(sys.executable).parent))
    return [Path(d) / exe for d in dict.fromkeys(dirs)]


def find_binary() -> str | None:
    """The ``argo-kedro`` binary: ``$ARGO_KEDRO_BIN``, the scripts dir of this Python, or PATH."""
    override = os.environ.get(BIN_ENV)
    if override:
        return override
    for candidate in _candidates():
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which(BINARY)


def forward(args: list[str]) -> int:
    """Run the binary with ``args``; on POSIX this replaces the process and does not return."""
    binary = find_binary()
    if binary is None:
        click.echo(
            f"error: the {BINARY} binary was not found next to {sys.executable} nor on PATH; "
            f"reinstall the package (pip install --force-reinstall argo-kedro) or set {BIN_ENV}",
            err=True,
        )
        return 1
    from argo_kedro._cli_logging import restore

    env = restore(dict(os.environ))
    env.setdefault("ARGO_KEDRO_PYTHON", sys.executable)
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name == "posix":
        try:
            os.execve(binary, [binary, *args], env)
        except OSError as exc:
            click.echo(f"error: cannot run {binary}: {exc.strerror}", err=True)
            return 1
    import subprocess

    return subprocess.call([binary, *args], env=env)


@click.group(name="argo-kedro")
def commands() -> None:
    """argo-kedro: compile and run Kedro pipelines on Argo Workflows."""


@commands.command(
    name="argo",
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    add_help_option=False,
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def argo(args: tuple[str, ...]) -> None:
    """Compile, submit, watch and retry Argo Workflows (run `kedro argo --help`)."""
    sys.exit(forward(list(args)))
