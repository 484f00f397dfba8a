## api-client/: libegovapi, the city API library (issue 4).  A static
## library with a public header (api-client/include/egov/api.h), libcurl and
## jansson inside, no ncurses and no SQLite.  Programs link it with
## $(EGOV_API_LIBS) $(EGOV_COMMON_LIBS).
noinst_LIBRARIES += api-client/libegovapi.a
api_client_libegovapi_a_SOURCES = \
	api-client/include/egov/api.h \
	api-client/internal.h \
	api-client/json-util.c \
	api-client/errors.c \
	api-client/decode-dossier.c \
	api-client/encode-dossier.c \
	api-client/decode-reference.c \
	api-client/decode-feed.c \
	api-client/client.c \
	api-client/request.c \
	api-client/completion.c \
	api-client/transfer.c \
	api-client/answer.c \
	api-client/netthread.c \
	api-client/refresh.c
api_client_libegovapi_a_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS) $(JANSSON_CFLAGS)
EGOV_API_LIBS = api-client/libegovapi.a $(EGOV_COMMON_LIBS) $(CURL_LIBS) $(JANSSON_LIBS) -lpthread

## tests/api/: api-probe performs one library call and prints it as JSON;
## the Python scripts drive it against a loopback responder with canned
## answers (test-api-data.py, data in tests/api/data/) and against egov-sim
## (test-api-sim.py).  run-fuzz.sh builds the libFuzzer harness with clang.
check_PROGRAMS += tests/api/api-probe
tests_api_api_probe_SOURCES = tests/api/api-probe.c tests/api/probe-json.c tests/api/probe.h
tests_api_api_probe_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
tests_api_api_probe_LDADD = $(EGOV_API_LIBS)
TESTS += tests/api/test-api-data.py
EXTRA_DIST += tests/api/test-api-data.py tests/api/responder.py tests/api/data
TESTS += tests/api/run-fuzz.sh
EXTRA_DIST += tests/api/run-fuzz.sh tests/api/fuzz-decode.c
TESTS += tests/api/test-api-sim.py
EXTRA_DIST += tests/api/test-api-sim.py

## The refresh hook (eapi_options.refresh_begin/end) against egov-sim:
## refresh-probe sends requests the server refuses and reports what the
## hook was asked and told; test-api-refresh.py counts egov-sim's grants.
check_PROGRAMS += tests/api/refresh-probe
tests_api_refresh_probe_SOURCES = tests/api/refresh-probe.c
tests_api_refresh_probe_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
tests_api_refresh_probe_LDADD = $(EGOV_API_LIBS)
TESTS += tests/api/test-api-refresh.py
EXTRA_DIST += tests/api/test-api-refresh.py
