#!/usr/bin/env bash
# Executes notebooks with real Jupyter on the synthlab kernel, installed into a temporary prefix:
# first the smoke check (nbclient), then EVERY notebooks/*.ipynb twice — with `jupyter nbconvert
# --execute` on the installed kernel (default parameters) and with `synthlab run` (small
# parameters). Each execution is one check; a cell error fails it. Last line: "RESULT: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
prefix=$(mktemp -d)
work=$(mktemp -d)
trap 'rm -rf "$prefix" "$work"' EXIT
node bin/synthlab.js kernel install --prefix "$prefix" >/dev/null || { echo "kernel install failed"; echo "RESULT: 0 passed, 1 failed"; exit 1; }
export JUPYTER_PATH="$prefix/share/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
export SYNTHLAB_DATA_MIRROR="${SYNTHLAB_DATA_MIRROR:-$PWD/../shared/datasets}"
export SYNTHLAB_CACHE_DIR="$work/cache"
# Offline and deterministic: the LLM paths are covered against a local test server (test/secrets).
unset OPENAI_API_KEY OPENAI_BASE_URL

passed=0
failed=0
failures=()

# Its own RESULT line is shown renamed: test/run-all.mjs reads the FIRST "RESULT:" line, which must be ours.
/usr/bin/python3 test/notebooks/smoke_check.py >"$work/smoke.log" 2>&1
smoke_rc=$?
sed 's/^RESULT:/smoke check:/' "$work/smoke.log"
if m=$(grep -Eo 'RESULT: [0-9]+ passed, [0-9]+ failed' "$work/smoke.log" | tail -1) && [ -n "$m" ]; then
  p=$(sed -E 's/RESULT: ([0-9]+) passed.*/\1/' <<<"$m"); f=$(sed -E 's/.* ([0-9]+) failed/\1/' <<<"$m")
  passed=$((passed + p)); failed=$((failed + f))
  if [ "$smoke_rc" -ne 0 ] && [ "$f" -eq 0 ]; then failed=$((failed + 1)); failures+=("smoke check exit $smoke_rc"); fi
else
  failed=$((failed + 1)); failures+=("smoke check printed no RESULT line")
fi

# Small parameters for `synthlab run`, per notebook (unknown notebooks run with their defaults).
params_for() {
  case "$(basename "$1")" in
    01-*) echo "-p rows=500 -p epochs=5 -p llmRows=20" ;;
    02-*) echo "-p corpusRows=600 -p epochs=3 -p maxVocab=1500 -p llmRows=20" ;;
    03-*) echo "-p queries=100" ;;
    04-*) echo "-p rows=200 -p reviewRows=6" ;;
    05-*) echo "-p epochs=30" ;;
    06-*) echo "-p rows=20 -p messages=100" ;;
    *) echo "" ;;
  esac
}

check() { # name, command...
  local name=$1; shift
  local start=$SECONDS
  if "$@" >"$work/log" 2>&1; then
    echo "PASS $name ($((SECONDS - start)) s)"; passed=$((passed + 1))
  else
    echo "FAIL $name ($((SECONDS - start)) s)"; tail -25 "$work/log" | sed 's/^/    /'
    failed=$((failed + 1)); failures+=("$name")
  fi
}

# `synthlab kernel install` made a kernelspec that Jupyter itself lists.
check "jupyter kernelspec list shows synthlab" bash -c 'jupyter kernelspec list 2>/dev/null | grep -E "^ +synthlab +$0/share/jupyter/kernels/synthlab$"' "$prefix"

nbconvert_and_check() { # notebook, out-dir
  /usr/bin/jupyter nbconvert --to notebook --execute --ExecutePreprocessor.kernel_name=synthlab \
    --ExecutePreprocessor.timeout=600 --ExecutePreprocessor.startup_timeout=120 --output-dir "$2" "$1" &&
    /usr/bin/python3 test/notebooks/check_executed.py "$2/$(basename "$1")"
}

run_and_check() { # notebook, out-dir, params...
  local nb=$1 out=$2; shift 2
  # shellcheck disable=SC2068
  node bin/synthlab.js run "$nb" $@ --out "$out/$(basename "$nb")" --html "$out/$(basename "$nb" .ipynb).html" &&
    /usr/bin/python3 test/notebooks/check_executed.py "$out/$(basename "$nb")" &&
    test -s "$out/$(basename "$nb" .ipynb).html"
}

shopt -s nullglob
notebooks=(notebooks/*.ipynb)
if [ ${#notebooks[@]} -eq 0 ]; then failed=$((failed + 1)); failures+=("no notebooks in notebooks/"); fi
for nb in "${notebooks[@]}"; do
  mkdir -p "$work/nbconvert" "$work/run"
  check "nbconvert --execute $nb" nbconvert_and_check "$nb" "$work/nbconvert"
  # shellcheck disable=SC2046
  check "synthlab run $nb $(params_for "$nb")" run_and_check "$nb" "$work/run" $(params_for "$nb")
done

[ ${#failures[@]} -gt 0 ] && echo "FAILED: ${failures[*]}"
echo "RESULT: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
