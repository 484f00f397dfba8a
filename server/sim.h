/*
 * egov-sim's internal interface: the server context every handler gets, the
 * request/response pair the HTTP glue (http.c) hands to the route handlers,
 * and the helpers the handlers share.  egov-sim implements
 * ../shared/design/backend-contract.md; docs/api/openapi.yaml is the same
 * contract in machine-readable form.
 *
 * Reference data (agencies, procedures, users, calendar) never changes after
 * seeding, so it is loaded once into memory (sim_ref) and read without
 * locks.  Dossiers, tokens, the change feed, idempotency records and the
 * audit log live in SQLite (WAL); readers take a connection from a small
 * pool, writers also hold one process-wide mutex so SQLite never has to
 * arbitrate between our own threads.
 */
#ifndef EGOV_SIM_H
#define EGOV_SIM_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>
#include <sqlite3.h>

#include "workdays.h"

#define SIM_MAX_BODY (1024 * 1024)

enum sim_role { SIM_ROLE_OFFICER, SIM_ROLE_SUPERVISOR, SIM_ROLE_SUPPORT };
enum sim_level { SIM_LEVEL_CITY, SIM_LEVEL_DEPARTMENT, SIM_LEVEL_WARD };

typedef struct sim_agency {
	char *id, *code, *name, *short_name, *parent_id;
	int level;
	int parent;			/* index, -1 for the city */
} sim_agency;

typedef struct sim_procedure {
	char *id, *code, *name, *field, *online_level;
	int level;			/* agency level that handles it */
	int processing_days, calendar_days;
	char *fees;			/* JSON text, as the catalogue shows it */
	char *documents;		/* JSON text */
} sim_procedure;

typedef struct sim_person {
	char *id, *username, *full_name, *agency_id, *title;
	int role;
} sim_person;

typedef struct sim_ref {
	sim_agency *agencies; size_t n_agencies;
	sim_procedure *procedures; size_t n_procedures;
	sim_person *users; size_t n_users;
	egov_calendar cal;
} sim_ref;

typedef struct sim_fault {
	int latency_ms, jitter_ms;
	double error, drop, drop_after_commit, stall;
	int stall_ms;
	int hold_ms;			/* an action holds its key this long (tests) */
} sim_fault;


typedef struct sim_server {
	char *db_path;
	sim_ref ref;
	sim_fault fault;
	int token_ttl;			/* seconds an access token lives */
	double feed_retention;		/* seconds the change feed keeps */
	pthread_mutex_t write_lock;	/* one writer at a time */
	pthread_mutex_t pool_lock;
	sqlite3 **pool; size_t n_pool, cap_pool;
	pthread_mutex_t misc_lock;	/* rate limiter, idempotency in flight */
	void *ratelimit;		/* auth.c */
	uint64_t fault_rng;
} sim_server;

/* The authenticated caller. */
typedef struct sim_caller {
	const sim_person *person;
	int role;
	char token_pair[65];		/* sha256 of the access token, for logout */
} sim_caller;

typedef struct sim_request {
	sim_server *srv;
	void *conn;			/* struct MHD_Connection */
	const char *method, *path;
	char *body; size_t body_len;
	int too_large;
	char request_id[80];
	const char *args[2];		/* path parameters */
	sim_caller caller;
	sqlite3 *db;
} sim_request;

typedef struct sim_response {
	int status;
	char *body; size_t len;		/* malloc'd */
	const char *content_type;
	char etag[96];
	char retry_after[24];
	char content_range[80];
	char allow[32];
	int accept_ranges;
	int no_gzip;
	int drop;			/* close the connection, answer nothing */
} sim_response;

/* ---- http.c helpers the handlers use ---- */
const char *sim_header(sim_request *rq, const char *name);
const char *sim_query(sim_request *rq, const char *name);
/* Answer with a JSON value (stolen). */
int sim_reply_json(sim_response *rs, int status, json_t *v);
/* problem+json; `code` is one of the contract's codes. */
int sim_reply_problem(sim_response *rs, int status, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int sim_reply_field(sim_response *rs, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A strong ETag from the bytes of the answer; 304 when If-None-Match has it. */
void sim_etag_content(sim_request *rq, sim_response *rs);
/* Parse the request body as a JSON object; on failure answers and returns NULL. */
json_t *sim_body_object(sim_request *rq, sim_response *rs);

/* ---- store.c ---- */
int sim_store_open(sim_server *srv, int *created, char *err, size_t errlen);
void sim_store_close(sim_server *srv);
sqlite3 *sim_db_acquire(sim_server *srv);
void sim_db_release(sim_server *srv, sqlite3 *db);
int sim_tx_begin(sim_server *srv, sqlite3 *db);
int sim_tx_end(sim_server *srv, sqlite3 *db, int commit);
int sim_exec(sqlite3 *db, const char *sql);
/* A time column: NULL for 0 ("has not happened"). */
void sim_bind_time(sqlite3_stmt *st, int i, time_t t);
int sim_store_create_indexes(sqlite3 *db);
int sim_store_drop_indexes(sqlite3 *db);
int sim_ref_load(sim_server *srv, sqlite3 *db, char *err, size_t errlen);
void sim_ref_release(sim_ref *ref);
const sim_agency *sim_agency_find(const sim_ref *ref, const char *id);
const sim_procedure *sim_procedure_find(const sim_ref *ref, const char *id);
const sim_person *sim_person_find(const sim_ref *ref, const char *id);
const sim_person *sim_person_by_username(const sim_ref *ref, const char *username);
/* Whether agency `id` is `root` or below it. */
int sim_agency_within(const sim_ref *ref, const char *id, const char *root);
const char *sim_meta_get(sqlite3 *db, const char *key, char *buf, size_t len);
int sim_meta_set(sqlite3 *db, const char *key, const char *value);

/* ---- seed.c ---- */
typedef struct sim_seed_opts {
	uint64_t seed;
	long dossiers;
	time_t now;
} sim_seed_opts;
int sim_seed(sim_server *srv, sqlite3 *db, const sim_seed_opts *o, char *err, size_t errlen);

/* ---- auth.c ---- */
int sim_auth_init(sim_server *srv);
void sim_auth_release(sim_server *srv);
/* Authenticate the bearer token; answers 401 itself and returns -1. */
int sim_authenticate(sim_request *rq, sim_response *rs);
char *sim_password_hash(const char *password);
int sim_h_token(sim_request *rq, sim_response *rs);
int sim_h_logout(sim_request *rq, sim_response *rs);
int sim_h_me(sim_request *rq, sim_response *rs);
json_t *sim_person_json(const sim_person *p);

/* ---- refdata.c ---- */
int sim_h_agencies(sim_request *rq, sim_response *rs);
int sim_h_procedures(sim_request *rq, sim_response *rs);
int sim_h_users(sim_request *rq, sim_response *rs);
int sim_h_calendar(sim_request *rq, sim_response *rs);

/* ---- view.c: who sees what, and the JSON of a dossier ---- */
#define SIM_DOSSIER_COLS \
	"n,id,code,version,procedure_id,agency_id,assignee_id,state,channel," \
	"applicant_name,applicant_kind,subject,submitted_at,received_at,due_at," \
	"finished_at,returned_at,supplement_count,updated_at,applicant,documents," \
	"fees,history,comments,supplements,result,apology,digitized,paused_at"
int sim_visible(const sim_caller *c, const sim_ref *ref, const char *agency_id,
		const char *assignee_id);
/* A WHERE fragment (with no parameters) limiting dossiers to the caller. */
char *sim_visibility_sql(const sim_caller *c, const sim_ref *ref, const char *alias);
json_t *sim_dossier_json(const sim_request *rq, sqlite3_stmt *st, int full);
int sim_status_code(const char *state);
int sim_state_terminal(const char *state);
void sim_time_str(time_t t, char out[26]);
json_t *sim_time_json(sqlite3_stmt *st, int col);
/* The bytes of a seeded document (deterministic from ids). */
char *sim_document_bytes(const char *dossier_id, const char *doc_id, const char *name,
			 size_t *len);

/* ---- dossiers.c ---- */
int sim_h_dossier(sim_request *rq, sim_response *rs);
int sim_h_search(sim_request *rq, sim_response *rs);
int sim_h_document(sim_request *rq, sim_response *rs);
/* Load a visible dossier's row; 0, or answers 404 and returns -1. */
int sim_dossier_load(sim_request *rq, sim_response *rs, const char *id, sqlite3_stmt **out);

/* ---- actions.c ---- */
int sim_h_action(sim_request *rq, sim_response *rs);
int sim_h_audit(sim_request *rq, sim_response *rs);
/* ---- audit.c ---- */
void sim_audit_record(sqlite3 *db, const sim_request *rq, const char *key, const char *dossier_id,
		      const char *action, int status, int replay, const char *from,
		      const char *to, long long version);

/* ---- feed.c ---- */
/* Record a change of dossier n (call inside the write transaction). */
int sim_change_record(sqlite3 *db, long long n, long long version, const char *agency_id,
		      const char *old_assignee, const char *new_assignee, int existed,
		      time_t at);
int sim_h_changes(sim_request *rq, sim_response *rs);
int sim_feed_compact(sim_server *srv, sqlite3 *db, time_t now);

/* ---- reports.c ---- */
int sim_h_report(sim_request *rq, sim_response *rs);

/* ---- activity.c ---- */
int sim_activity_start(sim_server *srv, int per_minute);
void sim_activity_stop(void);

/* ---- fault.c ---- */
int sim_fault_parse(sim_fault *f, const char *spec, char *err, size_t errlen);
/* Before handling: sleeps, and may decide to fail (503) or drop. */
int sim_fault_before(sim_server *srv, sim_response *rs);
int sim_fault_drop_after_commit(sim_server *srv);

/* ---- http.c ---- */
int sim_http_start(sim_server *srv, const char *host, int port, const char *cert,
		   const char *key, int *bound_port, char *err, size_t errlen);
void sim_http_stop(void);

/* ---- sha256.c ---- */
void sim_sha256(const void *data, size_t len, unsigned char out[32]);
void sim_sha256_hex(const void *data, size_t len, char out[65]);

/* ---- prng: splitmix64 and xoshiro256**, deterministic from --seed ---- */
typedef struct sim_rng { uint64_t s[4]; } sim_rng;
void sim_rng_seed(sim_rng *r, uint64_t seed);
uint64_t sim_rng_next(sim_rng *r);
/* Uniform in [0, n). */
uint64_t sim_rng_below(sim_rng *r, uint64_t n);
double sim_rng_unit(sim_rng *r);
uint64_t sim_mix64(uint64_t x);

#endif
