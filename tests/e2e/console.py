"""Helpers for the console's end-to-end tests (tests/e2e/test-*.py).

ConsoleTerminal is tests/lib/term.py's Terminal with the three control
sequences ncurses sends for xterm-256color that pyte does not know: REP
(CSI n b, repeat the last character: ncurses clears runs of blanks with
it), SU and SD (CSI n S / CSI n T, scroll the region: a list scrolling
one row).  Without them the emulated screen keeps text the real terminal
would have erased, and tests would judge a screen nobody sees.

Console starts egov-sim and the real egov in a pseudo-terminal with its
own XDG folders, logged in through EGOV_PASSWORD as ./demo does."""
import os
import sqlite3
import subprocess
import sys

import pyte

import egovtest
from term import Terminal


class _Screen(pyte.Screen):
    _last = " "

    def draw(self, data):
        if data:
            self._last = data[-1]
        super().draw(data)

    def repeat_last(self, count=1, *rest, **kw):
        super().draw(self._last * max(1, count))

    def _region(self):
        top, bottom = 0, self.lines - 1
        if self.margins:
            top, bottom = self.margins.top, self.margins.bottom
        return top, bottom

    def scroll_up_n(self, count=1, *rest, **kw):
        y, x = self.cursor.y, self.cursor.x
        top, _ = self._region()
        self.cursor.y = top
        self.delete_lines(max(1, count))
        self.cursor.y, self.cursor.x = y, x

    def scroll_down_n(self, count=1, *rest, **kw):
        y, x = self.cursor.y, self.cursor.x
        top, _ = self._region()
        self.cursor.y = top
        self.insert_lines(max(1, count))
        self.cursor.y, self.cursor.x = y, x


class _Stream(pyte.ByteStream):
    csi = dict(pyte.ByteStream.csi, b="repeat_last", S="scroll_up_n",
               T="scroll_down_n")
    events = pyte.ByteStream.events | {"repeat_last", "scroll_up_n",
                                       "scroll_down_n"}


class ConsoleTerminal(Terminal):
    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.screen = _Screen(self.cols, self.rows)
        self.stream = _Stream(self.screen)

    def resize(self, cols, rows):
        super().resize(cols, rows)

    def row_with(self, text, start=1):
        """Index of the first line from `start` (below the breadcrumb)
        containing text, or -1."""
        for y, line in enumerate(self.screen.display):
            if y >= start and text in line:
                return y
        return -1

    def wait_exit(self, timeout=20.0):
        """Wait for the process itself, not only for the terminal to close:
        egov closes the terminal first and frees the rest after (and under
        ASan checks for leaks), so the pty may hang up before it exits."""
        import time
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.pump(0.05) < 0:
                time.sleep(0.02)	# nothing more to read: the pty hung up
            if not self.alive():
                return os.waitstatus_to_exitcode(self.status)
        raise TimeoutError("program did not exit:\n" + self.text())

    def quit_from_anywhere(self):
        """Back to home with q, then Q: keys only, no command line."""
        for _ in range(20):
            if self.line(0).strip() == "Home":
                break
            self.send("q")
            self.wait_settled()
        self.send("Q")
        return self.wait_exit(30)

    def framed(self):
        """The breadcrumb on top and the status bar above the last line."""
        top = self.line(0)
        return (("Home" in top or top.lstrip().startswith("…")) and
                "·" in self.line(self.rows - 2))


def localedir(home):
    """The Vietnamese catalog compiled from po/vi.po into home, so the
    tests need no `make install` and never see a stale vi.gmo."""
    d = os.path.join(home, "locale")
    mo = os.path.join(d, "vi", "LC_MESSAGES", "egov-console.mo")
    if not os.path.exists(mo):
        os.makedirs(os.path.dirname(mo), exist_ok=True)
        subprocess.run(["msgfmt", "-o", mo,
                        os.path.join(egovtest.SRCDIR, "po", "vi.po")], check=True)
    return d


def console_env(home, sim, user="officer", lang="en", password="demo"):
    env = egovtest.egov_env(home)
    env.update({
        "EGOV_SERVER": sim.url,
        "EGOV_USER": user,
        "EGOV_LANG": lang,
        "EGOV_LOCALEDIR": localedir(home),
    })
    if password:
        env["EGOV_PASSWORD"] = password
    return env


def open_console(env, cols=80, rows=24):
    t = ConsoleTerminal([egovtest.EGOV], cols=cols, rows=rows, env=env)
    return t.start()


def audit_count(db, dossier_id, action):
    """Rows of egov-sim's audit log that changed dossier_id by action (not
    idempotent replays)."""
    con = sqlite3.connect(db)
    try:
        return con.execute(
            "SELECT count(*) FROM audit WHERE dossier_id=? AND action=? "
            "AND replay=0 AND status=200", (dossier_id, action)).fetchone()[0]
    finally:
        con.close()


def log(*a):
    print("#", *a, file=sys.stderr)
