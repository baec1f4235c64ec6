#!/usr/bin/env bash
# The window under a real Wayland compositor (Weston's headless backend): the demo streams to
# completion on Qt's wayland platform, and X11's frame pacing (DisplayFence) is not in use.
#   tests/ui/wayland/weston_demo.sh INKSTREAM_BINARY
set -euo pipefail
binary=$1
runtime=$(mktemp -d)
chmod 700 "$runtime"
log=$runtime/window.log
weston_pid=
window_pid=
stop() { # PID: SIGTERM, then SIGKILL after 5 s
    [ -n "$1" ] || return 0
    kill "$1" 2>/dev/null || return 0
    for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$1" 2>/dev/null && echo "weston_demo.sh: $1 ignored SIGTERM; killing it" >&2
    kill -9 "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}
cleanup() {
    stop "$window_pid"
    stop "$weston_pid"
    rm -rf "$runtime"
}
trap cleanup EXIT

export XDG_RUNTIME_DIR=$runtime
# The kiosk shell and no input method: weston then starts no helper clients of its own, which
# would outlive it.
cat > "$runtime/weston.ini" <<'INI'
[core]
shell=kiosk-shell.so
[input-method]
path=
INI
weston --backend=headless-backend.so --socket=inkstream-test --idle-time=0 \
    --config="$runtime/weston.ini" --log="$runtime/weston.log" &
weston_pid=$!
for _ in $(seq 100); do [ -S "$runtime/inkstream-test" ] && break; sleep 0.1; done
if [ ! -S "$runtime/inkstream-test" ]; then
    echo "weston did not start:" >&2
    cat "$runtime/weston.log" >&2 || true
    exit 1
fi

# Weston's headless backend has no seat (no keyboard, no pointer); Qt 6.4's wayland text-input
# context then dereferences the missing input device as soon as a text editor paints its cursor
# (QWaylandInputDevice::textInput, fixed in later Qt). Every desktop compositor has a seat; here
# the compose input context stands in for the compositor's.
env -u DISPLAY WAYLAND_DISPLAY=inkstream-test QT_QPA_PLATFORM=wayland QT_IM_MODULE=compose \
    INKSTREAM_STARTUP_REPORT=1 XDG_CONFIG_HOME="$runtime/config" XDG_STATE_HOME="$runtime/state" \
    "$binary" --demo --speed 10 > "$log" 2>&1 &
window_pid=$!
for _ in $(seq 600); do
    grep -q "inkstream-startup: complete" "$log" && break
    kill -0 "$window_pid" 2>/dev/null || break
    sleep 0.1
done
cat "$log"
grep -q "inkstream-startup: platform wayland fence inactive" "$log" || {
    echo "the window did not run on Wayland without the X11 fence" >&2
    exit 1
}
grep -q "inkstream-startup: complete" "$log" || {
    echo "the demo did not complete under Weston" >&2
    exit 1
}
echo "the demo streamed to completion under Weston (wayland, no display fence)"
