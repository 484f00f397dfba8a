"""What every benchmark in bench/ shares: the machine's description, timing
statistics, the record of figures (each with its budget and PASS/FAIL),
the exact commands that produced them, and the "not measured yet" notes.

bench/run fills one Bench with the figures of every part (backend, sync,
console, cache), saves them as bench/results.json and writes
bench/RESULTS.md from them; bench/check reads results.json again and
compares it with the budgets.  Benchmarks are not tests: nothing here is run
by ./run-tests."""
import datetime
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(TOP, "tests", "lib"))

RESULTS_JSON = os.path.join(HERE, "results.json")
RESULTS_MD = os.path.join(HERE, "RESULTS.md")


def median(xs):
    return statistics.median(xs) if xs else None


def pctl(xs, p):
    """The p-th percentile by nearest rank (no interpolation: a reported
    p95 is a time that really happened)."""
    if not xs:
        return None
    s = sorted(xs)
    k = max(0, min(len(s) - 1, int(round(p / 100.0 * len(s) + 0.5)) - 1))
    return s[k]


def _read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


def machine():
    cpu = ""
    for line in _read("/proc/cpuinfo").splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = 0
    for line in _read("/proc/meminfo").splitlines():
        if line.startswith("MemTotal:"):
            mem_kb = int(line.split()[1])
    os_name = ""
    for line in _read("/etc/os-release").splitlines():
        if line.startswith("PRETTY_NAME="):
            os_name = line.split("=", 1)[1].strip('"')
    try:
        cc = subprocess.run(["cc", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    except (OSError, IndexError):
        cc = "?"
    return {"nproc": os.cpu_count(), "cpu": cpu or platform.processor(),
            "loadavg": round(os.getloadavg()[0], 2),
            "memory_mb": mem_kb // 1024, "os": os_name, "kernel": platform.release(),
            "cc": cc, "python": platform.python_version()}


def git_commit():
    try:
        return subprocess.run(["git", "-C", TOP, "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True).stdout.strip()
    except OSError:
        return "?"


def proc_status(pid):
    """VmRSS, VmHWM (kB) and context switches of a running process."""
    out = {}
    for line in _read(f"/proc/{pid}/status").splitlines():
        key, _, val = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(val.split()[0])
        elif key in ("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches"):
            out[key] = int(val.strip())
    return out


BUDGET_OPS = {"<": lambda v, l: v < l, "<=": lambda v, l: v <= l,
              ">": lambda v, l: v > l, ">=": lambda v, l: v >= l,
              "==": lambda v, l: v == l}


class Bench:
    """The figures of one run of bench/run."""

    def __init__(self, quick, builddir, workdir):
        self.quick = quick
        self.builddir = builddir
        self.workdir = workdir
        self.results = []
        self.missing = []
        self.commands = []
        self.notes = {}

    def record(self, section, name, value, unit, budget=None, note="", samples=None):
        """One figure.  budget is (op, limit), e.g. ("<", 150) in `unit`."""
        r = {"section": section, "name": name, "value": value, "unit": unit, "note": note}
        if samples is not None:
            r["samples"] = samples
        if budget is not None:
            op, limit = budget
            r["budget"] = f"{op} {limit:g}"
            r["status"] = "PASS" if value is not None and BUDGET_OPS[op](value, limit) else "FAIL"
        self.results.append(r)
        shown = "-" if value is None else (f"{value:.3g}" if isinstance(value, float) else value)
        print(f"  {section}: {name} = {shown} {unit} {r.get('status', '')}", flush=True)
        return r

    def not_measured(self, section, what, why):
        self.missing.append({"section": section, "what": what, "why": why})
        print(f"  not measured yet: {section}: {what}: {why}", flush=True)

    def note(self, section, text):
        self.notes.setdefault(section, []).append(text)

    def command(self, argv, what=""):
        text = argv if isinstance(argv, str) else " ".join(shlex.quote(a) for a in argv)
        text = text.replace(self.workdir, "$W").replace(self.builddir, "$B").replace(TOP, ".")
        if text not in [c["cmd"] for c in self.commands]:
            self.commands.append({"cmd": text, "what": what})

    def save(self, started, argv):
        data = {"date": started, "finished": now_text(), "commit": git_commit(),
                "quick": self.quick, "argv": argv, "machine": machine(),
                "builddir": self.builddir, "results": self.results,
                "not_measured": self.missing, "commands": self.commands, "notes": self.notes}
        with open(RESULTS_JSON, "w") as f:
            json.dump(data, f, indent=1, ensure_ascii=False)
            f.write("\n")
        return data


def now_text():
    return datetime.datetime.now().astimezone().isoformat(timespec="seconds")


def load():
    with open(RESULTS_JSON) as f:
        return json.load(f)


def failures(data):
    return [r for r in data["results"] if r.get("status") == "FAIL"]


SECTIONS = [
    ("backend", "Backend (egov-sim on loopback)"),
    ("sync", "Sync over a slow link (through tests/lib/faultproxy.py)"),
    ("console", "Console in a pseudo-terminal (tests/lib/term.py, pyte)"),
    ("cache", "Cache (bench/bench-cache)"),
]


def _fmt(v):
    if v is None:
        return "—"
    if isinstance(v, float):
        if abs(v) >= 100:
            return f"{v:,.0f}"
        if abs(v) >= 10:
            return f"{v:.1f}"
        return f"{v:.2f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def _pivot(out, rows):
    """Console figures named "PROGRAM SIZE: measure" side by side, one
    column per program and size; returns the rows that do not fit."""
    cols, table, rest, units, budgets = [], {}, [], {}, {}
    for r in rows:
        head, sep, measure = r["name"].partition(": ")
        parts = head.split(" ")
        if not sep or len(parts) != 2 or "x" not in parts[1] or "resident memory with" in measure:
            rest.append(r)
            continue
        if head not in cols:
            cols.append(head)
        table.setdefault(measure, {})[head] = r
        units[measure] = r["unit"]
        if "budget" in r:
            budgets[measure] = r["budget"]
    if not table:
        return rows
    out.append("| measure | unit | budget | " + " | ".join(cols) + " |")
    out.append("|---|---|---|" + "---:|" * len(cols))
    for measure, cells in table.items():
        vals = []
        for c in cols:
            r = cells.get(c)
            if r is None:
                vals.append("")
            else:
                mark = {"PASS": " ✓", "FAIL": " **FAIL**"}.get(r.get("status"), "")
                vals.append(_fmt(r["value"]) + mark)
        out.append(f"| {measure} | {units[measure]} | {budgets.get(measure, '')} | "
                   + " | ".join(vals) + " |")
    out.append("")
    out.append("✓ = within the budget.")
    out.append("")
    return rest


def write_markdown(data):
    m = data["machine"]
    out = ["# Benchmark results", "",
           "Written by `bench/run`" + (" --quick" if data["quick"] else "") +
           "; do not edit by hand.  Rerun with `bench/run` (full) or `bench/run --quick`, "
           "then `bench/check` compares these figures with the budgets and exits "
           "non-zero when one fails.", "",
           f"- date: {data['date']} (finished {data['finished']}), commit `{data['commit']}`",
           f"- machine: {m['nproc']} CPUs, {m['cpu']}, {m['memory_mb']:,} MB memory; "
           f"{m['os']}, Linux {m['kernel']}",
           f"- load average (1 min) when the run ended: {m.get('loadavg', '?')} "
           "(other work on the machine makes figures slower and noisier)",
           f"- compiler: {m['cc']}; build: `configure CFLAGS=-O2` without sanitizers "
           f"in `$B` (`{data['builddir']}`); Python {m['python']} for the clients",
           "- medians over repeated runs; p95 by nearest rank",
           ""]
    fails = failures(data)
    budgets = [r for r in data["results"] if "status" in r]
    out.append(f"**Budgets: {len(budgets) - len(fails)} pass, {len(fails)} fail.**")
    out.append("")
    for key, title in SECTIONS:
        rows = [r for r in data["results"] if r["section"] == key]
        miss = [x for x in data["not_measured"] if x["section"] == key]
        out.append(f"## {title}")
        out.append("")
        for n in data["notes"].get(key, []):
            out.append(n)
            out.append("")
        if key == "console":
            rows = _pivot(out, rows)
        if not rows and not miss:
            out.append("(not run this time: see the `--only` of bench/run)")
            out.append("")
        if rows:
            out.append("| measure | value | unit | budget | status | note |")
            out.append("|---|---:|---|---|---|---|")
            for r in rows:
                out.append(f"| {r['name']} | {_fmt(r['value'])} | {r['unit']} | "
                           f"{r.get('budget', '')} | {r.get('status', '')} | {r.get('note', '')} |")
            out.append("")
        for x in miss:
            out.append(f"- not measured yet: {x['what']}: {x['why']}")
        if miss:
            out.append("")
    out.append("## Commands")
    out.append("")
    out.append("`$B` is the bench build directory, `$W` the scratch directory of the run.")
    out.append("")
    out.append("```")
    for c in data["commands"]:
        out.append(c["cmd"] + (f"    # {c['what']}" if c["what"] else ""))
    out.append("```")
    out.append("")
    with open(RESULTS_MD, "w") as f:
        f.write("\n".join(out))
