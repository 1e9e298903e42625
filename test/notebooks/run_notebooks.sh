#!/usr/bin/env bash
# Executes notebooks with real Jupyter on the synthlab kernel, installed into a temporary prefix.
set -uo pipefail
cd "$(dirname "$0")/../.."
prefix=$(mktemp -d)
node bin/synthlab.js kernel install --prefix "$prefix" >/dev/null || { echo "kernel install failed"; echo "RESULT: 0 passed, 1 failed"; exit 1; }
export JUPYTER_PATH="$prefix/share/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
/usr/bin/python3 test/notebooks/smoke_check.py
