"""egov-sim authentication: the password and refresh grants, /me, logout,
token expiry, refresh-token rotation, wrong credentials answered the same
for known and unknown users, and the per-username login rate limit."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import egovtest  # noqa: E402
import simtest  # noqa: E402
import tap  # noqa: E402


def setup_module():
    simtest.start(dossiers=300, extra=["--token-ttl", "2"])


def teardown_module():
    simtest.stop()


def login(user, password="demo"):
    return simtest.SIM.request("POST", "/api/v1/auth/token",
                               {"grant_type": "password", "username": user,
                                "password": password})


def test_password_grant_and_me():
    for user, role in [("officer", "officer"), ("officer2", "officer"),
                       ("supervisor", "supervisor"), ("dept.officer", "officer"),
                       ("dept.supervisor", "supervisor"), ("support", "support")]:
        st, _, body = login(user)
        tap.eq(st, 200, f"login {user}")
        tap.eq(body["token_type"], "Bearer", "token_type")
        tap.eq(len(body["access_token"]), 64, "256-bit token as hex")
        tap.check(body["refresh_token"] != body["access_token"], "distinct tokens")
        tap.eq(body["user"]["role"], role, "role")
        st, _, me = simtest.SIM.request("GET", "/api/v1/me", token=body["access_token"])
        tap.eq(st, 200, "me")
        for k in ("id", "username", "full_name", "role", "agency_id", "title"):
            tap.check(k in me, f"me has {k}")
        tap.eq(me["username"], user, "me is the user")


def test_wrong_password_same_as_unknown_user():
    st1, _, b1 = login("officer", "wrong")
    st2, _, b2 = login("nobody.here", "wrong")
    simtest.problem(st1, b1, 401, "unauthorized")
    simtest.problem(st2, b2, 401, "unauthorized")
    tap.eq(b1["detail"], b2["detail"], "same answer")
    st, _, _ = login("lanhdao.a02", "demo")
    tap.eq(st, 401, "seeded non-demo users have no usable password")


def test_missing_fields_name_the_field():
    st, _, b = simtest.SIM.request("POST", "/api/v1/auth/token",
                                   {"grant_type": "password", "username": "officer"})
    simtest.problem(st, b, 422, "validation")
    tap.eq(b["field"], "password", "field named")
    st, _, b = simtest.SIM.request("POST", "/api/v1/auth/token", {"grant_type": "magic"})
    tap.eq(b["field"], "grant_type", "field named")


def test_no_token_and_bad_token():
    st, h, b = simtest.SIM.request("GET", "/api/v1/me")
    simtest.problem(st, b, 401, "unauthorized")
    tap.check("application/problem+json" in h["content-type"], "problem content type")
    st, _, b = simtest.SIM.request("GET", "/api/v1/me", token="00" * 32)
    simtest.problem(st, b, 401, "unauthorized")


def test_access_token_expires():
    st, _, body = login("officer")
    tap.eq(body["expires_in"], 2, "ttl from --token-ttl")
    tok = body["access_token"]
    tap.eq(simtest.SIM.request("GET", "/api/v1/me", token=tok)[0], 200, "fresh token works")
    ok = egovtest.wait_until(
        lambda: simtest.SIM.request("GET", "/api/v1/me", token=tok)[0] == 401, timeout=10)
    tap.check(ok, "token refused after expiry")


def test_refresh_rotates():
    st, _, body = login("supervisor")
    r1 = body["refresh_token"]
    st, _, b2 = simtest.SIM.request("POST", "/api/v1/auth/token",
                                    {"grant_type": "refresh_token", "refresh_token": r1})
    tap.eq(st, 200, "refresh works")
    tap.check(b2["refresh_token"] != r1, "a new refresh token")
    tap.eq(simtest.SIM.request("GET", "/api/v1/me", token=b2["access_token"])[0], 200,
           "new access token works")
    st, _, b3 = simtest.SIM.request("POST", "/api/v1/auth/token",
                                    {"grant_type": "refresh_token", "refresh_token": r1})
    simtest.problem(st, b3, 401, "unauthorized")
    st, _, _ = simtest.SIM.request("POST", "/api/v1/auth/token",
                                   {"grant_type": "refresh_token",
                                    "refresh_token": b2["refresh_token"]})
    tap.eq(st, 200, "the rotated token works once")


def test_logout_revokes():
    st, _, body = login("officer2")
    tok, ref = body["access_token"], body["refresh_token"]
    st, _, _ = simtest.SIM.request("POST", "/api/v1/auth/logout",
                                   {"refresh_token": ref}, token=tok)
    tap.eq(st, 204, "logout")
    tap.eq(simtest.SIM.request("GET", "/api/v1/me", token=tok)[0], 401, "access revoked")
    st, _, _ = simtest.SIM.request("POST", "/api/v1/auth/token",
                                   {"grant_type": "refresh_token", "refresh_token": ref})
    tap.eq(st, 401, "refresh revoked")


def test_login_rate_limit():
    statuses = [login("dept.officer", "bad")[0] for _ in range(5)]
    tap.eq(statuses, [401] * 5, "five failures")
    st, h, b = login("dept.officer", "demo")
    simtest.problem(st, b, 429, "rate_limited")
    tap.check(int(h["retry-after"]) > 0, "Retry-After on 429")
    st, h, b = login("ghost.user", "x")
    tap.eq(st, 401, "other usernames unaffected")


def test_sigterm_exits_cleanly():
    tap.eq(simtest.stop(), 0, "exit status after SIGTERM (86 would be a leak)")


tap.main(globals())
