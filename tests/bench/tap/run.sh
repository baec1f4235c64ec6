#!/usr/bin/env bash
# The tap's overhead (issue 22, docs/benchmarks.md "OpenAI tap overhead"): a 2,000-token
# streamed reply from tests/dialects/servers/tapupstream.js (one token every DELAY ms, as a fast
# model streams), asked directly and through `inkstream serve --openai-upstream` in the same
# run, RUNS times each, alternating; prints the medians and the machine's load.
#
#   tests/bench/tap/run.sh [BUILD_DIR] [RUNS] [DELAY_MS]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
build=${1:-$root/build}
runs=${2:-15}
delay=${3:-1}
inkstream=$build/app/inkstream

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

node "$root/tests/dialects/servers/tapupstream.js" --delay "$delay" --tokens 2000 > "$work/upstream" &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/upstream" ] && break; sleep 0.1; done
upstream=$(head -1 "$work/upstream")
QT_LOGGING_RULES='inkstream.*.info=false' "$inkstream" serve --port 0 --ephemeral \
    --openai-upstream "http://127.0.0.1:$upstream/v1" > "$work/serve" 2>/dev/null &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/serve" ] && break; sleep 0.1; done
tap=$(head -1 "$work/serve" | sed -E 's|(http://[^/]+).*|\1|')

echo "load before: $(uptime | sed 's/.*load average/load average/')"
node "$root/tests/bench/tap/bench-tap.js" "http://127.0.0.1:$upstream/v1" "$tap/v1" "$runs"
echo "load after: $(uptime | sed 's/.*load average/load average/')"
