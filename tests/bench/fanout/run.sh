#!/usr/bin/env bash
# The fan-out benchmark (issue 3): SUBSCRIBERS SSE subscribers on loopback receive EVENTS delta
# events from the Inkstream publisher, from nginx + nchan and from a plain Node.js http SSE
# server, in the same run. Prints a Markdown table (docs/benchmarks.md).
#
#   tests/bench/fanout/run.sh [BUILD_DIR] [SUBSCRIBERS] [EVENTS] [PEERS]
#
# PEERS is a space-separated subset of
# "inkstream inkstream-each nchan node relay inkstream-ws nchan-ws" (default: the first four).
# "inkstream" gets the events in one NDJSON request, like the Node server; "inkstream-each"
# gets one request per event, like nchan (whose publisher takes one message per request), both
# pipelined on one connection (publish-pipelined.js, 256 in flight).
# "relay" (issue 8): the subscribers are on nchan, fed by `inkstream serve --relay`, which gets
# the events in one NDJSON request and forwards them to nchan one by one.
# "inkstream-ws" and "nchan-ws" (issue 21): the same as inkstream-each and nchan with WebSocket
# subscribers instead of SSE.
# Inkstream runs as users run it, with its session log on (a fresh --data-dir per peer).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
here=$root/tests/bench/fanout
build=${1:-$root/build}
subscribers=${2:-1000}
events=${3:-2000}
peers=${4:-inkstream inkstream-each nchan node}
inkstream=$build/app/inkstream
sseload=$build/tests/bench/fanout/sseload
marker=fanout-marker
timeout=300

ulimit -n "$(ulimit -Hn)" # as many descriptors as allowed: 5,000+ subscribers need them
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((subscribers + 100)) ]; then
    echo "the descriptor limit ($(ulimit -n)) is below $subscribers subscribers: raise the hard limit" >&2
    exit 2
fi
work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    if [ -f "$work/nginx/nginx.pid" ]; then kill "$(cat "$work/nginx/nginx.pid")" 2>/dev/null || true; fi
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rss_kib() { # summed VmRSS of the given pids
    local total=0 pid
    for pid in "$@"; do total=$((total + $(awk '/^VmRSS/ {print $2}' "/proc/$pid/status"))); done
    echo "$total"
}
wait_http() { for _ in $(seq 100); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "no answer from $1" >&2; return 1; }
# start_nchan PORT: nginx + nchan on PORT (nginx.conf.in), once it answers; sets master and
# workers to nginx's pids.
start_nchan() {
    mkdir -p "$work/nginx"
    sed -e "s|@DIR@|$work/nginx|g" -e "s|@PORT@|$1|g" "$here/nginx.conf.in" > "$work/nginx/nginx.conf"
    nginx -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" 2>/dev/null
    wait_http "http://127.0.0.1:$1/pub"
    master=$(cat "$work/nginx/nginx.pid")
    workers=$(pgrep -P "$master" | tr '\n' ' ')
}

# The same events for every server: a file start, then EVENTS deltas carrying the marker.
ndjson=$work/events.ndjson
python3 - "$events" "$marker" > "$ndjson" <<'PY'
import json, sys
count, marker = int(sys.argv[1]), sys.argv[2]
print(json.dumps({"event": "code", "fileName": "bench.py", "type": "start", "language": "python"}))
for i in range(count):
    print(json.dumps({"event": "code", "fileName": "bench.py", "type": "delta",
                      "delta": f"value_{i:05d} = compute({i:05d})  # {marker}\n"}))
PY

load_average() { cut -d' ' -f1-3 /proc/loadavg; }
# One POST per event, pipelined on one connection (256 in flight), as nchan must be fed.
publish_each=(node "$here/publish-pipelined.js")

# run_peer NAME PORT PATH "SERVER PIDS" PUBLISH_COMMAND...
# A NAME ending in -ws subscribes over WebSocket.
run_peer() {
    local name=$1 port=$2 path=$3 server_pids=$4
    shift 4
    local protocol=()
    case $name in *-ws) protocol=(--websocket) ;; esac
    local ready=$work/$name.ready
    rm -f "$ready"
    local before
    before=$(rss_kib $server_pids)
    SSELOAD_READY_FILE=$ready "$sseload" "${protocol[@]}" 127.0.0.1 "$port" "$path" "$subscribers" "$events" \
        "$marker" "$timeout" -- "$@" > "$work/$name.out" 2> "$work/$name.err" &
    local load=$!
    while [ ! -f "$ready" ]; do
        if ! kill -0 "$load" 2>/dev/null; then cat "$work/$name.err" >&2; return 1; fi
        sleep 0.1
    done
    sleep 1 # let the connections settle before measuring idle memory
    local idle
    idle=$(rss_kib $server_pids)
    rm -f "$ready"
    local load_during
    load_during=$(load_average)
    wait "$load" || { echo "$name: events lost or doubled" >&2; cat "$work/$name.err" >&2; }
    load_during="$load_during → $(load_average)"
    local result
    result=$(tail -n 1 "$work/$name.out")
    python3 - "$name" "$before" "$idle" "$subscribers" "$result" "$load_during" >> "$work/results.tsv" <<'PY'
import json, sys
name, before, idle, subs, result, load = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), json.loads(sys.argv[5]), sys.argv[6]
per_sub = (idle - before) * 1024 / subs
print("\t".join(map(str, [name, result["complete"], subs, result["lost"], result["doubled"],
                          result["seconds"], result["events_per_second"], round(per_sub), load])))
PY
}

: > "$work/results.tsv"
for peer in $peers; do
    port=$(free_port)
    case $peer in
    inkstream | inkstream-each | inkstream-ws)
        "$inkstream" serve --port "$port" --session bench --keep-alive 0 --max-body 67108864 \
            --data-dir "$work/data-$peer" ${INKSTREAM_SERVE_ARGS:-} > "$work/$peer.log" 2>&1 &
        pids+=($!)
        wait_http "http://127.0.0.1:$port/healthz"
        if [ "$peer" = inkstream ]; then
            run_peer "$peer" "$port" /api/sessions/bench/stream "${pids[-1]}" \
                curl -sf -o /dev/null -X POST -H 'Content-Type: application/x-ndjson' \
                --data-binary "@$ndjson" "http://127.0.0.1:$port/api/sessions/bench/events"
        elif [ "$peer" = inkstream-each ]; then
            run_peer "$peer" "$port" /api/sessions/bench/stream "${pids[-1]}" \
                "${publish_each[@]}" "http://127.0.0.1:$port/api/sessions/bench/events" "$ndjson" 256
        else
            run_peer "$peer" "$port" /api/sessions/bench/ws "${pids[-1]}" \
                "${publish_each[@]}" "http://127.0.0.1:$port/api/sessions/bench/events" "$ndjson" 256
        fi
        kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
        ;;
    nchan | nchan-ws)
        start_nchan "$port"
        run_peer "$peer" "$port" "$([ "$peer" = nchan ] && echo /sub || echo /ws)" "$master $workers" \
            "${publish_each[@]}" "http://127.0.0.1:$port/pub" "$ndjson" 256
        kill "$master"; rm -f "$work/nginx/nginx.pid"
        ;;
    relay)
        start_nchan "$port"
        ink_port=$(free_port)
        "$inkstream" serve --port "$ink_port" --session bench --keep-alive 0 --max-body 67108864 \
            --data-dir "$work/data-relay" --relay "http://127.0.0.1:$port/pub/{id}" > "$work/relay.log" 2>&1 &
        pids+=($!)
        wait_http "http://127.0.0.1:$ink_port/healthz"
        run_peer relay "$port" /sub "$master $workers ${pids[-1]}" \
            curl -sf -o /dev/null -X POST -H 'Content-Type: application/x-ndjson' \
            --data-binary "@$ndjson" "http://127.0.0.1:$ink_port/api/sessions/bench/events"
        kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
        grep 'relayed' "$work/relay.log" >&2 || true
        kill "$master"; rm -f "$work/nginx/nginx.pid"
        ;;
    node)
        node "$here/node-sse-server.js" "$port" > "$work/node.log" 2>&1 &
        pids+=($!)
        wait_http "http://127.0.0.1:$port/none"
        run_peer node "$port" /sub "${pids[-1]}" \
            curl -sf -o /dev/null -X POST --data-binary "@$ndjson" "http://127.0.0.1:$port/pub"
        kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
        ;;
    *) echo "unknown peer $peer" >&2; exit 2 ;;
    esac
done

echo "| server | subscribers complete | events lost | events doubled | time to deliver all | events/s delivered | memory per idle subscriber | load average (before → after) |"
echo "|---|---|---|---|---|---|---|---|"
while IFS=$'\t' read -r name complete subs lost doubled seconds rate per_sub load; do
    printf '| %s | %s / %s | %s | %s | %.2f s | %s | %.1f KiB | %s |\n' "$name" "$complete" "$subs" "$lost" \
        "$doubled" "$seconds" "$(printf "%'d" "$rate")" "$(echo "$per_sub / 1024" | bc -l)" "$load"
done < "$work/results.tsv"
python3 - "$work/results.tsv" <<'PY'
import sys
rows = {l.split("\t")[0]: l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()}
print()
for mine, peer in (("inkstream", "node"), ("inkstream-each", "nchan"), ("inkstream", "nchan"),
                   ("inkstream-ws", "nchan-ws"), ("relay", "nchan")):
    if mine in rows and peer in rows and float(rows[peer][6]) > 0:
        print(f"- {mine} / {peer} delivery rate: {float(rows[mine][6]) / float(rows[peer][6]):.2f}x")
    if mine in rows and peer in rows and float(rows[peer][7]) > 0:
        print(f"- {mine} / {peer} memory per idle subscriber: {float(rows[mine][7]) / float(rows[peer][7]):.2f}x")
PY
