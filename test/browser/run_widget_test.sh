#!/usr/bin/env bash
# Widget browser test: ipywidgets' own frontend (@jupyter-widgets/html-manager + controls, bundled at
# test time with esbuild into a temp folder) in Debian's Chromium, connected live through
# @jupyterlab/services to a synthlab kernel started by a real Jupyter Notebook server (127.0.0.1,
# random port and token). The checker moves a slider, clicks a button, types in a text box and
# accepts, rejects and edits rows in a review, and checks after each action that the kernel saw it.
# Last line: "RESULT: N passed, N failed". Needs what run_browser_test.sh needs, plus node_modules'
# esbuild and the @jupyter-widgets / @jupyterlab/services devDependencies.
set -uo pipefail
cd "$(dirname "$0")/../.."
started=$(date +%s)
# shellcheck source=test/browser/jupyter-server.sh
. test/browser/jupyter-server.sh
jupyter_setup
[ -x node_modules/.bin/esbuild ] || fail_setup "esbuild is missing from node_modules; run: npm ci"
[ -d node_modules/@jupyter-widgets/html-manager ] || fail_setup "@jupyter-widgets/html-manager is missing; run: npm ci"

# The kernel's working folder: reviews write their decisions under it (.synthlab/review/).
mkdir -p "$tmp/root"
jupyter_start "$tmp/root"

# The token reaches the checker only through the environment; it is masked in what it prints.
JUPYTER_TEST_TOKEN="$token" node test/browser/widget-check.mjs --url "http://127.0.0.1:$port" \
  --root "$tmp/root" --build "$tmp/bundle" --profile "$(mktemp -d -p "$tmp" chromium-profile.XXXX)" 2>&1 \
  | sed "s/$token/<token>/g" >"$tmp/check.log"
status=${PIPESTATUS[0]}
grep -v '^RESULT:' "$tmp/check.log"
result=$(grep '^RESULT:' "$tmp/check.log" | tail -1)
passed=$(echo "$result" | sed -n 's/^RESULT: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
failed=$(echo "$result" | sed -n 's/^RESULT: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
if [ -z "$passed" ]; then passed=0; failed=1; fi
[ "$status" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1
echo "widget browser test took $(( $(date +%s) - started )) s"
echo "RESULT: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
