## server/: egov-sim, the reference city backend (libmicrohttpd, SQLite,
## jansson).  See server/sim.h for how the files fit together and
## docs/api/openapi.yaml for the contract it serves.
bin_PROGRAMS += egov-sim
noinst_LIBRARIES += server/libegovsim.a
server_libegovsim_a_SOURCES = \
	server/sim.h server/http.c server/reply.c server/fault.c server/hash.c \
	server/store.c server/ref.c server/auth.c \
	server/seed-data.h server/seed-data.c server/seed-gen.h server/seed.c \
	server/seed-dossier.c server/seed-applicant.c server/seed-pipe.c server/view.c \
	server/refdata.c server/dossiers.c server/search.c server/row.h server/row.c server/actions.c \
	server/audit.c server/feed.c server/reports.c server/activity.c
SIM_CFLAGS = $(MHD_CFLAGS) $(SQLITE_CFLAGS) $(JANSSON_CFLAGS)
SIM_LIBS = server/libegovsim.a $(EGOV_COMMON_LIBS) $(MHD_LIBS) $(SQLITE_LIBS) $(JANSSON_LIBS) $(ZLIB_LIBS)
server_libegovsim_a_CFLAGS = $(AM_CFLAGS) $(SIM_CFLAGS)
egov_sim_SOURCES = server/main.c
egov_sim_CFLAGS = $(AM_CFLAGS) $(SIM_CFLAGS)
egov_sim_LDADD = $(SIM_LIBS)

if HAVE_CMOCKA
check_PROGRAMS += tests/server/test-sim-unit
TESTS += tests/server/test-sim-unit
endif
tests_server_test_sim_unit_SOURCES = tests/server/test-sim-unit.c
tests_server_test_sim_unit_CFLAGS = $(AM_CFLAGS) $(SIM_CFLAGS) $(CMOCKA_CFLAGS) -I$(top_srcdir)/server
tests_server_test_sim_unit_LDADD = $(SIM_LIBS) $(CMOCKA_LIBS)

SERVER_TESTS = \
	tests/server/test-auth.py tests/server/test-actions.py \
	tests/server/test-feed.py tests/server/test-http.py \
	tests/server/test-seed.py tests/server/test-faults.py \
	tests/server/test-openapi.py tests/server/test-search.py
TESTS += $(SERVER_TESTS)
EXTRA_DIST += $(SERVER_TESTS) tests/server/simtest.py tests/server/fuzz-request.c \
	tests/server/build-fuzz.sh
dist_man_MANS += docs/man/egov-sim.1
