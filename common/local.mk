## common/: what egov-sim, the cache and the console share: Vietnamese text
## rules, working-day arithmetic, identifiers.
noinst_LIBRARIES += common/libegovcommon.a
common_libegovcommon_a_SOURCES = \
	common/vntext.c common/vntext.h \
	common/workdays.c common/workdays.h \
	common/ident.c common/ident.h
common_libegovcommon_a_CFLAGS = $(AM_CFLAGS) $(UTF8PROC_CFLAGS)
EGOV_COMMON_LIBS = common/libegovcommon.a $(UTF8PROC_LIBS)
