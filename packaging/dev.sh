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
    # Debian's hardening (fortify, stack protector, relro, bindnow) as dpkg-buildflags gives it,
    # and a reproducible build: the source's date, not the build's, wherever one is recorded.
    export DEB_BUILD_MAINT_OPTIONS=hardening=+all
    export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || date +%s)}
    if [ ! -f build-release/build.ninja ]; then
        CXXFLAGS="$(dpkg-buildflags --get CPPFLAGS) $(dpkg-buildflags --get CXXFLAGS)" \
            LDFLAGS="$(dpkg-buildflags --get LDFLAGS)" cmake --preset release
    fi
    cmake --build --preset release -j "$(nproc)"
    rm -f build-release/inkstream_*.deb
    (cd build-release && cpack -G DEB)
    deb=$(ls "$root"/build-release/inkstream_*.deb)
    # Any error or warning fails the build; --pedantic shows the informational tags too, which
    # include the hardening ones (hardening-no-fortify-functions, hardening-no-bindnow).
    lintian_output=$(lintian --pedantic --display-info --fail-on error,warning "$deb") || {
        echo "$lintian_output" >&2
        echo "lintian found problems in $deb" >&2
        exit 1
    }
    if grep -q '^I: .*hardening' <<< "$lintian_output"; then
        echo "$lintian_output" >&2
        echo "lintian: the binary misses Debian's hardening flags" >&2
        exit 1
    fi
    [ -z "$lintian_output" ] || echo "$lintian_output"
    echo "$deb"
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
