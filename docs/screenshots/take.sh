#!/usr/bin/env bash
# Takes the README's screenshots again: docs/screenshots/take.sh [BUILD_DIR]
# Each shot runs the real `inkstream` window in a private Xvfb with a fresh configuration;
# xdotool finds the window, types into it and presses shortcuts where a state needs a user, and
# ImageMagick's `import` captures the window. Needs: Xvfb, xdotool, imagemagick, curl.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$root/build}
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
    XDG_CONFIG_HOME=$(mktemp -d -p "$work") QT_QPA_PLATFORM=xcb "$inkstream" "$@" \
        >>"$work/gui.log" 2>&1 &
    gui=$!
    pids+=("$gui")
    window=$(xdotool search --sync --onlyvisible --name '^Inkstream' | head -1)
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

# The conflict prompt: a headless publisher types retry.py, the user edits it in the window,
# then the AI writes the file again.
"$inkstream" serve --port 0 >"$work/serve.out" 2>>"$work/serve.log" &
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
chat()
{
    curl -fsS -o /dev/null -H 'Content-Type: application/x-ndjson' --data-binary @- "$url/events"
}
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

# A chat reply streaming its code block into the editor: the OpenAI-compatible mock of the
# test suite, paced slowly, asked through the window's own prompt box (--prompt sends the
# first one), captured while sum.js is being written.
node "$root/tests/dialects/servers/openai.js" --delay 250 >"$work/openai.out" 2>>"$work/openai.log" &
pids+=($!)
for _ in $(seq 50); do [ -s "$work/openai.out" ] && break; sleep 0.1; done
port=$(head -1 "$work/openai.out")
start_gui --connect "http://127.0.0.1:$port/v1" --dialect openai --model mock-1 \
    --token test-key --prompt 'Write sum.js: a function that adds two numbers.' --theme dark
sleep 3.2
shoot chat-reply-streaming-dark
stop_gui
