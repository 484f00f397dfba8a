/*
 * Unit tests of egov-sim's pure logic, where a wrong answer would be hard
 * to see over HTTP: SHA-256 against the FIPS 180-4 vectors (documents and
 * ETags depend on it), the seed PRNG's determinism and range, --fault
 * parsing, and the visibility rule of each role.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sim.h"

static void test_sha256_vectors(void **state)
{
	char hex[65];
	static const char two_blocks[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

	(void)state;
	sim_sha256_hex("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sim_sha256_hex("", 0, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sim_sha256_hex(two_blocks, strlen(two_blocks), hex);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_rng_is_deterministic_and_in_range(void **state)
{
	sim_rng a, b;
	int i, seen[10] = { 0 };

	(void)state;
	sim_rng_seed(&a, 42);
	sim_rng_seed(&b, 42);
	for (i = 0; i < 1000; i++) {
		uint64_t x = sim_rng_below(&a, 10);
		assert_int_equal(x, sim_rng_below(&b, 10));
		assert_true(x < 10);
		seen[x]++;
	}
	for (i = 0; i < 10; i++)
		assert_true(seen[i] > 50);
	sim_rng_seed(&b, 43);
	assert_int_not_equal(sim_rng_next(&a), sim_rng_next(&b));
	for (i = 0; i < 1000; i++) {
		double u = sim_rng_unit(&a);
		assert_true(u >= 0 && u < 1);
	}
	assert_int_not_equal(sim_mix64(1), sim_mix64(2));
}

static void test_fault_spec(void **state)
{
	sim_fault f;
	char err[128];

	(void)state;
	memset(&f, 0, sizeof(f));
	assert_int_equal(sim_fault_parse(&f, "latency=300ms,jitter=100ms,error=0.1,drop=0.05,"
					 "drop-after-commit=0.05,stall=0.02:5s,hold=2s", err, sizeof(err)), 0);
	assert_int_equal(f.latency_ms, 300);
	assert_int_equal(f.jitter_ms, 100);
	assert_true(f.error > 0.09 && f.error < 0.11);
	assert_true(f.drop_after_commit > 0.04 && f.drop_after_commit < 0.06);
	assert_true(f.stall > 0.01 && f.stall < 0.03);
	assert_int_equal(f.stall_ms, 5000);
	assert_int_equal(f.hold_ms, 2000);
	assert_int_equal(sim_fault_parse(&f, "error=2", err, sizeof(err)), -1);
	assert_int_equal(sim_fault_parse(&f, "gremlins=1", err, sizeof(err)), -1);
	assert_int_equal(sim_fault_parse(&f, "latency", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "latency"));
}

static void test_visibility(void **state)
{
	/* Writable strings: the structures hold char *, not const. */
	char a01[] = "a01", a02[] = "a02", a03[] = "a03", u1[] = "u1", u2[] = "u2", u3[] = "u3";
	char u4[] = "u4", x[] = "x";
	sim_agency ag[3] = {
		{ a01, x, x, x, NULL, SIM_LEVEL_CITY, -1 },
		{ a02, x, x, x, a01, SIM_LEVEL_DEPARTMENT, 0 },
		{ a03, x, x, x, a01, SIM_LEVEL_WARD, 0 },
	};
	sim_person officer = { u1, x, x, a03, x, SIM_ROLE_OFFICER };
	sim_person ward_head = { u2, x, x, a03, x, SIM_ROLE_SUPERVISOR };
	sim_person city_head = { u3, x, x, a01, x, SIM_ROLE_SUPERVISOR };
	sim_person help = { u4, x, x, a01, x, SIM_ROLE_SUPPORT };
	sim_ref ref;
	sim_caller c;

	(void)state;
	memset(&ref, 0, sizeof(ref));
	ref.agencies = ag;
	ref.n_agencies = 3;
	c.person = &officer;
	c.role = SIM_ROLE_OFFICER;
	assert_true(sim_visible(&c, &ref, "a03", NULL));
	assert_true(sim_visible(&c, &ref, "a03", "u1"));
	assert_false(sim_visible(&c, &ref, "a03", "u9"));
	assert_false(sim_visible(&c, &ref, "a02", NULL));
	c.person = &ward_head;
	c.role = SIM_ROLE_SUPERVISOR;
	assert_true(sim_visible(&c, &ref, "a03", "u9"));
	assert_false(sim_visible(&c, &ref, "a02", NULL));
	c.person = &city_head;
	assert_true(sim_visible(&c, &ref, "a02", "u9"));
	assert_true(sim_visible(&c, &ref, "a03", NULL));
	c.person = &help;
	c.role = SIM_ROLE_SUPPORT;
	assert_true(sim_visible(&c, &ref, "a02", "u9"));
}

static void test_documents_are_deterministic(void **state)
{
	size_t n1, n2, n3;
	char *a = sim_document_bytes("abc", "d1", "Tờ khai", &n1);
	char *b = sim_document_bytes("abc", "d1", "Tờ khai", &n2);
	char *c = sim_document_bytes("abc", "d2", "Tờ khai", &n3);

	(void)state;
	assert_non_null(a);
	assert_int_equal(n1, n2);
	assert_memory_equal(a, b, n1);
	assert_true(n1 != n3 || memcmp(a, c, n1) != 0);
	assert_memory_equal(a, "%PDF-1.4", 8);
	free(a);
	free(b);
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_vectors),
		cmocka_unit_test(test_rng_is_deterministic_and_in_range),
		cmocka_unit_test(test_fault_spec),
		cmocka_unit_test(test_visibility),
		cmocka_unit_test(test_documents_are_deterministic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
