"""Console benchmarks: what a program costs the terminal and the machine,
measured in a real pseudo-terminal read by a real emulator (tests/lib/term.py,
pyte), at 80x24 and 200x50.  For each program: start to first usable screen,
bytes written per selection move, one-row scroll, page, search keystroke and
screen change, key-to-settled latency (median, p95), bytes and wake-ups while
idle (wake-ups are the program's context switches from /proc/PID/status), and
resident memory.

The same moves are made in `less` (a 100,000-line file of dossier rows) and
`tig` (a generated git repository of 100,000 commits) so the console's
figures have a yardstick, and in the tui framework's demo list and the egov
console when they are built.  The budgets (issue 6) apply to egov and the
tui demo only."""
import os
import random
import shutil
import subprocess
import time

from benchlib import median, pctl, proc_status
from term import Terminal, KEYS

SIZES = [(80, 24), (200, 50)]
CTRL_E = "\x05"
# Cursor keys as xterm sends them in keypad-transmit mode (smkx), which less,
# tig and ncurses programs switch on: ESC O B, not ESC [ B.
DOWN, UP, END = "\x1bOB", "\x1bOA", "\x1bOF"

SURNAMES = ["Nguyễn"] * 38 + ["Trần"] * 11 + ["Lê"] * 10 + ["Phạm"] * 7 + ["Hoàng"] * 5 + \
    ["Vũ"] * 4 + ["Đặng"] * 2 + ["Bùi"] * 2 + ["Đỗ"] * 2 + ["Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Quang", "Ngọc", "Hữu", "Thanh"]
GIVEN = ["Đức", "Hùng", "Lan", "Hương", "Tuấn", "Nam", "Hà", "Trang", "Dũng", "Thủy",
         "Hoà", "Phương", "Quân", "Linh", "Sơn", "Yến", "Khánh", "Việt"]
PROCS = ["1.001193 Đăng ký khai sinh", "1.000894 Đăng ký kết hôn", "2.000815 Chứng thực bản sao",
         "1.004194 Đăng ký thường trú", "1.001612 Đăng ký hộ kinh doanh", "2.000884 Chứng thực chữ ký"]
STATES = ["returned"] * 6 + ["in_progress", "received", "supplement_requested",
                             "pending_approval", "result_ready", "submitted"]


def dossier_rows(n, seed=1):
    rng = random.Random(seed)
    for i in range(n):
        name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        yield (f"000.00.{10 + i % 30:02d}.H24-24{1 + i % 12:02d}{1 + i % 28:02d}-{i % 10000:04d}  "
               f"{name:<24} {rng.choice(PROCS):<34} {rng.choice(STATES):<21} "
               f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}")


def make_text(path, n):
    if not os.path.exists(path):
        with open(path + ".tmp", "w") as f:
            for row in dossier_rows(n):
                f.write(row + "\n")
        os.rename(path + ".tmp", path)
    return path


def make_repo(path, n):
    """A git repository of n commits, each changing one small file, made
    with git fast-import (seconds, not minutes)."""
    if os.path.exists(os.path.join(path, ".git", "refs", "heads", "main")) or \
            os.path.exists(os.path.join(path, ".git", "packed-refs")):
        return path
    shutil.rmtree(path, ignore_errors=True)
    subprocess.run(["git", "init", "-q", "-b", "main", path], check=True)
    p = subprocess.Popen(["git", "-C", path, "fast-import", "--quiet"], stdin=subprocess.PIPE)
    w = p.stdin.write
    t = 1700000000
    for i, row in enumerate(dossier_rows(n, seed=2), 1):
        msg = f"Hồ sơ {row[:25]}: {row[27:51].strip()}\n".encode()
        blob = (row + "\n").encode()
        w(b"commit refs/heads/main\n")
        w(f"committer Cán bộ {i % 40} <canbo{i % 40}@haiphong.gov.vn> {t + i * 60} +0700\n".encode())
        w(f"data {len(msg)}\n".encode() + msg)
        w(f"M 644 inline ho-so/{i % 500:03d}.txt\n".encode())
        w(f"data {len(blob)}\n".encode() + blob + b"\n")
    p.stdin.close()
    if p.wait() != 0:
        raise RuntimeError("git fast-import failed")
    subprocess.run(["git", "-C", path, "checkout", "-q", "main"], check=True)
    return path


class Program:
    """How to drive one program: its command, when its screen is usable,
    and which keys make each move (keys sent once before the repetitions,
    the measured key, keys that undo it after each).  A move whose key is
    None does not exist in that program."""

    def __init__(self, name, argv, ready, moves, latency_keys, search, env=None,
                 budgets=False, memory_note=""):
        self.name, self.argv, self.ready = name, argv, ready
        self.moves, self.latency_keys, self.search = moves, latency_keys, search
        self.env = env
        self.budgets = budgets
        self.memory_note = memory_note


def _settle(t, quiet):
    """Read until nothing came for `quiet` s; returns the time of the last
    byte (or None when nothing came at all)."""
    last = None
    while True:
        n = t.pump(quiet)
        if n <= 0:
            return last
        last = time.monotonic()


def _key_bytes(t, keys, quiet):
    _settle(t, quiet)
    before = t.bytes_out
    t.send(keys)
    _settle(t, quiet)
    return t.bytes_out - before


def measure(bench, prog, cols, rows):
    quick = bench.quick
    reps = 3 if quick else 10
    lat_n = 40 if quick else 200
    idle_s = 5 if quick else 60
    quiet = 0.12
    sec = "console"
    tag = f"{prog.name} {cols}x{rows}"
    bench.command(prog.argv, f"{prog.name}, in a {cols}x{rows} pty, TERM=xterm-256color")
    firsts = []
    for i in range(reps):
        t0 = time.monotonic()
        with Terminal(prog.argv, cols=cols, rows=rows, env=prog.env) as t:
            t.wait_for(prog.ready, timeout=60)
            firsts.append((time.monotonic() - t0) * 1000)
            if i < reps - 1:
                continue
            _settle(t, 0.3)
            budget = (lambda b: b) if prog.budgets else (lambda b: None)
            bench.record(sec, f"{tag}: start to first usable screen", median(firsts), "ms",
                         budget(("<", 150)))
            limits = {"selection move": ("<=", 200), "one-row scroll": ("<=", 250)}
            for move, (prepare, key, undo) in prog.moves.items():
                if key is None:
                    continue
                got = []
                if prepare:
                    t.send(prepare)
                for _ in range(reps):
                    got.append(_key_bytes(t, key, quiet))
                    if undo:
                        t.send(undo)
                        _settle(t, quiet)
                bench.record(sec, f"{tag}: bytes per {move}", median(got), "bytes",
                             budget(limits[move]) if move in limits else None)
            # Key to settled screen: alternate two keys that both change it.
            lats = []
            _settle(t, quiet)
            for j in range(lat_n):
                k = prog.latency_keys[j % 2]
                sent = time.monotonic()
                t.send(k)
                last = _settle(t, 0.03)
                if last is not None:
                    lats.append((last - sent) * 1000)
            bench.record(sec, f"{tag}: key to settled, median", median(lats), "ms")
            bench.record(sec, f"{tag}: key to settled, p95", pctl(lats, 95), "ms", budget(("<", 5)),
                         note=f"{len(lats)} keys")
            # Idle: nothing to do, so nothing should be written or woken.
            _settle(t, 0.3)
            st0, b0, t0 = proc_status(t.pid), t.bytes_out, time.monotonic()
            while time.monotonic() - t0 < idle_s:
                t.pump(idle_s - (time.monotonic() - t0))
            span = time.monotonic() - t0
            st1 = proc_status(t.pid)
            wake = sum(st1.get(k, 0) - st0.get(k, 0)
                       for k in ("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches"))
            bench.record(sec, f"{tag}: bytes written while idle, per minute",
                         round((t.bytes_out - b0) * 60 / span), "bytes", budget(("==", 0)),
                         note=f"over {span:.0f} s")
            bench.record(sec, f"{tag}: wake-ups while idle, per minute", round(wake * 60 / span),
                         "", note="context switches in /proc/PID/status")
            # Search: open the prompt, then the measured keystroke.
            if prog.search:
                opener, char = prog.search
                t.send(opener)
                _settle(t, quiet)
                before = t.bytes_out
                sent = time.monotonic()
                t.send(char)
                last = _settle(t, quiet)
                bench.record(sec, f"{tag}: bytes per search keystroke", t.bytes_out - before, "bytes")
                bench.record(sec, f"{tag}: search keystroke to settled",
                             ((last or sent) - sent) * 1000, "ms", budget(("<", 30)))
            st = proc_status(t.pid)
            bench.record(sec, f"{tag}: resident memory (VmRSS)", st.get("VmRSS", 0) / 1024, "MB",
                         budget(("<", 32)), note=prog.memory_note)
            bench.record(sec, f"{tag}: peak resident memory (VmHWM)", st.get("VmHWM", 0) / 1024,
                         "MB", note=prog.memory_note)


def less_program(path):
    first = open(path, encoding="utf-8").readline()[:20]
    return Program(
        "less", ["/usr/bin/less", "--incsearch", path],
        lambda t: t.line(0).startswith(first) and t.line(t.rows - 1) != "",
        {"selection move": (None, DOWN, None),
         "one-row scroll": (None, CTRL_E, None),
         "page": (None, KEYS["pgdn"], None),
         "screen change": (None, "h", "q")},
        (DOWN, UP), ("/", "d"),
        memory_note="100,000-line file")


def tig_program(repo):
    env = dict(os.environ)
    env["GIT_DIR"] = os.path.join(repo, ".git")
    env["HOME"] = repo        # no user ~/.tigrc
    return Program(
        "tig", ["/usr/bin/tig"],
        lambda t: "[main]" in t.text() and "Hồ sơ" in t.text(),
        {"selection move": (None, DOWN, None),
         "one-row scroll": (None, CTRL_E, None),
         "page": (None, KEYS["pgdn"], None),
         "screen change": (None, "h", "q")},
        (DOWN, UP), ("/", "d"), env=env,
        memory_note="100,000 commits")


def tui_demo_program(bench, built, rows=100000):
    exe = os.path.join(bench.builddir, "tests", "tui", "tui-demo")
    if built.get("tests/tui/tui-demo") or not os.path.exists(exe):
        bench.not_measured("console", "the tui demo (tests/tui/tui-demo)",
                           built.get("tests/tui/tui-demo") or "not built")
        return None
    env = dict(os.environ)
    env["TUI_DEMO_ROWS"] = str(rows)
    env["TUI_DEMO_HISTORY"] = os.path.join(bench.workdir, "tui-demo-history")
    # Down from the top moves the selection; once it is on the last row
    # (PgDn puts it there), each Down scrolls the list by one row.
    return Program(
        "tui-demo", [exe],
        lambda t: "Queue" in t.line(0) and "HS-0000" in t.text() and "officer" in t.text(),
        {"selection move": (None, DOWN, None),
         "one-row scroll": (KEYS["pgdn"], DOWN, None),
         "page": (None, KEYS["pgdn"], None),
         "screen change": (None, "\r", "q")},
        (DOWN, UP), ("/", "n"), env=env, budgets=True,
        memory_note=f"{rows:,} synthetic rows")


def tui_demo_memory(bench, built):
    """The demo's resident memory as its list grows (the list reads rows
    through a source callback: memory should not follow the row count)."""
    for rows in (10000, 100000, 1000000):
        prog = tui_demo_program(bench, built, rows)
        if prog is None:
            return
        with Terminal(prog.argv, cols=80, rows=24, env=prog.env) as t:
            t.wait_for(prog.ready, timeout=60)
            t.send("/n")
            _settle(t, 0.3)
            st = proc_status(t.pid)
        bench.record("console", f"tui-demo 80x24: resident memory with {rows:,} rows (VmHWM)",
                     st.get("VmHWM", 0) / 1024, "MB", ("<", 32),
                     note="peak after the first screen and a one-letter filter")


def egov_prepare(bench, sim, n):
    """A home for egov with `support` logged in and n dossiers synced into
    its cache (support sees every agency, so its cache holds the whole
    city).  Returns (argv, env) or a reason string."""
    import egovtest
    import subprocess
    exe = os.path.join(bench.builddir, "egov")
    home = os.path.join(bench.workdir, f"egov-console-{n}")
    shutil.rmtree(home, ignore_errors=True)
    os.makedirs(home)
    env = egovtest.egov_env(home)
    env["EGOV_PASSWORD"] = "demo"
    base = [exe, "--server", sim.url, "--user", "support"]
    for cmd in ("login", "sync"):
        t0 = time.monotonic()
        r = subprocess.run(base + [cmd], env=env, capture_output=True, text=True, timeout=3600)
        if r.returncode != 0:
            return f"`egov {cmd}` exited {r.returncode}: " + \
                (r.stderr.strip().splitlines() or [""])[-1]
        if cmd == "sync":
            bench.record("console", f"egov: first sync of {n:,} dossiers on loopback (cache fill)",
                         time.monotonic() - t0, "s", note="support, no slow link")
    bench.command(["EGOV_PASSWORD=demo", "egov", "--server", "http://127.0.0.1:SIMPORT",
                   "--user", "support", "login|sync"], "fills the cache before the console runs")
    env.pop("EGOV_PASSWORD")
    return base, env


def egov_console(bench, sim, n, argv, env):
    # The home screen lists the work counters; End and Enter open the last
    # one, "All dossiers" (the whole cache), where the moves are made.
    return Program(
        "egov", argv,
        lambda t: "support" in t.text() and sum(1 for ln in t.screen.display if ln.strip()) >= 5,
        {"selection move": (END + "\r", DOWN, None),
         "one-row scroll": (KEYS["pgdn"], DOWN, None),
         "page": (None, KEYS["pgdn"], None),
         "screen change": (None, "\r", "q")},
        # The cache skips one-letter words (a lone letter narrows nothing
        # and would cost a big cache hundreds of ms), so the first keystroke
        # that searches is the second: `/n` is typed first, `g` is timed
        # ("ng" prefixes Nguyễn, the commonest name: the filter's 1,000
        # matches, its largest answer).
        (DOWN, UP), ("/n", "g"), env=env, budgets=True,
        memory_note=f"{n:,} cached dossiers")


def measure_egov(bench, built):
    from simlib import Running, seed_template
    exe = os.path.join(bench.builddir, "egov")
    if built.get("egov") or not os.path.exists(exe):
        bench.not_measured("console", "the egov console", built.get("egov") or "egov is not built")
        return
    if not os.path.exists(os.path.join(bench.builddir, "egov-sim")):
        bench.not_measured("console", "the egov console", "egov-sim is not built")
        return
    sizes = [10000, 100000] + ([] if bench.quick else [1000000])
    for n in sizes:
        template, _ = seed_template(bench, n)
        with Running(bench, template, f"console-{n}") as sim:
            got = egov_prepare(bench, sim, n)
            if isinstance(got, str):
                bench.not_measured("console", f"the egov console with {n:,} dossiers", got)
                return
            prog = egov_console(bench, sim, n, *got)
            try:
                if n == 100000:
                    for cols, rows in SIZES:
                        measure(bench, prog, cols, rows)
                with Terminal(prog.argv, cols=80, rows=24, env=prog.env) as t:
                    t.wait_for(prog.ready, timeout=60)
                    t.send(END + "\r")
                    _settle(t, 0.3)
                    t.send("/n")
                    _settle(t, 0.3)
                    st = proc_status(t.pid)
                bench.record("console", f"egov 80x24: resident memory with {n:,} cached dossiers "
                             "(VmHWM)", st.get("VmHWM", 0) / 1024, "MB", ("<", 32),
                             note="peak after home, a queue and a one-letter filter")
            except (TimeoutError, EOFError, OSError) as e:
                bench.not_measured("console", f"the egov console with {n:,} dossiers",
                                   f"{type(e).__name__}: " + str(e).splitlines()[0])


def run(bench, built):
    import importlib.util
    if importlib.util.find_spec("pyte") is None:
        bench.not_measured("console", "everything", "python3-pyte is not installed")
        return
    os.makedirs(bench.workdir, exist_ok=True)
    progs = []
    p = tui_demo_program(bench, built)
    if p:
        progs.append(p)
    if shutil.which("less"):
        progs.append(less_program(make_text(os.path.join(bench.workdir, "dossiers-100k.txt"), 100000)))
    else:
        bench.not_measured("console", "less", "less is not installed")
    if shutil.which("tig"):
        repo = make_repo(os.path.join(bench.workdir, "repo-100k"), 100000)
        bench.command("git fast-import < (100,000 generated commits)", "tig's repository, in $W")
        progs.append(tig_program(repo))
    else:
        bench.not_measured("console", "tig", "tig is not installed")
    if shutil.which("mutt") is None:
        bench.note("console", "mutt is not installed, so it is not compared.")
    bench.note("console", "Moves: selection move = Down; one-row scroll = Ctrl-E "
                          "(less and tig scroll one line; in less Down also scrolls, it has no "
                          "selection); page = PgDn; screen change = `h` (help) and back; search "
                          "keystroke = one letter typed after `/` (less with --incsearch, so it "
                          "searches as you type; tig searches on Enter; egov: `g` after `/n`, "
                          "since its cache skips one-letter words and `ng` is the first "
                          "keystroke that searches, here 1,000 matches). Bytes are medians of "
                          "repeated moves; key to settled is the time from writing the key to "
                          "the last byte of the answer (30 ms of quiet ends it). Data: less reads a "
                          "100,000-line file of dossier rows, tig a repository of 100,000 "
                          "commits, the tui demo lists 100,000 synthetic dossiers. Budgets (issue 6) "
                          "apply to egov and the tui demo only; less and tig are the yardstick.")
    if progs and progs[0].name == "tui-demo":
        tui_demo_memory(bench, built)
    measure_egov(bench, built)
    for prog in progs:
        for cols, rows in SIZES:
            try:
                measure(bench, prog, cols, rows)
            except (TimeoutError, EOFError, OSError) as e:
                bench.not_measured("console", f"{prog.name} {cols}x{rows}", f"{type(e).__name__}: "
                                   + str(e).splitlines()[0])
