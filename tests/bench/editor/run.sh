#!/usr/bin/env bash
# The editor benchmark under a private Xvfb: tests/bench/editor/run.sh [BUILD_DIR] [BYTES]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
build=${1:-$root/build}
bytes=${2:-1048576}
display=:$((90 + RANDOM % 9))
Xvfb "$display" -screen 0 1440x900x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null; wait $xvfb 2>/dev/null || true' EXIT
for _ in $(seq 50); do xdpyinfo -display "$display" >/dev/null 2>&1 && break; sleep 0.1; done
config=$(mktemp -d)
trap 'kill $xvfb 2>/dev/null; wait $xvfb 2>/dev/null || true; rm -rf "$config"' EXIT
DISPLAY=$display XDG_CONFIG_HOME=$config QT_QPA_PLATFORM=xcb "$build/tests/bench/editor/bench_editor" "$bytes"
