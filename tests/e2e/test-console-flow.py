#!/usr/bin/env python3
"""The officer's day, end to end: the real egov in a terminal emulator
against a real egov-sim.  Log in, sync, find a dossier by typing its
applicant's name without diacritics, open it, receive it, see it pending,
sync, and see the server's new state over HTTP; then the ':' command line
and a resize in the middle of work."""
import os
import sys
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import tap
from console import console_env, open_console, start_sim, teardown

ctx = {}


def fold(s):
    s = unicodedata.normalize("NFD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return s.replace("đ", "d").replace("Đ", "D").lower()


def setup_module():
    # A little latency keeps a pushed action visibly pending on screen.
    sim = start_sim(ctx, 400, fault="latency=300ms")
    st, _, me = sim.request("GET", "/api/v1/me", token=ctx["token"])
    assert st == 200, me
    ctx["me"] = me
    t = open_console(console_env(ctx["home"], sim))
    ctx["t"] = t


def teardown_module():
    teardown(ctx)


def test_opens_logged_in():
    t = ctx["t"]
    t.wait_for(ctx["me"]["full_name"], timeout=30)
    status = t.line(t.rows - 2)
    assert ctx["me"]["full_name"] in status, status
    assert "officer" in status, status


def test_sync_fills_the_counters():
    t = ctx["t"]
    t.wait_for(lambda t: "synced just now" in t.text() or "synced 1 min" in t.text(),
               timeout=60)
    t.wait_for("All dossiers")
    y = t.row_with("All dossiers")
    count = int(t.line(y).split()[-1])
    assert count > 0, t.text()


def test_find_by_name_without_diacritics():
    t, sim = ctx["t"], ctx["sim"]
    st, _, body = sim.request("GET", "/api/v1/dossiers?state=submitted&limit=5",
                              token=ctx["token"])
    assert st == 200 and body["items"], body
    d = body["items"][0]
    ctx["d"] = d
    words = fold(d["applicant_name"]).split()
    typed = " ".join(words[-2:]) + " " + d["code"][-4:]
    t.send("\x06")				# Ctrl-F: search from anywhere
    t.wait_for("Search")
    t.send(typed)
    t.wait_for(d["code"][-11:], timeout=10)
    assert d["applicant_name"].split()[-1] in t.text(), t.text()


def test_open_and_receive():
    t, d = ctx["t"], ctx["d"]
    t.key("enter")				# end typing
    t.key("enter")				# open the dossier
    t.wait_for("Dossier " + d["code"])
    t.send("r")
    t.wait_for("Note")
    t.send("Nhận hồ sơ đủ giấy tờ")
    t.key("enter")
    t.wait_for(lambda t: "pending" in t.text() or "queued" in t.text())
    assert "received" in t.text(), t.text()


def test_outbox_shows_it():
    t, d = ctx["t"], ctx["d"]
    t.send(":outbox\r")
    t.wait_for("Outbox")
    t.wait_for(lambda t: t.row_with(d["code"][-11:]) > 1)
    y = t.row_with(d["code"][-11:])
    assert "Receive" in t.line(y), t.line(y)


def test_sync_reaches_the_server():
    t, sim, d = ctx["t"], ctx["sim"], ctx["d"]
    t.send("R")
    t.wait_for(lambda t: "done" in t.line(t.row_with(d["code"][-11:])), timeout=30)
    st, _, body = sim.request("GET", "/api/v1/dossiers/" + d["id"], token=ctx["token"])
    assert st == 200 and body["state"] == "received", body
    assert any(h.get("action") == "receive" for h in body["history"]), body["history"]
    t.wait_for(lambda t: "outbox 0" in t.line(t.rows - 2), timeout=10)


def test_the_dossier_shows_the_servers_state():
    t, d = ctx["t"], ctx["d"]
    t.send(":open " + d["code"] + "\r")
    t.wait_for("Dossier " + d["code"])
    t.wait_for(lambda t: "State: received" in t.text() and "pending" not in t.text(),
               timeout=30)


def test_command_line_queue_and_help():
    t = ctx["t"]
    t.send(":queue overdue\r")
    t.wait_for("Overdue")
    t.wait_for(lambda t: "Due" in t.line(1))
    t.send("?")
    t.wait_for("Act on the tagged dossiers")
    t.send("q")
    t.wait_for(lambda t: "Act on the tagged" not in t.text())


def test_resize_keeps_the_screen_whole():
    t = ctx["t"]
    t.send("\x06nguyen")
    t.wait_for(lambda t: t.row_with("Nguy", 2) > 1)
    for cols, rows in ((60, 16), (120, 30), (40, 12), (80, 24)):
        t.resize(cols, rows)
        t.wait_settled()
        t.wait_for(lambda t: t.framed() and t.row_with("Nguy", 2) > 1, timeout=10)
        for y in range(rows):
            assert len(t.line(y)) <= cols, t.line(y)
    t.key("enter")			# end typing the filter


def test_quit():
    t = ctx["t"]
    t.key("enter")
    assert t.quit_from_anywhere() == 0


tap.main(globals())
