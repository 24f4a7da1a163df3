#!/usr/bin/env bash
# Creates (or refreshes) the project's virtual environment in .venv with Kedro from
# the package registry and the test tools, then installs this repository into it
# (maturin builds the argo-kedro binary into the same wheel).
#
#   ARGO_KEDRO_VENV   where the venv lives            (default: .venv)
#   ARGO_KEDRO_BUILD  cargo profile of the binary      (default: dev; "release" for a fast binary)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv=${ARGO_KEDRO_VENV:-$root/.venv}
profile=${ARGO_KEDRO_BUILD:-dev}
export KEDRO_DISABLE_TELEMETRY=1 DO_NOT_TRACK=1 PIP_DISABLE_PIP_VERSION_CHECK=1

python=${PYTHON:-python3}
if [ ! -x "$venv/bin/python" ]; then
  echo "setup: creating $venv" >&2
  "$python" -m venv "$venv"
fi
echo "setup: installing test requirements into $venv" >&2
"$venv/bin/pip" install -q -r "$root/requirements-dev.txt"
echo "setup: building and installing argo-kedro (cargo profile: $profile)" >&2
# No build isolation: maturin is already in the venv, and the cargo target/ is shared with `cargo test`.
PATH="$venv/bin:$PATH" MATURIN_PEP517_ARGS="--profile $profile" \
  "$venv/bin/pip" install -q --no-build-isolation --no-deps --force-reinstall "$root"
echo "setup: done; activate with: source $venv/bin/activate" >&2
