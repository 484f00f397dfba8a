#!/usr/bin/python3
"""The api-client's refresh hook (eapi_options.refresh_begin/refresh_end,
api.h) against a real egov-sim over loopback HTTP, through refresh-probe.

egov-sim rotates the refresh token on every grant.  Each test gives the
client an access token the server refuses, so GET /me is answered 401 and
the library wants a refresh, and counts the refresh grants egov-sim
answered by the refresh-token rows its database gained (every grant issues
exactly one; the audit log holds actions only):
- the hook is asked, on the network thread, once for requests refused
  together;
- handing over the tokens another process got sends no grant at all and
  the requests succeed (without the hook, the same spent refresh token
  logs the client out: the bug the hook exists for);
- letting the grant go sends one grant; refresh_end hears the outcome
  after on_tokens has the rotated tokens;
- the hook may swap in a newer refresh token before the grant;
- a refused grant reaches refresh_end as 401, and the requests fail;
- a hook that says no fails the requests with its message, no grant."""
import json
import os
import sqlite3
import subprocess

import tap
from tap import check, eq
from egovtest import BUILDDIR, SIM, Sim

PROBE = os.path.join(BUILDDIR, "tests", "api", "refresh-probe")
sim = None


def setup_module():
    global sim
    if os.path.exists(SIM) and os.path.exists(PROBE):
        sim = Sim(dossiers=20).start()


def teardown_module():
    if sim:
        eq(sim.stop(), 0, "egov-sim exit status")


def need_sim():
    if not sim:
        tap.skip(f"{SIM} or {PROBE} not built")


def grants():
    """Refresh tokens egov-sim ever issued: one per login, one per grant."""
    con = sqlite3.connect(sim.db, timeout=10)
    try:
        return con.execute("SELECT count(*) FROM tokens WHERE kind='refresh'").fetchone()[0]
    finally:
        con.close()


def login():
    st, _, body = sim.request("POST", "/api/v1/auth/token",
                              {"grant_type": "password", "username": "officer",
                               "password": "demo"})
    eq(st, 200, f"login: {body}")
    return body["access_token"], body["refresh_token"]


def refresh_elsewhere(refresh_token):
    """Another process refreshes: the token it sends is spent after this."""
    st, _, body = sim.request("POST", "/api/v1/auth/token",
                              {"grant_type": "refresh_token", "refresh_token": refresh_token})
    eq(st, 200, f"refresh: {body}")
    return body["access_token"], body["refresh_token"]


def probe(*args):
    proc = subprocess.run([PROBE, "--url", sim.url] + list(args), capture_output=True,
                          text=True, timeout=120)
    eq(proc.returncode, 0, f"refresh-probe: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout.splitlines()[-1])


def refused_token():
    """An access token egov-sim does not know: every request gets 401."""
    return "0" * 64


def results(out):
    return [r["result"] for r in out["results"]]


def test_newer_tokens_from_the_hook_send_no_grant():
    need_sim()
    _, spent = login()
    access, live = refresh_elsewhere(spent)
    before = grants()
    out = probe("--token", refused_token(), "--refresh", spent, "--hook", "retry",
                "--hook-access", access, "--hook-refresh", live, "--parallel", "4")
    eq(results(out), ["ok"] * 4, out)
    eq([r["username"] for r in out["results"]], ["officer"] * 4, out)
    eq(out["begins"], 1, "one refresh round for four refused requests")
    eq(out["ends"], 0, "no grant, so no end")
    check(out["hook_off_main"], f"the hook ran on the network thread: {out}")
    eq(grants(), before, "egov-sim answered no refresh grant")
    eq(out["tokens_changed"], 0, "on_tokens not called: nothing was refreshed")
    # The tokens handed over are still the live ones: nobody spent them.
    st, _, _ = sim.request("GET", "/api/v1/me", token=access)
    eq(st, 200, "the access token handed over still works")


def test_without_the_hook_a_spent_refresh_token_logs_out():
    need_sim()
    _, spent = login()
    refresh_elsewhere(spent)
    before = grants()
    out = probe("--token", refused_token(), "--refresh", spent, "--hook", "none")
    eq(results(out), ["login needed"], out)
    eq(out["begins"], 0, out)
    eq(grants(), before, "the spent token was refused")


def test_going_ahead_sends_one_grant_and_ends_after_on_tokens():
    need_sim()
    _, live = login()
    before = grants()
    out = probe("--token", refused_token(), "--refresh", live, "--hook", "grant",
                "--parallel", "3")
    eq(results(out), ["ok"] * 3, out)
    eq((out["begins"], out["ends"]), (1, 1), "one round, begun and ended")
    check(out["hook_off_main"], f"the hook ran on the network thread: {out}")
    eq(out["end_result"], "ok", out)
    eq(out["tokens_before_end"], 1, "on_tokens had the new tokens before refresh_end")
    eq(grants(), before + 1, "exactly one refresh grant")
    check(out["new_refresh"] and out["new_refresh"] != live, "the refresh token rotated")
    eq(refresh_elsewhere(out["new_refresh"])[1] != "", True, "the rotated token is live")


def test_the_hook_may_swap_the_refresh_token_before_the_grant():
    need_sim()
    _, spent = login()
    _, live = refresh_elsewhere(spent)
    before = grants()
    out = probe("--token", refused_token(), "--refresh", spent, "--hook", "grant-with",
                "--hook-refresh", live)
    eq(results(out), ["ok"], out)
    eq((out["begins"], out["ends"], out["end_result"]), (1, 1, "ok"), out)
    eq(grants(), before + 1, "one grant, with the token the hook gave")


def test_a_refused_grant_reaches_the_end():
    need_sim()
    _, spent = login()
    refresh_elsewhere(spent)
    before = grants()
    out = probe("--token", refused_token(), "--refresh", spent, "--hook", "grant",
                "--parallel", "2")
    eq(results(out), ["login needed"] * 2, out)
    eq((out["begins"], out["ends"]), (1, 1), out)
    eq((out["end_result"], out["end_status"]), ("login needed", 401), out)
    eq(out["tokens_changed"], 0, out)
    eq(grants(), before, "nothing issued")


def test_a_hook_that_says_no():
    need_sim()
    _, live = login()
    before = grants()
    out = probe("--token", refused_token(), "--refresh", live, "--hook", "fail")
    eq(results(out), ["login needed"], out)
    check("the probe keeps its turn" in out["results"][0]["message"], out)
    eq((out["begins"], out["ends"]), (1, 0), out)
    eq(grants(), before, "no grant")


def test_a_good_access_token_asks_nothing():
    need_sim()
    access, live = login()
    out = probe("--token", access, "--refresh", live, "--hook", "grant")
    eq(results(out), ["ok"], out)
    eq((out["begins"], out["ends"]), (0, 0), out)


tap.main(globals())
