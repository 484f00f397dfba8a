#!/usr/bin/python3
"""Actions through a faulty link take effect exactly once.

Three clients send a few hundred actions (`receive` on submitted dossiers,
`stop` on dossiers in progress, `comment` with a unique text) to egov-sim through tests/lib/faultproxy.py
with resets, answers cut after they start (the action committed, the
client never saw it) and stalls.  Each client does what the api-client
must do: retry on a network error with the same Idempotency-Key and the
same body until it gets an answer.  Then, straight to egov-sim:
- every dossier was received or stopped exactly once (one `receive` or
  `stop` in its history) and every comment is there exactly once;
- no retry got anything but the first answer (a retried `receive` that had
  committed must not come back 409 or 412);
- the same key and body once more return the first answer byte for byte,
  and the same key with another body is 422 `idempotency_key_reused`.
The counts of faults injected are printed as TAP diagnostics."""
import http.client
import json
import threading
import uuid

import tap
from tap import check, eq
from egovtest import Sim
from faultproxy import FaultProxy

SIM = None
PROXY = None
TOKEN = None
DONE = []          # (dossier id, action, key, body, answer bytes, If-Match)
FAILED = []
STATS = {"attempts": 0, "network_errors": 0}
LOCK = threading.Lock()


def setup_module():
    global SIM, PROXY, TOKEN
    SIM = Sim(seed=13, dossiers=2000).start()
    TOKEN = SIM.login("supervisor")
    PROXY = FaultProxy(SIM.port, reset=0.1, cut_after_response_start=0.15,
                       stall=(0.03, 0.3), latency_ms=1, seed=42).start()


def teardown_module():
    if PROXY:
        PROXY.stop()
    if SIM:
        SIM.stop()


def direct(method, path, body=None, headers=None):
    return SIM.request(method, path, body=body, token=TOKEN, headers=headers, raw=True)


def send_until_answered(did, body, key, if_match=None):
    """POST the action through the proxy until an HTTP answer arrives."""
    data = json.dumps(body).encode()
    h = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json",
         "Idempotency-Key": key}
    if if_match:
        h["If-Match"] = if_match
    for attempt in range(60):
        conn = http.client.HTTPConnection("127.0.0.1", PROXY.port, timeout=30)
        with LOCK:
            STATS["attempts"] += 1
        try:
            conn.request("POST", f"/api/v1/dossiers/{did}/actions", body=data, headers=h)
            resp = conn.getresponse()
            payload = resp.read()
            if resp.status == 409 and b"idempotency_key_in_flight" in payload:
                continue
            return resp.status, payload
        except (OSError, http.client.HTTPException):
            with LOCK:
                STATS["network_errors"] += 1
        finally:
            conn.close()
    raise AssertionError(f"no answer for {did} after 60 attempts")


def search(state):
    out, cursor = [], None
    while True:
        q = "/api/v1/dossiers?limit=200" + (f"&state={state}" if state else "") + (
            f"&cursor={cursor}" if cursor else "")
        st, _, page = SIM.request("GET", q, token=TOKEN)
        eq(st, 200, f"search {state}")
        out += page["items"]
        cursor = page.get("next_cursor")
        if not cursor or not page["items"]:
            return out


def worker(items):
    for did, action, body, if_match in items:
        key = str(uuid.uuid4())
        st, payload = send_until_answered(did, body, key, if_match)
        with LOCK:
            if st == 200:
                DONE.append((did, action, key, body, payload, if_match))
            else:
                FAILED.append(f"{action} on {did}: {st} {payload[:200]!r}")


def test_actions_through_faults_take_effect_once():
    submitted = search("submitted")[:60]
    stopped = (search("in_progress") + search("received"))[:20]
    check(len(submitted) >= 5, f"only {len(submitted)} submitted dossiers in the seed")
    check(len(stopped) >= 5, f"only {len(stopped)} dossiers in progress in the seed")
    busy = {d["id"] for d in submitted + stopped}
    others = [d for d in search("") if d["id"] not in busy][:80]
    items = [(d["id"], "receive", {"action": "receive", "note": "tiếp nhận"}, f'"{d["version"]}"')
             for d in submitted]
    items += [(d["id"], "stop", {"action": "stop", "reason": "dừng xử lý"}, f'"{d["version"]}"')
              for d in stopped]
    items += [(others[i % len(others)]["id"], "comment",
               {"action": "comment", "text": f"soak comment {i} {uuid.uuid4()}"}, None)
              for i in range(240)]
    threads = [threading.Thread(target=worker, args=(items[k::3],)) for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    c = PROXY.counters
    print(f"# {len(items)} actions, {STATS['attempts']} attempts, {STATS['network_errors']} "
          f"network errors; faults injected: {c['resets']} resets, {c['cuts']} cuts after the "
          f"answer started, {c['stalls']} stalls", flush=True)
    check(not FAILED, f"{len(FAILED)} actions answered other than 200 after retries:\n"
          + "\n".join(FAILED[:10]))
    check(c["resets"] >= 5 and c["cuts"] >= 5, f"too few faults to prove anything: {c}")
    eq(len(DONE), len(items), "actions answered 200")


def test_each_effect_is_there_exactly_once():
    check(DONE, "no action went through")
    by_dossier = {}
    for did, action, key, body, _, _ in DONE:
        by_dossier.setdefault(did, []).append((action, body))
    wrong = []
    for did, acts in by_dossier.items():
        st, _, raw = direct("GET", f"/api/v1/dossiers/{did}")
        eq(st, 200, f"read {did}")
        d = json.loads(raw)
        for kind in ("receive", "stop"):
            n = len([h for h in d.get("history", []) if h.get("action") == kind])
            if any(a == kind for a, _ in acts) and n != 1:
                wrong.append(f"{d['code']}: {n} {kind} entries in its history")
        texts = [c["text"] for c in d.get("comments", [])]
        for a, body in acts:
            if a == "comment" and texts.count(body["text"]) != 1:
                wrong.append(f"{d['code']}: comment {body['text']!r} there "
                             f"{texts.count(body['text'])} times")
    check(not wrong, "\n".join(wrong[:20]))


def test_replays_return_the_first_answer():
    check(DONE, "no action went through")
    for did, action, key, body, answer, if_match in DONE[::10]:
        h = {"Idempotency-Key": key}
        if if_match:
            h["If-Match"] = if_match   # what a client's retry sends
        st, _, raw = direct("POST", f"/api/v1/dossiers/{did}/actions", body, h)
        eq(st, 200, f"replay of {action} on {did}")
        check(raw == answer, f"replay of {action} on {did} is not the first answer byte for byte")
        other = dict(body)
        other[{"comment": "text", "receive": "note", "stop": "reason"}[action]] = "khác"
        st, _, raw = direct("POST", f"/api/v1/dossiers/{did}/actions", other, h)
        eq(st, 422, f"same key, another body, {action} on {did}")
        check(b"idempotency_key_reused" in raw, f"code: {raw[:200]!r}")


tap.main(globals())
