#!/usr/bin/python3
"""A full disk and a read-only cache folder: `egov act` says so clearly,
exits non-zero, and loses nothing that was already queued.

Each case starts from a fresh officer home (login, sync, two actions queued
with --no-push and not yet sent), then breaks the cache folder
($XDG_DATA_HOME/egov) and runs `egov act` (queued only, and with a push):
- disk full: a 2 MB tmpfs mounted over the folder, the cache copied in and
  the rest filled up (ENOSPC, what a real full disk gives);
- file size limit: RLIMIT_FSIZE at 0 with SIGXFSZ ignored, so every write
  that grows a file fails (EFBIG); needs no privilege, so it always runs;
- read-only file system: a read-only bind mount of the folder (EROFS);
- read-only folder: the folder owned by root, mode 0755, and egov run as
  `nobody` (permission bits do not stop root, so the tests, which run as
  root in CI, drop to another user with setpriv).
Then space or write access comes back and: the command had failed with one
line "egov: ..." that names the cause (full, read-only, permission) and not
a damaged cache; nothing was moved aside as damaged; `egov outbox` still
lists the two queued actions with their idempotency keys; one `egov sync`
sends them and each key took effect exactly once in egov-sim's audit log.

Mounting needs root (or CAP_SYS_ADMIN); without it those cases skip with
the reason.  Cases that show a known bug of another component are marked
TODO (an expected failure) with the bug named, so the suite stays green
and an unexpected pass says the marker can go."""
import json
import os
import resource
import shutil
import signal
import subprocess
import uuid

import tap
from tap import check, eq
from egovtest import Sim, EGOV, egov_env, run_egov, tempdir, rmtree

SIM = None
HOMES = []
MOUNTS = []
CAUSE_WORDS = ("full", "space", "read-only", "Read-only", "permitted", "Permission denied",
               "too large", "I/O error")


def setup_module():
    global SIM
    SIM = Sim(seed=5, dossiers=600).start()


def teardown_module():
    for m in reversed(MOUNTS):
        subprocess.run(["umount", "-l", m], capture_output=True)
    if SIM:
        SIM.stop()
    for h in HOMES:
        subprocess.run(["chown", "-R", f"{os.getuid()}:{os.getgid()}", h], capture_output=True)
        rmtree(h)


def env_extra():
    return {"EGOV_SERVER": SIM.url, "EGOV_USER": "officer", "NO_COLOR": "1"}


def egov(home, *args):
    return run_egov(list(args), home, env_extra=env_extra())


class Case:
    """A fresh home with two actions queued and not sent."""

    def __init__(self):
        self.home = tempdir("egov-disk-")
        HOMES.append(self.home)
        self.data = os.path.join(self.home, "data", "egov")
        r = run_egov(["login"], self.home, env_extra=dict(env_extra(), EGOV_PASSWORD="demo"))
        eq(r.returncode, 0, f"login: {r.stderr}")
        r = egov(self.home, "sync", "--quiet")
        eq(r.returncode, 0, f"sync: {r.stderr}")
        r = egov(self.home, "ls", "--all", "--json")
        eq(r.returncode, 0, f"ls: {r.stderr}")
        view = json.loads(r.stdout)
        check(len(view) >= 2, "the officer sees fewer than two dossiers")
        self.code = view[0]["code"]
        for d in view[:2]:
            r = egov(self.home, "act", d["code"], "comment", "--text",
                     f"queued before the fault {uuid.uuid4()}", "--no-push")
            eq(r.returncode, 0, f"act --no-push: {r.stderr}")
        self.before = self.outbox()
        eq(len(self.before), 2, "rows queued before the fault")

    def outbox(self):
        r = egov(self.home, "outbox", "--all", "--json")
        if r.returncode == 4:
            # The refresh token rotated on the server while the new one
            # could not be saved: the person logs in again (diagnostic,
            # not a loss: the outbox is in the cache, not the session).
            print(f"# had to log in again: {r.stderr.strip()}", flush=True)
            r = run_egov(["login"], self.home, env_extra=dict(env_extra(), EGOV_PASSWORD="demo"))
            eq(r.returncode, 0, f"login again: {r.stderr}")
            r = egov(self.home, "outbox", "--all", "--json")
        eq(r.returncode, 0, f"outbox: {r.stderr}")
        return json.loads(r.stdout)

    def act_args(self, push):
        return ["act", self.code, "comment", "--text", f"during the fault {uuid.uuid4()}"] + (
            [] if push else ["--no-push"])

    def check_failure(self, r, what):
        """Problems with how `egov act` failed (a list, empty when right)."""
        lines = r.stderr.strip().splitlines()
        first = lines[0] if lines else ""
        problems = []
        if r.returncode in (0, 3):
            problems.append(f"{what}: exit {r.returncode}, want a failure; "
                            f"stdout {r.stdout!r} stderr {r.stderr!r}")
        if "Sanitizer" in r.stderr or "runtime error:" in r.stderr:
            problems.append(f"{what}: egov crashed:\n{r.stderr[-2000:]}")
        elif len(lines) != 1 or not first.startswith("egov: "):
            problems.append(f"{what}: want one line 'egov: ...', got {r.stderr!r}")
        if not any(w in first for w in CAUSE_WORDS):
            problems.append(f"{what}: the message does not name the cause: {first!r}")
        if "damaged" in first or "salvag" in first:
            problems.append(f"{what}: a full or read-only disk is not damage: {first!r}")
        return problems

    def check_nothing_lost(self):
        """Write access is back: nothing moved aside, the queued rows are
        there with their keys, one sync sends each exactly once.  Returns
        the problems."""
        problems = []
        aside = [f for f in os.listdir(self.data) if ".damaged-" in f]
        if aside:
            problems.append(f"files moved aside as damaged: {aside}")
        after = {r["idempotency_key"]: r for r in self.outbox()}
        for r in self.before:
            if r["idempotency_key"] not in after:
                problems.append(f"queued #{r['seq']} {r['action']} ({r['params']}) is gone "
                                "from the outbox")
        r = egov(self.home, "sync", "--quiet")
        if r.returncode != 0:
            problems.append(f"sync after the fault: exit {r.returncode}: {r.stderr.strip()}")
        tok = SIM.login("supervisor")
        for row in self.before:
            st, _, body = SIM.request(
                "GET", f"/api/v1/audit?idempotency_key={row['idempotency_key']}", token=tok)
            eq(st, 200, "GET /audit")
            n = sum(1 for a in body["items"] if a["status"] == 200 and not a["replay"])
            if n != 1:
                problems.append(f"queued #{row['seq']} took effect {n} times, want 1")
        return problems


def report(problems):
    check(not problems, "\n".join(problems))


def can_mount():
    d = tempdir("egov-disk-probe-")
    try:
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", d],
                           capture_output=True, text=True)
        if r.returncode != 0:
            return r.stderr.strip() or "mount failed"
        subprocess.run(["umount", d], capture_output=True)
        return None
    except OSError as e:
        return str(e)
    finally:
        rmtree(d)


def mount(args, target):
    subprocess.run(["mount"] + args + [target], check=True, capture_output=True)
    MOUNTS.append(target)


def umount(target):
    subprocess.run(["umount", target], check=True, capture_output=True)
    MOUNTS.remove(target)


def test_disk_full():
    why = can_mount()
    if why:
        tap.skip(f"cannot mount a small tmpfs here ({why})")
    c = Case()
    keep = c.data + ".keep"
    shutil.copytree(c.data, keep)
    mount(["-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs"], c.data)
    try:
        for f in os.listdir(keep):
            shutil.copy2(os.path.join(keep, f), c.data)
        filler = os.path.join(c.data, "filler")
        try:
            with open(filler, "wb") as fh:
                while True:
                    fh.write(b"\0" * 65536)
                    fh.flush()
        except OSError:
            pass
        problems = []
        for push in (False, True):
            problems += c.check_failure(egov(c.home, *c.act_args(push)),
                                        f"disk full, push={push}")
        os.unlink(filler)
        problems += c.check_nothing_lost()
    finally:
        umount(c.data)
    report(problems)


def limited(nbytes):
    def pre():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (nbytes, nbytes))
    return pre


def test_file_size_limit():
    c = Case()
    env = egov_env(c.home)
    env.update(env_extra())
    problems = []
    for push in (False, True):
        r = subprocess.run([EGOV] + c.act_args(push), env=env, capture_output=True, text=True,
                           preexec_fn=limited(0), restore_signals=False, timeout=120)
        problems += c.check_failure(r, f"RLIMIT_FSIZE 0, push={push}")
    report(problems + c.check_nothing_lost())


def test_read_only_file_system():
    why = can_mount()
    if why:
        tap.skip(f"cannot mount here ({why})")
    c = Case()
    mount(["--bind", c.data], c.data)
    problems = []
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", c.data], check=True,
                       capture_output=True)
        for push in (False, True):
            problems += c.check_failure(egov(c.home, *c.act_args(push)),
                                        f"read-only fs, push={push}")
    finally:
        umount(c.data)
    report(problems + c.check_nothing_lost())


def test_read_only_folder():
    if os.getuid() != 0:
        tap.skip("needs root to run egov as another user (an owner may chmod its "
                 "own folder back)")
    if not shutil.which("setpriv"):
        tap.skip("setpriv is not installed")
    c = Case()
    env = egov_env(c.home)
    env.update(env_extra())
    subprocess.run(["chown", "-R", "nobody:", c.home], check=True)
    os.chown(c.data, 0, 0)
    os.chmod(c.data, 0o755)
    problems = []
    try:
        for push in (False, True):
            r = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup",
                                "--clear-groups", EGOV] + c.act_args(push),
                               env=env, capture_output=True, text=True, timeout=120)
            problems += c.check_failure(r, f"read-only folder, push={push}")
    finally:
        subprocess.run(["chown", "-R", f"{os.getuid()}:{os.getgid()}", c.home], check=True)
        os.chmod(c.data, 0o700)
    report(problems + c.check_nothing_lost())


# Known bugs of other components: TAP TODO (expected failure) until fixed.
KNOWN_BUGS = {}
FAILED = []


def counted(name, fn):
    """fn, noting a failure that is not an expected one."""
    def run():
        try:
            fn()
        except tap.Skip:
            raise
        except Exception:
            FAILED.append(name)
            raise
    return run


# tap.main exits 1 on any "not ok", TODO ones too, and automake takes a
# non-zero exit for an error: only unexpected failures decide the status.
tests = {(f"{n} # TODO {KNOWN_BUGS[n]}" if n in KNOWN_BUGS else n):
         (f if n in KNOWN_BUGS or not n.startswith("test_") else counted(n, f))
         for n, f in globals().items()}
try:
    tap.main(tests, order="definition")
except SystemExit as e:
    raise SystemExit(1 if FAILED else 0) from e
