"""End-to-end tests of the terminal framework: tests/tui/tui-demo (a
100,000-row queue, a dossier screen, a form, a confirm dialog, the pager,
the status bar and the command line) run in a pseudo-terminal and read
back through pyte, as a person would see it.

Also measures the bytes written for one selection move and one-row scroll
at 80x24 (budgets 200 and 250) and checks that nothing at all is written
while idle.  The figures are printed as TAP diagnostics."""
import os
import re
import signal
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import tap
from demo_term import start, wait_gone, quit_cleanly, selected_row


def test_first_screen_and_cursor_on_selection():
    t = start()
    try:
        tap.check(t.line(0).strip().startswith("Queue"), "breadcrumb: " + t.line(0))
        tap.check("Number" in t.line(1) and "Applicant" in t.line(1), t.line(1))
        tap.check("online" in t.line(22) and "outbox 2" in t.line(22), t.line(22))
        tap.check("synced 3 h ago" in t.line(22), t.line(22))
        tap.eq(selected_row(t), 2, "selected row")
        tap.eq(t.cursor(), (2, 0), "hardware cursor on the selected row")
        t.key("down", 3)
        t.wait_settled()
        tap.eq(selected_row(t), 5, "selected after 3 downs")
        tap.check("HS-000003" in t.line(5), t.line(5))
        tap.eq(t.cursor(), (5, 0), "cursor follows")
        t.key("end")
        t.wait_for(lambda t: "HS-099999" in t.text())
        t.wait_settled()
        tap.eq(t.cursor()[0], selected_row(t), "cursor on the last row")
        t.key("home")
        t.wait_for(lambda t: "HS-000000" in t.line(2))
    finally:
        quit_cleanly(t)


def test_bytes_per_move_scroll_and_idle():
    t = start()
    try:
        move = t.measure(b"\x1b[B")
        move2 = t.measure(b"\x1b[B")
        for _ in range(18):
            t.key("down")
        t.wait_settled()
        tap.eq(t.cursor()[0], 21, "selection on the last visible row")
        scroll = t.measure(b"\x1b[B")
        scroll2 = t.measure(b"\x1b[B")
        tap.check("HS-000022" in t.line(21), "scrolled: " + t.line(21))
        before = t.bytes_out
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:
            t.pump(deadline - time.monotonic())
        idle = t.bytes_out - before
        print(f"# bytes: move {move}, {move2}; scroll {scroll}, {scroll2}; "
              f"idle 1 s {idle}", flush=True)
        tap.check(0 < move <= 200, f"one move wrote {move} bytes (budget 200)")
        tap.check(0 < move2 <= 200, f"one move wrote {move2} bytes")
        tap.check(0 < scroll <= 250, f"one scroll wrote {scroll} bytes (budget 250)")
        tap.check(0 < scroll2 <= 250, f"one scroll wrote {scroll2} bytes")
        tap.eq(idle, 0, "bytes written while idle")
    finally:
        quit_cleanly(t)


def test_help_generated_from_key_tables():
    t = start()
    try:
        t.send("?")
        wants = ("Enter      Open the dossier", "c          Receive the tagged dossiers",
                 "Down       Next row", "j          Next row")
        # the help arrives in more than one write on a loaded machine: wait
        # for all of it (a missing line still fails below, with the screen)
        try:
            t.wait_for(lambda term: all(w in term.text() for w in wants), timeout=10)
        except TimeoutError:
            pass
        text = t.text()
        for want in wants:
            tap.check(want in text, f"help lists {want!r}:\n{text}")
        tap.check("Queue \u203a Help: Queue" in t.line(0), "breadcrumb: " + t.line(0))
        t.key("end")
        t.wait_for("Keys everywhere")
        t.wait_settled()
        text = t.text()
        for want in ("/          Filter as you type", "Esc        Go back",
                     "C-l        Repaint the screen", "?          Show the keys"):
            tap.check(want in text, f"help lists {want!r}:\n{text}")
        t.key("esc")
        t.wait_for(lambda t: "Help" not in t.line(0))
        t.wait_for("HS-000000")
    finally:
        quit_cleanly(t)


def test_filter_as_you_type():
    t = start()
    try:
        t.send("/")
        t.send("hung")
        t.wait_for(lambda t: t.line(23).startswith("/hung"))
        t.wait_settled()
        rows = [t.line(y) for y in range(2, 22) if "HS-" in t.line(y)]
        tap.check(len(rows) == 20, "a page of matches")
        tap.check(all("Hùng" in r for r in rows), "\n".join(rows))
        tap.eq(t.cursor(), (23, 5), "cursor at the end of the filter text")
        t.key("enter")
        t.wait_settled()
        tap.eq(t.cursor(), (2, 0), "cursor back on the list")
        t.send("/")
        t.key("esc")
        t.wait_for(lambda t: "HS-000000" in t.line(2))
        tap.eq(t.line(23), "", "filter cleared")
        t.send("/zzzz")
        t.wait_for("nothing matches")
        t.key("esc")
        t.wait_for("HS-000000")
    finally:
        quit_cleanly(t)


def test_tag_and_confirm():
    t = start()
    try:
        t.send("   ")
        t.wait_for("3 tagged")
        t.wait_settled()
        tap.check(t.line(2).startswith("*HS-000000"), t.line(2))
        tap.check(t.line(4).startswith("*HS-000002"), t.line(4))
        t.send("c")
        t.wait_for("Receive 3 tagged dossiers?")
        t.send("n")
        t.wait_for("Cancelled")
        tap.check("3 tagged" in t.text(), "still tagged after no")
        t.send("c")
        t.wait_for("Receive 3 tagged dossiers?")
        t.send("y")
        t.wait_for("Received 3: HS-000000 HS-000001 HS-000002")
        t.wait_settled()
        tap.check("tagged" not in t.text(), "tags cleared")
        tap.check("Receive 3 tagged" not in t.text(), "dialog gone")
    finally:
        quit_cleanly(t)


def test_push_pop_breadcrumb_and_pager():
    t = start()
    try:
        t.key("down", 2)
        t.key("enter")
        t.wait_for("Hồ sơ HS-000002")
        t.wait_settled()
        tap.check("Queue \u203a Hồ sơ HS-000002" in t.line(0), t.line(0))
        tap.check("^[]0;pwned^GEvil^[[2J^[[H name" in t.text(), t.text())
        t.send("h")
        t.wait_for("supplement asked")
        tap.check("Queue \u203a Hồ sơ HS-000002 \u203a History" in t.line(0), t.line(0))
        tap.check("^[[31mred^[[0m" in t.text(), "escape in history shown")
        t.send("/supplement")
        t.wait_for(lambda t: "assigned" not in t.text())
        t.key("enter")
        t.key("esc")
        t.wait_for(lambda t: "History" not in t.line(0))
        t.key("esc")
        t.wait_for(lambda t: t.line(0).strip() == "Queue")
        t.wait_settled()
        tap.eq(selected_row(t), 4, "selection kept after back")
    finally:
        quit_cleanly(t)


def test_resize_drops_and_restores_columns():
    t = start()
    try:
        t.resize(40, 12)
        t.wait_for(lambda t: "Procedure" not in t.text() and "HS-000000" in t.text())
        t.wait_settled()
        tap.check("Number" in t.line(1) and "Days" in t.line(1), t.line(1))
        tap.check("State" not in t.line(1), t.line(1))
        tap.check("online" in t.line(10), "status bar on line 10: " + t.line(10))
        tap.eq(t.cursor(), (2, 0), "cursor on the selection")
        t.key("down", 12)
        t.wait_settled()
        tap.eq(t.cursor()[0], selected_row(t), "cursor on selection after scroll")
        t.resize(200, 50)
        t.wait_for(lambda t: "Procedure" in t.line(1) and "State" in t.line(1))
        t.wait_settled()
        tap.check("online" in t.line(48), t.line(48))
        tap.eq(t.cursor()[0], selected_row(t), "cursor on the selection at 200x50")
    finally:
        quit_cleanly(t)


def test_hostile_text_leaves_screen_intact():
    t = start()
    try:
        text = t.text()
        tap.check("^[]0;pwned^GEvil^[[2J^[[\u2026" in text, text)
        tap.check("<U+202E>fdp.exe" in text, text)
        tap.check("Bad \\xFF\\xFE bytes <U+00" in text, text)
        tap.check("王小明 Vương" in text, text)
        tap.check("Nguyễn Văn Combining" in text, text)
        # Nothing the data carried reached the terminal.
        raw = bytes(t.raw)
        for bad in (b"\x1b]", b"Evil\x1b", b"\x1b[2J\x1b[H name",
                    b"\xe2\x80\xae", b"\xc2\x9b", b"\xff\xfe", b"\x07"):
            tap.check(bad not in raw, f"{bad!r} reached the terminal")
        tap.eq(t.screen.title, "", "window title untouched")
        # Every row still starts at column 0 and the columns line up.
        for y in range(2, 22):
            tap.check(t.line(y).startswith(" HS-") or t.line(y).startswith("*HS-"),
                      f"row {y}: {t.line(y)!r}")
        days = [t.screen.buffer[y][79].data for y in range(2, 22)]
        tap.check(all(c.isdigit() for c in days), f"last column aligned: {days}")
        # No terminal queries (cursor position, device attributes, colours).
        for q in (b"\x1b[6n", b"\x1b[c", b"\x1b[>c", b"\x1b]10;?", b"\x1b]11;?"):
            tap.check(q not in raw, f"query {q!r} sent")
    finally:
        quit_cleanly(t)


def test_ctrl_l_repaints_everything():
    t = start()
    try:
        before = t.text()
        n = t.measure(b"\x0c")
        print(f"# bytes: Ctrl-L repaint {n}", flush=True)
        tap.check(n > 1000, f"full repaint wrote only {n} bytes")
        tap.eq(t.text(), before, "same screen after repaint")
    finally:
        quit_cleanly(t)


def test_no_color_and_fallback_terminal():
    t = start(NO_COLOR="1")
    try:
        raw = bytes(t.raw)
        tap.check(re.search(rb"\x1b\[[0-9;]*(3[0-7]|4[0-7]|38;5;\d+)m", raw) is None,
                  "colour escape sent with NO_COLOR")
        tap.eq(selected_row(t), 2, "selection still visible (reverse)")
        t.key("esc")
        tap.eq(wait_gone(t), 0, "exit")
        t.pump(0.1)
        tap.check("color=0" in t.text(), t.text())
    finally:
        t.close()
    t = start(term="unknown-terminal-xyz")
    try:
        tap.check("HS-000001" in t.text(), "works with an unknown $TERM")
        t.key("esc")
        tap.eq(wait_gone(t), 0, "exit")
        t.pump(0.1)
        tap.check("term=xterm-256color" in t.text(), t.text())
    finally:
        t.close()


def test_form_editing_password_pick():
    t = start()
    try:
        t.send("f")
        t.wait_for("Ask for a supplement")
        t.send("Thiếu giấy tờ")
        t.key("tab")
        t.send("secret")
        t.key("tab")
        t.send("x5")
        t.key("tab")
        t.key("right")
        t.key("tab")
        t.send("hung")
        t.wait_for("Đỗ Hùng")
        t.wait_settled()
        tap.check("secret" not in t.text(), "password never shown")
        tap.check("< urgent >" in t.text(), t.text())
        t.key("enter")          # pick the candidate
        t.key("enter")          # submit
        t.wait_for("Saved reason=")
        line = t.line(23)
        tap.check("reason=Thiếu giấy tờ days=5 prio=urgent to=Đỗ Hùng pwlen=6"
                  in line, line)
        # Validation keeps the form open with its error.
        t.send("f")
        t.wait_for("Ask for a supplement")
        t.key("enter")
        t.wait_for("Days must be more than 0")
        t.key("esc")
        t.wait_for("Form cancelled")
        tap.check("secret" not in bytes(t.raw).decode("utf-8", "replace"),
                  "password bytes never written")
    finally:
        quit_cleanly(t)


def test_command_line_history_and_completion():
    hist = tempfile.NamedTemporaryFile(prefix="tui-hist-", delete=False)
    hist.close()
    os.unlink(hist.name)
    try:
        t = start(TUI_DEMO_HISTORY=hist.name)
        try:
            t.send(":re")
            t.key("tab")
            t.wait_for("[receive refresh]")
            t.send("c")
            t.key("tab")
            t.wait_for(lambda t: t.line(23) == ":receive" and t.cursor() == (23, 9))
            t.send("HS-1")
            t.key("enter")
            t.wait_for("command: receive HS-1")
            t.send(":")
            t.key("up")
            t.wait_for(lambda t: t.line(23).startswith(":receive HS-1"))
            t.key("esc")
            t.wait_settled()
        finally:
            quit_cleanly(t)
        tap.check(os.path.exists(hist.name), "history file written")
        t = start(TUI_DEMO_HISTORY=hist.name)
        try:
            t.send(":")
            t.key("up")
            t.wait_for(lambda t: t.line(23).startswith(":receive HS-1"))
            t.key("ctrl-c")         # cancels the line, does not quit
            t.wait_for(lambda t: t.line(23) == "")
            tap.check(t.alive(), "Ctrl-C in the command line only cancels")
            t.send(":quit")
            t.key("enter")
            tap.eq(wait_gone(t), 0, "quit from the command line")
        finally:
            t.close()
    finally:
        if os.path.exists(hist.name):
            os.unlink(hist.name)


def test_watched_fd_and_rebinding():
    t = start(TUI_DEMO_BIND="list-down=n")
    try:
        t.send("x")
        t.wait_for("event 7 arrived")
        t.send("j")
        t.wait_settled()
        tap.eq(selected_row(t), 2, "j no longer moves once list-down=n")
        t.send("n")
        t.wait_settled()
        tap.eq(selected_row(t), 3, "n moves")
        t.key("down")
        t.wait_settled()
        tap.eq(selected_row(t), 3, "the arrow was list-down too: rebound")
    finally:
        quit_cleanly(t)


def test_ctrl_c_quits_from_the_list():
    t = start()
    try:
        t.key("ctrl-c")
        tap.eq(wait_gone(t), 0, "Ctrl-C quits cleanly")
        tap.check(b"\x1b[?1049l" in bytes(t.raw)[-200:], "alternate screen left")
    finally:
        t.close()


def test_sigterm_restores_terminal():
    t = start()
    try:
        os.kill(t.pid, signal.SIGTERM)
        code = wait_gone(t)
        tap.eq(code, 128 + signal.SIGTERM, "exit status after SIGTERM")
        tap.check(b"\x1b[?1049l" in bytes(t.raw)[-200:], "alternate screen left")
    finally:
        t.close()


tap.main(globals())
