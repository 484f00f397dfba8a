## screens/: one file per screen of the console, each exporting one
## declarative entry; console.c runs them.
noinst_LIBRARIES += screens/libegovscreens.a
screens_libegovscreens_a_SOURCES = \
	screens/console.c screens/console.h screens/screens.h \
	screens/labels.c screens/commands.c \
	screens/login.c screens/home.c \
	screens/queue.c screens/queue-source.c screens/queue-source.h \
	screens/dossier.c screens/dossier-view.c screens/dossier-view.h \
	screens/action-form.c \
	screens/outbox.c screens/conflicts.c screens/search.c
screens_libegovscreens_a_CFLAGS = $(AM_CFLAGS) $(NCURSESW_CFLAGS)
EGOV_SCREENS_LIBS = screens/libegovscreens.a

## End-to-end tests: the real egov in a terminal emulator against egov-sim.
E2E_TESTS = \
	tests/e2e/test-console-flow.py \
	tests/e2e/test-console-offline.py \
	tests/e2e/test-console-hostile.py
TESTS += $(E2E_TESTS)
EXTRA_DIST += $(E2E_TESTS) tests/e2e/console.py

## Heads of unit, help-desk, the procedures catalogue and the auto-lock.
screens_libegovscreens_a_SOURCES += \
	screens/format.c screens/format.h screens/table.c screens/table.h \
	screens/export.c screens/dashboard.c screens/figures.c screens/figures.h screens/ranking.c \
	screens/workload.c screens/reassign.c screens/procedures.c \
	screens/diagnostics.c screens/lock.c screens/date-picker.c
SUPERVISOR_E2E_TESTS = tests/e2e/test-console-supervisor.py
TESTS += $(SUPERVISOR_E2E_TESTS)
EXTRA_DIST += $(SUPERVISOR_E2E_TESTS)
## Every user-visible string has its Vietnamese (po/vi.po).
TESTS += tests/i18n/test-po-complete.py
EXTRA_DIST += tests/i18n/test-po-complete.py
TESTS += tests/e2e/test-console-procedures.py tests/e2e/test-console-support.py
EXTRA_DIST += tests/e2e/test-console-procedures.py tests/e2e/test-console-support.py
TESTS += tests/e2e/test-console-lock.py
EXTRA_DIST += tests/e2e/test-console-lock.py
