#!/usr/bin/env bash
# The demo: sets up .venv (Kedro from the registry + this repository), then, on the example
# project examples/spaceflights-mini, shows what argo-kedro reads from the project and runs it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv=${ARGO_KEDRO_VENV:-$root/.venv}
export KEDRO_DISABLE_TELEMETRY=1 DO_NOT_TRACK=1

bash "$root/scripts/setup.sh"
export PATH="$venv/bin:$PATH" VIRTUAL_ENV="$venv"
cd "$root/examples/spaceflights-mini"

echo "==> argo-kedro export -e base   (the pipelines, as argo-kedro sees them)" >&2
argo-kedro export -e base
echo "==> kedro run   (the same project, run by plain Kedro)" >&2
kedro run
echo "==> done: outputs are under $PWD/data" >&2
