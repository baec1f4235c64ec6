#!/usr/bin/env bash
# Installs the Debian 12 packages Inkstream needs for building (demo) or testing (test), skipping
# what is already there. Runs apt-get as root, or through sudo.
set -euo pipefail

mode=${1:-test}
build_packages=(
    cmake ninja-build g++ ccache pkg-config libxcb1-dev
    lld                          # the dev presets link with it (much faster than GNU ld)
    qt6-base-dev qt6-websockets-dev qt6-svg-dev
    libgl-dev libvulkan-dev
    libkf5syntaxhighlighting-dev # type-checks the KSyntaxHighlighting backend (DESIGN.md)
)
test_packages=(
    curl xvfb xauth imagemagick x11-utils xdotool
    dbus at-spi2-core python3-pyatspi # the accessibility test reads the window over AT-SPI
    weston qt6-wayland                # the window under a Wayland compositor
    bash-completion zsh fish          # the shell completion test asks the real shells
    chromium                          # the browser EventSource test
    nginx libnginx-mod-nchan redis-server # the relay tests and the fan-out benchmark
    clang llvm libclang-rt-14-dev     # tests/fuzz (libFuzzer, llvm-cov)
    clang-tidy                        # CI checks the changed sources (tools/tidy-changed.sh)
)
# Node.js (benchmark peers, dialect servers): Debian's packages unless a node is already
# installed from elsewhere (NodeSource's nodejs conflicts with Debian's npm).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    test_packages+=(nodejs npm)
fi
# Building the .deb: dpkg-shlibdeps computes the dependencies; lintian checks the result.
deb_packages=(dpkg-dev file lintian desktop-file-utils appstream)
packages=("${build_packages[@]}")
if [ "$mode" = test ]; then
    packages+=("${test_packages[@]}")
elif [ "$mode" = deb ]; then
    packages+=("${deb_packages[@]}")
fi

missing=()
for package in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
    if [ "$status" != installed ]; then
        missing+=("$package")
    fi
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

echo "Installing: ${missing[*]}"
sudo=()
if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null; then
        echo "Need root (or sudo) to install: ${missing[*]}" >&2
        exit 1
    fi
    sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq "${missing[@]}"
