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

    def row_with(self, text):
        """Index of the first screen line containing text, or -1."""
        for y, line in enumerate(self.screen.display):
            if text in line:
                return y
        return -1


def console_env(home, sim, user="officer", lang="en", password="demo"):
    env = egovtest.egov_env(home)
    env.update({
        "EGOV_SERVER": sim.url,
        "EGOV_USER": user,
        "EGOV_LANG": lang,
        "EGOV_LOCALEDIR": os.path.join(egovtest.BUILDDIR, "po"),
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
