/*
 * libegovapi: the city backend API (backend-contract.md, docs/api/openapi.yaml)
 * as a C library.
 *
 * The library owns one network thread with a curl multi handle.  Callers
 * submit requests, which return at once with a request id, and collect
 * completions from a queue whose file descriptor they poll() for POLLIN.
 * Nothing a caller does waits on the network, except eapi_wait(), the
 * blocking convenience the command-line mode uses.  Every request has a
 * deadline and can be cancelled.  Network errors and 5xx are retried with
 * exponential backoff and full jitter (Retry-After honoured on 429/503),
 * other 4xx never; a 401 refreshes the token once and retries (a program
 * whose processes share one session decides how through the refresh hook,
 * eapi_options.refresh_begin).
 *
 * Every public name starts with eapi_ / EAPI_.  Strings are UTF-8 and owned
 * by the structure that holds them; each structure has its _free().  The
 * library never exits and never prints: errors are reported in eapi_error.
 * Times are time_t; 0 stands for JSON null ("has not happened").
 */
#ifndef EGOV_API_H
#define EGOV_API_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- results and errors ------------------------------------------------ */

typedef enum eapi_result {
	EAPI_OK = 0,
	EAPI_E_NETWORK,		/* could not connect, reset, DNS: retry later */
	EAPI_E_TIMEOUT,		/* deadline passed or link stalled */
	EAPI_E_TLS,		/* certificate or host name refused */
	EAPI_E_HTTP,		/* the server answered with an error status */
	EAPI_E_PROTOCOL,	/* malformed or out-of-range response */
	EAPI_E_TOO_LARGE,	/* response over the size cap */
	EAPI_E_CANCELLED,
	EAPI_E_AUTH,		/* login needed: refresh failed or no token */
	EAPI_E_NOMEM,
	EAPI_E_USAGE		/* bad arguments from the caller */
} eapi_result;

struct eapi_dossier;

typedef struct eapi_error {
	eapi_result result;
	long http_status;		/* 0 when no HTTP answer arrived */
	char code[40];			/* contract code: "version_conflict", ... */
	char request_id[80];		/* X-Request-Id of the answer */
	long retry_after;		/* seconds from Retry-After, or -1 */
	char message[512];		/* one line for people: detail or cause */
	char field[64];			/* for 422 validation: the field named */
	struct eapi_dossier *current;	/* for 412: the server's dossier */
} eapi_error;

/* Clear an error (frees `current`); it is then EAPI_OK, retry_after -1. */
void eapi_error_clear(eapi_error *err);
/* A short English name for a result ("network error"); never NULL. */
const char *eapi_result_str(eapi_result r);
/* Whether a failed action should be retried later (network, timeout, 5xx,
 * 429, 503, 409 idempotency_key_in_flight) as the contract classifies it. */
int eapi_error_is_transient(const eapi_error *err);

/* ---- reference data ------------------------------------------------------ */

typedef enum eapi_agency_level {
	EAPI_LEVEL_CITY, EAPI_LEVEL_DEPARTMENT, EAPI_LEVEL_WARD
} eapi_agency_level;

typedef struct eapi_agency {
	char *id, *code, *name, *short_name, *parent_id;	/* parent_id may be NULL */
	eapi_agency_level level;
} eapi_agency;

typedef struct eapi_fee_rule {
	char *name;
	long long amount_vnd, online_amount_vnd;
} eapi_fee_rule;

typedef struct eapi_required_doc {
	char *code, *name;
	int required;
} eapi_required_doc;

typedef struct eapi_procedure {
	char *id, *code, *name, *field;
	eapi_agency_level agency_level;
	char *online_level;		/* "full", "partial", "none" */
	int processing_days;
	int calendar_days;		/* day_kind == "calendar" */
	eapi_fee_rule *fees; size_t n_fees;
	eapi_required_doc *documents; size_t n_documents;
} eapi_procedure;

typedef enum eapi_role { EAPI_ROLE_OFFICER, EAPI_ROLE_SUPERVISOR, EAPI_ROLE_SUPPORT } eapi_role;

typedef struct eapi_user {
	char *id, *username, *full_name, *agency_id, *title;
	eapi_role role;
} eapi_user;

typedef struct eapi_holiday {
	char date[11];			/* YYYY-MM-DD */
	char *name;
} eapi_holiday;

typedef struct eapi_calendar {
	int year;
	eapi_holiday *holidays; size_t n_holidays;
	char (*working_saturdays)[11]; size_t n_working_saturdays;
	char *office_hours;		/* as the server words it */
} eapi_calendar;

/* ---- dossiers ------------------------------------------------------------ */

typedef enum eapi_state {
	EAPI_STATE_SUBMITTED, EAPI_STATE_RECEIVED, EAPI_STATE_REFUSED,
	EAPI_STATE_IN_PROGRESS, EAPI_STATE_PENDING_APPROVAL,
	EAPI_STATE_SUPPLEMENT_REQUESTED, EAPI_STATE_WITHDRAWN, EAPI_STATE_STOPPED,
	EAPI_STATE_RESULT_READY, EAPI_STATE_RETURNED,
	EAPI_STATE_COUNT
} eapi_state;

/* The contract's word for a state ("in_progress"); "unknown" if invalid. */
const char *eapi_state_str(eapi_state s);
/* The state named by the contract's word: 0, or -1 if there is none. */
int eapi_state_parse(const char *s, eapi_state *out);
/* The national status code (TrangThaiHoSo, 1-10) of a state; 0 if invalid. */
int eapi_state_status_code(eapi_state s);
/* Whether no action leads out of s (refused, withdrawn, stopped, returned). */
int eapi_state_is_terminal(eapi_state s);

typedef struct eapi_applicant {
	char *name, *id_number, *id_kind, *phone, *email, *address, *ward_code;
} eapi_applicant;

typedef struct eapi_document {
	char *id, *name, *component_code, *mime, *sha256;
	long long size;
	int digitized;
} eapi_document;

typedef struct eapi_fee {
	char *name;
	long long amount_vnd;
	int paid, paid_online;
} eapi_fee;

typedef struct eapi_history_entry {
	time_t at;
	char *actor_id, *actor_name, *action, *from_state, *to_state, *note;
} eapi_history_entry;

typedef struct eapi_comment {
	char *id, *author_id, *author_name, *text;
	time_t at;
} eapi_comment;

typedef struct eapi_supplement {
	time_t requested_at, completed_at;
	char *reason;
	int deadline_days;
} eapi_supplement;

typedef struct eapi_dossier {
	/* summary form */
	char *id, *code;
	long long version;
	char *procedure_id, *procedure_code, *procedure_name;
	char *agency_id, *assignee_id;		/* assignee_id may be NULL */
	eapi_state state;
	int status_code;
	char *channel;				/* "counter", "online", "postal" */
	char *applicant_name, *applicant_kind, *subject;
	time_t submitted_at, received_at, due_at, finished_at, returned_at, updated_at;
	int supplement_count;

	/* full form: has_full is set when these were present */
	int has_full;
	eapi_applicant applicant;
	eapi_document *documents; size_t n_documents;
	eapi_fee *fees; size_t n_fees;
	eapi_history_entry *history; size_t n_history;
	eapi_comment *comments; size_t n_comments;
	eapi_supplement *supplements; size_t n_supplements;
	int has_result;
	char *result_number, *result_signer;
	time_t result_signed_at;
	int has_apology;
	char *apology_reason;
	time_t apology_issued_at, apology_new_due_at;
} eapi_dossier;

/* Free a dossier and everything it holds; NULL is fine. */
void eapi_dossier_free(eapi_dossier *d);
/* Decode one dossier object from JSON text (summary or full form), checking
 * every field's type and range.  NULL with err filled on bad input. */
eapi_dossier *eapi_dossier_decode(const char *json, size_t len, eapi_error *err);
/* Encode a dossier as the contract's JSON (full form when has_full).  The
 * cache stores this text.  Caller frees. */
char *eapi_dossier_encode(const eapi_dossier *d);
/* A deep copy (through encode and decode, so it is also checked); NULL
 * without memory or when d does not encode to a valid dossier. */
eapi_dossier *eapi_dossier_dup(const eapi_dossier *d);

typedef struct eapi_dossier_list {
	eapi_dossier **items; size_t n;
	char *next_cursor;		/* NULL at the end */
} eapi_dossier_list;

typedef enum eapi_change_op { EAPI_CHANGE_UPSERT, EAPI_CHANGE_REMOVE } eapi_change_op;

typedef struct eapi_change {
	long long seq;
	eapi_change_op op;
	char *id;
	long long version;
	eapi_dossier *dossier;		/* NULL for remove */
} eapi_change;

typedef struct eapi_change_page {
	eapi_change *changes; size_t n;
	char *next_cursor;
	int more;
} eapi_change_page;

typedef struct eapi_report_row {
	char *agency_id, *agency_name;
	long long received, online, finished_early, finished_on_time, finished_late,
		  in_progress, in_progress_overdue, paused;
	/* rates in 0..1; negative means null ("—"): no dossiers to rate */
	double on_time_rate, online_rate, digitized_rate, avg_days;
} eapi_report_row;

typedef struct eapi_session {
	char *access_token, *refresh_token;
	time_t expires_at;
	eapi_user *user;
} eapi_session;

/* Lists of reference data, as one completion carries them. */
typedef struct eapi_agency_list { eapi_agency *items; size_t n; } eapi_agency_list;
typedef struct eapi_procedure_list { eapi_procedure *items; size_t n; } eapi_procedure_list;
typedef struct eapi_user_list { eapi_user *items; size_t n; } eapi_user_list;
typedef struct eapi_report { eapi_report_row *rows; size_t n; } eapi_report;

/* ---- the client ---------------------------------------------------------- */

typedef struct eapi_client eapi_client;

typedef void (*eapi_log_fn)(void *ud, int level, const char *message);
/* Called (on the network thread) whenever the tokens change, so a program
 * can keep the refresh token; never called with a password. */
typedef void (*eapi_tokens_fn)(void *ud, const eapi_session *session);

/* The refresh hook, for a program whose processes share one session.
 *
 * The server rotates the refresh token on every use: of two processes
 * refreshing with the same token the second is refused and logged out, and
 * a process that kept the token another one has since spent is refused at
 * its next refresh.  So before the library sends its own refresh grant
 * (after a 401 on a request that carried the access token) it calls
 * refresh_begin, and the program, holding whatever lock its processes
 * share, looks at what the others saved and answers:
 *
 *   EAPI_REFRESH_GRANT   send the refresh grant with the refresh token the
 *                        client holds, which the hook may have replaced
 *                        with eapi_client_set_session() (another process
 *                        spent the old one); refresh_end follows, exactly
 *                        once, when the grant is answered, fails, is
 *                        cancelled or the client is freed; on success
 *                        on_tokens has been called before it, so a program
 *                        can hold its lock from begin to end and save the
 *                        rotated tokens inside it;
 *   EAPI_REFRESH_RETRY   the hook has given the client newer tokens with
 *                        eapi_client_set_session() (another process
 *                        refreshed): the refused requests are sent again
 *                        with them, no grant is sent, no refresh_end;
 *   EAPI_REFRESH_FAIL    no refresh: the refused requests complete with
 *                        EAPI_E_AUTH and the message the hook wrote into
 *                        errbuf (or a default one); no refresh_end.
 *
 * Both run on the network thread, never with the client's lock held, and
 * never two at a time for one client: one refresh serves every request
 * refused meanwhile.  So they must be thread-safe towards the program's
 * other threads, may call eapi_client_set_session(), and must not call
 * anything that waits for this client (eapi_wait()).  The network thread
 * waits while refresh_begin runs (it may wait for a lock, not for long).
 * A request is sent again after at most two RETRY answers and one grant;
 * after that a 401 is EAPI_E_AUTH, and so, without a round, is a 401 on
 * tokens whose grant the server refused (until new ones are set).
 * eapi_refresh(), the caller's own refresh, never calls the hook: a caller
 * sending it holds its turn already.  Without refresh_begin the library
 * sends the grant at once, as it always did. */
typedef enum eapi_refresh_plan {
	EAPI_REFRESH_GRANT,
	EAPI_REFRESH_RETRY,
	EAPI_REFRESH_FAIL
} eapi_refresh_plan;

typedef eapi_refresh_plan (*eapi_refresh_begin_fn)(void *ud, eapi_client *c,
						   char *errbuf, size_t errlen);
/* outcome->result is EAPI_OK when the grant succeeded; http_status 401
 * means the server refused the refresh token. */
typedef void (*eapi_refresh_end_fn)(void *ud, const eapi_error *outcome);

typedef struct eapi_options {
	const char *base_url;		/* "https://host:port"; /api/v1 is added */
	const char *ca_file, *ca_path;	/* extra trust; verification is always on */
	const char *user_agent;
	long connect_timeout_ms;	/* default 15000 */
	long low_speed_bytes;		/* stall: below this many bytes/s ... */
	long low_speed_seconds;		/* ... for this long; default 1 B/s, 30 s */
	long default_deadline_ms;	/* per request incl. retries; default 120000 */
	int max_retries;		/* default 6 */
	long retry_base_ms, retry_max_ms; /* default 500, 30000 */
	size_t max_body;		/* response cap, default 64 MiB */
	eapi_log_fn log; void *log_ud;	/* never sees tokens or personal data */
	eapi_tokens_fn on_tokens; void *tokens_ud;
	/* the refresh hook above; NULL: refresh at once */
	eapi_refresh_begin_fn refresh_begin;
	eapi_refresh_end_fn refresh_end;
	void *refresh_ud;
} eapi_options;

/* Fill o with the defaults above; base_url is left NULL for the caller. */
void eapi_options_init(eapi_options *o);

/* Make a client and start its network thread.  The options are copied.
 * NULL on failure with a message in errbuf. */
eapi_client *eapi_client_new(const eapi_options *o, char *errbuf, size_t errlen);
/* Cancels everything in flight, joins the network thread. */
void eapi_client_free(eapi_client *c);
/* Resume a session saved earlier (tokens only; the user may be NULL). */
void eapi_client_set_session(eapi_client *c, const char *access_token,
			     const char *refresh_token, time_t expires_at);
/* Readable when completions wait: poll() it for POLLIN. */
int eapi_client_fd(const eapi_client *c);

typedef struct eapi_link_stats {
	int online;			/* the last request reached the server */
	int slow;			/* measured throughput/latency say "slow" */
	double rtt_ms;			/* smoothed round trip */
	double throughput_bps;		/* smoothed bytes per second */
	time_t last_success, last_failure;
	long long bytes_in, bytes_out, requests, retries;
	long clock_skew_s;		/* server Date minus local clock */
	int http_version;		/* 1 or 2 for the last answer */
} eapi_link_stats;
/* A snapshot of the link statistics (thread-safe, never blocks on I/O). */
void eapi_client_link_stats(eapi_client *c, eapi_link_stats *out);

/* Per-call options; NULL for defaults. */
typedef struct eapi_call {
	void *userdata;			/* handed back in the completion */
	long deadline_ms;		/* 0: the client's default */
	const char *etag;		/* If-None-Match for GETs that honour it */
	const char *request_id;		/* X-Request-Id to send, else one is made */
} eapi_call;

typedef enum eapi_op {
	EAPI_OP_LOGIN, EAPI_OP_REFRESH, EAPI_OP_LOGOUT, EAPI_OP_ME,
	EAPI_OP_AGENCIES, EAPI_OP_PROCEDURES, EAPI_OP_USERS, EAPI_OP_CALENDAR,
	EAPI_OP_DOSSIER, EAPI_OP_SEARCH, EAPI_OP_CHANGES, EAPI_OP_ACTION,
	EAPI_OP_DOCUMENT, EAPI_OP_REPORT
} eapi_op;

typedef struct eapi_completion {
	uint64_t id;
	eapi_op op;
	void *userdata;
	eapi_error error;		/* error.result == EAPI_OK on success */
	int not_modified;		/* 304 on a conditional GET: no data */
	char etag[128];			/* ETag of the answer, if any */
	int attempts;			/* how many times it was sent */
	union {
		eapi_session *session;		/* LOGIN, REFRESH */
		eapi_user *user;		/* ME */
		eapi_agency_list *agencies;
		eapi_procedure_list *procedures;
		eapi_user_list *users;
		eapi_calendar *calendar;
		eapi_dossier *dossier;		/* DOSSIER, ACTION */
		eapi_dossier_list *search;
		eapi_change_page *changes;
		eapi_report *report;
		void *none;			/* LOGOUT, DOCUMENT */
	} u;
	long long doc_bytes;		/* DOCUMENT: bytes now in the file */
} eapi_completion;

/* The next finished request, or NULL when none is waiting (non-blocking). */
eapi_completion *eapi_next_completion(eapi_client *c);
/* Block until request `id` completes and return it (other completions stay
 * queued).  The command-line mode's convenience. */
eapi_completion *eapi_wait(eapi_client *c, uint64_t id);
/* Free a completion with its payload and error; NULL is fine. */
void eapi_completion_free(eapi_completion *comp);
/* Cancel a request; it completes with EAPI_E_CANCELLED.  0, or -1 if the
 * id is unknown or already complete. */
int eapi_cancel(eapi_client *c, uint64_t id);

/* Submitting: each returns a request id > 0, or 0 when it could not even be
 * queued (no memory, bad arguments).  The completion's union member is the
 * one named beside eapi_completion.u.
 *
 * eapi_login: POST /auth/token with the password grant; on success the
 * client keeps the tokens (and calls on_tokens).  The password is not kept.
 * eapi_refresh: the refresh grant with the client's refresh token; 0 when
 * there is none.  eapi_logout: revokes the refresh token and forgets the
 * session.  eapi_get_me, _agencies, _procedures, _users (agency_id may be
 * NULL), _calendar (year 0: the server's default), _dossier (full form):
 * GETs that honour call->etag with If-None-Match (not_modified on 304). */
uint64_t eapi_login(eapi_client *c, const char *username, const char *password,
		    const eapi_call *call);
uint64_t eapi_refresh(eapi_client *c, const eapi_call *call);
uint64_t eapi_logout(eapi_client *c, const eapi_call *call);
uint64_t eapi_get_me(eapi_client *c, const eapi_call *call);
uint64_t eapi_get_agencies(eapi_client *c, const eapi_call *call);
uint64_t eapi_get_procedures(eapi_client *c, const eapi_call *call);
uint64_t eapi_get_users(eapi_client *c, const char *agency_id, const eapi_call *call);
uint64_t eapi_get_calendar(eapi_client *c, int year, const eapi_call *call);
uint64_t eapi_get_dossier(eapi_client *c, const char *id, const eapi_call *call);

/* GET /dossiers: search in what the caller may see, newest first; NULL
 * members are left out of the query. */
typedef struct eapi_search_params {
	const char *q, *state, *agency_id, *assignee_id, *cursor;
	int overdue;			/* -1 any, 0 no, 1 yes */
	int limit;			/* 0: server default */
} eapi_search_params;
uint64_t eapi_search_dossiers(eapi_client *c, const eapi_search_params *p,
			      const eapi_call *call);

/* since NULL: from the beginning; limit 0: server default; full: view=full. */
uint64_t eapi_get_changes(eapi_client *c, const char *since, int limit, int full,
			  const eapi_call *call);

/* One action on one dossier.  The idempotency key is made by the caller
 * when the person acts and passed again on every later attempt. */
typedef struct eapi_action {
	const char *dossier_id;
	const char *action;		/* "receive", "propose", ... */
	const char *idempotency_key;	/* required */
	long long if_match;		/* version; <= 0 only for "comment" */
	/* parameters; NULL / 0 when absent */
	const char *note, *reason, *assignee_id, *method, *text, *new_due_at;
	int deadline_days;
} eapi_action;
uint64_t eapi_post_action(eapi_client *c, const eapi_action *a, const eapi_call *call);

/* Download a document into path, resuming with Range/If-Range when path
 * holds part of it already (its ETag in call->etag).  Progress is readable
 * with eapi_progress(). */
uint64_t eapi_download_document(eapi_client *c, const char *dossier_id,
				const char *doc_id, const char *path,
				const eapi_call *call);
/* Bytes done and expected (-1 unknown) for a request in flight; -1 if done. */
int eapi_progress(eapi_client *c, uint64_t id, long long *done, long long *total);

/* from/to as YYYY-MM-DD, either may be NULL. */
uint64_t eapi_get_report(eapi_client *c, const char *from, const char *to,
			 const eapi_call *call);

/* Free functions for what completions carry (eapi_completion_free() calls
 * the right one; these are for callers that steal the pointer). */
void eapi_session_free(eapi_session *s);
void eapi_user_free(eapi_user *u);
void eapi_agency_list_free(eapi_agency_list *l);
void eapi_procedure_list_free(eapi_procedure_list *l);
void eapi_user_list_free(eapi_user_list *l);
void eapi_calendar_free(eapi_calendar *cal);
void eapi_dossier_list_free(eapi_dossier_list *l);
void eapi_change_page_free(eapi_change_page *p);
void eapi_report_free(eapi_report *r);

/* ---- additions after the first version of this header -------------------- */

/* Decode an answer body the way operation `op` would (for a cache that keeps
 * raw answers, for tests and fuzzing): fills comp->u and returns 0, or fills
 * comp->error and returns -1.  comp must be zeroed; free its payload with
 * eapi_completion_free() if it was heap-allocated, else each _free().  No
 * side effects: decoding a LOGIN answer does not change any client. */
int eapi_decode_answer(eapi_op op, const char *body, size_t len, eapi_completion *comp);

/* Free what one procedure holds, not the procedure itself (for a caller
 * that builds procedures of its own, such as a cache reading them back). */
void eapi_procedure_release(eapi_procedure *p);

#ifdef __cplusplus
}
#endif
#endif
