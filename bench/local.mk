## bench/: benchmarks, run by a person with `bench/run` (writes
## bench/RESULTS.md) and checked against the budgets with `bench/check`.
## They are not tests: nothing here is added to TESTS, so ./run-tests never
## times anything.  bench/bench-cache.c belongs to cache/local.mk.
EXTRA_DIST += bench/run bench/check bench/benchlib.py bench/simlib.py \
	bench/bench_backend.py bench/bench_sync.py bench/bench_console.py \
	bench/bench_cache.py bench/RESULTS.md bench/results.json

## tests/reliability/: faults, roles and hostile input.  These are tests
## (fast, TAP, in ./run-tests); the fault proxy itself is tests/lib/faultproxy.py.
RELIABILITY_TESTS = \
	tests/reliability/test-faultproxy.py \
	tests/reliability/test-roles.py \
	tests/reliability/test-support-masking.py \
	tests/reliability/test-sql-injection.py \
	tests/reliability/test-idempotency-faults.py
TESTS += $(RELIABILITY_TESTS)
EXTRA_DIST += tests/lib/faultproxy.py $(RELIABILITY_TESTS)

## The soak (three egov clients, faults, SIGKILLs; EGOV_SOAK_ACTIONS=500
## for the long run) and disk-full / read-only cache tests.
RELIABILITY_SOAK_TESTS = tests/reliability/test-soak.py tests/reliability/test-disk.py
TESTS += $(RELIABILITY_SOAK_TESTS)
EXTRA_DIST += $(RELIABILITY_SOAK_TESTS)

## tests/fuzz/: libFuzzer harnesses for the configuration parser and the
## change-feed applier, and the runner that builds and runs every harness
## of the tree with clang (briefly here; `--long 600` by hand).
TESTS += tests/fuzz/run-fuzzers.sh
EXTRA_DIST += tests/fuzz/run-fuzzers.sh tests/fuzz/fuzz-config.c tests/fuzz/fuzz-feed.c \
	tools/valgrind-tests
