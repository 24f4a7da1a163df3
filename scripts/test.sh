#!/usr/bin/env bash
# Runs every test: sets up the venv (Kedro from the registry) and installs this
# repository, checks the committed IR fixtures and generated code, then cargo fmt/clippy/test,
# the library checks (docs, packages, features, an embedding crate), ruff and pytest.
# Fails on the first failure.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
venv=${ARGO_KEDRO_VENV:-$root/.venv}
export KEDRO_DISABLE_TELEMETRY=1 DO_NOT_TRACK=1

step() { printf '\n==> %s\n' "$*" >&2; }

step "setup"
bash scripts/setup.sh
export PATH="$venv/bin:$PATH" VIRTUAL_ENV="$venv"

step "the committed IR fixtures equal a fresh export of every example project (real exporter)"
python scripts/export_ir.py --check

step "generated code is what the vendored Argo schema generates"
(cd crates/argo-model && python tools/gen_types.py --check)

step "cargo fmt"
cargo fmt --all --check
step "cargo clippy"
cargo clippy --workspace --all-targets --all-features --locked -- -D warnings
step "cargo test"
cargo test --workspace --all-features --locked
step "library crates: docs without warnings"
# The libraries choose no Kubernetes version (k8s-openapi's rule); building them alone needs the
# one the binary uses (crates/cli: k8s-openapi feature `latest`).
k8s_feature=$(cargo tree -p argo-kedro -e features -i k8s-openapi --locked |
  grep -o 'k8s-openapi feature "v1_[0-9]*"' | sort -u)
k8s_version=$(echo "$k8s_feature" | sed -E 's/.*"v1_([0-9]+)"/1.\1/')
[[ $k8s_version =~ ^1\.[0-9]+$ ]] || { echo "cannot tell the binary's Kubernetes version: $k8s_feature" >&2; exit 1; }
K8S_OPENAPI_ENABLED_VERSION=$k8s_version RUSTDOCFLAGS="-D warnings" \
  cargo doc --no-deps --workspace --all-features --locked
step "library crates: argo-model without default features (types, round trip, lint; no jsonschema)"
if K8S_OPENAPI_ENABLED_VERSION=$k8s_version cargo tree -p argo-model --no-default-features \
  -e normal --locked | grep -q jsonschema; then
  echo "argo-model without default features depends on jsonschema" >&2
  exit 1
fi
cargo clippy -p argo-model --no-default-features --all-targets --locked -- -D warnings
cargo test -p argo-model --no-default-features --locked
step "library crates: every crate packs and builds from its package"
# Cargo extracts the packed crates of its temporary registry once per registry path (under
# $CARGO_HOME/registry/src) and reuses that copy later, so a fixed path would verify a second
# commit against the first one's sources: one target dir per commit (the tree must be clean).
pkg_dir="$root/target/pkg-$(git rev-parse --short=12 HEAD 2>/dev/null || date +%s)"
find "$root/target" -maxdepth 1 -name 'pkg-*' ! -path "$pkg_dir" -exec rm -rf {} +
K8S_OPENAPI_ENABLED_VERSION=$k8s_version cargo package --workspace --locked --target-dir "$pkg_dir"
step "library crates: an embedder (examples/embed-fuse, outside the workspace)"
CARGO_TARGET_DIR="$root/target" cargo run --quiet --locked \
  --manifest-path examples/embed-fuse/Cargo.toml -- tests/fixtures/ir/spaceflights-mini-base.json \
  >"$root/target/embed-fuse.yaml"
argo-kedro lint "$root/target/embed-fuse.yaml"

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
