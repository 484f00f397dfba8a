#!/usr/bin/python3
"""Write docs/cli-session.md: a short real session of every egov subcommand
against a freshly seeded egov-sim (2000 dossiers), as the demo officer.
Every output block is what egov printed, unedited; nothing is masked that
egov does not mask itself.

    /usr/bin/python3 cli/make-session-doc.py BUILDDIR > docs/cli-session.md

It starts egov-sim on a free loopback port in a temporary folder, stops it
half-way to show the offline outbox, and starts it again on the same port
and database."""
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
import http.client

BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".")
SIM, EGOV = os.path.join(BUILD, "egov-sim"), os.path.join(BUILD, "egov")
work = tempfile.mkdtemp(prefix="egov-session-")
home = os.path.join(work, "home")
os.makedirs(home)
out = []


def start(port=0):
    p = subprocess.Popen([SIM, "--listen", f"127.0.0.1:{port}", "--db",
                          os.path.join(work, "city.db"), "--dossiers", "2000"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    line = p.stdout.readline().decode().strip()
    if not line.startswith("listening on "):
        raise SystemExit(f"egov-sim: {line!r}")
    return p, line[len("listening on "):]


def stop(p):
    p.terminate()
    p.wait(30)


sim, url = start()
port = int(url.rsplit(":", 1)[1])
env = dict(os.environ, HOME=home, XDG_CONFIG_HOME=f"{home}/.config",
           XDG_STATE_HOME=f"{home}/.local/state", XDG_DATA_HOME=f"{home}/.local/share",
           LC_ALL="C.UTF-8", TZ="Asia/Ho_Chi_Minh", EGOV_SERVER=url, EGOV_USER="officer",
           NO_COLOR="1", ASAN_OPTIONS="detect_leaks=0")
for k in ("EGOV_PASSWORD", "EGOV_LOG_FILE", "EGOV_LOG_LEVEL", "LANGUAGE", "EGOV_LANG"):
    env.pop(k, None)


def say(text):
    out.append(text + "\n\n")


def run(args, shown=None, extra=None, keep=None):
    """Run egov; record the command line and its real output (stdout and
    stderr as a terminal shows them) and the exit status when not 0."""
    e = dict(env, **(extra or {}))
    r = subprocess.run([EGOV] + args, env=e, capture_output=True, text=True, timeout=300)
    line = shown or ("egov " + " ".join(shlex.quote(a) for a in args))
    text = r.stdout + r.stderr
    lines = text.splitlines()
    if keep and len(lines) > keep:
        lines = lines[:keep] + [f"… ({len(text.splitlines()) - keep} more lines)"]
    say("```console\n$ " + line + "\n" + "\n".join(lines) +
        ("\n" if lines else "") + (f"[exit {r.returncode}]\n" if r.returncode else "") + "```\n\n")
    return r


def quiet(args):
    return subprocess.run([EGOV] + args, env=env, capture_output=True, text=True, timeout=300)


def as_supervisor(dossier_id, version):
    """The supervisor acts in the console meanwhile (plain HTTP here)."""
    c = http.client.HTTPConnection("127.0.0.1", port)
    c.request("POST", "/api/v1/auth/token", json.dumps(
        {"grant_type": "password", "username": "supervisor", "password": "demo"}),
        {"Content-Type": "application/json"})
    tok = json.loads(c.getresponse().read())["access_token"]
    c.request("POST", f"/api/v1/dossiers/{dossier_id}/actions", json.dumps({"action": "receive"}),
              {"Content-Type": "application/json", "Authorization": f"Bearer {tok}",
               "Idempotency-Key": str(uuid.uuid4()), "If-Match": f'"{version}"'})
    c.getresponse().read()
    c.close()


try:
    say("# egov on the command line: a real session")
    say("Each block below is a command and what it printed, unedited, against "
        "`egov-sim --dossiers 2000` (a freshly seeded city) as the demo officer of "
        "phường Hồng Bàng. Personal data shown is the simulator's invented applicants; "
        "egov masks nothing for an officer, who processes these dossiers (a `support` "
        "user sees ID numbers and phones masked by the server). Regenerate with "
        "`/usr/bin/python3 cli/make-session-doc.py BUILDDIR > docs/cli-session.md`. "
        f"The server was `{url}`; `EGOV_SERVER` and `EGOV_USER=officer` are set in the "
        "environment, `NO_COLOR=1`. Exit statuses other than 0 are shown as `[exit N]` "
        "(see egov(1): 2 usage, 3 offline, 4 auth, 5 conflict, 6 server error, 7 not found).")
    say("## Version and help")
    run(["--version"])
    run(["--help"])
    run(["act", "--help"])
    say("## login, sync")
    say("The password comes from a prompt on the terminal, or from `EGOV_PASSWORD` in "
        "scripts; never from an argument. The password is never kept.")
    run(["login"], shown="EGOV_PASSWORD=demo egov login", extra={"EGOV_PASSWORD": "demo"})
    run(["login", "--password=demo"])
    run(["sync"])
    say("## ls")
    run(["ls", "--limit", "8"])
    run(["ls", "--assignee", "me", "--due-within", "3"])
    run(["ls", "--overdue", "--csv", "--limit", "3"])
    rows = json.loads(quiet(["ls", "--all", "--json"]).stdout)
    submitted = [x for x in rows if x["state"] == "submitted"]
    received = [x for x in rows if x["state"] == "received" and not x["assignee_id"]]
    mine = [x for x in rows if x["state"] == "in_progress" and x["assignee_id"]]
    run(["ls", "--state", "submitted", "--json", "--limit", "1"])
    agency = submitted[0]["code"].split("-")[0]
    run(["ls", "--agency", agency, "--state", "result_ready", "--limit", "3"])
    say("## show, search")
    run(["show", mine[0]["code"]])
    name = submitted[1]["applicant_name"]
    import unicodedata
    folded = "".join(c for c in unicodedata.normalize("NFD", name.lower().replace("đ", "d"))
                     if not unicodedata.combining(c))
    say(f"Without diacritics, `{folded}` finds {name}:")
    run(["search"] + folded.split())
    say("## act")
    run(["act", submitted[0]["code"], "receive", "--note", "Đủ giấy tờ"])
    run(["act", received[0]["code"], "claim"])
    run(["act", mine[0]["code"], "request_supplement", "--reason",
         "Thiếu bản sao CCCD", "--deadline-days", "5"])
    run(["act", mine[1]["code"], "comment", "--text", "Đã gọi điện cho công dân"])
    run(["act", mine[2]["code"], "approve"])
    run(["act", submitted[2]["code"], "refuse"])
    say("## Offline: the outbox keeps the action")
    say("egov-sim is stopped (the office link is down):")
    stop(sim)
    run(["act", submitted[3]["code"], "receive"])
    run(["outbox"])
    run(["ls", "--state", "received", "--limit", "3"])
    run(["doctor"])
    say("egov-sim is started again on the same port and database; the action goes "
        "out once, with the idempotency key it was given when the officer acted:")
    sim, _ = start(port)
    run(["sync"])
    run(["outbox"])
    say("## conflicts")
    say("While the officer's cache still has it as submitted, the supervisor receives "
        f"{submitted[4]['code']} in the console; the officer's refusal then conflicts:")
    as_supervisor(submitted[4]["id"], submitted[4]["version"])
    run(["act", submitted[4]["code"], "refuse", "--reason", "Hồ sơ không hợp lệ"])
    run(["conflicts"])
    run(["conflicts", "resolve", submitted[4]["code"], "--discard"])
    run(["conflicts", "resolve", mine[2]["code"], "--discard"])
    run(["conflicts"])
    say("## report, doctor, logout")
    run(["report", "--from", "2026-01-01", "--to", "2026-06-30"])
    run(["report", "--from", "2026-01-01", "--to", "2026-06-30", "--csv"])
    run(["doctor"])
    run(["logout"])
    run(["sync"])
finally:
    if sim.poll() is None:
        stop(sim)
    shutil.rmtree(work, ignore_errors=True)
sys.stdout.write("".join(out))
