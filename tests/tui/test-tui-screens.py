"""The framework keeps the screen whole without Ctrl-L: tests/tui/tui-demo
in a pseudo-terminal read through pyte.

- Enter works as CR, LF and the keypad's Enter (ESC O M) in the list's
  '/' filter, a confirm dialog, a form (and its pick list), the ':' line
  and a screen's key table; a CR LF pair is one Enter.
- After a resize the ':' line still runs its command, whatever was open.
- After a resize every layer is drawn again from a cleared terminal: the
  picture equals that of a demo started at the new size (the demo's
  screens do nothing in on_resize).
- Pushing and popping screens (queue, a dossier with hostile text, the
  pager) and closing popups leaves nothing of what was there before: the
  picture equals the one Ctrl-L repaints, and the previous screen's words
  are gone."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import tap
from demo_term import (start, wait_gone, quit_cleanly, selected_row,
                       settled_text, repainted_text)

# A small queue: filtering 100,000 rows under ASan takes longer than the
# quiet interval that says the screen has settled.
ROWS = "3000"
ENTERS = (("CR", "\r"), ("LF", "\n"), ("keypad Enter", "\x1bOM"))


def demo(cols=80, rows=24, **extra):
    return start(cols=cols, rows=rows, TUI_DEMO_ROWS=ROWS, **extra)


def test_enter_everywhere():
    for name, enter in ENTERS:
        t = demo()
        try:
            t.send("/hung")
            t.wait_for(lambda t: t.line(23).startswith("/hung"))
            t.send(enter)
            t.wait_for(lambda t: t.cursor() == (2, 0))
            t.send("j")
            t.wait_for(lambda t: selected_row(t) == 3)
            tap.eq(t.line(23), "/hung", f"{name} ended the filter")
            t.send(enter)
            t.wait_for(lambda t: "Hồ sơ HS-" in t.line(0))
            tap.check(True, f"{name} opened the dossier from the key table")
            t.key("esc")
            t.wait_for(lambda t: t.line(0).strip() == "Queue")
            t.send("c")
            t.wait_for("Receive 0 tagged dossiers?")
            t.send(enter)
            t.wait_for("Cancelled")
            tap.check(True, f"{name} answered the confirm dialog")
            t.send(":hello")
            t.wait_for(lambda t: t.line(23) == ":hello")
            t.send(enter)
            t.wait_for("command: hello")
            tap.check(True, f"{name} ran the command line")
            t.send("f")
            t.wait_for("Ask for a supplement")
            t.send("why")
            t.key("tab", 2)
            t.send("3")
            t.key("tab", 2)
            t.send("hung")
            t.wait_for("Đỗ Hùng")
            t.send(enter)           # picks the candidate
            t.wait_settled()
            t.send(enter)           # submits
            t.wait_for("Saved reason=why days=3 prio=normal to=Đỗ Hùng")
            tap.check(True, f"{name} picked and submitted in the form")
            t.send(":quit")
            t.send(enter)
            tap.eq(wait_gone(t), 0, f":quit with {name}")
        finally:
            t.close()


def test_cr_lf_pair_is_one_enter():
    t = demo()
    try:
        t.send("/hung")
        t.wait_for(lambda t: t.line(23).startswith("/hung"))
        t.send("\r\n")
        t.wait_for(lambda t: t.cursor() == (2, 0))
        t.wait_settled()
        tap.eq(t.line(0).strip(), "Queue", "CR LF ended the filter only")
        t.send("\r\n")
        t.wait_for(lambda t: "Hồ sơ HS-" in t.line(0))
        t.key("esc")
        t.wait_for(lambda t: t.line(0).strip() == "Queue")
    finally:
        quit_cleanly(t)


def test_command_line_after_resize():
    # Typed at once after the resize, in the same batch as the signal.
    for name, enter in ENTERS[:2]:
        t = demo()
        try:
            t.resize(60, 16)
            t.send(":quit" + enter)
            tap.eq(wait_gone(t), 0, f":quit{name} right after a resize")
        finally:
            t.close()
    # The line open across resizes.
    t = demo()
    try:
        t.send(":qu")
        t.wait_for(lambda t: t.line(23) == ":qu")
        t.resize(40, 12)
        t.wait_for(lambda t: t.line(11) == ":qu" and "online" in t.line(10))
        t.resize(100, 30)
        t.wait_for(lambda t: t.line(29) == ":qu" and "online" in t.line(28))
        t.send("it\r")
        tap.eq(wait_gone(t), 0, ":quit finished after two resizes")
    finally:
        t.close()
    # A form open across a resize, then the line.
    t = demo()
    try:
        t.send("f")
        t.wait_for("Ask for a supplement")
        t.resize(50, 14)
        t.wait_for(lambda t: "online" in t.line(12) and "Ask for" in t.text())
        t.key("esc")
        t.wait_for("Form cancelled")
        t.send(":quit\r")
        tap.eq(wait_gone(t), 0, ":quit after a form and a resize")
    finally:
        t.close()


def same_as_fresh(t, cols, rows, keys, what):
    """t's picture equals that of a demo started at cols x rows and given
    the same keys."""
    got = settled_text(t)
    f = demo(cols, rows)
    try:
        for k in keys:
            f.send(k)
            f.wait_settled()
        want = settled_text(f)
    finally:
        f.close()
    tap.eq(got, want, f"{what} at {cols}x{rows} as if started there")
    tap.eq(repainted_text(t), got, f"{what} at {cols}x{rows}: Ctrl-L changes nothing")


def test_resize_repaints_every_layer():
    t = demo()
    keys = ["\x1b[B", "\x1b[B", "\x1b[B"]
    try:
        for k in keys:
            t.send(k)
        t.wait_for(lambda t: selected_row(t) == 5)
        for cols, rows in ((60, 16), (120, 30), (40, 12), (80, 24), (50, 14)):
            t.resize(cols, rows)
            t.wait_for(lambda t: "online" in t.line(rows - 2))
            same_as_fresh(t, cols, rows, keys, "queue")
        keys += ["\r"]
        t.send("\r")
        t.wait_for(lambda t: "Hồ sơ HS-000003" in t.line(0))
        for cols, rows in ((90, 20), (40, 12)):
            t.resize(cols, rows)
            t.wait_for(lambda t: "online" in t.line(rows - 2))
            same_as_fresh(t, cols, rows, keys, "dossier")
        t.key("esc")
        t.wait_for(lambda t: t.line(0).strip() == "Queue")
    finally:
        quit_cleanly(t)


def body(t):
    """The lines between the breadcrumb and the status bar."""
    return "\n".join(t.line(y) for y in range(1, t.rows - 2))


def whole(t, what):
    """No stale text: the picture is the one Ctrl-L repaints."""
    got = settled_text(t)
    tap.eq(repainted_text(t), got, f"{what}: Ctrl-L changes nothing")
    return got


def test_push_pop_leaves_no_stale_text():
    t = demo()
    try:
        for row in (8, 2, 4):       # long name, escapes, right-to-left
            t.key("home")
            t.key("down", row)
            t.wait_for(lambda t: f"HS-{row:06d}" in t.line(selected_row(t) or 0))
            t.key("enter")
            t.wait_for(lambda t: f"Hồ sơ HS-{row:06d}" in t.line(0))
            whole(t, f"dossier {row}")
            b = body(t)
            tap.check("Number" not in b and "Procedure" not in b and
                      b.count("HS-") == 1, f"nothing of the queue under dossier {row}:\n{b}")
            t.send("h")
            t.wait_for("supplement asked")
            whole(t, "history pager")
            b = body(t)
            tap.check("Applicant:" not in b and "Dossier:" not in b,
                      "nothing of the dossier under the pager:\n" + b)
            t.send("/supplement")
            t.wait_for(lambda t: "assigned" not in t.text())
            t.key("enter")
            t.key("esc")
            t.wait_for(lambda t: "History" not in t.line(0))
            whole(t, "back to the dossier")
            b = body(t)
            tap.check("supplement" not in b and "Applicant:" in b,
                      "nothing of the pager on the dossier:\n" + b)
            t.key("esc")
            t.wait_for(lambda t: t.line(0).strip() == "Queue")
            whole(t, "back to the queue")
            b = body(t)
            tap.check("Dossier:" not in b and "Applicant:" not in b and
                      b.count("HS-") == 20, "nothing of the dossier on the queue:\n" + b)
        t.send("c")
        t.wait_for("Receive 0 tagged dossiers?")
        t.send("n")
        t.wait_for("Cancelled")
        got = whole(t, "confirm closed")
        tap.check("Receive 0" not in got and "[y]" not in got, got)
        t.send("f")
        t.wait_for("Ask for a supplement")
        t.key("esc")
        t.wait_for("Form cancelled")
        got = whole(t, "form closed")
        tap.check("Reason" not in got and "Password" not in got, got)
    finally:
        quit_cleanly(t)


tap.main(globals())
