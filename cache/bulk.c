/*
 * A first sync of a big city, loaded without its sort indexes.
 *
 * A queue sorted by due date, received date or number is read from an
 * index on that column (queues.c).  While the change feed is read from the
 * start, its pages bring dossiers from all over the city's history: every
 * new row lands somewhere random in each of those three indexes, and once they outgrow the page cache each row costs a page
 * read and a page written per index.  At a million dossiers that was most
 * of a page's 150-300 ms.  Building an index afterwards sorts the rows
 * once instead (about 2 s per index at a million, read in one pass).
 *
 * So when a first sync (a feed read from an empty cursor, one page after
 * another) has brought more than c->bulk_min dossiers, the page that
 * crosses it also drops the three indexes, in its own transaction, and the
 * rest of the sync leaves them out.  Queues too long to sort whole are
 * read in the order the dossiers arrived until then (queues.c asks
 * ecache_sort_index_ready()), and the console says so (ecache_sorted()).
 * The page that ends the feed has them built again after its commit, on
 * the cache's own thread and connection (checkpoint.c), each index in a
 * transaction of its own: at a million dossiers that takes 5-8 s, during
 * which the console goes on showing queues in arrival order.
 *
 * meta "first_sync" says a first sync is under way; it survives a crash
 * like the cursor does.  The indexes' absence is the other half of the
 * state: a program that died between the last page and the build, or
 * another egov on the same file, finds them missing with no first sync
 * under way, and the next page it applies builds them.  Nothing here
 * touches the outbox, the counters or the search index, which are kept
 * as before.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "internal.h"

/* In ecache_sort order; the same definitions schema.c's steps made.  The
 * applicant order is not an index but the two tiers of names (fresh.c),
 * which a new key costs little and which a first sync keeps. */
static const struct {
	const char *name, *create;
} sort_indexes[ECACHE_SORT_COUNT] = {
	{ "dossiers_due", "CREATE INDEX IF NOT EXISTS dossiers_due ON dossiers(due_at)" },
	{ "dossiers_recv", "CREATE INDEX IF NOT EXISTS dossiers_recv ON dossiers(recv_at)" },
	{ NULL, NULL },
	{ "dossiers_code", "CREATE INDEX IF NOT EXISTS dossiers_code ON dossiers(code)" },
};

const char *
ecache_sort_index_name(int sort)
{
	return (unsigned)sort < ECACHE_SORT_COUNT ? sort_indexes[sort].name : NULL;
}

/* 1 when the index exists, 0 when not, -1 on error.  Asked of the file
 * each time (a few microseconds): another egov may have dropped or built
 * it since this one opened the cache. */
int
ecache_sort_index_ready(ecache *c, int sort)
{
	sqlite3_stmt *st;
	int r;

	if ((unsigned)sort >= ECACHE_SORT_COUNT)
		return 0;
	if (!sort_indexes[sort].name)
		return (r = ecache_names_stale(c)) < 0 ? -1 : !r;
	st = ecache_stmt(c, "SELECT count(*) FROM main.sqlite_schema"
			    " WHERE type = 'index' AND name = ?1");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, sort_indexes[sort].name, -1, SQLITE_STATIC);
	r = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) > 0 : -1;
	if (r < 0)
		ecache_sqlerr(c, "schema");
	sqlite3_reset(st);
	return r;
}

int
ecache_sorted(ecache *c)
{
	int s, r;

	for (s = 0; s < ECACHE_SORT_COUNT; s++)
		if ((r = ecache_sort_index_ready(c, s)) <= 0)
			return r;
	return 1;
}

static int
first_sync_under_way(ecache *c)
{
	char v[8];

	return ecache_meta_get(c, "first_sync", v, sizeof v) > 0 && strcmp(v, "1") == 0;
}

/* Inside the page's transaction, before its changes: note a first sync
 * starting or ending, and drop the indexes once it is big enough. */
int
ecache_bulk_page_begin(ecache *c, const eapi_change_page *page)
{
	char cursor[8];
	int was, under_way, r, s;
	long long n;

	if ((r = ecache_meta_get(c, "cursor", cursor, sizeof cursor)) < 0)
		return -1;
	was = first_sync_under_way(c);
	under_way = page->more && (r == 0 || cursor[0] == '\0' || was);
	if (under_way != was && ecache_meta_set(c, "first_sync", under_way ? "1" : "0") < 0)
		return -1;
	if (!under_way)
		return 0;
	if ((n = ecache_dossier_count(c)) < 0)
		return -1;
	if (n + (long long)page->n < c->bulk_min)
		return 0;
	for (s = 0; s < ECACHE_SORT_COUNT; s++) {
		char sql[96];
		if (!sort_indexes[s].name)
			continue;
		snprintf(sql, sizeof sql, "DROP INDEX IF EXISTS %s", sort_indexes[s].name);
		if (ecache_exec(c, sql) < 0)
			return -1;
	}
	/* The applicant order is two tables (fresh.c) whose merging would
	 * fall behind pages that come back to back; they are made whole
	 * again at the end instead, like an index.  The search index merges
	 * inside each commit meanwhile, as FTS5 does by itself. */
	if ((r = ecache_names_stale(c)) != 0)
		return r < 0 ? -1 : 0;
	if (ecache_exec(c, "DELETE FROM names; DELETE FROM names_fresh;"
			"INSERT INTO dossier_fts(dossier_fts, rank) VALUES ('automerge', 8);"
			"INSERT OR REPLACE INTO meta(key, value) VALUES ('names_stale', '1');") < 0)
		return -1;
	c->names_stale_tx = 1;
	return 0;
}

/* Read once per transaction: every stored dossier asks (fresh.c), and
 * inside a write transaction no other connection can change it. */
int
ecache_names_stale(ecache *c)
{
	char v[8];
	int r;

	if (c->tx_depth > 0 && c->names_stale_tx >= 0)
		return c->names_stale_tx;
	if ((r = ecache_meta_get(c, "names_stale", v, sizeof v)) < 0)
		return -1;
	r = r > 0 && strcmp(v, "1") == 0;
	if (c->tx_depth > 0)
		c->names_stale_tx = r;
	return r;
}

/* The names table made whole from the dossiers, sorted once, and the
 * search index handed back to the cache's thread; in one transaction. */
static int
names_build(sqlite3 *db)
{
	static const char sql[] =
		"BEGIN IMMEDIATE;"
		"DELETE FROM names; DELETE FROM names_fresh;"
		"INSERT INTO names SELECT name_key, rid FROM dossiers ORDER BY name_key, rid;"
		"INSERT INTO dossier_fts(dossier_fts, rank) VALUES ('automerge', 0);"
		"DELETE FROM meta WHERE key = 'names_stale';"
		"COMMIT;";

	if (sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* ecache_names_stale() on a bare connection (the thread's). */
static int
names_stale_on(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	int r = -1;

	if (sqlite3_prepare_v2(db, "SELECT value = '1' FROM meta WHERE key = 'names_stale'",
			       -1, &st, NULL) == SQLITE_OK) {
		int rc = sqlite3_step(st);
		r = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : rc == SQLITE_DONE ? 0 : -1;
	}
	sqlite3_finalize(st);
	return r;
}

/* Build every missing sort index on `db`, each in a transaction of its own,
 * so a writer on another connection waits for one index at most (about 2 s
 * at a million).  CREATE INDEX sorts in a temporary file, not in memory,
 * where a million keys would take 90 MB.  Its sorter fills runs as big as
 * the page cache, and the new index's pages wait in memory up to the spill
 * size: both shrink meanwhile (the build peaked at 51 MB resident with the
 * usual sizes) and come back to the cache's values after.  0, or -1 with
 * the rest left missing: the next page asks again. */
int
ecache_sort_indexes_build(sqlite3 *db)
{
	int s, result = -1;

	if (sqlite3_exec(db, "PRAGMA temp_store = FILE; PRAGMA cache_size = -2048;"
			 "PRAGMA cache_spill = -2048", NULL, NULL, NULL) != SQLITE_OK)
		goto cleanup;
	for (s = 0; s < ECACHE_SORT_COUNT; s++) {
		if (!sort_indexes[s].create) {
			if (names_stale_on(db) > 0 && names_build(db) < 0)
				goto cleanup;
			continue;
		}
		if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
			goto cleanup;
		if (sqlite3_exec(db, sort_indexes[s].create, NULL, NULL, NULL) != SQLITE_OK ||
		    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			goto cleanup;
		}
	}
	result = 0;
cleanup:
	if (sqlite3_exec(db, "PRAGMA temp_store = MEMORY;"
			 "PRAGMA cache_size = -" ECACHE_PAGE_CACHE_KB ";"
			 "PRAGMA cache_spill = -" ECACHE_SPILL_KB, NULL, NULL, NULL) != SQLITE_OK)
		result = -1;
	return result;
}

/* After the page's commit: unless a first sync is still under way, have
 * whatever sort index is missing built, on the cache's own thread
 * (checkpoint.c), which leaves the console free meanwhile, or here when
 * there is no thread. */
int
ecache_bulk_page_end(ecache *c)
{
	int r;

	if (first_sync_under_way(c))
		return 0;
	if ((r = ecache_sorted(c)) != 0)
		return r < 0 ? -1 : 0;
	if (ecache_checkpointer_build(c) == 0)
		return 0;
	if (ecache_sort_indexes_build(c->db) < 0)
		return ecache_sqlerr(c, "building the sort indexes");
	return 0;
}
