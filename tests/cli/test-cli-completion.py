"""The bash completion script: commands, per-command options, states and
actions complete as egov(1) documents them (bash alone, without the
bash-completion package)."""
import os
import subprocess

import tap
from tap import eq
from egovtest import SRCDIR

SCRIPT = os.path.join(SRCDIR, "cli", "egov.bash-completion")


def complete(*words):
    words = ["egov"] + list(words)
    quoted = " ".join("'" + w.replace("'", "'\\''") + "'" for w in words)
    prog = (f"source '{SCRIPT}'\nCOMP_WORDS=({quoted})\n"
            f"COMP_CWORD={len(words) - 1}\nCOMPREPLY=()\n_egov\n"
            'printf "%s\\n" "${COMPREPLY[@]}"\n')
    r = subprocess.run(["/bin/bash", "--norc", "-c", prog], capture_output=True, text=True,
                       env={**os.environ, "PATH": "/usr/bin:/bin"})
    eq(r.returncode, 0, r.stderr)
    return sorted(x for x in r.stdout.split("\n") if x)


def test_commands():
    eq(complete(""), sorted("login logout sync ls show search act outbox conflicts report doctor".split()), "all")
    eq(complete("lo"), ["login", "logout"], "prefix")
    eq(complete("--profile", "x", "sy"), ["sync"], "after a global option's value")


def test_options_and_values():
    eq(complete("ls", "--ov"), ["--overdue"], "ls option")
    eq(complete("ls", "--state", "in_"), ["in_progress"], "state value")
    eq(complete("act", "X", "req"), ["request_supplement"], "action")
    eq(complete("act", "X", "return_result", "--method", ""), ["counter", "postal"], "method")
    eq(complete("conflicts", ""), ["resolve"], "conflicts resolve")
    eq(complete("--log-level", "d"), ["debug"], "log level")


tap.main(globals())
