"""Data-driven tests of libegovapi, in the style of curl's: each file in
tests/api/data/*.case is one test, a JSON object saying

  args       api-probe's arguments ("{url}" and "{tmp}" are filled in)
  responses  the canned answers the loopback responder gives, in order
  expect     what api-probe must print (a subset: only the keys given)
  requests   the requests the responder must have received, in order (a
             subset of method, path, headers, json body; a header whose
             expected value is null must be absent)
  n_requests how many requests exactly
  same_headers  headers that must be identical on every request (the
             Idempotency-Key of a retried action)
  same_connection  every request came on one connection (reuse)
  files      {"name": "content"}: files under {tmp} after the run
  prefiles   {"name": "content"}: files to make under {tmp} before
  max_elapsed_ms / min_elapsed_ms   bounds on the call's duration
  tls        "good" or "wronghost": answer over HTTPS with a certificate
             for 127.0.0.1 or for another name ({ca_good}, {ca_wronghost}
             in args are their files)
  input      for decode-* and roundtrip: the text (or JSON value) to decode
             (input_hex: raw bytes, for invalid UTF-8)

api-probe runs the real library against the real responder over loopback
HTTP; nothing is mocked."""
import glob
import json
import os
import subprocess
import sys

import egovtest
import tap
from responder import Responder

HERE = os.path.dirname(os.path.abspath(__file__))
BUILDDIR = os.environ.get("EGOV_BUILDDIR", os.path.abspath("."))
PROBE = os.path.join(BUILDDIR, "tests", "api", "api-probe")


def subset(got, want, where="$"):
    """want must be contained in got: dict keys recursively, lists by
    position and length, anything else by equality."""
    if isinstance(want, dict):
        tap.check(isinstance(got, dict), f"{where}: want an object, got {got!r}")
        for k, v in want.items():
            tap.check(k in got, f"{where}.{k}: missing in {json.dumps(got)[:400]}")
            subset(got[k], v, f"{where}.{k}")
    elif isinstance(want, list):
        tap.check(isinstance(got, list) and len(got) == len(want),
                  f"{where}: want {len(want)} items, got {got!r}"[:600])
        for i, (g, w) in enumerate(zip(got, want)):
            subset(g, w, f"{where}[{i}]")
    elif isinstance(want, str) and want.startswith("~"):
        tap.check(isinstance(got, str) and want[1:] in got,
                  f"{where}: want text containing {want[1:]!r}, got {got!r}")
    else:
        tap.eq(got, want, where)


CERTS = {}


def make_certs():
    """Two self-signed certificates made with openssl: one for 127.0.0.1
    and one for another host name, each its own CA file."""
    d = egovtest.tempdir("egov-api-tls-")
    for name, san in (("good", "IP:127.0.0.1"), ("wronghost", "DNS:wrong.example")):
        cert, key = os.path.join(d, name + ".pem"), os.path.join(d, name + ".key")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                        "-keyout", key, "-out", cert, "-days", "2", "-subj",
                        "/CN=" + san.split(":")[1], "-addext", "subjectAltName=" + san],
                       check=True, capture_output=True)
        CERTS[name] = (cert, key)
    CERTS["dir"] = d


def fill(value, url, tmp):
    if isinstance(value, str):
        for name, files in CERTS.items():
            if name != "dir":
                value = value.replace("{ca_" + name + "}", files[0])
        return value.replace("{url}", url).replace("{tmp}", tmp)
    if isinstance(value, list):
        return [fill(v, url, tmp) for v in value]
    return value


def check_requests(case, recorded):
    if "n_requests" in case:
        tap.eq(len(recorded), case["n_requests"], "number of requests")
    want = case.get("requests", [])
    tap.check(len(recorded) >= len(want),
              f"want at least {len(want)} requests, got {len(recorded)}")
    for i, (got, w) in enumerate(zip(recorded, want)):
        for k in ("method", "path"):
            if k in w:
                tap.eq(got[k], w[k], f"request {i} {k}")
        for name, value in w.get("headers", {}).items():
            have = got["headers"].get(name.lower())
            if value is None:
                tap.check(have is None, f"request {i}: header {name} must be absent, is {have!r}")
            elif value == "*":
                tap.check(have, f"request {i}: header {name} missing")
            else:
                tap.eq(have, value, f"request {i} header {name}")
        if "json" in w:
            tap.eq(json.loads(got["body"]), w["json"], f"request {i} body")
    if case.get("same_connection"):
        peers = {r["peer"] for r in recorded}
        tap.check(len(peers) == 1, f"requests came on {len(peers)} connections")
    for name in case.get("same_headers", []):
        values = {r["headers"].get(name.lower()) for r in recorded}
        tap.check(len(values) == 1 and None not in values,
                  f"{name} differs across requests: {values}")


def run_case(path):
    with open(path, encoding="utf-8") as f:
        case = json.load(f)
    tmp = egovtest.tempdir("egov-api-")
    for name, content in case.get("prefiles", {}).items():
        with open(os.path.join(tmp, name), "w") as f:
            f.write(content)
    args = case["args"]
    if "input" in case or "input_hex" in case:
        text = case.get("input")
        if "input_hex" in case:
            data = bytes.fromhex(case["input_hex"])
        elif isinstance(text, str):
            data = text.encode()
        else:
            data = json.dumps(text, ensure_ascii=False).encode()
        with open(os.path.join(tmp, "input.json"), "wb") as f:
            f.write(data)
        args = [a.replace("{input}", os.path.join(tmp, "input.json")) for a in args]
    tls = None
    if "tls" in case:
        if not CERTS:
            make_certs()
        tls = CERTS[case["tls"]]
    with Responder(case.get("responses", []), tls=tls) as r:
        argv = [PROBE] + fill(args, r.url, tmp)
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=120)
        recorded = list(r.requests)
    tap.check(proc.returncode in (0, 1),
              f"api-probe exit {proc.returncode}: {proc.stderr[-2000:]}")
    tap.check("ERROR: " not in proc.stderr and "runtime error" not in proc.stderr,
              f"sanitizer: {proc.stderr[-2000:]}")
    lines = [l for l in proc.stdout.splitlines() if l.strip()]
    tap.check(lines, f"no output; stderr: {proc.stderr[-1000:]}")
    outs = [json.loads(l) for l in lines]
    want = case.get("expect", {})
    if isinstance(want, list):
        tap.eq(len(outs), len(want), "number of completions")
        for o, w in zip(outs, want):
            subset(o, w)
    else:
        subset(outs[-1], want)
    out = outs[-1]
    if "max_elapsed_ms" in case:
        tap.check(out["elapsed_ms"] <= case["max_elapsed_ms"],
                  f"took {out['elapsed_ms']} ms, want <= {case['max_elapsed_ms']}")
    if "min_elapsed_ms" in case:
        tap.check(out["elapsed_ms"] >= case["min_elapsed_ms"],
                  f"took {out['elapsed_ms']} ms, want >= {case['min_elapsed_ms']}")
    check_requests(case, recorded)
    for name, content in case.get("files", {}).items():
        with open(os.path.join(tmp, name)) as f:
            tap.eq(f.read(), content, f"file {name}")
    subprocess.run(["rm", "-rf", tmp])


def _make(path):
    def t():
        run_case(path)
    return t


for _path in sorted(glob.glob(os.path.join(HERE, "data", "*.case"))):
    _name = "test_" + os.path.basename(_path)[:-5].replace("-", "_")
    globals()[_name] = _make(_path)

def teardown_module():
    if CERTS:
        subprocess.run(["rm", "-rf", CERTS["dir"]])


if not os.path.exists(PROBE):
    print(f"1..0 # SKIP {PROBE} not built")
    sys.exit(0)
tap.main(globals())
