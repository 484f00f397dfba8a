#!/usr/bin/env python3
"""The procedures catalogue, end to end: an officer finds a procedure by
its name typed without diacritics and by its national code, reads its
field, online level, processing time, fees per channel written
"1.000.000 đ" and its documents; in English and in Vietnamese."""
import csv
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import tap
from console import console_env, open_console, start_sim, teardown

ctx = {}


def setup_module():
    sim = start_sim(ctx, 100)
    st, _, body = sim.request("GET", "/api/v1/procedures", token=ctx["token"])
    assert st == 200, body
    ctx["procs"] = {p["code"]: p for p in body["items"]}


def teardown_module():
    teardown(ctx)


def vnd(n):
    return f"{n:,}".replace(",", ".") + " đ"


def test_search_by_name_without_diacritics():
    t = open_console(console_env(ctx["home"], ctx["sim"]))
    ctx["t"] = t
    t.wait_for(lambda t: "synced just now" in t.line(t.rows - 2), timeout=60)
    t.send("p")
    t.wait_for(lambda t: "Procedures" in t.line(0))
    t.wait_for("1.001193")
    t.send("/dang ky khai sinh")
    t.wait_for(lambda t: t.row_with("Đăng ký khai sinh") > 0)
    t.key("enter")              # ends the filter
    t.wait_settled()
    rows = [t.line(y) for y in range(2, t.rows - 2) if t.line(y).strip()]
    assert all("khai sinh" in r.lower() for r in rows), rows
    assert any("1.001193" in r and "full" in r for r in rows), rows


def test_procedure_details_with_fees():
    t = ctx["t"]
    # A procedure with a fee at the counter and a smaller one online.
    code = next(c for c, p in sorted(ctx["procs"].items())
                if any(f["amount_vnd"] >= 1000 and f["online_amount_vnd"] != f["amount_vnd"]
                       for f in p["fees"]))
    p = ctx["procs"][code]
    t.send("/")
    t.key("backspace", 30)
    t.send(code)
    t.wait_for(lambda t: t.row_with(code) > 1)
    t.key("enter")
    t.wait_settled()
    t.key("enter")
    t.wait_for(lambda t: code in t.line(0))
    t.wait_settled()
    text = t.text()
    fee = next(f for f in p["fees"] if f["amount_vnd"] >= 1000)
    assert vnd(fee["amount_vnd"]) + " / " + vnd(fee["online_amount_vnd"]) in text, text
    assert p["field"] in text, text
    assert "working days" in text or "same day" in text or " days" in text, text
    assert p["documents"][0]["name"] in text, text
    t.send("q")
    t.wait_for(lambda t: "Procedures" in t.line(0) and code not in t.line(0))
    t.send("q")
    t.wait_for(lambda t: t.line(0).strip() == "Home")


def test_officer_has_no_dashboard_but_exports_a_queue():
    t = ctx["t"]
    t.send("d")
    t.wait_for("The dashboard is for heads of unit.")
    assert t.line(0).strip() == "Home", t.line(0)
    count = int(t.line(t.row_with("All dossiers")).split()[-1])
    t.send(":queue all\r")
    t.wait_for(lambda t: "All dossiers" in t.line(0))
    t.send(":export\r")
    t.wait_for("Export")
    path = os.path.join(ctx["home"], "all.csv")
    t.key("backspace", 200)
    t.send(path + "\r")
    t.wait_for(f"{count} rows written to")
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0][:2] == ["Number", "Applicant"], rows[0]
    assert len(rows) == count + 1, (len(rows), count)
    # Exporting again asks before replacing the file.
    t.send(":export\r")
    t.wait_for("Export")
    t.key("backspace", 200)
    t.send(path + "\r")
    t.wait_for("Replace it?")
    t.send("n")
    t.wait_settled()
    assert t.quit_from_anywhere() == 0
    t.close()


def test_vietnamese_catalogue():
    t = open_console(console_env(ctx["home"], ctx["sim"], lang="vi"))
    ctx["t"] = t
    t.wait_for("Tất cả hồ sơ", timeout=30)
    t.send(":procedures\r")
    t.wait_for(lambda t: "Thủ tục" in t.line(0))
    t.send("/chung thuc ban sao")
    t.wait_for(lambda t: t.row_with("2.000815") > 0)
    t.key("enter")
    t.wait_settled()
    t.key("enter")
    t.wait_for("Thành phần hồ sơ:")
    t.wait_settled()
    text = t.text()
    assert "Lĩnh vực:" in text and "Chứng thực" in text, text
    assert "2.000 đ / 2.000 đ" in text, text
    assert "ngày làm việc" in text or "trong ngày" in text, text
    t.send("q")
    t.send("q")
    t.send("Q")
    assert t.wait_exit(30) == 0


tap.main(globals())
