"""egov-sim for the benchmarks: seeded cities kept as template databases in
the bench scratch directory (seeding is what takes time, so each size is
seeded once and copied), started on a free loopback port, and a small
keep-alive HTTP client that counts bytes and can ask for gzip."""
import gzip
import http.client
import json
import os
import shutil
import subprocess
import time
import uuid
from urllib.parse import quote

SEED = 1


def sim_path(bench):
    return os.path.join(bench.builddir, "egov-sim")


def seed_template(bench, dossiers):
    """A seeded database for `dossiers`, made once; returns (path, seconds
    it took to seed or None when reused)."""
    path = os.path.join(bench.workdir, f"city-{dossiers}-seed{SEED}.db")
    if os.path.exists(path):
        return path, None
    tmp = path + ".new"
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(tmp + suffix):
            os.unlink(tmp + suffix)
    secs = seed_once(bench, tmp, dossiers)
    os.rename(tmp, path)
    return path, secs


def seed_once(bench, db, dossiers):
    """Seed a new database; the time from start to the listening line."""
    argv = [sim_path(bench), "--listen", "127.0.0.1:0", "--db", db, "--seed", str(SEED),
            "--dossiers", str(dossiers)]
    bench.command(argv, "seeding: time to the listening line")
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    line = p.stdout.readline().decode()
    secs = time.monotonic() - t0
    p.terminate()
    p.wait(60)
    if not line.startswith("listening on"):
        raise RuntimeError(f"egov-sim did not start: {line!r}")
    return secs


class Running:
    """egov-sim on a copy of a template database."""

    def __init__(self, bench, template, name, extra=()):
        import egovtest
        self.db = os.path.join(bench.workdir, name + ".db")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(self.db + suffix):
                os.unlink(self.db + suffix)
        shutil.copyfile(template, self.db)
        self.sim = egovtest.Sim(db=self.db, workdir=bench.workdir, extra=extra)
        self.sim.args[0] = sim_path(bench)

    def __enter__(self):
        self.sim.start()
        return self.sim

    def __exit__(self, *exc):
        self.sim.stop()


class Client:
    """One keep-alive connection; requests return (status, json or bytes)
    and the body bytes on the wire are added up."""

    def __init__(self, port, token=None, gzip_ok=True, timeout=600):
        self.port, self.token, self.gzip_ok = port, token, gzip_ok
        self.timeout = timeout
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.requests = 0
        self.body_bytes = 0

    def request(self, method, path, body=None, headers=None):
        h = {"Accept": "application/json"}
        if self.gzip_ok:
            h["Accept-Encoding"] = "gzip"
        if self.token:
            h["Authorization"] = "Bearer " + self.token
        if headers:
            h.update(headers)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        for attempt in (0, 1):
            try:
                self.conn.request(method, path, body=data, headers=h)
                resp = self.conn.getresponse()
                raw = resp.read()
                break
            except (http.client.HTTPException, ConnectionError):
                # The server closed a keep-alive connection: one new one.
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
                if attempt:
                    raise
        self.requests += 1
        self.body_bytes += len(raw)
        if resp.getheader("Content-Encoding") == "gzip":
            raw = gzip.decompress(raw)
        ctype = resp.getheader("Content-Type") or ""
        value = json.loads(raw) if "json" in ctype and raw else raw
        return resp.status, value

    def login(self, username, password="demo"):
        st, body = self.request("POST", "/api/v1/auth/token",
                                {"grant_type": "password", "username": username,
                                 "password": password})
        if st != 200:
            raise RuntimeError(f"login {username}: {st} {body}")
        self.token = body["access_token"]
        return body

    def comment(self, dossier_id, text):
        return self.request("POST", f"/api/v1/dossiers/{dossier_id}/actions",
                            {"action": "comment", "text": text},
                            {"Idempotency-Key": str(uuid.uuid4())})

    def close(self):
        self.conn.close()


def visible_ids(client, limit=1000, max_pages=1000):
    """Every dossier id the client's user sees, through the change feed."""
    ids, cursor = [], None
    for _ in range(max_pages):
        q = f"/api/v1/changes?limit={limit}&view=summary" + (f"&since={quote(cursor, safe='')}" if cursor else "")
        st, body = client.request("GET", q)
        if st != 200:
            raise RuntimeError(f"changes: {st} {body}")
        ids += [c["id"] for c in body["changes"] if c["op"] == "upsert"]
        cursor = body["next_cursor"]
        if not body.get("more"):
            break
    return list(dict.fromkeys(ids))
