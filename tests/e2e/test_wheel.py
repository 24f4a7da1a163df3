"""One wheel: `maturin build` makes a wheel with the Python package and the binary, and in a
fresh virtual environment with only Kedro and that wheel, `kedro argo init` then
`kedro argo compile` work on a Kedro project that is not in this repository.

Slow-ish (a venv with Kedro from the package registry); part of the normal test run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import yaml
from e2e_support import ROOT, tiny_project

ARGO_SCHEMA = ROOT / "crates" / "argo-model" / "schema" / "schema.json"


def clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARGO_KEDRO", "VIRTUAL_ENV"))}
    env["KEDRO_DISABLE_TELEMETRY"] = "1"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def check(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    out = subprocess.run(
        args, cwd=cwd, env=clean_env(), capture_output=True, text=True, timeout=900
    )
    assert out.returncode == 0, f"{args}: {out.stderr[-3000:]}"
    return out


def test_one_wheel_in_a_fresh_venv(tmp_path: Path) -> None:
    maturin = Path(sys.executable).with_name("maturin")
    dist = tmp_path / "dist"
    check([str(maturin), "build", "--profile", "dev", "--out", str(dist)], ROOT)
    (wheel,) = dist.glob("argo_kedro-*.whl")

    venv = tmp_path / "venv"
    check([sys.executable, "-m", "venv", str(venv)], tmp_path)
    pip = str(venv / "bin" / "pip")
    check([pip, "install", "-q", "kedro-datasets[pandas-csvdataset]", str(wheel)], tmp_path)
    assert (venv / "bin" / "argo-kedro").exists(), "the wheel did not install the binary"

    project = tiny_project(tmp_path / "outside")
    (project / "conf" / "base" / "argo.yml").unlink()
    kedro = str(venv / "bin" / "kedro")
    init = check([kedro, "argo", "init"], project)
    assert "argo.yml" in init.stderr
    assert (project / "Dockerfile").exists()

    # Outside the project: a manifest written into it is content the image tag follows.
    out = tmp_path / "wf.yaml"
    check([kedro, "argo", "compile", "-e", "base", "-o", str(out)], project)
    via_binary = check([str(venv / "bin" / "argo-kedro"), "compile", "-e", "base"], project)
    written = out.read_text()
    assert via_binary.stdout == written
    # The wheel's argo_kedro_cli.pth keeps Kedro's start-up log line off `kedro argo`'s stdout.
    via_kedro = check([kedro, "argo", "compile", "-e", "base"], project)
    assert via_kedro.stdout == written

    manifest = yaml.safe_load(written)
    assert manifest["kind"] == "Workflow"
    tasks = manifest["spec"]["templates"][0]["dag"]["tasks"]
    nodes = sorted(
        n
        for t in tasks
        for p in t["arguments"]["parameters"]
        if p["name"] == "kedro_nodes"
        for n in p["value"].split(",")
    )
    assert nodes == ["first", "report", "second", "total"]

    # An independent validator: Python's jsonschema on Argo's own schema.
    schema = json.loads(ARGO_SCHEMA.read_text())
    workflow_schema = {
        "$schema": schema["$schema"],
        "definitions": schema["definitions"],
        "$ref": "#/definitions/io.argoproj.workflow.v1alpha1.Workflow",
    }
    jsonschema.validate(manifest, workflow_schema)
