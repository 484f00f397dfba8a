#!/usr/bin/python3
"""`support` (help-desk) never receives a citizen's personal data unmasked,
from any endpoint: ID numbers and phone numbers show only their last 3
characters, there is no address and there are no documents (contract,
"Authentication and roles"; Decree 13/2023).

The real values are read as `supervisor` (who processes the dossiers) and
must not appear anywhere in what support gets: the full dossier, search
results, the change feed in both views, and document downloads.  On top of
that, no run of 9 or more digits (an ID number has 12, a phone 10) appears
in any answer support gets."""
import json
import re
import uuid
from urllib.parse import quote

import tap
from tap import check, eq
from egovtest import Sim

SIM = None
TOK = {}
REAL = []        # full dossiers as the supervisor sees them
LONG_DIGITS = re.compile(rb"\d{9,}")


def get(user, path, raw=True):
    return SIM.request("GET", path, token=TOK[user], raw=raw)


def setup_module():
    global SIM
    SIM = Sim(seed=9, dossiers=600).start()
    for u in ("supervisor", "support"):
        TOK[u] = SIM.login(u)
    st, _, body = SIM.request("GET", "/api/v1/dossiers?limit=40", token=TOK["supervisor"])
    eq(st, 200, "supervisor's search")
    for d in body["items"]:
        st, _, full = SIM.request("GET", f"/api/v1/dossiers/{d['id']}", token=TOK["supervisor"])
        eq(st, 200, "supervisor reads a dossier")
        if full.get("applicant", {}).get("id_number"):
            REAL.append(full)


def teardown_module():
    if SIM:
        SIM.stop()


def secrets(d):
    """The personal values of one dossier that support must never get."""
    a = d["applicant"]
    out = [a.get("id_number"), a.get("phone"), a.get("address")]
    out += [doc.get("sha256") for doc in d.get("documents") or []]
    return [s.encode() for s in out if isinstance(s, str) and len(s) >= 4]


NOT_TEXT = {"id", "next_cursor", "cursor", "sha256", "request_id"}


def strings(v, key=None):
    """Every string value in a JSON document but ids, hashes and cursors
    (random hex can hold a run of digits)."""
    if isinstance(v, dict):
        for k, x in v.items():
            yield from strings(x, k)
    elif isinstance(v, list):
        for x in v:
            yield from strings(x, key)
    elif isinstance(v, str) and key not in NOT_TEXT and not str(key).endswith("_id"):
        yield v


def no_leak(body, what):
    for s in strings(json.loads(body) if body else None):
        m = LONG_DIGITS.search(s.encode())
        check(not m, f"{what}: a run of 9+ digits in {s!r}")
    for d in REAL:
        for s in secrets(d):
            check(s not in body, f"{what}: {d['code']}'s {s.decode()!r} in support's answer")


def masked(value, real, what):
    if value is None:
        return
    digits = re.sub(r"\D", "", value)
    check(len(digits) <= 3, f"{what}: {value!r} shows more than 3 digits")
    check(value.endswith(real[-3:]), f"{what}: {value!r} does not end with the last 3 of the real one")


def check_masked_dossier(d, real, what):
    a = d.get("applicant") or {}
    masked(a.get("id_number"), real["applicant"]["id_number"], f"{what} id_number")
    if real["applicant"].get("phone"):
        masked(a.get("phone"), real["applicant"]["phone"], f"{what} phone")
    check(not a.get("address"), f"{what}: address {a.get('address')!r}")
    check(not d.get("documents"), f"{what}: {len(d.get('documents') or [])} documents")


def test_supervisor_sees_real_personal_data():
    # Without this the other tests would prove nothing.
    check(len(REAL) >= 10, f"only {len(REAL)} dossiers with applicants")
    for d in REAL:
        check(re.fullmatch(r"\d{12}", d["applicant"]["id_number"]) or
              len(d["applicant"]["id_number"]) >= 9, f"id_number {d['applicant']['id_number']!r}")
    check(any(d.get("documents") for d in REAL), "no dossier with documents")
    check(any(d["applicant"].get("address") for d in REAL), "no dossier with an address")


def test_dossier_is_masked():
    for real in REAL:
        st, _, body = get("support", f"/api/v1/dossiers/{real['id']}")
        eq(st, 200, f"support reads {real['code']}")
        no_leak(body, f"GET dossier {real['code']}")
        check_masked_dossier(json.loads(body), real, real["code"])


def test_search_is_masked():
    for real in REAL[:10]:
        for q in (real["code"], real["applicant_name"], real["applicant"]["id_number"],
                  real["applicant"]["id_number"][-6:]):
            st, _, body = get("support", "/api/v1/dossiers?limit=50&q=" + quote(q, safe=""))
            check(st in (200, 422), f"search {q!r}: {st}")
            no_leak(body, f"search {q!r}")


def test_change_feed_is_masked_in_both_views():
    for view in ("summary", "full"):
        cursor, pages = None, 0
        while pages < 50:
            q = f"/api/v1/changes?limit=500&view={view}" + (
                "&since=" + quote(cursor, safe="") if cursor else "")
            st, _, body = get("support", q)
            eq(st, 200, f"changes view={view}")
            no_leak(body, f"changes view={view} page {pages}")
            page = json.loads(body)
            for ch in page["changes"]:
                d = ch.get("dossier")
                if view == "full" and d:
                    a = d.get("applicant") or {}
                    for k in ("id_number", "phone"):
                        if a.get(k):
                            check(len(re.sub(r"\D", "", a[k])) <= 3, f"feed {d['code']} {k} {a[k]!r}")
                    check(not a.get("address"), f"feed {d['code']} has an address")
                    check(not d.get("documents"), f"feed {d['code']} has documents")
            pages += 1
            cursor = page["next_cursor"]
            if not page.get("more"):
                break
        check(pages >= 1, "no pages")


def test_documents_are_not_served_to_support():
    tried = 0
    for real in REAL:
        for doc in real.get("documents") or []:
            st, _, body = get("support", f"/api/v1/dossiers/{real['id']}/documents/{doc['id']}")
            check(st in (403, 404), f"support downloads {real['code']}/{doc['id']}: {st}")
            tried += 1
            st, _, _ = get("supervisor", f"/api/v1/dossiers/{real['id']}/documents/{doc['id']}")
            eq(st, 200, "the supervisor can download it")
            if tried >= 10:
                return
    check(tried, "no documents tried")


def test_action_answers_are_masked():
    # An action's answer is the full dossier: masked for support too.
    real = REAL[0]
    st, _, body = SIM.request("POST", f"/api/v1/dossiers/{real['id']}/actions",
                              {"action": "comment", "text": "hỗ trợ kiểm tra"},
                              token=TOK["support"], raw=True,
                              headers={"Idempotency-Key": str(uuid.uuid4())})
    eq(st, 200, f"support comments: {body[:200]!r}")
    no_leak(body, "comment answer")
    check_masked_dossier(json.loads(body), real, "comment answer")


tap.main(globals())
