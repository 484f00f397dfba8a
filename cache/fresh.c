/*
 * The id and applicant-name lookups, each kept in two tiers: a small
 * "fresh" table that takes every new key, and the main table that the
 * cache's thread merges them into.
 *
 * Why.  A B-tree whose keys are random costs a page written per new key
 * once the tree is much bigger than the batch: the key lands on a leaf of
 * its own.  A dossier's id (16 random hex digits from the city) and its
 * applicant's sort key are such keys.  In a cache of a million dossiers a
 * page of 1,000 dossiers filed today wrote about 1,100 pages of the id
 * index and 1,400 of the name index, two thirds of all it wrote.  Merging
 * many keys at once in key order puts many on each leaf: F keys into a
 * tree of L leaves write about L(1 - e^(-F/L)) leaves instead of F.  This
 * is how log-structured stores and SQLite's own full-text index keep
 * writes down.
 *
 * How.  ids(id, rid) and names(name_key, rid) are WITHOUT ROWID tables;
 * ids_fresh and names_fresh have the same shape.  Storing a new dossier
 * puts its keys in the fresh tables (dossiers.c); removing one takes them
 * out of whichever holds them; a new applicant name moves the name key.
 * A lookup by id asks both tables (ECACHE_RID_OF_ID); a queue sorted by
 * applicant walks both and merges them (queues.c).  When either fresh
 * table holds c->fresh_merge_at keys, the page that found it so asks the
 * cache's thread (checkpoint.c) to merge: a sweep over each fresh table,
 * `chunk` keys at a time, each chunk a transaction of its own, so a page
 * or an action waits for one chunk at most.  Without the thread the page
 * merges itself.  Nothing is lost if a merge stops half way: a key is in
 * one table or the other in every committed state.  The same page end
 * asks for the search index's merging (search.c), which FTS5 no longer
 * does inside each commit.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const struct tier {
	const char *fresh, *main;	/* tables */
	const char *key, *key_desc;	/* key columns, ascending, descending */
	int n_keys;
	const char *cols;		/* all columns, key first */
} tiers[] = {
	{ "ids_fresh", "ids", "id", "id DESC", 1, "id, rid" },
	{ "names_fresh", "names", "name_key, rid", "name_key DESC, rid DESC", 2, "name_key, rid" },
};

#define N_TIERS (int)(sizeof tiers / sizeof tiers[0])

/* The keys of a new or renamed dossier go to the fresh tables; a removed
 * one's leave both (dossiers.c, inside its transaction).  During a big
 * first sync (bulk.c) nothing merges in the background, so an id goes
 * straight to the main table, and names are left out: the build at the
 * end of the sync makes the names table whole from the dossiers. */
int
ecache_fresh_add(ecache *c, long long rid, const char *id, const void *name_key, int keylen)
{
	sqlite3_stmt *st;
	int rc, bulk = ecache_names_stale(c);

	if (bulk < 0)
		return -1;
	if (id) {
		if (!(st = ecache_stmt(c, bulk ? "INSERT INTO ids(id, rid) VALUES (?1, ?2)"
					       : "INSERT INTO ids_fresh(id, rid) VALUES (?1, ?2)")))
			return -1;
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, rid);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return ecache_sqlerr(c, "id lookup");
	}
	if (bulk)
		return 0;
	if (!(st = ecache_stmt(c, "INSERT INTO names_fresh(name_key, rid) VALUES (?1, ?2)")))
		return -1;
	sqlite3_bind_blob(st, 1, name_key, keylen, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, rid);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : ecache_sqlerr(c, "name order");
}

/* Take a row's name key (and with `id`, its id) out of both tiers; the
 * key is read from the row, so call this before the row changes. */
int
ecache_fresh_remove(ecache *c, long long rid, const char *id)
{
	static const char *const sql[] = {
		"DELETE FROM names WHERE name_key = (SELECT name_key FROM dossiers WHERE rid = ?1)"
		" AND rid = ?1",
		"DELETE FROM names_fresh WHERE name_key = (SELECT name_key FROM dossiers"
		" WHERE rid = ?1) AND rid = ?1",
		"DELETE FROM ids WHERE id = ?2",
		"DELETE FROM ids_fresh WHERE id = ?2",
	};
	size_t i, n = id ? 4 : 2;

	for (i = 0; i < n; i++) {
		sqlite3_stmt *st = ecache_stmt(c, sql[i]);
		int rc;
		if (!st)
			return -1;
		sqlite3_bind_int64(st, 1, rid);
		if (id)
			sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return ecache_sqlerr(c, "id and name lookups");
	}
	return 0;
}

/* Every dossier dropped (feed.c, in its transaction). */
int
ecache_fresh_clear(ecache *c)
{
	return ecache_exec(c, "DELETE FROM ids; DELETE FROM ids_fresh;"
			   "DELETE FROM names; DELETE FROM names_fresh;");
}

/* Keys waiting in the bigger fresh table; -1 on error.  Counting reads the
 * fresh tables only, a few hundred pages at most. */
long long
ecache_fresh_size(sqlite3 *db)
{
	long long most = 0;
	int t;

	for (t = 0; t < N_TIERS; t++) {
		char sql[80];
		sqlite3_stmt *st = NULL;
		long long n = -1;
		snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", tiers[t].fresh);
		if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		if (n < 0)
			return -1;
		if (n > most)
			most = n;
	}
	return most;
}

/* Where a sweep is: the tier and its last key merged (none at the start
 * of a tier).  Merging sweeps each fresh table once from its lowest key to
 * its highest, a chunk at a time, so every leaf of the main table is
 * visited once per sweep however many keys arrive meanwhile; always taking
 * the lowest keys would merge the same corner of the tree again and again
 * while new keys kept coming. */
struct ecache_fresh_sweep {
	int tier;
	sqlite3_value *from[2];		/* NULL: from the lowest key */
};

ecache_fresh_sweep *
ecache_fresh_sweep_new(void)
{
	return calloc(1, sizeof(ecache_fresh_sweep));
}

static void
sweep_restart_tier(ecache_fresh_sweep *sw)
{
	sqlite3_value_free(sw->from[0]);
	sqlite3_value_free(sw->from[1]);
	sw->from[0] = sw->from[1] = NULL;
}

void
ecache_fresh_sweep_free(ecache_fresh_sweep *sw)
{
	if (sw)
		sweep_restart_tier(sw);
	free(sw);
}

/* Prepare `fmt` with "%s" replaced by the range of keys past the sweep's
 * position and, with `upper` (a row of the key columns), up to it. */
static sqlite3_stmt *
prepare_range(sqlite3 *db, const struct tier *t, const ecache_fresh_sweep *sw,
	      const char *fmt, sqlite3_stmt *upper)
{
	int n = t->n_keys, i;
	char range[200] = "", sql[500];
	sqlite3_stmt *st = NULL;

	if (sw->from[0])
		snprintf(range, sizeof range, " WHERE (%s) > (%s)", t->key, n == 1 ? "?1" : "?1, ?2");
	if (upper)
		snprintf(range + strlen(range), sizeof range - strlen(range), " %s (%s) <= (%s)",
			 sw->from[0] ? "AND" : "WHERE", t->key, n == 1 ? "?3" : "?3, ?4");
	snprintf(sql, sizeof sql, fmt, range);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return NULL;
	for (i = 0; i < n; i++) {
		if (sw->from[0])
			sqlite3_bind_value(st, i + 1, sw->from[i]);
		if (upper)
			sqlite3_bind_value(st, i + 3, sqlite3_column_value(upper, i));
	}
	return st;
}

static int
run_range(sqlite3 *db, const struct tier *t, const ecache_fresh_sweep *sw, const char *fmt,
	  sqlite3_stmt *upper, long long *changed)
{
	sqlite3_stmt *st = prepare_range(db, t, sw, fmt, upper);
	int rc;

	if (!st)
		return -1;
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	*changed = sqlite3_changes64(db);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Move the next `chunk` keys of the sweep's tier into its main table, in
 * one transaction, and note the last one.  The number moved (0 when the
 * tier has none left past the sweep), or -1. */
static long long
merge_chunk(sqlite3 *db, ecache_fresh_sweep *sw, int chunk)
{
	const struct tier *t = &tiers[sw->tier];
	char fmt[500];
	sqlite3_stmt *upper = NULL;
	long long moved = -1, dropped = -1;
	int rc, i;

	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	/* the chunk's last key */
	snprintf(fmt, sizeof fmt, "SELECT * FROM (SELECT %s FROM %s%%s ORDER BY %s LIMIT %d)"
		 " ORDER BY %s LIMIT 1", t->key, t->fresh, t->key, chunk, t->key_desc);
	if (!(upper = prepare_range(db, t, sw, fmt, NULL)))
		goto cleanup;
	rc = sqlite3_step(upper);
	if (rc == SQLITE_DONE)
		moved = 0;
	if (rc != SQLITE_ROW)
		goto cleanup;
	/* in key order, so the main table's leaves fill one after another */
	snprintf(fmt, sizeof fmt, "INSERT OR REPLACE INTO %s SELECT %s FROM %s%%s ORDER BY %s",
		 t->main, t->cols, t->fresh, t->key);
	if (run_range(db, t, sw, fmt, upper, &moved) < 0)
		goto fail;
	snprintf(fmt, sizeof fmt, "DELETE FROM %s%%s", t->fresh);
	if (run_range(db, t, sw, fmt, upper, &dropped) < 0 || dropped != moved)
		goto fail;
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	for (i = 0; i < t->n_keys; i++) {
		sqlite3_value_free(sw->from[i]);
		sw->from[i] = sqlite3_value_dup(sqlite3_column_value(upper, i));
	}
	sqlite3_finalize(upper);
	return moved;
fail:
	moved = -1;
cleanup:
	sqlite3_finalize(upper);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return moved;
}

int
ecache_fresh_sweep_step(sqlite3 *db, ecache_fresh_sweep *sw, int chunk)
{
	while (sw->tier < N_TIERS) {
		long long n = merge_chunk(db, sw, chunk);
		if (n != 0)
			return n < 0 ? -1 : (int)n;
		sweep_restart_tier(sw);
		sw->tier++;
	}
	sw->tier = 0;	/* swept: the next sweep starts over */
	return 0;
}

int
ecache_fresh_merge(sqlite3 *db, int chunk)
{
	ecache_fresh_sweep *sw = ecache_fresh_sweep_new();
	int n = -1;

	if (sw)
		while ((n = ecache_fresh_sweep_step(db, sw, chunk)) > 0)
			;
	ecache_fresh_sweep_free(sw);
	return n;
}

/* After a page's commit: have the thread merge the search index's new
 * segment and, once a fresh table is big enough, the fresh keys; without
 * a thread, do both here.  A merge that fails leaves the keys and
 * segments where they were, found as before: the page is not failed for
 * it. */
int
ecache_fresh_page_end(ecache *c)
{
	long long n;
	int fresh_due, r, bulk = ecache_names_stale(c);

	/* a big first sync: FTS5 merges inside the commits, the build at its
	 * end does the rest (bulk.c); nothing to count or ask for */
	if (bulk)
		return bulk < 0 ? -1 : 0;
	if ((n = ecache_fresh_size(c->db)) < 0)
		return ecache_sqlerr(c, "counting fresh keys");
	fresh_due = n >= c->fresh_merge_at;
	if (ecache_checkpointer_merge(c, fresh_due) == 0)
		return 0;
	if (fresh_due && ecache_fresh_merge(c->db, ECACHE_FRESH_CHUNK) < 0)
		return ecache_sqlerr(c, "merging fresh keys");
	while ((r = ecache_search_merge_step(c->db)) > 0)
		;
	return r < 0 ? ecache_sqlerr(c, "merging the search index") : 0;
}
