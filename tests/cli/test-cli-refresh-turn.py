#!/usr/bin/python3
"""A long-running console and egov commands sharing one session while
egov-sim rotates the refresh token on every use (cli/session-turn.c, the
api-client's refresh hook).

egov-sim runs with --token-ttl 5, so the access token dies every five
seconds and whoever acts next must refresh.  The real console runs in a
pseudo-terminal (tests/lib/term.py) on the session `egov login` saved,
without a password to fall back on, and syncs on its own only once.  Then,
round after round, each started once the access token has expired:
- `egov sync` refreshes first (spending the refresh token the console
  holds); then someone comments on a dossier on the server, and the
  console, told to sync, must show the comment: its 401 takes the turn,
  re-reads the file and uses the command's tokens instead of sending the
  spent one (before the hook this logged the console out: "The server
  asks you to log in again.");
- the console refreshes first (its grant rotates the token and saves the
  file under the turn), and the next command works with what it saved;
- several commands and a console sync at the same moment.
After all rounds the console never asked to log in, still acts (a receive
it queues reaches egov-sim's audit log), and a command still works."""
import json
import os
import sqlite3
import subprocess
import sys
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))

import tap
from tap import check, eq
from egovtest import Sim, EGOV, WRAPPER, egov_env, run_egov, tempdir, rmtree, wait_until
from console import ConsoleTerminal, audit_count, console_env

TTL = 5
LOGGED_OUT = ("log in again", "Password")
ctx = {}


def env_extra(password=False):
    env = {"EGOV_SERVER": ctx["sim"].url, "EGOV_USER": "officer", "NO_COLOR": "1",
           "EGOV_TIMEOUT": "20"}
    if password:
        env["EGOV_PASSWORD"] = "demo"
    return env


def session():
    d = os.path.join(ctx["home"], "state", "egov")
    names = [f for f in os.listdir(d) if f.startswith("session-") and f.endswith(".json")]
    if not names:
        return None
    with open(os.path.join(d, names[0])) as f:
        return json.load(f)


def dossiers(n, state=None):
    """n dossiers the officer sees (in `state`), fetched with a session of
    the test's own, not the one under test."""
    sim = ctx["sim"]
    query = f"limit={n}" + (f"&state={state}" if state else "")
    st, _, body = sim.request("GET", "/api/v1/dossiers?" + query, token=sim.login("officer"))
    assert st == 200 and len(body["items"]) == n, body
    return body["items"]


def setup_module():
    sim = Sim(seed=5, dossiers=200, extra=["--token-ttl", str(TTL)]).start()
    ctx.update(sim=sim, home=tempdir("egov-turn-"))
    ctx["dossiers"] = dossiers(3)
    ctx["submitted"] = dossiers(1, "submitted")[0]
    r = run_egov(["login"], ctx["home"], env_extra=env_extra(password=True))
    assert r.returncode == 0, r.stderr
    env = console_env(ctx["home"], sim, password=None)
    env.update(env_extra())
    env.update(EGOV_SYNC_INTERVAL="3600", EGOV_AUTO_LOCK_S="0",
               EGOV_LOG_FILE=os.path.join(ctx["home"], "console.log"), EGOV_LOG_LEVEL="info")
    # Tall enough that a dossier's comments show without scrolling.
    t = ConsoleTerminal([EGOV], cols=120, rows=90, env=env)
    ctx["t"] = t.start()


def teardown_module():
    if "t" in ctx:
        ctx["t"].close()
    if ctx.get("sim"):
        ctx["sim"].stop()
    if os.environ.get("EGOV_KEEP_HOME"):
        print("# home kept:", ctx["home"], file=sys.stderr)
    else:
        rmtree(ctx["home"])


def logged_out(t):
    return any(w in t.text() for w in LOGGED_OUT)


def grants():
    """Refresh grants egov-sim has answered: each revokes the token spent."""
    con = sqlite3.connect(ctx["sim"].db, timeout=10)
    try:
        return con.execute("SELECT count(*) FROM tokens WHERE kind='refresh' AND revoked=1"
                           ).fetchone()[0]
    finally:
        con.close()


def wait_expired():
    """Until egov-sim refuses the access token the file holds (and so any
    older one the console may hold): its expiry has passed."""
    exp = session()["access_expires_at"]
    check(wait_until(lambda: time.time() > exp + 0.5, timeout=TTL + 5),
          "the access token expired")


def start_egov(*args):
    env = egov_env(ctx["home"])
    env.update(env_extra())
    return subprocess.Popen(WRAPPER + [EGOV] + list(args), env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def finish(procs):
    """Wait for commands while keeping the console's terminal drained."""
    t = ctx["t"]
    t.wait_for(lambda t: all(p.poll() is not None for p in procs), timeout=120)
    out = []
    for p in procs:
        o, e = p.communicate()
        out.append((p.returncode, o, e))
    return out


def egov_ok(*args):
    (rc, _, err), = finish([start_egov(*args)])
    eq(rc, 0, f"egov {' '.join(args)}: {err.strip()}")


def comment(d, text):
    """Someone comments on d on the server, through a session of the
    test's own: nothing reaches the cache the console and the commands
    share, so only the console's own authenticated sync can show it."""
    sim = ctx["sim"]
    st, _, body = sim.request("POST", f"/api/v1/dossiers/{d['id']}/actions",
                              {"action": "comment", "text": text},
                              token=sim.login("officer"),
                              headers={"Idempotency-Key": str(uuid.uuid4())})
    eq(st, 200, f"comment: {body}")


def console_shows(d, text):
    """The console syncs and shows what the server now has."""
    t = ctx["t"]
    t.send(":sync\r")
    t.send(":open " + d["code"] + "\r")
    t.wait_for(lambda t: text in t.text() or logged_out(t), timeout=30)
    check(not logged_out(t), "the console asked to log in again:\n" + t.text())
    t.send("q")
    t.wait_for(lambda t: t.line(0).strip() == "Home" or logged_out(t), timeout=10)


def test_console_opens_on_the_saved_session():
    t = ctx["t"]
    t.wait_for(lambda t: "synced just now" in t.text() or logged_out(t), timeout=60)
    check(not logged_out(t), t.text())
    ctx["grants0"] = grants()


def test_command_refreshes_first_then_the_console():
    for k in range(3):
        d = ctx["dossiers"][k % 3]
        wait_expired()
        before = session()["refresh_token"]
        egov_ok("sync", "--quiet")
        check(session()["refresh_token"] != before, "the command refreshed (rotated)")
        comment(d, f"command first {k}")
        console_shows(d, f"command first {k}")


def test_console_refreshes_first_then_a_command():
    for k in range(2):
        d, d2 = ctx["dossiers"][k % 3], ctx["dossiers"][(k + 1) % 3]
        wait_expired()
        before = session()["refresh_token"]
        comment(d, f"console first {k}")
        console_shows(d, f"console first {k}")
        check(session()["refresh_token"] != before,
              "the console refreshed and saved the rotated token")
        egov_ok("sync", "--quiet")
        comment(d2, f"then a command {k}")
        console_shows(d2, f"then a command {k}")


def test_commands_and_the_console_at_once():
    t = ctx["t"]
    for rnd in range(2):
        wait_expired()
        procs = [start_egov(*(["ls", "--all"] if i % 2 else ["sync", "--quiet"]))
                 for i in range(3)]
        t.send(":sync\r")
        bad = [f"exit {rc}: {err.strip()}" for rc, _, err in finish(procs) if rc != 0]
        check(not bad, f"round {rnd}: " + "; ".join(bad))
        t.wait_settled()
        check(not logged_out(t), f"round {rnd}:\n" + t.text())


def test_the_console_still_acts():
    t, sim, d = ctx["t"], ctx["sim"], ctx["submitted"]
    check(grants() - ctx["grants0"] >= 5, f"refreshes happened: {grants() - ctx['grants0']}")
    wait_expired()
    t.send(":open " + d["code"] + "\r")
    t.wait_for("Dossier " + d["code"])
    t.send("r")
    t.wait_for("Note")
    t.send("received in a long session")
    t.key("enter")
    check(wait_until(lambda: t.pump(0.05) is not None and
                     audit_count(sim.db, d["id"], "receive") == 1, timeout=60),
          "the console's receive reached egov-sim:\n" + t.text())
    check(not logged_out(t), t.text())
    r = run_egov(["ls", "--all"], ctx["home"], env_extra=env_extra())
    eq(r.returncode, 0, f"a command after all that: {r.stderr}")
    t.send("q")
    eq(t.quit_from_anywhere(), 0, "the console's exit status")


tap.main(globals())
