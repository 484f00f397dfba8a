"""What the tui's end-to-end tests share: tests/tui/tui-demo started in a
pseudo-terminal read through pyte (tests/lib/term.py), waiting for it to
exit, and finding the selected row.  test-tui-e2e.py and
test-tui-screens.py import it from their own folder."""
import os

import tap
from term import Terminal


DEMO = os.path.join(os.environ.get("EGOV_BUILDDIR", "."), "tests/tui/tui-demo")
ESC = "\x1b"


def env(**extra):
    e = dict(os.environ)
    e.setdefault("LC_ALL", "C.UTF-8")
    e.pop("NO_COLOR", None)
    e.update(extra)
    return e


def start(cols=80, rows=24, term="xterm-256color", **extra):
    t = Terminal([DEMO], cols=cols, rows=rows, env=env(**extra), term=term)
    t.start()
    t.wait_for("HS-000000")
    t.wait_settled()
    return t


def wait_gone(t, timeout=20.0):
    """Exit status once the process is reaped."""
    return t.wait_exit(timeout)


def quit_cleanly(t):
    try:
        if t.alive():
            t.key("esc")
        code = wait_gone(t)
        tap.eq(code, 0, "exit status (86 means a leak under ASan)")
    finally:
        t.close()


def selected_row(t):
    """The screen row whose first column is drawn in reverse video."""
    for y in range(t.rows):
        if t.screen.buffer[y][1].reverse and "HS-" in t.line(y):
            return y
    return None


def settled_text(t):
    """The screen once the program stops writing."""
    t.wait_settled()
    return t.text()


def repainted_text(t):
    """The screen after Ctrl-L: what the program means to show, drawn on
    a cleared terminal.  A screen equal to it holds no stale text."""
    t.send("\x0c")
    t.wait_settled()
    return t.text()
