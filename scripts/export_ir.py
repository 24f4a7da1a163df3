"""Export the IR of every example project and env into tests/fixtures/ir, or check it.

The Rust tests compile these committed files (insta snapshots of the example manifests, the IR
schema check of kedro-graph), so they run in a plain `cargo test`. This script keeps them honest:

    python scripts/export_ir.py            # (re)write tests/fixtures/ir/<project>-<env>.json
    python scripts/export_ir.py --check    # exit 1 when a fresh export differs from the fixture

It runs the real exporter (`python -m argo_kedro.export`) with this interpreter, which needs Kedro
and argo_kedro installed (`scripts/setup.sh`). The env `local` is skipped (Kedro's
per-machine env). `project.kedro_version` is not compared: it is the Kedro that ran the export,
not a fact of the project, and a newer Kedro from the registry must not fail the check.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "ir"
VOLATILE = ("kedro_version",)


def exports() -> list[tuple[Path, str]]:
    """(project dir, env) for every example project and env but `local`."""
    out = []
    for project in sorted((ROOT / "examples").iterdir()):
        if not (project / "pyproject.toml").is_file() or not (project / "conf").is_dir():
            continue
        for env in sorted(p.name for p in (project / "conf").iterdir() if p.is_dir()):
            if env != "local":
                out.append((project, env))
    return out


def export(project: Path, env: str) -> str:
    env_vars = {**os.environ, "KEDRO_DISABLE_TELEMETRY": "1", "DO_NOT_TRACK": "1"}
    env_vars.pop("ARGO_KEDRO_MEMORY_DATASETS", None)
    done = subprocess.run(
        [sys.executable, "-m", "argo_kedro.export", "--env", env, "--indent", "2"],
        cwd=project,
        env=env_vars,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"export_ir: exporting {project.name} ({env}) failed:\n{done.stderr}")
    return done.stdout


def comparable(text: str) -> Any:
    value = json.loads(text)
    for key in VOLATILE:
        value.get("project", {}).pop(key, None)
    return value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    check = parser.parse_args().check
    FIXTURES.mkdir(parents=True, exist_ok=True)
    expected = set()
    stale = []
    for project, env in exports():
        path = FIXTURES / f"{project.name}-{env}.json"
        expected.add(path.name)
        text = export(project, env)
        if check:
            if not path.is_file() or comparable(path.read_text()) != comparable(text):
                stale.append(path)
        else:
            path.write_text(text if text.endswith("\n") else text + "\n")
            print(f"export_ir: wrote {path.relative_to(ROOT)}", file=sys.stderr)
    extra = sorted(p for p in FIXTURES.glob("*.json") if p.name not in expected)
    if check:
        for path in [*stale, *extra]:
            print(
                f"export_ir: {path.relative_to(ROOT)} is not what the exporter writes today; "
                "run `python scripts/export_ir.py` and review the snapshot changes",
                file=sys.stderr,
            )
        if stale or extra:
            return 1
        print(f"export_ir: {len(expected)} IR fixtures match a fresh export", file=sys.stderr)
    else:
        for path in extra:
            path.unlink()
            print(f"export_ir: removed {path.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
