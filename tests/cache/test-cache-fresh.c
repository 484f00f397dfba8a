/*
 * The id and name lookups in two tiers (cache/fresh.c): a new dossier's
 * keys go to the fresh tables, merges move them to the main ones a chunk
 * at a time, and whatever the split, every dossier is found by its id,
 * every queue in applicant order gives each row once in the right order
 * both ways, removals and renames leave no key behind, and the thread
 * merges once a page finds the fresh tables full enough.  The same thread
 * merges the search index's segments, which FTS5 no longer does inside
 * each commit.
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
	"Nguyễn Văn An", "Trần Thị Bình", "Lê Đức Anh", "Phạm Minh Đức", "Hoàng Thu Hà",
	"Đặng Văn Bình", "Bùi Thị An", "Vũ Quang Hải", "Đỗ Ngọc Ánh", "Ngô Xuân Yến",
};

/* Dossier i's id: out of arrival order, as a city's random ids are. */
static void
id_of(int i, char *out, size_t len)
{
	snprintf(out, len, "x%04d", (i * 7919) % 10000);
}

static void
put_range(fx *f, int from, int to)
{
	char id[32];
	int i;

	for (i = from; i < to; i++) {
		id_of(i, id, sizeof id);
		fx_put(f, fx_dossier(id, 1, names[i % 10], EAPI_STATE_RECEIVED, NULL,
				     fx_now() + (time_t)i * 3600));
	}
}

/* Each dossier's id and name key in exactly one tier, and nothing else
 * in either; and SQLite finds the file sound. */
static void
assert_tiers_agree(fx *f)
{
	long long n = fx_count(f, "SELECT count(*) FROM dossiers");

	assert_int_equal(fx_count(f, "SELECT count(*) FROM ids") +
			 fx_count(f, "SELECT count(*) FROM ids_fresh"), n);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM names") +
			 fx_count(f, "SELECT count(*) FROM names_fresh"), n);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM dossiers d WHERE"
				  " (SELECT count(*) FROM ids WHERE id = d.id AND rid = d.rid) +"
				  " (SELECT count(*) FROM ids_fresh WHERE id = d.id AND rid = d.rid) = 1"
				  " AND (SELECT count(*) FROM names WHERE name_key = d.name_key"
				  "      AND rid = d.rid) +"
				  " (SELECT count(*) FROM names_fresh WHERE name_key = d.name_key"
				  "      AND rid = d.rid) = 1"), n);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM pragma_integrity_check"
				  " WHERE integrity_check <> 'ok'"), 0);
}

/* Every dossier found by its id through the library. */
static void
assert_all_found(fx *f, int from, int to)
{
	char id[32];
	int i;

	for (i = from; i < to; i++) {
		eapi_dossier *d;
		id_of(i, id, sizeof id);
		d = ecache_dossier_get(f->c, id, NULL);
		assert_non_null(d);
		assert_string_equal(d->id, id);
		assert_string_equal(d->applicant_name, names[i % 10]);
		eapi_dossier_free(d);
	}
}

/* The queue in applicant order, walked window by window both ways with
 * the long-queue path, against SQLite sorting the whole table. */
static void
assert_name_order(fx *f)
{
	char *seen[400];
	size_t n, i;
	sqlite3_stmt *st = NULL;

	f->c->dense_queue = 5;
	n = fx_walk_queue(f, ECACHE_Q_ALL, ECACHE_SORT_APPLICANT, 7, seen, 400);
	assert_int_equal(n, fx_count(f, "SELECT count(*) FROM dossiers"));
	assert_int_equal(sqlite3_prepare_v2(f->c->db, "SELECT id FROM dossiers"
					    " ORDER BY name_key, rid", -1, &st, NULL), SQLITE_OK);
	for (i = 0; i < n; i++) {
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_string_equal(seen[i], (const char *)sqlite3_column_text(st, 0));
		free(seen[i]);
	}
	sqlite3_finalize(st);
	f->c->dense_queue = 5000;
}

static void
test_new_keys_fresh_then_merged_in_chunks(void **state)
{
	fx *f = fx_new();
	ecache_fresh_sweep *sw;
	long long before;
	int moved, steps = 0;

	(void)state;
	put_range(f, 0, 120);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM ids_fresh"), 120);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM names_fresh"), 120);
	assert_int_equal(ecache_fresh_size(f->c->db), 120);
	assert_all_found(f, 0, 120);
	assert_name_order(f);
	/* a sweep in chunks of 50: the ids from the lowest, then the names;
	 * the tiers agree after each */
	sw = ecache_fresh_sweep_new();
	assert_non_null(sw);
	while ((moved = ecache_fresh_sweep_step(f->c->db, sw, 50)) > 0) {
		assert_true(moved <= 50);
		assert_tiers_agree(f);
		assert_true(fx_count(f, "SELECT count(*) FROM ids_fresh WHERE id <"
				     " (SELECT max(id) FROM ids)") == 0);
		steps++;
	}
	assert_int_equal(moved, 0);
	assert_int_equal(steps, 6);
	ecache_fresh_sweep_free(sw);
	assert_int_equal(ecache_fresh_size(f->c->db), 0);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM ids"), 120);
	/* then new ones in the fresh tier beside the merged: both are found
	 * and the applicant order interleaves them */
	put_range(f, 120, 200);
	before = fx_count(f, "SELECT count(*) FROM ids");
	assert_int_equal(before, 120);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM ids_fresh"), 80);
	assert_all_found(f, 0, 200);
	assert_name_order(f);
	assert_tiers_agree(f);
	fx_free(f);
}

/* Keys that arrive during a sweep below where it has got to wait for the
 * next sweep; the ones above it are merged in this one. */
static void
test_sweep_goes_on_from_where_it_was(void **state)
{
	fx *f = fx_new();
	ecache_fresh_sweep *sw = ecache_fresh_sweep_new();
	char id[32];
	int i;

	(void)state;
	for (i = 0; i < 40; i++) {
		snprintf(id, sizeof id, "m%02d", 2 * i);	/* m00, m02 ... m78 */
		fx_put(f, fx_dossier(id, 1, names[i % 10], EAPI_STATE_RECEIVED, NULL, fx_now()));
	}
	assert_int_equal(ecache_fresh_sweep_step(f->c->db, sw, 10), 10);	/* m00-m18 */
	fx_put(f, fx_dossier("m01", 1, names[0], EAPI_STATE_RECEIVED, NULL, fx_now()));
	fx_put(f, fx_dossier("m99", 1, names[0], EAPI_STATE_RECEIVED, NULL, fx_now()));
	while (ecache_fresh_sweep_step(f->c->db, sw, 10) > 0)
		;
	/* m01 came in behind the sweep: still fresh; m99 ahead of it: merged */
	assert_int_equal(fx_count(f, "SELECT count(*) FROM ids_fresh"), 1);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM ids_fresh WHERE id = 'm01'"), 1);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM names_fresh"), 0);
	assert_tiers_agree(f);
	/* and the next sweep starts from the lowest key */
	assert_int_equal(ecache_fresh_sweep_step(f->c->db, sw, 10), 1);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM ids_fresh"), 0);
	ecache_fresh_sweep_free(sw);
	fx_free(f);
}

static void
test_removal_and_rename_leave_no_key(void **state)
{
	fx *f = fx_new();
	eapi_change_page p;
	eapi_change ch[2];
	eapi_dossier *d;
	char gone[2][16];
	int i;

	(void)state;
	put_range(f, 0, 40);
	assert_int_equal(ecache_fresh_merge(f->c->db, 1000), 0);
	put_range(f, 40, 60);
	/* dossier 0 is merged, dossier 50 still fresh */
	memset(&p, 0, sizeof p);
	memset(ch, 0, sizeof ch);
	id_of(0, gone[0], sizeof gone[0]);
	id_of(50, gone[1], sizeof gone[1]);
	for (i = 0; i < 2; i++) {
		ch[i].op = EAPI_CHANGE_REMOVE;
		ch[i].id = gone[i];
		ch[i].version = 2;
	}
	p.changes = ch;
	p.n = 2;
	assert_int_equal(ecache_apply_changes(f->c, &p), 2);
	for (i = 0; i < 2; i++)
		assert_null(ecache_dossier_get(f->c, gone[i], NULL));
	assert_tiers_agree(f);
	/* a merged dossier renamed: its new key is fresh, the old one gone */
	d = fx_dossier("x7919", 2, "Lý Thị Yến", EAPI_STATE_RECEIVED, NULL, fx_now());
	fx_put(f, d);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM names_fresh n JOIN dossiers d"
				  " ON d.rid = n.rid WHERE d.id = 'x7919'"), 1);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM names n JOIN dossiers d"
				  " ON d.rid = n.rid WHERE d.id = 'x7919'"), 0);
	/* a change of state alone keeps the key where it is */
	fx_put(f, fx_dossier("x5838", 2, names[2], EAPI_STATE_IN_PROGRESS, NULL, fx_now()));
	assert_int_equal(fx_count(f, "SELECT count(*) FROM names n JOIN dossiers d"
				  " ON d.rid = n.rid WHERE d.id = 'x5838'"), 1);
	assert_tiers_agree(f);
	assert_name_order(f);
	/* and dropping every dossier (410) empties all four tables */
	assert_int_equal(ecache_drop_dossiers(f->c), 0);
	assert_int_equal(fx_count(f, "SELECT (SELECT count(*) FROM ids) +"
				  " (SELECT count(*) FROM ids_fresh) + (SELECT count(*) FROM names) +"
				  " (SELECT count(*) FROM names_fresh)"), 0);
	fx_free(f);
}

/* A feed page that finds the fresh tables past fresh_merge_at has the
 * thread merge them; the cache stays readable and writable meanwhile. */
static void
test_page_asks_the_thread_to_merge(void **state)
{
	fx *f = fx_new();
	eapi_dossier *d;
	int k;

	(void)state;
	f->c->fresh_merge_at = 50;
	for (k = 0; k < 4; k++) {
		eapi_change_page p;
		eapi_change ch[30];
		char ids[30][16];
		int i;
		memset(&p, 0, sizeof p);
		memset(ch, 0, sizeof ch);
		for (i = 0; i < 30; i++) {
			snprintf(ids[i], sizeof ids[i], "p%02d%02d", 30 - i, k);
			ch[i].op = EAPI_CHANGE_UPSERT;
			ch[i].id = ids[i];
			ch[i].version = 1;
			ch[i].dossier = fx_dossier(ids[i], 1, names[(i + k) % 10],
						   EAPI_STATE_RECEIVED, NULL, fx_now());
		}
		p.changes = ch;
		p.n = 30;
		assert_int_equal(ecache_apply_changes(f->c, &p), 30);
		for (i = 0; i < 30; i++)
			eapi_dossier_free(ch[i].dossier);
		/* read while the thread may be merging */
		d = ecache_dossier_get(f->c, "p3000", NULL);
		assert_non_null(d);
		eapi_dossier_free(d);
	}
	/* 120 keys: the page that found 60 asked, and so did any after it
	 * that found 50 or more; closing at once waits for the sweep asked */
	fx_reopen(f);
	assert_true(ecache_fresh_size(f->c->db) < 50);
	assert_true(fx_count(f, "SELECT count(*) FROM ids") >= 60);
	assert_tiers_agree(f);
	assert_name_order(f);
	fx_free(f);
}

/* Each page's commit leaves a new search segment; FTS5 no longer merges
 * them in the commit (schema v6) but the cache's thread does after the
 * page, so they do not pile up, and every dossier is still found. */
static void
test_search_segments_merged_by_thread(void **state)
{
	fx *f = fx_new();
	ecache_rows r;
	int k;

	(void)state;
	assert_int_equal(fx_count(f, "SELECT v FROM dossier_fts_config WHERE k = 'automerge'"),
			 0);
	for (k = 0; k < 24; k++) {
		eapi_change_page p;
		eapi_change ch;
		char id[16];
		memset(&p, 0, sizeof p);
		memset(&ch, 0, sizeof ch);
		snprintf(id, sizeof id, "s%03d", k);
		ch.op = EAPI_CHANGE_UPSERT;
		ch.id = id;
		ch.version = 1;
		ch.dossier = fx_dossier(id, 1, names[k % 10], EAPI_STATE_RECEIVED, NULL, fx_now());
		p.changes = &ch;
		p.n = 1;
		assert_int_equal(ecache_apply_changes(f->c, &p), 1);
		eapi_dossier_free(ch.dossier);
		ecache_checkpointer_drain(f->c);
		/* eight to a level at most before they are merged */
		assert_true(fx_count(f, "SELECT count(DISTINCT segid) FROM dossier_fts_idx") <= 8);
	}
	ecache_rows_init(&r);
	assert_int_equal(ecache_search(f->c, "nguyen van an", 50, &r), 3);
	ecache_rows_release(&r);
	assert_int_equal(fx_count(f, "SELECT count(*) FROM pragma_integrity_check"
				  " WHERE integrity_check <> 'ok'"), 0);
	fx_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_keys_fresh_then_merged_in_chunks),
		cmocka_unit_test(test_sweep_goes_on_from_where_it_was),
		cmocka_unit_test(test_removal_and_rename_leave_no_key),
		cmocka_unit_test(test_page_asks_the_thread_to_merge),
		cmocka_unit_test(test_search_segments_merged_by_thread),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
