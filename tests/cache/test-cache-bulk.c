/*
 * A big first sync without the sort indexes (cache/bulk.c): the page that
 * takes a first sync past bulk_min drops them, long queues are read in
 * arrival order meanwhile, every row once in both directions, and the page
 * that ends the feed builds them again as a fresh cache has them.  A small
 * first sync, a sync from a cursor and a page that fails never drop them;
 * a cache left without them and no first sync under way (the program died
 * before the build) gets them back at the next page, and closing waits for
 * a build.
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

#define PAGE 10

static const char *const applicants[] = {
	"Nguyễn Văn An", "Trần Thị Bình", "Lê Đức Anh", "Đặng Thu Hà",
};

/* Page `k` of a feed: PAGE dossiers numbered from k * PAGE, due dates in
 * the opposite order to their arrival, so arrival order and due order
 * differ. */
static eapi_change_page *
feed_page(int k, int more)
{
	eapi_change_page *p = calloc(1, sizeof *p);
	char id[16], cur[16];
	int i;

	assert_non_null(p);
	p->changes = calloc(PAGE, sizeof *p->changes);
	assert_non_null(p->changes);
	p->n = PAGE;
	for (i = 0; i < PAGE; i++) {
		int at = k * PAGE + i;
		snprintf(id, sizeof id, "d%04d", at);
		p->changes[i].seq = at + 1;
		p->changes[i].op = EAPI_CHANGE_UPSERT;
		p->changes[i].id = strdup(id);
		p->changes[i].version = 1;
		p->changes[i].dossier = fx_dossier(id, 1, applicants[at % 4], EAPI_STATE_RECEIVED,
						   NULL, fx_now() + (time_t)(1000 - at) * 3600);
	}
	snprintf(cur, sizeof cur, "c%d", (k + 1) * PAGE);
	p->next_cursor = strdup(cur);
	p->more = more;
	return p;
}

static int
apply(fx *f, eapi_change_page *p)
{
	int r = ecache_apply_changes(f->c, p);

	eapi_change_page_free(p);
	return r;
}

/* ecache_sorted() once the cache's thread has built what it was asked to
 * (checkpoint.c builds the indexes off the caller's thread). */
static int
sorted_when_built(fx *f)
{
	ecache_checkpointer_drain(f->c);
	return ecache_sorted(f->c);
}

/* The sort indexes' definitions as sqlite_schema holds them, joined. */
static char *
index_sql(ecache *c)
{
	sqlite3_stmt *st;
	char *out = calloc(1, 4096);

	assert_non_null(out);
	assert_int_equal(sqlite3_prepare_v2(c->db, "SELECT name || ':' || sql FROM sqlite_schema"
					    " WHERE type = 'index' AND tbl_name = 'dossiers'"
					    " AND sql IS NOT NULL ORDER BY name", -1, &st, NULL),
			 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		strncat(out, (const char *)sqlite3_column_text(st, 0), 4000 - strlen(out));
		strcat(out, "\n");
	}
	sqlite3_finalize(st);
	return out;
}

/* The names (fresh.c) are left out during a big first sync and made whole
 * at its end: the queue in applicant order then walks in the order SQLite
 * sorts the table in, every row once both ways. */
static void
assert_names_whole(fx *f)
{
	char *seen[100];
	size_t n, i;
	sqlite3_stmt *st;

	assert_int_equal(fx_count(f, "SELECT count(*) FROM names"),
			 fx_count(f, "SELECT count(*) FROM dossiers"));
	assert_int_equal(fx_count(f, "SELECT count(*) FROM names_fresh"), 0);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM meta WHERE key = 'names_stale'"), 0);
	assert_int_equal(fx_count(f, "SELECT v FROM dossier_fts_config WHERE k = 'automerge'"),
			 0);
	n = fx_walk_queue(f, ECACHE_Q_ACTIVE, ECACHE_SORT_APPLICANT, 7, seen, 100);
	assert_int_equal(n, fx_count(f, "SELECT count(*) FROM dossiers"));
	assert_int_equal(sqlite3_prepare_v2(f->c->db, "SELECT id FROM dossiers ORDER BY name_key, rid",
					    -1, &st, NULL), SQLITE_OK);
	for (i = 0; i < n; i++) {
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_string_equal(seen[i], (const char *)sqlite3_column_text(st, 0));
		free(seen[i]);
	}
	sqlite3_finalize(st);
}

/* The active queue sorted by due date, walked both ways in windows of 7
 * (fx_walk_queue): every row once; the dossiers' numbers in the order
 * walked, "|"-joined. */
static char *
walk(fx *f)
{
	char *seen[100], *out = calloc(1, 1200);
	size_t n, i;

	assert_non_null(out);
	n = fx_walk_queue(f, ECACHE_Q_ACTIVE, ECACHE_SORT_DUE, 7, seen, 100);
	assert_int_equal(n, ecache_queue_count(f->c, ECACHE_Q_ACTIVE, NULL));
	for (i = 0; i < n; i++) {
		/* "d0012" -> "12" */
		snprintf(out + strlen(out), 1200 - strlen(out), "%s%d", i ? "|" : "",
			 atoi(seen[i] + 1));
		free(seen[i]);
	}
	return out;
}

static fx *
bulk_fixture(void)
{
	fx *f = fx_new();

	f->c->bulk_min = 25;
	f->c->dense_queue = 5;	/* every queue here is "long" */
	return f;
}

static void
test_big_first_sync_goes_without_and_builds_them(void **state)
{
	fx *f = bulk_fixture(), *fresh = fx_new();
	char *want = index_sql(fresh->c), *order;

	(void)state;
	assert_int_equal(apply(f, feed_page(0, 1)), PAGE);
	assert_int_equal(apply(f, feed_page(1, 1)), PAGE);
	assert_int_equal(sorted_when_built(f), 1);
	/* the third page takes it to 30, past 25 */
	assert_int_equal(apply(f, feed_page(2, 1)), PAGE);
	assert_int_equal(ecache_sorted(f->c), 0);
	/* no names meanwhile, the ids straight in the main table, and FTS5
	 * merging inside the commits */
	assert_int_equal(fx_count(f, "SELECT (SELECT count(*) FROM names) +"
				  " (SELECT count(*) FROM names_fresh)"), 0);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM ids_fresh"), 20);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM ids"), 10);
	assert_int_equal(fx_count(f, "SELECT v FROM dossier_fts_config WHERE k = 'automerge'"),
			 8);
	order = walk(f);
	assert_string_equal(order, "0|1|2|3|4|5|6|7|8|9|10|11|12|13|14|15|16|17|18|19|20|21|22|"
				   "23|24|25|26|27|28|29");
	free(order);
	/* a restart in the middle changes nothing */
	fx_reopen(f);
	f->c->bulk_min = 25;
	f->c->dense_queue = 5;
	assert_int_equal(apply(f, feed_page(3, 1)), PAGE);
	assert_int_equal(ecache_sorted(f->c), 0);
	/* the end of the feed */
	assert_int_equal(apply(f, feed_page(4, 0)), PAGE);
	assert_int_equal(sorted_when_built(f), 1);
	{
		char *got = index_sql(f->c);
		assert_string_equal(got, want);
		free(got);
	}
	assert_names_whole(f);
	order = walk(f);	/* due dates run opposite to arrival */
	assert_string_equal(order, "49|48|47|46|45|44|43|42|41|40|39|38|37|36|35|34|33|32|31|"
				   "30|29|28|27|26|25|24|23|22|21|20|19|18|17|16|15|14|13|12|"
				   "11|10|9|8|7|6|5|4|3|2|1|0");
	free(order);
	free(want);
	fx_free(fresh);
	fx_free(f);
}

static void
test_small_or_cursor_sync_keeps_them(void **state)
{
	fx *f = bulk_fixture();
	int k;

	(void)state;
	f->c->bulk_min = 1000;
	for (k = 0; k < 3; k++)
		assert_int_equal(apply(f, feed_page(k, 1)), PAGE);
	assert_int_equal(sorted_when_built(f), 1);
	assert_int_equal(apply(f, feed_page(3, 0)), PAGE);
	/* later rounds read from a cursor: not a first sync, however big */
	f->c->bulk_min = 1;
	for (k = 4; k < 7; k++)
		assert_int_equal(apply(f, feed_page(k, 1)), PAGE);
	assert_int_equal(sorted_when_built(f), 1);
	fx_free(f);
}

/* A 410 drops the dossiers and the cursor: the feed read again from the
 * start is a first sync like any other. */
static void
test_restart_after_410_is_a_first_sync(void **state)
{
	fx *f = bulk_fixture();
	int k;

	(void)state;
	for (k = 0; k < 2; k++)
		assert_int_equal(apply(f, feed_page(k, 0)), PAGE);
	assert_int_equal(ecache_drop_dossiers(f->c), 0);
	for (k = 0; k < 3; k++)
		assert_int_equal(apply(f, feed_page(k, 1)), PAGE);
	assert_int_equal(ecache_sorted(f->c), 0);
	assert_int_equal(apply(f, feed_page(3, 0)), PAGE);
	assert_int_equal(sorted_when_built(f), 1);
	fx_free(f);
}

/* A page that fails is not applied, the indexes' drop with it. */
static void
test_failed_page_keeps_them(void **state)
{
	fx *f = bulk_fixture();
	eapi_change_page *p;

	(void)state;
	assert_int_equal(apply(f, feed_page(0, 1)), PAGE);
	assert_int_equal(apply(f, feed_page(1, 1)), PAGE);
	p = feed_page(2, 1);
	eapi_dossier_free(p->changes[PAGE - 1].dossier);
	p->changes[PAGE - 1].dossier = NULL;	/* an upsert without its dossier */
	assert_int_equal(apply(f, p), -1);
	assert_int_equal(ecache_dossier_count(f->c), 2 * PAGE);
	assert_int_equal(sorted_when_built(f), 1);
	fx_free(f);
}

/* The program died after the last page's commit, before the build. */
static void
test_missing_after_a_crash_are_built_at_the_next_page(void **state)
{
	fx *f = bulk_fixture();
	int k;

	(void)state;
	for (k = 0; k < 3; k++)
		assert_int_equal(apply(f, feed_page(k, 1)), PAGE);
	assert_int_equal(ecache_sorted(f->c), 0);
	assert_int_equal(ecache_meta_set(f->c, "first_sync", "0"), 0);
	fx_reopen(f);
	assert_int_equal(ecache_sorted(f->c), 0);
	assert_int_equal(apply(f, feed_page(3, 0)), PAGE);
	assert_int_equal(sorted_when_built(f), 1);
	fx_free(f);
}

/* A program that closes right after the first sync's last page (`egov
 * sync` does) leaves the indexes built: closing waits for the build.  The
 * close usually comes before the thread has even started the build, not
 * always: forty first syncs, each closed at once. */
static void
test_closing_waits_for_the_build(void **state)
{
	fx *f = bulk_fixture();
	char *order;
	int round, k;

	(void)state;
	for (round = 0; round < 40; round++) {
		assert_int_equal(ecache_drop_dossiers(f->c), 0);
		for (k = 0; k < 3; k++)
			assert_int_equal(apply(f, feed_page(k, 1)), PAGE);
		assert_int_equal(ecache_sorted(f->c), 0);
		assert_int_equal(apply(f, feed_page(3, 0)), PAGE);
		fx_reopen(f);
		assert_int_equal(ecache_sorted(f->c), 1);
		f->c->bulk_min = 25;
		f->c->dense_queue = 5;
	}
	order = walk(f);
	assert_string_equal(order, "39|38|37|36|35|34|33|32|31|30|29|28|27|26|25|24|23|22|21|"
				   "20|19|18|17|16|15|14|13|12|11|10|9|8|7|6|5|4|3|2|1|0");
	free(order);
	fx_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_big_first_sync_goes_without_and_builds_them),
		cmocka_unit_test(test_small_or_cursor_sync_keeps_them),
		cmocka_unit_test(test_restart_after_410_is_a_first_sync),
		cmocka_unit_test(test_failed_page_keeps_them),
		cmocka_unit_test(test_missing_after_a_crash_are_built_at_the_next_page),
		cmocka_unit_test(test_closing_waits_for_the_build),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
