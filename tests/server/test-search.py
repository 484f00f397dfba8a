"""The dossier search's `q` answers exactly what a brute-force filter does.

The contract: `q` matches when its folded form (no case, no diacritics,
đ -> d) is a substring of the folded "code applicant_name subject".  egov-sim
finds candidates with a trigram index (server/search.c) and falls back
between a budgeted scan and the index; whichever plan answers, the pages
must be the ones this script computes itself over every dossier the caller
lists without `q`: same dossiers, same order, same cursor pages.  The city
has more dossiers than the scan's budget (2,000 rows), so rare queries are
answered by the index and common ones by the scan.  FTS5 syntax in `q`
(quotes, *, NEAR, OR, -, ^, :) must never cause an error.  Dossiers filed
after seeding (--activity) are found too, and a database seeded before the
index existed gets it built when egov-sim opens it."""
import os
import sqlite3
import sys
import unicodedata
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import egovtest  # noqa: E402
import simtest  # noqa: E402
import tap  # noqa: E402
from tap import check, eq  # noqa: E402

DOSSIERS = 3000
LISTED = {}


def fold(s):
    """vn_fold: NFD, combining marks dropped, case-folded, đ -> d, NFC."""
    s = "".join(c for c in unicodedata.normalize("NFD", s)
                if unicodedata.category(c) != "Mn")
    return unicodedata.normalize("NFC", s.casefold().replace("đ", "d"))


def pages(sim, token, limit, **params):
    """Every page of a search, following next_cursor; ids in order."""
    ids, cursor, n = [], None, 0
    while True:
        q = dict(params, limit=limit)
        if cursor:
            q["cursor"] = cursor
        st, _, body = sim.request("GET", "/api/v1/dossiers?" + urllib.parse.urlencode(q),
                                  token=token)
        eq(st, 200, f"search {params!r} status")
        if st != 200:
            return None
        ids += [d["id"] for d in body["items"]]
        cursor = body["next_cursor"]
        n += 1
        if not cursor or n > 1000:
            return ids


def listed(sim, user):
    """The caller's dossiers without q, newest first: the brute force's input."""
    if user not in LISTED:
        token = simtest.token(user)
        items, cursor = [], None
        while True:
            path = "/api/v1/dossiers?limit=500" + (f"&cursor={cursor}" if cursor else "")
            st, _, body = sim.request("GET", path, token=token)
            eq(st, 200, "listing")
            items += body["items"]
            cursor = body["next_cursor"]
            if not cursor:
                break
        LISTED[user] = items
    return LISTED[user]


def brute(items, q):
    f = fold(q)
    return [d["id"] for d in items
            if f in fold(f"{d['code']} {d['applicant_name']} {d['subject']}")]


def setup_module():
    simtest.start(dossiers=DOSSIERS, seed=11)


def teardown_module():
    eq(simtest.stop(), 0, "clean exit")


def queries(items):
    """Real names, codes and subjects in several spellings, and hostile input."""
    d0, d1, d2 = items[7], items[len(items) // 2], items[-3]
    name = d1["applicant_name"]
    words = name.split()
    return [
        "", "a", "ng", "nguyen", "Nguyễn", "NGUYEN", "nguyên", "Đức", "đức", "duc", "DUC",
        "đăng ký", "dang ky", "dăng kí", "thi", "tran", "Trần Thị",
        name, fold(name), name.upper(), words[-1], words[-1][:3], " ".join(words[-2:]),
        d0["code"], d0["code"].lower(), d0["code"][:12], d0["code"][-7:],
        d2["code"][-4:], d2["subject"], d2["subject"][:9], fold(d2["subject"])[5:20],
        # across fields: the end of the name and the start of the subject
        f"{fold(d0['applicant_name']).split()[-1]} {fold(d0['subject'])[:6]}",
        "xyzzy", "qqqqq", "zq",
        '"', '""', '"nguyen"', "*", "ngu*", "nguyen*", "NEAR", "NEAR(nguyen tran)",
        "nguyen OR tran", "OR", "AND", "NOT", "-", "-nguyen", "nguyen -tran", "^ngu",
        "folded:ngu", "dossiers_fts", "(", ")", "a\"b", "%", "_", "\\", "%ngu%",
        "'; DROP TABLE dossiers; --", "日本語", "🙂🙂🙂", "ngu\u0301yen", "  ", "a  b",
    ]


def test_every_query_matches_the_brute_force():
    sim = simtest.SIM
    for user in ("support", "officer"):
        items = listed(sim, user)
        check(len(items) > (DOSSIERS if user == "support" else 20) - 1,
              f"{user} lists {len(items)} dossiers")
        token = simtest.token(user)
        for q in queries(LISTED["support"]):
            want = brute(items, q)
            got = pages(sim, token, 500, q=q)
            eq(got, want, f"{user} q={q!r}: {len(want)} dossiers")


def test_cursor_pages_match_the_brute_force():
    sim = simtest.SIM
    items = listed(sim, "support")
    token = simtest.token("support")
    for q, limit in (("nguyen", 37), ("dang ky", 200), (items[40]["code"][:14], 7),
                     ("tran thi", 11), (fold(items[5]["applicant_name"])[-6:], 3)):
        want = brute(items, q)
        eq(pages(sim, token, limit, q=q), want, f"q={q!r} limit={limit}: {len(want)}")
    # with other filters: the brute force over the same filter's listing
    st = "returned"
    filtered = [d for d in items if d["state"] == st]
    eq(pages(sim, token, 9, q="nguyen", state=st), brute(filtered, "nguyen"),
       "q with state")


def test_index_matches_the_dossiers():
    con = sqlite3.connect(simtest.SIM.db)
    try:
        n, = con.execute("SELECT count(*) FROM dossiers").fetchone()
        # FTS5's own check compares the index with the external content.
        con.execute("INSERT INTO dossiers_fts(dossiers_fts, rank) VALUES('integrity-check', 1)")
        m, = con.execute("SELECT count(*) FROM dossiers_fts WHERE dossiers_fts MATCH"
                         " '\"h24\" OR \"000\" OR \"xa-\"'").fetchone()
        check(n >= DOSSIERS and m > 0, f"{n} dossiers, {m} indexed by a common trigram")
        triggers = {r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        eq(triggers, {"dossiers_fts_insert", "dossiers_fts_delete", "dossiers_fts_update"},
           "triggers keep the index in step")
    finally:
        con.close()


def test_dossiers_filed_later_are_found():
    # 6000 a minute: new online submissions arrive within a second or two.
    with simtest.own_sim(seed=3, dossiers=2500, activity=6000) as sim:
        token = sim.login("support")

        def newest():
            st, _, body = sim.request("GET", "/api/v1/dossiers?limit=1", token=token)
            return st == 200 and body["items"] and body["items"][0]["code"] > "" and \
                body["items"][0]
        first = newest()

        def filed():
            d = newest()
            return d if d and d["id"] != first["id"] else None
        d = egovtest.wait_until(filed, timeout=60)
        check(d, "a dossier was filed after seeding")
        if not d:
            return
        for q in (d["code"], fold(d["applicant_name"]), d["applicant_name"]):
            got = pages(sim, token, 500, q=q)
            check(got and d["id"] in got, f"{q!r} finds the new dossier {d['code']}")


def test_database_from_before_the_index_gets_one():
    with simtest.own_sim(seed=4, dossiers=2200) as sim:
        token = sim.login("support")
        st, _, body = sim.request("GET", "/api/v1/dossiers?limit=500", token=token)
        code = body["items"][-1]["code"]
        eq(sim.stop(), 0, "first run exits cleanly")
        con = sqlite3.connect(sim.db)
        con.executescript("DROP TRIGGER dossiers_fts_insert; DROP TRIGGER dossiers_fts_delete;"
                          " DROP TRIGGER dossiers_fts_update; DROP TABLE dossiers_fts;")
        con.close()
        sim.start()
        token = sim.login("support")
        got = pages(sim, token, 500, q=code)
        eq(len(got or []), 1, f"{code} found after the index was rebuilt")


tap.main(globals())
