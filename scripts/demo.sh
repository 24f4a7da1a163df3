#!/usr/bin/env bash
# The demo: sets up .venv (Kedro from the registry + this repository), then, on the example
# project examples/spaceflights-mini, compiles the pipeline into an Argo Workflow exactly as for
# a cluster and runs that workflow here with the embedded local executor (`run-local`).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv=${ARGO_KEDRO_VENV:-$root/.venv}
export KEDRO_DISABLE_TELEMETRY=1 DO_NOT_TRACK=1

bash "$root/scripts/setup.sh"
export PATH="$venv/bin:$PATH" VIRTUAL_ENV="$venv"
cd "$root/examples/spaceflights-mini"

echo "==> argo-kedro plan -e base   (one Argo task per node or fused group)" >&2
argo-kedro plan -e base
echo "==> argo-kedro compile -e base -o .argo-kedro/workflow.yaml   (the manifest, linted)" >&2
argo-kedro compile -e base -o .argo-kedro/workflow.yaml
argo-kedro lint .argo-kedro/workflow.yaml
echo "==> argo-kedro run-local -e base   (that workflow, run here as processes)" >&2
# The example's pods read a cluster secret; locally it comes from this variable.
API_TOKEN=${API_TOKEN:-demo-token} argo-kedro run-local -e base
echo "==> argo-kedro plan -e base --format mermaid   (paste into any Mermaid viewer)" >&2
argo-kedro plan -e base --format mermaid
echo "==> done: outputs under $PWD/data, task logs under $PWD/.argo-kedro/runs" >&2
