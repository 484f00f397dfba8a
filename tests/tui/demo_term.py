"""What the tui's end-to-end tests share: tests/tui/tui-demo started in a
pseudo-terminal read through pyte (tests/lib/term.py), waiting for it to
exit, and finding the selected row.  test-tui-e2e.py and
test-tui-screens.py import it from their own folder."""
import os
import time

import pyte
import tap
from term import Terminal


# pyte 0.8 lacks SU/SD (CSI S, CSI T), which ncurses uses to scroll a
# region by several lines on xterm; real terminals have them.
def _scroll_up(self, count=None):
    y, x = self.cursor.y, self.cursor.x
    top, bottom = self.margins or (0, self.lines - 1)
    self.cursor.y = bottom
    for _ in range(count or 1):
        self.index()
    self.cursor.y, self.cursor.x = y, x


def _scroll_down(self, count=None):
    y, x = self.cursor.y, self.cursor.x
    top, bottom = self.margins or (0, self.lines - 1)
    self.cursor.y = top
    for _ in range(count or 1):
        self.reverse_index()
    self.cursor.y, self.cursor.x = y, x


if "S" not in pyte.Stream.csi:
    pyte.Screen.scroll_up = _scroll_up
    pyte.Screen.scroll_down = _scroll_down
    pyte.Stream.csi = dict(pyte.Stream.csi, S="scroll_up", T="scroll_down")

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
    """Exit status once the process is reaped (the pty may report EOF a
    moment before the process can be waited for)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        t.pump(0.05)
        if not t.alive():
            return os.waitstatus_to_exitcode(t.status)
    raise TimeoutError("program did not exit:\n" + t.text())


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
