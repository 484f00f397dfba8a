"""Helpers for the console's end-to-end tests (tests/e2e/test-*.py).

ConsoleTerminal is tests/lib/term.py's Terminal (which already knows the
sequences ncurses sends that pyte lacks) with what the console's screens
have in common: finding a row, quitting from anywhere, the frame.

Console starts egov-sim and the real egov in a pseudo-terminal with its
own XDG folders, logged in through EGOV_PASSWORD as ./demo does."""
import os
import sqlite3
import subprocess
import sys

import egovtest
from term import Terminal


class ConsoleTerminal(Terminal):
    def row_with(self, text, start=1):
        """Index of the first line from `start` (below the breadcrumb)
        containing text, or -1."""
        for y, line in enumerate(self.screen.display):
            if y >= start and text in line:
                return y
        return -1

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


def start_sim(ctx, dossiers, user="officer", **kw):
    """A fresh egov-sim holding `dossiers` dossiers and an empty home for
    the console, put in ctx as sim and home, with token when `user` (None
    for no one) is logged in.  Returns the sim."""
    sim = egovtest.Sim(dossiers=dossiers, **kw).start()
    ctx.update(sim=sim, home=egovtest.tempdir())
    if user:
        ctx["token"] = sim.login(user)
    return sim


def teardown(ctx):
    """What every script's teardown_module does: close the console if one
    was opened, stop egov-sim unless a test left it stopped (ctx["sim"]
    None), remove the home folder."""
    if "t" in ctx:
        ctx["t"].close()
    if ctx.get("sim"):
        ctx["sim"].stop()
    egovtest.rmtree(ctx["home"])


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
