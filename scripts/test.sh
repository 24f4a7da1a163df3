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

# The package declares a Kedro range (pyproject.toml); the venv above has the newest Kedro. A
# second venv gets the lowest declared Kedro, the wheel, and what the examples need, and runs the
# tests of the range there (export, compile, run-local of projects with a fused group).
lowest=$(python - <<'PY'
import tomllib
from packaging.requirements import Requirement
deps = tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]
(kedro,) = [Requirement(d) for d in deps if Requirement(d).name == "kedro"]
print(next(s.version for s in kedro.specifier if s.operator == ">="))
PY
)
step "the lowest declared Kedro ($lowest): a second venv"
low_venv="$root/target/venv-kedro-lowest"
[ -x "$low_venv/bin/python" ] || python3 -m venv "$low_venv"
"$low_venv/bin/pip" install -q --disable-pip-version-check "kedro==$lowest" \
  "kedro-datasets[pandas-csvdataset,pandas-parquetdataset]>=9,<10" pandas pyarrow pytest pyyaml packaging
"$low_venv/bin/python" -c "import kedro, packaging.version as v; assert v.Version(kedro.__version__) == v.Version('$lowest'), kedro.__version__"
wheels="$root/target/wheels-e2e"
rm -rf "$wheels"
maturin build --quiet --profile "${ARGO_KEDRO_BUILD:-dev}" --out "$wheels"
"$low_venv/bin/pip" install -q --disable-pip-version-check --no-deps --force-reinstall "$wheels"/argo_kedro-*.whl
step "pytest with Kedro $lowest"
(unset VIRTUAL_ENV; PATH="$low_venv/bin:$PATH" "$low_venv/bin/python" -m pytest -q -p no:cacheprovider \
  tests/e2e/test_kedro_range.py)
step "all tests passed"
