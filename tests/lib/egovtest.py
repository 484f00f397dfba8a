"""Helpers for integration and end-to-end tests: a real egov-sim on a free
loopback port, real HTTP to it, and the real egov binary with its own
XDG folders.  Nothing here mocks anything."""
import atexit
import http.client
import json
import os
import shlex
import shutil
import signal
import subprocess
import tempfile
import time

BUILDDIR = os.environ.get("EGOV_BUILDDIR", os.path.abspath("."))
SRCDIR = os.environ.get("EGOV_SRCDIR", os.path.abspath("."))
SIM = os.path.join(BUILDDIR, "egov-sim")
EGOV = os.path.join(BUILDDIR, "egov")
# A command egov-sim and egov run under, e.g. "valgrind --error-exitcode=1"
# (tools/valgrind-tests sets it); empty: run them directly.
WRAPPER = shlex.split(os.environ.get("EGOV_WRAPPER", ""))

_seeded = {}


_made = []


def tempdir(prefix="egov-test-"):
    """A folder of the test's own, removed when the test process ends
    unless a test failed (tap.main sets EGOV_KEEP_TMP then: the logs in it
    say why) or EGOV_KEEP_TMP is set by hand.  A CI run made some forty of
    them and left them all behind."""
    d = tempfile.mkdtemp(prefix=prefix)
    _made.append(d)
    return d


@atexit.register
def _remove_tempdirs():
    if os.environ.get("EGOV_KEEP_TMP"):
        if _made:
            print("# kept for a look: " + " ".join(_made), flush=True)
        return
    for d in _made:
        shutil.rmtree(d, ignore_errors=True)


class Sim:
    """egov-sim on 127.0.0.1 with its own database.

    A seeded database for (seed, dossiers) is made once per test process
    and copied, because seeding is the slow part of starting."""

    def __init__(self, seed=1, dossiers=400, activity=0, fault=None,
                 extra=(), db=None, workdir=None):
        self.workdir = workdir or tempdir("egov-sim-")
        self.db = db or os.path.join(self.workdir, "sim.db")
        self.args = WRAPPER + [SIM, "--listen", "127.0.0.1:0", "--db", self.db,
                     "--seed", str(seed), "--dossiers", str(dossiers),
                     "--activity", str(activity)]
        if fault:
            self.args += ["--fault", fault]
        self.args += list(extra)
        self.proc = None
        self.port = None

    def start(self, timeout=120):
        self.log = open(os.path.join(self.workdir, "sim.log"), "ab")
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE,
                                     stderr=self.log)
        line = self.proc.stdout.readline().decode()
        if not line.startswith("listening on http://127.0.0.1:"):
            self.proc.kill()
            raise RuntimeError(f"egov-sim did not start: {line!r}; see {self.workdir}/sim.log")
        self.port = int(line.strip().rsplit(":", 1)[1])
        self.url = f"http://127.0.0.1:{self.port}"
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        rc = self.proc.returncode if self.proc else None
        self.proc = None
        return rc

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def request(self, method, path, body=None, token=None, headers=None,
                raw=False):
        """One HTTP request; returns (status, headers dict lower-cased, body).
        body is decoded JSON unless raw=True or the response is not JSON."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        h = dict(headers or {})
        if token:
            h["Authorization"] = f"Bearer {token}"
        data = None
        if body is not None:
            data = body if isinstance(body, (bytes, str)) else json.dumps(body)
            if isinstance(data, str):
                data = data.encode()
            h.setdefault("Content-Type", "application/json")
        conn.request(method, path, body=data, headers=h)
        resp = conn.getresponse()
        payload = resp.read()
        hdrs = {k.lower(): v for k, v in resp.getheaders()}
        conn.close()
        if not raw and "json" in hdrs.get("content-type", "") and payload:
            payload = json.loads(payload)
        return resp.status, hdrs, payload

    def login(self, username, password="demo"):
        st, _, body = self.request("POST", "/api/v1/auth/token",
                                   {"grant_type": "password",
                                    "username": username,
                                    "password": password})
        if st != 200:
            raise RuntimeError(f"login {username}: {st} {body}")
        return body["access_token"]


def egov_env(home):
    """Environment for the egov binary with its config, data and state
    under `home`, so tests never touch the real user's files."""
    env = dict(os.environ)
    env.update({
        "HOME": home,
        "XDG_CONFIG_HOME": os.path.join(home, "config"),
        "XDG_DATA_HOME": os.path.join(home, "data"),
        "XDG_STATE_HOME": os.path.join(home, "state"),
        "XDG_CACHE_HOME": os.path.join(home, "cache"),
        "LC_ALL": "C.UTF-8",
        "TZ": "Asia/Ho_Chi_Minh",
    })
    env.pop("EGOV_PASSWORD", None)
    return env


def run_egov(args, home, input=None, env_extra=None, timeout=120):
    """Run the egov CLI; returns CompletedProcess with text output."""
    env = egov_env(home)
    if env_extra:
        env.update(env_extra)
    return subprocess.run(WRAPPER + [EGOV] + list(args), input=input, env=env,
                          capture_output=True, text=True, timeout=timeout)


def wait_until(pred, timeout=30.0, interval=0.02):
    """Poll a condition; the tests' only way of waiting."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(interval)
    return pred()


def rmtree(path):
    shutil.rmtree(path, ignore_errors=True)
