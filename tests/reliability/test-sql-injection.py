#!/usr/bin/python3
"""Search, filters, cursors, path ids, request bodies and log-in names of
egov-sim are immune to SQL injection (and to FTS query syntax and LIKE
wildcards): every hostile value gets a clean answer (a 4xx problem+json with
a contract code, or an empty or ordinary result), never a 5xx or a dropped
connection, never a result wider than what the caller may see, never a
log-in; and afterwards nothing is broken or lost."""
import json
import socket
import uuid
from urllib.parse import quote

import tap
from tap import check, eq
from egovtest import Sim

SIM = None
TOK = {}
ME = {}
BASE = {}

PAYLOADS = [
    "' OR '1'='1", "' OR 1=1 --", "\" OR 1=1 --", "1) OR (1=1", "') OR ('1'='1",
    "'; DROP TABLE dossiers; --", "x'; UPDATE dossiers SET state='returned'; --",
    "' UNION SELECT id, username, password FROM users --", "1 UNION SELECT sqlite_version()",
    "%", "_", "%' OR '%'='", "\\", "'", "\"", "`", ";", "--", "/*", "*/",
    "\x00", "' AND 0=1 --", "1e309", "-1", "99999999999999999999999",
    # FTS5 query syntax
    "*", "\"unterminated", "NEAR(a b)", "a OR b", "a AND NOT b", "^x", "col:val", "(", ")",
    "nguyễn*", "{applicant_name}: x",
]
CODES = {"unauthorized", "forbidden", "not_found", "validation", "invalid_transition",
         "version_conflict", "idempotency_key_reused", "idempotency_key_in_flight",
         "cursor_expired", "rate_limited", "payload_too_large", "internal"}


def get(user, path):
    return SIM.request("GET", path, token=TOK[user])


def clean_error(st, hdrs, body, what):
    check(st < 500, f"{what}: {st} {body!r}"[:400])
    check("problem+json" in hdrs.get("content-type", ""), f"{what}: {st} with "
          f"{hdrs.get('content-type')}")
    check(isinstance(body, dict) and body.get("code") in CODES, f"{what}: body {body!r}"[:300])


def all_items(user, extra):
    items, cursor = [], None
    for _ in range(100):
        st, hdrs, body = get(user, "/api/v1/dossiers?limit=200" + extra +
                             ("&cursor=" + quote(cursor, safe="") if cursor else ""))
        if st != 200:
            return st, hdrs, body
        items += body["items"]
        cursor = body.get("next_cursor")
        if not cursor or not body["items"]:
            break
    return 200, {}, items


def setup_module():
    global SIM
    SIM = Sim(seed=11, dossiers=500).start()
    for u in ("officer", "supervisor"):
        TOK[u] = SIM.login(u)
        ME[u] = SIM.request("GET", "/api/v1/me", token=TOK[u])[2]
    for u in ("officer", "supervisor"):
        st, _, items = all_items(u, "")
        eq(st, 200, f"baseline search as {u}")
        BASE[u] = {d["id"]: d["state"] for d in items}
    st, _, ag = get("supervisor", "/api/v1/agencies")
    BASE["agencies"] = json.dumps(ag, sort_keys=True)


def teardown_module():
    if SIM:
        SIM.stop()


def within_view(user, items, what):
    extra = [d.get("code") for d in items if d["id"] not in BASE[user]]
    check(not extra, f"{what}: {len(extra)} dossiers outside {user}'s view: {extra[:3]}")


def test_search_filters():
    must_be_empty = {"state", "agency_id", "assignee_id"}
    for param in ("q", "state", "agency_id", "assignee_id", "overdue", "limit", "cursor"):
        for p in PAYLOADS:
            for user in ("officer", "supervisor"):
                what = f"{user} /dossiers?{param}={p!r}"
                st, hdrs, body = all_items(user, f"&{param}={quote(p, safe='')}")
                if st != 200:
                    clean_error(st, hdrs, body, what)
                    continue
                within_view(user, body, what)
                if param in must_be_empty:
                    eq(len(body), 0, f"{what}: results")


def test_change_feed_parameters():
    for param in ("since", "limit", "view"):
        for p in PAYLOADS:
            what = f"/changes?{param}={p!r}"
            st, hdrs, body = get("officer", f"/api/v1/changes?{param}={quote(p, safe='')}")
            if param == "since":
                check(400 <= st < 500, f"{what}: a hostile cursor answered {st}")
            if st != 200:
                clean_error(st, hdrs, body, what)
                continue
            ids = [c["id"] for c in body["changes"] if c["op"] == "upsert"]
            extra = [i for i in ids if i not in BASE["officer"]]
            check(not extra, f"{what}: {len(extra)} dossiers outside the officer's view")


def test_other_query_parameters():
    paths = ["/api/v1/users?agency_id={}", "/api/v1/calendar?year={}",
             "/api/v1/reports/agencies?from={}&to=2030-01-01",
             "/api/v1/reports/agencies?from=2024-01-01&to={}"]
    for tmpl in paths:
        for p in PAYLOADS:
            path = tmpl.format(quote(p, safe=""))
            st, hdrs, body = get("officer", path)
            if st != 200:
                clean_error(st, hdrs, body, path)
            elif tmpl.startswith("/api/v1/users"):
                items = body["items"] if isinstance(body, dict) else body
                eq(len(items), 0, f"{path}: users of a hostile agency id")


def test_path_ids():
    some = next(iter(BASE["officer"]))
    for p in PAYLOADS:
        if p in ("", ".", ".."):
            continue
        enc = quote(p, safe="")
        for path in (f"/api/v1/dossiers/{enc}", f"/api/v1/dossiers/{some}/documents/{enc}"):
            st, hdrs, body = get("officer", path)
            check(st in (400, 404), f"{path}: {st}")
            clean_error(st, hdrs, body, path)
        st, hdrs, body = SIM.request("POST", f"/api/v1/dossiers/{enc}/actions",
                                     {"action": "comment", "text": "x"}, token=TOK["officer"],
                                     headers={"Idempotency-Key": str(uuid.uuid4())})
        check(st in (400, 404), f"action on {p!r}: {st}")


def test_bodies_are_stored_literally():
    d = next(iter(BASE["officer"]))
    for p in PAYLOADS[:10]:
        text = f"ghi chú {p}"
        st, _, body = SIM.request("POST", f"/api/v1/dossiers/{d}/actions",
                                  {"action": "comment", "text": text}, token=TOK["officer"],
                                  headers={"Idempotency-Key": str(uuid.uuid4())})
        if "\x00" in p:
            check(st in (200, 422), f"comment with NUL: {st}")
            continue
        eq(st, 200, f"comment {text!r}: {body}")
        check(any(c["text"] == text for c in body["comments"]), f"comment {text!r} not stored as sent")
    for p in PAYLOADS[:12]:
        st, hdrs, body = SIM.request("POST", f"/api/v1/dossiers/{d}/actions", {"action": p},
                                     token=TOK["officer"],
                                     headers={"Idempotency-Key": str(uuid.uuid4()),
                                              "If-Match": '"1"'})
        check(st in (409, 412, 422), f"action {p!r}: {st}")
        clean_error(st, hdrs, body, f"action {p!r}")


def test_login_names():
    for i, p in enumerate(PAYLOADS[:15]):
        for user in (p, "officer" + p, "officer'--"):
            st, hdrs, body = SIM.request("POST", "/api/v1/auth/token",
                                         {"grant_type": "password", "username": user,
                                          "password": p})
            check(st in (401, 422, 429), f"log-in as {user!r}: {st}")
            clean_error(st, hdrs, body, f"log-in as {user!r}")


def test_hostile_headers():
    for h in ({"Idempotency-Key": "' OR 1=1 --"}, {"If-Match": "\"1' OR '1'='1\""},
              {"X-Request-Id": "'; DROP TABLE audit; --"},
              {"Authorization": "Bearer ' OR '1'='1"}):
        d = next(iter(BASE["supervisor"]))
        hdrs_in = {"Idempotency-Key": str(uuid.uuid4())}
        hdrs_in.update(h)
        token = None if "Authorization" in h else TOK["supervisor"]
        st, hdrs, body = SIM.request("POST", f"/api/v1/dossiers/{d}/actions",
                                     {"action": "comment", "text": "x"}, token=token,
                                     headers=hdrs_in)
        check(st < 500, f"header {h}: {st}")
        if "Authorization" in h:
            eq(st, 401, "a hostile bearer token")


def test_nothing_broken_afterwards():
    # Still answering on a new connection, still the same data.
    s = socket.create_connection(("127.0.0.1", SIM.port), timeout=10)
    s.close()
    for u in ("officer", "supervisor"):
        st, _, me = get(u, "/api/v1/me")
        eq(st, 200, f"/me as {u}")
        eq(me["id"], ME[u]["id"], "same user")
        st, _, items = all_items(u, "")
        eq(st, 200, f"search as {u}")
        eq({d["id"]: d["state"] for d in items}, BASE[u],
           f"{u} sees the same dossiers in the same states as before")
    st, _, ag = get("supervisor", "/api/v1/agencies")
    eq(json.dumps(ag, sort_keys=True), BASE["agencies"], "agencies unchanged")
    eq(SIM.proc.poll(), None, "egov-sim still running")


tap.main(globals())
