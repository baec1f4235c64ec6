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
# Pinned to one CPU (INKSTREAM_BENCH_CPU, default the last; "none" to let it float), as the
# decode benchmark is: this VM's CPUs differ in speed, so a run that migrates between them
# compares the 1 KB and 1 MB figures across CPUs, and the stall figure then also counts time
# spent sharing a CPU with Xvfb. docs/benchmarks.md reports floating runs beside pinned ones.
cpu=${INKSTREAM_BENCH_CPU:-$(($(nproc) - 1))}
pin=()
if [ "$cpu" != none ]; then
    pin=(taskset -c "$cpu")
    echo "pinned to CPU $cpu (INKSTREAM_BENCH_CPU)" >&2
fi
DISPLAY=$display XDG_CONFIG_HOME=$config QT_QPA_PLATFORM=xcb "${pin[@]}" \
    "$build/tests/bench/editor/bench_editor" "$bytes"
