#!/usr/bin/python3
"""The saved session when egov-sim rotates the refresh token on every use
(cli/session.c): commands reuse the saved access token, processes take turns
to refresh, and only a refresh the server answered 401 ends the session.

Against a real egov-sim, with tests/lib/faultproxy.py in between where a
lost answer is needed:
- after `egov login` the file holds the access token and its expiry (0600
  in a 0700 folder) and later commands send no refresh grant (the refresh
  token in the file does not change);
- with the access token expired, several `egov sync` and `egov ls` started
  at once all succeed, the file survives, and the next command works;
- a session file that cannot be written (RLIMIT_FSIZE 0) stops the
  command with one line naming the file and the cause, before the token is
  spent;
- a refresh grant that never reaches the server, or whose answer is lost
  after the server rotated the token, does not delete the file; the
  command that later meets the 401 says "log in again", and the token the
  file held is then really refused by egov-sim;
- `egov sync` killed with SIGKILL at random moments of a refresh: the next
  command works, or says "log in again" only when egov-sim refuses the
  token the file held."""
import json
import os
import random
import resource
import signal
import stat
import subprocess
import time

import tap
from tap import check, eq
from egovtest import Sim, EGOV, egov_env, run_egov, tempdir, rmtree, WRAPPER
from faultproxy import FaultProxy

SIM = None
HOMES = []
PROXIES = []


def setup_module():
    global SIM
    SIM = Sim(seed=8, dossiers=300).start()


def teardown_module():
    for p in PROXIES:
        p.stop()
    if SIM:
        SIM.stop()
    for h in HOMES:
        rmtree(h)


def env_extra(url, password=False):
    env = {"EGOV_SERVER": url, "EGOV_USER": "officer", "NO_COLOR": "1", "EGOV_TIMEOUT": "10"}
    if password:
        env["EGOV_PASSWORD"] = "demo"
    return env


def new_home(url):
    home = tempdir("egov-session-")
    HOMES.append(home)
    r = run_egov(["login"], home, env_extra=env_extra(url, password=True))
    eq(r.returncode, 0, f"login: {r.stderr}")
    return home


def egov(home, url, *args):
    return run_egov(list(args), home, env_extra=env_extra(url))


def start(home, url, *args):
    env = egov_env(home)
    env.update(env_extra(url))
    return subprocess.Popen(WRAPPER + [EGOV] + list(args), env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def session_file(home):
    d = os.path.join(home, "state", "egov")
    names = [f for f in os.listdir(d) if f.startswith("session-") and f.endswith(".json")]
    return os.path.join(d, names[0]) if names else None


def session(home):
    path = session_file(home)
    if not path:
        return None
    with open(path) as f:
        return json.load(f)


def expire_access_token(home):
    """As if the access token's hour had passed: the next command must
    refresh.  Written in place, so the file keeps its mode."""
    path = session_file(home)
    data = session(home)
    data["access_expires_at"] = int(time.time()) - 10
    with open(path, "w") as f:
        json.dump(data, f)


def token_refused(refresh_token):
    """egov-sim's own word on a refresh token (spends it when it is good)."""
    st, _, _ = SIM.request("POST", "/api/v1/auth/token",
                           {"grant_type": "refresh_token", "refresh_token": refresh_token})
    return st == 401


def test_access_token_kept_and_reused():
    home = new_home(SIM.url)
    path = session_file(home)
    eq(stat.S_IMODE(os.stat(path).st_mode), 0o600, "session file mode")
    eq(stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode), 0o700, "folder mode")
    before = session(home)
    check(before.get("access_token"), "access token kept")
    check(before.get("access_expires_at", 0) > time.time() + 600,
          f"its expiry: {before.get('access_expires_at')}")
    check("demo" not in json.dumps(before), "no password")
    for args in (["sync", "--quiet"], ["ls", "--all", "--json"], ["sync", "--quiet"]):
        r = egov(home, SIM.url, *args)
        eq(r.returncode, 0, f"{args}: {r.stderr}")
    after = session(home)
    eq(after["refresh_token"], before["refresh_token"], "no refresh grant was sent")
    eq(after["access_token"], before["access_token"], "the same access token")


def test_expired_access_token_refreshed():
    home = new_home(SIM.url)
    before = session(home)
    expire_access_token(home)
    r = egov(home, SIM.url, "sync", "--quiet")
    eq(r.returncode, 0, r.stderr)
    after = session(home)
    check(after["refresh_token"] != before["refresh_token"], "refreshed (rotated)")
    check(after["access_expires_at"] > time.time() + 600, "a new access token saved")
    eq(stat.S_IMODE(os.stat(session_file(home)).st_mode), 0o600, "still 0600")
    check(token_refused(before["refresh_token"]), "the old refresh token is spent")


def test_session_file_cannot_be_written():
    """RLIMIT_FSIZE 0 (EFBIG): the refresh is not even sent, the command
    names the file and the cause in one line, the session lives on."""
    home = new_home(SIM.url)
    expire_access_token(home)
    before = session(home)
    env = egov_env(home)
    env.update(env_extra(SIM.url))

    def limited():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    r = subprocess.run(WRAPPER + [EGOV, "sync", "--quiet"], env=env, capture_output=True,
                       text=True, preexec_fn=limited, restore_signals=False, timeout=120)
    check(r.returncode not in (0, 3, 4), f"exit {r.returncode}: {r.stderr}")
    want = f"egov: cannot save the session to {session_file(home)}: File too large"
    eq(r.stderr.strip(), want, "one line naming the file and the cause")
    eq(session(home), before, "the file is as it was")
    r = egov(home, SIM.url, "sync", "--quiet")
    eq(r.returncode, 0, f"the limit gone, the session works: {r.stderr}")


def test_concurrent_commands_share_one_session():
    home = new_home(SIM.url)
    r = egov(home, SIM.url, "sync", "--quiet")
    eq(r.returncode, 0, r.stderr)
    for rnd in range(3):
        expire_access_token(home)
        procs = [start(home, SIM.url, *(["sync", "--quiet"] if i % 2 else ["ls", "--all"]))
                 for i in range(6)]
        results = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in procs]
        for p in procs:
            p.stdout.close()
            p.stderr.close()
        bad = [f"exit {rc}: {err.strip()}" for rc, _, err in results if rc != 0]
        check(not bad, f"round {rnd}: " + "; ".join(bad))
        check(session_file(home), f"round {rnd}: the session file survived")
        r = egov(home, SIM.url, "ls", "--all", "--json")
        eq(r.returncode, 0, f"round {rnd}: the next command: {r.stderr}")


def test_lost_refresh_keeps_the_session_until_refused():
    proxy = FaultProxy(SIM.port, seed=8).start()
    PROXIES.append(proxy)
    url = f"http://127.0.0.1:{proxy.port}"
    home = new_home(url)
    # The grant never reaches egov-sim: offline, nothing lost.
    expire_access_token(home)
    before = session(home)
    proxy.reset = 1.0
    r = egov(home, url, "sync", "--quiet")
    proxy.reset = 0.0
    eq(r.returncode, 3, f"offline: {r.stderr}")
    check(session_file(home), "the session file is kept when the link fails")
    eq(session(home)["refresh_token"], before["refresh_token"], "the token was not spent")
    r = egov(home, url, "sync", "--quiet")
    eq(r.returncode, 0, f"back online, the same session: {r.stderr}")
    # egov-sim rotates the token, the answer is lost on the way back.
    expire_access_token(home)
    spent = session(home)["refresh_token"]
    proxy.cut = 1.0
    r = egov(home, url, "sync", "--quiet")
    proxy.cut = 0.0
    check(r.returncode in (3, 4), f"answer lost: exit {r.returncode}: {r.stderr}")
    if r.returncode == 3:
        check(session_file(home), "the session file is kept when the answer is lost")
        r = egov(home, url, "sync", "--quiet")
    eq(r.returncode, 4, f"the spent token meets its 401: {r.stderr}")
    check("log in again" in r.stderr and len(r.stderr.splitlines()) == 1, r.stderr)
    check(session_file(home) is None, "a session the server ended is forgotten")
    check(token_refused(spent), "egov-sim really refuses the token the file held")


def test_sigkill_during_refresh():
    proxy = FaultProxy(SIM.port, latency_ms=15, jitter_ms=10, seed=9).start()
    PROXIES.append(proxy)
    url = f"http://127.0.0.1:{proxy.port}"
    home = new_home(url)
    rng = random.Random(8)
    kills = relogins = 0
    for i in range(12):
        expire_access_token(home)
        held = session(home)["refresh_token"]
        p = start(home, url, "sync", "--quiet")
        try:
            p.wait(timeout=rng.uniform(0.0, 0.25))
        except subprocess.TimeoutExpired:
            p.send_signal(signal.SIGKILL)
            kills += 1
        _, err = p.communicate()
        data = session(home)
        if data is None:
            # Only a 401 to the refresh grant forgets the session.
            check(token_refused(held), f"#{i}: the session file went, the token is good: {err}")
        else:
            held = data["refresh_token"]
            r = egov(home, url, "sync", "--quiet")
            if r.returncode == 0:
                continue
            eq(r.returncode, 4, f"#{i}: after the kill: {r.stderr}")
            check("log in again" in r.stderr, f"#{i}: {r.stderr}")
            check(token_refused(held), f"#{i}: 'log in again' with a token egov-sim accepts")
        relogins += 1
        r = run_egov(["login"], home, env_extra=env_extra(url, password=True))
        eq(r.returncode, 0, f"#{i}: login again: {r.stderr}")
    check(kills >= 3, f"only {kills} kills")
    print(f"# {kills} SIGKILLs during a refresh, {relogins} logins again", flush=True)


tap.main(globals())
