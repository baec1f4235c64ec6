#!/usr/bin/env bash
# The decode benchmark (issue 4): records a stream from the real publisher path, then measures
# on those bytes, single thread, in the same run:
#   - SSE framing alone: SseParser fed 16 KiB chunks, handing out views into the fed bytes
#     (decoding in place, as the full path below does) and, as a second row, copying each
#     event out (what SseClient does: it dispatches after the feed returns);
#   - the full path: SseParser -> EventCodec::decode -> SessionModel::apply;
#   - the npm package eventsource-parser under Node, fed the same bytes in the same chunks.
# Prints a Markdown table (docs/benchmarks.md). Each figure is the best of RUNS runs (and the
# median beside it). Both programs run pinned to the same CPU (INKSTREAM_BENCH_CPU, default the
# last one): on shared virtual machines one CPU can be half as fast as another for minutes, so
# unpinned runs compare whichever CPU each process happened to land on.
#
#   tests/bench/decode/run.sh [BUILD_DIR] [BYTES] [RUNS]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
build=${1:-$root/build}
bytes=${2:-5000000}
runs=${3:-21}
bench=$build/tests/bench/decode/bench_decode

npm ci --prefix "$root/tests" --no-audit --no-fund --loglevel=error >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bench" record "$work/stream.sse" "$bytes"
cpu=${INKSTREAM_BENCH_CPU:-$(($(nproc) - 1))}
echo "pinned to CPU $cpu (INKSTREAM_BENCH_CPU)" >&2
taskset -c "$cpu" "$bench" measure "$work/stream.sse" "$runs" > "$work/results.jsonl"
taskset -c "$cpu" node "$root/tests/bench/decode/eventsource-parser.mjs" "$work/stream.sse" "$runs" >> "$work/results.jsonl"

python3 - "$work/results.jsonl" <<'PY'
import json, sys
rows = {r["measure"]: r for r in map(json.loads, open(sys.argv[1]))}
labels = {"sse_framing": "Inkstream SseParser (framing only, views into the fed bytes)",
          "sse_framing_copy": "Inkstream SseParser (framing only, each event copied out as SseEvent)",
          "decode_apply": "Inkstream SseParser + EventCodec::decode + SessionModel::apply",
          "eventsource_parser": "eventsource-parser 3.1.1 on Node " + __import__("subprocess").run(
              ["node", "--version"], capture_output=True, text=True).stdout.strip()}
first = next(iter(rows.values()))
print(f"Stream: {first['bytes']:,} bytes, {first['events']:,} events "
      f"({rows['decode_apply']['deltas']:,} code deltas); best (median) of {first['runs']} runs.\n")
print("| path | MB/s | events/s | delta events/s |")
print("|---|---|---|---|")
for key in ("sse_framing", "sse_framing_copy", "decode_apply", "eventsource_parser"):
    r = rows[key]
    deltas = (f"{r['best_deltas_s']:,.0f} ({r['median_deltas_s']:,.0f})" if key == "decode_apply" else "")
    print(f"| {labels[key]} | {r['best_mb_s']:,.1f} ({r['median_mb_s']:,.1f}) | "
          f"{r['best_events_s']:,.0f} ({r['median_events_s']:,.0f}) | {deltas} |")
peer = rows["eventsource_parser"]
mine = rows["sse_framing"]
full = rows["decode_apply"]
best_ratio = mine["best_mb_s"] / peer["best_mb_s"]
median_ratio = mine["median_mb_s"] / peer["median_mb_s"]
print()
print(f"- framing / eventsource-parser MB/s: {best_ratio:.2f}x best, {median_ratio:.2f}x median "
      f"(target >= 5x: {'met' if best_ratio >= 5 else 'MISSED'} on best)")
print(f"- copying framing / eventsource-parser MB/s: "
      f"{rows['sse_framing_copy']['best_mb_s'] / peer['best_mb_s']:.2f}x best")
print(f"- decode-and-apply delta events/s: {full['best_deltas_s']:,.0f} best, "
      f"{full['median_deltas_s']:,.0f} median (target >= 1,000,000: "
      f"{'met' if full['best_deltas_s'] >= 1e6 else 'MISSED'} on best)")
PY
