#!/usr/bin/env python3
"""Side-by-side benchmark of argo-kedro 0.1.41 and this repository; run by scripts/bench.sh.

For each size N it generates a project (scripts/gen_project.py), then times, several runs each,
the old plugin's ``kedro argo submit --dry_run`` and our ``argo-kedro compile`` on it (hyperfine
when installed, else its own timer), records the peak RSS of each (``/usr/bin/time -v`` when
present, else ``getrusage`` of a wrapper's children), measures both manifests (bytes per task, as
YAML and as compact JSON), and writes docs/benchmarks.md (with the criterion results, when
target/criterion has them).

Only the standard library plus PyYAML (which Kedro brings) is used.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARGO_LIMIT = 1024 * 1024  # bytes: Argo's limit on a Workflow object (as JSON)
MARK_BEGIN = "<!-- bench.sh: results begin -->"
MARK_END = "<!-- bench.sh: results end -->"


def log(msg: str) -> None:
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def run_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(KEDRO_DISABLE_TELEMETRY="1", DO_NOT_TRACK="1", NO_COLOR="1", COLUMNS="120")
    env.pop("VIRTUAL_ENV", None)
    return env


class Tool:
    """One side of the comparison: how to run it on a project and where its manifest lands."""

    def __init__(self, key: str, label: str, argv: list[str], manifest: str) -> None:
        self.key, self.label, self.argv, self.manifest = key, label, argv, manifest


def tools(old_venv: Path, new_venv: Path) -> list[Tool]:
    return [
        Tool(
            "old",
            "argo-kedro 0.1.41 `kedro argo submit --dry_run`",
            [
                str(old_venv / "bin/kedro"),
                "argo",
                "submit",
                "-p",
                "__default__",
                "-e",
                "base",
                "--dry_run",
            ],
            "templates/argo-workflow-template.yml",
        ),
        Tool(
            "new",
            "argo-kedro (this repo) `argo-kedro compile`",
            [
                str(new_venv / "bin/argo-kedro"),
                "--python",
                str(new_venv / "bin/python"),
                "compile",
                "-p",
                "__default__",
                "-e",
                "base",
                "-o",
                "bench-manifest.yaml",
                "--format",
                "yaml",
            ],
            "bench-manifest.yaml",
        ),
    ]


def time_runs(
    tool: Tool, project: Path, runs: int, warmup: int, hyperfine: str | None, workdir: Path
) -> list[float]:
    """Wall-clock seconds of ``runs`` runs (after ``warmup`` unmeasured ones)."""
    if hyperfine:
        out = workdir / f"hyperfine-{tool.key}-{project.name}.json"
        cmd = [
            hyperfine,
            "--style",
            "basic",
            "-N",
            "--runs",
            str(runs),
            "--warmup",
            str(warmup),
            "--export-json",
            str(out),
            subprocess.list2cmdline(tool.argv),
        ]
        proc = subprocess.run(cmd, cwd=project, env=run_env(), capture_output=True, text=True)
        if proc.returncode == 0:
            return list(json.loads(out.read_text())["results"][0]["times"])
        log(f"hyperfine failed ({proc.stderr.strip()[-300:]}); using the built-in timer")
    times = []
    for i in range(warmup + runs):
        start = time.perf_counter()
        proc = subprocess.run(
            tool.argv,
            cwd=project,
            env=run_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        elapsed = time.perf_counter() - start
        if proc.returncode != 0:
            raise SystemExit(f"{tool.label} failed on {project}:\n{proc.stderr[-2000:]}")
        if i >= warmup:
            times.append(elapsed)
    return times


def peak_rss_mib(tool: Tool, project: Path) -> tuple[float, str]:
    """Peak resident set size of one run (the largest process of the run's process tree that
    ``wait4`` reports: for ours, the exporter's Python process), in MiB."""
    gnu_time = Path("/usr/bin/time")
    if gnu_time.exists():
        with tempfile.NamedTemporaryFile("r", suffix=".txt") as report:
            proc = subprocess.run(
                [str(gnu_time), "-v", "-o", report.name, *tool.argv],
                cwd=project,
                env=run_env(),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            if proc.returncode != 0:
                raise SystemExit(f"{tool.label} failed on {project}:\n{proc.stderr[-2000:]}")
            match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", report.read())
            if match:
                return int(match.group(1)) / 1024, "/usr/bin/time -v"
    code = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
        "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, *tool.argv],
        cwd=project,
        env=run_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    return int(proc.stdout.strip()) / 1024, "getrusage(RUSAGE_CHILDREN)"


def manifest_facts(path: Path) -> dict[str, float]:
    import yaml

    text = path.read_text()
    doc = yaml.safe_load(text)
    spec = doc["spec"]
    entry = spec.get("entrypoint")
    tasks = 0
    for template in spec.get("templates", []):
        if template.get("name") == entry and "dag" in template:
            tasks = len(template["dag"].get("tasks") or [])
    compact = json.dumps(doc, separators=(",", ":"), ensure_ascii=False)
    return {
        "tasks": tasks,
        "yaml_bytes": len(text.encode()),
        "json_bytes": len(compact.encode()),
    }


def fit(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Least-squares line ``y = a + b x`` through ``points`` (exact for two)."""
    if len(points) == 1:
        x, y = points[0]
        return 0.0, y / x
    mx = statistics.fmean(p[0] for p in points)
    my = statistics.fmean(p[1] for p in points)
    b = sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x, _ in points)
    return my - b * mx, b


def cmd_version(argv: list[str]) -> str:
    try:
        out = subprocess.run(argv, capture_output=True, text=True, env=run_env(), timeout=120)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        return "unknown"


def git_state() -> str:
    """The commit measured, `-dirty` when tracked files other than this page differ from it."""
    rev = cmd_version(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    try:
        status = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=120,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return rev
    changed = [line[3:] for line in status.splitlines() if line[3:] != "docs/benchmarks.md"]
    return rev + ("-dirty" if changed else "")


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "memory": mem,
        "os": f"{platform.system()} {platform.release()}",
        "load": load,
    }


def criterion_results() -> list[tuple[str, int, float]]:
    """(benchmark, nodes, median seconds) from target/criterion (the last `cargo bench`).

    The steps of the group `compile` (mimalloc, the binary's allocator), then the whole compile
    of the group `compile_system_alloc` (the C library's allocator) as `ir_to_yaml (C malloc)`.
    """
    results = []
    for group, suffix in (("compile", ""), ("compile_system_alloc", " (C malloc)")):
        base = ROOT / "target" / "criterion" / group
        if not base.is_dir():
            continue
        for est in sorted(base.glob("*/*/new/estimates.json")):
            name, size = est.parts[-4], est.parts[-3]
            if not size.isdigit():
                continue
            median = json.loads(est.read_text())["median"]["point_estimate"] / 1e9
            results.append((name + suffix, int(size), median))
    return results


def fmt_s(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds >= 1 else f"{seconds * 1000:.0f} ms"


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f}" if seconds < 0.1 else f"{seconds * 1000:.0f}"


def render(results: list[dict], info: dict, core: list[tuple[str, int, float]]) -> str:
    lines = [
        MARK_BEGIN,
        "",
        f"Measured {info['date']} by `scripts/bench.sh`{' (QUICK=1)' if info['quick'] else ''}.",
        "",
    ]
    m = info["machine"]
    lines += [
        f"- Machine: {m['nproc']} CPUs ({m['cpu']}), {m['memory']} memory, {m['os']}; "
        f"load average at the start: {m['load']}.",
        f"- Old: argo-kedro {info['old_version']}, {info['old_kedro']} (venv "
        f"`target/bench/old-venv`).",
        f"- New: {info['new_version']} (release build, git {info['git']}), {info['new_kedro']} "
        f"(venv `target/bench/new-venv`); {info['rustc']}.",
        f"- Python {platform.python_version()}; timer: {info['timer']}; peak RSS: "
        f"{info['rss_method']}.",
        "",
        "### End to end: same generated project, `__default__` pipeline, env `base`",
        "",
        "| nodes | tasks | tool | runs | median | min | max | peak RSS | new/old (median) |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        old, new = r["old"], r["new"]
        ratio = statistics.median(new["times"]) / statistics.median(old["times"])
        for key, t in (("old", old), ("new", new)):
            times = t["times"]
            lines.append(
                f"| {r['nodes']:,} | {t['manifest']['tasks']:,} | {key} | {len(times)} | "
                f"{fmt_s(statistics.median(times))} | {fmt_s(min(times))} | "
                f"{fmt_s(max(times))} | {t['rss_mib']:.0f} MiB | "
                f"{f'**{ratio:.2f}**' if key == 'new' else ''} |"
            )
    lines += [
        "",
        "### Manifest size",
        "",
        "Bytes of the Workflow each tool writes (YAML, as written) and of the same object as "
        "compact JSON (what Argo's 1 MiB limit is checked against), per DAG task.",
        "",
        "| nodes | tasks | old YAML | new YAML | new/old (YAML) | old JSON | new JSON | "
        "old B/task (JSON) | new B/task (JSON) | new/old (JSON) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        o, n = r["old"]["manifest"], r["new"]["manifest"]
        lines.append(
            f"| {r['nodes']:,} | {n['tasks']:,} | {o['yaml_bytes']:,} | {n['yaml_bytes']:,} | "
            f"**{n['yaml_bytes'] / o['yaml_bytes']:.2f}** | "
            f"{o['json_bytes']:,} | {n['json_bytes']:,} | {o['json_bytes'] / o['tasks']:.0f} | "
            f"{n['json_bytes'] / n['tasks']:.0f} | **{n['json_bytes'] / o['json_bytes']:.2f}** |"
        )
    lines += [
        "",
        "Largest pipeline under Argo's 1 MiB (1,048,576 bytes as compact JSON), "
        f"{info['limit_method']}:",
        "",
    ]
    for key, label in (("old", "argo-kedro 0.1.41"), ("new", "argo-kedro (this repo)")):
        lim = info["limits"][key]
        lines.append(
            f"- {label}: {lim['fixed']:,.0f} B + {lim['per_task']:.0f} B/task → at most "
            f"**{lim['max_tasks']:,} tasks** (≈ {lim['max_nodes']:,} nodes of these projects, "
            f"{info['nodes_per_task']:.3f} nodes per task)."
        )
    if core:
        sizes = sorted({s for _, s, _ in core})
        names = [
            "ir_load",
            "plan",
            "lower",
            "serialise_yaml",
            "serialise_json",
            "ir_to_yaml",
            "ir_to_yaml (C malloc)",
        ]
        names = [n for n in names if any(c[0] == n for c in core)]
        lines += [
            "",
            "### Core (criterion, `cargo bench -p argo-fuse`), median, ms",
            "",
            "With mimalloc, the allocator of the `argo-kedro` binary; the last row is the whole",
            "compile with the C library's allocator (`--bench compile_system_alloc`).",
            "",
            "| step | " + " | ".join(f"{s:,} nodes" for s in sizes) + " |",
            "|---|" + "---:|" * len(sizes),
        ]
        table = {(n, s): t for n, s, t in core}
        for n in names:
            cells = [fmt_ms(table[(n, s)]) if (n, s) in table else "-" for s in sizes]
            lines.append(f"| {n} | " + " | ".join(cells) + " |")
    lines += ["", MARK_END]
    return "\n".join(lines)


def write_doc(doc: Path, block: str) -> None:
    text = doc.read_text() if doc.exists() else ""
    if MARK_BEGIN in text and MARK_END in text:
        head, _, rest = text.partition(MARK_BEGIN)
        _, _, tail = rest.partition(MARK_END)
        text = head + block + tail
    else:
        text = (text.rstrip() + "\n\n## Results\n\n" if text else "# Benchmarks\n\n") + block + "\n"
    doc.write_text(text)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--old-venv", type=Path, required=True)
    ap.add_argument("--new-venv", type=Path, required=True)
    ap.add_argument("--sizes", default="100,1000,5000")
    ap.add_argument(
        "--runs",
        default="100:10,1000:5,5000:3",
        help="runs per size, SIZE:RUNS,...; other sizes get the last value",
    )
    ap.add_argument("--workdir", type=Path, default=ROOT / "target" / "bench")
    ap.add_argument("--doc", type=Path, default=ROOT / "docs" / "benchmarks.md")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--no-hyperfine", action="store_true")
    ap.add_argument(
        "--render-only",
        action="store_true",
        help="rewrite the doc from WORKDIR/results.json and target/criterion, measuring nothing",
    )
    args = ap.parse_args()
    git = git_state()  # before anything is built or written
    if args.render_only:
        saved = json.loads((args.workdir / "results.json").read_text())
        write_doc(args.doc, render(saved["results"], saved["info"], criterion_results()))
        log(f"rewrote {args.doc}")
        return 0

    sizes = [int(s) for s in args.sizes.split(",") if s]
    runs_for = {}
    for item in args.runs.split(","):
        size, _, runs = item.partition(":")
        runs_for[int(size)] = int(runs)
    default_runs = list(runs_for.values())[-1]
    hyperfine = None if args.no_hyperfine else shutil.which("hyperfine")
    workdir = args.workdir
    (workdir / "projects").mkdir(parents=True, exist_ok=True)
    the_tools = tools(args.old_venv, args.new_venv)
    info: dict = {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "quick": args.quick,
        "machine": machine(),
        "timer": f"hyperfine ({cmd_version([hyperfine, '--version'])}), 1 warm-up run"
        if hyperfine
        else "built-in (time.perf_counter around subprocess.run), 1 warm-up run",
    }
    results = []
    for n in sizes:
        project = workdir / "projects" / f"n{n}"
        gen = subprocess.run(
            [
                sys.executable,
                str(ROOT / "scripts/gen_project.py"),
                "-n",
                str(n),
                "-o",
                str(project),
                "--force",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        shape = json.loads(gen.stdout)
        log(f"N={n}: generated {project} ({shape})")
        row: dict = {"nodes": n, "shape": shape}
        runs = runs_for.get(n, default_runs)
        for tool in the_tools:
            log(f"N={n}: {tool.key}: {runs} runs + 1 warm-up")
            times = time_runs(tool, project, runs, 1, hyperfine, workdir)
            rss, rss_method = peak_rss_mib(tool, project)
            info["rss_method"] = rss_method
            facts = manifest_facts(project / tool.manifest)
            row[tool.key] = {"times": times, "rss_mib": rss, "manifest": facts}
            log(
                f"N={n}: {tool.key}: median {statistics.median(times):.3f}s "
                f"(min {min(times):.3f}, max {max(times):.3f}), RSS {rss:.0f} MiB, {facts}"
            )
        results.append(row)

    # 1 MiB: a line through (tasks, JSON bytes) of the measured sizes.
    info["limits"] = {}
    measured_tasks = [r["new"]["manifest"]["tasks"] for r in results]
    nodes_per_task = sum(r["nodes"] for r in results) / sum(measured_tasks)
    info["nodes_per_task"] = nodes_per_task
    for key in ("old", "new"):
        pts = [(r[key]["manifest"]["tasks"], r[key]["manifest"]["json_bytes"]) for r in results]
        fixed, per_task = fit(pts)
        max_tasks = int((ARGO_LIMIT - fixed) // per_task)
        info["limits"][key] = {
            "fixed": fixed,
            "per_task": per_task,
            "max_tasks": max_tasks,
            "max_nodes": int(max_tasks * nodes_per_task),
        }
    under = {
        key: [r["nodes"] for r in results if r[key]["manifest"]["json_bytes"] < ARGO_LIMIT]
        for key in ("old", "new")
    }
    info["limit_method"] = (
        "extrapolated by a least-squares line through the measured sizes (bytes are linear in "
        "tasks: every task has the same shape); measured directly under the limit: old "
        f"N ∈ {under['old'] or 'none'}, new N ∈ {under['new'] or 'none'}"
    )
    old_py = args.old_venv / "bin/python"
    new_py = args.new_venv / "bin/python"
    info["old_version"] = cmd_version(
        [str(old_py), "-c", "import importlib.metadata as m; print(m.version('argo-kedro'))"]
    )
    info["old_kedro"] = "Kedro " + cmd_version(
        [str(old_py), "-c", "import kedro; print(kedro.__version__)"]
    )
    info["new_kedro"] = "Kedro " + cmd_version(
        [str(new_py), "-c", "import kedro; print(kedro.__version__)"]
    )
    info["new_version"] = cmd_version([str(args.new_venv / "bin/argo-kedro"), "--version"])
    info["rustc"] = cmd_version(["rustc", "--version"])
    info["git"] = git
    (workdir / "results.json").write_text(json.dumps({"info": info, "results": results}, indent=2))
    write_doc(args.doc, render(results, info, criterion_results()))
    log(f"wrote {args.doc} and {workdir / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
