"""What a new user meets in the first ten minutes, end to end through the installed wheel:
the version pip sees, `init` and what follows it, errors said once, the Python beside the
binary, `export`'s default output, and `kedro argo compile > FILE`.

They need the repository installed in the running interpreter's environment
(`scripts/setup.sh` does it): the binary is looked up next to the interpreter.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import tomllib
import yaml
from e2e_support import EXAMPLES, ROOT, binary, run, tiny_project
from packaging.version import Version

# Kedro's starter logging (spaceflights-pandas' conf/logging.yml): rich and a console handler,
# both on stdout.
STARTER_LOGGING = """
version: 1
disable_existing_loggers: False
formatters:
  simple: {format: "%(asctime)s - %(name)s - %(levelname)s - %(message)s"}
handlers:
  console: {class: logging.StreamHandler, level: INFO, formatter: simple, stream: ext://sys.stdout}
  rich: {class: kedro.logging.RichHandler, rich_tracebacks: True}
loggers:
  kedro: {level: INFO}
  tiny: {level: INFO}
root:
  handlers: [rich, console]
"""

LOG_LINE = re.compile(r"\b(INFO|WARNING|DEBUG)\b|Using '|Warning:")


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def git(project: Path, *args: str) -> str:
    out = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout


def image_tag(manifest: str) -> str:
    """The tag of the image the workflow's Kedro templates run."""
    docs = yaml.safe_load(manifest)
    images = {t["container"]["image"] for t in docs["spec"]["templates"] if "container" in t}
    assert len(images) == 1, images
    return images.pop().rsplit(":", 1)[1]


def test_the_installed_package_replaces_argo_kedro_0_1_41() -> None:
    """pip sees the installed argo-kedro as newer than 0.1.41 (so `pip install -U argo-kedro`
    or a requirements.txt never brings 0.1.41 back), the binary says the same version, and the
    version lives in one place (the workspace; the internal crates' dependency versions follow)."""
    installed = version("argo-kedro")
    assert Version(installed) > Version("0.1.41")
    satisfied = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--no-index", "argo-kedro>0.1.41"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert satisfied.returncode == 0, satisfied.stderr
    assert "already satisfied" in satisfied.stdout
    out = run([binary(), "--version"], ROOT)
    assert out.stdout.strip() == f"argo-kedro {installed}"

    cargo = tomllib.loads((ROOT / "Cargo.toml").read_text())
    workspace = cargo["workspace"]["package"]["version"]
    assert workspace == installed
    internal = {
        name: dep
        for name, dep in cargo["workspace"]["dependencies"].items()
        if isinstance(dep, dict) and "path" in dep
    }
    assert len(internal) >= 5
    assert {name: dep["version"] for name, dep in internal.items()} == dict.fromkeys(
        internal, workspace
    )
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in pyproject["project"] and "version" in pyproject["project"]["dynamic"]


def test_init_gives_a_content_tag_ignored_runs_and_a_cloud_env(tmp_path: Path) -> None:
    """`init` on a project without config: no `latest` tag (the tag follows the content: the same
    for two compiles, new after an edit), `.argo-kedro/` ignored by git and docker, and `submit`
    (env `cloud`) works right after it."""
    project = tiny_project(tmp_path / "tiny")
    (project / "conf" / "base" / "argo.yml").unlink()
    (project / ".gitignore").write_text("data/\n")
    init = run([binary(), "init"], project)
    assert init.returncode == 0, init.stderr
    argo_yml = (project / "conf" / "base" / "argo.yml").read_text()
    assert not re.search(r"(?m)^\s*tag:\s*latest\s*$", argo_yml), argo_yml
    assert "env `cloud`" in init.stderr
    assert (project / "conf" / "cloud").is_dir()
    dockerignore = (project / ".dockerignore").read_text().splitlines()
    assert ".argo-kedro" in dockerignore
    assert (project / ".gitignore").read_text().startswith("data/\n")
    again = run([binary(), "init"], project)
    assert again.returncode == 0, again.stderr
    assert (project / ".gitignore").read_text().count(".argo-kedro/") == 1

    git(project, "init", "-q")
    git(project, "add", ".")
    git(project, "commit", "-qm", "init")
    (project / ".argo-kedro" / "runs").mkdir(parents=True)
    (project / ".argo-kedro" / "runs" / "log.txt").write_text("a local run\n")
    assert git(project, "check-ignore", ".argo-kedro/runs/log.txt").strip()
    assert git(project, "status", "--porcelain") == ""

    def compile_tag() -> str:
        out = run([binary(), "compile", "-e", "base", "-o", "wf.yaml"], project)
        assert out.returncode == 0, out.stderr
        return image_tag((project / "wf.yaml").read_text())

    first = compile_tag()
    assert re.fullmatch(r"g[0-9a-f]{12}", first), first
    assert compile_tag() == first  # the manifest written into the project is not content
    nodes = project / "src" / "tiny" / "nodes.py"
    nodes.write_text(nodes.read_text() + "\n# an edit\n")
    edited = compile_tag()
    assert edited != first and edited.startswith(first + "-d"), edited
    assert compile_tag() == edited

    submit = run([binary(), "submit", "--dry-run"], project)
    assert submit.returncode == 0, submit.stderr
    assert yaml.safe_load(submit.stdout)["spec"]["arguments"]["parameters"][1] == {
        "name": "environment",
        "value": "cloud",
    }


def assert_said_once(out: subprocess.CompletedProcess[str], needle: str) -> None:
    """At most 3 lines (error, cause, hint), the error once, no log lines or warnings."""
    assert out.returncode == 1, out.stderr
    said = lines(out.stderr)
    assert 1 <= len(said) <= 3, out.stderr
    assert said[0].startswith("error: "), out.stderr
    assert out.stderr.count(needle) == 1, out.stderr
    assert not any(LOG_LINE.search(line) for line in said), out.stderr
    assert "Traceback" not in out.stderr


def test_a_failing_command_says_its_error_once(tmp_path: Path) -> None:
    project = tiny_project(tmp_path / "tiny")
    (project / "conf" / "logging.yml").write_text(STARTER_LOGGING)
    out = run([binary(), "compile", "-e", "nosuchenv"], project)
    assert_said_once(out, "'nosuchenv' not found")
    assert lines(out.stderr)[-1].startswith("hint: ") and "--env" in out.stderr
    assert out.stdout == ""
    verbose = run([binary(), "compile", "-e", "nosuchenv", "-v"], project)
    assert verbose.returncode == 1
    assert "Using 'conf/logging.yml'" in verbose.stderr

    # A registry with find_pipelines(raise_errors=True) (Kedro's starters): the registered
    # pipelines are listed all the same.
    registry = project / "src" / "tiny" / "pipeline_registry.py"
    registry.write_text(registry.read_text().replace("find_pipelines()", "find_pipelines(True)"))
    assert "find_pipelines(True)" in registry.read_text()
    unknown = run([binary(), "plan", "-e", "base", "-p", "nope"], project)
    assert_said_once(unknown, "'nope' is not registered")
    assert "(registered: __default__, main)" in unknown.stderr
    assert "hint: pass one of these to --pipeline" in unknown.stderr
    ok = run([binary(), "plan", "-e", "base", "-p", "main"], project)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("pipeline `main` of `tiny` (env `base`): 3 tasks\n"), ok.stdout


def test_the_exporter_ends_in_at_most_three_lines(tmp_path: Path) -> None:
    project = tiny_project(tmp_path / "tiny")
    (project / "conf" / "logging.yml").write_text(STARTER_LOGGING)
    export = [sys.executable, "-m", "argo_kedro.export"]

    ok = run([*export, "--env", "base"], project)
    assert ok.returncode == 0, ok.stderr
    assert ok.stderr == ""  # no Kedro log line, no warning
    assert json.loads(ok.stdout)["format"] == "argo-kedro-ir"

    assert_said_once(run([*export, "--env", "nope"], project), "'nope' not found")
    assert_said_once(run([*export, "--env", "base"], tmp_path), "not inside a Kedro project")
    (project / "conf" / "base" / "argo.yml").write_text("namespace: [unclosed\n")
    assert_said_once(run([*export, "--env", "base"], project), "invalid argo.yml")
    verbose = run([*export, "--env", "base", "--verbose"], project)
    assert "Using 'conf/logging.yml'" in verbose.stderr


def test_kedro_argo_compile_to_stdout_is_only_the_manifest(tmp_path: Path) -> None:
    """Kedro logs its start-up line while it imports its CLI, to stdout with the starter's
    logging.yml; `kedro argo compile > wf.yaml` must still be exactly the manifest."""
    project = tiny_project(tmp_path / "tiny")
    (project / "conf" / "logging.yml").write_text(STARTER_LOGGING)
    kedro = str(Path(sys.executable).with_name("kedro"))
    direct = run([binary(), "compile", "-e", "base"], project)
    assert direct.returncode == 0, direct.stderr
    for extra in ({}, {"KEDRO_LOGGING_CONFIG": str(project / "conf" / "logging.yml")}):
        via_kedro = run([kedro, "argo", "compile", "-e", "base"], project, **extra)
        assert via_kedro.returncode == 0, via_kedro.stderr
        assert via_kedro.stdout == direct.stdout
        assert yaml.safe_load(via_kedro.stdout)["kind"] == "Workflow"
    # The binary gets the user's logging configuration back (its exporter shows it with -v).
    verbose = run(
        [kedro, "argo", "export", "-e", "base", "-v"],
        project,
        KEDRO_LOGGING_CONFIG=str(project / "conf" / "logging.yml"),
    )
    assert verbose.returncode == 0, verbose.stderr
    assert "Using '" in verbose.stderr and "logging.yml' as logging configuration" in (
        " ".join(verbose.stderr.split())
    )
    # Other kedro commands keep Kedro's own logging.
    info = run([kedro, "info"], project)
    assert info.returncode == 0
    assert "Using '" in " ".join(info.stdout.split())


def test_the_binary_by_its_full_path_uses_the_python_beside_it(tmp_path: Path) -> None:
    """No venv active, no ARGO_KEDRO_PYTHON, and a `python3` first on PATH that is not the
    project's: the binary still plans the project, with the Python installed beside it."""
    decoy = tmp_path / "bin"
    decoy.mkdir()
    (decoy / "python3").write_text("#!/bin/sh\necho 'not the python to use' >&2\nexit 3\n")
    (decoy / "python3").chmod(0o755)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ARGO_KEDRO", "VIRTUAL_ENV", "PYTHON"))
    }
    env.update(KEDRO_DISABLE_TELEMETRY="1", PATH=f"{decoy}:/usr/bin:/bin")
    project = EXAMPLES[0]
    out = subprocess.run(
        [binary(), "plan", "-e", "base"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("pipeline `__default__`")


def test_export_prints_the_ir_json_by_default(tmp_path: Path) -> None:
    project = EXAMPLES[0]
    out = run([binary(), "export", "-e", "base"], project)
    assert out.returncode == 0, out.stderr
    ir = json.loads(out.stdout)
    assert ir["format"] == "argo-kedro-ir" and ir["project"]["env"] == "base"
    summary = run([binary(), "export", "-e", "base", "--format", "text"], project)
    assert summary.returncode == 0, summary.stderr
    assert "pipeline data_processing:" in summary.stdout
    assert re.search(r"\b1 nodes\b|\b1 fused groups\b|\b1 datasets\b", summary.stdout) is None
    # An error of the default (JSON) output is still for people.
    bad = run([binary(), "export", "-e", "nope"], project)
    assert bad.returncode == 1 and bad.stderr.startswith("error: ")
