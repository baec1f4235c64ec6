#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan + coverage) into BUILD_DIR and runs each
# for SECONDS on a copy of its committed seed corpus. Prints executions and libFuzzer's cov/ft
# per target (one per core at a time), then llvm-cov line coverage of core/protocol and core/model over the corpora the
# run produced. Exits non-zero on any finding (crash, leak, UB, timeout, OOM).
# BUILD_DIR may be an existing build with INKSTREAM_FUZZ=ON, such as the asan preset's
# build-asan (what CI does): the targets build there, without the line-coverage report.
#
#   tests/fuzz/run.sh [BUILD_DIR] [SECONDS]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$root/build-fuzz}
seconds=${2:-20}
targets=(sseparser eventcodec snapshot dialects socketio recording publisher httphead websocketframes)
clangxx=$(command -v clang++ || command -v clang++-14)
llvm_suffix=$("$clangxx" --version | sed -n 's/.*clang version \([0-9]*\).*/-\1/p' | head -n 1)
profdata=$(command -v "llvm-profdata$llvm_suffix" || command -v llvm-profdata)
llvmcov=$(command -v "llvm-cov$llvm_suffix" || command -v llvm-cov)

if [ ! -f "$build/build.ninja" ]; then
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCMAKE_CXX_COMPILER="$clangxx" -DINKSTREAM_FUZZ=ON -DINKSTREAM_COVERAGE=ON \
        $(command -v ccache >/dev/null && echo -DCMAKE_CXX_COMPILER_LAUNCHER=ccache) >/dev/null
fi
if ! grep -q '^INKSTREAM_FUZZ:BOOL=ON' "$build/CMakeCache.txt"; then
    echo "$build is not configured with -DINKSTREAM_FUZZ=ON: no libFuzzer targets there" >&2
    exit 2
fi
cmake --build "$build" -j "${INKSTREAM_JOBS:-2}" --target "${targets[@]/#/fuzz_}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '| target | seconds | executions | exec/s | cov | ft | corpus | result |\n|---|---|---|---|---|---|---|---|\n' \
    > "$work/table.md"
# One target: fuzz it, write its table row to $work/TARGET.row; non-zero on a finding.
fuzz_one() {
    local target=$1 corpus=$work/corpus-$1 log=$work/$1.log result=clean status=0
    mkdir -p "$corpus" "$work/artifacts-$target"
    cp "$root/tests/fuzz/corpus/$target/"* "$corpus/"
    # -timeout: an input that takes a second is a hang; -rss_limit_mb bounds memory.
    if ! LLVM_PROFILE_FILE=/dev/null "$build/tests/fuzz/fuzz_$target" -max_total_time="$seconds" \
        -timeout=5 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
        -artifact_prefix="$work/artifacts-$target/" "$corpus" > "$log" 2>&1; then
        result=FINDING
        status=1
        echo "== fuzz_$target found a problem:" >&2
        grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" | head -n 20 >&2 || tail -n 30 "$log" >&2
        mkdir -p "$build/fuzz-findings/$target"
        cp "$work/artifacts-$target/"* "$build/fuzz-findings/$target/" 2>/dev/null || true
    fi
    local execs rate last cov ft
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    last=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<< "$last")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<< "$last")
    printf '| fuzz_%s | %s | %s | %s | %s | %s | %s | %s |\n' "$target" "$seconds" "${execs:-?}" \
        "${rate:-?}" "${cov:-?}" "${ft:-?}" "$(ls "$corpus" | wc -l)" "$result" > "$work/$target.row"
    # Line coverage: replay the grown corpus once with profiling on.
    LLVM_PROFILE_FILE="$work/$target.profraw" "$build/tests/fuzz/fuzz_$target" -runs=0 "$corpus" \
        > /dev/null 2>&1 || true
    return "$status"
}
# The targets are single-threaded: one per core (INKSTREAM_JOBS, default the core count).
jobs_max=${INKSTREAM_JOBS:-$(nproc)}
failed=0
running=0
for target in "${targets[@]}"; do
    if [ "$running" -ge "$jobs_max" ]; then
        wait -n || failed=1
        running=$((running - 1))
    fi
    fuzz_one "$target" &
    running=$((running + 1))
done
while [ "$running" -gt 0 ]; do
    wait -n || failed=1
    running=$((running - 1))
done
for target in "${targets[@]}"; do cat "$work/$target.row" >> "$work/table.md"; done
cat "$work/table.md"

if [ -n "$profdata" ] && [ -n "$llvmcov" ] && ls "$work"/*.profraw > /dev/null 2>&1; then
    "$profdata" merge -sparse "$work"/*.profraw -o "$work/all.profdata"
    objects=()
    for target in "${targets[@]}"; do objects+=(-object "$build/tests/fuzz/fuzz_$target"); done
    echo
    echo "Line coverage of the parsers over the fuzzed corpora (llvm-cov):"
    "$llvmcov" report "${objects[@]:1}" -instr-profile="$work/all.profdata" \
        "$root/core/protocol/sseparser.cpp" "$root/core/protocol/eventcodec.cpp" \
        "$root/core/protocol/utf8.cpp" "$root/core/model/sessionmodel.cpp" \
        "$root/core/protocol/"*decoder.cpp "$root/core/protocol/chatreplybuilder.cpp" \
        "$root/core/protocol/codeblockextractor.cpp" "$root/core/protocol/socketiopacket.cpp" \
        "$root/core/model/recordingreader.cpp" "$root/core/server/publisher.cpp" \
        "$root/core/server/routetable.cpp" "$root/core/server/requestbodyreader.cpp" \
        "$root/core/server/sessionrequesthandlers.cpp" "$root/core/server/replywriter.cpp" \
        "$root/core/server/httprequestparser.cpp" "$root/core/server/chunkedbodydecoder.cpp" 2>/dev/null \
        | grep -E '^Filename|\.cpp|^TOTAL' | sed "s|$root/||"
fi
exit "$failed"
