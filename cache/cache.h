/*
 * libegovcache: the console's offline store and its sync engine.
 *
 * One SQLite cache per server and user keeps what a person needs to work
 * while the link is down: the dossiers they may see (summary columns for the
 * work queues plus the full JSON), the reference data with their ETags, the
 * change-feed cursor, and the outbox of actions the person took.  The outbox
 * lives in a small companion file, "<name>.outbox.db", attached to the cache
 * and always written with synchronous=FULL: a damaged or dropped cache is
 * rebuilt from the server, but a person's actions are never thrown away.
 *
 * Acting is local first: ecache_act() writes the outbox row (action,
 * parameters, the version the person saw, a fresh idempotency key) and the
 * optimistic effect on the dossier (state, assignee, due date; the row is
 * marked pending) in one transaction.  The sync engine later pushes queued
 * rows in order per dossier, each with the same key on every attempt, and
 * classifies the answer as the contract says: done, retry later, conflict
 * (412 or 409 invalid_transition; both versions kept for the person to redo
 * or discard) or failed (403, 422; the server's reason kept).  Then it pulls
 * the change feed page by page, each page and its cursor in one transaction.
 *
 * The optimistic effect is derived: the cache keeps the server's copy of
 * every dossier and replays the still-unsent outbox rows on top of it, so a
 * newer server version arriving while actions wait shows both.
 *
 * Conventions: every public name starts with ecache_ / ECACHE_.  Functions
 * returning int give 0 (or a count) on success and -1 on failure, with a
 * message for people in ecache_errmsg().  Strings are UTF-8 (NFC) and owned
 * by the structure holding them; each structure has its _release()/_free().
 * Structures from libegovapi (eapi_dossier, eapi_agency_list ...) returned
 * by this library are freed with libegovapi's own free functions.  Times are
 * time_t, 0 meaning "not set".  An ecache handle and an ecache_sync are used
 * from one thread only.  The library never prints and never exits.
 */
#ifndef EGOV_CACHE_H
#define EGOV_CACHE_H

#include <stddef.h>
#include <time.h>

#include "egov/api.h"
#include "workdays.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ecache ecache;

/* ---- opening and closing ------------------------------------------------- */

/* The cache file for a server and user:
 * $XDG_DATA_HOME/egov/<host>-<port>-<username>.db (XDG_DATA_HOME defaults
 * to ~/.local/share); host, port and user name are reduced to [A-Za-z0-9._].
 * Writes the path into out; 0, or -1 with a message in err. */
int ecache_default_path(const char *server_url, const char *username,
			char *out, size_t outlen, char *err, size_t errlen);

/* Open (creating if needed) the cache for a server and user at the default
 * path; the folder is created with mode 0700 and the files with 0600.
 * NULL with a message in err on failure. */
ecache *ecache_open(const char *server_url, const char *username,
		    char *err, size_t errlen);

/* Open the cache at an explicit path (tests, tools); the outbox file is
 * path + ".outbox.db".  The folder must exist.  At open the schema is
 * migrated to the current version and the files are checked with PRAGMA
 * quick_check: the outbox always whole; the dossier cache whole when it is
 * under 32 MB or was not closed cleanly (its -wal is left), otherwise its
 * schema and small tables, so a big cache opens in milliseconds.  A
 * damaged cache is renamed "<path>.damaged-<YYYYmmdd-HHMMSS>" and a new one
 * created (it then resyncs from the beginning); a damaged outbox file is
 * renamed the same way and every row still readable is copied into the
 * new one.  Memory stays small whatever the cache holds (a 12 MiB page
 * cache, no memory map). */
ecache *ecache_open_path(const char *path, char *err, size_t errlen);

/* Close; NULL is allowed.  Everything written is already durable. */
void ecache_close(ecache *c);

/* The last error on this handle, for people (never contains personal data
 * from dossiers). */
const char *ecache_errmsg(const ecache *c);
const char *ecache_path(const ecache *c);
/* Non-zero when ecache_open*() found damage and moved files aside; the
 * console should tell the person a full resync is under way. */
int ecache_was_recovered(const ecache *c);

/* Tests and benchmarks: pretend the time is `now` for queues and due-soon
 * cut-offs (0 returns to the real clock). */
void ecache_set_now(ecache *c, time_t now);
/* Working days ahead still counted as "due soon" (default 2: due today, in
 * one or in two working days). */
void ecache_set_due_soon_days(ecache *c, int days);

/* ---- reference data -------------------------------------------------------
 * Each put replaces what is stored for that kind (and scope) together with
 * the ETag of the answer; each get returns a fresh copy the caller frees
 * with the libegovapi free function, or NULL when nothing is cached (not an
 * error: ecache_errmsg() is "" then) or on error. */

typedef enum ecache_ref {
	ECACHE_REF_AGENCIES, ECACHE_REF_PROCEDURES, ECACHE_REF_USERS,
	ECACHE_REF_CALENDAR, ECACHE_REF_ME
} ecache_ref;

/* The stored ETag for a kind: scope is the agency id for USERS, the year as
 * text ("2025") for CALENDAR, NULL otherwise.  Writes "" when none.
 * 0, or -1 on error. */
int ecache_ref_etag(ecache *c, ecache_ref kind, const char *scope,
		    char *out, size_t outlen);

int ecache_put_agencies(ecache *c, const eapi_agency_list *l, const char *etag);
eapi_agency_list *ecache_get_agencies(ecache *c);	/* ordered by code */

int ecache_put_procedures(ecache *c, const eapi_procedure_list *l, const char *etag);
eapi_procedure_list *ecache_get_procedures(ecache *c);	/* ordered by code */
eapi_procedure *ecache_get_procedure(ecache *c, const char *id);
void ecache_procedure_free(eapi_procedure *p);

/* Users are stored per agency (what GET /users?agency_id= returned). */
int ecache_put_users(ecache *c, const char *agency_id, const eapi_user_list *l,
		     const char *etag);
/* agency_id NULL: every cached user.  Sorted the Vietnamese way by full
 * name, given name first. */
eapi_user_list *ecache_get_users(ecache *c, const char *agency_id);
eapi_user *ecache_get_user(ecache *c, const char *id);

/* The logged-in person (GET /me), so offline work knows who "mine" is. */
int ecache_put_me(ecache *c, const eapi_user *me);
eapi_user *ecache_get_me(ecache *c);

/* The calendar is kept per year; puts for one year replace that year. */
int ecache_put_calendar(ecache *c, const eapi_calendar *cal, const char *etag);
eapi_calendar *ecache_get_calendar_year(ecache *c, int year);
/* Every cached year merged into one egov_calendar for working-day sums.
 * out is initialised here; release it with egov_calendar_release(). */
int ecache_load_calendar(ecache *c, egov_calendar *out);

/* ---- dossiers ------------------------------------------------------------
 * The cache keeps the server's copy of each dossier, keyed on id and
 * version: an older or equal version never overwrites a newer one. */

/* Store a dossier (summary or full form; a summary never replaces a full
 * form of the same version).  1 stored, 0 ignored as not newer, -1 error. */
int ecache_dossier_upsert(ecache *c, const eapi_dossier *d);
/* Forget a dossier (deleted or no longer visible).  version is the version
 * of the remove; a cached copy newer than that is kept.  Outbox rows for it
 * are kept.  1 removed, 0 nothing to do, -1 error. */
int ecache_dossier_remove(ecache *c, const char *id, long long version);

/* The dossier as the person should see it: the server's copy with the
 * effect of still-unsent actions applied (state, assignee, due date).
 * *pending (if not NULL) receives the number of unsent outbox rows.  NULL
 * when not cached (ecache_errmsg() "") or on error.  Free with
 * eapi_dossier_free(). */
eapi_dossier *ecache_dossier_get(ecache *c, const char *id, int *pending);
/* The server's copy alone, without local effects. */
eapi_dossier *ecache_dossier_get_server(ecache *c, const char *id);
/* Look a dossier up by its number (code). */
eapi_dossier *ecache_dossier_get_by_code(ecache *c, const char *code, int *pending);
/* How many dossiers are cached; -1 on error. */
long long ecache_dossier_count(ecache *c);

/* ---- work queues ----------------------------------------------------------
 * The work counters of domain.md over what the cache holds (which is what
 * the server lets this person see), using the optimistic state.  Only MINE
 * depends on user_id; the others count everything visible. */

typedef enum ecache_queue {
	ECACHE_Q_ALL,			/* every cached dossier */
	ECACHE_Q_ACTIVE,		/* not terminal */
	ECACHE_Q_NEW_ONLINE,		/* submitted, not yet received */
	ECACHE_Q_RECEIVED,		/* received, not yet taken up */
	ECACHE_Q_IN_PROGRESS,		/* in_progress */
	ECACHE_Q_DUE_SOON,		/* due within the due-soon days, not overdue */
	ECACHE_Q_OVERDUE,		/* active (not result_ready) and past due_at */
	ECACHE_Q_SUPPLEMENT_WAIT,	/* supplement_requested */
	ECACHE_Q_SUPPLEMENT_RECEIVED,	/* in_progress after a completed supplement */
	ECACHE_Q_PENDING_APPROVAL,	/* pending_approval */
	ECACHE_Q_RESULT_READY,		/* result_ready: to return */
	ECACHE_Q_MINE,			/* assigned to user_id, not terminal */
	ECACHE_Q_UNASSIGNED,		/* no assignee, received or in_progress */
	ECACHE_Q_UNSENT,		/* with actions not yet accepted by the server */
	ECACHE_Q_COUNT
} ecache_queue;

const char *ecache_queue_name(ecache_queue q);	/* "due_soon" */
int ecache_queue_parse(const char *name, ecache_queue *out);	/* 0 or -1 */

/* How many dossiers are in a queue; -1 on error. */
long long ecache_queue_count(ecache *c, ecache_queue q, const char *user_id);
/* Every counter at once (one entry per ecache_queue). */
int ecache_queue_counts(ecache *c, const char *user_id, long long counts[ECACHE_Q_COUNT]);

typedef enum ecache_sort {
	ECACHE_SORT_DUE,		/* due date, soonest first; none last */
	ECACHE_SORT_RECEIVED,		/* received (or submitted) date, oldest first */
	ECACHE_SORT_APPLICANT,		/* applicant, Vietnamese order, given name first */
	ECACHE_SORT_CODE,		/* dossier number */
	ECACHE_SORT_COUNT
} ecache_sort;
/* OR into a sort to reverse it (newest first, Z to A ...). */
#define ECACHE_SORT_DESC 0x100

/* One row of a queue window or a search: light, for a list line. */
typedef struct ecache_row {
	char *id, *code, *applicant_name, *procedure_name, *subject, *assignee_id;
	eapi_state state;		/* optimistic */
	time_t received_at, due_at;	/* 0 when not set */
	int has_due;
	int working_days_left;		/* from the cached calendar; < 0 overdue;
					 * meaningful only when has_due */
	int overdue;
	int pending;			/* unsent actions on it (shown "pending") */
	int conflict;			/* an action of it is in conflict or failed */
	long long version;		/* the server's version */
	char *key;			/* position, for after_key / before_key */
} ecache_row;

typedef struct ecache_rows {
	ecache_row *rows;
	size_t n;
} ecache_rows;

void ecache_rows_init(ecache_rows *r);
void ecache_rows_release(ecache_rows *r);

/* Read at most `limit` rows of a queue in `sort` order, starting after the
 * row whose key is after_key (NULL or "" for the top).  rows_out is
 * replaced (released first).  Keyset pagination: cost grows with limit,
 * not with the queue or how far down it is.  Returns the number of rows,
 * -1 on error; fewer than limit means the end.  While a big first sync
 * runs (ecache_sorted() is 0), a queue longer than a few thousand rows
 * comes in the order its dossiers arrived instead. */
int ecache_queue_window(ecache *c, ecache_queue q, const char *user_id, int sort,
			const char *after_key, int limit, ecache_rows *rows_out);
/* The `limit` rows just before before_key (NULL: the last rows), returned
 * in display order; for scrolling up and for End. */
int ecache_queue_window_before(ecache *c, ecache_queue q, const char *user_id,
			       int sort, const char *before_key, int limit,
			       ecache_rows *rows_out);

/* ---- search ---------------------------------------------------------------
 * Full-text search over dossier number, applicant, subject and procedure
 * name, ignoring case and Vietnamese diacritics (đ included), every word a
 * prefix (as the person types); one-letter words are skipped (a lone
 * letter finds nothing yet).  Any text is safe: quotes, *, OR, NEAR and
 * SQL are taken as words.  Newest (most recently cached) first.  Returns
 * the number of rows (0 for blank text), -1 on error. */
int ecache_search(ecache *c, const char *text, int limit, ecache_rows *rows_out);

/* ---- the outbox -------------------------------------------------------- */

typedef enum ecache_out_status {
	ECACHE_OUT_QUEUED,		/* waiting to be sent */
	ECACHE_OUT_IN_FLIGHT,		/* sent, answer not yet recorded */
	ECACHE_OUT_RETRY,		/* transient failure; sent again later */
	ECACHE_OUT_DONE,		/* the server applied it */
	ECACHE_OUT_CONFLICT,		/* 412 or 409: redo or discard */
	ECACHE_OUT_FAILED,		/* 403/422/...: kept with the reason */
	ECACHE_OUT_DISCARDED,		/* the person dropped it */
	ECACHE_OUT_COUNT
} ecache_out_status;

const char *ecache_out_status_name(ecache_out_status s);	/* "in_flight" */

typedef struct ecache_outbox_row {
	long long seq;			/* order of acting; stable */
	char *dossier_id, *dossier_code;
	char *action;			/* "claim", ... */
	char *params_json;		/* {"note":...,"reason":...}; never NULL */
	char idempotency_key[37];
	long long base_version;		/* the version the person saw */
	long long if_match;		/* what will be sent as If-Match */
	ecache_out_status status;
	int attempts;
	time_t created_at, updated_at;
	long http_status;		/* of the last answer, 0 if none */
	char *error_code;		/* contract code of the last error, or NULL */
	char *reason;			/* the server's words or the network error */
	long long result_version;	/* DONE: the version it produced */
} ecache_outbox_row;

typedef struct ecache_outbox_list {
	ecache_outbox_row *rows;
	size_t n;
} ecache_outbox_list;

void ecache_outbox_list_init(ecache_outbox_list *l);
void ecache_outbox_list_release(ecache_outbox_list *l);

/* Act on a dossier: one transaction writes the outbox row (a->action and
 * its parameters, the cached version as base, a fresh UUID v4 key) and the
 * optimistic effect.  a->idempotency_key and a->if_match are ignored (the
 * cache chooses them).  The dossier must be cached.  Actions queued on a
 * dossier that already has unsent ones are chained: each is sent with the
 * version its predecessor produced.  Returns the outbox seq (> 0) and
 * copies the key into key_out if not NULL; -1 on error (unknown action,
 * dossier not cached, missing required parameter). */
long long ecache_act(ecache *c, const eapi_action *a, char key_out[37]);

/* Rows whose status bit (1u << status) is in mask, oldest first; dossier_id
 * NULL for all dossiers.  ECACHE_OUTBOX_OPEN selects what still needs the
 * server or the person. */
#define ECACHE_OUTBOX_ALL (~0u)
#define ECACHE_OUTBOX_OPEN ((1u << ECACHE_OUT_QUEUED) | (1u << ECACHE_OUT_IN_FLIGHT) | \
			    (1u << ECACHE_OUT_RETRY) | (1u << ECACHE_OUT_CONFLICT) | \
			    (1u << ECACHE_OUT_FAILED))
int ecache_outbox_list_get(ecache *c, unsigned mask, const char *dossier_id,
			   ecache_outbox_list *out);
int ecache_outbox_get(ecache *c, long long seq, ecache_outbox_row *out);
void ecache_outbox_row_release(ecache_outbox_row *r);
/* How many rows per status (one entry per ecache_out_status). */
int ecache_outbox_counts(ecache *c, long long counts[ECACHE_OUT_COUNT]);

/* A conflict: the person's action, the dossier as they saw it, and the
 * server's current version (from the 412, or the cached copy for a 409). */
typedef struct ecache_conflict {
	ecache_outbox_row row;
	eapi_dossier *mine;		/* the version the action was based on; may be NULL */
	eapi_dossier *theirs;		/* the server's version; may be NULL */
} ecache_conflict;

typedef struct ecache_conflict_list {
	ecache_conflict *items;
	size_t n;
} ecache_conflict_list;

void ecache_conflict_list_init(ecache_conflict_list *l);
void ecache_conflict_list_release(ecache_conflict_list *l);
int ecache_conflicts(ecache *c, ecache_conflict_list *out);

typedef enum ecache_resolution {
	ECACHE_RESOLVE_REDO,		/* again, on the server's version, NEW key */
	ECACHE_RESOLVE_DISCARD		/* drop the action and its local effect */
} ecache_resolution;

/* Resolve a CONFLICT row (REDO or DISCARD) or a FAILED row (DISCARD only).
 * REDO re-queues the same action with If-Match set to the server's version
 * and a fresh idempotency key (the old one already has an answer).  0, or
 * -1 (not found, wrong status). */
int ecache_resolve(ecache *c, long long seq, ecache_resolution how);

/* ---- sync status ------------------------------------------------------- */

typedef struct ecache_status {
	char cursor[256];		/* change-feed cursor; "" before the first sync */
	time_t last_sync;		/* last round that completed */
	time_t last_attempt;		/* last round started */
	int last_ok;			/* whether the last finished round succeeded */
	char last_error[256];		/* its error, "" if none */
	long long dossiers;		/* cached */
	long long outbox[ECACHE_OUT_COUNT];
	int full_resync;		/* the next pull starts from the beginning */
} ecache_status;

int ecache_status_get(ecache *c, ecache_status *st);

/* 1 when every queue sort has its index; 0 during a first sync of a big
 * city, which builds them when it ends (the console says the queues are
 * in arrival order meanwhile); -1 on error. */
int ecache_sorted(ecache *c);

/* Apply one change-feed page and its cursor in one transaction (what a pull
 * does for each page; public for tools and tests).  Returns the number of
 * changes that altered the cache, -1 on error (nothing applied). */
int ecache_apply_changes(ecache *c, const eapi_change_page *page);
/* Drop every cached dossier and the cursor (410 cursor_expired); the
 * outbox and reference data stay.  Local effects are rebuilt as dossiers
 * arrive again. */
int ecache_drop_dossiers(ecache *c);

/* ---- the sync engine --------------------------------------------------------
 * One round: reference data when stale (me, agencies, procedures, users of
 * my agency, calendar for this year and the next; each If-None-Match),
 * then push the outbox, then pull the change feed to its end.  Requests go
 * out one at a time through the caller's eapi_client.  Non-blocking use
 * (the console): call ecache_sync_start() or ecache_sync_tick(), poll the
 * client's fd and hand every completion to ecache_sync_on_completion().
 * Blocking use (the CLI): ecache_sync_run(). */

typedef struct ecache_sync ecache_sync;

typedef struct ecache_sync_options {
	int page_limit;			/* changes per page; default 500 */
	int full_view;			/* pull view=full; default 1 */
	long interval_s;		/* periodic rounds; default 60 */
	long backoff_min_s, backoff_max_s; /* after a failed round; 5 and 600 */
	long reference_max_age_s;	/* refresh reference data; default 3600 */
	long deadline_ms;		/* per request; 0: the client's default */
	/* called after anything visible changed (dossiers, outbox, status) so
	 * a console can redraw; may be NULL */
	void (*on_change)(void *ud, unsigned what);
	void *on_change_ud;
} ecache_sync_options;

/* Bits of `what` passed to on_change. */
#define ECACHE_CHANGED_DOSSIERS  0x1u
#define ECACHE_CHANGED_OUTBOX    0x2u
#define ECACHE_CHANGED_REFERENCE 0x4u
#define ECACHE_CHANGED_STATUS    0x8u

void ecache_sync_options_init(ecache_sync_options *o);

/* The engine borrows c and client (both must outlive it).  NULL on no
 * memory. */
ecache_sync *ecache_sync_new(ecache *c, eapi_client *client,
			     const ecache_sync_options *o);
/* Cancels its requests in flight (their completions are then still
 * delivered by the client and must simply be freed by the caller). */
void ecache_sync_free(ecache_sync *s);

/* Start a round now (also forcing reference data when force_reference).
 * 0 started, 1 a round is already running, -1 error. */
int ecache_sync_start(ecache_sync *s);
int ecache_sync_start_full(ecache_sync *s, int force_reference);
/* Offer a completion.  Returns 1 when it belonged to the engine (which
 * then frees it), 0 when it is someone else's (untouched). */
int ecache_sync_on_completion(ecache_sync *s, eapi_completion *comp);
/* Periodic work: starts a round when the interval (or, after failures, the
 * backoff) has passed, or when new actions are queued.  Returns the time
 * the engine next wants a tick (for the poll timeout). */
time_t ecache_sync_tick(ecache_sync *s, time_t now);
/* Whether a round is running. */
int ecache_sync_busy(const ecache_sync *s);

typedef struct ecache_sync_report {
	int ok;				/* the round completed */
	long long pushed;		/* rows sent */
	long long done, retry, conflicts, failed;
	long long pages, changes;	/* pulled */
	int restarted;			/* 410: the feed was read from the start */
	char error[256];		/* why the round failed, "" when ok */
} ecache_sync_report;

/* The last round's report (also while running: figures so far). */
void ecache_sync_last_report(const ecache_sync *s, ecache_sync_report *out);

/* Blocking: one whole round with eapi_wait().  o may be NULL.  0 when the
 * round completed (rows may still be in conflict/failed/retry: see rep),
 * -1 with rep->error (and ecache_errmsg()) when it could not. */
int ecache_sync_run(ecache *c, eapi_client *client, const ecache_sync_options *o,
		    ecache_sync_report *rep);

#ifdef __cplusplus
}
#endif
#endif
