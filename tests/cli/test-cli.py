"""egov's command line against a real egov-sim: login and the session file,
sync, ls (every filter)/show/search from the cache (JSON and CSV checked),
every action an officer and a supervisor may take, online and offline (the
action survives the server going away and reaches it exactly once, counted
in the server's audit log), conflicts with --redo and --discard, report,
doctor against a live and a stopped server, logout, exit codes, the log's
contents and escaping of server text.  One Sim for the whole script, seeded
with 2000 dossiers so the demo officer's ward has every queue filled; the
offline test restarts it on the same port and database, because the
session and the cache belong to a server URL."""
import csv
import hashlib
import io
import json
import os
import re
import sqlite3
import stat
import subprocess
import unicodedata
import uuid

import tap
from tap import check, eq
from egovtest import Sim, run_egov, tempdir, rmtree, wait_until, EGOV, egov_env

DOSSIERS = 2000
sim = None
home = None
sup_home = None
LOG = None
used = set()          # dossiers an earlier test acted on
touched = set()       # dossier ids whose personal data must stay out of logs


def setup_module():
    global sim, home, sup_home, LOG
    sim = Sim(dossiers=DOSSIERS).start()
    home = tempdir("egov-cli-")
    sup_home = tempdir("egov-cli-sup-")
    LOG = os.path.join(home, "egov.log")


def teardown_module():
    if sim:
        sim.stop()
    rmtree(home)
    rmtree(sup_home)


def egov(*args, password=None, user="officer", extra=None, input=None, h=None):
    """egov as `user` in `h` (the officer's home by default), logging to
    LOG at debug level."""
    env = {"EGOV_SERVER": sim.url, "EGOV_USER": user, "NO_COLOR": "1",
           "EGOV_LOG_FILE": LOG, "EGOV_LOG_LEVEL": "debug"}
    if password:
        env["EGOV_PASSWORD"] = password
    if extra:
        env.update(extra)
    return run_egov(list(args), h or home, input=input, env_extra=env)


def session_files(h=None):
    d = os.path.join(h or home, "state", "egov")
    if not os.path.isdir(d):
        return []
    return [os.path.join(d, f) for f in os.listdir(d) if f.startswith("session-")
            and f.endswith(".json")]


def sup(*args, **kw):
    """egov as the supervisor, in a home of its own (one session per server
    and home)."""
    return egov(*args, user="supervisor", h=sup_home, **kw)


def egov_bytes(*args, h=None, user="officer"):
    """egov's stdout as bytes: text mode would turn CSV's CRLF into LF."""
    env = egov_env(h or home)
    env.update({"EGOV_SERVER": sim.url, "EGOV_USER": user, "NO_COLOR": "1",
                "EGOV_LOG_FILE": LOG, "EGOV_LOG_LEVEL": "debug"})
    r = subprocess.run([EGOV] + list(args), env=env, capture_output=True, timeout=120)
    eq(r.returncode, 0, f"{args}: {r.stderr!r}")
    return r.stdout


def server_dossier(dossier_id, user="supervisor"):
    tok = sim.login(user)
    st, _, body = sim.request("GET", f"/api/v1/dossiers/{dossier_id}", token=tok)
    eq(st, 200, "GET dossier")
    return body


def effects(key):
    """How many times the server applied the action with this idempotency
    key: its audit rows with status 200 that were not replays."""
    tok = sim.login("supervisor")
    st, _, body = sim.request("GET", f"/api/v1/audit?idempotency_key={key}&limit=5000",
                              token=tok)
    eq(st, 200, "GET /audit")
    return sum(1 for r in body["items"] if r["status"] == 200 and not r["replay"])


def outbox_row(dossier_id, h=None, user="officer"):
    r = egov("outbox", "--all", "--json", h=h, user=user)
    eq(r.returncode, 0, r.stderr)
    rows = [x for x in json.loads(r.stdout) if x["dossier_id"] == dossier_id]
    check(rows, f"an outbox row for {dossier_id}")
    return rows[-1]


# ---- no server needed ---------------------------------------------------

def test_version_and_help():
    r = run_egov(["--version"], home)
    eq(r.returncode, 0, "--version")
    check(r.stdout.startswith("egov (egov-console) "), r.stdout)
    r = run_egov(["--help"], home)
    eq(r.returncode, 0, "--help")
    for cmd in ("login", "logout", "sync", "ls", "show", "search", "act",
                "outbox", "conflicts", "report", "doctor"):
        check(f"  {cmd} " in r.stdout, f"{cmd} in --help")
        r2 = run_egov([cmd, "--help"], home)
        eq(r2.returncode, 0, f"{cmd} --help")
        check(r2.stdout.startswith(f"Usage: egov {cmd}"), r2.stdout)


def test_usage_errors_exit_2():
    for args in (["--bogus"], ["frobnicate"], ["ls", "--bogus"], ["ls", "--state", "nope"],
                 ["show"], ["act", "X"], ["act", "X", "fly"], ["act", "X", "refuse"],
                 ["report", "--from", "yesterday"], ["ls", "--state"]):
        r = egov(*args)
        eq(r.returncode, 2, f"exit code of {args}: {r.stderr}")
        lines = r.stderr.strip().splitlines()
        check(lines and lines[0].startswith("egov: "), f"{args}: {r.stderr!r}")
        eq(r.stdout, "", f"{args} prints nothing on stdout")


def test_password_never_an_argument():
    r = egov("login", "demo")
    eq(r.returncode, 2, "a stray argument to login")
    r = egov("--password", "demo", "login")
    eq(r.returncode, 2, "--password is not an option")
    r = egov("login", "--password=demo")
    eq(r.returncode, 2, "login --password is not an option")
    eq(session_files(), [], "no session from any of those")


def test_bad_config_names_file_line_key():
    h = tempdir("egov-cfg-")
    try:
        cfgdir = os.path.join(h, "config", "egov")
        os.makedirs(cfgdir)
        path = os.path.join(cfgdir, "config")
        with open(path, "w") as f:
            f.write("# egov\n[default]\nserver = http://127.0.0.1:1\n\ncolour = never\n")
        r = egov("ls", h=h)
        eq(r.returncode, 2, "exit code")
        eq(r.stderr.strip(), f"egov: {path}:5: unknown key 'colour' in [default]")
        with open(path, "w") as f:
            f.write("[default]\nsync_interval = soon\n")
        r = egov("outbox", h=h)
        eq(r.returncode, 2, "exit code")
        check(f"{path}:2: " in r.stderr and "sync_interval" in r.stderr, r.stderr)
        with open(path, "w") as f:
            f.write("[default]\nserver = http://127.0.0.1:1\n")
        r = egov("--profile", "nosuch", "outbox", h=h)
        eq(r.returncode, 2, "unknown profile")
        check("no [profile nosuch] section" in r.stderr, r.stderr)
    finally:
        rmtree(h)


def test_config_profile_selects_server():
    h = tempdir("egov-cfg-")
    try:
        cfgdir = os.path.join(h, "config", "egov")
        os.makedirs(cfgdir)
        with open(os.path.join(cfgdir, "config"), "w") as f:
            f.write(f"[default]\nserver = http://127.0.0.1:1\nuser = nobody\n"
                    f"[profile sim]\nserver = {sim.url}\nuser = officer\n")
        r = run_egov(["--profile", "sim", "login"], h,
                     env_extra={"EGOV_PASSWORD": "demo"})
        eq(r.returncode, 0, f"login through the profile: {r.stderr}")
        check(sim.url in r.stdout and "officer" in r.stdout, r.stdout)
    finally:
        rmtree(h)


# ---- login and the session -----------------------------------------------

def test_login_wrong_password_exit_4():
    r = egov("login", password="wrong-password")
    eq(r.returncode, 4, f"exit code: {r.stderr}")
    check(r.stderr.startswith("egov: "), r.stderr)
    eq(session_files(), [], "no session file")


def test_login_without_password_or_tty_exit_4():
    r = subprocess.run([EGOV, "login"], capture_output=True, text=True,
                       stdin=subprocess.DEVNULL, start_new_session=True,
                       env={**os.environ, "HOME": home, "EGOV_SERVER": sim.url,
                            "EGOV_USER": "officer",
                            "XDG_STATE_HOME": os.path.join(home, "state")})
    eq(r.returncode, 4, f"exit code: {r.stderr}")
    check("EGOV_PASSWORD" in r.stderr, r.stderr)


def test_login_keeps_tokens_not_the_password():
    r = egov("login", password="demo")
    eq(r.returncode, 0, r.stderr)
    check("officer" in r.stdout, r.stdout)
    files = session_files()
    eq(len(files), 1, "one session file")
    st = os.stat(files[0])
    eq(stat.S_IMODE(st.st_mode), 0o600, "session file mode")
    eq(stat.S_IMODE(os.stat(os.path.dirname(files[0])).st_mode), 0o700, "folder mode")
    data = json.load(open(files[0]))
    check(data.get("refresh_token"), "refresh token kept")
    eq(data.get("username"), "officer", "user")
    eq(data.get("server"), sim.url, "server")
    check(all(v != "demo" for v in data.values()), "no password")
    check("password" not in data, "no password field")
    # The access token too, so later commands need not refresh (and rotate
    # the refresh token) each time; tests/cli/test-cli-session.py.
    check(data.get("access_token") and data.get("access_expires_at"), "access token kept")


def test_sync_fills_cache():
    r = egov("sync", "--json")
    eq(r.returncode, 0, r.stderr)
    rep = json.loads(r.stdout)
    eq(rep["ok"], True, "ok")
    check(rep["dossiers"] > 0, f"dossiers cached: {rep}")
    data_dir = os.path.join(home, "data", "egov")
    for f in os.listdir(data_dir):
        if f.endswith(".db"):
            eq(stat.S_IMODE(os.stat(os.path.join(data_dir, f)).st_mode), 0o600, f)
    eq(stat.S_IMODE(os.stat(data_dir).st_mode), 0o700, "data folder")


def ls_json(*args):
    r = egov("ls", "--json", *args)
    eq(r.returncode, 0, r.stderr)
    return json.loads(r.stdout)


def test_ls_json_and_csv_agree():
    rows = ls_json("--all")
    check(len(rows) > 0, "rows")
    for row in rows:
        for key in ("id", "code", "state", "status_code", "due_at", "overdue",
                    "pending_actions", "version"):
            check(key in row, f"{key} in {row}")
    raw = egov_bytes("ls", "--all", "--csv")
    check(raw.endswith(b"\r\n"), "CRLF record ends")
    eq(raw.count(b"\n"), raw.count(b"\r\n"), "every line ends CRLF")
    recs = list(csv.DictReader(io.StringIO(raw.decode(), newline="")))
    eq([x["code"] for x in recs], [x["code"] for x in rows], "same rows in the same order")
    for rec, row in zip(recs, rows):
        eq(rec["state"], row["state"], "state")
        eq(rec["id"], row["id"], "id")
        eq(int(rec["version"]), row["version"], "version")
        eq(rec["overdue"], "1" if row["overdue"] else "0", "overdue")
        # Numbers stay numbers: no spreadsheet guard on -3.
        want = "" if row["working_days_left"] is None else str(row["working_days_left"])
        eq(rec["working_days_left"], want, f"working_days_left of {row['code']}")
        eq(rec["applicant_name"], row["applicant_name"] or "", "applicant")
    states = {x["state"] for x in rows}
    some = sorted(states)[0]
    only = ls_json("--state", some)
    check(only and all(x["state"] == some for x in only), f"--state {some}")
    eq(len(only), sum(1 for x in rows if x["state"] == some), "--state count")
    over = ls_json("--overdue")
    check(all(x["overdue"] for x in over), "--overdue")
    people = egov("ls")
    eq(people.returncode, 0, people.stderr)
    check(people.stdout.splitlines()[0].startswith("NUMBER"), people.stdout[:200])


def test_show_json_and_text():
    rows = ls_json("--all")
    code = rows[0]["code"]
    touched.add(rows[0]["id"])
    r = egov("show", "--json", code)
    eq(r.returncode, 0, r.stderr)
    d = json.loads(r.stdout)
    eq(d["code"], code, "code")
    eq(d["id"], rows[0]["id"], "id")
    check("pending_actions" in d, "pending_actions")
    # The sync cached summaries; show fetched the full form from the server.
    want = server_dossier(d["id"], user="officer")
    eq(d["applicant"]["id_number"], want["applicant"]["id_number"], "the full form")
    eq(len(d["history"]), len(want["history"]), "history")
    r = egov("show", code)
    eq(r.returncode, 0, r.stderr)
    check(r.stdout.startswith(code), r.stdout[:100])
    check("ID number" in r.stdout and "History" in r.stdout, r.stdout)
    check("summary only" not in r.stdout, "not the summary")
    r = egov("show", "000.00.00.H99-000000-9999")
    eq(r.returncode, 7, "unknown dossier")


def test_search_ignores_diacritics():
    rows = ls_json("--all")
    named = [x for x in rows if x.get("applicant_name")]
    check(named, "applicants")
    name = named[0]["applicant_name"]
    folded = name.lower()
    for a, b in (("đ", "d"), ("Đ", "d")):
        folded = folded.replace(a, b)
    folded = "".join(c for c in unicodedata.normalize("NFD", folded)
                     if not unicodedata.combining(c))
    r = egov("search", "--json", "--limit", "100000", *folded.split())
    eq(r.returncode, 0, r.stderr)
    found = json.loads(r.stdout)
    check(folded.isascii(), f"{folded!r} has no diacritics left")
    check(any(x["code"] == named[0]["code"] for x in found), f"'{folded}' finds {name}")
    check(all(all(w in "".join(c for c in unicodedata.normalize(
        "NFD", (x.get("applicant_name", "") + " " + (x.get("subject") or "") + " " +
                (x.get("procedure_name") or "") + " " + x["code"]).lower().replace("đ", "d"))
        if not unicodedata.combining(c)) for w in folded.split()) for x in found),
        "every hit has every word")
    r = egov("search", "--csv", *folded.split())
    eq(r.returncode, 0, r.stderr)
    check(r.stdout.startswith("code,state,"), r.stdout[:80])
    r = egov("search")
    eq(r.returncode, 2, "search without words")


_ids = {}


def user_id(username):
    if username not in _ids:
        st, _, me = sim.request("GET", "/api/v1/me", token=sim.login(username))
        eq(st, 200, "GET /me")
        _ids[username] = me["id"]
    return _ids[username]


def pick(what, pred, rows=None):
    """A dossier no earlier test acted on that satisfies pred; the seed has
    enough of every kind, so running out is a failure, never a skip."""
    rows = ls_json("--all") if rows is None else rows
    for row in rows:
        if row["id"] not in used and not row["pending_actions"] and pred(row):
            used.add(row["id"])
            touched.add(row["id"])
            return row
    raise AssertionError(f"no unused dossier {what} among {len(rows)}: seed more")


def in_state(state, assignee=False):
    """pred: in `state`; assignee False any, None unassigned, else that id."""
    return lambda r: r["state"] == state and (
        assignee is False or r.get("assignee_id") == assignee)


def act_ok(row, *args, runner=None):
    r = (runner or egov)("act", row["code"], *args)
    eq(r.returncode, 0, f"act {args} on {row['code']} ({row['state']}): {r.stderr}")
    check(f"{row['code']}: {args[0]} done." in r.stdout, r.stdout)
    return server_dossier(row["id"])


# ---- every action the officer may take ------------------------------------

def test_act_online_receive():
    row = pick("submitted", in_state("submitted"))
    d = act_ok(row, "receive", "--note", "nhận hồ sơ")
    eq(d["state"], "received", "server state")
    eq(d["history"][-1]["action"], "receive", "history")
    eq(d["history"][-1]["note"], "nhận hồ sơ", "the note")
    r = egov("outbox", "--json")
    eq(r.returncode, 0, r.stderr)
    check(all(x["dossier_id"] != row["id"] for x in json.loads(r.stdout)), "not left in the outbox")
    key = outbox_row(row["id"])["idempotency_key"]
    eq(effects(key), 1, "applied once")


def test_act_refuse():
    row = pick("submitted", in_state("submitted"))
    d = act_ok(row, "refuse", "--reason", "thiếu giấy tờ")
    eq(d["state"], "refused", "server state")


def test_act_claim():
    row = pick("received, unassigned", in_state("received", None))
    d = act_ok(row, "claim")
    eq(d["state"], "in_progress", "server state")
    eq(d["assignee_id"], user_id("officer"), "claimed by the officer")


def test_act_request_supplement():
    row = pick("in progress, mine", in_state("in_progress", user_id("officer")))
    d = act_ok(row, "request_supplement", "--reason", "bổ sung bản sao", "--deadline-days", "7")
    eq(d["state"], "supplement_requested", "server state")
    eq(d["supplements"][-1]["deadline_days"], 7, "deadline")
    eq(d["supplements"][-1]["reason"], "bổ sung bản sao", "reason")


def test_act_propose():
    row = pick("in progress, mine", in_state("in_progress", user_id("officer")))
    d = act_ok(row, "propose", "--note", "đề nghị duyệt")
    eq(d["state"], "pending_approval", "server state")


def test_act_return_result():
    row = pick("result ready", in_state("result_ready"))
    d = act_ok(row, "return_result", "--method", "postal")
    eq(d["state"], "returned", "server state")


def test_act_comment():
    row = pick("any", lambda r: True)
    d = act_ok(row, "comment", "--text", "đã gọi công dân")
    check(any(c["text"] == "đã gọi công dân" for c in d["comments"]), "the comment")


def test_act_forbidden_exit_4_then_discard():
    row = pick("pending approval", in_state("pending_approval"))
    r = egov("act", row["code"], "approve")
    eq(r.returncode, 4, f"an officer may not approve: {r.stderr}")
    check(r.stderr.startswith("egov: ") and len(r.stderr.splitlines()) == 1, r.stderr)
    eq(outbox_row(row["id"])["status"], "failed", "kept as refused")
    r = egov("conflicts", "resolve", row["code"], "--redo")
    eq(r.returncode, 2, f"a refused action cannot be redone: {r.stderr}")
    r = egov("conflicts", "resolve", row["code"], "--discard")
    eq(r.returncode, 0, r.stderr)
    eq(outbox_row(row["id"])["status"], "discarded", "discarded")
    eq(server_dossier(row["id"])["state"], "pending_approval", "nothing happened")


def test_act_invalid_transition_exit_5():
    row = pick("pending approval", in_state("pending_approval"))
    r = egov("act", row["code"], "receive")
    eq(r.returncode, 5, f"receive on pending_approval: {r.stderr}")
    eq(outbox_row(row["id"])["status"], "conflict", "a conflict")
    r = egov("conflicts", "resolve", row["code"], "--discard")
    eq(r.returncode, 0, r.stderr)
    r = egov("ls", "--json", "--all")
    mine = [x for x in json.loads(r.stdout) if x["id"] == row["id"]]
    eq(mine[0]["state"], "pending_approval", "the local effect is gone too")


def test_act_unknown_dossier_exit_7():
    r = egov("act", "000.00.00.H99-000000-9999", "comment", "--text", "x")
    eq(r.returncode, 7, r.stderr)
    r = egov("act", "000.00.00.H99-000000-9999", "fly")
    eq(r.returncode, 2, "an unknown action is a usage error first")


# ---- every action the supervisor may take ---------------------------------

def sup_rows():
    r = sup("ls", "--json", "--all")
    eq(r.returncode, 0, r.stderr)
    return json.loads(r.stdout)


def test_supervisor_login_and_sync():
    r = sup("login", password="demo")
    eq(r.returncode, 0, r.stderr)
    check("(supervisor)" in r.stdout, r.stdout)
    r = sup("sync", "--json")
    eq(r.returncode, 0, r.stderr)
    rows = sup_rows()
    check(len(rows) > len(ls_json("--all")), "a supervisor sees more than an officer")


def test_supervisor_assign():
    row = pick("received, unassigned", in_state("received", None), sup_rows())
    d = act_ok(row, "assign", "--assignee", "officer2", "--note", "giao xử lý", runner=sup)
    eq(d["assignee_id"], user_id("officer2"), "assigned by user name")
    eq(d["state"], "in_progress", "state")


def test_supervisor_approve_send_back_stop():
    for before, args, after in (
            ("pending_approval", ("approve", "--note", "đồng ý"), "result_ready"),
            ("pending_approval", ("send_back", "--reason", "xem lại"), "in_progress"),
            ("in_progress", ("stop", "--reason", "công dân đề nghị"), "stopped")):
        row = pick(before, in_state(before), sup_rows())
        d = act_ok(row, *args, runner=sup)
        eq(d["state"], after, f"{args[0]}: server state")


def test_supervisor_apologize():
    row = pick("in progress", in_state("in_progress"), sup_rows())
    d = act_ok(row, "apologize", "--reason", "chậm do xác minh", "--new-due", "2030-03-15",
               runner=sup)
    check(d["apology"], "an apology")
    check(d["apology"]["new_due_at"].startswith("2030-03-15T17:00:00"), d["apology"])
    r = sup("act", row["code"], "apologize", "--reason", "x", "--new-due", "soon")
    eq(r.returncode, 2, "a malformed date")


def test_supervisor_comment_and_report():
    row = pick("any", lambda r: True, sup_rows())
    act_ok(row, "comment", "--text", "lãnh đạo đã xem", runner=sup)
    r = sup("report", "--json", "--from", "2000-01-01", "--to", "2000-01-31")
    eq(r.returncode, 0, r.stderr)
    rows = json.loads(r.stdout)
    check(rows and all(x["received"] == 0 and x["on_time_rate"] is None for x in rows),
          "nothing received in 2000, and a rate of nothing is null")
    r = sup("report", "--from", "2030-01-01", "--to", "2029-01-01")
    eq(r.returncode, 2, "--to before --from")


# ---- ls filters --------------------------------------------------------------

def test_ls_filters():
    every = ls_json("--all")
    active = ls_json()
    terminal = {"refused", "withdrawn", "stopped", "returned"}
    eq(sorted(x["code"] for x in active),
       sorted(x["code"] for x in every if x["state"] not in terminal), "active by default")
    me = user_id("officer")
    mine = ls_json("--assignee", "me")
    check(mine, "something is mine")
    eq(sorted(x["id"] for x in mine),
       sorted(x["id"] for x in active if x["assignee_id"] == me), "--assignee me")
    eq([x["id"] for x in ls_json("--assignee", "officer")], [x["id"] for x in mine],
       "--assignee by user name")
    nobody = ls_json("--assignee", "none")
    check(nobody, "something unassigned")
    eq(sorted(x["id"] for x in nobody),
       sorted(x["id"] for x in active if not x["assignee_id"]), "--assignee none")
    soon = ls_json("--due-within", "5")
    want = [x["id"] for x in active if x["due_at"] and not x["overdue"]
            and 0 <= x["working_days_left"] <= 5]
    eq(sorted(x["id"] for x in soon), sorted(want), "--due-within 5")
    over = ls_json("--overdue")
    eq(sorted(x["id"] for x in over), sorted(x["id"] for x in every if x["overdue"]),
       "--overdue")
    tok = sim.login("officer")
    _, _, agencies = sim.request("GET", "/api/v1/agencies", token=tok)
    _, _, me_user = sim.request("GET", "/api/v1/me", token=tok)
    mine_code = [a["code"] for a in agencies["items"] if a["id"] == me_user["agency_id"]][0]
    other = [a["code"] for a in agencies["items"] if a["id"] != me_user["agency_id"]][0]
    eq(sorted(x["id"] for x in ls_json("--agency", mine_code)),
       sorted(x["id"] for x in active), "--agency: my agency handles all I see")
    eq(ls_json("--agency", other), [], "--agency: another agency")
    both = ls_json("--state", "in_progress", "--assignee", "me")
    eq(sorted(x["id"] for x in both),
       sorted(x["id"] for x in active if x["state"] == "in_progress" and x["assignee_id"] == me),
       "filters combine")
    r = egov("ls", "--due-within", "soon")
    eq(r.returncode, 2, "--due-within takes a number")


# ---- offline: kept, then delivered exactly once ----------------------------

def _try_start(s):
    try:
        s.start()
        return True
    except RuntimeError:
        return False


def offline_part(row):
    """What works and what is kept while egov-sim is down."""
    # The help-desk's first command says what is wrong, check by check.
    r = egov("doctor", "--json")
    eq(r.returncode, 3, r.stdout + r.stderr)
    checks = {c["check"]: c for c in json.loads(r.stdout)}
    eq(checks["config"]["result"], "ok", "config")
    eq(checks["tcp"]["result"], "fail", "tcp fails")
    check("cannot connect" in checks["tcp"]["detail"], checks["tcp"])
    eq(checks["outbox"]["result"], "ok", "nothing waiting yet")
    r = egov("act", row["code"], "receive", "--note", "nhận khi mất mạng")
    eq(r.returncode, 3, f"offline exit code: {r.stderr}")
    check("outbox" in r.stderr and len(r.stderr.splitlines()) == 1, r.stderr)
    r = egov("outbox", "--json")
    eq(r.returncode, 0, r.stderr)
    queued = [x for x in json.loads(r.stdout) if x["dossier_id"] == row["id"]]
    eq(len(queued), 1, "kept in the outbox")
    eq(queued[0]["action"], "receive", "the action")
    eq(queued[0]["params"].get("note"), "nhận khi mất mạng", "its note")
    r = egov("ls", "--json", "--all")
    mine = [x for x in json.loads(r.stdout) if x["id"] == row["id"]]
    eq(mine[0]["state"], "received", "optimistic state while offline")
    eq(mine[0]["pending_actions"], 1, "pending")
    r = egov("sync")
    eq(r.returncode, 3, f"sync offline: {r.stderr}")
    r = egov("doctor")
    eq(r.returncode, 3, "doctor offline")
    check(re.search(r"^warn\s+outbox\s+1 actions waiting", r.stdout, re.M), r.stdout)


def test_act_offline_then_sync_exactly_once():
    global sim
    row = pick("submitted", in_state("submitted"))
    port, db, workdir = sim.port, sim.db, sim.workdir
    sim.stop()
    try:
        offline_part(row)
    finally:
        # The same server again: same port, same database.
        sim = Sim(dossiers=DOSSIERS, db=db, workdir=workdir)
        sim.args[sim.args.index("127.0.0.1:0")] = f"127.0.0.1:{port}"
        started = wait_until(lambda: _try_start(sim), timeout=30, interval=0.2)
    check(started, "egov-sim restarted on the same port")
    key = outbox_row(row["id"])["idempotency_key"]
    eq(effects(key), 0, "nothing reached the server while it was down")
    r = egov("sync")
    eq(r.returncode, 0, f"sync: {r.stderr}")
    check("Sent 1 actions (1 done" in r.stdout, r.stdout)
    d = server_dossier(row["id"])
    eq(d["state"], "received", "server state after sync")
    receives = [h for h in d.get("history", []) if h["action"] == "receive"]
    eq(len(receives), 1, "the action reached the server exactly once")
    eq(effects(key), 1, "one effect for its idempotency key")
    r = egov("sync")
    eq(r.returncode, 0, r.stderr)
    eq(effects(key), 1, "still once after another sync")
    r = egov("outbox", "--json")
    check(all(x["dossier_id"] != row["id"] for x in json.loads(r.stdout)), "outbox emptied")
    eq(outbox_row(row["id"])["status"], "done", "done")


# ---- conflicts ------------------------------------------------------------

def supervisor_acts(row, body, if_match=True):
    tok = sim.login("supervisor")
    h = {"Idempotency-Key": str(uuid.uuid4())}
    if if_match:
        h["If-Match"] = f"\"{row['version']}\""
    st, _, _ = sim.request("POST", f"/api/v1/dossiers/{row['id']}/actions", body,
                           token=tok, headers=h)
    eq(st, 200, f"the supervisor's {body['action']}")


def test_conflict_exit_5_and_discard():
    row = pick("submitted", in_state("submitted"))
    # Someone else receives it first; our cache still has the old version.
    supervisor_acts(row, {"action": "receive"})
    r = egov("act", row["code"], "refuse", "--reason", "thiếu giấy tờ")
    eq(r.returncode, 5, f"conflict exit code: {r.stderr}")
    key = outbox_row(row["id"])["idempotency_key"]
    r = egov("conflicts", "--json")
    eq(r.returncode, 0, r.stderr)
    mine = [c for c in json.loads(r.stdout) if c["dossier_code"] == row["code"]]
    eq(len(mine), 1, "the conflict is listed")
    eq(mine[0]["action"], "refuse", "the action")
    eq(mine[0]["mine"]["state"], "submitted", "what I saw")
    eq(mine[0]["theirs"]["state"], "received", "what the server has")
    r = egov("conflicts")
    check(row["code"] in r.stdout and "refuse" in r.stdout, r.stdout)
    r = egov("conflicts", "resolve", row["code"], "--discard")
    eq(r.returncode, 0, r.stderr)
    r = egov("conflicts", "--json")
    check(all(c["dossier_code"] != row["code"] for c in json.loads(r.stdout)), "resolved")
    eq(server_dossier(row["id"])["state"], "received", "the refuse never happened")
    eq(effects(key), 0, "no effect")
    r = egov("conflicts", "resolve", row["code"], "--discard")
    eq(r.returncode, 7, "nothing left to resolve")


def test_conflict_redo():
    row = pick("received, unassigned", in_state("received", None))
    # A comment from someone else moves the version on under us.
    supervisor_acts(row, {"action": "comment", "text": "xem trước"}, if_match=False)
    r = egov("act", row["code"], "claim")
    eq(r.returncode, 5, f"a stale claim: {r.stderr}")
    r = egov("conflicts", "resolve", row["code"], "--redo")
    eq(r.returncode, 0, f"redo: {r.stderr}")
    d = server_dossier(row["id"])
    eq(d["assignee_id"], user_id("officer"), "claimed on the server's version")
    key = outbox_row(row["id"])["idempotency_key"]
    eq(effects(key), 1, "the redo applied once, with a new key")
    r = egov("conflicts", "--json")
    check(all(c["dossier_code"] != row["code"] for c in json.loads(r.stdout)), "resolved")


def test_server_text_is_escaped():
    row = pick("any", lambda r: True)
    evil = "hi \x1b]0;pwned\x07 \x1b[2J \u202e end"
    r = egov("act", row["code"], "comment", "--text", evil)
    eq(r.returncode, 0, r.stderr)
    r = egov("sync")
    eq(r.returncode, 0, r.stderr)
    r = egov("show", row["code"])
    eq(r.returncode, 0, r.stderr)
    check("\x1b" not in r.stdout and "\u202e" not in r.stdout, "no raw escapes")
    check("\\x1b]0;pwned\\x07" in r.stdout and "\\u202e" in r.stdout, r.stdout[-400:])
    r = egov("show", "--json", row["code"])
    texts = [c["text"] for c in json.loads(r.stdout).get("comments", [])]
    check(evil in texts, "JSON keeps the exact text")


def test_report_json_and_csv():
    r = egov("report", "--json")
    eq(r.returncode, 0, r.stderr)
    rows = json.loads(r.stdout)
    check(rows, "rows")
    for row in rows:
        for key in ("agency_id", "agency_name", "received", "on_time_rate", "online_rate"):
            check(key in row, f"{key}")
        for key in ("on_time_rate", "online_rate", "digitized_rate"):
            v = row[key]
            check(v is None or 0.0 <= v <= 1.0, f"{key}={v}")
    check(sum(x["received"] for x in rows) > 0, "something was received")
    raw = egov_bytes("report", "--csv")
    check(raw.endswith(b"\r\n"), "CRLF")
    recs = list(csv.DictReader(io.StringIO(raw.decode(), newline="")))
    eq(len(recs), len(rows), "CSV rows")
    eq([int(x["received"]) for x in recs], [x["received"] for x in rows], "same figures")
    # --from/--to reach the server as the period.
    tok = sim.login("officer")
    st, _, want = sim.request("GET", "/api/v1/reports/agencies?from=2026-01-01&to=2026-06-30",
                              token=tok)
    eq(st, 200, "the server's report")
    r = egov("report", "--json", "--from", "2026-01-01", "--to", "2026-06-30")
    eq(r.returncode, 0, r.stderr)
    got = json.loads(r.stdout)
    eq([(x["agency_id"], x["received"], x["finished_late"]) for x in got],
       [(x["agency_id"], x["received"], x["finished_late"]) for x in want["items"]],
       "the period's figures")
    r = egov("report")
    eq(r.returncode, 0, r.stderr)
    check(r.stdout.startswith("AGENCY"), r.stdout[:80])


def test_doctor_online():
    r = egov("doctor", "--json")
    eq(r.returncode, 0, f"{r.stdout} {r.stderr}")
    checks = {c["check"]: c["result"] for c in json.loads(r.stdout)}
    for name in ("config", "dns", "tcp", "tls", "token", "clock", "latency", "transfer",
                 "cache", "outbox"):
        check(name in checks, f"{name} checked")
    for name in ("config", "dns", "tcp", "token", "clock", "latency", "transfer", "cache",
                 "outbox"):
        eq(checks[name], "ok", f"{name} against a live egov-sim")
    eq(checks["tls"], "warn", "plain HTTP is a warning")
    r = egov("doctor")
    eq(r.returncode, 0, r.stderr)
    for line in r.stdout.splitlines():
        check(line.split()[0] in ("ok", "warn", "fail"), line)


def test_doctor_offline_exit_3():
    r = egov("doctor", "--json", extra={"EGOV_SERVER": "http://127.0.0.1:9"})
    eq(r.returncode, 3, r.stdout + r.stderr)
    checks = {c["check"]: c["result"] for c in json.loads(r.stdout)}
    eq(checks.get("tcp"), "fail", "tcp fails")
    r = egov("doctor", "--json", extra={"EGOV_SERVER": "http://no-such-host.invalid:8080"})
    eq(r.returncode, 3, r.stdout + r.stderr)
    checks = {c["check"]: c["result"] for c in json.loads(r.stdout)}
    eq(checks.get("dns"), "fail", "dns fails")


def test_server_error_exit_6():
    bad = Sim(dossiers=50, fault="error=1").start()
    h = tempdir("egov-cli-503-")
    try:
        env = {"EGOV_SERVER": bad.url, "EGOV_USER": "officer", "EGOV_PASSWORD": "demo"}
        r = run_egov(["login"], h, env_extra=env)
        eq(r.returncode, 6, f"503 on login: {r.stderr}")
        eq(len(r.stderr.splitlines()), 1, f"one line: {r.stderr!r}")
        r = run_egov(["report"], h, env_extra=env)
        eq(r.returncode, 6, f"503 on report: {r.stderr}")
    finally:
        bad.stop()
        rmtree(h)


# ---- the log ----------------------------------------------------------------

def token_leaks(text):
    """64-hex runs in text that egov-sim issued as tokens (it keeps their
    SHA-256), plus any 'Bearer'."""
    db = sqlite3.connect(f"file:{sim.db}?mode=ro", uri=True)
    try:
        issued = {h for (h,) in db.execute("SELECT hash FROM tokens")}
    finally:
        db.close()
    check(len(issued) > 4, "tokens to look for")
    runs = re.findall(r"[0-9a-f]{64}", text)
    return [r[:6] for r in runs if hashlib.sha256(r.encode()).hexdigest() in issued]


def personal(ids):
    """Applicants' names, ID numbers, phones, e-mails and addresses."""
    out = set()
    for i in ids:
        d = server_dossier(i)
        a = d.get("applicant") or {}
        for v in (d.get("applicant_name"), a.get("name"), a.get("id_number"),
                  a.get("phone"), a.get("email"), a.get("address")):
            if v and len(v) >= 6:
                out.add(v)
    return out


def check_log(text, secrets):
    check("command sync" in text, "the log was written")
    eq(token_leaks(text), [], "no token in the log")
    check("Bearer" not in text and "refresh_token" not in text, "no token in the log")
    check("demo" not in text and "EGOV_PASSWORD=" not in text, "no password in the log")
    for s in secrets:
        check(s not in text, f"log leaks {s[:4]}…")


def test_log_file_option_keeps_secrets_out():
    path = os.path.join(home, "option.log")
    row = pick("any", lambda r: True)
    opts = ["--log-file", path, "--log-level", "debug"]
    env = {"EGOV_SERVER": sim.url, "EGOV_USER": "officer", "NO_COLOR": "1"}
    for args, pw in ((["login"], "demo"), (["sync", "--full"], None), (["ls", "--all"], None),
                     (["show", row["code"]], None), (["search", "a"], None),
                     (["act", row["code"], "comment", "--text", "log test"], None),
                     (["outbox", "--all"], None), (["conflicts"], None), (["report"], None),
                     (["doctor"], None)):
        e = dict(env, **({"EGOV_PASSWORD": pw} if pw else {}))
        r = run_egov(opts + args, home, env_extra=e)
        eq(r.returncode, 0, f"{args}: {r.stderr}")
    text = open(path, encoding="utf-8").read()
    eq(stat.S_IMODE(os.stat(path).st_mode), 0o600, "log mode")
    check(" debug: " in text, "debug lines")
    secrets = set()
    for f in session_files():
        data = json.load(open(f))
        secrets |= {data["refresh_token"], data["access_token"]}
    check(secrets, "the session's refresh token")
    rows = ls_json("--all")
    secrets |= personal([x["id"] for x in rows])     # --full cached them all
    check(len(secrets) > 20, "something to look for")
    check_log(text, secrets)


def test_log_has_no_secrets_or_personal_data():
    text = open(LOG, encoding="utf-8").read()
    eq(stat.S_IMODE(os.stat(LOG).st_mode), 0o600, "log mode")
    secrets = set()
    for f in session_files() + session_files(sup_home):
        data = json.load(open(f))
        secrets |= {data["refresh_token"], data["access_token"]}
    check(touched, "dossiers were touched")
    secrets |= personal(touched)
    check(len(secrets) > 20, "something to look for")
    check_log(text, secrets)


def test_logout_revokes_and_deletes():
    files = session_files()
    eq(len(files), 1, "a session before")
    token = json.load(open(files[0]))["refresh_token"]
    r = egov("logout")
    eq(r.returncode, 0, r.stderr)
    eq(session_files(), [], "file deleted")
    st, _, _ = sim.request("POST", "/api/v1/auth/token",
                           {"grant_type": "refresh_token", "refresh_token": token})
    eq(st, 401, "the refresh token is revoked")
    r = egov("sync")
    eq(r.returncode, 4, "not logged in any more")
    r = egov("outbox")
    eq(r.returncode, 4, "no session, no cache")
    r = egov("logout")
    eq(r.returncode, 0, "logging out twice is fine")


tap.main(globals())
