#!/usr/bin/env bash
# Browser test, as a teacher's first hour: copies notebook 01 into a folder OUTSIDE the repository (small
# parameters), serves that folder from a real Jupyter Notebook server (127.0.0.1, random port and token),
# and in Debian's Chromium, driven by playwright-core: checks that TypeScript is highlighted, runs every
# cell (Cell → Run All) on the installed synthlab kernel, saves, reopens, and checks that the code is
# still highlighted, the report is not a scrolled box, its charts render as images, no output is an
# error and the kernel is synthlab. Saves docs/screenshot.png. Last line: "RESULT: N passed, N failed".
# Needs: /usr/bin/jupyter (classic notebook 6.x, Debian's jupyter-notebook), /usr/bin/chromium,
# node_modules (playwright-core), dist/ built, SYNTHLAB_DATA_MIRROR for the real dataset (or the cache).
# The server's flags follow `jupyter notebook --version` (NotebookApp for 6, ServerApp for 7); the checker
# itself covers 6.x only and says so clearly on 7.
set -uo pipefail
cd "$(dirname "$0")/../.."
started=$(date +%s)
# shellcheck source=test/browser/jupyter-server.sh
. test/browser/jupyter-server.sh
jupyter_setup

# The teacher's course folder: outside the repository, no node_modules of its own.
mkdir -p "$tmp/root"
/usr/bin/python3 - notebooks/01-sales-prediction.ipynb "$tmp/root/01-sales-prediction.ipynb" <<'EOF' || fail_setup "copying notebook 01 with small parameters failed"
import sys, nbformat
nb = nbformat.read(sys.argv[1], as_version=4)
cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
small = cell.source.replace("let rows = 2000;", "let rows = 1000;").replace("let epochs = 30;", "let epochs = 10;")
assert small != cell.source and "rows = 1000" in small and "epochs = 10" in small, "parameters cell changed shape"
cell.source = small
nbformat.write(nb, sys.argv[2])
EOF
echo "notebook 01 (rows=1000, epochs=10) copied to a folder outside the repository"

jupyter_start "$tmp/root"

# The token reaches the checker only through the environment; the token is masked in what it prints.
check_notebook() { # NAME SCREENSHOT LOG [--run]
  JUPYTER_TEST_TOKEN="$token" node test/browser/browser-check.mjs \
    --url "http://127.0.0.1:$port" --notebook "$1" --ipynb "$tmp/root/$1" --notebook-major "${major:-6}" \
    --screenshot "$2" --profile "$(mktemp -d -p "$tmp" chromium-profile.XXXX)" "${@:4}" 2>&1 \
    | sed "s/$token/<token>/g" >"$3"
  return "${PIPESTATUS[0]}"
}

echo "running notebook 01 in the browser (Cell → Run All)"
check_notebook 01-sales-prediction.ipynb "$repo/docs/screenshot.png" "$tmp/check.log" --run
status=$?
grep -v '^RESULT:' "$tmp/check.log"
result=$(grep '^RESULT:' "$tmp/check.log" | tail -1)
passed=$(echo "$result" | sed -n 's/^RESULT: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
failed=$(echo "$result" | sed -n 's/^RESULT: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
if [ -z "$passed" ]; then passed=0; failed=1; fi
[ $status -ne 0 ] && [ "$failed" -eq 0 ] && failed=1

# Negative control: a copy with an error output, one report chart swapped for a 1x1 pixel and the report
# cell set to scroll must fail exactly the checks that look for those faults, so a checker that sees
# nothing cannot pass. (The browser saved and signed the run notebook; the copy is signed here.)
/usr/bin/python3 - "$tmp/root/01-sales-prediction.ipynb" "$tmp/root/broken.ipynb" <<'EOF'
import re, sys, nbformat
from nbformat.sign import NotebookNotary
nb = nbformat.read(sys.argv[1], as_version=4)
pixel = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
for cell in nb.cells:
    for out in cell.get("outputs", []):
        html = out.get("data", {}).get("text/html", "")
        if "synthlab-report" in html:
            out["data"]["text/html"] = re.sub(r'src="data:image/png;base64,[^"]*"', f'src="{pixel}"', html, count=1)
            cell.metadata["scrolled"] = True  # what Notebook 6 does to a tall output: a small scrolled box
code = [c for c in nb.cells if c.cell_type == "code"]
code[-1].outputs.append(nbformat.v4.new_output("error", ename="TypeError", evalue="planted failure",
                                               traceback=["TypeError: planted failure"]))
nbformat.write(nb, sys.argv[2])
NotebookNotary().sign(nb)
EOF
check_notebook broken.ipynb "$tmp/broken.png" "$tmp/broken.log"
broken_status=$?
want="FAIL - executed notebook file has no error outputs|FAIL - report charts are visible images|FAIL - no output shows an error|FAIL - report outputs are not scrolled boxes"
if [ $broken_status -eq 1 ] && [ "$(grep -cE "^($want)" "$tmp/broken.log")" -eq 4 ] \
   && grep -q '^ok - image/png chart outputs' "$tmp/broken.log"; then
  echo "ok - negative control: planted error output, 1x1 chart and scrolled report are caught"
  passed=$((passed + 1))
else
  echo "FAIL - negative control: planted faults were not all caught; checker said:"
  sed 's/^/    /' "$tmp/broken.log"
  failed=$((failed + 1))
fi

echo "browser test took $(( $(date +%s) - started )) s"
echo "RESULT: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
