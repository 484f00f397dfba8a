#!/usr/bin/env python3
"""No user-visible string is missing from po/vi.po.

xgettext extracts every _() and N_() string of the files listed in
po/POTFILES.in into a temporary .pot; every msgid there must be in
po/vi.po with a non-empty msgstr that is not marked fuzzy.  And every C
file of the program that marks strings must be listed in POTFILES.in, so
a new screen cannot escape the check by not being listed.  Finally the
catalogue must compile cleanly with msgfmt -c (format strings match)."""
import os
import re
import subprocess
import sys
import tempfile

import tap

SRC = os.environ.get("EGOV_SRCDIR", os.path.abspath("."))
MARKED = re.compile(r'\b(?:_|N_)\("')


def c_string(s):
    """The value of a PO string literal (without its quotes)."""
    out, i = [], 0
    esc = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s):
            out.append(esc.get(s[i + 1], s[i + 1]))
            i += 2
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


def parse_po(path):
    """{(msgctxt, msgid): (msgstrs, fuzzy)} of a PO file."""
    entries, cur, field, fuzzy = {}, {}, None, False

    def flush():
        nonlocal cur, fuzzy
        if "msgid" in cur:
            key = (cur.get("msgctxt"), cur["msgid"])
            strs = [v for k, v in sorted(cur.items()) if k.startswith("msgstr")]
            entries[key] = (strs, fuzzy)
        cur, fuzzy = {}, False

    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.strip()
            if line.startswith("#,"):
                if "msgid" in cur:
                    flush()
                fuzzy = "fuzzy" in line
                continue
            if not line or line.startswith("#"):
                if not line and "msgid" in cur and field and field.startswith("msgstr"):
                    flush()
                continue
            m = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+"(.*)"$', line)
            if m:
                if m.group(1) in ("msgid", "msgctxt") and field and field.startswith("msgstr"):
                    keep = fuzzy
                    flush()
                    fuzzy = keep if m.group(1) == "msgctxt" else False
                field = m.group(1)
                cur[field] = c_string(m.group(2))
            elif line.startswith('"') and field:
                cur[field] += c_string(line[1:-1])
    flush()
    return entries


def listed_files():
    with open(os.path.join(SRC, "po", "POTFILES.in"), encoding="utf-8") as f:
        return [l.strip() for l in f if l.strip() and not l.startswith("#")]


def test_every_marking_file_is_listed():
    listed = set(listed_files())
    missing = []
    for d in ("cli", "screens", "tui"):
        for name in sorted(os.listdir(os.path.join(SRC, d))):
            if not name.endswith(".c"):
                continue
            rel = f"{d}/{name}"
            with open(os.path.join(SRC, rel), encoding="utf-8") as f:
                if MARKED.search(f.read()) and rel not in listed:
                    missing.append(rel)
    assert not missing, "not in po/POTFILES.in: " + ", ".join(missing)


def test_every_msgid_is_translated():
    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, "check.pot")
        subprocess.run(["xgettext", "--keyword=_", "--keyword=N_",
                        "--from-code=UTF-8", "--language=C", "-D", SRC,
                        "-f", os.path.join(SRC, "po", "POTFILES.in"), "-o", pot],
                       check=True)
        wanted = parse_po(pot)
    have = parse_po(os.path.join(SRC, "po", "vi.po"))
    bad = []
    for key in wanted:
        if key[1] == "":
            continue
        strs, fuzzy = have.get(key, ([], False))
        if not strs or any(s == "" for s in strs):
            bad.append("untranslated: " + repr(key[1]))
        elif fuzzy:
            bad.append("fuzzy: " + repr(key[1]))
    assert not bad, f"{len(bad)} strings missing from po/vi.po:\n" + "\n".join(bad)


def test_catalogue_compiles_cleanly():
    r = subprocess.run(["msgfmt", "-c", "-o", os.devnull,
                        os.path.join(SRC, "po", "vi.po")],
                       capture_output=True, text=True)
    assert r.returncode == 0 and not r.stderr.strip(), r.stderr


tap.main(globals())
