#!/usr/bin/env bash
# Writes inkstream(1) in troff from the program's own --help texts, so the page never drifts
# from the options:  packaging/linux/manpage.sh INKSTREAM_BINARY OUTPUT_FILE
set -euo pipefail
binary=$1
out=$2
version=$("$binary" --version | awk '{print $NF}')

# Help text as literal troff: escape backslashes and minus signs, protect leading dots.
# The exit statuses are one table for all commands: one EXIT STATUS section, not one per command.
without_exit_status() { sed '/^Exit status:/,$d'; }
escape() { sed -e 's|^Usage: [^ ]*inkstream|Usage: inkstream|' -e 's/\\/\\e/g' -e 's/-/\\-/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"; }

{
    # Reproducible: the date is the source's (SOURCE_DATE_EPOCH), not the build's.
    date=$(date -u -d "@${SOURCE_DATE_EPOCH:-$(date +%s)}" +%Y-%m-%d)
    echo ".TH INKSTREAM 1 \"$date\" \"inkstream $version\" \"User Commands\""
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
    QT_QPA_PLATFORM=offscreen "$binary" --help | without_exit_status | escape
    echo ".fi"
    for command in serve publish watch replay sse-dump; do
        echo ".SH \"inkstream $command\""
        echo ".nf"
        "$binary" "$command" --help | without_exit_status | escape
        echo ".fi"
    done
    echo ".SH \"EXIT STATUS\""
    echo ".nf"
    "$binary" --help | sed -n '/^Exit status:/,$p' | tail -n +2 | escape
    echo ".fi"
    echo ".SH ENVIRONMENT"
    env_entry() { printf '.TP\n.B %s\n%s\n' "$1" "$2"; }
    env_entry INKSTREAM_TOKEN "The access token for serve (required off loopback) and the one publish, watch and the window send, when no --token or --token-file is given."
    env_entry INKSTREAM_API_KEY "The API key for the chat dialects that take one (openai, openai\\-responses, anthropic), before the provider's own variable."
    env_entry OPENAI_API_KEY "The key for \\-\\-dialect openai and openai\\-responses."
    env_entry ANTHROPIC_API_KEY "The key for \\-\\-dialect anthropic."
    env_entry INKSTREAM_STREAMING "false: serve publishes files whole instead of typing them (as \\-\\-no\\-streaming)."
    env_entry XDG_STATE_HOME "Where serve keeps session logs and the window keeps where each viewer was (default ~/.local/state)."
    env_entry "http_proxy, https_proxy, no_proxy" "Proxies for remote endpoints; loopback is always reached directly."
    env_entry "DISPLAY, WAYLAND_DISPLAY, QT_QPA_PLATFORM" "Where the window opens; Qt's \\-platform option chooses too."
    echo ".SH FILES"
    printf '.TP\n.I %s\n%s\n' '~/.config/Inkstream/inkstream.conf' "The window's settings: theme, recent connections, layout."
    printf '.TP\n.I %s\n%s\n' '$XDG_STATE_HOME/inkstream/sessions/' "serve's session logs, from which a restarted publisher resumes."
    printf '.TP\n.I %s\n%s\n' '/usr/share/doc/inkstream/' "The wire protocol, security notes and benchmarks."
    echo ".SH \"SEE ALSO\""
    echo "The wire protocol and benchmarks: /usr/share/doc/inkstream/"
} > "$out"
