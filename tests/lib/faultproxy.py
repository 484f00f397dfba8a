#!/usr/bin/python3
"""A fault-injecting, throttling TCP proxy on loopback, for tests and benches.

It stands between a client and egov-sim (or any TCP server) and makes the
link look like an office's: limited bandwidth, long round trips, lost
segments, and the faults a flaky link produces (resets, stalls, a connection
cut while the answer is arriving).  It is a library:

    p = FaultProxy(sim.port, latency_ms=150, bandwidth_bps=256_000, seed=1)
    p.start()            # listening on 127.0.0.1:p.port
    ... point the client at p.port ...
    p.stop(); print(p.counters)

and a command, which prints `listening on 127.0.0.1:PORT` first:

    /usr/bin/python3 tests/lib/faultproxy.py --listen 127.0.0.1:0 \
        --target 127.0.0.1:8080 --bandwidth 256kbit --latency 150ms \
        [--jitter 20ms] [--loss 0.01] [--reset 0.05] [--stall 0.02:5s] \
        [--cut 0.05] [--seed 1]

The model, per direction (client->server "up", server->client "down"):
- the link is one serial line of `bandwidth_bps` bits per second shared by
  every connection (a token bucket with no burst: a segment of n bytes
  occupies the line for n*8/bandwidth seconds, after the previous one);
- each segment (at most 1460 bytes) then takes `latency_ms` (+ uniform
  jitter up to `jitter_ms`) to arrive, so a round trip is twice the latency;
  segments never overtake each other;
- a lost segment (probability `loss`) is sent again after a retransmission
  timeout of max(200 ms, 2 x round trip), using the line twice; TCP cannot
  really lose bytes, so this is what loss looks like to an application.

Faults are decided at exchange boundaries: an exchange starts when data
comes from the client after the server has spoken (or first on a
connection), which is one HTTP request on a keep-alive connection.  Then,
with their probabilities:
- `reset`: the client's connection is reset (RST, via SO_LINGER 0) and the
  request is not forwarded;
- `cut_after_response_start`: the request goes through, the answer starts,
  and after a random part of its first segment the client gets a RST;
- `stall` ("p:seconds"): the answer stops for that long after its first
  segment, then goes on (what a minimum-speed limit must detect).

Everything is seeded (`seed`) so a failing test can be replayed.  Only
loopback addresses are accepted on either side: this is a test tool.
Counters (connections, bytes each way, segments lost, resets, cuts, stalls)
are in `.counters`; the command prints them as JSON on stderr when it ends.
Standard library only (asyncio in one background thread).
"""
import argparse
import asyncio
import collections
import ipaddress
import json
import random
import re
import signal
import socket
import struct
import sys
import threading
import time

MSS = 1460
WINDOW = 64 * 1024          # bytes queued per direction before reading stops
MIN_RTO = 0.2


def parse_bandwidth(text):
    """'256kbit', '64kbit', '1mbit', '32kB', '1MB', '8000' (bits/s) ->
    bits per second, or None for 0/'none'/'unlimited'."""
    if text is None:
        return None
    if isinstance(text, (int, float)):
        return float(text) or None
    t = text.strip()
    if t.lower() in ("", "0", "none", "unlimited"):
        return None
    m = re.fullmatch(r"([0-9.]+)\s*([kKmMgG]?)(bit|bps|b|B|Bps)?(/s)?", t)
    if not m:
        raise ValueError(f"bad bandwidth {text!r}")
    value = float(m.group(1))
    value *= {"": 1, "k": 1e3, "m": 1e6, "g": 1e9}[m.group(2).lower()]
    unit = m.group(3) or "bit"
    if unit in ("B", "Bps"):
        value *= 8
    return value or None


def parse_duration(text):
    """'150ms', '1.5s', '2' (seconds) -> seconds."""
    if isinstance(text, (int, float)):
        return float(text)
    m = re.fullmatch(r"([0-9.]+)\s*(ms|s|us)?", text.strip())
    if not m:
        raise ValueError(f"bad duration {text!r}")
    return float(m.group(1)) * {"ms": 1e-3, "us": 1e-6, "s": 1, None: 1}[m.group(2)]


def parse_stall(spec):
    """'0.02:5s' or (0.02, 5.0) -> (probability, seconds)."""
    if spec is None:
        return (0.0, 0.0)
    if isinstance(spec, (tuple, list)):
        return (float(spec[0]), float(spec[1]))
    p, _, d = str(spec).partition(":")
    return (float(p), parse_duration(d or "5s"))


def parse_hostport(text):
    host, _, port = text.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    return host, int(port)


def require_loopback(host):
    try:
        ok = ipaddress.ip_address(host).is_loopback
    except ValueError:
        ok = host == "localhost"
    if not ok:
        raise ValueError(f"{host} is not a loopback address; the fault proxy is for tests only")


class _Line:
    """One direction of the link: a serial line plus propagation delay."""

    def __init__(self, proxy):
        self.proxy = proxy
        self.free_at = 0.0

    def schedule(self, nbytes, now, after):
        """When a segment of nbytes read at `now` arrives at the far end;
        `after` is the previous arrival on the same connection (no overtaking)."""
        p = self.proxy
        start = max(now, self.free_at)
        busy = nbytes * 8 / p.bandwidth_bps if p.bandwidth_bps else 0.0
        self.free_at = start + busy
        arrive = self.free_at + p.latency
        if p.jitter:
            arrive += p.rng.uniform(0, p.jitter)
        if p.loss and p.rng.random() < p.loss:
            p.counters["lost_segments"] += 1
            self.free_at += busy
            arrive += max(MIN_RTO, 4 * p.latency) + busy
        return max(arrive, after)


class FaultProxy:
    def __init__(self, target_port, target_host="127.0.0.1", listen_host="127.0.0.1",
                 listen_port=0, latency_ms=0, jitter_ms=0, bandwidth_bps=None,
                 loss=0.0, reset=0.0, stall=None, cut_after_response_start=0.0,
                 seed=None):
        require_loopback(target_host)
        require_loopback(listen_host)
        self.target = (target_host, int(target_port))
        self.listen = (listen_host, int(listen_port))
        self.latency = latency_ms / 1000.0
        self.jitter = jitter_ms / 1000.0
        self.bandwidth_bps = parse_bandwidth(bandwidth_bps)
        self.loss = float(loss)
        self.reset = float(reset)
        self.stall_p, self.stall_s = parse_stall(stall)
        self.cut = float(cut_after_response_start)
        self.rng = random.Random(seed)
        self.counters = {"connections": 0, "exchanges": 0, "bytes_up": 0,
                         "bytes_down": 0, "lost_segments": 0, "resets": 0,
                         "cuts": 0, "stalls": 0}
        self.port = None
        self._loop = None
        self._thread = None
        self._server = None
        self._tasks = set()
        self._ready = threading.Event()
        self._error = None
        self._up = self._down = None

    # -- life cycle ---------------------------------------------------------

    def start(self):
        self._thread = threading.Thread(target=self._run, name="faultproxy", daemon=True)
        self._thread.start()
        self._ready.wait(10)
        if self._error:
            raise self._error
        if self.port is None:
            raise RuntimeError("fault proxy did not start")
        return self

    def stop(self):
        if self._loop and self._thread and self._thread.is_alive():
            fut = asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop)
            try:
                fut.result(10)
            except Exception:
                pass
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
        return self.counters

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _run(self):
        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        self._up, self._down = _Line(self), _Line(self)
        try:
            self._server = self._loop.run_until_complete(asyncio.start_server(
                self._accept, self.listen[0], self.listen[1], reuse_address=True))
            self.port = self._server.sockets[0].getsockname()[1]
        except Exception as e:  # reported to start()
            self._error = e
            self._ready.set()
            return
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            self._loop.close()

    async def _shutdown(self):
        self._server.close()
        for t in list(self._tasks):
            t.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    # -- one connection -----------------------------------------------------

    async def _accept(self, creader, cwriter):
        task = asyncio.current_task()
        self._tasks.add(task)
        try:
            await _Conn(self, creader, cwriter).run()
        except (asyncio.CancelledError, ConnectionError, OSError):
            pass
        finally:
            self._tasks.discard(task)


def _abort(writer, rst):
    if writer is None:
        return
    if rst:
        sock = writer.get_extra_info("socket")
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
    writer.transport.abort()


class _Conn:
    """A client connection and its connection to the target: two pumps
    (up and down), each reading segments, scheduling their arrival on the
    link and writing them at that time."""

    def __init__(self, proxy, creader, cwriter):
        self.p = proxy
        self.creader, self.cwriter = creader, cwriter
        self.sreader = self.swriter = None
        self.last_dir = None         # "up" or "down": who spoke last
        self.cut_pending = False
        self.stall_pending = False
        self.dead = False

    async def run(self):
        p = self.p
        p.counters["connections"] += 1
        try:
            self.sreader, self.swriter = await asyncio.open_connection(*p.target)
        except OSError:
            _abort(self.cwriter, True)
            return
        up = asyncio.ensure_future(self._pump("up", self.creader, self.swriter, p._up))
        down = asyncio.ensure_future(self._pump("down", self.sreader, self.cwriter, p._down))
        try:
            await asyncio.gather(up, down)
        finally:
            up.cancel()
            down.cancel()
            _abort(self.swriter, False)
            _abort(self.cwriter, False)

    def _kill(self, rst=True):
        """Reset the client's side and drop the target's."""
        self.dead = True
        _abort(self.cwriter, rst)
        _abort(self.swriter, False)

    def _new_exchange(self):
        """Data from the client after the server spoke: roll the dice.
        Returns False when the connection was reset instead."""
        p = self.p
        p.counters["exchanges"] += 1
        if p.reset and p.rng.random() < p.reset:
            p.counters["resets"] += 1
            self._kill()
            return False
        self.cut_pending = bool(p.cut and p.rng.random() < p.cut)
        self.stall_pending = bool(p.stall_p and p.rng.random() < p.stall_p)
        return True

    async def _pump(self, direction, reader, writer, line):
        p = self.p
        out = _Outgoing()
        sender = asyncio.ensure_future(self._send(out, writer))
        try:
            last_arrival = 0.0
            while not self.dead:
                await out.room.wait()
                data = await reader.read(MSS)
                if self.dead or not data:
                    break
                if direction == "up" and self.last_dir != "up":
                    if not self._new_exchange():
                        break
                first_of_answer = direction == "down" and self.last_dir != "down"
                self.last_dir = direction
                p.counters["bytes_" + direction] += len(data)
                action = None
                if first_of_answer and self.cut_pending:
                    self.cut_pending = False
                    p.counters["cuts"] += 1
                    data = data[:p.rng.randint(1, max(1, len(data) - 1))]
                    action = "cut"
                arrival = line.schedule(len(data), time.monotonic(), last_arrival)
                if first_of_answer and self.stall_pending:
                    # After the first segment when more follows (a transfer
                    # that stops moving), before it when it is all there is.
                    self.stall_pending = False
                    p.counters["stalls"] += 1
                    if len(data) < MSS:
                        arrival += p.stall_s
                    else:
                        last_arrival = arrival + p.stall_s
                        out.put(arrival, data, None)
                        continue
                out.put(arrival, data, action)
                last_arrival = arrival
                if action == "cut":
                    break
            out.put(None, None, "eof")
            await sender
        finally:
            sender.cancel()

    async def _send(self, out, writer):
        while True:
            arrival, data, action = await out.get()
            if action == "eof":
                if not self.dead and writer.can_write_eof():
                    try:
                        writer.write_eof()
                    except OSError:
                        pass
                return
            delay = arrival - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            if self.dead:
                return
            blob = data + out.take_due(time.monotonic()) if action is None else data
            writer.write(blob)
            try:
                await writer.drain()
            except (ConnectionError, OSError):
                self._kill(False)
                return
            out.sent(len(blob))
            if action == "cut":
                self._kill()
                return


class _Outgoing:
    """Segments waiting for their arrival time, with a bound on how many
    bytes wait so a fast sender feels the slow link (it stops being read)."""

    def __init__(self):
        self.items = collections.deque()
        self.bytes = 0
        self.room = asyncio.Event()
        self.room.set()
        self.ready = asyncio.Event()

    def put(self, arrival, data, action):
        self.items.append((arrival, data, action))
        if data:
            self.bytes += len(data)
            if self.bytes >= WINDOW:
                self.room.clear()
        self.ready.set()

    async def get(self):
        while not self.items:
            self.ready.clear()
            await self.ready.wait()
        return self.items.popleft()

    def take_due(self, now):
        """Every plain segment already due, joined (one write, not many)."""
        parts = []
        while self.items and self.items[0][2] is None and self.items[0][0] <= now:
            parts.append(self.items.popleft()[1])
        return b"".join(parts)

    def sent(self, n):
        self.bytes -= n
        if self.bytes < WINDOW:
            self.room.set()


def main(argv=None):
    ap = argparse.ArgumentParser(description="Fault-injecting throttling TCP proxy (loopback only).")
    ap.add_argument("--listen", default="127.0.0.1:0")
    ap.add_argument("--target", required=True)
    ap.add_argument("--bandwidth", help="per direction, e.g. 256kbit, 64kbit, 32kB")
    ap.add_argument("--latency", default="0ms", help="one way, e.g. 150ms (round trip is twice)")
    ap.add_argument("--jitter", default="0ms")
    ap.add_argument("--loss", type=float, default=0.0, help="probability a segment is lost")
    ap.add_argument("--reset", type=float, default=0.0, help="probability an exchange is reset")
    ap.add_argument("--stall", help="PROB:DURATION, e.g. 0.02:5s")
    ap.add_argument("--cut", type=float, default=0.0,
                    help="probability the answer is cut after it starts")
    ap.add_argument("--seed", type=int)
    a = ap.parse_args(argv)
    lhost, lport = parse_hostport(a.listen)
    thost, tport = parse_hostport(a.target)
    try:
        proxy = FaultProxy(tport, target_host=thost, listen_host=lhost, listen_port=lport,
                           latency_ms=parse_duration(a.latency) * 1000,
                           jitter_ms=parse_duration(a.jitter) * 1000,
                           bandwidth_bps=a.bandwidth, loss=a.loss, reset=a.reset,
                           stall=a.stall, cut_after_response_start=a.cut, seed=a.seed)
        proxy.start()
    except (ValueError, OSError) as e:
        print(f"faultproxy: {e}", file=sys.stderr)
        return 2
    print(f"listening on {lhost}:{proxy.port}", flush=True)
    done = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: done.set())
    done.wait()
    proxy.stop()
    print(json.dumps(proxy.counters), file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
