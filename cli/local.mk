## cli/: the egov program: the console when run bare, subcommands otherwise
## (one cmd-*.c file each), with its configuration, session, log and output
## formatting.  Also its man pages and bash completion.
bin_PROGRAMS += egov
egov_SOURCES = \
	cli/egov.c \
	cli/app.c cli/app.h cli/app-private.h \
	cli/session.c cli/session-file.c cli/session-turn.c \
	cli/config.c cli/config-values.c cli/config-keys.h cli/egov-config.h \
	cli/log.c cli/egov-log.h \
	cli/cli-util.c cli/cli-util.h \
	cli/output.c cli/output.h \
	cli/exit-codes.h \
	cli/cmd.h cli/cmd-common.c cli/rows.c \
	cli/cmd-login.c cli/cmd-logout.c cli/cmd-sync.c \
	cli/cmd-ls.c cli/cmd-show.c cli/cmd-search.c \
	cli/cmd-act.c cli/cmd-outbox.c cli/cmd-conflicts.c \
	cli/cmd-report.c cli/cmd-doctor.c
egov_CFLAGS = $(AM_CFLAGS) $(INIH_CFLAGS) $(JANSSON_CFLAGS) $(CURL_CFLAGS) \
	$(UTF8PROC_CFLAGS)
egov_LDADD = $(EGOV_SCREENS_LIBS) $(EGOV_TUI_LIBS) $(EGOV_CACHE_LIBS) \
	$(EGOV_API_LIBS) $(EGOV_COMMON_LIBS) $(INIH_LIBS) $(JANSSON_LIBS) \
	$(UTF8PROC_LIBS) $(LIBINTL) -lpthread

## Unit tests of what needs no server: configuration, output, log.
if HAVE_CMOCKA
check_PROGRAMS += tests/cli/test-cli-units
TESTS += tests/cli/test-cli-units
endif
tests_cli_test_cli_units_SOURCES = tests/cli/test-cli-units.c \
	cli/config.c cli/config-values.c cli/log.c cli/output.c cli/cli-util.c
tests_cli_test_cli_units_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(INIH_CFLAGS) \
	$(JANSSON_CFLAGS) $(UTF8PROC_CFLAGS)
tests_cli_test_cli_units_LDADD = $(EGOV_COMMON_LIBS) $(INIH_LIBS) $(JANSSON_LIBS) \
	$(CMOCKA_LIBS) $(LIBINTL)

dist_man_MANS += docs/man/egov.1 docs/man/egov.conf.5

bashcompletiondir = $(datadir)/bash-completion/completions
bashcompletion_DATA = cli/egov
CLEANFILES += cli/egov
EXTRA_DIST += cli/egov.bash-completion
# bash-completion finds a command's script by the command's name.
cli/egov: cli/egov.bash-completion
	$(AM_V_GEN)$(MKDIR_P) cli && cp $(srcdir)/cli/egov.bash-completion $@

## A real session of every subcommand (README links it), and the script
## that makes it again: cli/make-session-doc.py BUILDDIR > docs/cli-session.md
EXTRA_DIST += docs/cli-session.md cli/make-session-doc.py

## Integration tests against a real egov-sim.
TESTS += tests/cli/test-cli.py tests/cli/test-cli-i18n.py tests/cli/test-cli-completion.py \
	tests/cli/test-cli-session.py
EXTRA_DIST += tests/cli/test-cli.py tests/cli/test-cli-i18n.py tests/cli/test-cli-completion.py \
	tests/cli/test-cli-session.py

## A long console and parallel commands refreshing one session through the
## same turn (cli/session-turn.c), against egov-sim with short-lived tokens.
TESTS += tests/cli/test-cli-refresh-turn.py
EXTRA_DIST += tests/cli/test-cli-refresh-turn.py
