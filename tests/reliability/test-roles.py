#!/usr/bin/python3
"""The role matrix at egov-sim: every demo role (officer, supervisor,
support, dept.officer, dept.supervisor) x every action of the backend
contract x a dossier of their own agency and one of another agency gets
exactly what the contract allows, over real HTTP.

Expected answers, decided from the contract:
- a dossier the caller may not see (another agency's, or for an officer one
  assigned to someone else) is 404 `not_found`, for reading and acting
  alike: the server does not confirm that it exists;
- a dossier the caller sees, an action its role (or person) may not take:
  403 `forbidden`;
- a dossier the caller sees, an action its role may take, from a state the
  table allows, with valid parameters: 200 and the new version.
Every dossier is picked in a state the action accepts (and unassigned for
`claim`, assigned to the actor for an officer), so the state machine never
hides the role decision.  `support` sees every agency it supports (all of
them) and may only comment.

The ward's dossiers are found through `supervisor` (it sees its whole
agency), the department's through `dept.supervisor`."""
import uuid

import tap
from tap import check, eq
from egovtest import Sim

SIM = None
U = {}          # username -> {"token", "me"}
POOL = {}       # "ward" / "dept" -> list of summaries (own agency only)
USED = set()

ALLOWED = {
    "receive": {"officer", "supervisor"},
    "refuse": {"officer", "supervisor"},
    "claim": {"officer"},
    "assign": {"supervisor"},
    "request_supplement": {"officer", "supervisor"},
    "propose": {"officer"},
    "approve": {"supervisor"},
    "send_back": {"supervisor"},
    "stop": {"supervisor"},
    "apologize": {"supervisor"},
    "return_result": {"officer", "supervisor"},
    "comment": {"officer", "supervisor", "support"},
}
FROM = {
    "receive": ["submitted"], "refuse": ["submitted"],
    "claim": ["received", "in_progress"],
    "assign": ["received", "in_progress", "pending_approval"],
    "request_supplement": ["received", "in_progress"],
    "propose": ["in_progress"], "approve": ["pending_approval"],
    "send_back": ["pending_approval"], "stop": ["in_progress", "received"],
    "apologize": ["in_progress", "received"], "return_result": ["result_ready"],
    "comment": ["in_progress", "received", "returned"],
}
ACTORS = ["officer", "supervisor", "support", "dept.officer", "dept.supervisor"]
HOME = {"officer": "ward", "supervisor": "ward", "dept.officer": "dept",
        "dept.supervisor": "dept", "support": "ward"}
POOL_SUPERVISOR = {"ward": "supervisor", "dept": "dept.supervisor"}
POOL_OFFICERS = {"ward": ("officer", "officer2"), "dept": ("dept.officer", None)}


def req(user, method, path, body=None, headers=None):
    return SIM.request(method, path, body=body, token=U[user]["token"], headers=headers)


def params(action, pool):
    officer = U[POOL_OFFICERS[pool][0]]["me"]["id"]
    return {
        "receive": {"note": "tiếp nhận"}, "refuse": {"reason": "không đủ điều kiện"},
        "claim": {}, "assign": {"assignee_id": officer, "note": "giao"},
        "request_supplement": {"reason": "thiếu giấy tờ", "deadline_days": 5},
        "propose": {"note": "đề xuất"}, "approve": {"note": "duyệt"},
        "send_back": {"reason": "xem lại"}, "stop": {"reason": "dừng"},
        "apologize": {"reason": "quá hạn", "new_due_at": "2031-03-14T17:00:00+07:00"},
        "return_result": {"method": "counter"}, "comment": {"text": "ghi chú"},
    }[action]


def act(user, d, action, pool, version=None):
    body = {"action": action}
    body.update(params(action, pool))
    h = {"Idempotency-Key": str(uuid.uuid4())}
    if action != "comment":
        h["If-Match"] = f'"{version if version is not None else d["version"]}"'
    return req(user, "POST", f"/api/v1/dossiers/{d['id']}/actions", body, h)


def all_visible(user, extra=""):
    out, cursor = [], None
    while True:
        q = "/api/v1/dossiers?limit=200" + extra + (f"&cursor={cursor}" if cursor else "")
        st, _, body = req(user, "GET", q)
        eq(st, 200, f"search as {user}")
        out += body["items"]
        cursor = body.get("next_cursor")
        if not cursor or not body["items"]:
            return out


def refresh(user, d):
    st, _, body = req(user, "GET", f"/api/v1/dossiers/{d['id']}")
    eq(st, 200, f"{user} reads {d['code']}")
    return body


def make_assigned(pool, officer, state="in_progress"):
    """A dossier of the pool in `state`, assigned to `officer`: from the
    seed when there is one left, otherwise made through the contract (the
    supervisor assigns a received or in-progress one, and the officer
    proposes it for pending_approval)."""
    sup = POOL_SUPERVISOR[pool]
    me = U[officer]["me"]["id"]
    try:
        return refresh(sup, pick(pool, [state], me))
    except AssertionError:
        pass
    d = pick(pool, ["received", "in_progress"])
    body = {"action": "assign", "assignee_id": me, "note": "giao"}
    st, _, got = req(sup, "POST", f"/api/v1/dossiers/{d['id']}/actions", body,
                     {"Idempotency-Key": str(uuid.uuid4()), "If-Match": f'"{d["version"]}"'})
    eq(st, 200, f"{sup} assigns {d['code']} to {officer}: {got}")
    if state == "pending_approval":
        st, _, got = act(officer, got, "propose", pool)
        eq(st, 200, f"{officer} proposes {d['code']}: {got}")
    eq(got["state"], state, "state after set-up")
    eq(got.get("assignee_id"), me, "assignee after set-up")
    return got


def pick(pool, states, assignee="any"):
    """An unused dossier of the pool in one of `states`; assignee is "any",
    None (unassigned) or a user id."""
    for d in POOL[pool]:
        if d["id"] in USED or d["state"] not in states:
            continue
        if assignee != "any" and d.get("assignee_id") != assignee:
            continue
        USED.add(d["id"])
        return d
    raise AssertionError(f"the seeded city has no unused {pool} dossier in {states} "
                         f"with assignee {assignee}")


def setup_module():
    global SIM
    SIM = Sim(seed=5, dossiers=3000).start()
    for u in ACTORS + ["officer2"]:
        tok = SIM.login(u)
        U[u] = {"token": tok}
        st, _, me = SIM.request("GET", "/api/v1/me", token=tok)
        eq(st, 200, f"/me as {u}")
        U[u]["me"] = me
    for pool, sup in POOL_SUPERVISOR.items():
        agency = U[sup]["me"]["agency_id"]
        POOL[pool] = [d for d in all_visible(sup) if d["agency_id"] == agency]


def teardown_module():
    if SIM:
        SIM.stop()


def test_demo_accounts_have_their_roles():
    for u, role in [("officer", "officer"), ("officer2", "officer"), ("supervisor", "supervisor"),
                    ("dept.officer", "officer"), ("dept.supervisor", "supervisor"),
                    ("support", "support")]:
        eq(U[u]["me"]["role"], role, f"role of {u}")
    eq(U["officer"]["me"]["agency_id"], U["supervisor"]["me"]["agency_id"], "ward officer's agency")
    eq(U["dept.officer"]["me"]["agency_id"], U["dept.supervisor"]["me"]["agency_id"],
       "department officer's agency")
    check(U["officer"]["me"]["agency_id"] != U["dept.officer"]["me"]["agency_id"],
          "the ward and the department are different agencies")
    for pool in POOL:
        check(len(POOL[pool]) >= 40, f"the {pool} has only {len(POOL[pool])} dossiers")


def test_officer_sees_only_own_agency_unassigned_or_own():
    for u in ("officer", "dept.officer"):
        me = U[u]["me"]
        seen = all_visible(u)
        check(seen, f"{u} sees nothing")
        for d in seen:
            eq(d["agency_id"], me["agency_id"], f"{u} sees {d['code']} of another agency")
            check(d.get("assignee_id") in (None, me["id"]),
                  f"{u} sees {d['code']} assigned to {d.get('assignee_id')}")


def test_changes_feed_respects_visibility():
    for u in ("officer", "dept.officer", "supervisor"):
        me = U[u]["me"]
        st, _, body = req(u, "GET", "/api/v1/changes?limit=1000&view=summary")
        eq(st, 200, f"changes as {u}")
        for ch in body["changes"]:
            if ch["op"] != "upsert":
                continue
            d = ch["dossier"]
            if u == "supervisor":
                check(d["agency_id"] in subtree(me["agency_id"]),
                      f"supervisor's feed has {d['code']} of agency {d['agency_id']}")
            else:
                eq(d["agency_id"], me["agency_id"], f"{u}'s feed has another agency's {d['code']}")
                check(d.get("assignee_id") in (None, me["id"]),
                      f"{u}'s feed has {d['code']} assigned to someone else")


def subtree(root):
    st, _, agencies = req("support", "GET", "/api/v1/agencies")
    eq(st, 200, "agencies")
    items = agencies["items"] if isinstance(agencies, dict) else agencies
    out, grew = {root}, True
    while grew:
        grew = False
        for a in items:
            if a.get("parent_id") in out and a["id"] not in out:
                out.add(a["id"])
                grew = True
    return out


def _expect(actor, action, pool):
    role = U[actor]["me"]["role"]
    visible = role == "support" or HOME[actor] == pool
    if not visible:
        return 404
    return 200 if role in ALLOWED[action] else 403


def _target(actor, action, pool):
    """A dossier of `pool` on which `action` is possible state-wise and,
    for an officer of that pool, visible to them."""
    role = U[actor]["me"]["role"]
    states = FROM[action]
    if role == "officer" and HOME[actor] == pool:
        me = U[actor]["me"]["id"]
        if action in ("receive", "refuse"):
            return pick(pool, states, None)
        if action == "claim":
            return pick(pool, states, None)
        if action == "return_result":
            try:
                return pick(pool, states, me)
            except AssertionError:
                return pick(pool, states, None)
        state = "pending_approval" if action in ("approve", "send_back") else "in_progress"
        return make_assigned(pool, actor, state)
    if action == "claim":
        return pick(pool, states, None)
    if action == "propose":
        return make_assigned(pool, POOL_OFFICERS[pool][0])
    return pick(pool, states)


def _matrix(actor):
    wrong = []
    tally = {}
    for action in ALLOWED:
        for pool in ("ward", "dept"):
            d = _target(actor, action, pool)
            want = _expect(actor, action, pool)
            st, _, body = act(actor, d, action, pool)
            tally[st] = tally.get(st, 0) + 1
            code = body.get("code") if isinstance(body, dict) else None
            if st != want:
                wrong.append(f"{actor} {action} on {pool} {d['code']} ({d['state']}, "
                             f"assignee {d.get('assignee_id')}): got {st} {code or ''} "
                             f"{(body.get('detail') if isinstance(body, dict) else body)!r}, "
                             f"want {want}")
                continue
            if want == 200 and action != "comment":
                eq(body["version"], d["version"] + 1, f"{actor} {action}: version after")
            elif want in (403, 404):
                eq(code, {403: "forbidden", 404: "not_found"}[want], f"{actor} {action} code")
            # Reading follows the same rule as acting.
            st, _, _ = req(actor, "GET", f"/api/v1/dossiers/{d['id']}")
            eq(st, 404 if want == 404 else 200, f"{actor} reads {pool} {d['code']}")
    print(f"# {actor}: " + ", ".join(f"{n} x {st}" for st, n in sorted(tally.items())), flush=True)
    check(not wrong, "role matrix:\n" + "\n".join(wrong))


def test_matrix_officer():
    _matrix("officer")


def test_matrix_supervisor():
    _matrix("supervisor")


def test_matrix_support():
    _matrix("support")


def test_matrix_dept_officer():
    _matrix("dept.officer")


def test_matrix_dept_supervisor():
    _matrix("dept.supervisor")


def test_officer_cannot_touch_a_colleagues_dossier():
    # Assigned to officer2: officer neither sees it nor acts on it.
    d = make_assigned("ward", "officer2")
    st, _, _ = req("officer", "GET", f"/api/v1/dossiers/{d['id']}")
    eq(st, 404, "officer reads officer2's dossier")
    for action in ("comment", "propose", "request_supplement", "claim"):
        st, _, body = act("officer", d, action, "ward")
        eq(st, 404, f"officer {action} on officer2's dossier: {body}")
    st, _, body = act("officer2", d, "comment", "ward")
    eq(st, 200, f"officer2 comments on their own dossier: {body}")


def test_propose_is_for_the_assignee_only():
    # An officer sees an unassigned in-progress dossier but may not propose it.
    # That needs an unassigned dossier in progress; when the city has none,
    # every dossier in progress is held by someone, and an officer sees no
    # dossier in progress that is not its own (checked instead).
    try:
        d = pick("ward", ["in_progress"], None)
    except AssertionError:
        me = U["officer"]["me"]["id"]
        for x in all_visible("officer", "&state=in_progress"):
            eq(x.get("assignee_id"), me, f"officer sees {x['code']} in progress, not its own")
        return
    st, _, body = act("officer", d, "propose", "ward")
    eq(st, 403, f"officer proposes an unassigned dossier: {body}")
    eq(body.get("code"), "forbidden", "code")


tap.main(globals())
