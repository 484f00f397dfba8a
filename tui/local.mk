## tui/: the console's terminal framework (ncursesw, libedit, utf8proc).
## The public API is tui/tui.h; link with $(EGOV_TUI_LIBS) $(EGOV_COMMON_LIBS).
noinst_LIBRARIES += tui/libegovtui.a
tui_libegovtui_a_SOURCES = \
	tui/tui.h tui/tui-int.h tui/list-int.h tui/i18n.h \
	tui/term.c tui/loop.c tui/screen.c tui/keys.c tui/text.c \
	tui/list.c tui/list-keys.c tui/listview.c tui/statusbar.c tui/dialog.c tui/form.c tui/pager.c \
	tui/cmdline.c
tui_libegovtui_a_CFLAGS = $(AM_CFLAGS) $(NCURSESW_CFLAGS) $(LIBEDIT_CFLAGS) \
	$(UTF8PROC_CFLAGS)
EGOV_TUI_LIBS = tui/libegovtui.a $(NCURSESW_LIBS) $(LIBEDIT_LIBS) \
	$(UTF8PROC_LIBS)

## The demo the end-to-end tests drive, and the unit tests.
check_PROGRAMS += tests/tui/tui-demo
tests_tui_tui_demo_SOURCES = tests/tui/tui-demo.c
tests_tui_tui_demo_CFLAGS = $(AM_CFLAGS) $(NCURSESW_CFLAGS)
tests_tui_tui_demo_LDADD = $(EGOV_TUI_LIBS) $(EGOV_COMMON_LIBS) $(LIBINTL)
if HAVE_CMOCKA
check_PROGRAMS += tests/tui/test-tui-text tests/tui/test-tui-logic
TESTS += tests/tui/test-tui-text tests/tui/test-tui-logic
endif
tests_tui_test_tui_text_SOURCES = tests/tui/test-tui-text.c
tests_tui_test_tui_text_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(NCURSESW_CFLAGS)
tests_tui_test_tui_text_LDADD = $(EGOV_TUI_LIBS) $(EGOV_COMMON_LIBS) \
	$(CMOCKA_LIBS) $(LIBINTL)
tests_tui_test_tui_logic_SOURCES = tests/tui/test-tui-logic.c
tests_tui_test_tui_logic_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(NCURSESW_CFLAGS)
tests_tui_test_tui_logic_LDADD = $(EGOV_TUI_LIBS) $(EGOV_COMMON_LIBS) \
	$(CMOCKA_LIBS) $(LIBINTL)
TESTS += tests/tui/test-tui-e2e.py tests/tui/test-tui-screens.py
EXTRA_DIST += tests/tui/test-tui-e2e.py tests/tui/test-tui-screens.py \
	tests/tui/demo_term.py
