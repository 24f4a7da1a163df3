"""End-to-end tests of the installed `argo-kedro` binary and `kedro argo` (real Kedro).

They need the repository installed in the running interpreter's environment
(`scripts/setup.sh` does it): the binary is looked up next to the interpreter.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path

import pytest
from e2e_support import EXAMPLES, binary, run


def envs(project: Path) -> list[str]:
    return sorted(p.name for p in (project / "conf").iterdir() if p.is_dir() and p.name != "local")


@pytest.mark.parametrize("project", EXAMPLES, ids=lambda p: p.name)
def test_export_loads_every_example_in_every_env(project: Path) -> None:
    for env in envs(project):
        out = run([binary(), "export", "-e", env, "--format", "json"], project)
        assert out.returncode == 0, out.stderr
        ir = json.loads(out.stdout)
        assert ir["project"]["env"] == env
        names = {n["name"] for p in ir["pipelines"] for n in p["nodes"]}
        assert names, f"{project.name} ({env}) exported no nodes"


def test_binary_and_python_exporter_agree() -> None:
    project = EXAMPLES[0]
    via_binary = run([binary(), "export", "-e", "base", "--format", "json"], project)
    via_python = run([sys.executable, "-m", "argo_kedro.export", "--env", "base"], project)
    assert via_binary.returncode == 0 and via_python.returncode == 0, via_binary.stderr
    assert json.loads(via_binary.stdout) == json.loads(via_python.stdout)


def test_kedro_argo_forwards_arguments_and_exit_code() -> None:
    project = EXAMPLES[0]
    kedro = str(Path(sys.executable).with_name("kedro"))
    ok = run([kedro, "argo", "export", "-e", "base", "--format", "text"], project)
    assert ok.returncode == 0, ok.stderr
    assert "pipeline __default__" in ok.stdout
    bad = run([kedro, "argo", "export", "-e", "nope"], project)
    assert bad.returncode == 1
    assert "nope" in bad.stderr


def test_errors_are_one_clear_message(tmp_path: Path) -> None:
    project = EXAMPLES[0]
    missing_env = run([binary(), "export", "-e", "does-not-exist"], project)
    assert missing_env.returncode == 1
    assert "error:" in missing_env.stderr and "does-not-exist" in missing_env.stderr
    assert "Traceback" not in missing_env.stderr

    wrong_python = run([binary(), "--python", str(tmp_path / "nopython"), "export"], project)
    assert wrong_python.returncode == 1
    assert "nopython" in wrong_python.stderr and "hint:" in wrong_python.stderr

    not_a_project = run([binary(), "export"], tmp_path)
    assert not_a_project.returncode == 1
    assert "no Kedro project found" in not_a_project.stderr


def test_init_writes_files_and_keeps_them_without_force(tmp_path: Path) -> None:
    project = tmp_path / "copy"
    shutil.copytree(EXAMPLES[0], project, ignore=shutil.ignore_patterns("data", "logs"))
    (project / "conf" / "base" / "argo.yml").unlink()
    first = run([binary(), "init"], project)
    assert first.returncode == 0, first.stderr
    written = (project / "conf" / "base" / "argo.yml").read_text()
    assert "default_machine_type: default" in written
    assert (project / "Dockerfile").exists() and (project / ".dockerignore").exists()

    (project / "Dockerfile").write_text("# mine\n")
    second = run([binary(), "init"], project)
    assert second.returncode == 0
    assert "--force" in second.stderr
    assert (project / "Dockerfile").read_text() == "# mine\n"

    forced = run([binary(), "init", "--force", "--env", "cloud"], project)
    assert forced.returncode == 0
    assert (project / "Dockerfile").read_text() != "# mine\n"
    assert (project / "conf" / "cloud" / "argo.yml").exists()


def image_of(manifest: str) -> str:
    """The image of the workflow's Kedro templates (the one they share)."""
    wf = json.loads(manifest)
    images = {t["container"]["image"] for t in wf["spec"]["templates"] if "container" in t}
    assert len(images) == 1, images
    return images.pop()


def test_content_tag_is_computed_only_for_a_random_tag(tmp_path: Path) -> None:
    """`tag: ${ka.random:}` becomes a tag derived from the project's content (outside git: a
    digest of its files, `c<12 hex>`), stable across compiles and new when a file changes; a
    fixed tag is used as written, without running git or reading the project's files. A stub
    `git` on PATH records its calls and fails, as git does outside a repository."""
    project = tmp_path / "project"
    shutil.copytree(EXAMPLES[0], project, ignore=shutil.ignore_patterns("data", "logs"))
    stub = tmp_path / "bin"
    stub.mkdir()
    calls = tmp_path / "git-calls.txt"
    (stub / "git").write_text(f'#!/bin/sh\necho "$@" >> "{calls}"\nexit 128\n')
    (stub / "git").chmod(0o755)
    path = f"{stub}:{os.environ['PATH']}"

    def compile_image() -> str:
        out = run([binary(), "compile", "-e", "base", "--format", "json"], project, PATH=path)
        assert out.returncode == 0, out.stderr
        return image_of(out.stdout)

    assert compile_image() == "registry.example.com/spaceflights-mini:latest"
    assert not calls.exists(), calls.read_text()

    argo_yml = project / "conf" / "base" / "argo.yml"
    argo_yml.write_text(argo_yml.read_text().replace("tag: latest", "tag: ${ka.random:}"))
    first = compile_image()
    assert calls.read_text().startswith("rev-parse HEAD")
    image, tag = first.rsplit(":", 1)
    assert image == "registry.example.com/spaceflights-mini"
    assert re.fullmatch(r"c[0-9a-f]{12}", tag), tag
    assert compile_image() == first
    (project / "README.md").write_text("changed\n")
    assert compile_image() != first
