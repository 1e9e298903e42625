#!/usr/bin/env bash
# The main job: notebook 01 executed headless with no LLM, written to out/ as a notebook and a
# self-contained HTML page. Extra arguments go to `synthlab run` (e.g. -p seed=11).
# Without internet the data set comes from a mirror directory: SYNTHLAB_DATA_MIRROR, or
# ../shared/datasets beside the checkout when that exists.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${SYNTHLAB_DATA_MIRROR:-}" ] && [ -d ../shared/datasets ]; then
  export SYNTHLAB_DATA_MIRROR="$(cd ../shared/datasets && pwd)"
fi
mkdir -p out
exec node bin/synthlab.js run notebooks/01-sales-prediction.ipynb \
  --out out/01-sales-prediction.ipynb --html out/01-sales-prediction.html "$@"
