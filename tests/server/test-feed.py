"""The change feed over real HTTP: a full sync pages through exactly what
the caller may see, in commit order; next_cursor comes even on empty pages;
changes arrive after actions; a dossier reassigned away is a `remove` for the
officer who lost it and an `upsert` for the one who got it; view=full and
masking for support; 410 cursor_expired once the feed is compacted past a
cursor (--feed-retention)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import egovtest  # noqa: E402
import simtest as s  # noqa: E402
import tap  # noqa: E402
from tap import check, eq  # noqa: E402

ME = {}


def setup_module():
    s.start(dossiers=500)
    for u in ("officer", "officer2", "supervisor", "support"):
        ME[u] = s.get("/api/v1/me", u)[2]


def teardown_module():
    s.stop()


def feed(user, since=None, limit=None, view=None, sim=None):
    q = []
    if since:
        q.append(f"since={since}")
    if limit:
        q.append(f"limit={limit}")
    if view:
        q.append(f"view={view}")
    path = "/api/v1/changes" + ("?" + "&".join(q) if q else "")
    if sim:
        return sim.request("GET", path, token=sim.login(user))
    return s.get(path, user)


def sync(user, since=None, limit=50):
    """Page to the end; returns (changes, final cursor, pages)."""
    out, pages = [], 0
    while True:
        st, _, b = feed(user, since, limit)
        eq(st, 200, "feed page")
        check(isinstance(b["next_cursor"], str) and b["next_cursor"], "next_cursor")
        check(len(b["changes"]) <= limit, "page within limit")
        out += b["changes"]
        since = b["next_cursor"]
        pages += 1
        if not b["more"]:
            return out, since, pages


def everything(user):
    ids, cursor = set(), None
    while True:
        q = {"limit": 500}
        if cursor:
            q["cursor"] = cursor
        st, _, b = s.get("/api/v1/dossiers?" + "&".join(f"{k}={v}" for k, v in q.items()), user)
        eq(st, 200, "search")
        ids |= {d["id"] for d in b["items"]}
        cursor = b["next_cursor"]
        if not cursor:
            return ids


def test_full_sync_is_exactly_what_the_caller_sees():
    for user in ("officer", "supervisor"):
        changes, _, pages = sync(user, limit=10)
        seqs = [c["seq"] for c in changes]
        eq(seqs, sorted(seqs), "commit order")
        eq(len(seqs), len(set(seqs)), "no repeated seq")
        ups = {c["id"] for c in changes if c["op"] == "upsert"}
        eq(ups, everything(user), f"{user}: the sync holds what the search shows")
        check(pages > 1, "paged")
        for c in changes:
            if c["op"] == "upsert":
                eq(c["dossier"]["id"], c["id"], "dossier id")
                eq(c["dossier"]["version"], c["version"], "version")
                check("applicant" not in c["dossier"], "summary view by default")
    me = ME["officer"]
    for c in sync("officer")[0]:
        d = c["dossier"]
        check(d["agency_id"] == me["agency_id"] and d["assignee_id"] in (None, me["id"]),
              "officer sees only its unassigned and own dossiers")


def test_empty_page_still_has_a_cursor():
    _, cursor, _ = sync("officer2")
    st, _, b = feed("officer2", cursor)
    eq(st, 200, "status")
    eq(b["changes"], [], "nothing new")
    eq(b["more"], False, "no more")
    check(b["next_cursor"], "cursor on the empty page")


def test_actions_arrive_in_order():
    _, cursor, _ = sync("supervisor")
    d = s.search("supervisor", state="submitted")[0]
    st, _, b = s.action(d["id"], "supervisor", "receive", d["version"])
    eq(st, 200, "receive")
    st, _, b2 = s.action(d["id"], "supervisor", "comment", text="một")
    eq(st, 200, "comment")
    st, _, page = feed("supervisor", cursor)
    mine = [c for c in page["changes"] if c["id"] == d["id"]]
    eq(len(mine), 1, "one upsert per dossier, the latest")
    eq(mine[0]["version"], b2["version"], "current version")
    eq(mine[0]["dossier"]["state"], "received", "state")


def test_reassignment_removes_from_the_old_holder():
    d = s.search("supervisor", state="in_progress")[0]
    st, _, d = s.action(d["id"], "supervisor", "assign", d["version"],
                        assignee_id=ME["officer"]["id"])
    eq(st, 200, "assign to officer")
    _, c1, _ = sync("officer")
    _, c2, _ = sync("officer2")
    st, _, d = s.action(d["id"], "supervisor", "assign", d["version"],
                        assignee_id=ME["officer2"]["id"])
    eq(st, 200, "reassign to officer2")
    ch1, _, _ = sync("officer", c1)
    eq([(c["op"], c["id"]) for c in ch1], [("remove", d["id"])], "remove for officer")
    check("dossier" not in ch1[0], "a remove carries no dossier")
    ch2, _, _ = sync("officer2", c2)
    eq([(c["op"], c["id"], c["version"]) for c in ch2], [("upsert", d["id"], d["version"])],
       "upsert for officer2")


def test_full_view_and_support_masking():
    st, _, b = feed("supervisor", limit=5, view="full")
    eq(st, 200, "full view")
    check(all("applicant" in c["dossier"] for c in b["changes"]), "full form")
    st, _, b = feed("support", limit=50, view="full")
    eq(st, 200, "support feed")
    for c in b["changes"]:
        a = c["dossier"]["applicant"]
        check(a["address"] is None, "no address")
        check(a["id_number"].startswith("*") and sum(ch.isdigit() for ch in a["id_number"]) <= 3,
              f"masked id {a['id_number']}")
        eq(c["dossier"]["documents"], [], "no documents")


def test_bad_parameters():
    for q, field in (("limit=0", "limit"), ("limit=1001", "limit"), ("view=wide", "view"),
                     ("since=garbage", "since")):
        st, _, b = s.get(f"/api/v1/changes?{q}", "officer")
        s.problem(st, b, 422, "validation")
        eq(b["field"], field, q)


def test_cursor_expires_after_retention():
    with s.own_sim(seed=3, dossiers=200, extra=["--feed-retention", "1s"]) as sim:
        tok = sim.login("supervisor")
        cursor = None
        while True:
            st, _, b = sim.request("GET", "/api/v1/changes?limit=1000" +
                                   (f"&since={cursor}" if cursor else ""), token=tok)
            cursor = b["next_cursor"]
            if not b["more"]:
                break
        d = sim.request("GET", "/api/v1/dossiers?state=received&limit=1", token=tok)[2]["items"][0]
        for text in ("mot", "hai"):
            st, _, _ = sim.request("POST", f"/api/v1/dossiers/{d['id']}/actions",
                                   {"action": "comment", "text": text}, token=tok,
                                   headers={"Idempotency-Key": text + d["id"]})
            eq(st, 200, "comment")
        got = egovtest.wait_until(lambda: sim.request(
            "GET", f"/api/v1/changes?since={cursor}", token=tok)[0] == 410, timeout=15)
        check(got, "410 once the superseded change is compacted")
        st, _, b = sim.request("GET", f"/api/v1/changes?since={cursor}", token=tok)
        eq(b["code"], "cursor_expired", "code")
        ids, since = set(), None
        while True:
            st, _, b = sim.request("GET", "/api/v1/changes?limit=1000" +
                                   (f"&since={since}" if since else ""), token=tok)
            eq(st, 200, "a fresh full sync works")
            ids |= {c["id"] for c in b["changes"] if c["op"] == "upsert"}
            since = b["next_cursor"]
            if not b["more"]:
                break
        check(d["id"] in ids, "the compacted dossier is still in a full sync")


def test_sigterm_exits_cleanly():
    eq(s.stop(), 0, "exit status after SIGTERM")


tap.main(globals())
