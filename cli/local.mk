## cli/: the egov program: the console when run bare, subcommands otherwise.
bin_PROGRAMS += egov
egov_SOURCES = cli/egov.c
egov_CFLAGS = $(AM_CFLAGS)
egov_LDADD = $(EGOV_COMMON_LIBS) $(LIBINTL)
