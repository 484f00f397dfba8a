#!/usr/bin/env python3
"""Working offline, end to end: with egov-sim stopped the officer receives
a dossier in the console, quits, and opens the console again (still
offline: the saved session stands in); egov-sim comes back on the same
database and port; a sync pushes the action, which reaches the server
exactly once (counted in egov-sim's audit log)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import egovtest
import tap
from console import audit_count, console_env, open_console, start_sim, teardown

ctx = {}


def outbox_field(t):
    """The status bar's "outbox N" part, or None while a message covers
    the status bar (a sync just started says so there)."""
    parts = t.line(t.rows - 2).split("│")[0].split("·")
    return parts[2] if len(parts) > 2 else None


def setup_module():
    sim = start_sim(ctx, 400)
    ctx["env"] = console_env(ctx["home"], sim)


def teardown_module():
    teardown(ctx)


def test_first_sync_online():
    t = open_console(ctx["env"])
    ctx["t"] = t
    t.wait_for(lambda t: "synced just now" in t.line(t.rows - 2), timeout=60)
    st, _, body = ctx["sim"].request("GET", "/api/v1/dossiers?state=submitted&limit=3",
                                     token=ctx["token"])
    assert st == 200 and body["items"], body
    ctx["d"] = body["items"][0]


def test_act_while_the_server_is_down():
    t, d, sim = ctx["t"], ctx["d"], ctx["sim"]
    sim.stop()
    t.send(":open " + d["code"] + "\r")
    t.wait_for("Dossier " + d["code"])
    t.send("r")
    t.wait_for("Note")
    t.key("enter")
    t.wait_for("pending")
    t.send(":outbox\r")
    t.wait_for("Outbox")
    t.wait_for(lambda t: t.row_with(d["code"][-11:]) > 0)
    line = t.line(t.row_with(d["code"][-11:]))
    assert "Receive" in line and ("waiting" in line or "retry" in line or
                                  "in flight" in line), line
    t.wait_for(lambda t: "offline" in t.line(t.rows - 2).lower(), timeout=30)


def test_quit_and_restart_offline():
    t = ctx["t"]
    t.send(":quit\r")
    assert t.wait_exit(20) == 0
    t.close()
    # Again, this time in Vietnamese, as ./demo opens it.
    env = dict(ctx["env"], EGOV_LANG="vi")
    t = open_console(env)
    ctx["t"] = t
    t.wait_for("Tất cả hồ sơ", timeout=30)
    assert "Quá hạn" in t.text() and "Trang chủ" in t.line(0), t.text()
    t.wait_for(lambda t: "1" in (outbox_field(t) or ""), timeout=10)
    t.send(":outbox\r")
    t.wait_for("Hộp thư đi")
    t.wait_for(lambda t: t.row_with(ctx["d"]["code"][-11:]) > 1)
    line = t.line(t.row_with(ctx["d"]["code"][-11:]))
    assert "Tiếp nhận" in line, line
    t.send("q")


def test_back_online_exactly_once():
    t, d, old = ctx["t"], ctx["d"], ctx["sim"]
    sim = egovtest.Sim(db=old.db, workdir=old.workdir,
                       extra=["--listen", f"127.0.0.1:{old.port}"]).start()
    ctx["sim"] = sim
    assert sim.port == old.port
    t.send("R")
    t.wait_for(lambda t: outbox_field(t) is not None and "1" not in outbox_field(t) and
               "OFFLINE" not in t.line(t.rows - 2).upper(), timeout=60)
    token = sim.login("officer")
    st, _, body = sim.request("GET", "/api/v1/dossiers/" + d["id"], token=token)
    assert st == 200 and body["state"] == "received", body
    assert sum(1 for h in body["history"] if h.get("action") == "receive") == 1
    # A second round must not send it again.
    t.send(":sync\r")
    t.wait_for(lambda t: "·" in t.line(t.rows - 2), timeout=30)
    t.wait_settled(quiet=1.0)
    sim.stop()
    ctx["sim"] = None
    assert audit_count(old.db, d["id"], "receive") == 1


tap.main(globals())
