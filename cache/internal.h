/*
 * What the files of libegovcache share and nobody outside it sees: the
 * handle, the statement cache, transactions, error reporting and the few
 * cross-file helpers (schema migration, the optimistic effect, folding).
 *
 * The cache is one SQLite connection on "<name>.db" (schema "main": the
 * dossiers, the full-text index, reference data, sync status) with the
 * outbox file attached as schema "ob".  Writes go through ecache_begin()/
 * ecache_commit(), which nest: only the outermost pair issues BEGIN
 * IMMEDIATE / COMMIT, so a public function can be both a transaction of its
 * own and a step of a larger one (a change-feed page).
 */
#ifndef EGOV_CACHE_INTERNAL_H
#define EGOV_CACHE_INTERNAL_H

#include <sqlite3.h>

#include "cache.h"

#define ECACHE_STMT_CACHE 96
/* SQLite's page cache per connection, in KiB (store.c). */
#define ECACHE_PAGE_CACHE_KB "12288"
/* and the cache's thread's (checkpoint.c): its merges read a few hundred
 * pages at a time */
#define ECACHE_THREAD_CACHE_KB "2048"
/* dirty pages a transaction may hold before it spills them (store.c) */
#define ECACHE_SPILL_KB "32768"
/* due_at of a dossier without a due date: sorts last, never "overdue". */
#define ECACHE_DUE_NONE 9000000000000000LL

typedef struct ecache_checkpointer ecache_checkpointer;

struct ecache {
	sqlite3 *db;
	ecache_checkpointer *checkpointer;	/* checkpoint.c */
	char *path, *outbox_path;
	char errmsg[512];
	int recovered;
	time_t now_override;
	int due_soon_days;
	int dense_queue;		/* queues.c: above it, walk the sort index */
	long long bulk_min;		/* bulk.c: a first sync past it drops them */
	long long fresh_merge_at;	/* fresh.c: fresh keys that start a merge */
	int names_stale_tx;		/* bulk.c: names_stale in this transaction; -1 unread */
	int tx_depth, tx_failed;
	/* counts.c: counter differences of the open transaction */
	struct ecache_count_slot *count_slots;
	size_t count_cap, count_used;
	egov_calendar cal;
	int cal_loaded;
	struct {
		const char *sql;
		sqlite3_stmt *stmt;
	} stmts[ECACHE_STMT_CACHE];
};

/* The checkpoint thread (checkpoint.c): started once the connection is
 * open, stopped before it closes.  Failing to start leaves SQLite's own
 * checkpoints on; never an error. */
int ecache_checkpointer_start(ecache *c);
void ecache_checkpointer_stop(ecache *c);
/* Have the thread build the missing sort indexes (bulk.c); -1 without a
 * thread, when the caller builds them itself. */
int ecache_checkpointer_build(ecache *c);
/* Have the thread merge the search index's segments and, with
 * `fresh_too`, the fresh keys (fresh.c); -1 without a thread. */
int ecache_checkpointer_merge(ecache *c, int fresh_too);
/* For tests: the log sizes (frames) that wake the thread and that make the
 * writer checkpoint itself (-1 without a thread); and a wait until no
 * round or build is asked for or running, returning how many checkpoint
 * rounds have finished. */
int ecache_checkpointer_tune(ecache *c, int soft_frames, int hard_frames);
unsigned long ecache_checkpointer_drain(ecache *c);

/* errors (store.c) */
void ecache_seterr(ecache *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "<what>: <sqlite message>", returns -1 for `return ecache_sqlerr(...)`. */
int ecache_sqlerr(ecache *c, const char *what);

/* A prepared statement for a static SQL string, reset and unbound, owned
 * by the cache.  Never used for two things at once: callers finish
 * stepping before calling anything that might use the same text. */
sqlite3_stmt *ecache_stmt(ecache *c, const char *sql);
int ecache_exec(ecache *c, const char *sql);
/* Step a bound statement that returns no rows and reset it; 0 or -1. */
int ecache_step_done(ecache *c, sqlite3_stmt *st, const char *what);
/* Step a bound statement to its end, one item of `size` bytes a row, filled
 * by fill() into a zeroed slot at the end of a growing array: `items` is the
 * address of the caller's array pointer (an eapi_agency ** for a list of
 * agencies), *n its count.  0, or -1 with the error set ("out of memory",
 * or SQLite's named by `what`); either way st is reset and the rows filled
 * so far stay in the array, so the caller's one free function releases
 * them. */
typedef void ecache_fill_fn(sqlite3_stmt *st, void *item);
int ecache_step_rows(ecache *c, sqlite3_stmt *st, void *items, size_t *n, size_t size,
		     ecache_fill_fn *fill, const char *what);

int ecache_begin(ecache *c);
int ecache_commit(ecache *c);
void ecache_rollback(ecache *c);

time_t ecache_now(const ecache *c);
/* The merged calendar, loaded on first use and after calendar puts. */
const egov_calendar *ecache_calendar(ecache *c);
void ecache_calendar_invalidate(ecache *c);

/* meta key/value in the main schema */
int ecache_meta_get(ecache *c, const char *key, char *out, size_t outlen);
int ecache_meta_set(ecache *c, const char *key, const char *value);

/* schema.c: bring "main" and "ob" to their current versions; exposed
 * separately so tests can build every earlier version. */
#define ECACHE_MAIN_VERSION 6
#define ECACHE_OUTBOX_VERSION 1
enum ecache_db_kind { ECACHE_DB_CACHE, ECACHE_DB_OUTBOX };
int ecache_schema_migrate(sqlite3 *db, const char *schema, enum ecache_db_kind kind,
			  int target, char *err, size_t errlen);
int ecache_schema_version(sqlite3 *db, const char *schema);
/* The outbox columns in table order, for copying rows between files. */
#define ECACHE_OUTBOX_COLUMNS \
	"seq, dossier_id, dossier_code, action, params, idem_key, base_version, " \
	"if_match, chained, status, attempts, created_at, updated_at, http_status, " \
	"error_code, reason, result_version, mine_json, theirs_json, actor_id"

/* counts.c: the work counters (schema v3's queue_counts and due_counts).
 * Call with the counted columns of a dossier row as it was (sign -1) and
 * as it is now (sign +1) whenever one is inserted, deleted or changed,
 * inside a transaction; ecache_commit() writes the sums.  -1 (and the
 * transaction fails) when memory runs out. */
int ecache_count_row(ecache *c, int state, int supplements, const char *assignee,
		     long long due_at, int sign);
int ecache_counts_flush(ecache *c);
void ecache_counts_discard(ecache *c);
/* Every dossier gone: empty both tables (in a transaction). */
int ecache_counts_clear(ecache *c);

/* dossiers.c */
int ecache_dossier_store(ecache *c, const eapi_dossier *d);	/* in a tx */
int ecache_dossier_delete(ecache *c, const char *id, long long version);
/* Recompute a dossier's optimistic columns from its server copy and its
 * unsent outbox rows (outbox.c calls this after every status change). */
int ecache_dossier_refresh_effect(ecache *c, const char *id);
/* Every dossier with open outbox rows, and none without (at open). */
int ecache_dossier_refresh_all_effects(ecache *c);
/* Whether a dossier has outbox rows still open or stuck; -1 on error. */
int ecache_dossier_has_outbox(ecache *c, const char *id);

/* effects.c: what an action does to state, assignee and due date when it
 * is accepted; the same rules the server applies, used to show a pending
 * action before it is sent.  Unknown parameters are ignored. */
int ecache_effect_known_action(const char *action);
const char *ecache_effect_missing_param(const char *action, const eapi_action *a);
void ecache_effect_apply(const char *action, const char *params_json,
			 const char *actor_id, eapi_state *state,
			 char **assignee_id, long long *due_at);

/* rows.c: fill a row from a SELECT of ECACHE_ROW_COLUMNS. */
#define ECACHE_ROW_COLUMNS \
	"d.rowid, d.id, d.code, d.applicant_name, d.procedure_name, d.subject, " \
	"d.assignee_id, d.state, d.recv_at, d.due_at, d.pending, d.conflict, " \
	"d.version, d.name_key"
int ecache_rows_fill(ecache *c, sqlite3_stmt *st, int sort, int reverse, ecache_rows *out);
/* The states a queue may be overdue in (counts.c and rows.c look a state
 * up in this string). */
#define ECACHE_OVERDUE_STATES "0,1,3,4,5"
/* The same as an SQL condition on column `s`: dossiers_open_due's WHERE,
 * which a query must repeat to use it.  Not "IN (0,1,3,4,5)": SQLite
 * builds a temporary table for an IN list of more than two constants each
 * time a statement runs, and it evaluates a partial index's WHERE for
 * every row it inserts or moves (a fifth of a page's work went to it). */
#define ECACHE_OVERDUE_WHERE(s) s " <= 5 AND " s " <> 2"
#define ECACHE_ACTIVE_STATES "0,1,3,4,5,8"

/* outbox.c, for the push side */
int ecache_outbox_next_sendable(ecache *c, long long after_seq, ecache_outbox_row *out);
int ecache_outbox_mark_in_flight(ecache *c, long long seq);
int ecache_outbox_record(ecache *c, long long seq, ecache_out_status st,
			 const eapi_error *err, const eapi_dossier *result);
int ecache_outbox_has_queued(ecache *c);

/* bulk.c: a big first sync without the sort indexes.  _begin inside a
 * page's transaction, _end after its commit. */
int ecache_bulk_page_begin(ecache *c, const eapi_change_page *page);
int ecache_bulk_page_end(ecache *c);
int ecache_sort_indexes_build(sqlite3 *db);
const char *ecache_sort_index_name(int sort);
int ecache_sort_index_ready(ecache *c, int sort);
/* 1 while a big first sync leaves the applicant order out (fresh.c keeps
 * no names meanwhile), 0 when not, -1 on error. */
int ecache_names_stale(ecache *c);

/* fresh.c: the id and name lookups in two tiers (schema v6).  _add,
 * _remove and _clear inside the caller's transaction; the merges on any
 * connection to the file, each chunk a transaction of its own. */
#define ECACHE_FRESH_CHUNK 1000
/* The rowid of the dossier whose id is ?1, in either tier. */
#define ECACHE_RID_OF_ID \
	"(SELECT rid FROM ids_fresh WHERE id = ?1 UNION ALL SELECT rid FROM ids WHERE id = ?1)"
int ecache_fresh_add(ecache *c, long long rid, const char *id, const void *name_key,
		     int keylen);
int ecache_fresh_remove(ecache *c, long long rid, const char *id);
int ecache_fresh_clear(ecache *c);
long long ecache_fresh_size(sqlite3 *db);
typedef struct ecache_fresh_sweep ecache_fresh_sweep;
ecache_fresh_sweep *ecache_fresh_sweep_new(void);
void ecache_fresh_sweep_free(ecache_fresh_sweep *sw);
/* The next chunk of a sweep: keys moved, 0 when the sweep is over (and the
 * next starts from the lowest keys), -1 on error. */
int ecache_fresh_sweep_step(sqlite3 *db, ecache_fresh_sweep *sw, int chunk);
int ecache_fresh_merge(sqlite3 *db, int chunk);		/* a whole sweep: 0 or -1 */
int ecache_fresh_page_end(ecache *c);
/* search.c: one share of the search index's merging; 1 worked, 0 none
 * left, -1 error. */
int ecache_search_merge_step(sqlite3 *db);

/* feed.c: remember how a sync round went */
int ecache_status_record(ecache *c, time_t started, int ok, const char *error);

char *ecache_strdup(const char *s);	/* NULL-safe */

#endif
