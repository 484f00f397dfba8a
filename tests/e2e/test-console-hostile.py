#!/usr/bin/env python3
"""Hostile text from the server leaves the console's screen intact: an
applicant name with escape sequences (a window title, clear screen, cursor
moves), a right-to-left override, and a very long name are written into
egov-sim's database; a comment with escapes is posted over HTTP.  The
console syncs them and shows them in a queue, the search and the dossier:
the breadcrumb and status bar stay where they are, the terminal's title
never changes, and the controls are shown as visible escapes."""
import os
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import egovtest
import tap
from console import console_env, open_console, teardown

ctx = {}
EVIL = "\x1b]0;pwned\x07Evil\x1b[2J\x1b[H\x1b[31mRed Nguyễn"
RLO = "Kế toán \u202efdp.exe"
LONG = "Trần " + "W" * 5000


def setup_module():
    sim = egovtest.Sim(dossiers=400).start()
    token = sim.login("officer")
    st, _, body = sim.request("GET", "/api/v1/dossiers?limit=3", token=token)
    assert st == 200 and len(body["items"]) >= 3, body
    ids = [d["id"] for d in body["items"]]
    sim.stop()
    db = sqlite3.connect(sim.db)
    for i, name in zip(ids, (EVIL, RLO, LONG)):
        db.execute("UPDATE dossiers SET applicant_name=?, version=version WHERE id=?",
                   (name, i))
    db.commit()
    db.close()
    sim = egovtest.Sim(db=sim.db, workdir=sim.workdir).start()
    token = sim.login("officer")
    st, _, resp = sim.request("POST", f"/api/v1/dossiers/{ids[0]}/actions",
                              {"action": "comment",
                               "text": "ok\x1b[2J\x1b[1;1Hgotcha\u202e\x9b31m"},
                              token=token,
                              headers={"Idempotency-Key":
                                       "6f1f2d1e-4a55-4c8f-9a8e-1d1f5e0c0a01"})
    ctx.update(sim=sim, home=egovtest.tempdir(), ids=ids, codes=[d["code"] for d in body["items"]])
    ctx["comment_ok"] = st == 200
    t = open_console(console_env(ctx["home"], sim))
    ctx["t"] = t


def teardown_module():
    teardown(ctx)


def intact(t):
    """The frame is where it belongs and nothing leaked to the terminal."""
    t.wait_settled()
    status = t.line(t.rows - 2)
    assert t.framed(), t.text()
    assert "outbox" in status, t.text()
    assert "pwned" not in (t.screen.title or ""), t.screen.title
    assert "\x1b" not in t.text()


def test_synced():
    t = ctx["t"]
    t.wait_for(lambda t: "synced just now" in t.line(t.rows - 2), timeout=60)
    intact(t)


def test_queue_with_hostile_names():
    t = ctx["t"]
    t.send(":queue all\r")
    t.wait_for("All dossiers")
    for _ in range(3):
        t.key("pgdn")
    t.key("home")
    t.wait_settled()
    intact(t)


def test_search_shows_escapes_visibly():
    t = ctx["t"]
    t.send("\x06")
    t.send("evil")
    t.wait_for("Evil", timeout=10)
    intact(t)
    assert "^[" in t.text(), t.text()
    t.key("enter")
    t.key("enter")
    t.wait_for("Dossier ")
    intact(t)
    t.send("\x0c")		# Ctrl-L: judge what the program meant to draw
    t.wait_for("Red Nguy")
    intact(t)


def test_comment_with_escapes():
    if not ctx["comment_ok"]:
        tap.skip("egov-sim refused the comment")
    t = ctx["t"]
    t.key("end")
    t.wait_settled()
    intact(t)
    assert "gotcha" in t.text() and "<U+202E>" in t.text(), t.text()


def test_rlo_and_long_name():
    t = ctx["t"]
    for code in ctx["codes"][1:]:
        t.send(":open " + code + "\r")
        t.wait_for("Dossier " + code)
        intact(t)
        for y in range(t.rows):
            assert len(t.line(y)) <= t.cols
    assert "<U+202E>" in t.text() or "WWWW" in t.text(), t.text()


def test_resize_with_hostile_text():
    t = ctx["t"]
    t.resize(50, 14)
    t.wait_for(lambda t: "·" in t.line(12), timeout=10)
    intact(t)
    t.resize(80, 24)
    t.wait_for(lambda t: "·" in t.line(22), timeout=10)
    intact(t)


tap.main(globals())
