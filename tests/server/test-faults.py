"""--fault: injected 503s with Retry-After, dropped connections, latency,
and a connection dropped after the action committed, which the client
recovers from by retrying with the same Idempotency-Key (one effect)."""
import http.client
import os
import sys
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import egovtest  # noqa: E402
import simtest as s  # noqa: E402
import tap  # noqa: E402
from tap import check, eq  # noqa: E402


def with_sim(fault, fn):
    with s.own_sim(seed=4, dossiers=200, fault=fault) as sim:
        fn(sim)


def test_error_rate_answers_503_with_retry_after():
    def run(sim):
        st, h, b = sim.request("GET", "/api/v1/me")
        eq(st, 503, "injected error")
        check(int(h["retry-after"]) >= 1, "Retry-After")
        eq(b["code"], "internal", "problem+json")
    with_sim("error=1", run)


def test_drop_closes_without_answer():
    def run(sim):
        try:
            sim.request("GET", "/api/v1/me")
            check(False, "an answer came")
        except (http.client.RemoteDisconnected, ConnectionResetError):
            pass
    with_sim("drop=1", run)


def answers_late(fault, seconds, what):
    """Under `fault` a request is still answered, but no sooner than
    `seconds` after it was sent."""
    def run(sim):
        t = time.monotonic()
        st, _, _ = sim.request("GET", "/api/v1/nowhere")
        eq(st, 404, "answered")
        check(time.monotonic() - t >= seconds, what)
    with_sim(fault, run)


def test_latency():
    answers_late("latency=300ms,jitter=0ms", 0.3, "at least the latency")


def test_stall():
    answers_late("stall=1:400ms", 0.4, "held for the stall")


def test_drop_after_commit_then_retry():
    def run(sim):
        tok = sim.login("supervisor")
        d = sim.request("GET", "/api/v1/dossiers?state=submitted&limit=1", token=tok)[2]["items"][0]
        hdr = {"Idempotency-Key": str(uuid.uuid4()), "If-Match": f'"{d["version"]}"'}
        path = f"/api/v1/dossiers/{d['id']}/actions"
        try:
            sim.request("POST", path, {"action": "receive"}, token=tok, headers=hdr)
            check(False, "the answer should have been lost")
        except (http.client.RemoteDisconnected, ConnectionResetError):
            pass
        now = sim.request("GET", f"/api/v1/dossiers/{d['id']}", token=tok)[2]
        eq((now["state"], now["version"]), ("received", d["version"] + 1), "it committed")
        st, _, b = sim.request("POST", path, {"action": "receive"}, token=tok, headers=hdr)
        eq((st, b["version"]), (200, d["version"] + 1), "the retry gets the stored answer")
        audit = sim.request("GET", f"/api/v1/audit?idempotency_key={hdr['Idempotency-Key']}",
                            token=tok)[2]["items"]
        eq([(a["status"], a["replay"]) for a in audit], [(200, False), (200, True)],
           "one effect, one replay")
    with_sim("drop-after-commit=1", run)


def test_bad_fault_spec_is_refused():
    sim = egovtest.Sim(seed=4, dossiers=10, fault="gremlins=1")
    try:
        sim.start()
        check(False, "started with a bad spec")
    except RuntimeError:
        pass
    finally:
        if sim.proc:
            sim.proc.wait()
        egovtest.rmtree(sim.workdir)


tap.main(globals())
