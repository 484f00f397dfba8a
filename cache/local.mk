## cache/: the offline SQLite cache, the outbox and the sync engine
## (libegovcache, public header cache/cache.h).  Others link
## $(EGOV_CACHE_LIBS) $(EGOV_API_LIBS) $(EGOV_COMMON_LIBS).
noinst_LIBRARIES += cache/libegovcache.a
cache_libegovcache_a_SOURCES = \
	cache/cache.h cache/internal.h cache/recover.h cache/reference.h cache/sync.h \
	cache/store.c cache/checkpoint.c cache/recover.c cache/schema.c \
	cache/dossiers.c cache/overlay.c cache/effects.c \
	cache/rows.c cache/queues.c cache/counts.c cache/search.c \
	cache/reference.c cache/procedures.c cache/calendar.c \
	cache/outbox.c cache/answers.c cache/feed.c cache/bulk.c cache/fresh.c \
	cache/sync.c cache/sync-ref.c cache/sync-push.c cache/sync-pull.c \
	cache/location.c
cache_libegovcache_a_CFLAGS = $(AM_CFLAGS) $(SQLITE_CFLAGS) $(JANSSON_CFLAGS)
EGOV_CACHE_LIBS = cache/libegovcache.a $(SQLITE_LIBS) $(JANSSON_LIBS) -lpthread

## Unit tests: real SQLite files in a temporary folder (tests/cache/).
if HAVE_CMOCKA
check_PROGRAMS += tests/cache/test-cache-store tests/cache/test-cache-query \
	tests/cache/test-cache-outbox tests/cache/test-cache-counts \
	tests/cache/test-cache-checkpoint tests/cache/test-cache-bulk \
	tests/cache/test-cache-fresh
TESTS += tests/cache/test-cache-store tests/cache/test-cache-query \
	tests/cache/test-cache-outbox tests/cache/test-cache-counts \
	tests/cache/test-cache-checkpoint tests/cache/test-cache-bulk \
	tests/cache/test-cache-fresh
endif
CACHE_TEST_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(SQLITE_CFLAGS) -I$(top_srcdir)/tests/cache
CACHE_TEST_LIBS = $(EGOV_CACHE_LIBS) $(EGOV_API_LIBS) $(EGOV_COMMON_LIBS) $(CMOCKA_LIBS)
tests_cache_test_cache_store_SOURCES = tests/cache/test-cache-store.c \
	tests/cache/fixture.c tests/cache/fixture.h
tests_cache_test_cache_store_CFLAGS = $(CACHE_TEST_CFLAGS)
tests_cache_test_cache_store_LDADD = $(CACHE_TEST_LIBS)
tests_cache_test_cache_query_SOURCES = tests/cache/test-cache-query.c \
	tests/cache/fixture.c tests/cache/fixture.h
tests_cache_test_cache_query_CFLAGS = $(CACHE_TEST_CFLAGS)
tests_cache_test_cache_query_LDADD = $(CACHE_TEST_LIBS)
tests_cache_test_cache_outbox_SOURCES = tests/cache/test-cache-outbox.c \
	tests/cache/fixture.c tests/cache/fixture.h
tests_cache_test_cache_outbox_CFLAGS = $(CACHE_TEST_CFLAGS)
tests_cache_test_cache_outbox_LDADD = $(CACHE_TEST_LIBS)
tests_cache_test_cache_counts_SOURCES = tests/cache/test-cache-counts.c \
	tests/cache/fixture.c tests/cache/fixture.h
tests_cache_test_cache_counts_CFLAGS = $(CACHE_TEST_CFLAGS)
tests_cache_test_cache_counts_LDADD = $(CACHE_TEST_LIBS)
tests_cache_test_cache_checkpoint_SOURCES = tests/cache/test-cache-checkpoint.c \
	tests/cache/fixture.c tests/cache/fixture.h
tests_cache_test_cache_checkpoint_CFLAGS = $(CACHE_TEST_CFLAGS)
tests_cache_test_cache_checkpoint_LDADD = $(CACHE_TEST_LIBS)
tests_cache_test_cache_bulk_SOURCES = tests/cache/test-cache-bulk.c \
	tests/cache/fixture.c tests/cache/fixture.h
tests_cache_test_cache_bulk_CFLAGS = $(CACHE_TEST_CFLAGS)
tests_cache_test_cache_bulk_LDADD = $(CACHE_TEST_LIBS)
tests_cache_test_cache_fresh_SOURCES = tests/cache/test-cache-fresh.c \
	tests/cache/fixture.c tests/cache/fixture.h
tests_cache_test_cache_fresh_CFLAGS = $(CACHE_TEST_CFLAGS)
tests_cache_test_cache_fresh_LDADD = $(CACHE_TEST_LIBS)

## Integration tests against a real egov-sim, through a small driver that
## performs one cache operation per run.
check_PROGRAMS += tests/cache/cache-driver
tests_cache_cache_driver_SOURCES = tests/cache/cache-driver.c
tests_cache_cache_driver_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
tests_cache_cache_driver_LDADD = $(EGOV_CACHE_LIBS) $(EGOV_API_LIBS) $(EGOV_COMMON_LIBS)
TESTS += tests/cache/test-cache-sim.py
EXTRA_DIST += tests/cache/test-cache-sim.py

## The cache benchmark (bench/run runs it; not a test).
noinst_PROGRAMS += bench/bench-cache
bench_bench_cache_SOURCES = bench/bench-cache.c bench/synth-city.c bench/synth-city.h
bench_bench_cache_LDADD = $(EGOV_CACHE_LIBS) $(EGOV_API_LIBS) $(EGOV_COMMON_LIBS)
