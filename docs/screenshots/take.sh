#!/usr/bin/env bash
# Takes the README's screenshots again: docs/screenshots/take.sh [BUILD_DIR] [GROUP...]
# GROUP is demo, conflict, chat, tap, connection, steps, failed, small or focus; all of them when
# none is named.
# Each shot runs the real `inkstream` window in a private Xvfb with a fresh configuration;
# xdotool finds the window, types into it and presses shortcuts where a state needs a user, and
# ImageMagick's `import` captures the window. Needs: Xvfb, xdotool, imagemagick, curl, and node
# for the chat group.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$root/build
if [ $# -gt 0 ] && [ -d "$1" ]; then
    build=$1
    shift
fi
groups=("$@")
[ ${#groups[@]} -gt 0 ] || groups=(demo conflict chat tap connection steps failed small focus)
inkstream=$build/app/inkstream
out=$root/docs/screenshots
work=$(mktemp -d)
pids=()
cleanup()
{
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
for tool in Xvfb xdotool import curl; do
    command -v "$tool" >/dev/null || { echo "take.sh: $tool is missing" >&2; exit 1; }
done
[ -x "$inkstream" ] || { echo "take.sh: build $inkstream first" >&2; exit 1; }

display=:$((90 + RANDOM % 9))
Xvfb "$display" -screen 0 1440x900x24 -nolisten tcp >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 50); do xdpyinfo -display "$display" >/dev/null 2>&1 && break; sleep 0.1; done
export DISPLAY=$display

gui=
start_gui() # ARGS...: the window with a fresh configuration, no saved geometry or preferences
{
    XDG_CONFIG_HOME=$(mktemp -d -p "$work") XDG_STATE_HOME=$(mktemp -d -p "$work") \
        QT_QPA_PLATFORM=xcb "$inkstream" "$@" >>"$work/gui.log" 2>&1 &
    gui=$!
    pids+=("$gui")
    # By class: the title changes with the session ("SESSION — Inkstream").
    window=$(xdotool search --sync --onlyvisible --classname inkstream | head -1)
}
stop_gui()
{
    kill "$gui"
    wait "$gui" 2>/dev/null || true
}
shoot() # NAME
{
    sleep 0.5 # let the last frame paint
    import -window "$window" "$out/$1.png"
    echo "wrote docs/screenshots/$1.png"
}
wait_for_title() # TEXT TIMEOUT_SECONDS
{
    for _ in $(seq $(($2 * 10))); do
        xdotool getwindowname "$window" | grep -q -- "$1" && return 0
        sleep 0.1
    done
    echo "take.sh: the window title never showed '$1'" >&2
    return 1
}

chat() # posts the NDJSON events on stdin to the session at $url
{
    curl -fsS -o /dev/null -H 'Content-Type: application/x-ndjson' --data-binary @- "$url/events"
}

shots_demo()
{
for theme in dark light; do
    # The local demo at its normal pace, about a third of the way through.
    start_gui --demo --theme "$theme"
    sleep 14
    shoot "demo-midstream-$theme"
    # The debug console (Ctrl+Shift+D) over the same session. Without a window manager the
    # window becomes active (so its shortcuts work) when it is clicked.
    xdotool mousemove --window "$window" 700 400 click 1
    xdotool key ctrl+shift+d
    shoot "debug-console-$theme"
    stop_gui

    # The same demo, faster, once the session is complete.
    start_gui --demo --speed 4 --theme "$theme"
    wait_for_title '(complete)' 120
    sleep 1
    shoot "demo-complete-$theme"
    stop_gui
done
}

# The conflict prompt: a headless publisher types retry.py, the user edits it in the window,
# then the AI writes the file again.
shots_conflict()
{
"$inkstream" serve --port 0 --ephemeral >"$work/serve.out" 2>>"$work/serve.log" &
pids+=($!)
for _ in $(seq 50); do [ -s "$work/serve.out" ] && break; sleep 0.1; done
url=$(head -1 "$work/serve.out")
cat >"$work/retry.py" <<'EOF'
"""Retries an HTTP call with exponential backoff and full jitter."""
import random
import time

MAX_ATTEMPTS = 4
BASE_DELAY = 0.5  # seconds


def with_retries(call, retriable=(ConnectionError, TimeoutError)):
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            return call()
        except retriable:
            if attempt == MAX_ATTEMPTS:
                raise
            time.sleep(random.uniform(0, BASE_DELAY * 2 ** (attempt - 1)))
EOF
sed -e 's/MAX_ATTEMPTS = 4/MAX_ATTEMPTS = 6/' -e 's/BASE_DELAY = 0.5 /BASE_DELAY = 0.25/' \
    "$work/retry.py" >"$work/retry-v2.py"
start_gui --connect "$url" --theme dark
chat <<'EOF'
{"event":"chat","messageId":"u1","role":"user","type":"start","delta":"Add a retry helper for the HTTP client."}
{"event":"chat","messageId":"u1","role":"user","type":"complete"}
{"event":"chat","messageId":"a1","role":"assistant","type":"start","delta":"Here is `retry.py`: exponential backoff with full jitter, four attempts."}
{"event":"chat","messageId":"a1","role":"assistant","type":"complete"}
EOF
"$inkstream" publish --delay-ms 5 "$url" "$work/retry.py" >/dev/null
sleep 3 # typed and complete: the file is editable now
# The user changes the limit in the editor (line 5, after "MAX_ATTEMPTS = 4").
xdotool mousemove --window "$window" 700 400 click 1
xdotool key ctrl+Home Down Down Down Down End BackSpace
xdotool type --delay 20 '5  # ops asked for five'
chat <<'EOF'
{"event":"chat","messageId":"a2","role":"assistant","type":"start","delta":"Tuning it: six attempts, a shorter base delay."}
{"event":"chat","messageId":"a2","role":"assistant","type":"complete"}
EOF
"$inkstream" publish --delay-ms 5 --as retry.py "$url" "$work/retry-v2.py" >/dev/null
sleep 3
shoot conflict-prompt-dark
stop_gui
}

# A chat reply streaming its code block into the editor: the OpenAI-compatible mock of the
# test suite, paced slowly, asked through the window's own prompt box (--prompt sends the
# first one), captured while sum.js is being written.
shots_chat()
{
node "$root/tests/dialects/servers/openai.js" --delay 250 >"$work/openai.out" 2>>"$work/openai.log" &
pids+=($!)
for _ in $(seq 50); do [ -s "$work/openai.out" ] && break; sleep 0.1; done
port=$(head -1 "$work/openai.out")
start_gui --connect "http://127.0.0.1:$port/v1" --dialect openai --model mock-1 \
    --token test-key --prompt 'Write sum.js: a function that adds two numbers.' --theme dark
sleep 3.2
shoot chat-reply-streaming-dark
stop_gui
}

# The window as a tap (docs/tap.md): `inkstream --tap` in front of the test suite's upstream,
# paced slowly, and a client (the official openai npm client) calling through the base URL the
# window shows; captured while rate_limiter.py is being written.
shots_tap()
{
node "$root/tests/dialects/servers/tapupstream.js" --slow 45 --reply "$out/tap-reply.md" \
    >"$work/tapupstream.out" 2>>"$work/tapupstream.log" &
pids+=($!)
for _ in $(seq 50); do [ -s "$work/tapupstream.out" ] && break; sleep 0.1; done
port=$(head -1 "$work/tapupstream.out")
: >"$work/gui.log"
start_gui --tap "http://127.0.0.1:$port/v1" --theme dark
base=
for _ in $(seq 100); do
    base=$(sed -n 's/.*point OpenAI-compatible clients at \(http[^ ]*\).*/\1/p' "$work/gui.log" | head -1)
    [ -n "$base" ] && break
    sleep 0.1
done
node "$root/tests/tap/openaiclient.js" stream "$base" test-key slow \
    'Write a thread-safe token-bucket rate limiter in Python.' >/dev/null &
pids+=($!)
sleep 6
shoot tap
stop_gui
}

# A source's own steps in the tracker: seed 004's autopilot (the test suite's writing-flow
# server) held after `outline` started, so Search and Strategy are done and Outline runs.
shots_steps()
{
node "$root/tests/dialects/servers/writingflow.js" >"$work/writingflow.out" 2>>"$work/writingflow.log" &
pids+=($!)
for _ in $(seq 50); do [ -s "$work/writingflow.out" ] && break; sleep 0.1; done
port=$(head -1 "$work/writingflow.out")
start_gui --connect "http://127.0.0.1:$port/api/autopilot/stream?taskId=t1&holdAt=4&interval=300" \
    --dialect writing-flow --theme dark
sleep 3
shoot source-steps
stop_gui
}

# The publisher goes away mid-file and comes back: `serve` keeps the session in a log
# (--data-dir), is killed with SIGKILL while it types store.py, and is started again with the
# same arguments; it restores the session and goes on typing, and the window resumes after the
# last event it had. Shot once while the connection is lost and once after the session is done.
shots_connection()
{
local port=18555 data=$work/shot-data
serve_shot()
{
    : >"$work/shot-serve.out"
    "$inkstream" serve --port "$port" --session shot --data-dir "$data" \
        >"$work/shot-serve.out" 2>>"$work/shot-serve.log" &
    serve_pid=$!
    pids+=("$serve_pid")
    for _ in $(seq 50); do [ -s "$work/shot-serve.out" ] && break; sleep 0.1; done
    url=$(head -1 "$work/shot-serve.out")
}
serve_shot
start_gui --connect "$url" --theme dark
chat <<'EOF'
{"event":"chat","messageId":"u1","role":"user","type":"start","delta":"Write the link store for the URL shortener: SQLite, with expiry."}
{"event":"chat","messageId":"u1","role":"user","type":"complete"}
{"event":"step","step":"planning","status":"start","detail":"Reading the request..."}
{"event":"chat","messageId":"a1","role":"assistant","type":"start","delta":"Here is `store.py`: a small SQLite-backed store with expiring links and a hit counter."}
{"event":"chat","messageId":"a1","role":"assistant","type":"complete"}
{"event":"step","step":"planning","status":"complete"}
{"event":"step","step":"generating","status":"start","detail":"Writing store.py"}
{"event":"progress","percent":35,"detail":"Writing store.py"}
EOF
# publish returns once the file is in the log; serve types it at 1,000 characters a second.
"$inkstream" publish "$url" "$root/resources/demo/files/store.py" --delay-ms 5 --complete \
    >/dev/null
sleep 1.5
kill -9 "$serve_pid"
wait "$serve_pid" 2>/dev/null || true
sleep 3 # the display shows what had arrived, then holds still
shoot connection-lost-dark
serve_shot
wait_for_title '(complete)' 60
chat <<'EOF'
{"event":"step","step":"generating","status":"complete"}
{"event":"step","step":"validating","status":"start","detail":"Checking the module..."}
{"event":"step","step":"validating","status":"complete"}
{"event":"step","step":"complete","status":"complete"}
{"event":"progress","percent":100,"detail":"Done"}
EOF
sleep 1
shoot connection-back-dark
stop_gui
kill "$serve_pid"
wait "$serve_pid" 2>/dev/null || true
}

# A connection that never succeeds: a port nobody listens on, after the retries.
shots_failed()
{
local port
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
start_gui --connect "http://127.0.0.1:$port/api/sessions/typo" --theme dark
sleep 4 # the first attempts: "Could not connect to … (Connection refused) · retrying"
shoot connect-failed-dark
stop_gui
}

# An 800×600 screen: the first window fits it, with the tracker and status bar in view.
shots_small()
{
local small=:$((80 + RANDOM % 9))
Xvfb "$small" -screen 0 800x600x24 -nolisten tcp >/dev/null 2>&1 &
local xvfb=$!
pids+=("$xvfb")
for _ in $(seq 50); do xdpyinfo -display "$small" >/dev/null 2>&1 && break; sleep 0.1; done
DISPLAY=$small start_gui --demo --theme dark
sleep 12
DISPLAY=$small import -window root "$out/small-screen-dark.png"
echo "wrote docs/screenshots/small-screen-dark.png"
stop_gui
kill "$xvfb"
}

# Keyboard focus in both themes: Tab from the file list to the first toolbar button.
shots_focus()
{
for theme in dark light; do
    start_gui --demo --speed 4 --theme "$theme"
    wait_for_title '(complete)' 120
    # No window manager gives the window the keyboard: take it, then click into the file list.
    xdotool windowfocus --sync "$window"
    xdotool mousemove --window "$window" 100 200 click 1
    sleep 0.3
    shoot "focus-files-$theme"
    stop_gui
done
}

for group in "${groups[@]}"; do
    case $group in
    demo | conflict | chat | tap | connection | steps | failed | small | focus) "shots_$group" ;;
    *)
        echo "take.sh: unknown group '$group' (demo, conflict, chat, tap, connection, steps," \
            "failed, small, focus)" >&2
        exit 2
        ;;
    esac
done
