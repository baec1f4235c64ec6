#!/usr/bin/env bash
# The window with a big session (issue 21), under a private Xvfb:
#   tests/bench/window/run.sh [BUILD_DIR]
#   environment: FILES (default 200), MB (default 50: the session's content, in 10^6 bytes),
#   LARGEST_KB (default 2000: file_000's size; the others share the rest), SCREENSHOT (a .png)
# 1. `inkstream serve` on loopback with a session log; `inkstream publish` types FILES files
#    of MB megabytes in all into it at --delay-ms 0 and completes it.
# 2. bench_window: the real MainWindow joins it late (the publisher's catch-up from its log) and
#    the reader steps through the files, opens the largest, runs find and pages through it.
# 3. The peer: Kate opens the largest file, timed from its start until its window shows the
#    file (xdotool), and its RSS beside Kate's with an empty file; installed with apt if missing.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
build=${1:-$root/build}
inkstream=$build/app/inkstream
files=${FILES:-200}
mb=${MB:-50}
largest_kb=${LARGEST_KB:-2000}

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
now() { date +%s.%N; }

if ! command -v kate >/dev/null; then
    if [ "$(id -u)" = 0 ]; then apt-get install -y --no-install-recommends kate >&2
    else sudo apt-get install -y --no-install-recommends kate >&2; fi
fi

display=:$((90 + RANDOM % 9))
Xvfb "$display" -screen 0 1440x900x24 -nolisten tcp >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 50); do xdpyinfo -display "$display" >/dev/null 2>&1 && break; sleep 0.1; done
export DISPLAY=$display XDG_CONFIG_HOME=$work/config XDG_DATA_HOME=$work/data \
    XDG_CACHE_HOME=$work/cache

# ---- the session -------------------------------------------------------------------------
python3 - "$work/src" "$files" "$mb" "$largest_kb" <<'PY'
import os, sys
folder, count, mb, largest_kb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
os.makedirs(folder, exist_ok=True)
total = mb * 1000 * 1000
largest = largest_kb * 1000
rest = (total - largest) // (count - 1)
for i in range(count):
    size = largest if i == 0 else rest
    line = f'    value_{i} = compute("caf\u00e9 \u6f22\u5b57 \U0001F600", {i})  # "quoted" \\ tab\t\n'
    text = f"def function_{i}():\n" + line * (size // len(line.encode()) + 1)
    data = text.encode()[:size].decode("utf-8", "ignore").encode()
    open(os.path.join(folder, f"file_{i:03d}.py"), "wb").write(data)
PY
content_bytes=$(cat "$work/src"/*.py | wc -c)
"$inkstream" serve --port 0 --data-dir "$work/log" > "$work/url" 2> "$work/serve.log" &
pids+=($!)
until [ -s "$work/url" ]; do sleep 0.01; done
url=$(head -n1 "$work/url")
start=$(now)
"$inkstream" publish "$url" "$work/src"/*.py --delay-ms 0 --chunk-size 2048 --complete > /dev/null
until curl -s "$url" | grep -q '"state":"complete"'; do sleep 0.05; done
echo "published $((content_bytes / 1000000)) MB in $(python3 -c "print(f'{$(now)-$start:.1f}')") s" >&2

# ---- the window --------------------------------------------------------------------------
echo "## Big session in the window: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs"
echo
echo "load before: $(uptime | sed 's/.*load average/load average/')"
echo
QT_QPA_PLATFORM=xcb "$build/tests/bench/window/bench_window" "$url" "$files" "$content_bytes" \
    ${SCREENSHOT:+"$SCREENSHOT"}
echo
echo "load after: $(uptime | sed 's/.*load average/load average/')"
echo

# ---- the peer: Kate opening the largest file ----------------------------------------------
# kate_open FILE: seconds from starting Kate until a window named after FILE is visible, then
# Kate's RSS in MiB 2 s later.
kate_open() {
    local name start end pid rss
    name=$(basename "$1")
    start=$(now)
    kate -n "$1" >/dev/null 2>&1 &
    pid=$!
    xdotool search --sync --onlyvisible --name "$name" >/dev/null
    end=$(now)
    sleep 2
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    python3 -c "print(f'{$end-$start:.2f} {$rss/1024:.0f}')"
}
largest_file="$work/src/file_000.py"
: > "$work/empty.py"
kate_open "$work/empty.py" > /dev/null # warms the disk cache and Kate's own caches
read -r empty_s empty_rss < <(kate_open "$work/empty.py")
read -r big_s big_rss < <(kate_open "$largest_file")
largest_mib=$(python3 -c "print(f'{$(stat -c %s "$largest_file")/1048576:.2f}')")
echo "| Kate $(kate --version 2>/dev/null | awk '/kate/ {print $2}') | value |"
echo "|---|---|"
echo "| start until its window shows an empty file | ${empty_s} s, RSS ${empty_rss} MiB |"
echo "| start until its window shows the largest file ($largest_mib MiB) | ${big_s} s, RSS ${big_rss} MiB |"
echo "| RSS growth / the file's size | $(python3 -c "print(f'{($big_rss-$empty_rss)/$largest_mib:.2f}')") × |"
echo
echo "load at the end: $(uptime | sed 's/.*load average/load average/')"
