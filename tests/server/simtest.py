"""Shared pieces of the egov-sim tests: one seeded simulator per script,
logins, and actions with fresh idempotency keys."""
import contextlib
import json
import os
import sys
import uuid

import egovtest
import tap

SIM = None
_tokens = {}


def start(dossiers=400, seed=7, **kw):
    global SIM
    SIM = egovtest.Sim(seed=seed, dossiers=dossiers, **kw).start()
    _tokens.clear()
    return SIM


def stop():
    global SIM
    rc = None
    if SIM:
        rc = SIM.stop()
        egovtest.rmtree(SIM.workdir)
        SIM = None
    return rc


@contextlib.contextmanager
def own_sim(**kw):
    """An egov-sim of one test's own (for options the script's shared one
    has not): stopped with its clean exit checked and its folder removed,
    even when the test fails."""
    sim = egovtest.Sim(**kw).start()
    try:
        yield sim
    finally:
        tap.eq(sim.stop(), 0, "clean exit")
        egovtest.rmtree(sim.workdir)


def token(user):
    if user not in _tokens:
        _tokens[user] = SIM.login(user)
    return _tokens[user]


def get(path, user=None, headers=None, raw=False):
    return SIM.request("GET", path, token=token(user) if user else None,
                       headers=headers, raw=raw)


def action(dossier, user, name, version=None, key=None, headers=None, **params):
    h = {"Idempotency-Key": key or str(uuid.uuid4())}
    if version is not None:
        h["If-Match"] = f'"{version}"'
    h.update(headers or {})
    body = {"action": name}
    body.update(params)
    return SIM.request("POST", f"/api/v1/dossiers/{dossier}/actions", body,
                       token=token(user), headers=h)


def search(user, **q):
    from urllib.parse import urlencode
    st, _, body = get("/api/v1/dossiers?" + urlencode(q), user)
    tap.eq(st, 200, "search status")
    return body["items"]


def dossier(user, id_):
    st, h, body = get(f"/api/v1/dossiers/{id_}", user)
    tap.eq(st, 200, f"GET dossier {id_}")
    return body


def problem(st, body, status, code):
    tap.eq(st, status, f"status for {code}")
    tap.eq(body.get("code"), code, "problem code")
    tap.check(body.get("status") == status and "title" in body and "type" in body,
              f"problem+json shape: {body}")
