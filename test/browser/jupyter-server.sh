# Sourced by the browser tests (run_browser_test.sh, run_widget_test.sh): a private Jupyter Notebook
# server for one test run. Everything lives in a fresh temp folder: Jupyter's config, data (trust
# database) and runtime files, the synthlab kernelspec (installed into a private prefix) and the
# served root. The server listens on 127.0.0.1 on a random port with a random token and runs in its own
# process group; `cleanup` (an EXIT trap) stops it and any kernel it left behind.
# After `jupyter_setup`: $tmp, $repo. After `jupyter_start ROOT`: $port, $token, $major, $server_pid.

repo=$(pwd)
tmp=$(mktemp -d)
server_pid=""

cleanup() {
  # The server has its own process group (setsid); on TERM it shuts its kernels down itself.
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM -- "-$server_pid" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$server_pid" 2>/dev/null
  fi
  # Kernels run in their own sessions; the server stops them on TERM, this catches any it left behind.
  # Matched by this run's private runtime folder, so no one else's process is touched.
  for pid in $(pgrep -f -- "$tmp/jupyter-runtime/kernel-" 2>/dev/null); do kill -KILL -- "-$pid" "$pid" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT

fail_setup() {
  echo "browser test set-up failed: $1"
  echo "RESULT: 0 passed, 1 failed"
  exit 1
}

# Checks the tools, isolates Jupyter's files and installs the synthlab kernelspec privately.
jupyter_setup() {
  [ -x /usr/bin/chromium ] || fail_setup "/usr/bin/chromium is missing; install it with: apt-get install -y chromium (scripts/setup.sh does)"
  [ -x /usr/bin/jupyter ] || fail_setup "/usr/bin/jupyter is missing; install it with: apt-get install -y jupyter-notebook"
  [ -d node_modules/playwright-core ] || fail_setup "playwright-core is missing; run: npm ci"
  [ -f dist/cli/main.js ] || fail_setup "dist/ is not built; run: npx tsc -p tsconfig.build.json"
  export JUPYTER_CONFIG_DIR="$tmp/jupyter-config" JUPYTER_DATA_DIR="$tmp/jupyter-data" JUPYTER_RUNTIME_DIR="$tmp/jupyter-runtime"
  node bin/synthlab.js kernel install --prefix "$tmp/prefix" >/dev/null || fail_setup "synthlab kernel install --prefix failed"
  export JUPYTER_PATH="$tmp/prefix/share/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
}

# Starts the server on ROOT and waits until its REST API answers.
jupyter_start() { # ROOT
  port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  token=$(/usr/bin/python3 -c 'import secrets; print(secrets.token_hex(24))')
  major=$(/usr/bin/jupyter notebook --version 2>/dev/null | cut -d. -f1)
  local app rootflag rootopt=()
  if [ "${major:-0}" -ge 7 ]; then app=ServerApp; rootflag="--ServerApp.root_dir"; else app=NotebookApp; rootflag="--NotebookApp.notebook_dir"; fi
  [ "$(id -u)" -eq 0 ] && rootopt=(--allow-root)  # containers and CI often run as root
  # Started in ROOT: a kernel started without a notebook path (over the REST API) works there too.
  (cd "$1" && exec setsid /usr/bin/jupyter notebook "${rootopt[@]}" --no-browser --ip=127.0.0.1 --port="$port" --port-retries=0 \
    "--$app.token=$token" "$rootflag=$1" "--$app.open_browser=False" \
    >"$tmp/server.log" 2>&1 </dev/null) &
  server_pid=$!
  local ready=""
  for _ in $(seq 1 150); do
    kill -0 "$server_pid" 2>/dev/null || break
    if /usr/bin/python3 - "$port" "$token" <<'PY' 2>/dev/null; then ready=1; break; fi
import sys, urllib.request
urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/api/status?token={sys.argv[2]}", timeout=2).read()
PY
    sleep 0.2
  done
  if [ -z "$ready" ]; then
    sed "s/$token/<token>/g" "$tmp/server.log" | tail -20
    fail_setup "Jupyter Notebook server did not start on 127.0.0.1:$port"
  fi
  echo "jupyter notebook $(/usr/bin/jupyter notebook --version) serving on 127.0.0.1:$port"
}
