"""egov-sim's HTTP surface: problem+json for unknown paths, wrong methods,
malformed JSON and oversized bodies; gzip; X-Request-Id; the reference data
with ETag/If-None-Match; dossier ETags; search (diacritic-free q, filters,
keyset paging); document downloads with Range and If-Range; masking for
support; the QĐ 766 report with null rates."""
import gzip
import hashlib
import json
import os
import socket
import sys
import time
import unicodedata
from urllib.parse import quote

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import simtest as s  # noqa: E402
import tap  # noqa: E402
from tap import check, eq  # noqa: E402


def setup_module():
    s.start(dossiers=800)


def teardown_module():
    s.stop()


def fold(t):
    t = unicodedata.normalize("NFD", t.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in t if not unicodedata.combining(c)).lower()


def test_unknown_path_and_method():
    st, h, b = s.get("/api/v1/nowhere", "officer")
    s.problem(st, b, 404, "not_found")
    check(h["content-type"].startswith("application/problem+json"), "problem+json")
    st, h, b = s.SIM.request("DELETE", "/api/v1/me", token=s.token("officer"))
    eq(st, 405, "wrong method")
    eq(h.get("allow"), "GET", "Allow")
    check(h["content-type"].startswith("application/problem+json"), "problem+json on 405")
    st, _, b = s.SIM.request("GET", "/")
    s.problem(st, b, 404, "not_found")


def test_malformed_json_is_400():
    st, _, b = s.SIM.request("POST", "/api/v1/auth/token", b'{"grant_type": "password",')
    s.problem(st, b, 400, "validation")
    st, _, b = s.SIM.request("POST", "/api/v1/auth/token", b'[1, 2]')
    s.problem(st, b, 400, "validation")


def test_body_over_1_mib_is_413():
    # Announce a 2 MB body and send only the start: the answer must not
    # wait for the rest.
    with socket.create_connection(("127.0.0.1", s.SIM.port), timeout=30) as c:
        c.sendall(b"POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\n"
                  b"Content-Type: application/json\r\nContent-Length: 2000000\r\n\r\n" +
                  b" " * 1000)
        data = b""
        while b"\r\n\r\n" not in data or not data.rstrip().endswith(b"}"):
            chunk = c.recv(65536)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    check(head.startswith(b"HTTP/1.1 413"), f"status line {head[:40]!r}")
    check(b"application/problem+json" in head, "problem+json")
    eq(json.loads(body)["code"], "payload_too_large", "code")
    # A body that turns out to be over the limit only as it arrives (chunked,
    # no Content-Length to refuse it by) is read to its end and gets 413.
    # Sent whole with a Content-Length the server rightly answers before
    # the body is in, and the client's unsent bytes then race its close.
    chunk = b" " * 65536
    n = (1024 * 1024) // len(chunk) + 1
    with socket.create_connection(("127.0.0.1", s.SIM.port), timeout=30) as c:
        c.sendall(b"POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\n"
                  b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        for _ in range(n):
            c.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
        c.sendall(b"0\r\n\r\n")
        data = b""
        while b"\r\n\r\n" not in data or not data.rstrip().endswith(b"}"):
            got = c.recv(65536)
            if not got:
                break
            data += got
    head, _, body = data.partition(b"\r\n\r\n")
    check(head.startswith(b"HTTP/1.1 413"), f"status line {head[:40]!r}")
    eq(json.loads(body)["code"], "payload_too_large", "code")


def test_gzip():
    plain = s.get("/api/v1/procedures", "officer", raw=True)
    st, h, z = s.get("/api/v1/procedures", "officer", headers={"Accept-Encoding": "gzip"},
                     raw=True)
    eq(st, 200, "status")
    eq(h.get("content-encoding"), "gzip", "compressed")
    check(len(z) < len(plain[2]), "smaller")
    eq(gzip.decompress(z), plain[2], "same bytes once decompressed")
    st, h, _ = s.get("/api/v1/nowhere", "officer", headers={"Accept-Encoding": "gzip"}, raw=True)
    eq(h.get("content-encoding"), "gzip", "errors too")


def test_request_id_echoed_or_made():
    st, h, _ = s.get("/api/v1/me", "officer", headers={"X-Request-Id": "abc-123"})
    eq(h["x-request-id"], "abc-123", "echoed")
    st, h1, _ = s.get("/api/v1/me", "officer")
    st, h2, _ = s.get("/api/v1/me", "officer")
    check(h1["x-request-id"] and h1["x-request-id"] != h2["x-request-id"], "fresh ids")


def test_reference_data_and_etags():
    for path in ("/api/v1/agencies", "/api/v1/procedures", "/api/v1/calendar?year=2026",
                 "/api/v1/users?agency_id=" + s.get("/api/v1/me", "officer")[2]["agency_id"]):
        st, h, b = s.get(path, "officer")
        eq(st, 200, path)
        check(h.get("etag"), f"{path} has an ETag")
        st2, h2, b2 = s.get(path, "officer", headers={"If-None-Match": h["etag"]}, raw=True)
        eq(st2, 304, f"{path} 304")
        eq(b2, b"", "304 has no body")
        st3, _, _ = s.get(path, "officer", headers={"If-None-Match": '"other"'})
        eq(st3, 200, "another ETag gets the data")
    ag = s.get("/api/v1/agencies", "officer")[2]["items"]
    wards = [a for a in ag if a["level"] == "ward"]
    check(len(wards) >= 30, f"{len(wards)} wards")
    check(10 <= len([a for a in ag if a["level"] == "department"]) <= 20, "departments")
    eq([a["code"] for a in ag if a["level"] == "city"], ["000.00.00.H24"], "the city")
    check(any(a["name"].endswith("phường Hồng Bàng") for a in wards), "Hồng Bàng")
    procs = s.get("/api/v1/procedures", "officer")[2]["items"]
    check(len(procs) >= 30, f"{len(procs)} procedures")
    birth = [p for p in procs if p["code"] == "1.001193"][0]
    eq((birth["processing_days"], birth["day_kind"], birth["online_level"]), (0, "working", "full"),
       "birth registration")
    copy = [p for p in procs if p["code"] == "2.000815"][0]
    check(copy["fees"] and copy["documents"], "fees and documents")
    cal = s.get("/api/v1/calendar?year=2026", "officer")[2]
    check({"date": "2026-02-17", "name": "Tết Nguyên đán"} in cal["holidays"], "Tết 2026")
    check("2026-01-10" in cal["working_saturdays"], "a swapped Saturday")
    st, _, b = s.get("/api/v1/calendar?year=abc", "officer")
    eq((st, b.get("field")), (422, "year"), "bad year")
    st, _, b = s.get("/api/v1/users?agency_id=a02", "officer")
    s.problem(st, b, 403, "forbidden")


def test_dossier_etag_304():
    d = s.search("officer", limit=1)[0]
    st, h, b = s.get(f"/api/v1/dossiers/{d['id']}", "officer")
    eq(h["etag"], f'"{b["version"]}"', "ETag is the version")
    st, _, _ = s.get(f"/api/v1/dossiers/{d['id']}", "officer", headers={"If-None-Match": h["etag"]})
    eq(st, 304, "not modified")


def test_search_folds_filters_and_pages():
    items = s.search("supervisor", limit=200)
    target = next(d for d in items if fold(d["applicant_name"]) != d["applicant_name"].lower())
    q = fold(target["applicant_name"])
    found = s.search("supervisor", q=q, limit=200)
    check(target["id"] in {d["id"] for d in found}, f"'{q}' finds {target['applicant_name']}")
    check(all(q in fold(d["applicant_name"] + " " + d["subject"] + " " + d["code"])
              for d in found), "only matches")
    found = s.search("supervisor", q=target["code"].upper())
    eq([d["id"] for d in found], [target["id"]], "by code")
    now = time.strftime("%Y-%m-%dT%H:%M:%S+07:00", time.localtime())
    over = s.search("supervisor", overdue="true", limit=200)
    check(over, "some overdue dossiers")
    check(all(d["due_at"] and d["due_at"] < now and d["state"] not in
              ("returned", "refused", "withdrawn", "stopped", "result_ready") for d in over),
          "overdue means active and past due")
    for st_ in ("in_progress", "pending_approval"):
        check(all(d["state"] == st_ for d in s.search("supervisor", state=st_)), st_)
    st, _, b = s.get("/api/v1/dossiers?state=lost", "officer")
    eq((st, b.get("field")), (422, "state"), "bad state")
    seen, cursor, prev = [], None, None
    for _ in range(3):
        path = "/api/v1/dossiers?limit=7" + (f"&cursor={quote(cursor)}" if cursor else "")
        st, _, b = s.get(path, "supervisor")
        eq(len(b["items"]), 7, "page size")
        for d in b["items"]:
            check(prev is None or d["submitted_at"] <= prev, "newest first")
            prev = d["submitted_at"]
        seen += [d["id"] for d in b["items"]]
        cursor = b["next_cursor"]
    eq(len(seen), len(set(seen)), "pages do not overlap")


def test_document_ranges():
    d = s.search("officer", state="received", limit=1)[0]
    full = s.get(f"/api/v1/dossiers/{d['id']}", "officer")[2]
    doc = full["documents"][0]
    path = f"/api/v1/dossiers/{d['id']}/documents/{doc['id']}"
    st, h, body = s.get(path, "officer", raw=True, headers={"Accept-Encoding": "gzip"})
    eq(st, 200, "download")
    eq(h.get("accept-ranges"), "bytes", "Accept-Ranges")
    check("content-encoding" not in h, "documents are sent as they are")
    eq(len(body), doc["size"], "size")
    eq(hashlib.sha256(body).hexdigest(), doc["sha256"], "sha256")
    etag = h["etag"]
    st, h, part = s.get(path, "officer", raw=True, headers={"Range": "bytes=0-99"})
    eq((st, part), (206, body[:100]), "first 100 bytes")
    eq(h["content-range"], f"bytes 0-99/{len(body)}", "Content-Range")
    st, _, part = s.get(path, "officer", raw=True, headers={"Range": "bytes=100-", "If-Range": etag})
    eq((st, part), (206, body[100:]), "resume with If-Range")
    st, _, part = s.get(path, "officer", raw=True, headers={"Range": "bytes=100-", "If-Range": '"old"'})
    eq((st, part), (200, body), "changed file: the whole of it")
    st, h, b = s.get(path, "officer", headers={"Range": f"bytes={len(body) + 5}-"})
    s.problem(st, b, 416, "validation")
    eq(h["content-range"], f"bytes */{len(body)}", "416 Content-Range")
    st, _, b = s.get(path, "support")
    s.problem(st, b, 403, "forbidden")
    st, _, b = s.get(f"/api/v1/dossiers/{d['id']}/documents/nope", "officer")
    s.problem(st, b, 404, "not_found")


def test_support_sees_everything_masked():
    real = s.search("supervisor", limit=20)
    ids = {d["id"] for d in s.search("support", limit=500)}
    check(len(ids) > len(real), "support sees more than one ward")
    for d in real[:10]:
        r = s.get(f"/api/v1/dossiers/{d['id']}", "supervisor")[2]
        m = s.get(f"/api/v1/dossiers/{d['id']}", "support")[2]
        ra, ma = r["applicant"], m["applicant"]
        eq(ma["id_number"], "*" * (len(ra["id_number"]) - 3) + ra["id_number"][-3:], "id masked")
        eq(ma["phone"][-3:], ra["phone"][-3:], "phone keeps its last 3")
        check(sum(c.isdigit() for c in ma["phone"]) == 3, "phone masked")
        eq(ma["address"], None, "no address")
        eq(m["documents"], [], "no documents")
        raw = s.get(f"/api/v1/dossiers/{d['id']}", "support", raw=True)[2].decode()
        check(ra["id_number"] not in raw and ra["phone"] not in raw, "nothing leaks")


def test_report():
    st, _, b = s.get("/api/v1/reports/agencies?from=2025-06-01&to=2026-12-31", "supervisor")
    eq(st, 200, "report")
    eq(len(b["items"]), 1, "a ward supervisor sees its ward")
    r = b["items"][0]
    check(r["received"] > 0 and 0 <= r["online_rate"] <= 1 and 0 <= r["on_time_rate"] <= 1, "rates")
    eq(r["received"] >= r["finished_early"] + r["finished_on_time"] + r["finished_late"], True, "sums")
    st, _, b = s.get("/api/v1/reports/agencies?from=2030-01-01&to=2030-12-31", "support")
    check(len(b["items"]) >= 40, "support sees every agency")
    check(all(x["received"] == 0 and x["on_time_rate"] is None and x["online_rate"] is None
              and x["avg_days"] is None for x in b["items"]), "null rates, not 0")
    st, _, b = s.get("/api/v1/reports/agencies?from=yesterday", "supervisor")
    eq((st, b.get("field")), (422, "from"), "bad date")


def test_tls():
    import shutil
    import ssl
    import subprocess
    import http.client
    import egovtest
    if not shutil.which("openssl"):
        tap.skip("no openssl to make a certificate")
    d = egovtest.tempdir("egov-tls-")
    try:
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                        f"{d}/key.pem", "-out", f"{d}/cert.pem", "-days", "1", "-subj",
                        "/CN=127.0.0.1"], check=True, capture_output=True)
        p = subprocess.Popen([egovtest.SIM, "--listen", "127.0.0.1:0", "--db", f"{d}/sim.db",
                              "--dossiers", "20", "--tls-cert", f"{d}/cert.pem", "--tls-key",
                              f"{d}/key.pem"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        line = p.stdout.readline().decode()
        check(line.startswith("listening on https://127.0.0.1:"), line)
        ctx = ssl.create_default_context(cafile=f"{d}/cert.pem")
        ctx.check_hostname = False
        c = http.client.HTTPSConnection("127.0.0.1", int(line.strip().rsplit(":", 1)[1]),
                                        context=ctx, timeout=30)
        c.request("POST", "/api/v1/auth/token", json.dumps(
            {"grant_type": "password", "username": "officer", "password": "demo"}),
            {"Content-Type": "application/json"})
        r = c.getresponse()
        eq(r.status, 200, "login over TLS")
        check(json.loads(r.read())["access_token"], "a token")
        c.close()
        p.terminate()
        eq(p.wait(timeout=30), 0, "clean exit")
    finally:
        egovtest.rmtree(d)


def test_sigterm_exits_cleanly():
    eq(s.stop(), 0, "exit status after SIGTERM")


tap.main(globals())
