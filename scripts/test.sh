#!/usr/bin/env bash
# Runs every test: sets up the venv (Kedro from the registry) and installs this
# repository, exports the IR of every example project, then cargo fmt/clippy/test,
# ruff and pytest. Fails on the first failure.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
venv=${ARGO_KEDRO_VENV:-$root/.venv}
export KEDRO_DISABLE_TELEMETRY=1 DO_NOT_TRACK=1

step() { printf '\n==> %s\n' "$*" >&2; }

step "setup"
bash scripts/setup.sh
export PATH="$venv/bin:$PATH" VIRTUAL_ENV="$venv"

step "export the IR of every example project (the real exporter's output)"
ir_dir="$root/target/ir"
rm -rf "$ir_dir" && mkdir -p "$ir_dir"
for project in examples/*/; do
  name=$(basename "$project")
  for env_dir in "$project"conf/*/; do
    env=$(basename "$env_dir")
    [ "$env" = local ] && continue
    (cd "$project" && python -m argo_kedro.export --env "$env") >"$ir_dir/$name-$env.json"
    echo "exported $name ($env): $(wc -c <"$ir_dir/$name-$env.json") bytes" >&2
  done
done
export ARGO_KEDRO_IR_DIR="$ir_dir"

step "cargo fmt"
cargo fmt --all --check
step "cargo clippy"
cargo clippy --workspace --all-targets --all-features --locked -- -D warnings
step "cargo test"
cargo test --workspace --all-features --locked
step "ruff"
ruff check python tests examples scripts
ruff format --check python tests examples scripts
step "pytest"
pytest -q tests
step "all tests passed"
