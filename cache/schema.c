/*
 * The cache's schema and its migrations.
 *
 * Each file records its schema version in PRAGMA user_version; a table of
 * steps takes it from any earlier version to the current one, each step in
 * its own BEGIN IMMEDIATE transaction together with the new user_version,
 * so an interrupted migration resumes where it stopped.  A file from a
 * newer program (a higher version than we know) is refused rather than
 * guessed at.  tests/cache/test-cache-store.c builds every earlier version
 * and migrates it.
 *
 * Dossiers keep the server's copy (version, JSON, s_* columns) and the
 * optimistic columns the queues read (state, assignee_id, due_at), which
 * equal the s_* ones unless actions wait in the outbox.  Sort columns are
 * never NULL (ECACHE_DUE_NONE for no due date) so keyset pagination can use
 * row-value comparisons on the indexes.  The full-text index is contentless
 * (the folded text is not stored twice); rows are removed from it with the
 * same folded values they were added with (dossiers.c).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "internal.h"

typedef struct migration_step {
	int to;
	const char *sql;	/* unqualified; qualify() adds the schema */
} migration_step;

/* The dossiers table's columns after the id, as v1 made them; v6 copies
 * the table with the same columns (only the id's UNIQUE goes). */
#define DOSSIER_COLUMNS_AFTER_ID \
	" code TEXT NOT NULL," \
	" version INTEGER NOT NULL," \
	" full INTEGER NOT NULL," \
	" s_state INTEGER NOT NULL, s_assignee TEXT, s_due_at INTEGER NOT NULL," \
	" state INTEGER NOT NULL, assignee_id TEXT, due_at INTEGER NOT NULL," \
	" agency_id TEXT, procedure_id TEXT, procedure_name TEXT," \
	" applicant_name TEXT, applicant_kind TEXT, subject TEXT," \
	" name_key BLOB NOT NULL," \
	" recv_at INTEGER NOT NULL," \
	" supplement_count INTEGER NOT NULL," \
	" pending INTEGER NOT NULL DEFAULT 0," \
	" conflict INTEGER NOT NULL DEFAULT 0," \
	" json TEXT NOT NULL);"

static const migration_step cache_steps[] = {
	{ 1,
	  "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;"
	  "CREATE TABLE dossiers("
	  " rid INTEGER PRIMARY KEY,"
	  " id TEXT NOT NULL UNIQUE,"
	  DOSSIER_COLUMNS_AFTER_ID
	  "CREATE INDEX dossiers_state_due ON dossiers(state, due_at);"
	  "CREATE INDEX dossiers_state_recv ON dossiers(state, recv_at);"
	  "CREATE INDEX dossiers_due ON dossiers(due_at);"
	  "CREATE INDEX dossiers_recv ON dossiers(recv_at);"
	  "CREATE INDEX dossiers_name ON dossiers(name_key);"
	  "CREATE INDEX dossiers_code ON dossiers(code);"
	  "CREATE INDEX dossiers_assignee ON dossiers(assignee_id, state, due_at);"
	  "CREATE INDEX dossiers_unsent ON dossiers(pending, conflict) "
	  " WHERE pending > 0 OR conflict > 0;"
	  "CREATE VIRTUAL TABLE dossier_fts USING fts5("
	  " code, applicant, subject, procedure, content='',"
	  " tokenize='unicode61 remove_diacritics 2', prefix='2 3');"
	  "CREATE TABLE agencies(id TEXT PRIMARY KEY, code TEXT, name TEXT,"
	  " short_name TEXT, parent_id TEXT, level INTEGER NOT NULL);"
	  "CREATE TABLE procedures(id TEXT PRIMARY KEY, code TEXT, name TEXT,"
	  " field TEXT, agency_level INTEGER NOT NULL, online_level TEXT,"
	  " processing_days INTEGER NOT NULL, calendar_days INTEGER NOT NULL,"
	  " fees TEXT NOT NULL, documents TEXT NOT NULL);"
	  "CREATE TABLE users(id TEXT NOT NULL, scope TEXT NOT NULL, username TEXT,"
	  " full_name TEXT, agency_id TEXT, title TEXT, role INTEGER NOT NULL,"
	  " name_key BLOB NOT NULL, PRIMARY KEY(scope, id));"
	  "CREATE TABLE calendars(year INTEGER PRIMARY KEY, office_hours TEXT);"
	  "CREATE TABLE holidays(year INTEGER NOT NULL, date TEXT NOT NULL,"
	  " name TEXT, PRIMARY KEY(year, date));"
	  "CREATE TABLE working_saturdays(year INTEGER NOT NULL, date TEXT NOT NULL,"
	  " PRIMARY KEY(year, date));"
	  "CREATE TABLE etags(kind TEXT PRIMARY KEY, etag TEXT NOT NULL) WITHOUT ROWID;"
	},
	/* v2: remember when each piece of reference data was last confirmed, so
	 * the sync engine refreshes stale ones only. */
	{ 2,
	  "ALTER TABLE etags ADD COLUMN fetched_at INTEGER NOT NULL DEFAULT 0;"
	},
	/* v3: the work counters kept as the dossiers change instead of counted
	 * over the whole cache (a million rows took 400 ms, at every start);
	 * counts.c keeps them.  queue_counts has a row per state, supplement
	 * flag and assignee ('' for none); due_counts a row per UTC day of
	 * due_at for the states that can be overdue, so "due soon" and
	 * "overdue" are sums over a range of days whatever today is, plus an
	 * indexed count of the two partial days at the ends (queues.c).
	 * dossiers_state_recv went: queues sorted by date use dossiers_recv or
	 * sort a small set, and every index costs each change. */
	{ 3,
	  "CREATE TABLE queue_counts(state INTEGER NOT NULL, supp INTEGER NOT NULL,"
	  " assignee TEXT NOT NULL, n INTEGER NOT NULL,"
	  " PRIMARY KEY(state, supp, assignee)) WITHOUT ROWID;"
	  "CREATE TABLE due_counts(day INTEGER PRIMARY KEY, n INTEGER NOT NULL);"
	  "INSERT INTO queue_counts(state, supp, assignee, n)"
	  " SELECT state, supplement_count > 0, coalesce(assignee_id, ''), count(*)"
	  " FROM dossiers GROUP BY 1, 2, 3;"
	  "INSERT INTO due_counts(day, n) SELECT due_at / 86400, count(*) FROM dossiers"
	  " WHERE state IN (" ECACHE_OVERDUE_STATES ") GROUP BY 1;"
	  "DROP INDEX dossiers_state_recv;"
	},
	/* v4: an index whose key spreads new rows over the whole tree costs a
	 * page written per changed row; one on a column with a few values
	 * (plus the rowid, which only grows) costs a page per value.  Applying
	 * 1,000 changes to a million dossiers spent most of its time on such
	 * pages.  So (state, due_at) now holds only the states that can be
	 * overdue (a city's open dossiers are few beside its finished ones),
	 * a plain (state) index serves the other queues' filters, and the
	 * assignee index lost due_at: "mine" is a small set, found by its
	 * filter and sorted. */
	{ 4,
	  "DROP INDEX dossiers_state_due;"
	  "DROP INDEX dossiers_assignee;"
	  "CREATE INDEX dossiers_state ON dossiers(state);"
	  "CREATE INDEX dossiers_open_due ON dossiers(state, due_at)"
	  " WHERE state IN (" ECACHE_OVERDUE_STATES ");"
	  "CREATE INDEX dossiers_assignee ON dossiers(assignee_id, state);"
	},
	/* v5: dossiers_open_due is keyed on the due date alone.  Keyed on
	 * (state, due_at), every move of an open dossier from one open state
	 * to another took its entry out of one state's run and into
	 * another's, two pages anywhere in the index; now the key stays and
	 * one page is rewritten.  Its queries (overdue, due soon, the partial
	 * days of their counts) ask for a range of due dates in the open
	 * states, one range scan on it instead of five.
	 *
	 * And the search index merges its segments eight at a time, not four.
	 * FTS5 writes each page's words as a new segment and merges segments
	 * as they pile up, a share of the merging after every write; every
	 * merge level rewrites every entry once, and with eight to a merge
	 * there are fewer levels.  A page of 1,000 dossiers filed into a
	 * million wrote 3,797 pages on average with four, 3,329 with eight.
	 * A search reads up to seven segments a level instead of three: at a
	 * million, a keystroke stayed near 1.3 ms. */
	{ 5,
	  "DROP INDEX dossiers_open_due;"
	  "CREATE INDEX dossiers_open_due ON dossiers(due_at)"
	  " WHERE state IN (" ECACHE_OVERDUE_STATES ");"
	  "INSERT INTO dossier_fts(dossier_fts, rank) VALUES ('automerge', 8);"
	},
	/* v6: the two indexes whose keys are random, the dossier id and the
	 * applicant's sort key, become tables kept in two tiers (fresh.c).  A
	 * page of 1,000 dossiers filed today into a million wrote some 1,100
	 * pages of the id index and 1,400 of the name index, a page per new
	 * row each: the new keys land all over trees much bigger than the
	 * page.  Now a new row's keys go into a small "fresh" table, where
	 * they share a few hundred pages, and the cache's thread merges them
	 * into the big table in key order, many keys to a page.
	 *
	 * An index on the table cannot be split that way (the tier of a row
	 * would have to be a column of it, and moving the row to the other
	 * tier would rewrite its page), so the id loses its UNIQUE index,
	 * which only a new table can drop: the table is copied, rowids and
	 * all (the search index and keyset positions use them).
	 *
	 * And the search index no longer merges its segments inside each
	 * commit (automerge 0): that was half of what such a page wrote.  The
	 * cache's thread merges them after pages, eight at a time as before
	 * (usermerge 8; search.c).
	 *
	 * dossiers_open_due's condition is written without an IN list
	 * (ECACHE_OVERDUE_WHERE), which SQLite evaluated through a temporary
	 * table for every row a page inserted or moved. */
	{ 6,
	  "CREATE TABLE dossiers_v6("
	  " rid INTEGER PRIMARY KEY,"
	  " id TEXT NOT NULL,"
	  DOSSIER_COLUMNS_AFTER_ID
	  "INSERT INTO dossiers_v6 SELECT * FROM dossiers;"
	  "DROP TABLE dossiers;"
	  "ALTER TABLE dossiers_v6 RENAME TO dossiers;"
	  "CREATE INDEX dossiers_due ON dossiers(due_at);"
	  "CREATE INDEX dossiers_recv ON dossiers(recv_at);"
	  "CREATE INDEX dossiers_code ON dossiers(code);"
	  "CREATE INDEX dossiers_unsent ON dossiers(pending, conflict)"
	  " WHERE pending > 0 OR conflict > 0;"
	  "CREATE INDEX dossiers_state ON dossiers(state);"
	  "CREATE INDEX dossiers_open_due ON dossiers(due_at)"
	  " WHERE " ECACHE_OVERDUE_WHERE("state") ";"
	  "CREATE INDEX dossiers_assignee ON dossiers(assignee_id, state);"
	  "CREATE TABLE ids(id TEXT PRIMARY KEY, rid INTEGER NOT NULL) WITHOUT ROWID;"
	  "CREATE TABLE ids_fresh(id TEXT PRIMARY KEY, rid INTEGER NOT NULL) WITHOUT ROWID;"
	  "CREATE TABLE names(name_key BLOB NOT NULL, rid INTEGER NOT NULL,"
	  " PRIMARY KEY(name_key, rid)) WITHOUT ROWID;"
	  "CREATE TABLE names_fresh(name_key BLOB NOT NULL, rid INTEGER NOT NULL,"
	  " PRIMARY KEY(name_key, rid)) WITHOUT ROWID;"
	  "INSERT INTO ids SELECT id, rid FROM dossiers ORDER BY id;"
	  "INSERT INTO names SELECT name_key, rid FROM dossiers ORDER BY name_key, rid;"
	  "INSERT INTO dossier_fts(dossier_fts, rank) VALUES ('automerge', 0);"
	  "INSERT INTO dossier_fts(dossier_fts, rank) VALUES ('usermerge', 8);"
	},
};

static const migration_step outbox_steps[] = {
	{ 1,
	  /* AUTOINCREMENT: a seq is never reused, even after rows salvaged from
	   * a damaged file were copied in with their old numbers. */
	  "CREATE TABLE outbox("
	  " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	  " dossier_id TEXT NOT NULL, dossier_code TEXT,"
	  " action TEXT NOT NULL, params TEXT NOT NULL,"
	  " idem_key TEXT NOT NULL UNIQUE,"
	  " base_version INTEGER NOT NULL, if_match INTEGER NOT NULL,"
	  " chained INTEGER NOT NULL,"
	  " status INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
	  " created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
	  " http_status INTEGER NOT NULL DEFAULT 0, error_code TEXT, reason TEXT,"
	  " result_version INTEGER NOT NULL DEFAULT 0,"
	  " mine_json TEXT, theirs_json TEXT, actor_id TEXT);"
	  "CREATE INDEX outbox_dossier ON outbox(dossier_id, seq);"
	  "CREATE INDEX outbox_status ON outbox(status, seq);"
	},
};

int
ecache_schema_version(sqlite3 *db, const char *schema)
{
	char sql[64];
	sqlite3_stmt *st = NULL;
	int v = -1;

	snprintf(sql, sizeof sql, "PRAGMA %s.user_version", schema);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Steps run with the schema as the default for unqualified CREATEs: SQLite
 * puts new tables in "main", so steps for an attached file are run with
 * every "CREATE TABLE x" rewritten as "CREATE TABLE <schema>.x". */
static char *
qualify(const char *sql, const char *schema)
{
	static const char *const heads[] = {
		"CREATE TABLE ", "CREATE INDEX ", "CREATE VIRTUAL TABLE ", "ALTER TABLE ",
	};
	size_t cap = strlen(sql) * 2 + 64, n = 0;
	char *out = sqlite3_malloc64(cap);
	const char *p = sql;

	if (!out)
		return NULL;
	while (*p) {
		size_t i, hl = 0;
		for (i = 0; i < sizeof heads / sizeof heads[0]; i++) {
			if (strncmp(p, heads[i], strlen(heads[i])) == 0) {
				hl = strlen(heads[i]);
				break;
			}
		}
		if (hl && strcmp(schema, "main") != 0) {
			memcpy(out + n, p, hl);
			n += hl;
			n += (size_t)sprintf(out + n, "%s.", schema);
			p += hl;
			continue;
		}
		out[n++] = *p++;
	}
	out[n] = '\0';
	return out;
}

int
ecache_schema_migrate(sqlite3 *db, const char *schema, enum ecache_db_kind kind,
		      int target, char *err, size_t errlen)
{
	const migration_step *steps = kind == ECACHE_DB_CACHE ? cache_steps : outbox_steps;
	size_t n = kind == ECACHE_DB_CACHE ? sizeof cache_steps / sizeof cache_steps[0]
					   : sizeof outbox_steps / sizeof outbox_steps[0];
	int latest = steps[n - 1].to;
	int have = ecache_schema_version(db, schema);
	size_t i;

	if (have < 0) {
		snprintf(err, errlen, "reading the %s schema version: %s", schema,
			 sqlite3_errmsg(db));
		return -1;
	}
	if (have > latest) {
		snprintf(err, errlen, "the %s cache file is from a newer egov "
			 "(schema %d, this one knows %d)", schema, have, latest);
		return -1;
	}
	for (i = 0; i < n && steps[i].to <= target; i++) {
		char *sql, *msg = NULL;
		char *full;
		int rc;

		if (steps[i].to <= have)
			continue;
		sql = qualify(steps[i].sql, schema);
		full = sql ? sqlite3_mprintf("BEGIN IMMEDIATE; %s PRAGMA %s.user_version = %d; COMMIT;",
					     sql, schema, steps[i].to) : NULL;
		sqlite3_free(sql);
		if (!full) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		rc = sqlite3_exec(db, full, NULL, NULL, &msg);
		sqlite3_free(full);
		if (rc != SQLITE_OK) {
			snprintf(err, errlen, "migrating the %s schema to version %d: %s",
				 schema, steps[i].to, msg ? msg : sqlite3_errmsg(db));
			sqlite3_free(msg);
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
	}
	return 0;
}
