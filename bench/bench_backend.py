"""Backend benchmarks (issue 3's speed figures): egov-sim seeding 20,000 and
1,000,000 dossiers (time to the listening line, and database size), a
change-feed page of 1,000 summaries, an action round trip (median, p95),
and actions per second with 50 concurrent keep-alive clients on loopback.

The clients are Python (http.client), so the concurrency figure is what 50
Python clients in 5 processes can drive on the same machine as the server:
a lower bound on the server's capacity, not its ceiling."""
import multiprocessing
import os
import time
import urllib.parse

from benchlib import median, pctl
from simlib import Client, Running, seed_once, seed_template, sim_path, visible_ids

SEC = "backend"


def _db_mb(path):
    return sum(os.path.getsize(path + s) for s in ("", "-wal") if os.path.exists(path + s)) / 1e6


def seeding(bench):
    sizes = [20000] if bench.quick else [20000, 1000000]
    for n in sizes:
        reps = 1 if (bench.quick or n >= 1000000) else 3
        times = []
        for i in range(reps):
            db = os.path.join(bench.workdir, f"seed-{n}-{i}.db")
            for s in ("", "-wal", "-shm"):
                if os.path.exists(db + s):
                    os.unlink(db + s)
            times.append(seed_once(bench, db, n))
            size = _db_mb(db)
            for s in ("", "-wal", "-shm"):
                if os.path.exists(db + s):
                    os.unlink(db + s)
        bench.record(SEC, f"seeding {n:,} dossiers (start to listening)", median(times), "s",
                     note=f"median of {reps}; database {size:,.0f} MB, "
                          f"{size * 1e6 / n:,.0f} bytes a dossier")
    if bench.quick:
        bench.not_measured(SEC, "seeding 1,000,000 dossiers", "skipped by --quick (run bench/run)")


def feed_page(bench, port):
    c = Client(port)
    c.login("support")
    reps = 10 if bench.quick else 50
    for gz in (True, False):
        c.gzip_ok = gz
        times, sizes, counts = [], [], []
        for _ in range(reps):
            before = c.body_bytes
            t0 = time.monotonic()
            st, body = c.request("GET", "/api/v1/changes?limit=1000&view=summary")
            times.append((time.monotonic() - t0) * 1000)
            sizes.append(c.body_bytes - before)
            counts.append(len(body["changes"]) if st == 200 else 0)
        bench.record(SEC, "change-feed page of 1,000 summaries" + (", gzip" if gz else ", identity"),
                     median(times), "ms", note=f"{counts[0]} changes, {sizes[0]:,} bytes on the wire "
                     f"(as support); median of {reps}")
    bench.command("GET /api/v1/changes?limit=1000&view=summary (Accept-Encoding: gzip and without)",
                  "change-feed page, as support")
    c.close()


# A common name, a rare full name, nothing at all, and a dossier-number part:
# the dense ones answer from a short scan, the rare ones from egov-sim's
# trigram index (server/search.c).
SEARCHES = ["nguyen", "hoang thi phuong", "xyzzy", "h24-2401"]


def search(bench, port):
    c = Client(port)
    c.login("support")
    reps = 5 if bench.quick else 20
    for q in SEARCHES:
        times, count = [], 0
        for _ in range(reps):
            t0 = time.monotonic()
            st, body = c.request("GET", "/api/v1/dossiers?q=" + urllib.parse.quote(q))
            times.append((time.monotonic() - t0) * 1000)
            count = len(body["items"]) if st == 200 else -st
        bench.record(SEC, f"search q={q!r}, first page", median(times), "ms",
                     note=f"{count} items (as support, who sees every dossier); median of {reps}")
    bench.command("GET /api/v1/dossiers?q=... (" + ", ".join(SEARCHES) + ")", "search, as support")
    c.close()


def action_round_trip(bench, port, ids):
    c = Client(port, gzip_ok=False)
    c.login("supervisor")
    n = 100 if bench.quick else 500
    times, bad = [], 0
    for i in range(n):
        t0 = time.monotonic()
        st, _ = c.comment(ids[i % len(ids)], f"bench round trip {i}")
        times.append((time.monotonic() - t0) * 1000)
        bad += st != 200
    bench.record(SEC, "action round trip (comment), median", median(times), "ms",
                 note=f"{n} actions, {bad} not 200, one keep-alive client")
    bench.record(SEC, "action round trip (comment), p95", pctl(times, 95), "ms")
    bench.command("POST /api/v1/dossiers/{id}/actions {\"action\":\"comment\",...} "
                  "with a fresh Idempotency-Key", "action round trip, as supervisor")
    c.close()


def _client_proc(port, token, ids, threads, seconds, start_at, q):
    import threading
    counts = []

    def worker(k):
        c = Client(port, token=token, gzip_ok=False)
        ok = err = 0
        mine = ids[k::threads] or ids
        i = 0
        while time.time() < start_at:
            time.sleep(0.001)
        end = start_at + seconds
        while time.time() < end:
            try:
                st, _ = c.comment(mine[i % len(mine)], f"load {k} {i}")
            except OSError:
                st = 0
            ok += st == 200
            err += st != 200
            i += 1
        counts.append((ok, err))
        c.close()
    ts = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    q.put((sum(o for o, _ in counts), sum(e for _, e in counts)))


def concurrent_actions(bench, port, ids, clients=50, procs=5):
    c = Client(port)
    tok = c.login("supervisor")["access_token"]
    c.close()
    seconds = 5 if bench.quick else 20
    q = multiprocessing.Queue()
    start_at = time.time() + 1.0
    share = [ids[i::procs] for i in range(procs)]
    ps = [multiprocessing.Process(target=_client_proc,
                                  args=(port, tok, share[i], clients // procs, seconds, start_at, q))
          for i in range(procs)]
    for p in ps:
        p.start()
    got = [q.get(timeout=seconds + 120) for _ in ps]
    for p in ps:
        p.join()
    ok = sum(o for o, _ in got)
    err = sum(e for _, e in got)
    bench.record(SEC, f"actions per second, {clients} concurrent clients", ok / seconds, "actions/s",
                 note=f"{ok:,} comments in {seconds} s, {err} not 200; Python clients in "
                      f"{procs} processes on the same {os.cpu_count()} CPUs")
    bench.command(f"{clients} Python keep-alive clients ({procs} processes x {clients // procs} "
                  f"threads) posting comments for {seconds} s", "actions per second")


def run(bench, built):
    if built.get("egov-sim") or not os.path.exists(sim_path(bench)):
        why = built.get("egov-sim") or "egov-sim is not built"
        bench.not_measured(SEC, "everything", why)
        return
    seeding(bench)
    template, _ = seed_template(bench, 20000)
    with Running(bench, template, "backend") as sim:
        sup = Client(sim.port)
        sup.login("supervisor")
        ids = visible_ids(sup)[:2000]
        sup.close()
        bench.note(SEC, f"A city of 20,000 dossiers (`--seed 1`); the supervisor sees {len(ids):,} "
                        "of them (first 2,000 used as action targets).")
        feed_page(bench, sim.port)
        search(bench, sim.port)
        action_round_trip(bench, sim.port, ids)
        concurrent_actions(bench, sim.port, ids)
