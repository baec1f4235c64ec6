#!/usr/bin/env bash
# Writes inkstream(1) in troff from the program's own --help texts, so the page never drifts
# from the options:  packaging/linux/manpage.sh INKSTREAM_BINARY OUTPUT_FILE
set -euo pipefail
binary=$1
out=$2
version=$("$binary" --version | awk '{print $NF}')

# Help text as literal troff: escape backslashes and minus signs, protect leading dots.
escape() { sed -e 's|^Usage: [^ ]*inkstream|Usage: inkstream|' -e 's/\\/\\e/g' -e 's/-/\\-/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"; }

{
    echo ".TH INKSTREAM 1 \"$(date -u +%Y-%m-%d)\" \"inkstream $version\" \"User Commands\""
    echo ".SH NAME"
    echo "inkstream \\- watch an AI write code, live; publish and follow code streams"
    echo ".SH SYNOPSIS"
    echo ".B inkstream"
    echo "[\\fIOPTIONS\\fR]"
    echo ".br"
    for command in serve publish watch replay sse-dump; do
        echo ".B inkstream $command"
        echo "[\\fIOPTIONS\\fR]"
        echo ".br"
    done
    echo ".SH DESCRIPTION"
    echo "Without a subcommand, inkstream opens the desktop window; replay opens it on a"
    echo "recording. The other subcommands run headless: a publisher, a client that hands files"
    echo "to it, a viewer that writes what it receives, and an SSE debugging tool."
    echo ".SH OPTIONS"
    echo ".nf"
    QT_QPA_PLATFORM=offscreen "$binary" --help | escape
    echo ".fi"
    for command in serve publish watch replay sse-dump; do
        echo ".SH \"inkstream $command\""
        echo ".nf"
        "$binary" "$command" --help | escape
        echo ".fi"
    done
    echo ".SH SEE ALSO"
    echo "The wire protocol and benchmarks: /usr/share/doc/inkstream/"
} > "$out"
