#!/usr/bin/env bash
# A 500 MB recording (issue 21) under a private Xvfb:
#   tests/bench/replay/run.sh [BUILD_DIR] [MB] [SEEKS] [RUNS]
# Generates the recording once (kept in $INKSTREAM_BENCH_RECORDING, default /tmp), then measures
# in one run: the peers (reading the file once with `cat`, counting its lines with `wc -l`),
# `inkstream replay FILE` itself (process start to the first event painted, RUNS times), the
# bench window (first frame, index, SEEKS random seeks, RSS) and, for comparison, the previous
# way of opening a replay (reading the whole recording). The load average is printed before
# and after: other work on the machine shows in the figures.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
build=${1:-$root/build}
megabytes=${2:-500}
seeks=${3:-200}
runs=${4:-3}
bench=$build/tests/bench/replay/bench_replay
inkstream=$build/app/inkstream
recording=${INKSTREAM_BENCH_RECORDING:-/tmp/inkstream-bench-$megabytes.inkrec}

now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

if [ ! -s "$recording" ]; then
    "$bench" generate "$recording" "$megabytes" >&2
fi

display=:$((80 + RANDOM % 9))
Xvfb "$display" -screen 0 1440x900x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
work=$(mktemp -d)
trap 'kill $xvfb 2>/dev/null; wait $xvfb 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 50); do xdpyinfo -display "$display" >/dev/null 2>&1 && break; sleep 0.1; done
export DISPLAY=$display

echo "load before: $(uptime)"
cat "$recording" > /dev/null # the same warm page cache for every reader below
cat_ms=() ; wc_ms=()
for _ in $(seq "$runs"); do
    start=$(now_ms); cat "$recording" > /dev/null; cat_ms+=($(( $(now_ms) - start )))
    start=$(now_ms); wc -l "$recording" > /dev/null; wc_ms+=($(( $(now_ms) - start )))
done

first=()
for run in $(seq "$runs"); do
    config=$work/config-$run
    mkdir -p "$config"
    start=$(now_ms)
    XDG_CONFIG_HOME=$config INKSTREAM_STARTUP_REPORT=1 QT_QPA_PLATFORM=xcb \
        "$inkstream" replay "$recording" 2> "$work/replay-$run.err" &
    pid=$!
    for _ in $(seq 300); do grep -q "inkstream-startup: first-event" "$work/replay-$run.err" && break; sleep 0.05; done
    at=$(awk '/inkstream-startup: first-event/ {print $3; exit}' "$work/replay-$run.err")
    if [ -z "$at" ]; then
        echo "run $run: no first event painted within 15 s" >&2
        cat "$work/replay-$run.err" >&2
        exit 1
    fi
    first+=("$(( at - start ))")
    kill "$pid"; wait "$pid" 2>/dev/null || true
done
cat_median=$(printf '%s\n' "${cat_ms[@]}" | median)
wc_median=$(printf '%s\n' "${wc_ms[@]}" | median)
first_median=$(printf '%s\n' "${first[@]}" | median)

echo "| measure | value | target |"
echo "|---|---|---|"
echo "| peer: \`cat FILE > /dev/null\` (reading it once, warm cache; median of $runs) | $cat_median ms (${cat_ms[*]}) | |"
echo "| peer: \`wc -l FILE\` (finding its lines; median of $runs) | $wc_median ms (${wc_ms[*]}) | |"
echo "| \`inkstream replay FILE\`: process start to the first event painted (median of $runs) | $first_median ms (${first[*]}) | < 1000 ms |"
echo "| ratio first event painted / \`cat\` | $(awk -v a="$first_median" -v b="$cat_median" 'BEGIN {printf "%.2f", a / b}') | |"
XDG_CONFIG_HOME=$work/config-bench QT_QPA_PLATFORM=xcb "$bench" window "$recording" "$seeks" \
    | tee "$work/window.txt"
indexed=$(awk -F'|' '/index complete/ {print $3}' "$work/window.txt" | tr -dc '0-9.')
echo "| ratio index complete / \`wc -l\` | $(awk -v a="$indexed" -v b="$wc_median" 'BEGIN {printf "%.1f", a / b}') | |"
if [ "${INKSTREAM_BENCH_FULLREAD:-1}" = 1 ]; then
    "$bench" fullread "$recording"
fi
echo "load after: $(uptime)"
