#!/usr/bin/env python3
"""The head of unit's console, end to end against egov-sim: the QĐ 766
dashboard (its figures equal the server's report, bars and sparklines in
block characters, ASCII with NO_COLOR), the ranking and its CSV export,
the workload per officer and a reassignment of tagged dossiers that
reaches the server, in English and in Vietnamese."""
import csv
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import egovtest
import tap
from console import console_env, open_console, start_sim, teardown

ctx = {}


def setup_module():
    sim = start_sim(ctx, 400, user="supervisor")
    st, _, me = sim.request("GET", "/api/v1/me", token=ctx["token"])
    assert st == 200, me
    ctx["me"] = me
    st, _, rep = sim.request("GET", "/api/v1/reports/agencies", token=ctx["token"])
    assert st == 200 and rep["items"], rep
    ctx["report"] = rep["items"]
    ctx["t"] = open_console(console_env(ctx["home"], sim, user="supervisor"))


def teardown_module():
    teardown(ctx)


def synced(t):
    return "synced just now" in t.line(t.rows - 2)


def vn_count(n):
    return f"{n:,}".replace(",", ".")


def test_dashboard_shows_the_servers_figures():
    t = ctx["t"]
    t.wait_for(synced, timeout=60)
    t.send("d")
    t.wait_for(lambda t: "Dashboard" in t.line(0))
    t.wait_for("agencies · r ranking")
    t.wait_settled()            # the whole frame, not its first lines
    rep = ctx["report"]
    received = sum(r["received"] for r in rep)
    late = sum(r["finished_late"] for r in rep)
    overdue = sum(r["in_progress_overdue"] for r in rep)
    y = t.row_with("Received")
    assert vn_count(received) in t.line(y), t.text()
    assert vn_count(late) in t.line(t.row_with("Finished late")), t.text()
    assert vn_count(overdue) in t.line(t.row_with("of which overdue")), t.text()
    done = sum(r["finished_early"] + r["finished_on_time"] for r in rep)
    rate = done / (done + late) * 100 if done + late else None
    line = t.line(t.row_with("On-time rate"))
    if rate is None:
        assert "—" in line, line
    else:
        assert f"{rate:.1f} %" in line, line
    assert "Period: 01/01/" in t.text(), t.text()


def test_dashboard_draws_bars_and_sparklines():
    t = ctx["t"]
    t.wait_for(lambda t: any(c in t.text() for c in "▁▂▃▄▅▆▇"), timeout=20)
    line = t.line(t.row_with("On-time rate"))
    assert "█" in line or any(c in line for c in "▏▎▍▌▋▊▉"), line


def test_period_changes():
    t = ctx["t"]
    t.send("p")     # this year -> last 12 months
    t.wait_for("last 12 months")
    t.wait_for("agencies · r ranking")
    t.wait_settled()            # the whole frame, not its first lines


def test_a_period_without_dossiers_shows_dashes():
    t = ctx["t"]
    t.send("P")
    t.wait_for("From (DD/MM/YYYY)")
    t.send("\x15" + "01/01/2001")
    t.key("tab")
    t.send("\x15" + "31/01/2001")
    t.key("enter")
    t.wait_for("Period: 01/01/2001 – 31/01/2001 (chosen dates)")
    t.wait_for("agencies · r ranking")
    t.wait_settled()            # the whole frame, not its first lines
    for label in ("On-time rate", "Digitisation rate", "Average days"):
        line = t.line(t.row_with(label))
        assert line.rstrip().endswith("—") or " — " in line, line
        assert "0 %" not in line and "0.0" not in line, line
    assert " 0" in t.line(t.row_with("Received")), t.text()
    t.send("p")     # back to a preset period with dossiers
    t.wait_for("(this month)")
    t.send("p")
    t.wait_for("(last 3 months)")
    t.wait_for("agencies · r ranking")
    t.wait_settled()            # the whole frame, not its first lines


def test_ranking_and_export():
    t = ctx["t"]
    t.send("r")
    t.wait_for(lambda t: "Ranking" in t.line(0))
    name = ctx["report"][0]["agency_name"]
    t.wait_for(lambda t: t.row_with("Rank") >= 0 and t.row_with(name[:12]) > 0)
    t.send("x")
    t.wait_for("Export")
    path = os.path.join(ctx["home"], "ranking.csv")
    t.key("backspace", 200)
    t.send(path + "\r")
    t.wait_for("written to")
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0][:3] == ["Rank", "Agency", "Received"], rows[0]
    assert len(rows) == 1 + len(ctx["report"]), rows
    assert rows[1][1] == name, rows
    with open(path, "rb") as f:
        assert b"\r\n" in f.read(), "RFC 4180 ends records with CRLF"
    assert os.stat(path).st_mode & 0o077 == 0
    t.send("q")
    t.wait_for(lambda t: "Dashboard" in t.line(0) and "Ranking" not in t.line(0))
    t.send("q")


def test_workload_and_reassign():
    t, sim = ctx["t"], ctx["sim"]
    t.wait_for(lambda t: t.line(0).strip() == "Home")
    t.send(":workload\r")
    t.wait_for(lambda t: "Workload" in t.line(0))
    t.wait_for("Nguyễn Thị Lan")
    y = t.row_with("Nguyễn Thị Lan")
    cells = t.line(y).split()
    held = int(cells[-3])
    assert held >= 2, t.text()
    # Select Lan's row, open her dossiers.
    sel = 1
    while t.row_with("Nguyễn Thị Lan") != t.cursor()[0] and sel < 10:
        t.key("down")
        t.wait_settled()
        sel += 1
    t.key("enter")
    t.wait_for(lambda t: "Held by Nguyễn Thị Lan" in t.line(0))
    t.wait_settled()
    # Tag the first two dossiers the contract lets a head reassign.
    tagged = []
    for _ in range(held):
        y = t.cursor()[0]
        line = t.line(y)
        if any(s in line for s in ("in progress", "received", "awaiting")) and "*" not in line:
            tagged.append(re.search(r"(\d{6}-\d{4})", line).group(1))
            t.send(" ")
        else:
            t.key("down")
        t.wait_settled()
        if len(tagged) == 2:
            break
    assert len(tagged) == 2, t.text()
    t.send("a")
    t.wait_for("To officer")
    t.send("dung")             # Trần Văn Dũng, typed without diacritics
    t.wait_for("Trần Văn Dũng (officer2)")
    t.key("enter")             # pick
    t.wait_settled()
    t.key("enter")             # submit
    t.wait_for("Reassign 2 dossier(s) to Trần Văn Dũng?")
    t.send("y")
    t.wait_for("2 dossier(s) reassigned to Trần Văn Dũng")
    # The sync pushes both; the server names the new assignee.
    ctx["tagged"] = tagged

    def assigned():
        st, _, body = sim.request("GET", "/api/v1/dossiers?assignee_id=u053&limit=200",
                                  token=ctx["token"])
        codes = [d["code"] for d in body.get("items", [])]
        return all(any(c.endswith(tail) for c in codes) for tail in tagged)
    if not egovtest.wait_until(assigned, timeout=60):
        t.send(":outbox\r")
        t.wait_settled(0.5)
        raise AssertionError("not on the server:\n" + t.text())
    t.send("q")
    t.wait_for(lambda t: "Workload" in t.line(0) and "Held" not in t.line(0))
    t.send("q")
    t.wait_for(lambda t: t.line(0).strip() == "Home")


def working_days_ahead(n):
    """The n-th working day after today by the server's calendar."""
    import datetime
    off = set()
    extra = set()
    today = datetime.date.today()
    for year in (today.year, today.year + 1):
        st, _, cal = ctx["sim"].request("GET", f"/api/v1/calendar?year={year}",
                                        token=ctx["token"])
        assert st == 200, cal
        off |= {h["date"] for h in cal["holidays"]}
        extra |= set(cal.get("working_saturdays", []))
    day, k, skipped = today, 0, []
    while k < n:
        day += datetime.timedelta(days=1)
        iso = day.isoformat()
        if iso in off or (day.weekday() >= 5 and iso not in extra):
            skipped.append(iso)
            continue
        k += 1
    return day


def test_apology_due_date_in_working_days():
    t, sim = ctx["t"], ctx["sim"]
    st, _, body = sim.request("GET", "/api/v1/dossiers?state=in_progress&limit=5",
                              token=ctx["token"])
    d = next(x for x in body["items"] if x["code"][-11:] not in "".join(ctx["tagged"]))
    t.send(":open " + d["code"] + "\r")
    t.wait_for("Dossier " + d["code"])
    t.send("a")
    t.wait_for("Action")
    for _ in range(12):
        if "Apologize" in t.text():
            break
        t.send(" ")
        t.wait_settled()
    t.key("enter")
    t.wait_for("New due date")
    t.send("Late: the land survey is pending")
    t.key("tab")
    # New Year's day is a holiday: never offered; the day before is.
    year = working_days_ahead(0).year
    t.send(f"01/01/{year + 1}")
    t.wait_settled()
    assert t.text().count(f"01/01/{year + 1}") == 1, t.text()   # typed, not offered
    assert "(+" not in t.text(), t.text()
    t.send("\x15" + f"31/12/{year}")
    t.wait_for(lambda t: re.search(rf"31/12/{year} \w+ \(\+\d+\)", t.text()))
    t.send("\x15" + "7")
    want = working_days_ahead(7)
    label = want.strftime("%d/%m/%Y")
    t.wait_for(label)
    assert "(+7)" in t.text(), t.text()
    t.key("enter")              # pick the 7th working day
    t.wait_settled()
    t.key("enter")              # submit
    t.wait_for("queued in the outbox")

    def apologized():
        st, _, full = sim.request("GET", "/api/v1/dossiers/" + d["id"], token=ctx["token"])
        ap = full.get("apology") or {}
        return (ap.get("new_due_at") or "").startswith(want.isoformat())
    assert egovtest.wait_until(apologized, timeout=60), want
    t.send("q")
    assert t.quit_from_anywhere() == 0


def test_vietnamese_dashboard_ascii():
    env = console_env(ctx["home"], ctx["sim"], user="supervisor", lang="vi")
    env["NO_COLOR"] = "1"
    t = open_console(env)
    ctx["t"] = t
    t.wait_for("Tất cả hồ sơ", timeout=30)
    t.send("d")
    t.wait_for("Bảng điều khiển")
    t.wait_for("cơ quan · r xếp hạng")
    t.wait_settled()
    assert "Tỷ lệ đúng hạn" in t.text(), t.text()
    assert "Kỳ: 01/01/" in t.text(), t.text()
    line = t.line(t.row_with("Tỷ lệ đúng hạn"))
    assert "," in line or "—" in line, line
    assert not any(c in t.text() for c in "▁▂▃▄▅▆▇█"), t.text()
    assert "#" in t.text(), t.text()
    t.send("q")
    assert t.quit_from_anywhere() == 0


tap.main(globals())
