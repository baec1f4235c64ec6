#!/usr/bin/env bash
# Runs clang-tidy (the repository's .clang-tidy) on the C++ sources of core/, ui/ and app/ that
# changed since BASE (default: the commit before HEAD), and on the sources beside each changed
# header. Needs a build directory with compile_commands.json (any preset; CI uses build-asan).
#   tools/tidy-changed.sh BUILD_DIR [BASE]     BASE=--all checks every source
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build=${1:?usage: tools/tidy-changed.sh BUILD_DIR [BASE|--all]}
base=${2:-HEAD~1}
[ -f "$build/compile_commands.json" ] || { echo "no $build/compile_commands.json" >&2; exit 2; }

if [ "$base" = "--all" ]; then
    changed=$(git ls-files 'core/*' 'ui/*' 'app/*')
elif git rev-parse -q --verify "$base^{commit}" >/dev/null; then
    changed=$(git diff --name-only --diff-filter=d "$base" -- core ui app)
else
    echo "tidy: no commit $base (a clone without history?): checking every source" >&2
    changed=$(git ls-files 'core/*' 'ui/*' 'app/*')
fi

declare -A sources=()
for file in $changed; do
    case "$file" in
    *.cpp) [ -f "$file" ] && sources[$file]=1 ;;
    *.h) [ -f "${file%.h}.cpp" ] && sources[${file%.h}.cpp]=1 ;;
    esac
done
# Only what the build compiles (a backend for a library this machine lacks is not in it).
list=()
for file in "${!sources[@]}"; do
    grep -q "\"file\": \"$PWD/$file\"" "$build/compile_commands.json" && list+=("$file")
done
if [ ${#list[@]} -eq 0 ]; then
    echo "tidy: no C++ source of core/, ui/ or app/ changed since $base"
    exit 0
fi
echo "tidy: ${#list[@]} file(s) since $base"
# clang-tidy counts the warnings it suppressed (system headers) on stderr: only findings are shown.
printf '%s\n' "${list[@]}" | sort | xargs -P "$(nproc)" -n 4 clang-tidy -p "$build" --quiet \
    2> >(grep -v '^[0-9]* warnings\? generated\.$' >&2)
echo "tidy: clean"
