#!/usr/bin/env bash
# One-time set-up on a fresh machine: Debian's Jupyter (for the kernel tests and notebooks),
# Python's scientific stack (reference values and peer benchmarks), fonts for chart PNGs,
# then the npm packages (npm ci also compiles TypeScript to dist/ through `prepare`).
set -euo pipefail
cd "$(dirname "$0")/.."
APT_PACKAGES=(jupyter-notebook jupyter-nbconvert jupyter-client python3-nbclient python3-jupyter-kernel-test
  python3-scipy python3-sklearn python3-pandas fonts-dejavu-core chromium)
missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
else
  npm run build --silent
fi
