/*
 * Opening, checking and closing the cache files.
 *
 * A cache is "<name>.db" plus "<name>.outbox.db" in a folder only its owner
 * may enter (0700), each file readable only by its owner (0600: dossiers
 * hold citizens' personal data, Decree 13/2023).  The files are created
 * with those modes before SQLite sees them; SQLite gives its -wal and -shm
 * files the mode of the database.  Both run in WAL mode with a busy
 * timeout; the outbox with synchronous=FULL (a person's action must survive
 * a power cut once ecache_act() returned), the dossier cache with NORMAL,
 * which keeps it consistent and only risks the last pages, fetched again.
 *
 * At open each file gets PRAGMA quick_check.  A damaged file is renamed
 * aside with a timestamp and started afresh; for the outbox, every row that
 * can still be read is copied over first (recover.c).  The optimistic
 * effects are then recomputed from the outbox, which is the truth about
 * what the person did.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "recover.h"

void
ecache_seterr(ecache *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->errmsg, sizeof c->errmsg, fmt, ap);
	va_end(ap);
}

int
ecache_sqlerr(ecache *c, const char *what)
{
	ecache_seterr(c, "%s: %s", what, sqlite3_errmsg(c->db));
	return -1;
}

const char *
ecache_errmsg(const ecache *c)
{
	return c ? c->errmsg : "no cache";
}

const char *
ecache_path(const ecache *c)
{
	return c->path;
}

int
ecache_was_recovered(const ecache *c)
{
	return c->recovered;
}

void
ecache_set_now(ecache *c, time_t now)
{
	c->now_override = now;
}

void
ecache_set_due_soon_days(ecache *c, int days)
{
	c->due_soon_days = days < 0 ? 0 : days;
}

time_t
ecache_now(const ecache *c)
{
	return c->now_override ? c->now_override : time(NULL);
}

char *
ecache_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

sqlite3_stmt *
ecache_stmt(ecache *c, const char *sql)
{
	size_t i;

	for (i = 0; i < ECACHE_STMT_CACHE && c->stmts[i].sql; i++) {
		if (c->stmts[i].sql == sql) {
			sqlite3_reset(c->stmts[i].stmt);
			sqlite3_clear_bindings(c->stmts[i].stmt);
			return c->stmts[i].stmt;
		}
	}
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		ecache_sqlerr(c, "prepare");
		return NULL;
	}
	if (i < ECACHE_STMT_CACHE) {
		c->stmts[i].sql = sql;
		c->stmts[i].stmt = st;
		return st;
	}
	/* A full cache is a programming error (raise ECACHE_STMT_CACHE). */
	sqlite3_finalize(st);
	ecache_seterr(c, "statement cache full");
	return NULL;
}

int
ecache_exec(ecache *c, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(c->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		ecache_seterr(c, "%s", msg ? msg : sqlite3_errmsg(c->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int
ecache_step_done(ecache *c, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : ecache_sqlerr(c, what);
}

int
ecache_step_rows(ecache *c, sqlite3_stmt *st, void *items, size_t *n, size_t size,
		 ecache_fill_fn *fill, const char *what)
{
	char *arr;
	size_t cap = *n;
	int rc;

	/* The caller's pointer is of its own item type: copied, not cast, so
	 * that no pointer is read through another type's lvalue. */
	memcpy(&arr, items, sizeof arr);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			char *more = realloc(arr, (cap = cap ? cap * 2 : 16) * size);

			if (!more)
				break;
			arr = more;
			memcpy(items, &arr, sizeof arr);
		}
		memset(arr + *n * size, 0, size);
		fill(st, arr + (*n)++ * size);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)		/* stopped for want of memory */
		ecache_seterr(c, "out of memory");
	else if (rc != SQLITE_DONE)
		ecache_sqlerr(c, what);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
ecache_begin(ecache *c)
{
	if (c->tx_depth++ > 0)
		return 0;
	c->tx_failed = 0;
	c->names_stale_tx = -1;
	if (ecache_exec(c, "BEGIN IMMEDIATE") < 0) {
		c->tx_depth = 0;
		return -1;
	}
	return 0;
}

int
ecache_commit(ecache *c)
{
	if (c->tx_depth <= 0)
		return -1;
	if (--c->tx_depth > 0)
		return c->tx_failed ? -1 : 0;
	if (!c->tx_failed && ecache_counts_flush(c) < 0)
		c->tx_failed = 1;
	if (c->tx_failed) {
		char keep[sizeof c->errmsg];
		ecache_counts_discard(c);
		memcpy(keep, c->errmsg, sizeof keep);
		ecache_exec(c, "ROLLBACK");
		memcpy(c->errmsg, keep, sizeof keep);
		return -1;
	}
	if (ecache_exec(c, "COMMIT") < 0) {
		char keep[sizeof c->errmsg];
		memcpy(keep, c->errmsg, sizeof keep);
		ecache_exec(c, "ROLLBACK");
		memcpy(c->errmsg, keep, sizeof keep);
		return -1;
	}
	return 0;
}

void
ecache_rollback(ecache *c)
{
	if (c->tx_depth <= 0)
		return;
	c->tx_failed = 1;
	if (--c->tx_depth == 0) {
		char keep[sizeof c->errmsg];
		ecache_counts_discard(c);
		memcpy(keep, c->errmsg, sizeof keep);
		ecache_exec(c, "ROLLBACK");
		memcpy(c->errmsg, keep, sizeof keep);
	}
}

int
ecache_meta_get(ecache *c, const char *key, char *out, size_t outlen)
{
	sqlite3_stmt *st = ecache_stmt(c, "SELECT value FROM meta WHERE key = ?1");
	int rc;

	if (!st)
		return -1;
	out[0] = '\0';
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);
		snprintf(out, outlen, "%s", v ? v : "");
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return ecache_sqlerr(c, "meta");
	return rc == SQLITE_ROW;
}

int
ecache_meta_set(ecache *c, const char *key, const char *value)
{
	sqlite3_stmt *st = ecache_stmt(c,
		"INSERT INTO meta(key, value) VALUES (?1, ?2) "
		"ON CONFLICT(key) DO UPDATE SET value = excluded.value");
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : ecache_sqlerr(c, "meta");
}

static int
open_connection(ecache *c, char *err, size_t errlen)
{
	char sql[4200];
	char *q;
	int was;

	if (sqlite3_open_v2(c->path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", c->path,
			 c->db ? sqlite3_errmsg(c->db) : "out of memory");
		return -1;
	}
	sqlite3_busy_timeout(c->db, 5000);
	sqlite3_extended_result_codes(c->db, 1);
	q = sqlite3_mprintf("%q", c->outbox_path);
	snprintf(sql, sizeof sql,
		 "PRAGMA journal_mode = WAL;"
		 "PRAGMA synchronous = NORMAL;"
		 "PRAGMA foreign_keys = OFF;"
		 /* Memory stays small whatever the cache holds (the console's
		  * budget is 32 MB): a modest page cache, and no memory map.
		  * Mapped pages of the file count in the resident size once
		  * touched, and the kernel maps the pages around each one
		  * touched, so reading a few thousand scattered rows through a
		  * map made the console 200 MB.  Reads beyond the page cache
		  * come from the kernel's file cache, a copy each. */
		 "PRAGMA cache_size = -" ECACHE_PAGE_CACHE_KB ";"
		 "PRAGMA mmap_size = 0;"
		 /* A change-feed page of 1,000 new dossiers in a million
		  * dirties some 4,000 pages, more than the page cache: spilling
		  * them to the log mid-transaction and reading them back cost
		  * a third of its time.  Dirty pages may take up to 32 MiB
		  * before they spill; a transaction that big (dropping every
		  * dossier) still spills rather than grow without bound. */
		 "PRAGMA cache_spill = -" ECACHE_SPILL_KB ";"
		 "PRAGMA journal_size_limit = 67108864;"
		 "ATTACH DATABASE '%s' AS ob;"
		 "PRAGMA ob.journal_mode = WAL;"
		 "PRAGMA ob.synchronous = FULL;", q);
	sqlite3_free(q);
	if (ecache_exec(c, sql) < 0) {
		snprintf(err, errlen, "%s: %s", c->path, c->errmsg);
		return -1;
	}
	was = ecache_schema_version(c->db, "main");
	if (ecache_schema_migrate(c->db, "main", ECACHE_DB_CACHE, ECACHE_MAIN_VERSION,
				  err, errlen) < 0 ||
	    ecache_schema_migrate(c->db, "ob", ECACHE_DB_OUTBOX, ECACHE_OUTBOX_VERSION,
				  err, errlen) < 0)
		return -1;
	/* Sorts of a queue window are small: in memory.  Not before the
	 * migrations, whose CREATE INDEX over a million rows would sort them
	 * all in memory too (90 MB; in a temporary file it is the page
	 * cache's worth). */
	if (ecache_exec(c, "PRAGMA temp_store = MEMORY") < 0) {
		snprintf(err, errlen, "%s: %s", c->path, c->errmsg);
		return -1;
	}
	/* A migration of a big cache leaves its whole copy in the log (v6
	 * copies the table): copy it back now, while the person waits for the
	 * upgrade anyway, rather than in the first page's commit. */
	if (was > 0 && was < ECACHE_MAIN_VERSION &&
	    ecache_exec(c, "PRAGMA main.wal_checkpoint(TRUNCATE)") < 0) {
		snprintf(err, errlen, "%s: %s", c->path, c->errmsg);
		return -1;
	}
	return 0;
}

ecache *
ecache_open_path(const char *path, char *err, size_t errlen)
{
	ecache *c = calloc(1, sizeof *c);
	int r;

	if (!c) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->due_soon_days = 2;
	c->dense_queue = 5000;
	/* below it the sort indexes fit the page cache and cost little */
	c->bulk_min = 50000;
	c->names_stale_tx = -1;
	c->fresh_merge_at = 10000;
	egov_calendar_init(&c->cal);
	c->path = strdup(path);
	c->outbox_path = malloc(strlen(path) + sizeof ".outbox.db");
	if (!c->path || !c->outbox_path) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	sprintf(c->outbox_path, "%s.outbox.db", path);

	/* Check each file on its own before they are used together. */
	r = ecache_recover_outbox(c->outbox_path, err, errlen);
	if (r < 0)
		goto fail;
	c->recovered |= r;
	r = ecache_recover_cache(c->path, err, errlen);
	if (r < 0)
		goto fail;
	c->recovered |= r;
	if (ecache_prepare_file(c->path, err, errlen) < 0 ||
	    ecache_prepare_file(c->outbox_path, err, errlen) < 0)
		goto fail;
	if (open_connection(c, err, errlen) < 0)
		goto fail;
	(void)ecache_checkpointer_start(c);
	if (ecache_dossier_refresh_all_effects(c) < 0) {
		snprintf(err, errlen, "%s", c->errmsg);
		goto fail;
	}
	return c;
fail:
	ecache_close(c);
	return NULL;
}

void
ecache_close(ecache *c)
{
	size_t i;

	if (!c)
		return;
	ecache_counts_discard(c);
	for (i = 0; i < ECACHE_STMT_CACHE; i++)
		sqlite3_finalize(c->stmts[i].stmt);
	if (c->db) {
		ecache_checkpointer_stop(c);
		sqlite3_close(c->db);
	}
	egov_calendar_release(&c->cal);
	free(c->path);
	free(c->outbox_path);
	free(c);
}
