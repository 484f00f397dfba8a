"""libegovapi against the real egov-sim, over real HTTP: every endpoint
through api-probe (which uses the library exactly as the console does),
then actions with --fault on (errors, dropped connections, connections
dropped after the commit), where retries must converge and no action may
take effect twice (checked in the dossier's history on the server).

An endpoint egov-sim does not serve yet (it answers 404 "not yet") is
skipped with that reason rather than failed; without an egov-sim binary
the whole script skips."""
import json
import os
import subprocess
import uuid

import tap
from egovtest import SIM, BUILDDIR, Sim, tempdir, rmtree

PROBE = os.path.join(BUILDDIR, "tests", "api", "api-probe")
sim = None
tmp = None


def probe(url, *args, token=None, refresh=None, etag=None, retries=8):
    argv = [PROBE, "--url", url, "--retry-base-ms", "20", "--retry-max-ms", "300",
            "--max-retries", str(retries), "--deadline-ms", "60000"]
    if token:
        argv += ["--token", token]
    if refresh:
        argv += ["--refresh", refresh]
    if etag:
        argv += ["--etag", etag]
    proc = subprocess.run(argv + list(args), capture_output=True, text=True, timeout=120)
    tap.check(proc.returncode in (0, 1), f"api-probe exit {proc.returncode}: {proc.stderr[-2000:]}")
    lines = [l for l in proc.stdout.splitlines() if l.strip()]
    tap.check(lines, f"no output: {proc.stderr[-1000:]}")
    return json.loads(lines[-1])


def served(out, what):
    """Skip when egov-sim answers that it does not serve this yet."""
    if out["result"] == "http" and out["http_status"] in (404, 501) and \
            "not yet" in out["message"]:
        tap.skip(f"egov-sim does not serve {what} yet")
    return out


def ok(out, what=""):
    tap.eq(out["result"], "ok", f"{what}: {out['message']}")
    return out["data"]


def session(url, user):
    s = ok(probe(url, "login", user, "demo"), "login " + user)
    return s["access_token"], s["refresh_token"]


def setup_module():
    global sim, tmp
    if not os.path.exists(SIM) or not os.path.exists(PROBE):
        return
    tmp = tempdir("egov-api-sim-")
    sim = Sim(dossiers=60).start()


def teardown_module():
    if sim:
        tap.eq(sim.stop(), 0, "egov-sim exit status")
    if tmp:
        rmtree(tmp)


def need_sim():
    if not sim:
        tap.skip(f"{SIM} or {PROBE} not built")


def test_login_me():
    need_sim()
    tok, _ = session(sim.url, "officer")
    me = ok(probe(sim.url, "me", token=tok), "me")
    tap.eq(me["username"], "officer")
    tap.eq(me["role"], "officer")


def test_wrong_password_is_not_retried():
    need_sim()
    out = probe(sim.url, "login", "officer", "wrong")
    tap.eq(out["result"], "auth")
    tap.eq(out["http_status"], 401)
    tap.eq(out["attempts"], 1)


def test_401_refreshes_once():
    need_sim()
    _, refresh = session(sim.url, "officer")
    out = probe(sim.url, "me", token="not-a-token", refresh=refresh)
    tap.eq(out["result"], "ok", out["message"])
    tap.eq(out["tokens_changed"], 1)
    tap.eq(out["data"]["username"], "officer")


def test_logout_revokes_refresh():
    need_sim()
    tok, refresh = session(sim.url, "officer2")
    ok(probe(sim.url, "logout", token=tok, refresh=refresh), "logout")
    out = probe(sim.url, "refresh", refresh=refresh)
    tap.eq(out["result"], "auth", "refresh after logout")


def test_reference_data_and_etags():
    need_sim()
    tok, _ = session(sim.url, "supervisor")
    for op in (["agencies"], ["procedures"], ["users"], ["calendar", "2025"]):
        out = served(probe(sim.url, *op, token=tok), op[0])
        data = ok(out, op[0])
        tap.check(data, f"{op[0]}: empty")
        if out["etag"]:
            again = probe(sim.url, *op, token=tok, etag=out["etag"])
            tap.eq(again["result"], "ok", op[0])
            tap.check(again["not_modified"], f"{op[0]}: If-None-Match gave no 304")


def visible_dossiers(tok, *params):
    out = served(probe(sim.url, "search", "limit=50", *params, token=tok), "search")
    return ok(out, "search")["items"]


def test_search_dossier_304():
    need_sim()
    tok, _ = session(sim.url, "supervisor")
    items = visible_dossiers(tok)
    tap.check(items, "the supervisor sees no dossier")
    d = items[0]
    out = served(probe(sim.url, "dossier", d["id"], token=tok), "dossier")
    full = ok(out, "dossier")
    tap.eq(full["id"], d["id"])
    tap.check("applicant" in full, "no full form")
    tap.eq(out["etag"], f'"{full["version"]}"', "ETag is the version")
    again = probe(sim.url, "dossier", d["id"], token=tok, etag=out["etag"])
    tap.check(again["not_modified"], "no 304 for an unchanged dossier")


def test_change_feed_pages():
    need_sim()
    tok, _ = session(sim.url, "supervisor")
    page = ok(served(probe(sim.url, "changes", "limit=20", token=tok), "changes"), "changes")
    tap.check(page["next_cursor"], "no cursor")
    tap.check(len(page["changes"]) <= 20, "page over its limit")
    nxt = ok(probe(sim.url, "changes", "since=" + page["next_cursor"], "full=1", token=tok),
             "changes since")
    seqs = [c["seq"] for c in page["changes"]] + [c["seq"] for c in nxt["changes"]]
    tap.eq(seqs, sorted(set(seqs)), "sequence numbers increase without repeats")


def test_report():
    need_sim()
    tok, _ = session(sim.url, "supervisor")
    rows = ok(served(probe(sim.url, "report", token=tok), "report"), "report")
    tap.check(rows, "no report rows")


def test_document_download_and_resume():
    need_sim()
    tok, _ = session(sim.url, "supervisor")
    docs = []
    for d in visible_dossiers(tok):
        full = ok(served(probe(sim.url, "dossier", d["id"], token=tok), "dossier"))
        docs = [(d["id"], doc) for doc in full.get("documents", []) if doc["size"] > 1]
        if docs:
            break
    if not docs:
        tap.skip("no visible dossier has documents")
    did, doc = docs[0]
    path = os.path.join(tmp, "doc.bin")
    out = served(probe(sim.url, "document", did, doc["id"], path, token=tok), "documents")
    tap.eq(out["result"], "ok", out["message"])
    whole = open(path, "rb").read()
    tap.eq(len(whole), doc["size"], "downloaded size")
    with open(path, "wb") as f:
        f.write(whole[: len(whole) // 2])
    out = probe(sim.url, "document", did, doc["id"], path, token=tok, etag=out["etag"])
    tap.eq(out["result"], "ok", out["message"])
    tap.eq(open(path, "rb").read(), whole, "resumed download")


def test_stale_version_412():
    need_sim()
    tok, _ = session(sim.url, "supervisor")
    items = [d for d in visible_dossiers(tok) if d["version"] > 1]
    if not items:
        tap.skip("no dossier with a past version")
    d = items[0]
    out = served(probe(sim.url, "action", d["id"], "stop",
                       str(uuid.uuid4()), str(d["version"] - 1), "reason=test", token=tok),
                 "actions")
    tap.eq(out["http_status"], 412, out["message"])
    tap.eq(out["code"], "version_conflict")
    tap.eq(out["current"]["version"], d["version"], "current is the server's dossier")


def history_count(url, tok, did, action):
    full = ok(probe(url, "dossier", did, token=tok), "dossier")
    return sum(1 for h in full.get("history", []) if h["action"] == action), full


def test_actions_under_faults_take_effect_once():
    need_sim()
    faulty = Sim(dossiers=1000, fault="error=0.2,drop=0.1,drop-after-commit=0.1").start()
    try:
        tok, _ = session(faulty.url, "supervisor")
        out = served(probe(faulty.url, "search", "state=submitted", "limit=50", token=tok,
                           retries=20), "search")
        subs = ok(out, "search")["items"][:8]
        if not subs:
            tap.skip("no submitted dossier to receive")
        served(probe(faulty.url, "dossier", subs[0]["id"], token=tok, retries=20), "dossier")
        for d in subs:
            key = str(uuid.uuid4())
            out = served(probe(faulty.url, "action", d["id"], "receive", key, str(d["version"]),
                               "note=nhận", token=tok, retries=20), "actions")
            tap.eq(out["result"], "ok", f"receive {d['id']}: {out['message']}")
            tap.eq(out["data"]["version"], d["version"] + 1, "one version step")
            # The same key again is the same answer, not a second action.
            again = probe(faulty.url, "action", d["id"], "receive", key, str(d["version"]),
                          "note=nhận", token=tok, retries=20)
            tap.eq(again["result"], "ok", again["message"])
            tap.eq(again["data"]["version"], d["version"] + 1, "replayed answer")
            n, full = history_count(faulty.url, tok, d["id"], "receive")
            tap.eq(n, 1, f"receive recorded {n} times on {d['id']}")
            tap.eq(full["version"], d["version"] + 1, "server version")
            ckey = str(uuid.uuid4())
            out = probe(faulty.url, "action", d["id"], "comment", ckey, "0", "text=một lần",
                        token=tok, retries=20)
            tap.eq(out["result"], "ok", out["message"])
            _, full = history_count(faulty.url, tok, d["id"], "comment")
            texts = [c["text"] for c in full.get("comments", [])]
            tap.eq(texts.count("một lần"), 1, "comment taken once")
    finally:
        faulty.stop()


tap.main(globals())
