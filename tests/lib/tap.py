"""TAP output for the Python test scripts, read by automake's tap-driver.

A test script defines functions named test_* and ends with
``tap.main(globals())``: each function is one TAP test point, an exception or a
failed check makes it "not ok" with the traceback as a diagnostic, and
``tap.skip("why")`` inside one marks it skipped.  Several checks can be made
inside one test with ``check(cond, what)``; the first failure fails the test.
"""
import os
import sys
import traceback


class Skip(Exception):
    pass


def skip(why):
    raise Skip(why)


def check(cond, what="check failed"):
    if not cond:
        raise AssertionError(what)


def eq(got, want, what=""):
    if got != want:
        raise AssertionError(f"{what}: got {got!r}, want {want!r}")


def main(namespace, order=None):
    tests = [(n, f) for n, f in namespace.items()
             if n.startswith("test_") and callable(f)]
    if order is None:
        # Definition order, so scripts read top to bottom.
        tests.sort(key=lambda nf: nf[1].__code__.co_firstlineno)
    setup = namespace.get("setup_module")
    teardown = namespace.get("teardown_module")
    print(f"1..{len(tests)}", flush=True)
    failed = 0
    try:
        if setup:
            setup()
    except Exception:
        for i, (name, _) in enumerate(tests, 1):
            print(f"not ok {i} - {name} # setup failed")
        for line in traceback.format_exc().splitlines():
            print("# " + line)
        sys.exit(1)
    try:
        for i, (name, fn) in enumerate(tests, 1):
            try:
                fn()
                print(f"ok {i} - {name}", flush=True)
            except Skip as s:
                print(f"ok {i} - {name} # SKIP {s}", flush=True)
            except Exception:
                failed += 1
                print(f"not ok {i} - {name}", flush=True)
                for line in traceback.format_exc().splitlines():
                    print("# " + line, flush=True)
    finally:
        if teardown:
            teardown()
    if failed:
        os.environ["EGOV_KEEP_TMP"] = "1"	# egovtest keeps its folders
    sys.exit(1 if failed else 0)
