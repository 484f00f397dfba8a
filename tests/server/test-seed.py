"""The seeded city: the same --seed (and --now) gives the same database; a
few thousand dossiers have Hải Phòng's shape (every state, most returned,
some overdue, national dossier numbers, 12-digit citizen IDs, Vietnamese
surnames in their real proportions, histories that obey the state machine);
the demo accounts have full queues; an existing --db is reused across
restarts, tokens included; --activity makes the city move."""
import collections
import os
import re
import sqlite3
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import egovtest  # noqa: E402
import simtest  # noqa: E402
import tap  # noqa: E402
from tap import check, eq  # noqa: E402

NOW = "2026-11-20T10:00:00+07:00"
BIG = None


def seeded(seed, dossiers, now=NOW):
    sim = egovtest.Sim(seed=seed, dossiers=dossiers, extra=["--now", now]).start()
    return sim


def dump(db):
    con = sqlite3.connect(db)
    rows = {t: con.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
            for t in ("agencies", "procedures", "dossiers", "holidays", "working_saturdays")}
    users = con.execute("SELECT id, username, full_name, role, agency_id, title FROM users"
                        " ORDER BY 1").fetchall()
    con.close()
    return rows, users


def setup_module():
    global BIG
    BIG = seeded(5, 4000)


def teardown_module():
    if BIG and BIG.proc:
        BIG.stop()
    egovtest.rmtree(BIG.workdir)


def test_same_seed_same_city():
    a, b, c = seeded(11, 300), seeded(11, 300), seeded(12, 300)
    for sim in (a, b, c):
        eq(sim.stop(), 0, "clean exit")
    try:
        da, db_, dc = dump(a.db), dump(b.db), dump(c.db)
        check(da == db_, "same seed, same city")
        check(da[0]["dossiers"] != dc[0]["dossiers"], "another seed, another city")
        eq(da[0]["agencies"], dc[0]["agencies"], "the agencies are data, not chance")
    finally:
        for sim in (a, b, c):
            egovtest.rmtree(sim.workdir)


def rows():
    con = sqlite3.connect(BIG.db)
    con.row_factory = sqlite3.Row
    r = con.execute("SELECT * FROM dossiers").fetchall()
    con.close()
    return r


def test_realistic_proportions():
    import json
    r = rows()
    eq(len(r), 4000, "count")
    states = collections.Counter(x["state"] for x in r)
    for s in ("submitted", "received", "refused", "in_progress", "pending_approval",
              "supplement_requested", "withdrawn", "stopped", "result_ready", "returned"):
        check(states[s] > 0, f"some {s}")
    check(states["returned"] > 0.6 * len(r), f"most returned: {states}")
    now = int(time.mktime(time.strptime("2026-11-20 10:00", "%Y-%m-%d %H:%M")))
    active = [x for x in r if x["state"] in ("received", "in_progress", "pending_approval",
                                             "supplement_requested")]
    overdue = [x for x in active if x["due_at"] < now]
    check(0 < len(overdue) < len(active), f"a share overdue: {len(overdue)}/{len(active)}")
    surnames = collections.Counter(x["applicant_name"].split()[0] for x in r
                                   if x["applicant_kind"] == "citizen")
    total = sum(surnames.values())
    check(0.30 < surnames["Nguyễn"] / total < 0.46, f"Nguyễn {surnames['Nguyễn'] / total:.2f}")
    check(surnames["Trần"] > surnames["Đặng"] > 0, "Trần before Đặng")
    ages = [(now - x["submitted_at"]) / 86400 for x in r]
    check(max(ages) < 560 and max(ages) > 400, "spread over about 18 months")
    for x in r:
        check(re.fullmatch(r"000\.\d\d\.\d\d\.H24-\d{6}-\d{4}", x["code"]), x["code"])
        a = json.loads(x["applicant"])
        if x["applicant_kind"] == "citizen":
            check(re.fullmatch(r"03[01]\d{9}", a["id_number"]), a["id_number"])
        check(re.fullmatch(r"0\d{9}", a["phone"]), a["phone"])
        if x["received_at"]:
            check(x["due_at"] >= x["received_at"], "due after reception")
    eq(len({x["code"] for x in r}), len(r), "dossier numbers are unique")
    old = [json.loads(x["applicant"])["address"] for x in r if x["submitted_at"] < 1751302800]
    new = [json.loads(x["applicant"])["address"] for x in r if x["submitted_at"] >= 1751302800]
    check(any("quận" in a or "huyện" in a for a in old), "old addresses name districts")
    check(not any("quận" in a for a in new), "new addresses do not")


FLOW = {
    (None, "submitted"), (None, "received"), ("submitted", "received"), ("submitted", "refused"),
    ("received", "in_progress"), ("received", "withdrawn"), ("in_progress", "supplement_requested"),
    ("supplement_requested", "in_progress"), ("in_progress", "pending_approval"),
    ("pending_approval", "in_progress"), ("pending_approval", "result_ready"),
    ("result_ready", "returned"), ("in_progress", "stopped"), ("in_progress", "in_progress"),
    ("supplement_requested", "stopped"), ("received", "stopped"), ("pending_approval", "pending_approval"),
    ("received", "received"), ("supplement_requested", "supplement_requested"),
}


def test_histories_obey_the_state_machine():
    import json
    for x in rows():
        h = json.loads(x["history"])
        check(h, "a history")
        prev, prev_at = None, ""
        for e in h:
            check((e["from_state"], e["to_state"]) in FLOW, f"{x['code']}: {e['from_state']} -> {e['to_state']}")
            eq(e["from_state"], prev, f"{x['code']} chain")
            check(e["at"] >= prev_at, f"{x['code']} times in order")
            prev, prev_at = e["to_state"], e["at"]
        eq(prev, x["state"], f"{x['code']}: the history ends in the state")
        eq(x["version"], len(h) + len(json.loads(x["comments"])), "version counts the changes")


def test_demo_queues():
    tok = BIG.login("officer")
    me = BIG.request("GET", "/api/v1/me", token=tok)[2]
    for state in ("submitted", "received", "in_progress", "supplement_requested",
                  "pending_approval", "result_ready"):
        st, _, b = BIG.request("GET", f"/api/v1/dossiers?state={state}&limit=500", token=tok)
        check(len(b["items"]) >= 10, f"officer sees {len(b['items'])} {state}")
        if state not in ("submitted", "received"):
            check(any(d["assignee_id"] == me["id"] for d in b["items"]), f"own {state}")
    st, _, b = BIG.request("GET", "/api/v1/dossiers?overdue=true&limit=500", token=tok)
    check(len(b["items"]) >= 3, "some overdue in the officer's queue")
    tok = BIG.login("dept.officer")
    st, _, b = BIG.request("GET", "/api/v1/dossiers?state=in_progress&limit=500", token=tok)
    check(len(b["items"]) >= 5, "the department officer has work too")


def test_restart_reuses_the_database():
    tok = BIG.login("supervisor")
    d = BIG.request("GET", "/api/v1/dossiers?state=received&limit=1", token=tok)[2]["items"][0]
    st, _, after = BIG.request("POST", f"/api/v1/dossiers/{d['id']}/actions",
                               {"action": "comment", "text": "trước khi khởi động lại"},
                               token=tok, headers={"Idempotency-Key": "restart-1"})
    eq(st, 200, "comment")
    eq(BIG.stop(), 0, "clean exit")
    again = egovtest.Sim(seed=99, dossiers=10, db=BIG.db, workdir=BIG.workdir).start()
    try:
        st, _, got = again.request("GET", f"/api/v1/dossiers/{d['id']}", token=tok)
        eq(st, 200, "the token survived the restart")
        eq(got["version"], after["version"], "the change survived")
        st, _, b = again.request("GET", "/api/v1/dossiers?limit=500", token=tok)
        check(len(b["items"]) > 10, "not reseeded with --dossiers 10")
    finally:
        eq(again.stop(), 0, "clean exit")


def test_activity_moves_the_city():
    with simtest.own_sim(seed=2, dossiers=200, activity=600) as sim:
        tok = sim.login("support")
        st, _, b = sim.request("GET", "/api/v1/changes?limit=1000", token=tok)
        cursor = b["next_cursor"]
        while b["more"]:
            b = sim.request("GET", f"/api/v1/changes?limit=1000&since={cursor}", token=tok)[2]
            cursor = b["next_cursor"]
        got = egovtest.wait_until(lambda: len(sim.request(
            "GET", f"/api/v1/changes?since={cursor}", token=tok)[2]["changes"]) >= 3, timeout=30)
        check(got, "changes arrive on their own")


tap.main(globals())
