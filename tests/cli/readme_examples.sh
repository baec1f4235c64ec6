#!/usr/bin/env bash
# Runs the README's examples marked <!-- readme-example --> verbatim, each in a fresh directory
# that looks like the source tree (README.md, build/ pointing at BUILD_DIR), and fails when one
# exits non-zero or leaves a process behind.
#   tests/cli/readme_examples.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
source_dir=$(cd "$1" && pwd)
build_dir=$(cd "$2" && pwd)
examples=$(mktemp -d)
trap 'rm -rf "$examples"' EXIT

# Each marked fenced block becomes examples/N.sh.
awk -v dir="$examples" '
    /<!-- readme-example -->/ { marked = 1; next }
    marked && /^```sh$/ { inside = 1; n++; file = dir "/" n ".sh"; next }
    inside && /^```$/ { inside = 0; marked = 0; close(file); next }
    inside { print > file }
' "$source_dir/README.md"
count=$(find "$examples" -name '*.sh' | wc -l)
if [ "$count" -eq 0 ]; then
    echo "no <!-- readme-example --> block in README.md" >&2
    exit 1
fi

failed=0
for example in "$examples"/*.sh; do
    work=$(mktemp -d)
    cp "$source_dir/README.md" "$work/"
    ln -s "$build_dir" "$work/build"
    echo "== README example $(basename "$example"):"
    sed 's/^/   /' "$example"
    if ! (cd "$work" && timeout 120 bash -e "$example"); then
        echo "README example $(basename "$example") failed" >&2
        failed=1
    fi
    # What the example started and did not stop still runs in its directory: a reader's
    # terminal would be left with it too.
    for process in /proc/[0-9]*; do
        if [ "$(readlink "$process/cwd" 2>/dev/null)" = "$work" ]; then
            echo "README example $(basename "$example") left running:" \
                "$(tr '\0' ' ' < "$process/cmdline")" >&2
            kill "${process#/proc/}" 2>/dev/null || true
            failed=1
        fi
    done
    rm -rf "$work"
done
exit "$failed"
