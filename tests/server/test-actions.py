"""egov-sim's action table over real HTTP: every action from its allowed
state, with its effects; the checks in order (422 naming the field, 412
with `current`, 409 invalid_transition, 403 for role and person, 404 for
what the caller may not see); idempotent replays byte for byte, reused keys,
keys in flight; and the audit log that records every attempt."""
import json
import os
import sys
import threading
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import simtest as s  # noqa: E402
import tap  # noqa: E402
from tap import check, eq  # noqa: E402

ME = {}
USED = set()


def setup_module():
    s.start(dossiers=1200)
    for u in ("officer", "officer2", "supervisor", "support", "dept.officer",
              "dept.supervisor"):
        ME[u] = s.get("/api/v1/me", u)[2]


def teardown_module():
    s.stop()


def take(user="supervisor", **q):
    """A fresh dossier the user sees, matching the search."""
    q.setdefault("limit", 200)
    for d in s.search(user, **q):
        if d["id"] not in USED:
            USED.add(d["id"])
            return d
    raise AssertionError(f"no dossier for {user} {q}")


def ok(st, body, what):
    eq(st, 200, f"{what}: {body}")
    return body


def test_receive_sets_reception_and_due_date():
    d = take("officer", state="submitted")
    st, h, b = s.action(d["id"], "officer", "receive", d["version"], note="Đủ hồ sơ")
    ok(st, b, "receive")
    eq(b["state"], "received", "state")
    eq(b["status_code"], 2, "national code")
    eq(b["version"], d["version"] + 1, "version bumped")
    eq(h["etag"], f'"{b["version"]}"', "ETag is the version")
    check(b["received_at"] and b["due_at"] and b["due_at"] > b["received_at"], "due after reception")
    eq(b["history"][-1]["action"], "receive", "history entry")
    eq(b["history"][-1]["actor_id"], ME["officer"]["id"], "actor")


def test_refuse_needs_reason():
    d = take("supervisor", state="submitted")
    st, _, b = s.action(d["id"], "supervisor", "refuse", d["version"])
    s.problem(st, b, 422, "validation")
    eq(b["field"], "reason", "field")
    st, _, b = s.action(d["id"], "supervisor", "refuse", d["version"], reason="Sai thẩm quyền")
    eq(ok(st, b, "refuse")["state"], "refused", "state")
    check(b["finished_at"], "finished")


def test_claim_then_claim_again_is_409():
    d = take("officer", state="received", assignee_id="none")
    st, _, b = s.action(d["id"], "officer", "claim", d["version"])
    ok(st, b, "claim")
    eq((b["state"], b["assignee_id"]), ("in_progress", ME["officer"]["id"]), "claimed")
    st, _, b = s.action(d["id"], "officer", "claim", b["version"])
    s.problem(st, b, 409, "invalid_transition")


def test_assign_and_reassign():
    d = take("supervisor", state="received")
    st, _, b = s.action(d["id"], "supervisor", "assign", d["version"],
                        assignee_id=ME["officer2"]["id"])
    eq((ok(st, b, "assign")["state"], b["assignee_id"]), ("in_progress", ME["officer2"]["id"]),
       "assigned")
    st, _, b2 = s.action(d["id"], "supervisor", "assign", b["version"],
                         assignee_id=ME["dept.officer"]["id"])
    s.problem(st, b2, 422, "validation")
    eq(b2["field"], "assignee_id", "another agency's officer")
    st, _, b2 = s.action(d["id"], "officer2", "assign", b["version"],
                         assignee_id=ME["officer"]["id"])
    s.problem(st, b2, 403, "forbidden")
    # officer2 held it, officer could not see it; after reassigning, swapped.
    eq(s.get(f"/api/v1/dossiers/{d['id']}", "officer")[0], 404, "officer cannot see it")
    st, _, b = s.action(d["id"], "supervisor", "assign", b["version"],
                         assignee_id=ME["officer"]["id"])
    ok(st, b, "reassign")
    eq(s.get(f"/api/v1/dossiers/{d['id']}", "officer")[0], 200, "officer sees it now")
    eq(s.get(f"/api/v1/dossiers/{d['id']}", "officer2")[0], 404, "officer2 no longer")


def mine(state):
    """A dossier in `state` held by officer (assigned by the supervisor)."""
    d = take("supervisor", state=state)
    if d.get("assignee_id") != ME["officer"]["id"]:
        st, _, d = s.action(d["id"], "supervisor", "assign", d["version"],
                            assignee_id=ME["officer"]["id"])
        ok(st, d, "setup assign")
    return d


def test_request_supplement():
    d = mine("in_progress")
    st, _, b = s.action(d["id"], "officer", "request_supplement", d["version"],
                        reason="Thiếu bản sao sổ hộ khẩu")
    s.problem(st, b, 422, "validation")
    eq(b["field"], "deadline_days", "field")
    st, _, b = s.action(d["id"], "officer", "request_supplement", d["version"],
                        reason="Thiếu bản sao sổ hộ khẩu", deadline_days=10)
    ok(st, b, "request_supplement")
    eq((b["state"], b["status_code"]), ("supplement_requested", 5), "state")
    eq(b["supplement_count"], d["supplement_count"] + 1, "count")
    eq(b["supplements"][-1]["deadline_days"], 10, "deadline")


def test_officer_must_hold_the_dossier():
    d = take("officer", state="received", assignee_id="none")
    st, _, b = s.action(d["id"], "officer", "request_supplement", d["version"],
                        reason="x", deadline_days=5)
    s.problem(st, b, 403, "forbidden")


def test_propose_approve_return():
    d = mine("in_progress")
    st, _, b = s.action(d["id"], "officer", "propose", d["version"], note="Dự thảo kết quả")
    eq(ok(st, b, "propose")["state"], "pending_approval", "proposed")
    st, _, b2 = s.action(d["id"], "officer", "approve", b["version"])
    s.problem(st, b2, 403, "forbidden")
    st, _, b = s.action(d["id"], "supervisor", "approve", b["version"])
    eq(ok(st, b, "approve")["state"], "result_ready", "approved")
    check(b["result"] and b["result"]["signer"] == ME["supervisor"]["full_name"], "signed")
    check(b["finished_at"], "finished_at")
    st, _, b2 = s.action(d["id"], "officer", "return_result", b["version"], method="fax")
    s.problem(st, b2, 422, "validation")
    eq(b2["field"], "method", "field")
    st, _, b = s.action(d["id"], "officer", "return_result", b["version"], method="counter")
    eq((ok(st, b, "return")["state"], b["status_code"]), ("returned", 10), "returned")
    check(b["returned_at"], "returned_at")
    st, _, b2 = s.action(d["id"], "supervisor", "stop", b["version"], reason="x")
    s.problem(st, b2, 409, "invalid_transition")


def test_send_back():
    d = take("supervisor", state="pending_approval")
    st, _, b = s.action(d["id"], "supervisor", "send_back", d["version"])
    eq(b.get("field"), "reason", "reason required")
    st, _, b = s.action(d["id"], "supervisor", "send_back", d["version"], reason="Sửa dự thảo")
    eq(ok(st, b, "send_back")["state"], "in_progress", "sent back")


def test_stop_and_apologize():
    d = take("supervisor", state="received")
    st, _, b = s.action(d["id"], "supervisor", "apologize", d["version"], reason="Cần xác minh",
                        new_due_at="2020-01-01T17:00:00+07:00")
    eq((st, b.get("field")), (422, "new_due_at"), "a past date is refused")
    st, _, b = s.action(d["id"], "supervisor", "apologize", d["version"], reason="Cần xác minh",
                        new_due_at="2030-01-10T17:00:00+07:00")
    ok(st, b, "apologize")
    eq(b["state"], "received", "state unchanged")
    eq(b["due_at"], "2030-01-10T17:00:00+07:00", "new due date")
    eq(b["apology"]["new_due_at"], "2030-01-10T17:00:00+07:00", "apology")
    st, _, b2 = s.action(d["id"], "officer", "stop", b["version"], reason="x")
    s.problem(st, b2, 403, "forbidden")
    st, _, b = s.action(d["id"], "supervisor", "stop", b["version"], reason="Theo đề nghị")
    eq((ok(st, b, "stop")["state"], b["status_code"]), ("stopped", 8), "stopped")


def test_comment_by_everyone_without_if_match():
    d = take("supervisor", state="returned")
    v = d["version"]
    for u in ("supervisor", "support"):
        st, _, b = s.action(d["id"], u, "comment", text=f"ghi chú của {u}")
        ok(st, b, f"comment by {u}")
        eq(b["version"], v + 1, "comment bumps the version")
        eq(b["comments"][-1]["author_id"], ME[u]["id"], "author")
        v = b["version"]
    st, _, b = s.action(d["id"], "support", "comment")
    eq((st, b.get("field")), (422, "text"), "text required")
    st, _, b = s.action(d["id"], "support", "receive", v)
    s.problem(st, b, 403, "forbidden")


def test_version_conflict_carries_current():
    d = take("officer", state="submitted")
    st, _, b = s.action(d["id"], "officer", "receive", d["version"] + 7)
    s.problem(st, b, 412, "version_conflict")
    eq(b["current"]["id"], d["id"], "current dossier")
    eq(b["current"]["version"], d["version"], "current version")
    check("applicant" in b["current"], "current is the full form")
    st, _, b = s.action(d["id"], "officer", "receive")
    eq((st, b.get("field")), (422, "If-Match"), "If-Match required")


def test_unknown_action_bad_body_and_missing_key():
    d = take("officer", state="submitted")
    st, _, b = s.action(d["id"], "officer", "teleport", d["version"])
    eq((st, b.get("field")), (422, "action"), "unknown action")
    st, _, b = s.SIM.request("POST", f"/api/v1/dossiers/{d['id']}/actions", b"{not json",
                             token=s.token("officer"),
                             headers={"Idempotency-Key": str(uuid.uuid4()), "If-Match": '"1"'})
    s.problem(st, b, 400, "validation")
    st, _, b = s.SIM.request("POST", f"/api/v1/dossiers/{d['id']}/actions",
                             {"action": "receive"}, token=s.token("officer"),
                             headers={"If-Match": f'"{d["version"]}"'})
    eq((st, b.get("field")), (422, "Idempotency-Key"), "key required")


def test_invisible_dossiers_are_404():
    ward = take("supervisor", state="submitted")
    for u in ("dept.officer", "dept.supervisor"):
        eq(s.get(f"/api/v1/dossiers/{ward['id']}", u)[0], 404, f"{u} reading")
        st, _, b = s.action(ward["id"], u, "comment", text="x")
        s.problem(st, b, 404, "not_found")
    eq(s.get("/api/v1/dossiers/ffffffffffffffff", "supervisor")[0], 404, "absent")


def raw_action(dossier, user, key, body, version):
    return s.SIM.request("POST", f"/api/v1/dossiers/{dossier}/actions", body,
                         token=s.token(user), raw=True,
                         headers={"Idempotency-Key": key, "If-Match": f'"{version}"'})


def test_idempotent_replay_is_byte_for_byte():
    d = take("officer", state="submitted")
    key = str(uuid.uuid4())
    body = {"action": "receive", "note": "lần 1"}
    st1, h1, b1 = raw_action(d["id"], "officer", key, body, d["version"])
    eq(st1, 200, "first")
    first = json.loads(b1)
    # Change the dossier afterwards: the replay still answers the first time.
    st, _, _ = s.action(d["id"], "officer", "comment", text="sau đó")
    eq(st, 200, "later change")
    st2, h2, b2 = raw_action(d["id"], "officer", key, body, d["version"])
    eq(st2, 200, "replay status")
    check(b1 == b2, "replay is byte for byte")
    eq(h2["etag"], h1["etag"], "same ETag")
    check(h2["x-request-id"] != h1["x-request-id"], "each answer has its own request id")
    st, _, b = raw_action(d["id"], "officer", key, {"action": "receive", "note": "khác"},
                          d["version"])
    b = json.loads(b)
    s.problem(st, b, 422, "idempotency_key_reused")
    st, _, audit = s.get(f"/api/v1/audit?idempotency_key={key}", "supervisor")
    eq(st, 200, "audit")
    effects = [a for a in audit["items"] if a["status"] == 200 and not a["replay"]]
    eq(len(effects), 1, "one effect per key")
    eq(len(audit["items"]), 3, "three attempts recorded")
    eq(effects[0]["version"], first["version"], "audited version")
    eq(effects[0]["actor_id"], ME["officer"]["id"], "actor")
    check(all(a["request_id"] for a in audit["items"]), "request ids")
    eq(s.get("/api/v1/audit", "officer")[0], 403, "officers cannot read the audit log")


def test_failed_attempt_frees_the_key():
    d = take("officer", state="submitted")
    key = str(uuid.uuid4())
    st, _, b = raw_action(d["id"], "officer", key, {"action": "receive"}, d["version"] + 3)
    eq(st, 412, "first attempt conflicts")
    st, _, b = raw_action(d["id"], "officer", key, {"action": "receive"}, d["version"])
    eq(st, 200, "the corrected retry with the same key runs")


def test_key_in_flight():
    # hold=1500ms keeps each action's key in flight for 1.5 s, so of two
    # identical requests sent together one runs and the other is told 409.
    with s.own_sim(seed=7, dossiers=300, fault="hold=1500ms") as sim:
        tok = sim.login("officer")
        st, _, res = sim.request("GET", "/api/v1/dossiers?state=submitted&limit=1", token=tok)
        d = res["items"][0]
        hdr = {"Idempotency-Key": str(uuid.uuid4()), "If-Match": f'"{d["version"]}"'}
        path = f"/api/v1/dossiers/{d['id']}/actions"
        out = []
        go = threading.Barrier(2)

        def send():
            go.wait()
            out.append(sim.request("POST", path, {"action": "receive"}, token=tok,
                                   headers=hdr, raw=True))
        ts = [threading.Thread(target=send) for _ in range(2)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        eq(sorted(r[0] for r in out), [200, 409], "one runs, one is in flight")
        busy = json.loads([r for r in out if r[0] == 409][0][2])
        eq(busy["code"], "idempotency_key_in_flight", "code")
        st, _, again = sim.request("POST", path, {"action": "receive"}, token=tok,
                                   headers=hdr, raw=True)
        eq(st, 200, "afterwards the replay")
        check(again == [r for r in out if r[0] == 200][0][2], "same bytes")


def test_sigterm_exits_cleanly():
    eq(s.stop(), 0, "exit status after SIGTERM")


tap.main(globals())
