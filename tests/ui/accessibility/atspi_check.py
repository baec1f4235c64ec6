#!/usr/bin/python3
"""Reads the running window as a screen reader does, through AT-SPI.

Run inside a private D-Bus session (dbus-run-session), with INKSTREAM_BINARY naming the
built program: starts a private Xvfb, the window on the local demo with Qt's AT-SPI bridge on,
and checks that the editor, file list, chat, composer and tracker are named and focusable and
that the tracker's value is readable. Exits non-zero, saying what is missing, otherwise.
"""
import os
import subprocess
import sys
import tempfile
import time

import pyatspi

WANTED = {  # accessible name -> a role it may have
    "Files": {pyatspi.ROLE_LIST, pyatspi.ROLE_TABLE, pyatspi.ROLE_TREE_TABLE},
    "Code editor": {pyatspi.ROLE_TEXT, pyatspi.ROLE_EDITBAR, pyatspi.ROLE_ENTRY,
                    pyatspi.ROLE_DOCUMENT_TEXT},
    "AI narration": {pyatspi.ROLE_SCROLL_PANE, pyatspi.ROLE_FILLER},  # Qt: a QScrollArea is a filler
    "Prompt": {pyatspi.ROLE_TEXT, pyatspi.ROLE_EDITBAR, pyatspi.ROLE_ENTRY},
    "Progress": {pyatspi.ROLE_PROGRESS_BAR},
}


def start_xvfb():
    read_end, write_end = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-screen", "0",
                             "1280x800x24", "-nolisten", "tcp"], pass_fds=[write_end])
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        display = pipe.readline().strip()
    if not display:
        xvfb.kill()
        sys.exit("Xvfb did not start")
    return xvfb, ":" + display


def find_application(name, deadline):
    while time.monotonic() < deadline:
        desktop = pyatspi.Registry.getDesktop(0)
        for index in range(desktop.childCount):
            app = desktop.getChildAtIndex(index)
            if app is not None and app.name == name:
                return app
        time.sleep(0.2)
    return None


def walk(node, found, depth=0):
    if node is None or depth > 40:
        return
    try:
        name = node.name
        # A pane's title label may carry the same text: the pane is the one with its role.
        if name in WANTED and name not in found and node.getRole() in WANTED[name]:
            found[name] = node
        for index in range(node.childCount):
            walk(node.getChildAtIndex(index), found, depth + 1)
    except Exception:  # a node that went away while being read
        return


def check_window(binary, arguments, wanted, need_value):
    """Starts the window with `arguments` and checks the panes named in `wanted`."""
    xvfb, display = start_xvfb()
    config = tempfile.mkdtemp(prefix="inkstream-atspi-")
    env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb",
               QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1", QT_ACCESSIBILITY="1",
               XDG_CONFIG_HOME=config, XDG_STATE_HOME=config)
    window = subprocess.Popen([binary] + arguments, env=env)
    problems = []
    try:
        deadline = time.monotonic() + 60
        app = find_application("inkstream", deadline)
        if app is None:
            return [f"{' '.join(arguments)}: the window never appeared on the AT-SPI bus"]
        found = {}
        while time.monotonic() < deadline:
            found = {}
            walk(app, found)
            value = 0.0
            if "Progress" in found:
                try:
                    value = found["Progress"].queryValue().currentValue
                except NotImplementedError:
                    value = -1
            if all(name in found for name in wanted) and (not need_value or value > 0):
                break
            time.sleep(0.5)
        for name in wanted:
            node = found.get(name)
            if node is None:
                problems.append(f"no accessible named {name!r}")
                continue
            states = node.getState()
            print(f"{name}: {node.getRoleName()}, "
                  f"focusable={states.contains(pyatspi.STATE_FOCUSABLE)}")
            if node.getRole() not in WANTED[name]:
                problems.append(f"{name!r} has role {node.getRoleName()}")
            if not states.contains(pyatspi.STATE_FOCUSABLE):
                problems.append(f"{name!r} is not focusable")
        tracker = found.get("Progress")
        if need_value and tracker is not None:
            value = tracker.queryValue()
            text = tracker.description
            print(f"Progress: value {value.currentValue} of {value.maximumValue}; {text!r}")
            if not 0 < value.currentValue <= value.maximumValue == 100:
                problems.append(f"the tracker's value is {value.currentValue} of "
                                f"{value.maximumValue}")
            if "%" not in text:
                problems.append(f"the tracker's description says {text!r}")
    finally:
        window.terminate()
        try:
            window.wait(10)
        except subprocess.TimeoutExpired:
            window.kill()
        xvfb.terminate()
        xvfb.wait()
    return problems


def main():
    binary = os.environ["INKSTREAM_BINARY"]
    # The demo: files, editor, narration and the tracker with its value.
    problems = check_window(binary, ["--demo", "--speed", "2"],
                            ["Files", "Code editor", "AI narration", "Progress"], True)
    # A chat endpoint adds the prompt box (no request is made until a prompt is sent).
    problems += check_window(binary, ["--connect", "http://127.0.0.1:9/v1", "--dialect", "openai",
                                      "--model", "m"], ["Prompt"], False)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    print("every pane is named and focusable; the tracker's value is readable")
    return 0


if __name__ == "__main__":
    sys.exit(main())
