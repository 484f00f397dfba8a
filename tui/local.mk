## tui/: the console's terminal framework (ncursesw, libedit, utf8proc).
## The public API is tui/tui.h; link with $(EGOV_TUI_LIBS) $(EGOV_COMMON_LIBS).
noinst_LIBRARIES += tui/libegovtui.a
tui_libegovtui_a_SOURCES = \
	tui/tui.h tui/tui-int.h tui/i18n.h \
	tui/term.c tui/loop.c tui/screen.c tui/keys.c tui/text.c \
	tui/list.c tui/statusbar.c tui/dialog.c tui/form.c tui/pager.c \
	tui/cmdline.c
tui_libegovtui_a_CFLAGS = $(AM_CFLAGS) $(NCURSESW_CFLAGS) $(LIBEDIT_CFLAGS) \
	$(UTF8PROC_CFLAGS)
EGOV_TUI_LIBS = tui/libegovtui.a $(NCURSESW_LIBS) $(LIBEDIT_LIBS) \
	$(UTF8PROC_LIBS)
