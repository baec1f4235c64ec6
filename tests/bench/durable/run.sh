#!/usr/bin/env bash
# Durable sessions (issue 16), three measurements in one run, printed as Markdown:
#   1. late join of a session of FILES files of KB kilobytes each (default 200 x 250 = 50 MB):
#      seconds until `inkstream watch` has every file byte-identical on disk, beside curl
#      downloading the same bytes from nginx (static files, one keep-alive connection);
#   2. publisher restart with a log of about LOG_MB MB (default 50): `serve` killed with SIGKILL
#      and started again on the same --session and --data-dir, until it prints its URL (the
#      session restored); RUNS times;
#   3. publishing rate: RATE_MB MB typed at --delay-ms 0 in 5-character deltas, the log on disk
#      (--fsync batch) against --ephemeral, alternating, RUNS times each, with the publisher's
#      CPU time (a figure less disturbed by other work on the machine than the wall clock).
#
#   tests/bench/durable/run.sh [BUILD_DIR]
#   environment: FILES, KB, LOG_MB, RATE_MB, RUNS
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
build=${1:-$root/build}
inkstream=$build/app/inkstream
files=${FILES:-200}
kb=${KB:-250}
log_mb=${LOG_MB:-50}
rate_mb=${RATE_MB:-2}
runs=${RUNS:-3}

work=$(mktemp -d)
chmod 755 "$work" # nginx's worker (nobody) reads the files
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    if [ -f "$work/nginx/nginx.pid" ]; then kill "$(cat "$work/nginx/nginx.pid")" 2>/dev/null || true; fi
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
now() { date +%s.%N; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# serve ARGS... : starts a publisher, sets $url and $serve_pid
serve() {
    rm -f "$work/url"
    "$inkstream" serve "$@" > "$work/url" 2>> "$work/serve.log" &
    serve_pid=$!
    pids+=("$serve_pid")
    until [ -s "$work/url" ]; do sleep 0.01; done
    url=$(head -n1 "$work/url")
}
# cpu_seconds PID: user + system time of all the process's threads so far (the log's fsync
# thread too), in clock ticks of 10 ms
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' /proc/"$1"/stat; }
wait_complete() {
    until curl -s "$1" | grep -q '"state":"complete"'; do sleep 0.05; done
}
make_files() { # DIR COUNT KB
    python3 - "$1" "$2" "$3" <<'PY'
import os, sys
folder, count, kb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.makedirs(folder, exist_ok=True)
for i in range(count):
    line = f'    value_{i} = compute("caf\u00e9 \u6f22\u5b57 \U0001F600", {i})  # "quoted" \\ tab\t\n'
    text = (f"def function_{i}():\n" + line * (kb * 1000 // len(line.encode()) + 1))
    data = text.encode()[: kb * 1000]
    data = data.decode("utf-8", "ignore").encode()
    open(os.path.join(folder, f"file_{i:03d}.py"), "wb").write(data)
PY
}

echo "## Durable sessions: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs"
echo

# ---- 1. late join ------------------------------------------------------------------------
make_files "$work/src" "$files" "$kb"
content_bytes=$(cat "$work/src"/*.py | wc -c)
serve --port 0 --data-dir "$work/data1"
"$inkstream" publish "$url" "$work/src"/*.py --delay-ms 0 --chunk-size 2048 --complete > /dev/null
wait_complete "$url"
start=$(now)
"$inkstream" watch "$url" --output "$work/out" --summary "$work/summary.json" --timeout 300 2> /dev/null
end=$(now)
diff -r "$work/src" "$work/out" > /dev/null || { echo "late join: files differ" >&2; exit 1; }
received=$(python3 -c "import json;print(json.load(open('$work/summary.json'))['bytes'])")
kill -9 "$serve_pid"
wait "$serve_pid" 2>/dev/null || true

nginx_port=$(free_port)
mkdir -p "$work/nginx"
cat > "$work/nginx/nginx.conf" <<EOF
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $work/nginx/body;
    proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi;
    uwsgi_temp_path $work/nginx/uwsgi;
    scgi_temp_path $work/nginx/scgi;
    server { listen 127.0.0.1:$nginx_port; root $work/src; }
}
EOF
nginx -c "$work/nginx/nginx.conf"
until curl -s -o /dev/null "http://127.0.0.1:$nginx_port/file_000.py"; do sleep 0.05; done
mkdir -p "$work/curl"
curl_args=()
for f in "$work/src"/*.py; do
    name=$(basename "$f")
    curl_args+=("http://127.0.0.1:$nginx_port/$name" -o "$work/curl/$name")
done
curl_start=$(now)
curl -s "${curl_args[@]}"
curl_end=$(now)
diff -r "$work/src" "$work/curl" > /dev/null || { echo "curl: files differ" >&2; exit 1; }
python3 - "$files" "$content_bytes" "$received" "$start" "$end" "$curl_start" "$curl_end" <<'PY'
import sys
files, content, received = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
s, e, cs, ce = map(float, sys.argv[4:8])
t, ct = e - s, ce - cs
print("### Late join\n")
print("| | seconds until byte-identical on disk | MB/s of content | bytes on the wire |")
print("|---|---|---|---|")
print(f"| `inkstream watch` (catch-up from the log, {files} files, {content/1e6:.1f} MB) | {t:.2f} | {content/1e6/t:.1f} | {received/1e6:.1f} MB |")
print(f"| `curl` from nginx (the same files, one connection) | {ct:.2f} | {content/1e6/ct:.1f} | {content/1e6:.1f} MB |")
print(f"\nratio: inkstream takes {t/ct:.1f}x curl's time\n")
PY

# ---- 2. restart -------------------------------------------------------------------------
# About 190 bytes of log per 5-character delta: LOG_MB of log from LOG_MB * 26 KB of text.
make_files "$work/logsrc" 1 $((log_mb * 26))
serve --port 0 --session restart --data-dir "$work/data2"
port=$(python3 -c "import urllib.parse;print(urllib.parse.urlparse('$url').port)")
"$inkstream" publish "$url" "$work/logsrc"/*.py --delay-ms 0 --complete > /dev/null
wait_complete "$url"
kill -9 "$serve_pid"
wait "$serve_pid" 2>/dev/null || true
log_bytes=$(stat -c %s "$work/data2/restart.log")
echo "### Publisher restart\n" | sed 's/\\n//'
echo
echo "| run | log | seconds until the restarted publisher answers (URL printed) | its own figure |"
echo "|---|---|---|---|"
for run in $(seq "$runs"); do
    : > "$work/serve.log"
    start=$(now)
    serve --port "$port" --session restart --data-dir "$work/data2"
    end=$(now)
    own=$(grep -o 'in [0-9]* ms' "$work/serve.log" | tail -n1)
    python3 -c "print(f'| $run | {$log_bytes/1e6:.1f} MB | {$end-$start:.2f} | restored $own |')"
    kill -9 "$serve_pid"
    wait "$serve_pid" 2>/dev/null || true
done
echo

# ---- 3. publishing rate -----------------------------------------------------------------
make_files "$work/ratesrc" 1 $((rate_mb * 1000))
echo "### Publishing rate ($rate_mb MB in 5-character deltas at --delay-ms 0)"
echo
echo "| run | storage | seconds until typed | events/s | publisher CPU seconds (all threads) |"
echo "|---|---|---|---|---|"
for run in $(seq "$runs"); do
    for mode in log ephemeral; do
        if [ "$mode" = log ]; then
            serve --port 0 --data-dir "$work/data3-$run" --fsync batch
        else
            serve --port 0 --ephemeral
        fi
        cpu_start=$(cpu_seconds "$serve_pid")
        start=$(now)
        "$inkstream" publish "$url" "$work/ratesrc"/*.py --delay-ms 0 --complete > "$work/publish.out"
        wait_complete "$url"
        end=$(now)
        cpu_end=$(cpu_seconds "$serve_pid")
        events=$(curl -s "$url" | python3 -c "import json,sys;print(json.load(sys.stdin)['lastSequence'])")
        python3 -c "print(f'| $run | $mode | {$end-$start:.2f} | {$events/($end-$start):,.0f} | {$cpu_end-$cpu_start:.2f} |')"
        kill -9 "$serve_pid"
        wait "$serve_pid" 2>/dev/null || true
        rm -rf "$work/data3-$run"
    done
done
