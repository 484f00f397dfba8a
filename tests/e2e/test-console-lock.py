#!/usr/bin/env python3
"""The auto-lock, end to end: idle for the configured time (here
EGOV_AUTO_LOCK_S=2 seconds), the console hides the open dossier and the
form over it behind a lock screen that takes every key; the sync goes on
underneath (a change made on the server meanwhile is in the cache after
unlocking); a wrong password is refused, the right one checked with the
server unlocks; with the server down, the password is checked against the
hash kept in memory; and the lock speaks Vietnamese."""
import os
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import egovtest
import tap
from console import console_env, open_console, start_sim, teardown

ctx = {}


def setup_module():
    sim = start_sim(ctx, 400)
    st, _, body = sim.request("GET", "/api/v1/dossiers?state=submitted&limit=3",
                              token=ctx["token"])
    assert st == 200 and len(body["items"]) >= 2, body
    ctx["d"], ctx["d2"] = body["items"][0], body["items"][1]


def teardown_module():
    teardown(ctx)


def locked(t):
    return "The console is locked." in t.text() and t.line(0).strip() == "Locked"


def test_idle_locks_and_hides_everything():
    env = console_env(ctx["home"], ctx["sim"])
    env.update(EGOV_AUTO_LOCK_S="2", EGOV_SYNC_INTERVAL="5")
    t = open_console(env)
    ctx["t"] = t
    t.wait_for(lambda t: "synced just now" in t.line(t.rows - 2), timeout=60)
    code = ctx["d"]["code"]
    t.send(":open " + code + "\r")
    t.wait_for("Dossier " + code)
    t.send("m")                 # a comment form floats over the dossier
    t.wait_for("Comment")
    t.wait_for(locked, timeout=10)
    t.wait_settled()            # the whole frame, not the first bytes of it
    text = t.text()
    assert code not in text, text
    assert ctx["d"]["applicant_name"] not in text, text
    assert "officer" in text, text


def test_keys_do_not_leak_and_sync_goes_on():
    t, sim = ctx["t"], ctx["sim"]
    t.send("q")
    t.send(":")
    t.key("esc")
    t.key("ctrl-c")
    t.wait_settled()
    assert locked(t), t.text()
    # Meanwhile someone receives another dossier on the server.
    d2 = ctx["d2"]
    st, _, body = sim.request("POST", f"/api/v1/dossiers/{d2['id']}/actions",
                              {"action": "receive"}, token=ctx["token"],
                              headers={"If-Match": f'"{d2["version"]}"',
                                       "Idempotency-Key": "lock-test-receive-1"})
    assert st == 200, body
    # The sync runs underneath: the change reaches the cache while locked.
    db = [os.path.join(dp, f) for dp, _, fs in os.walk(os.path.join(ctx["home"], "data"))
          for f in fs if f.endswith(".db") and not f.endswith(".outbox.db")][0]

    def cached_version():
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            row = con.execute("SELECT version FROM dossiers WHERE id=?",
                              (d2["id"],)).fetchone()
            return row[0] if row else 0
        finally:
            con.close()
    assert egovtest.wait_until(lambda: cached_version() >= body["version"], timeout=30)
    assert locked(t), t.text()
    t.send("\x15")              # Ctrl-U forgets the keys typed so far
    t.send("wrong\r")
    t.wait_for("Wrong password.", timeout=30)
    assert locked(t)
    t.send("demo\r")
    t.wait_for(lambda t: "Dossier " + ctx["d"]["code"] in t.line(0), timeout=30)
    assert "Esc: cancel" not in t.text(), "the form was cancelled, not kept"


def test_offline_unlock_with_the_hash_in_memory():
    t, sim = ctx["t"], ctx["sim"]
    sim.stop()
    t.wait_for(lambda t: locked(t) or "offline" in t.line(t.rows - 2).lower(), timeout=30)
    t.wait_for(locked, timeout=10)
    t.wait_for(lambda t: "offline" in t.line(t.rows - 2).lower(), timeout=30)
    t.send("nope\r")
    t.wait_for("Wrong password.")
    # Checked at once against the hash: the keys after Enter reach the
    # dossier screen, before the idle time could lock again.
    t.send("demo\r:quit\r")
    ctx["sim"] = egovtest.Sim(dossiers=50).start()
    rc = t.wait_exit(30)
    assert rc == 0, (rc, t.raw[-3000:].decode("utf-8", "replace"))
    t.close()


def test_vietnamese_lock_command():
    env = console_env(egovtest.tempdir(), ctx["sim"], lang="vi")
    t = open_console(env)
    ctx["t"] = t
    t.wait_for("Tất cả hồ sơ", timeout=30)
    t.send(":lock\r")
    t.wait_for("Màn hình đã khóa.")
    assert t.line(0).strip() == "Đã khóa", t.line(0)
    t.send("sai\r")
    t.wait_for("Sai mật khẩu.", timeout=30)
    t.send("demo\r")
    t.wait_for(lambda t: "Trang chủ" in t.line(0), timeout=30)
    t.send("Q")
    assert t.wait_exit(30) == 0


tap.main(globals())
