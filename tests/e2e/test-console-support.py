#!/usr/bin/env python3
"""The help-desk's diagnostics screen, end to end: as `support`, the
screen shows the server, TLS, latency, clock skew, the token checked with
a request id of the console's own, the last sync, the cache and the
outbox; with the server stopped, the probe's error appears under recent
errors with its request id; support sees citizens' data only masked; and
the screen reads in Vietnamese."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import tap
from console import console_env, open_console, start_sim, teardown

ctx = {}


def setup_module():
    start_sim(ctx, 200, user=None)


def teardown_module():
    teardown(ctx)


def test_diagnostics_online():
    sim = ctx["sim"]
    t = open_console(console_env(ctx["home"], sim, user="support"))
    ctx["t"] = t
    t.wait_for(lambda t: "synced just now" in t.line(t.rows - 2), timeout=60)
    assert "support" in t.line(t.rows - 2), t.line(t.rows - 2)
    t.send("i")
    t.wait_for(lambda t: "Diagnostics" in t.line(0))
    t.wait_for("valid (GET /me answered in")
    t.wait_settled()
    text = t.text()
    assert sim.url in text, text
    assert "plain HTTP" in text, text
    assert re.search(r"Latency:\s+\d+ ms", text), text
    assert re.search(r"Clock skew:\s+[+-]\d+ s", text), text
    assert re.search(r"Last sync:\s+\d\d/\d\d/\d{4} \d\d:\d\d", text), text
    # Our own id on the probe: the one egov-sim's answer and log carry.
    assert re.search(r"Request id:\s+[0-9a-f]{8}-[0-9a-f-]{27}", text), text
    t.send("j" * 20)
    t.wait_for("Outbox:")
    t.wait_settled()
    assert re.search(r"Cache:\s+[\d.]+ kB, [\d.]+ dossiers", t.text()), t.text()
    assert "checked at start: good" in t.text(), t.text()


def test_errors_keep_their_request_ids():
    t, sim = ctx["t"], ctx["sim"]
    sim.stop()
    t.send("g")
    t.wait_for("not confirmed", timeout=60)
    t.send("j" * 40)
    t.wait_for("Recent errors")
    t.wait_for(lambda t: re.search(r"GET /me .*\n\s+request id [0-9a-f-]{36}", t.text()))
    sim.start()


def test_support_sees_masked_data():
    t = ctx["t"]
    t.send("q")
    t.wait_for(lambda t: t.line(0).strip() == "Home")
    t.send(":queue all\r")
    t.wait_for(lambda t: "All dossiers" in t.line(0))
    t.wait_settled()
    t.key("enter")
    t.wait_for(lambda t: "Dossier" in t.line(0))
    t.send("v")
    t.wait_settled()
    text = t.text()
    # Identity numbers and phones come masked from the backend for support.
    assert not re.search(r"\b0\d{11}\b", text), text
    assert not re.search(r"\b0\d{9}\b", text), text
    assert t.quit_from_anywhere() == 0
    t.close()


def test_vietnamese_diagnostics():
    t = open_console(console_env(ctx["home"], ctx["sim"], user="support", lang="vi"))
    ctx["t"] = t
    t.wait_for("Tất cả hồ sơ", timeout=30)
    t.send(":diagnostics\r")
    t.wait_for(lambda t: "Chẩn đoán" in t.line(0))
    t.wait_for("hợp lệ (GET /me trả lời sau")
    t.wait_settled()
    text = t.text()
    assert "Độ trễ:" in text and "Lệch đồng hồ:" in text, text
    assert "Đồng bộ gần nhất:" in text, text
    t.send("q")
    t.send("Q")
    assert t.wait_exit(30) == 0


tap.main(globals())
