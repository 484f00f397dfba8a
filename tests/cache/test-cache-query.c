/*
 * Finding things in the cache: full-text search that ignores case and
 * Vietnamese diacritics (đ included) and treats every word as a prefix,
 * safe against FTS and SQL syntax in the person's text; the work queues'
 * counts; keyset windows in every sort, forwards and backwards; people in
 * Vietnamese order, given name first.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"
#include "internal.h"

static const char *const names[] = {
	"Nguyễn Văn Đức", "Trần Thị Hoà Bình", "Lê Văn Hòa Bình", "Phạm Thị Đống Đa",
	"Vũ Minh An", "Đỗ Thị Ánh", "Bùi Văn Bảo", "Hoàng Thị Ân", "Ngô Quang Anh",
	"Đặng Văn Duy",
};
#define N_NAMES (sizeof names / sizeof names[0])

static fx *
filled(void)
{
	fx *f = fx_new();
	size_t i;

	for (i = 0; i < N_NAMES; i++) {
		char id[8];
		snprintf(id, sizeof id, "%04zu", i);
		fx_put(f, fx_dossier(id, 1, names[i], EAPI_STATE_RECEIVED, NULL, 0));
	}
	return f;
}

/* The applicant names a search finds, newest first, joined by "|". */
static void
found(fx *f, const char *text, char *out, size_t outlen)
{
	ecache_rows r;
	size_t i;
	int n;

	ecache_rows_init(&r);
	n = ecache_search(f->c, text, 50, &r);
	if (n < 0)
		fail_msg("search %s: %s", text, ecache_errmsg(f->c));
	out[0] = '\0';
	for (i = 0; i < r.n; i++) {
		if (i)
			strncat(out, "|", outlen - strlen(out) - 1);
		strncat(out, r.rows[i].applicant_name, outlen - strlen(out) - 1);
	}
	ecache_rows_release(&r);
}

static int
count(fx *f, const char *text)
{
	ecache_rows r;
	int n;

	ecache_rows_init(&r);
	n = ecache_search(f->c, text, 50, &r);
	ecache_rows_release(&r);
	return n;
}

static void
test_search_folds_diacritics(void **state)
{
	fx *f = filled();
	char out[1024];

	(void)state;
	found(f, "nguyen van duc", out, sizeof out);
	assert_string_equal(out, "Nguyễn Văn Đức");
	found(f, "NGUYỄN VĂN ĐỨC", out, sizeof out);
	assert_string_equal(out, "Nguyễn Văn Đức");
	found(f, "dong da", out, sizeof out);
	assert_string_equal(out, "Phạm Thị Đống Đa");
	assert_int_equal(count(f, "hoa binh"), 2);	/* Hoà and Hòa */
	assert_int_equal(count(f, "Hòa Bình"), 2);
	assert_int_equal(count(f, "duy"), 1);
	fx_free(f);
}

static void
test_search_prefix_as_you_type(void **state)
{
	fx *f = filled();
	char out[1024];

	(void)state;
	assert_int_equal(count(f, "n"), 0);		/* one letter: not yet */
	assert_int_equal(count(f, "ng"), 2);		/* Nguyễn, Ngô */
	assert_int_equal(count(f, "ngu"), 1);
	assert_int_equal(count(f, "nguyen v"), 1);
	found(f, "nguyen van d", out, sizeof out);
	assert_string_equal(out, "Nguyễn Văn Đức");
	assert_int_equal(count(f, "an"), 4);		/* An, Ánh, Ân, Anh */
	/* dossier numbers: any group of the code */
	assert_int_equal(count(f, "250313-0003"), 1);
	assert_int_equal(count(f, "H24"), (int)N_NAMES);
	/* procedure and subject */
	assert_int_equal(count(f, "khai sinh"), (int)N_NAMES);
	assert_int_equal(count(f, "   "), 0);
	assert_int_equal(count(f, ""), 0);
	assert_int_equal(count(f, "zzz"), 0);
	fx_free(f);
}

/* The index follows a renamed applicant, and keeps a row whose text did
 * not change when only its state moved. */
static void
test_search_follows_updates(void **state)
{
	fx *f = filled();

	(void)state;
	fx_put(f, fx_dossier("0000", 2, "Trần Văn Cường", EAPI_STATE_RECEIVED, NULL, 0));
	assert_int_equal(count(f, "nguyen van duc"), 0);
	assert_int_equal(count(f, "tran van cuong"), 1);
	fx_put(f, fx_dossier("0000", 3, "Trần Văn Cường", EAPI_STATE_IN_PROGRESS, "u1", 0));
	assert_int_equal(count(f, "tran van cuong"), 1);
	assert_int_equal(count(f, "khai sinh"), (int)N_NAMES);
	assert_int_equal(ecache_dossier_remove(f->c, "0000", 3), 1);
	assert_int_equal(count(f, "tran van cuong"), 0);
	fx_free(f);
}

static void
test_search_is_injection_proof(void **state)
{
	static const char *const hostile[] = {
		"\"", "\"\"", "*", "**", "OR", "AND", "NOT", "NEAR", "nguyen OR tran",
		"'); DROP TABLE dossiers; --", "applicant:duc", "^nguyen", "nguyen\"*",
		"(", ")", "{code}:1", "-", "+", "NEAR(a b)", "\\", "%", "_", "\x01",
	};
	fx *f = filled();
	size_t i;

	(void)state;
	for (i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
		int n = count(f, hostile[i]);
		if (n < 0)
			fail_msg("search for %s failed: %s", hostile[i], ecache_errmsg(f->c));
	}
	/* OR is a word, not an operator: no name has "or..." in it */
	assert_int_equal(count(f, "nguyen OR tran"), 0);
	assert_int_equal(count(f, "applicant:duc"), 0);
	assert_int_equal(ecache_dossier_count(f->c), (long long)N_NAMES);
	fx_free(f);
}

static void
test_name_sort_vietnamese(void **state)
{
	fx *f = filled();
	ecache_rows r;
	const char *expect[] = {
		/* given name first; tones are second to letters, so Ánh and
		 * Anh tie on the given name and the family name decides (Đ
		 * before N); â is a letter after a */
		"Vũ Minh An", "Đỗ Thị Ánh", "Ngô Quang Anh", "Hoàng Thị Ân", "Bùi Văn Bảo",
	};
	size_t i;

	(void)state;
	ecache_rows_init(&r);
	assert_int_equal(ecache_queue_window(f->c, ECACHE_Q_ALL, NULL, ECACHE_SORT_APPLICANT,
					     NULL, 5, &r), 5);
	for (i = 0; i < 5; i++)
		assert_string_equal(r.rows[i].applicant_name, expect[i]);
	ecache_rows_release(&r);
	/* the last one, Z to A */
	assert_int_equal(ecache_queue_window(f->c, ECACHE_Q_ALL, NULL,
					     ECACHE_SORT_APPLICANT | ECACHE_SORT_DESC, NULL, 1, &r), 1);
	assert_string_equal(r.rows[0].applicant_name, "Nguyễn Văn Đức");
	ecache_rows_release(&r);
	fx_free(f);
}

/* 300 dossiers in assorted states and due dates, for queues and windows. */
static fx *
queue_fixture(void)
{
	fx *f = fx_new();
	time_t now = fx_now();
	int i;

	for (i = 0; i < 300; i++) {
		static const eapi_state states[] = {
			EAPI_STATE_SUBMITTED, EAPI_STATE_RECEIVED, EAPI_STATE_IN_PROGRESS,
			EAPI_STATE_PENDING_APPROVAL, EAPI_STATE_SUPPLEMENT_REQUESTED,
			EAPI_STATE_RESULT_READY, EAPI_STATE_RETURNED,
		};
		char id[8], name[64];
		eapi_state st = states[i % 7];
		/* due from 10 days ago to 20 days ahead; submitted have none */
		time_t due = st == EAPI_STATE_SUBMITTED ? 0 : now + (time_t)((i % 31) - 10) * 86400;
		eapi_dossier *d;
		snprintf(id, sizeof id, "%04d", i);
		snprintf(name, sizeof name, "Người Số %d", i);
		d = fx_dossier(id, 1, name, st, (st == EAPI_STATE_IN_PROGRESS && i % 2) ? "me" : NULL, due);
		if (st == EAPI_STATE_IN_PROGRESS && i % 4 == 0)
			d->supplement_count = 1;
		fx_put(f, d);
	}
	return f;
}

static void
test_queue_counts(void **state)
{
	fx *f = queue_fixture();
	long long counts[ECACHE_Q_COUNT];
	long long by_state = 0;

	(void)state;
	assert_int_equal(ecache_queue_counts(f->c, "me", counts), 0);
	assert_int_equal(counts[ECACHE_Q_ALL], 300);
	assert_int_equal(counts[ECACHE_Q_NEW_ONLINE], 43);	/* i % 7 == 0 */
	assert_int_equal(counts[ECACHE_Q_RECEIVED], 43);
	assert_int_equal(counts[ECACHE_Q_IN_PROGRESS], 43);
	assert_int_equal(counts[ECACHE_Q_PENDING_APPROVAL], 43);
	assert_int_equal(counts[ECACHE_Q_SUPPLEMENT_WAIT], 43);
	assert_int_equal(counts[ECACHE_Q_RESULT_READY], 43);
	assert_int_equal(counts[ECACHE_Q_ACTIVE], 300 - 42);
	by_state = counts[ECACHE_Q_NEW_ONLINE] + counts[ECACHE_Q_RECEIVED] +
		   counts[ECACHE_Q_IN_PROGRESS] + counts[ECACHE_Q_PENDING_APPROVAL] +
		   counts[ECACHE_Q_SUPPLEMENT_WAIT] + counts[ECACHE_Q_RESULT_READY];
	assert_int_equal(by_state, counts[ECACHE_Q_ACTIVE]);
	assert_true(counts[ECACHE_Q_MINE] > 0 && counts[ECACHE_Q_MINE] < 43);
	assert_int_equal(counts[ECACHE_Q_MINE] + counts[ECACHE_Q_UNASSIGNED],
			 43 + 43);	/* in progress split, received unassigned */
	assert_true(counts[ECACHE_Q_SUPPLEMENT_RECEIVED] > 0);
	assert_true(counts[ECACHE_Q_OVERDUE] > 0);
	assert_true(counts[ECACHE_Q_DUE_SOON] > 0);
	assert_int_equal(counts[ECACHE_Q_UNSENT], 0);
	assert_int_equal(ecache_queue_count(f->c, ECACHE_Q_MINE, "nobody"), 0);
	fx_free(f);
}

static void
test_overdue_and_due_soon_rows(void **state)
{
	fx *f = queue_fixture();
	ecache_rows r;
	size_t i;
	long long n;

	(void)state;
	ecache_rows_init(&r);
	n = ecache_queue_window(f->c, ECACHE_Q_OVERDUE, NULL, ECACHE_SORT_DUE, NULL, 500, &r);
	assert_int_equal(n, ecache_queue_count(f->c, ECACHE_Q_OVERDUE, NULL));
	for (i = 0; i < r.n; i++) {
		assert_true(r.rows[i].overdue);
		assert_true(r.rows[i].has_due && r.rows[i].due_at < fx_now());
		assert_true(r.rows[i].working_days_left <= 0);
		assert_true(r.rows[i].state != EAPI_STATE_RESULT_READY);
	}
	n = ecache_queue_window(f->c, ECACHE_Q_DUE_SOON, NULL, ECACHE_SORT_DUE, NULL, 500, &r);
	assert_true(n > 0);
	for (i = 0; i < r.n; i++) {
		assert_false(r.rows[i].overdue);
		assert_true(r.rows[i].working_days_left >= 0 && r.rows[i].working_days_left <= 2);
	}
	ecache_rows_release(&r);
	fx_free(f);
}

/* Walking a queue window by window gives every row once, in order, for
 * every sort and direction, and walking back gives the same rows; both
 * with SQLite sorting a small queue and walking the sort index of a big
 * one (dense is the threshold between them). */
static void
keyset_windows(int dense)
{
	fx *f = queue_fixture();
	int sort, desc;

	f->c->dense_queue = dense;
	for (sort = 0; sort < ECACHE_SORT_COUNT; sort++) {
		for (desc = 0; desc < 2; desc++) {
			int s = sort | (desc ? ECACHE_SORT_DESC : 0);
			char *seen[300];
			long long total = ecache_queue_count(f->c, ECACHE_Q_ACTIVE, NULL);
			size_t n = fx_walk_queue(f, ECACHE_Q_ACTIVE, s, 7, seen, 300), i, j;

			assert_int_equal(n, total);
			for (i = 0; i < n; i++)
				for (j = i + 1; j < n; j++)
					assert_string_not_equal(seen[i], seen[j]);
			for (i = 0; i < n; i++)
				free(seen[i]);
		}
	}
	fx_free(f);
}

static void
test_keyset_windows(void **state)
{
	(void)state;
	keyset_windows(5000);
	keyset_windows(10);
}

static void
test_due_sort_order_and_bad_keys(void **state)
{
	fx *f = queue_fixture();
	ecache_rows r;
	size_t i;

	(void)state;
	ecache_rows_init(&r);
	assert_int_equal(ecache_queue_window(f->c, ECACHE_Q_ALL, NULL, ECACHE_SORT_DUE, NULL,
					     300, &r), 300);
	for (i = 1; i < r.n; i++) {
		if (!r.rows[i].has_due)
			continue;
		assert_true(r.rows[i - 1].has_due);
		assert_true(r.rows[i - 1].due_at <= r.rows[i].due_at);
	}
	assert_false(r.rows[0].has_due == 0);
	assert_false(r.rows[299].has_due);	/* no due date sorts last */
	assert_int_equal(ecache_queue_window(f->c, ECACHE_Q_ALL, NULL, ECACHE_SORT_DUE,
					     "garbage", 5, &r), -1);
	assert_int_equal(ecache_queue_window(f->c, ECACHE_Q_ALL, NULL, ECACHE_SORT_CODE,
					     "zz:1", 5, &r), -1);
	ecache_rows_release(&r);
	fx_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_search_folds_diacritics),
		cmocka_unit_test(test_search_prefix_as_you_type),
		cmocka_unit_test(test_search_follows_updates),
		cmocka_unit_test(test_search_is_injection_proof),
		cmocka_unit_test(test_name_sort_vietnamese),
		cmocka_unit_test(test_queue_counts),
		cmocka_unit_test(test_overdue_and_due_soon_rows),
		cmocka_unit_test(test_keyset_windows),
		cmocka_unit_test(test_due_sort_order_and_bad_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
