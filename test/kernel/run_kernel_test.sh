#!/usr/bin/env bash
# Runs jupyter_kernel_test (Debian's python3-jupyter-kernel-test) and the jupyter_client widget
# protocol tests against the synthlab kernel.
# Installs the kernelspec into a throwaway prefix and fails if any test fails OR is skipped.
# Usage: bash test/kernel/run_kernel_test.sh   (after `npx tsc -p tsconfig.build.json`)
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f dist/cli/commands/kernel.js ] || { echo "dist/ missing: run npx tsc -p tsconfig.build.json first" >&2; exit 2; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
node bin/synthlab.js kernel install --prefix "$tmp" >/dev/null
export JUPYTER_PATH="$tmp/share/jupyter"
# History and runtime files of this run stay in the temp dir.
export JUPYTER_DATA_DIR="$tmp/data" JUPYTER_RUNTIME_DIR="$tmp/runtime"
export PYDEVD_DISABLE_FILE_VALIDATION=1

set +e
# Jupyter's conformance suite, then the comm/widget protocol tests (test_widgets_protocol.py).
(cd test/kernel && /usr/bin/python3 -Xfrozen_modules=off -m unittest -v test_jupyter_kernel test_widgets_protocol) >"$tmp/out.txt" 2>&1
status=$?
set -e
cat "$tmp/out.txt"
summary="$(tail -n 3 "$tmp/out.txt")"
if [ "$status" -ne 0 ]; then
  echo "run_kernel_test: jupyter_kernel_test FAILED" >&2
  exit "$status"
fi
if grep -qiE "skipped" <<<"$summary" || grep -qE " \.\.\. skipped" "$tmp/out.txt"; then
  echo "run_kernel_test: some tests were SKIPPED; every sample must be set" >&2
  exit 1
fi
ran="$(grep -oE "^Ran [0-9]+ tests?" "$tmp/out.txt" || true)"
echo "run_kernel_test: all passed, none skipped ($ran)"
