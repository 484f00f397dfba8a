"""egov speaks Vietnamese when the configuration or EGOV_LANG says so, even
under LC_ALL=C.UTF-8 (the harness's locale), and English with lang = en.
The catalog is the build's po/vi.gmo, laid out as a locale tree and named
with EGOV_LOCALEDIR, so the test needs no `make install`."""
import os
import shutil
import subprocess

import tap
from tap import check, eq
from egovtest import run_egov, tempdir, rmtree, BUILDDIR, SRCDIR

home = None
localedir = None


def setup_module():
    global home, localedir
    home = tempdir("egov-i18n-")
    localedir = os.path.join(home, "locale")
    gmo = None
    for d in (os.path.join(BUILDDIR, "po"), os.path.join(SRCDIR, "po")):
        if os.path.exists(os.path.join(d, "vi.gmo")):
            gmo = os.path.join(d, "vi.gmo")
            break
    if gmo is None:
        # Compile it here; msgfmt comes with gettext, which the build needs.
        gmo = os.path.join(home, "vi.gmo")
        subprocess.run(["msgfmt", "-o", gmo, os.path.join(SRCDIR, "po", "vi.po")], check=True)
    os.makedirs(os.path.join(localedir, "vi", "LC_MESSAGES"))
    # Always from vi.po, so a stale vi.gmo cannot hide a new translation.
    subprocess.run(["msgfmt", "-o", os.path.join(localedir, "vi", "LC_MESSAGES",
                                                 "egov-console.mo"),
                    os.path.join(SRCDIR, "po", "vi.po")], check=True)


def teardown_module():
    rmtree(home)


def egov(args, **env):
    env.setdefault("EGOV_LOCALEDIR", localedir)
    return run_egov(args, home, env_extra=env)


def test_egov_lang_vi_under_c_utf8():
    r = egov(["--help"], EGOV_LANG="vi", LC_ALL="C.UTF-8")
    eq(r.returncode, 0, r.stderr)
    check("Các lệnh:" in r.stdout, r.stdout[:300])
    check("đăng nhập và giữ phiên" in r.stdout, "command summaries translated")


def test_egov_lang_vi_under_plain_c():
    r = egov(["--help"], EGOV_LANG="vi", LC_ALL="C")
    eq(r.returncode, 0, r.stderr)
    check("Các lệnh:" in r.stdout, r.stdout[:300])


def test_config_lang_and_errors():
    cfgdir = os.path.join(home, "config", "egov")
    os.makedirs(cfgdir, exist_ok=True)
    path = os.path.join(cfgdir, "config")
    with open(path, "w") as f:
        f.write("[default]\nlang = vi\nserver = http://127.0.0.1:9\nbogus = 1\n")
    r = egov(["outbox"], EGOV_LANG="vi")
    eq(r.returncode, 2, r.stderr)
    eq(r.stderr.strip(), f"egov: {path}:4: khóa 'bogus' không hợp lệ trong [default]")
    with open(path, "w") as f:
        f.write("[default]\nlang = vi\nserver = http://127.0.0.1:9\n")
    r = egov(["outbox"])
    eq(r.returncode, 4, r.stderr)
    check(r.stderr.startswith("egov: chưa đăng nhập"), r.stderr)
    with open(path, "w") as f:
        f.write("[default]\nlang = en\n")
    r = egov(["--help"], LANGUAGE="vi")
    check("Commands:" in r.stdout, "lang = en wins over the environment")
    os.unlink(path)


def test_english_by_default():
    r = egov(["--help"], LC_ALL="C.UTF-8")
    check("Commands:" in r.stdout, r.stdout[:200])


tap.main(globals())
