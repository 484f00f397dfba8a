## server/: egov-sim, the reference city backend (libmicrohttpd, SQLite,
## jansson).  See server/sim.h for how the files fit together and
## docs/api/openapi.yaml for the contract it serves.
bin_PROGRAMS += egov-sim
egov_sim_SOURCES = \
	server/sim.h server/main.c server/http.c server/fault.c server/hash.c \
	server/store.c server/ref.c server/auth.c \
	server/seed-data.h server/seed-data.c server/seed-gen.h server/seed.c \
	server/seed-dossier.c server/seed-pipe.c server/view.c server/refdata.c server/dossiers.c \
	server/row.h server/row.c server/actions.c server/feed.c server/reports.c \
	server/activity.c
egov_sim_CFLAGS = $(AM_CFLAGS) $(MHD_CFLAGS) $(SQLITE_CFLAGS) $(JANSSON_CFLAGS)
egov_sim_LDADD = $(EGOV_COMMON_LIBS) $(MHD_LIBS) $(SQLITE_LIBS) $(JANSSON_LIBS) -lz

SERVER_TESTS = \
	tests/server/test-auth.py tests/server/test-actions.py \
	tests/server/test-feed.py tests/server/test-http.py \
	tests/server/test-seed.py tests/server/test-faults.py \
	tests/server/test-openapi.py
TESTS += $(SERVER_TESTS)
EXTRA_DIST += $(SERVER_TESTS) tests/server/simtest.py
dist_man_MANS += docs/man/egov-sim.1
