#!/usr/bin/env bash
# The session log's own cost in instructions (issue 21): the publisher types KB kilobytes in
# 5-character deltas at --delay-ms 0, once with the log on disk (--fsync batch) and once
# --ephemeral, under callgrind, counting the instructions of the typing (FileStreamer::step, which
# publishes and appends to the log) and of the log's flushes (Session::flushLog). Instructions do
# not depend on what else runs on the machine, its CPU's clock or the cost of a page fault, which
# make the wall clock of run.sh's "publishing rate" vary by half on a shared VM; what they leave
# out (cache misses, the kernel's side of write() and fdatasync()) the wall clock shows.
#
#   tests/bench/durable/instructions.sh [BUILD_DIR]
#   environment: KB (default 500)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
build=${1:-$root/build}
inkstream=$build/app/inkstream
kb=${KB:-500}
[ -x "$inkstream" ] || { echo "no $inkstream (build it first)" >&2; exit 1; }

if ! command -v valgrind >/dev/null; then
    if [ "$(id -u)" = 0 ]; then apt-get install -y --no-install-recommends valgrind >&2
    else sudo apt-get install -y --no-install-recommends valgrind >&2; fi
fi

work=$(mktemp -d)
serve_pid=
cleanup() {
    [ -z "$serve_pid" ] || kill -9 "$serve_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

python3 - "$work/typed.py" "$kb" <<'PY'
import sys
path, kb = sys.argv[1], int(sys.argv[2])
line = '    value = compute("caf\u00e9 \u6f22\u5b57 \U0001F600", 1)  # "quoted" \\ tab\t\n'
text = "def f():\n" + line * (kb * 1000 // len(line.encode()) + 1)
open(path, "wb").write(text.encode()[: kb * 1000].decode("utf-8", "ignore").encode())
PY

# wait_for DESCRIPTION COMMAND...: until COMMAND succeeds, while the publisher lives, at most 10 min
wait_for() {
    local what=$1 deadline=$((SECONDS + 600))
    shift
    until "$@"; do
        kill -0 "$serve_pid" 2>/dev/null || { echo "the publisher exited before $what" >&2; exit 1; }
        [ "$SECONDS" -lt "$deadline" ] || { echo "timed out waiting for $what" >&2; exit 1; }
        sleep 0.2
    done
}
url_printed() { [ -s "$work/url" ]; }
session_complete() { curl -s "$url" | grep -q '"state":"complete"'; }

# count MODE: sets $events and $instructions
count() {
    local args=(--ephemeral)
    [ "$1" = log ] && args=(--data-dir "$work/data" --fsync batch)
    rm -rf "$work/data" "$work/url"
    valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.$1" \
        --toggle-collect='*FileStreamer::step*' --toggle-collect='*Session::flushLog*' \
        "$inkstream" serve --port 0 "${args[@]}" > "$work/url" 2> "$work/serve.log" &
    serve_pid=$!
    wait_for "printing its URL" url_printed
    url=$(head -n1 "$work/url")
    "$inkstream" publish "$url" "$work/typed.py" --delay-ms 0 --complete > /dev/null
    wait_for "the session completed" session_complete
    events=$(curl -s "$url" | python3 -c "import json,sys;print(json.load(sys.stdin)['lastSequence'])")
    kill -INT "$serve_pid"
    wait "$serve_pid" 2>/dev/null || true
    serve_pid=
    instructions=$(callgrind_annotate "$work/callgrind.$1" 2>/dev/null \
        | awk '/PROGRAM TOTALS/ && !done {gsub(",", "", $1); print $1; done = 1}')
}

count log
log_events=$events log_ir=$instructions
count ephemeral
eph_events=$events eph_ir=$instructions
python3 - "$kb" "$log_events" "$log_ir" "$eph_events" "$eph_ir" <<'PY'
import sys
kb, le, li, ee, ei = map(int, sys.argv[1:])
print(f"### The log's cost in instructions ({kb} KB typed in 5-character deltas)\n")
print("| storage | events | instructions (typing + log flushes) | per event |")
print("|---|---|---|---|")
print(f"| log (`--fsync batch`) | {le:,} | {li:,} | {li / le:,.0f} |")
print(f"| `--ephemeral` | {ee:,} | {ei:,} | {ei / ee:,.0f} |")
print(f"\nthe log costs {(li / le) / (ei / ee) - 1:+.1%} instructions per event\n")
PY
