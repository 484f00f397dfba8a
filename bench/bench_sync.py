"""Sync over a slow link: the officer's full first sync and an incremental
sync of 50 changes, through tests/lib/faultproxy.py at 256 kbit/s with a
300 ms round trip and at 64 kbit/s with 600 ms, as time and bytes against
the link's floor; beside it a naive client that lists the dossiers and then
fetches each one.

The floor of a sync is what no client could beat on that link: the
information (every summary of the view, or of the 50 changed dossiers, as one
gzip stream) sent once at the link's bandwidth, plus one round trip.  The
ratio time/floor says how much the protocol and client add (page round
trips, HTTP headers, per-page compression).

Which sync client is measured is said in RESULTS.md: the real `egov sync`
when the CLI can do it, otherwise bench's own Python client that follows
the sync engine's protocol (change-feed pages of 1,000 with view=summary,
gzip, one keep-alive connection)."""
import gzip
import json
import os
import shutil
import subprocess
import time
from urllib.parse import quote

from faultproxy import FaultProxy
from simlib import Client, Running, seed_template, sim_path

SEC = "sync"
LINKS = [("256 kbit/s, 300 ms RTT", 256000, 150), ("64 kbit/s, 600 ms RTT", 64000, 300)]
CHANGES = 50


def feed_sync(client, cursor=None, limit=1000):
    """The sync engine's pull: pages of the change feed until `more` is
    false; returns (summaries by id, cursor, pages)."""
    got, pages = {}, 0
    while True:
        q = f"/api/v1/changes?limit={limit}&view=summary"
        if cursor:
            q += "&since=" + quote(cursor, safe="")
        st, body = client.request("GET", q)
        if st != 200:
            raise RuntimeError(f"changes: {st} {body}")
        pages += 1
        for ch in body["changes"]:
            if ch["op"] == "upsert":
                got[ch["id"]] = ch["dossier"]
            else:
                got.pop(ch["id"], None)
        cursor = body["next_cursor"]
        if not body.get("more"):
            return got, cursor, pages


def naive_list(client):
    ids, cursor = [], None
    while True:
        q = "/api/v1/dossiers?limit=100" + ("&cursor=" + quote(cursor, safe="") if cursor else "")
        st, body = client.request("GET", q)
        if st != 200:
            raise RuntimeError(f"dossiers: {st} {body}")
        ids += [d["id"] for d in body["items"]]
        cursor = body.get("next_cursor")
        if not cursor or not body["items"]:
            return ids


def floor_seconds(summaries, bps, one_way):
    blob = json.dumps(list(summaries), ensure_ascii=False, separators=(",", ":")).encode()
    z = len(gzip.compress(blob, 9))
    return z * 8 / bps + 2 * one_way / 1000.0, z


def timed(proxy, fn):
    c0 = dict(proxy.counters)
    t0 = time.monotonic()
    out = fn()
    secs = time.monotonic() - t0
    wire = sum(proxy.counters[k] - c0[k] for k in ("bytes_up", "bytes_down"))
    proxy.last_exchanges = proxy.counters["exchanges"] - c0["exchanges"]
    return secs, wire, out


def egov_sync(bench, px, label, sup, officer_ids, tag, floors):
    """The real client: `egov login` then `egov sync` through the proxy
    (a new home, so a first sync), 50 changes, `egov sync` again.  Returns
    a reason when it cannot be measured."""
    import egovtest
    exe = os.path.join(bench.builddir, "egov")
    if not os.path.exists(exe):
        return "egov is not built"
    home = os.path.join(bench.workdir, f"egov-home-{tag}")
    shutil.rmtree(home, ignore_errors=True)
    os.makedirs(home)
    env = egovtest.egov_env(home)
    env["EGOV_PASSWORD"] = "demo"
    base = [exe, "--server", f"http://127.0.0.1:{px.port}", "--user", "officer"]
    r = subprocess.run(base + ["login"], env=env, capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        return f"`egov login` exited {r.returncode}: {(r.stderr.strip().splitlines() or [''])[-1]}"
    bench.command(["EGOV_PASSWORD=demo", "egov", "--server", "http://127.0.0.1:PROXYPORT",
                   "--user", "officer", "login"], "once per link, then `egov ... sync`, timed")

    def sync():
        return subprocess.run(base + ["sync"], env=env, capture_output=True, text=True, timeout=1800)
    secs, wire, r = timed(px, sync)
    if r.returncode != 0:
        return f"`egov sync` exited {r.returncode}: {(r.stderr.strip().splitlines() or [''])[-1]}"
    bench.record(SEC, f"{label}: egov sync, full first sync, time", secs, "s",
                 note=f"{wire:,} bytes on the wire in {px.last_exchanges} requests: the token "
                      "refresh, reference data and the pages")
    bench.record(SEC, f"{label}: egov sync, full first sync, time / floor", secs / floors[0], "x")
    for i, did in enumerate(officer_ids[:CHANGES]):
        sup.comment(did, f"bench egov change {i}")
    secs, wire, r = timed(px, sync)
    if r.returncode != 0:
        return f"second `egov sync` exited {r.returncode}"
    bench.record(SEC, f"{label}: egov sync, incremental sync of {CHANGES} changes, time", secs, "s",
                 note=f"{wire:,} bytes on the wire in {px.last_exchanges} requests")
    bench.record(SEC, f"{label}: egov sync, incremental sync of {CHANGES} changes, time / floor",
                 secs / floors[1], "x")
    return None


def one_link(bench, sim, label, bps, one_way, token, sup, officer_ids):
    cap = 10 if bench.quick else 40
    with FaultProxy(sim.port, latency_ms=one_way, bandwidth_bps=bps, seed=1) as px:
        bench.command(["/usr/bin/python3", "tests/lib/faultproxy.py", "--target",
                       "127.0.0.1:SIMPORT", "--bandwidth", f"{bps // 1000}kbit",
                       "--latency", f"{one_way}ms"], f"the link: {label}")
        # Full first sync.
        c = Client(px.port, token=token)
        secs, wire, (got, cursor, pages) = timed(px, lambda: feed_sync(c))
        floor, z = floor_seconds(got.values(), bps, one_way)
        floors = [floor]
        bench.record(SEC, f"{label}: full first sync, time", secs, "s",
                     note=f"{len(got):,} dossiers, {pages} page(s), {wire:,} bytes on the wire; "
                          f"floor {floor:.2f} s ({z:,} bytes gzip -9 + 1 RTT)")
        bench.record(SEC, f"{label}: full first sync, time / floor", secs / floor, "x")
        # 50 changes made by the supervisor, straight to the server.
        for i, did in enumerate(officer_ids[:CHANGES]):
            sup.comment(did, f"bench change {i}")
        secs, wire, (changed, cursor2, pages) = timed(px, lambda: feed_sync(c, cursor))
        floor, z = floor_seconds(changed.values(), bps, one_way)
        floors.append(floor)
        bench.record(SEC, f"{label}: incremental sync of {CHANGES} changes, time", secs, "s",
                     note=f"{len(changed)} dossiers, {pages} page(s), {wire:,} bytes on the wire; "
                          f"floor {floor:.2f} s ({z:,} bytes + 1 RTT)")
        bench.record(SEC, f"{label}: incremental sync of {CHANGES} changes, time / floor",
                     secs / floor, "x")
        c.close()
        # The real client, against the same floors.
        why = egov_sync(bench, px, label, sup, officer_ids, bps, floors)
        if why:
            bench.not_measured(SEC, f"`egov sync` at {label}", why)
        # The naive client: the list, then every dossier, one at a time.
        n = Client(px.port, token=token)
        lsecs, lwire, ids = timed(px, lambda: naive_list(n))
        k = min(cap, len(ids))
        fsecs, fwire, _ = timed(px, lambda: [n.request("GET", f"/api/v1/dossiers/{i}") for i in ids[:k]])
        per, per_b = fsecs / max(k, 1), fwire / max(k, 1)
        total = lsecs + per * len(ids)
        bench.record(SEC, f"{label}: naive client, full (list + each dossier)", total, "s",
                     note=f"list {lsecs:.1f} s, {lwire:,} bytes; {len(ids):,} dossiers at "
                          f"{per:.2f} s and {per_b:,.0f} bytes each (measured on {k}, extrapolated)")
        inc = lsecs + per * CHANGES
        bench.record(SEC, f"{label}: naive client, {CHANGES} changes (list + each changed)", inc, "s",
                     note=f"extrapolated from the same figures ({CHANGES} fetches)")
        n.close()


def run(bench, built):
    if built.get("egov-sim") or not os.path.exists(sim_path(bench)):
        bench.not_measured(SEC, "everything", built.get("egov-sim") or "egov-sim is not built")
        return
    bench.note(SEC, "Clients measured: `egov sync` (the real CLI, when it runs: rows named "
                    "\"egov sync\"), and **bench's Python sync client** (bench/bench_sync.py: "
                    "change-feed pages of 1,000 with view=summary and gzip on one keep-alive "
                    "connection, as the sync engine does; the other rows). The naive client lists "
                    "`/dossiers` (pages of 100) then GETs each dossier in full, with gzip and "
                    "keep-alive; its per-dossier cost is measured on a sample and multiplied out. "
                    "The proxy adds no delay to the TCP handshake itself.")
    template, _ = seed_template(bench, 20000)
    with Running(bench, template, "sync") as sim:
        off = Client(sim.port)
        token = off.login("officer")["access_token"]
        got, _, _ = feed_sync(off)
        off.close()
        sup = Client(sim.port)
        sup.login("supervisor")
        ids = list(got)
        for label, bps, one_way in LINKS:
            one_link(bench, sim, label, bps, one_way, token, sup, ids)
        sup.close()
