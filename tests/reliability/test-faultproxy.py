#!/usr/bin/python3
"""The fault proxy (tests/lib/faultproxy.py) does what the slow-link benches
and fault tests rely on: bandwidth really is limited to what was asked,
latency really is added each way, and every fault it claims to inject in its
counters really reached the client.  A tiny line-protocol server on loopback
stands behind it:

    SEND n      -> n bytes of payload
    RECV n      -> then n bytes from the client, answered with "OK"
    ECHO text   -> "text"
"""
import os
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time

import tap
from tap import check, eq
from faultproxy import FaultProxy, parse_bandwidth, parse_duration, parse_stall

HERE = os.path.dirname(os.path.abspath(__file__))
PROXY_SCRIPT = os.path.join(os.environ.get("EGOV_SRCDIR", os.path.join(HERE, "..", "..")),
                            "tests", "lib", "faultproxy.py")


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        try:
            while True:
                line = self.rfile.readline()
                if not line:
                    return
                cmd, _, arg = line.decode().strip().partition(" ")
                if cmd == "SEND":
                    n = int(arg)
                    self.wfile.write(bytes(i % 251 for i in range(n)))
                elif cmd == "RECV":
                    left = int(arg)
                    while left > 0:
                        chunk = self.rfile.read(min(left, 65536))
                        if not chunk:
                            return
                        left -= len(chunk)
                    self.wfile.write(b"OK\n")
                elif cmd == "ECHO":
                    self.wfile.write(arg.encode() + b"\n")
                self.wfile.flush()
        except (ConnectionError, OSError):
            pass


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


SERVER = None


def setup_module():
    global SERVER
    SERVER = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=SERVER.serve_forever, daemon=True).start()


def teardown_module():
    SERVER.shutdown()
    SERVER.server_close()


def connect(proxy):
    s = socket.create_connection(("127.0.0.1", proxy.port), timeout=20)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def recv_exactly(s, n):
    """Read n bytes; returns what arrived before EOF or a reset, and how
    it ended (None, 'eof' or 'reset')."""
    buf = bytearray()
    while len(buf) < n:
        try:
            chunk = s.recv(n - len(buf))
        except ConnectionResetError:
            return bytes(buf), "reset"
        if not chunk:
            return bytes(buf), "eof"
        buf += chunk
    return bytes(buf), None


def proxy(**kw):
    return FaultProxy(SERVER.server_address[1], **kw).start()


def test_parsers():
    eq(parse_bandwidth("256kbit"), 256000.0, "256kbit")
    eq(parse_bandwidth("64kbit"), 64000.0, "64kbit")
    eq(parse_bandwidth("32kB"), 256000.0, "32kB is bytes")
    eq(parse_bandwidth("1mbit"), 1e6, "1mbit")
    eq(parse_bandwidth("unlimited"), None, "unlimited")
    eq(parse_duration("150ms"), 0.15, "150ms")
    eq(parse_duration("2s"), 2.0, "2s")
    eq(parse_stall("0.02:5s"), (0.02, 5.0), "stall spec")
    for bad in ("fast", "12 parsecs"):
        try:
            parse_bandwidth(bad)
        except ValueError:
            continue
        raise AssertionError(f"{bad!r} accepted")


def test_passes_bytes_unchanged():
    p = proxy()
    try:
        s = connect(p)
        for i in range(50):
            s.sendall(f"ECHO line {i}\n".encode())
            got, end = recv_exactly(s, len(f"line {i}\n"))
            eq(got, f"line {i}\n".encode(), f"echo {i}")
        s.sendall(b"SEND 1000000\n")
        got, end = recv_exactly(s, 1000000)
        eq(end, None, "big transfer ended early")
        check(got == bytes(i % 251 for i in range(1000000)), "payload changed in transit")
        s.close()
    finally:
        c = p.stop()
    eq(c["bytes_down"], 1000000 + sum(len(f"line {i}\n") for i in range(50)), "bytes_down")
    eq(c["resets"] + c["cuts"] + c["stalls"] + c["lost_segments"], 0, "faults with none asked")


def test_bandwidth_down_64kbit():
    # 64 kbit/s is 8,000 bytes a second: 3 x 8,000 bytes take 3 s.
    p = proxy(bandwidth_bps="64kbit")
    try:
        s = connect(p)
        t0 = time.monotonic()
        s.sendall(b"SEND 24000\n")
        got, end = recv_exactly(s, 24000)
        dt = time.monotonic() - t0
        s.close()
    finally:
        p.stop()
    eq(len(got), 24000, "bytes received")
    check(2.85 <= dt <= 3.7, f"24,000 bytes at 64 kbit/s took {dt:.2f} s, want ~3.0 s")


def test_bandwidth_up_256kbit():
    # 256 kbit/s is 32,000 bytes a second: 48,000 bytes up take 1.5 s.
    p = proxy(bandwidth_bps=256000)
    try:
        s = connect(p)
        t0 = time.monotonic()
        s.sendall(b"RECV 48000\n" + b"x" * 48000)
        got, end = recv_exactly(s, 3)
        dt = time.monotonic() - t0
        s.close()
    finally:
        p.stop()
    eq(got, b"OK\n", "server got everything")
    check(1.4 <= dt <= 2.0, f"48,000 bytes up at 256 kbit/s took {dt:.2f} s, want ~1.5 s")


def test_latency_is_one_way():
    p = proxy(latency_ms=100)
    try:
        s = connect(p)
        rtts = []
        for i in range(5):
            t0 = time.monotonic()
            s.sendall(b"ECHO x\n")
            recv_exactly(s, 2)
            rtts.append(time.monotonic() - t0)
        s.close()
    finally:
        p.stop()
    rtts.sort()
    check(0.195 <= rtts[2] <= 0.3, f"median round trip {rtts[2]:.3f} s, want ~0.200 s")


def test_resets_happen_and_are_counted():
    p = proxy(reset=0.5, seed=7)
    seen = 0
    ok = 0
    try:
        for i in range(40):
            s = connect(p)
            s.sendall(b"ECHO hello\n")
            got, end = recv_exactly(s, 6)
            if end == "reset":
                seen += 1
                eq(got, b"", "a reset exchange must not be answered")
            else:
                eq(got, b"hello\n", "an exchange that was not reset is intact")
                ok += 1
            s.close()
    finally:
        c = p.stop()
    eq(c["resets"], seen, "resets counted vs resets the client saw")
    check(5 <= seen <= 35, f"{seen} resets out of 40 at p=0.5")
    eq(seen + ok, 40, "every exchange either reset or answered")


def test_cut_after_response_starts():
    p = proxy(cut_after_response_start=1.0, seed=3)
    try:
        s = connect(p)
        s.sendall(b"SEND 100000\n")
        got, end = recv_exactly(s, 100000)
        s.close()
    finally:
        c = p.stop()
    eq(end, "reset", "the client sees a reset")
    check(0 < len(got) < 100000, f"{len(got)} bytes before the cut")
    eq(c["cuts"], 1, "cuts counted")


def test_stall_holds_the_answer():
    p = proxy(stall=(1.0, 0.6), seed=1)
    try:
        s = connect(p)
        for n in (10, 20000):
            t0 = time.monotonic()
            s.sendall(f"SEND {n}\n".encode())
            got, end = recv_exactly(s, n)
            dt = time.monotonic() - t0
            eq(len(got), n, "a stalled answer still arrives whole")
            check(dt >= 0.59, f"answer of {n} bytes took {dt:.2f} s with a 0.6 s stall")
        s.close()
    finally:
        c = p.stop()
    eq(c["stalls"], 2, "stalls counted")


def test_loss_delays_but_loses_nothing():
    p = proxy(loss=0.3, latency_ms=5, seed=5)
    try:
        s = connect(p)
        t0 = time.monotonic()
        s.sendall(b"SEND 20000\n")
        got, end = recv_exactly(s, 20000)
        dt = time.monotonic() - t0
        s.close()
    finally:
        c = p.stop()
    eq(len(got), 20000, "bytes arrive despite loss")
    check(c["lost_segments"] >= 1, "some segments lost at p=0.3")
    check(dt >= 0.2, f"a lost segment costs a retransmission timeout ({dt:.2f} s)")


def test_refuses_non_loopback():
    for kw in ({"target_host": "192.0.2.1"}, {"listen_host": "0.0.0.0"}):
        try:
            FaultProxy(80, **kw)
        except ValueError:
            continue
        raise AssertionError(f"accepted {kw}")


def test_command_line():
    proc = subprocess.Popen([sys.executable, PROXY_SCRIPT, "--listen", "127.0.0.1:0",
                             "--target", f"127.0.0.1:{SERVER.server_address[1]}",
                             "--bandwidth", "1mbit", "--latency", "10ms", "--seed", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        line = proc.stdout.readline().decode()
        check(line.startswith("listening on 127.0.0.1:"), f"first line {line!r}")
        port = int(line.strip().rsplit(":", 1)[1])
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(b"ECHO via command\n")
        got, _ = recv_exactly(s, len(b"via command\n"))
        eq(got, b"via command\n", "echo through the command")
        s.close()
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=10)
        eq(proc.returncode, 0, "exit status")
        check(b'"exchanges": 1' in err, f"counters on stderr: {err!r}")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    bad = subprocess.run([sys.executable, PROXY_SCRIPT, "--target", "192.0.2.1:80"],
                         capture_output=True, timeout=10)
    eq(bad.returncode, 2, "non-loopback target refused")


tap.main(globals())
