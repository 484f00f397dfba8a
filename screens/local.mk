## screens/: one file per screen of the console, each exporting one
## declarative entry; console.c runs them.
noinst_LIBRARIES += screens/libegovscreens.a
screens_libegovscreens_a_SOURCES = screens/console.c screens/console.h
screens_libegovscreens_a_CFLAGS = $(AM_CFLAGS) $(NCURSESW_CFLAGS)
EGOV_SCREENS_LIBS = screens/libegovscreens.a
