#!/usr/bin/env bash
# Start-up and footprint (issue 7): cold start to first painted window under Xvfb, and idle
# resident memory once the demo has completed; Qt Creator and Kate from Debian are measured in
# the same run when installed (their window appearing, and their idle memory).
#
#   tests/bench/startup/run.sh [BUILD_DIR] [RUNS]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
build=${1:-$root/build}
runs=${2:-5}
inkstream=$build/app/inkstream

display=:$((70 + RANDOM % 9))
Xvfb "$display" -screen 0 1440x900x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
work=$(mktemp -d)
trap 'kill $xvfb 2>/dev/null; wait $xvfb 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 50); do xdpyinfo -display "$display" >/dev/null 2>&1 && break; sleep 0.1; done
export DISPLAY=$display

now_ms() { date +%s%3N; }
rss_mib() { awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
# Milliseconds from now until a window named like $1 is mapped (polls the X tree).
wait_window_ms() {
    local start=$2 deadline=$(( $(now_ms) + 30000 ))
    while [ "$(now_ms)" -lt "$deadline" ]; do
        if xwininfo -root -tree 2>/dev/null | grep -qi "$1"; then echo $(( $(now_ms) - start )); return; fi
        sleep 0.005
    done
    echo "timeout"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

paint=() ; mapped=() ; idle=()
for run in $(seq "$runs"); do
    config=$work/config-$run
    mkdir -p "$config"
    start=$(now_ms)
    XDG_CONFIG_HOME=$config INKSTREAM_STARTUP_REPORT=1 QT_QPA_PLATFORM=xcb \
        "$inkstream" --demo --speed 20 2> "$work/ink-$run.err" &
    pid=$!
    mapped+=("$(wait_window_ms Inkstream "$start")")
    for _ in $(seq 600); do grep -q "inkstream-startup: complete" "$work/ink-$run.err" && break; sleep 0.1; done
    first=$(awk '/inkstream-startup: first-paint/ {print $3; exit}' "$work/ink-$run.err")
    paint+=("$((first - start))")
    sleep 2 # idle after the demo completed
    idle+=("$(rss_mib "$pid")")
    kill "$pid"; wait "$pid" 2>/dev/null || true
done

echo "| program | cold start to first paint (median of $runs) | window mapped (median) | idle RSS (median) |"
echo "|---|---|---|---|"
echo "| inkstream --demo | $(printf '%s\n' "${paint[@]}" | median) ms | $(printf '%s\n' "${mapped[@]}" | median) ms | $(printf '%s\n' "${idle[@]}" | median) MiB (after the demo completed) |"
echo "  runs: first paint ${paint[*]} ms; mapped ${mapped[*]} ms; idle ${idle[*]} MiB" >&2

for peer in qtcreator kate; do
    command -v "$peer" >/dev/null || { echo "| $peer | not installed | | |"; continue; }
    pmapped=() ; pidle=()
    for run in $(seq "$runs"); do
        home=$work/home-$peer-$run
        mkdir -p "$home"
        start=$(now_ms)
        case $peer in
        qtcreator) HOME=$home XDG_CONFIG_HOME=$home/.config qtcreator -noload Welcome >/dev/null 2>&1 & ;;
        kate) HOME=$home XDG_CONFIG_HOME=$home/.config kate -n >/dev/null 2>&1 & ;;
        esac
        pid=$!
        name=$([ "$peer" = qtcreator ] && echo "Qt Creator" || echo "Kate")
        pmapped+=("$(wait_window_ms "$name" "$start")")
        sleep 3
        pidle+=("$(rss_mib "$pid")")
        kill "$pid"; wait "$pid" 2>/dev/null || true
    done
    echo "| $peer | (no paint hook) | $(printf '%s\n' "${pmapped[@]}" | median) ms | $(printf '%s\n' "${pidle[@]}" | median) MiB (idle, empty) |"
    echo "  $peer runs: mapped ${pmapped[*]} ms; idle ${pidle[*]} MiB" >&2
done
