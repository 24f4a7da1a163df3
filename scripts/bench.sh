#!/usr/bin/env bash
# Benchmarks argo-kedro (this repository) against argo-kedro 0.1.41 on generated Kedro projects
# and writes the results to docs/benchmarks.md (see that page). Not part of scripts/test.sh.
#
#   QUICK=1           sizes 100 and 1,000, 3 runs each, core benchmarks in criterion's --quick mode
#   SIZES=100,1000    project sizes (nodes)                      (default: 100,1000,5000)
#   RUNS=100:10,...   runs per size, SIZE:RUNS                   (default: 100:10,1000:5,5000:3)
#   CORE=0            skip the criterion benchmarks (`cargo bench -p argo-fuse`)
#   SETUP=0           reuse both venvs as they are (no pip, no cargo build)
#   NO_APT=1          never try `apt-get install hyperfine time`
#   BENCH_DIR=DIR     venvs, projects and raw results            (default: target/bench)
#
# What it does, on this one machine:
#   1. argo-kedro 0.1.41 from the package registry into its own venv ($BENCH_DIR/old-venv);
#      its `kedro argo submit --dry_run` needs neither docker nor a cluster (it skips the image
#      build and the Kubernetes call), so no stubs are put on PATH;
#   2. this repository, release build, into its own venv ($BENCH_DIR/new-venv, scripts/setup.sh);
#   3. for each size: a generated project (scripts/gen_project.py), then both tools on it, several
#      runs each (hyperfine when installed, else a built-in timer), peak RSS, manifest sizes;
#   4. the core benchmarks (criterion), then docs/benchmarks.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bench_dir=${BENCH_DIR:-$root/target/bench}
old_venv=$bench_dir/old-venv
new_venv=$bench_dir/new-venv
export KEDRO_DISABLE_TELEMETRY=1 DO_NOT_TRACK=1 PIP_DISABLE_PIP_VERSION_CHECK=1
python=${PYTHON:-python3}
mkdir -p "$bench_dir"
started=$(date +%s)
say() { printf '==> %s\n' "$*" >&2; }

if [ "${QUICK:-0}" = 1 ]; then
  sizes=${SIZES:-100,1000}
  runs=${RUNS:-100:3,1000:3}
else
  sizes=${SIZES:-100,1000,5000}
  runs=${RUNS:-100:10,1000:5,5000:3}
fi

# Timers: hyperfine and GNU time from Debian's packages, when we may install them.
if [ "${NO_APT:-0}" != 1 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  missing=()
  command -v hyperfine >/dev/null || missing+=(hyperfine)
  [ -x /usr/bin/time ] || missing+=(time)
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]} (apt-get)"
    { apt-get install -y -q "${missing[@]}" || { apt-get update -q && apt-get install -y -q "${missing[@]}"; }; } \
      >"$bench_dir/apt.log" 2>&1 || say "apt-get failed (see $bench_dir/apt.log); using the built-in timer"
  fi
fi

if [ "${SETUP:-1}" != 0 ]; then
  if ! "$old_venv/bin/python" -c "import importlib.metadata as m; assert m.version('argo-kedro') == '0.1.41'" 2>/dev/null; then
    say "installing argo-kedro 0.1.41 into $old_venv"
    rm -rf "$old_venv"
    "$python" -m venv "$old_venv"
    "$old_venv/bin/pip" install -q "argo-kedro==0.1.41"
  fi
  say "building this repository (release) into $new_venv"
  ARGO_KEDRO_VENV=$new_venv ARGO_KEDRO_BUILD=release bash scripts/setup.sh
fi
if ! "$new_venv/bin/argo-kedro" compile --help >/dev/null 2>&1; then
  echo "bench: $new_venv/bin/argo-kedro has no \`compile\` command yet" >&2
  exit 1
fi

if [ "${CORE:-1}" != 0 ]; then
  say "core benchmarks: cargo bench -p argo-fuse"
  quick_args=()
  [ "${QUICK:-0}" = 1 ] && quick_args=(--quick)
  cargo bench -p argo-fuse --bench compile --bench compile_system_alloc -- "${quick_args[@]}" 2>&1 \
    | tee "$bench_dir/criterion.txt" | grep -E '^compile|time:' >&2
fi

say "end to end: sizes $sizes"
quick_flag=()
[ "${QUICK:-0}" = 1 ] && quick_flag=(--quick)
"$new_venv/bin/python" scripts/bench.py --old-venv "$old_venv" --new-venv "$new_venv" \
  --sizes "$sizes" --runs "$runs" --workdir "$bench_dir" "${quick_flag[@]}"
say "done in $(( $(date +%s) - started )) s; results in docs/benchmarks.md"
