/*
 * The work counters kept as dossiers change (schema v3) against a plain count of
 * the dossiers, the way the queues define them.
 *
 * The cache answers counters from small tables it keeps as rows come and
 * go (queue_counts, due_counts; counts.c) and counts only the partial days
 * of "due soon" and "overdue" on an index.  Here every counter is checked
 * against a full count over the dossiers table, read through a second
 * connection on the same file, after inserts, new versions, removals, the
 * person's own actions (the optimistic columns move), a dropped cache, and
 * at many moments of the day and across midnight, local and UTC, so a
 * change of day needs nothing recomputed.  A cache from schema v2 with
 * dossiers in it gets its counters when it is migrated.
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

/* The queues as plain conditions, as queues.c defined them before the
 * counters; :now and :soon bound by the test. */
static const char *const plain_where[ECACHE_Q_COUNT] = {
	"1",
	"state IN (" ECACHE_ACTIVE_STATES ")",
	"state = 0",
	"state = 1",
	"state = 3",
	"state IN (" ECACHE_OVERDUE_STATES ") AND due_at >= :now AND due_at < :soon",
	"state IN (" ECACHE_OVERDUE_STATES ") AND due_at < :now",
	"state = 5",
	"state = 3 AND supplement_count > 0",
	"state = 4",
	"state = 8",
	"assignee_id = 'me' AND state IN (" ECACHE_ACTIVE_STATES ")",
	"assignee_id IS NULL AND state IN (1,3)",
	"(pending > 0 OR conflict > 0)",
};

static unsigned long long seed = 0x2545F4914F6CDD1DULL;

static unsigned
rnd(unsigned n)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return (unsigned)(seed % n);
}

/* Due from eight days ago to twelve ahead, at any hour; some none. */
static eapi_dossier *
random_dossier(int i, long long version)
{
	static const char *const who[] = { "me", "other", "third" };
	char id[16], name[32];
	eapi_state st = (eapi_state)rnd(EAPI_STATE_COUNT);
	time_t due = rnd(6) ? fx_now() + (time_t)rnd(20 * 24) * 3600 - 8 * 86400 : 0;
	eapi_dossier *d;

	snprintf(id, sizeof id, "%05d", i);
	snprintf(name, sizeof name, "Người Số %d", i);
	d = fx_dossier(id, version, name, st, rnd(2) ? who[rnd(3)] : NULL, due);
	d->supplement_count = (int)rnd(3) == 0;
	return d;
}

/* The end of "due soon" as queues.c computes it, found here by probing:
 * the smallest midnight after which ecache's DUE_SOON window is empty is
 * not observable, so the test instead recomputes it the same way. */
static time_t
soon_of(ecache *c, time_t now)
{
	egov_calendar cal;
	egov_day today = egov_day_of(now), d, last = today;

	egov_calendar_init(&cal);
	(void)c;
	for (d = today + 1; d < today + 60; d++) {
		if (egov_working_days_between(&cal, today, d) > 2)
			break;
		last = d;
	}
	egov_calendar_release(&cal);
	return egov_local_time(last + 1, 0, 0);
}

static long long
plain_count(sqlite3 *db, ecache_queue q, time_t now, time_t soon)
{
	char sql[512];
	sqlite3_stmt *st = NULL;
	long long n = -1;
	int i;

	snprintf(sql, sizeof sql, "SELECT count(*) FROM dossiers WHERE %s", plain_where[q]);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if ((i = sqlite3_bind_parameter_index(st, ":now")) > 0)
		sqlite3_bind_int64(st, i, (long long)now);
	if ((i = sqlite3_bind_parameter_index(st, ":soon")) > 0)
		sqlite3_bind_int64(st, i, (long long)soon);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* Every counter at `now` equals the plain count. */
static void
check_at(fx *f, sqlite3 *db, time_t now)
{
	time_t soon = soon_of(f->c, now);
	int q;

	ecache_set_now(f->c, now);
	for (q = 0; q < ECACHE_Q_COUNT; q++) {
		long long got = ecache_queue_count(f->c, (ecache_queue)q, "me");
		long long want = plain_count(db, (ecache_queue)q, now, soon);
		if (got != want)
			fail_msg("queue %s at %lld: counter %lld, plain count %lld",
				 ecache_queue_name((ecache_queue)q), (long long)now, got, want);
	}
	ecache_set_now(f->c, fx_now());
}

/* Moments through two days, at every hour and a few odd minutes, so
 * local and UTC midnights (17:00 UTC in Hải Phòng) and the partial days
 * at both ends of a range are all crossed. */
static void
check_all_day(fx *f, sqlite3 *db)
{
	time_t base = fx_now() - 10 * 3600;	/* local midnight */
	int h;

	for (h = 0; h < 48; h++)
		check_at(f, db, base + (time_t)h * 3600 + (h % 5) * 617);
	check_at(f, db, base + 5 * 86400 + 1);
}

static sqlite3 *
second_connection(fx *f)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	return db;
}

static void
fill(fx *f, int from, int to)
{
	int i;

	for (i = from; i < to; i++)
		fx_put(f, random_dossier(i, 1));
}

/* integrity_check compares every index entry with its row. */
static void
assert_indexes_agree(sqlite3 *db)
{
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
	sqlite3_finalize(st);
}

/* The row's optimistic columns, "state|assignee|due|name key length". */
static void
row_of(sqlite3 *db, const char *id, char *out, size_t outlen)
{
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(db, "SELECT state || '|' || coalesce(assignee_id, '-')"
					    " || '|' || due_at || '|' || length(name_key)"
					    " FROM dossiers WHERE id = ?1", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(out, outlen, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

static void
test_counters_follow_changes(void **state)
{
	fx *f = fx_new();
	sqlite3 *db = second_connection(f);
	eapi_change_page page;
	eapi_change ch[40];
	int i, acted = 0;

	(void)state;
	check_at(f, db, fx_now());
	fill(f, 0, 400);
	check_all_day(f, db);
	/* new versions move state, assignee, due date and supplements */
	for (i = 0; i < 300; i++) {
		eapi_dossier *d = random_dossier((int)rnd(400), 2 + i);
		assert_true(ecache_dossier_upsert(f->c, d) >= 0);
		eapi_dossier_free(d);
	}
	check_all_day(f, db);
	assert_indexes_agree(db);
	/* removals, one by one and in a page */
	for (i = 0; i < 30; i++) {
		char id[16];
		snprintf(id, sizeof id, "%05d", (int)rnd(400));
		assert_true(ecache_dossier_remove(f->c, id, 0) >= 0);
	}
	memset(&page, 0, sizeof page);
	memset(ch, 0, sizeof ch);
	for (i = 0; i < 40; i++) {
		char id[16];
		snprintf(id, sizeof id, "%05d", 100 + i);
		ch[i].op = i % 2 ? EAPI_CHANGE_REMOVE : EAPI_CHANGE_UPSERT;
		ch[i].dossier = i % 2 ? NULL : random_dossier(100 + i, 1000);
		ch[i].id = strdup(id);
		ch[i].version = 1000;
	}
	page.changes = ch;
	page.n = 40;
	assert_true(ecache_apply_changes(f->c, &page) >= 0);
	for (i = 0; i < 40; i++) {
		eapi_dossier_free(ch[i].dossier);
		free(ch[i].id);
	}
	check_all_day(f, db);
	/* the person's own actions: the optimistic columns change */
	for (i = 0; i < 60; i++) {
		static const char *const actions[] = { "receive", "claim", "propose", "approve" };
		eapi_action a;
		char id[16];
		snprintf(id, sizeof id, "%05d", 200 + i);
		memset(&a, 0, sizeof a);
		a.dossier_id = id;
		a.action = actions[i % 4];
		if (ecache_act(f->c, &a, NULL) > 0)
			acted++;
	}
	assert_true(acted > 30);
	assert_true(ecache_queue_count(f->c, ECACHE_Q_UNSENT, "me") > 20);
	check_all_day(f, db);
	/* the counts survive closing and opening again */
	sqlite3_close(db);
	fx_reopen(f);
	db = second_connection(f);
	check_all_day(f, db);
	/* 410: everything dropped, then filled again */
	assert_int_equal(ecache_drop_dossiers(f->c), 0);
	check_at(f, db, fx_now());
	assert_int_equal(ecache_queue_count(f->c, ECACHE_Q_ALL, "me"), 0);
	assert_int_equal(ecache_dossier_count(f->c), 0);
	fill(f, 0, 100);
	check_all_day(f, db);
	assert_int_equal(ecache_dossier_count(f->c), 100);
	sqlite3_close(db);
	fx_free(f);
}

/* An update writes only the indexed columns that change (dossiers.c):
 * each one changed alone still lands, the others stay, and every index
 * agrees with the table. */
static void
test_each_column_changed_alone(void **state)
{
	fx *f = fx_new();
	sqlite3 *db = second_connection(f);
	time_t due = fx_now() + 5 * 86400, due2 = fx_now() + 9 * 86400;
	char row[128], want[128];
	eapi_dossier *d;

	(void)state;
	fx_put(f, fx_dossier("a", 1, "Lê Văn Tám", EAPI_STATE_RECEIVED, NULL, due));
	row_of(db, "a", row, sizeof row);
	snprintf(want, sizeof want, "1|-|%lld|", (long long)due);
	assert_memory_equal(row, want, strlen(want));
	/* version only */
	fx_put(f, fx_dossier("a", 2, "Lê Văn Tám", EAPI_STATE_RECEIVED, NULL, due));
	row_of(db, "a", row, sizeof row);
	assert_memory_equal(row, want, strlen(want));
	/* state only */
	fx_put(f, fx_dossier("a", 3, "Lê Văn Tám", EAPI_STATE_IN_PROGRESS, NULL, due));
	row_of(db, "a", row, sizeof row);
	snprintf(want, sizeof want, "3|-|%lld|", (long long)due);
	assert_memory_equal(row, want, strlen(want));
	/* assignee only */
	fx_put(f, fx_dossier("a", 4, "Lê Văn Tám", EAPI_STATE_IN_PROGRESS, "me", due));
	row_of(db, "a", row, sizeof row);
	snprintf(want, sizeof want, "3|me|%lld|", (long long)due);
	assert_memory_equal(row, want, strlen(want));
	/* due date only */
	fx_put(f, fx_dossier("a", 5, "Lê Văn Tám", EAPI_STATE_IN_PROGRESS, "me", due2));
	row_of(db, "a", row, sizeof row);
	snprintf(want, sizeof want, "3|me|%lld|", (long long)due2);
	assert_memory_equal(row, want, strlen(want));
	/* the name only: its sort key follows */
	d = fx_dossier("a", 6, "Nguyễn Thị Minh Khai", EAPI_STATE_IN_PROGRESS, "me", due2);
	fx_put(f, d);
	row_of(db, "a", row, sizeof row);
	assert_string_not_equal(row + strlen(want), "");
	assert_memory_equal(row, want, strlen(want));
	assert_true(atoi(row + strlen(want)) > (int)strlen("Lê Văn Tám"));
	check_at(f, db, fx_now());
	assert_int_equal(ecache_queue_count(f->c, ECACHE_Q_MINE, "me"), 1);
	assert_indexes_agree(db);
	sqlite3_close(db);
	fx_free(f);
}

/* A v2 cache with dossiers in it: the migration counts what is there. */
static void
test_counters_built_by_migration(void **state)
{
	fx *f = fx_new();
	sqlite3 *db;

	(void)state;
	fill(f, 0, 300);
	ecache_close(f->c);
	f->c = NULL;
	/* take the file back to schema v2 as it was */
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
		"DROP TABLE queue_counts; DROP TABLE due_counts;"
		"DROP INDEX dossiers_state; DROP INDEX dossiers_open_due;"
		"DROP INDEX dossiers_assignee;"
		"CREATE INDEX dossiers_state_due ON dossiers(state, due_at);"
		"CREATE INDEX dossiers_assignee ON dossiers(assignee_id, state, due_at);"
		"CREATE INDEX dossiers_state_recv ON dossiers(state, recv_at);"
		/* v6's lookups back in the table (its UNIQUE id as an index) */
		"DROP TABLE ids; DROP TABLE ids_fresh; DROP TABLE names; DROP TABLE names_fresh;"
		"CREATE UNIQUE INDEX dossiers_id ON dossiers(id);"
		"CREATE INDEX dossiers_name ON dossiers(name_key);"
		"PRAGMA user_version = 2;", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	fx_reopen(f);
	db = second_connection(f);
	assert_int_equal(ecache_schema_version(db, "main"), ECACHE_MAIN_VERSION);
	assert_int_equal(ecache_dossier_count(f->c), 300);
	check_all_day(f, db);
	/* and they are kept from then on */
	fill(f, 300, 350);
	check_at(f, db, fx_now());
	sqlite3_close(db);
	fx_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counters_follow_changes),
		cmocka_unit_test(test_each_column_changed_alone),
		cmocka_unit_test(test_counters_built_by_migration),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
