#!/usr/bin/env bash
# One entry point for a fresh Debian 12 machine:
#   packaging/dev.sh demo   install what is missing, build, launch the local demo
#   packaging/dev.sh test   install what is missing, build, run every test
#   packaging/dev.sh deb    install what is missing, build a release, package it as a .deb
# Re-running is incremental: installed packages are skipped, Ninja rebuilds only what changed.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mode=${1:-}
case "$mode" in
demo | test | deb) ;;
*)
    echo "usage: $0 demo|test|deb" >&2
    exit 64
    ;;
esac

"$root/packaging/install-deps.sh" "$mode"
if [ "$mode" = test ]; then
    # Node peers of the suite (socket.io for seed 003's server), pinned by tests/package-lock.json.
    npm ci --prefix "$root/tests" --no-audit --no-fund --loglevel=error
fi

cd "$root"
if [ "$mode" = deb ]; then
    if [ ! -f build-release/build.ninja ]; then
        cmake --preset release
    fi
    cmake --build --preset release -j "$(nproc)"
    (cd build-release && cpack -G DEB)
    ls "$root"/build-release/inkstream_*.deb
    exit 0
fi
preset=default
if [ ! -f build/build.ninja ]; then
    cmake --preset "$preset"
fi
cmake --build --preset "$preset" -j "$(nproc)"

if [ "$mode" = demo ]; then
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
        echo "No display found: set DISPLAY (or run under xvfb-run) to see the demo window." >&2
        exit 1
    fi
    exec ./build/app/inkstream --demo
fi

ctest --preset "$preset" -j "$(nproc)"
