"""Cache benchmarks: runs the cache engineer's bench/bench-cache (built from
bench/bench-cache.c, registered in cache/local.mk) and keeps what it prints.
Lines of the form `name: VALUE UNIT` (or `name = VALUE UNIT`) become figures;
the budgets of issue 5 are attached by name: a queue window under 5 ms, a
search keystroke under 30 ms, applying a page of 1,000 changes under 100 ms."""
import os
import re
import subprocess

SEC = "cache"
LINE = re.compile(r"^\s*([^:=]+?)\s*[:=]\s*([0-9][0-9.,]*)\s*(ms|us|s|bytes|B|KB|kB|MB|%|x)?\b(.*)$")
BUDGETS = [(re.compile(r"window", re.I), ("<", 5), "ms"),
           (re.compile(r"search", re.I), ("<", 30), "ms"),
           (re.compile(r"appl", re.I), ("<", 100), "ms")]


def run(bench, built):
    exe = os.path.join(bench.builddir, "bench", "bench-cache")
    if built.get("bench/bench-cache") or not os.path.exists(exe):
        bench.not_measured(SEC, "bench/bench-cache", built.get("bench/bench-cache") or "not built")
        return
    argv = [exe] + (["--quick"] if bench.quick else [])
    bench.command(argv, "the cache engineer's benchmark")
    r = subprocess.run(argv, capture_output=True, text=True, timeout=3600, cwd=bench.workdir)
    if r.returncode != 0 and bench.quick:
        # It may not know --quick: run it as it is.
        argv = [exe]
        r = subprocess.run(argv, capture_output=True, text=True, timeout=3600, cwd=bench.workdir)
    if r.returncode != 0:
        bench.not_measured(SEC, "bench/bench-cache", f"exited {r.returncode}: "
                           + (r.stderr.strip().splitlines() or [""])[-1])
        return
    bench.note(SEC, "What bench/bench-cache printed:\n\n```\n" + r.stdout.strip() + "\n```")
    for line in r.stdout.splitlines():
        m = LINE.match(line)
        if not m or line.lstrip().startswith("#"):
            continue
        name, value, unit, rest = m.group(1), m.group(2), m.group(3) or "", m.group(4).strip()
        try:
            v = float(value.replace(",", ""))
        except ValueError:
            continue
        budget = None
        for rx, b, bunit in BUDGETS:
            if rx.search(name) and unit == bunit:
                budget = b
                break
        bench.record(SEC, name, v, unit, budget, note=rest)
