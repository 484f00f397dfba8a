/*
 * The store: egov-sim's SQLite database, its schema, the connection pool and
 * the in-memory copy of the reference data.
 *
 * The database runs in WAL mode so readers never wait for the writer.  Each
 * request borrows a connection from the pool and returns it; writers also
 * take srv->write_lock around BEGIN IMMEDIATE ... COMMIT, so our threads
 * queue on a mutex rather than spin on SQLITE_BUSY (busy_timeout is still
 * set, for other processes such as the sqlite3 shell).  Agencies,
 * procedures, users and the calendar are written once by the seed and then
 * only read, so sim_ref_load() copies them into memory at startup.
 *
 * dossiers_fts indexes each dossier's `folded` text by trigrams for the
 * search (search.c says how it is used).  It is an external-content FTS5
 * table (the text is read from dossiers, not stored twice) with
 * detail=none (which trigrams, not where: search.c re-checks every
 * candidate with LIKE, so positions would only cost space and seeding
 * time).  Triggers keep it in step with every insert, delete and change of
 * `folded`; the seed drops them with the indexes and builds the index once
 * at the end, which is much quicker than a million trigger calls.
 */
#include "config.h"
#include "sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS agencies(n INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL,"
	" code TEXT NOT NULL, name TEXT NOT NULL, short_name TEXT NOT NULL,"
	" parent_id TEXT, level TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS procedures(n INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL,"
	" code TEXT NOT NULL, name TEXT NOT NULL, field TEXT NOT NULL, agency_level TEXT NOT NULL,"
	" online_level TEXT NOT NULL, processing_days INTEGER NOT NULL, day_kind TEXT NOT NULL,"
	" fees TEXT NOT NULL, documents TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS users(n INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL,"
	" username TEXT UNIQUE NOT NULL, full_name TEXT NOT NULL, role TEXT NOT NULL,"
	" agency_id TEXT NOT NULL, title TEXT NOT NULL, password_hash TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS holidays(date TEXT PRIMARY KEY, name TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS working_saturdays(date TEXT PRIMARY KEY, name TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS dossiers(n INTEGER PRIMARY KEY, id TEXT NOT NULL,"
	" code TEXT NOT NULL, version INTEGER NOT NULL, procedure_id TEXT NOT NULL,"
	" agency_id TEXT NOT NULL, assignee_id TEXT, state TEXT NOT NULL, channel TEXT NOT NULL,"
	" applicant_name TEXT NOT NULL, applicant_kind TEXT NOT NULL, subject TEXT NOT NULL,"
	" submitted_at INTEGER NOT NULL, received_at INTEGER, due_at INTEGER, finished_at INTEGER,"
	" returned_at INTEGER, supplement_count INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
	" applicant TEXT NOT NULL, documents TEXT NOT NULL, fees TEXT NOT NULL,"
	" history TEXT NOT NULL, comments TEXT NOT NULL, supplements TEXT NOT NULL,"
	" result TEXT, apology TEXT, digitized INTEGER NOT NULL, paused_at INTEGER,"
	" folded TEXT NOT NULL);"
	/* The feed: one row per change, with the visibility keys before and
	 * after it, so each caller can be told upsert, remove or nothing. */
	"CREATE TABLE IF NOT EXISTS changes(seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	" dossier INTEGER NOT NULL, version INTEGER NOT NULL, agency_id TEXT NOT NULL,"
	" old_assignee TEXT, new_assignee TEXT, existed INTEGER NOT NULL, at INTEGER NOT NULL,"
	" superseded INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE IF NOT EXISTS tokens(hash TEXT PRIMARY KEY, kind TEXT NOT NULL,"
	" user_id TEXT NOT NULL, pair TEXT NOT NULL, expires_at INTEGER NOT NULL,"
	" revoked INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE IF NOT EXISTS idempotency(user_id TEXT NOT NULL, key TEXT NOT NULL,"
	" fingerprint TEXT NOT NULL, done INTEGER NOT NULL DEFAULT 0, status INTEGER,"
	" etag TEXT, body BLOB, created_at INTEGER NOT NULL, PRIMARY KEY(user_id, key));"
	/* The audit log: every action attempt, its actor and its outcome.
	 * `replay` is 1 when an idempotent replay answered without effect. */
	"CREATE TABLE IF NOT EXISTS audit(n INTEGER PRIMARY KEY, at INTEGER NOT NULL,"
	" actor_id TEXT NOT NULL, request_id TEXT NOT NULL, idempotency_key TEXT,"
	" dossier_id TEXT NOT NULL, action TEXT NOT NULL, status INTEGER NOT NULL,"
	" replay INTEGER NOT NULL, from_state TEXT, to_state TEXT, version INTEGER);"
	"CREATE VIRTUAL TABLE IF NOT EXISTS dossiers_fts USING fts5(folded, content='dossiers',"
	" content_rowid='n', tokenize='trigram', detail='none');";

static const char indexes[] =
	"CREATE UNIQUE INDEX IF NOT EXISTS dossiers_id ON dossiers(id);"
	"CREATE UNIQUE INDEX IF NOT EXISTS dossiers_code ON dossiers(code);"
	"CREATE INDEX IF NOT EXISTS dossiers_recent ON dossiers(submitted_at, n);"
	"CREATE INDEX IF NOT EXISTS dossiers_agency ON dossiers(agency_id, submitted_at, n);"
	"CREATE INDEX IF NOT EXISTS dossiers_state ON dossiers(state, agency_id);"
	"CREATE INDEX IF NOT EXISTS changes_dossier ON changes(dossier, seq);"
	"CREATE INDEX IF NOT EXISTS changes_old ON changes(superseded, at);"
	"CREATE INDEX IF NOT EXISTS audit_key ON audit(idempotency_key);"
	"CREATE TRIGGER IF NOT EXISTS dossiers_fts_insert AFTER INSERT ON dossiers BEGIN"
	" INSERT INTO dossiers_fts(rowid, folded) VALUES (new.n, new.folded); END;"
	"CREATE TRIGGER IF NOT EXISTS dossiers_fts_delete AFTER DELETE ON dossiers BEGIN"
	" INSERT INTO dossiers_fts(dossiers_fts, rowid, folded) VALUES ('delete', old.n, old.folded);"
	" END;"
	"CREATE TRIGGER IF NOT EXISTS dossiers_fts_update AFTER UPDATE OF folded ON dossiers BEGIN"
	" INSERT INTO dossiers_fts(dossiers_fts, rowid, folded) VALUES ('delete', old.n, old.folded);"
	" INSERT INTO dossiers_fts(rowid, folded) VALUES (new.n, new.folded); END;";

void sim_bind_time(sqlite3_stmt *st, int i, time_t t)
{
	if (t)
		sqlite3_bind_int64(st, i, (sqlite3_int64)t);
	else
		sqlite3_bind_null(st, i);
}

/* The trigram index from scratch, read from dossiers.  No merging while it
 * loads (1 << 30 segments before a crisis merge), one merge at the end,
 * then FTS5's defaults again for the live inserts that follow. */
static int build_search_index(sqlite3 *db)
{
	return sim_exec(db, "INSERT INTO dossiers_fts(dossiers_fts, rank) VALUES('automerge', 0);"
			" INSERT INTO dossiers_fts(dossiers_fts, rank) VALUES('crisismerge', 1073741824);"
			" INSERT INTO dossiers_fts(dossiers_fts) VALUES('rebuild');"
			" INSERT INTO dossiers_fts(dossiers_fts) VALUES('optimize');"
			" INSERT INTO dossiers_fts(dossiers_fts, rank) VALUES('automerge', 4);"
			" INSERT INTO dossiers_fts(dossiers_fts, rank) VALUES('crisismerge', 16);");
}

int sim_store_create_indexes(sqlite3 *db)
{
	if (build_search_index(db) < 0)
		return -1;
	return sim_exec(db, indexes);
}

/* Also empties the trigram index and stops its triggers, so the seed's
 * DELETE FROM dossiers and its inserts cost no index work. */
int sim_store_drop_indexes(sqlite3 *db)
{
	return sim_exec(db, "DROP INDEX IF EXISTS dossiers_id; DROP INDEX IF EXISTS dossiers_code;"
			" DROP INDEX IF EXISTS dossiers_recent; DROP INDEX IF EXISTS dossiers_agency;"
			" DROP INDEX IF EXISTS dossiers_state; DROP INDEX IF EXISTS changes_dossier;"
			" DROP INDEX IF EXISTS changes_old; DROP INDEX IF EXISTS audit_key;"
			" DROP TRIGGER IF EXISTS dossiers_fts_insert; DROP TRIGGER IF EXISTS dossiers_fts_delete;"
			" DROP TRIGGER IF EXISTS dossiers_fts_update;"
			" INSERT INTO dossiers_fts(dossiers_fts) VALUES('delete-all');");
}

static int table_exists(sqlite3 *db, const char *name)
{
	sqlite3_stmt *st = NULL;
	int found;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE name = ?", -1, &st, NULL))
		return 0;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

int sim_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK) {
		fprintf(stderr, "egov-sim: sql: %s\n", msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static sqlite3 *open_connection(const char *path)
{
	sqlite3 *db = NULL;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, 10000);
	/* page_size only takes effect on a new file; dossiers are rows of 2 KB. */
	if (sim_exec(db, "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
		     " PRAGMA cache_size=-16000; PRAGMA temp_store=MEMORY;") < 0) {
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

int sim_store_open(sim_server *srv, int *created, char *err, size_t errlen)
{
	sqlite3 *db;
	char buf[32];
	int had_search_index;

	*created = access(srv->db_path, F_OK) != 0;
	pthread_mutex_init(&srv->write_lock, NULL);
	pthread_mutex_init(&srv->pool_lock, NULL);
	pthread_mutex_init(&srv->misc_lock, NULL);
	db = sim_db_acquire(srv);
	if (!db) {
		snprintf(err, errlen, "cannot open %s", srv->db_path);
		return -1;
	}
	/* A database seeded before the search index existed gets it built now,
	 * once, from the dossiers it already holds. */
	had_search_index = table_exists(db, "dossiers_fts");
	if (sim_exec(db, schema) < 0 || sim_exec(db, indexes) < 0 ||
	    (!had_search_index && build_search_index(db) < 0)) {
		snprintf(err, errlen, "cannot create the schema in %s", srv->db_path);
		sim_db_release(srv, db);
		return -1;
	}
	/* A database without the seed's mark was interrupted while seeding
	 * (or is not ours): start it again rather than serve half a city. */
	if (!*created && !sim_meta_get(db, "seeded", buf, sizeof(buf)))
		*created = 1;
	/* In-flight idempotency records belong to requests a previous
	 * process never finished; their keys are free again. */
	sim_exec(db, "DELETE FROM idempotency WHERE done = 0");
	sim_db_release(srv, db);
	return 0;
}

void sim_store_close(sim_server *srv)
{
	size_t i;

	for (i = 0; i < srv->n_pool; i++)
		sqlite3_close(srv->pool[i]);
	free(srv->pool);
	srv->pool = NULL;
	srv->n_pool = srv->cap_pool = 0;
	pthread_mutex_destroy(&srv->write_lock);
	pthread_mutex_destroy(&srv->pool_lock);
	pthread_mutex_destroy(&srv->misc_lock);
}

sqlite3 *sim_db_acquire(sim_server *srv)
{
	sqlite3 *db = NULL;

	pthread_mutex_lock(&srv->pool_lock);
	if (srv->n_pool > 0)
		db = srv->pool[--srv->n_pool];
	pthread_mutex_unlock(&srv->pool_lock);
	return db ? db : open_connection(srv->db_path);
}

void sim_db_release(sim_server *srv, sqlite3 *db)
{
	if (!db)
		return;
	pthread_mutex_lock(&srv->pool_lock);
	if (srv->n_pool == srv->cap_pool) {
		size_t cap = srv->cap_pool ? srv->cap_pool * 2 : 8;
		sqlite3 **p = realloc(srv->pool, cap * sizeof(*p));
		if (!p) {
			pthread_mutex_unlock(&srv->pool_lock);
			sqlite3_close(db);
			return;
		}
		srv->pool = p;
		srv->cap_pool = cap;
	}
	srv->pool[srv->n_pool++] = db;
	pthread_mutex_unlock(&srv->pool_lock);
}

int sim_tx_begin(sim_server *srv, sqlite3 *db)
{
	pthread_mutex_lock(&srv->write_lock);
	if (sim_exec(db, "BEGIN IMMEDIATE") < 0) {
		pthread_mutex_unlock(&srv->write_lock);
		return -1;
	}
	return 0;
}

int sim_tx_end(sim_server *srv, sqlite3 *db, int commit)
{
	int result = 0;

	if (commit)
		result = sim_exec(db, "COMMIT");
	if (!commit || result < 0)
		sim_exec(db, "ROLLBACK");
	pthread_mutex_unlock(&srv->write_lock);
	return result;
}

const char *sim_meta_get(sqlite3 *db, const char *key, char *buf, size_t len)
{
	sqlite3_stmt *st = NULL;
	const char *result = NULL;

	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = ?", -1, &st, NULL))
		return NULL;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(buf, len, "%s", (const char *)sqlite3_column_text(st, 0));
		result = buf;
	}
	sqlite3_finalize(st);
	return result;
}

int sim_meta_set(sqlite3 *db, const char *key, const char *value)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO meta VALUES (?, ?)", -1, &st, NULL))
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}
