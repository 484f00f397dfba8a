"""egov's command line against a real egov-sim: login and the session file,
sync, ls/show/search from the cache (JSON and CSV checked), act online and
offline (the action survives the server going away and reaches it exactly
once), conflicts, report, doctor, logout, exit codes, the log's contents and
escaping of server text.  One Sim for the whole script; the offline test
restarts it on the same port and database, because the session and the
cache belong to a server URL."""
import csv
import io
import json
import os
import stat
import subprocess

import tap
from tap import check, eq
from egovtest import Sim, run_egov, tempdir, rmtree, wait_until, EGOV

sim = None
home = None
LOG = None


def setup_module():
    global sim, home, LOG
    sim = Sim(dossiers=120).start()
    home = tempdir("egov-cli-")
    LOG = os.path.join(home, "egov.log")


def teardown_module():
    if sim:
        sim.stop()
    rmtree(home)


def egov(*args, password=None, user="officer", extra=None, input=None, h=None):
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
    return [os.path.join(d, f) for f in os.listdir(d) if f.startswith("session-")]


def server_dossier(dossier_id, user="supervisor"):
    tok = sim.login(user)
    st, _, body = sim.request("GET", f"/api/v1/dossiers/{dossier_id}", token=tok)
    eq(st, 200, "GET dossier")
    return body


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


def test_login_keeps_refresh_token_only():
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
    check("access_token" not in data and "password" not in data, "only the refresh token")


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
    r = egov("ls", "--all", "--csv")
    eq(r.returncode, 0, r.stderr)
    check(r.stdout.endswith("\r\n"), "CRLF record ends")
    recs = list(csv.DictReader(io.StringIO(r.stdout, newline="")))
    eq([x["code"] for x in recs], [x["code"] for x in rows], "same rows in the same order")
    eq(recs[0]["state"], rows[0]["state"], "state")
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
    r = egov("show", "--json", code)
    eq(r.returncode, 0, r.stderr)
    d = json.loads(r.stdout)
    eq(d["code"], code, "code")
    eq(d["id"], rows[0]["id"], "id")
    check("pending_actions" in d, "pending_actions")
    r = egov("show", code)
    eq(r.returncode, 0, r.stderr)
    check(r.stdout.startswith(code), r.stdout[:100])
    r = egov("show", "000.00.00.H99-000000-9999")
    eq(r.returncode, 7, "unknown dossier")


def test_search_ignores_diacritics():
    rows = ls_json("--all")
    named = [x for x in rows if x.get("applicant_name")]
    check(named, "applicants")
    name = named[0]["applicant_name"]
    word = name.split()[-1]
    folded = word.lower()
    for a, b in (("đ", "d"), ("Đ", "d")):
        folded = folded.replace(a, b)
    import unicodedata
    folded = "".join(c for c in unicodedata.normalize("NFD", folded)
                     if not unicodedata.combining(c))
    r = egov("search", "--json", folded)
    eq(r.returncode, 0, r.stderr)
    found = json.loads(r.stdout)
    check(any(x["code"] == named[0]["code"] for x in found) or len(found) >= 1,
          f"'{folded}' finds {name}")
    check(all(folded in "".join(c for c in unicodedata.normalize(
        "NFD", (x.get("applicant_name", "") + " " + (x.get("subject") or "") + " " +
                (x.get("procedure_name") or "") + " " + x["code"]).lower().replace("đ", "d"))
        if not unicodedata.combining(c)) for x in found), "every hit matches")


def pick(state, assignee_none=False):
    for row in ls_json("--all"):
        if row["state"] == state and (not assignee_none or not row.get("assignee_id")):
            return row
    tap.skip(f"no dossier in state {state}")


def test_act_online_receive():
    row = pick("submitted")
    r = egov("act", row["code"], "receive", "--note", "nhận hồ sơ")
    eq(r.returncode, 0, f"exit code: {r.stderr}")
    d = server_dossier(row["id"])
    eq(d["state"], "received", "server state")
    r = egov("outbox", "--json")
    eq(r.returncode, 0, r.stderr)
    check(all(x["dossier_id"] != row["id"] for x in json.loads(r.stdout)), "not left in the outbox")


def test_act_offline_then_sync_exactly_once():
    global sim
    row = pick("submitted")
    port, db, workdir = sim.port, sim.db, sim.workdir
    sim.stop()
    r = egov("act", row["code"], "receive")
    eq(r.returncode, 3, f"offline exit code: {r.stderr}")
    check("outbox" in r.stderr, r.stderr)
    r = egov("outbox", "--json")
    eq(r.returncode, 0, r.stderr)
    queued = [x for x in json.loads(r.stdout) if x["dossier_id"] == row["id"]]
    eq(len(queued), 1, "kept in the outbox")
    eq(queued[0]["action"], "receive", "the action")
    r = egov("ls", "--json", "--all")
    mine = [x for x in json.loads(r.stdout) if x["id"] == row["id"]]
    eq(mine[0]["state"], "received", "optimistic state while offline")
    eq(mine[0]["pending_actions"], 1, "pending")
    # The same server again: same port, same database.
    sim = Sim(dossiers=120, db=db, workdir=workdir)
    sim.args[sim.args.index("127.0.0.1:0")] = f"127.0.0.1:{port}"
    started = wait_until(lambda: _try_start(sim), timeout=30, interval=0.2)
    check(started, "egov-sim restarted on the same port")
    r = egov("sync")
    eq(r.returncode, 0, f"sync: {r.stderr}")
    d = server_dossier(row["id"])
    eq(d["state"], "received", "server state after sync")
    receives = [h for h in d.get("history", []) if h["action"] == "receive"]
    eq(len(receives), 1, "the action reached the server exactly once")
    r = egov("sync")
    eq(r.returncode, 0, r.stderr)
    d = server_dossier(row["id"])
    eq(len([h for h in d.get("history", []) if h["action"] == "receive"]), 1,
       "still once after another sync")
    r = egov("outbox", "--json")
    check(all(x["dossier_id"] != row["id"] for x in json.loads(r.stdout)), "outbox emptied")


def _try_start(s):
    try:
        s.start()
        return True
    except RuntimeError:
        return False


def test_conflict_exit_5_and_resolve():
    row = pick("submitted")
    # Someone else receives it first; our cache still has the old version.
    tok = sim.login("supervisor")
    st, _, _ = sim.request("POST", f"/api/v1/dossiers/{row['id']}/actions",
                           {"action": "receive"}, token=tok,
                           headers={"Idempotency-Key": "7d3c3f0e-8f3a-4d2b-9c1e-0a1b2c3d4e5f",
                                    "If-Match": f"\"{row['version']}\""})
    check(st == 200, f"the other receive: {st}")
    r = egov("act", row["code"], "refuse", "--reason", "thiếu giấy tờ")
    eq(r.returncode, 5, f"conflict exit code: {r.stderr}")
    r = egov("conflicts", "--json")
    eq(r.returncode, 0, r.stderr)
    mine = [c for c in json.loads(r.stdout) if c["dossier_code"] == row["code"]]
    eq(len(mine), 1, "the conflict is listed")
    eq(mine[0]["action"], "refuse", "the action")
    r = egov("conflicts", "resolve", row["code"], "--discard")
    eq(r.returncode, 0, r.stderr)
    r = egov("conflicts", "--json")
    check(all(c["dossier_code"] != row["code"] for c in json.loads(r.stdout)), "resolved")
    eq(server_dossier(row["id"])["state"], "received", "the refuse never happened")


def test_server_text_is_escaped():
    row = ls_json("--all")[0]
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
    r = egov("report", "--csv")
    eq(r.returncode, 0, r.stderr)
    recs = list(csv.DictReader(io.StringIO(r.stdout, newline="")))
    eq(len(recs), len(rows), "CSV rows")


def test_doctor_online():
    r = egov("doctor", "--json")
    eq(r.returncode, 0, f"{r.stdout} {r.stderr}")
    checks = {c["check"]: c["result"] for c in json.loads(r.stdout)}
    for name in ("config", "dns", "tcp", "token", "clock", "latency", "transfer", "cache", "outbox"):
        check(name in checks, f"{name} checked")
        check(checks[name] in ("ok", "warn"), f"{name}: {checks[name]}")
    r = egov("doctor")
    for line in r.stdout.splitlines():
        check(line.split()[0] in ("ok", "warn", "fail"), line)


def test_doctor_offline_exit_3():
    r = egov("doctor", "--json", extra={"EGOV_SERVER": "http://127.0.0.1:9"})
    eq(r.returncode, 3, r.stdout + r.stderr)
    checks = {c["check"]: c["result"] for c in json.loads(r.stdout)}
    eq(checks.get("tcp"), "fail", "tcp fails")


def test_log_has_no_secrets_or_personal_data():
    text = open(LOG, encoding="utf-8").read()
    check("command sync" in text, "the log was written")
    eq(stat.S_IMODE(os.stat(LOG).st_mode), 0o600, "log mode")
    secrets = []
    for f in session_files():
        secrets.append(json.load(open(f))["refresh_token"])
    for row in ls_json("--all")[:30]:
        r = egov("show", "--json", row["code"])
        d = json.loads(r.stdout)
        a = d.get("applicant") or {}
        for key in ("id_number", "phone", "address"):
            if a.get(key) and len(a[key]) >= 6:
                secrets.append(a[key])
        if d.get("applicant_name"):
            secrets.append(d["applicant_name"])
    check(len(secrets) > 3, "something to look for")
    text = open(LOG, encoding="utf-8").read()
    for s in secrets:
        check(s not in text, f"log leaks {s[:4]}…")
    check("EGOV_PASSWORD" not in text and " demo" not in text, "no password")


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


tap.main(globals())
