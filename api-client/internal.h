/*
 * libegovapi's private header: what the library's files share and no
 * caller may see.  Private names start with eai_.
 *
 * The pieces: json-util.c checks every JSON field before it reaches a
 * struct (the server is not trusted); decode-*.c turn response bodies into
 * the public structures; errors.c fills eapi_error, including from
 * problem+json bodies; request.c turns each public eapi_get_... call into an
 * eai_request (method, path, body, headers); client.c holds the client's
 * lifecycle, session and link statistics; completion.c is the queue of
 * finished requests and its file descriptor; netthread.c is the one thread
 * that owns the curl multi handle, refresh.c what it does on a 401 (the
 * refresh round and the program's refresh hook), and transfer.c sets up and
 * reads back one attempt of one request.
 */
#ifndef EGOV_API_INTERNAL_H
#define EGOV_API_INTERNAL_H

#include <pthread.h>
#include <stdio.h>
#include <curl/curl.h>
#include <jansson.h>

#include "egov/api.h"

/* No array in an answer may hold more items than this. */
#define EAI_MAX_ITEMS 100000
/* No single string may be longer than this (bytes). */
#define EAI_MAX_STRING (256 * 1024)

/* ---- json-util.c: typed, checked field access ---------------------------- */

enum {
	EAI_OPTIONAL = 0,	/* missing or null: 0 / NULL */
	EAI_REQUIRED = 1	/* missing or null: a protocol error */
};

/* Where a decoder is, for error messages naming the field
 * ("changes[3].dossier.history[0].at"). */
typedef struct eai_dec {
	eapi_error *err;
	char where[160];
} eai_dec;

void eai_dec_init(eai_dec *d, eapi_error *err, const char *where);
/* A child context for member `key` (or array index when key is NULL). */
void eai_dec_child(eai_dec *child, const eai_dec *parent, const char *key, size_t index);
int eai_dec_fail(eai_dec *d, const char *key, const char *what);

/* Parse a body; a protocol error (with jansson's position) on bad JSON. */
json_t *eai_parse(const char *text, size_t len, eapi_error *err);
json_t *eai_parse_object(const char *text, size_t len, const char *what, eapi_error *err);

int eai_get_str(eai_dec *d, const json_t *obj, const char *key, char **out, int flags);
int eai_get_int(eai_dec *d, const json_t *obj, const char *key, long long *out,
		long long min, long long max, int flags);
int eai_get_intv(eai_dec *d, const json_t *obj, const char *key, int *out,
		 int min, int max, int flags);
int eai_get_bool(eai_dec *d, const json_t *obj, const char *key, int *out, int flags);
/* A real in [min, max]; null gives `if_null`. */
int eai_get_real(eai_dec *d, const json_t *obj, const char *key, double *out,
		 double min, double max, double if_null);
int eai_get_time(eai_dec *d, const json_t *obj, const char *key, time_t *out, int flags);
int eai_get_date(eai_dec *d, const json_t *obj, const char *key, char out[11], int flags);
/* An array (NULL when missing or null and optional), at most EAI_MAX_ITEMS. */
int eai_get_array(eai_dec *d, const json_t *obj, const char *key, json_t **out, int flags);
int eai_get_object(eai_dec *d, const json_t *obj, const char *key, json_t **out, int flags);
/* One of a fixed list of words; *out receives its index. */
int eai_get_enum(eai_dec *d, const json_t *obj, const char *key, const char *const *words,
		 size_t n_words, int *out, int flags);
/* Check and normalise one string value (UTF-8, length, NFC). */
int eai_check_str(eai_dec *d, const char *key, const json_t *v, char **out);

/* For encoders: a string or null, an RFC 3339 time or null. */
json_t *eai_json_str(const char *s);
json_t *eai_json_time(time_t t);

/* ---- decoders (decode-*.c) ----------------------------------------------- */

int eai_decode_dossier_obj(eai_dec *d, const json_t *obj, eapi_dossier *out);
int eai_decode_user_obj(eai_dec *d, const json_t *obj, eapi_user *out);
void eai_user_release(eapi_user *u);
void eai_dossier_release(eapi_dossier *d);

eapi_session *eai_decode_session(const char *body, size_t len, eapi_error *err);
eapi_user *eai_decode_user(const char *body, size_t len, eapi_error *err);
eapi_agency_list *eai_decode_agencies(const char *body, size_t len, eapi_error *err);
eapi_procedure_list *eai_decode_procedures(const char *body, size_t len, eapi_error *err);
eapi_user_list *eai_decode_users(const char *body, size_t len, eapi_error *err);
eapi_calendar *eai_decode_calendar(const char *body, size_t len, eapi_error *err);
eapi_dossier_list *eai_decode_search(const char *body, size_t len, eapi_error *err);
eapi_change_page *eai_decode_changes(const char *body, size_t len, eapi_error *err);
eapi_report *eai_decode_report(const char *body, size_t len, eapi_error *err);

/* The array a list answer carries: the root itself, or root.<key>, or
 * root.items (the contract names the fields but not the wrapper); NULL
 * with d's error when it is none of those or holds too many items. */
json_t *eai_list_of(json_t *root, const char *key, eai_dec *d);

/* The list decoders share a shape: parse, find the array (eai_list_of),
 * decode each item with one() into a calloc'd array list->field, free
 * everything with freefn() on the first bad item.  Defines fn. */
#define EAI_DECODE_LIST(fn, listtype, itemtype, field, key, what, one, freefn)	\
listtype *									\
fn(const char *body, size_t len, eapi_error *err)				\
{										\
	json_t *root = eai_parse(body, len, err), *arr, *v;			\
	listtype *l = NULL;							\
	eai_dec d, elem;							\
	size_t i;								\
	int ok = 0;								\
										\
	if (!root)								\
		return NULL;							\
	eai_dec_init(&d, err, what);						\
	arr = eai_list_of(root, key, &d);					\
	if (!arr)								\
		goto cleanup;							\
	l = calloc(1, sizeof *l);						\
	if (!l || (json_array_size(arr) &&					\
		   !(l->field = calloc(json_array_size(arr), sizeof(itemtype))))) { \
		eai_error_set(err, EAPI_E_NOMEM, "out of memory");		\
		goto cleanup;							\
	}									\
	json_array_foreach(arr, i, v) {						\
		eai_dec_child(&elem, &d, NULL, i);				\
		l->n++;								\
		if (one(&elem, v, &l->field[i]) < 0)				\
			goto cleanup;						\
	}									\
	ok = 1;									\
cleanup:									\
	json_decref(root);							\
	if (!ok) {								\
		freefn(l);							\
		l = NULL;							\
	}									\
	return l;								\
}

/* ---- errors.c ------------------------------------------------------------ */

void eai_error_set(eapi_error *err, eapi_result r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Fill err from an HTTP error answer (problem+json when it is one). */
void eai_error_from_http(eapi_error *err, long status, const char *body, size_t len,
			 const char *content_type);
void eai_strlcpy(char *dst, const char *src, size_t size);

/* ---- requests (request.c, netthread.c, transfer.c) ----------------------- */

typedef enum eai_req_state {
	EAI_REQ_QUEUED,		/* submitted, the network thread has not seen it */
	EAI_REQ_READY,		/* to be sent when next_at comes */
	EAI_REQ_RUNNING,	/* an attempt is in the multi handle */
	EAI_REQ_AUTH_WAIT,	/* got 401, waiting for the token refresh */
	EAI_REQ_DONE
} eai_req_state;

typedef struct eai_buf {
	char *data;
	size_t len, cap;
} eai_buf;

int eai_buf_append(eai_buf *b, const void *p, size_t n);
void eai_buf_release(eai_buf *b);

typedef struct eai_request {
	struct eai_request *next;	/* in the client's live list */
	uint64_t id;
	eapi_op op;
	void *userdata;
	int internal;			/* the library's own refresh: no completion */

	/* what to send */
	const char *method;
	char *path;			/* "/dossiers/x?..." after /api/v1 */
	char *body;			/* JSON, or NULL */
	int needs_auth;
	char *idempotency_key;
	long long if_match;		/* > 0: If-Match: "<n>" */
	char *etag;			/* If-None-Match, or If-Range for downloads */
	char request_id[80];

	/* downloads */
	char *dl_path;
	FILE *dl_file;
	long long dl_offset;		/* bytes already in the file at attempt start */
	long long dl_done, dl_total;	/* progress, under the client mutex */
	int dl_no_resume;		/* a 416 said our part is not a prefix */
	int write_errno;		/* writing the file failed */
	long long dl_written;		/* bytes written by this attempt */
	long long content_length, range_total;	/* from this answer, or -1 */

	/* lifecycle: state and cancelled are under the client mutex */
	eai_req_state state;
	int cancelled;
	long long deadline;		/* monotonic ms */
	long long next_at;		/* monotonic ms: earliest next attempt */
	int attempts;
	int refreshed;			/* a 401 already led to one refresh */
	int adopted;			/* times resent on tokens the hook handed over */
	unsigned token_gen;		/* the token generation the attempt used */

	/* one attempt (transfer.c) */
	CURL *easy;
	void *ctx;			/* what the write callback needs */
	struct curl_slist *headers;
	char errbuf[CURL_ERROR_SIZE];
	eai_buf resp;
	int too_large;
	long status;			/* status of the final response */
	char resp_etag[128];
	char resp_request_id[80];
	char content_type[96];
	long retry_after;
	time_t resp_date;

	eapi_completion *comp;		/* made with the request, filled at the end */
} eai_request;

struct eapi_client {
	eapi_options opt;
	char *base_url, *ca_file, *ca_path, *user_agent;

	pthread_mutex_t lock;
	pthread_cond_t done_cond;	/* a completion arrived or a request ended */
	pthread_t thread;
	int thread_started;
	int sync_ready;			/* lock and done_cond initialised */
	int quit;

	CURLM *multi;
	int event_fd;			/* readable while completions wait */

	uint64_t next_id;
	eai_request *live;		/* every request not yet completed */
	eapi_completion **done;		/* completion queue (FIFO) */
	size_t n_done, cap_done;

	/* the session, under lock */
	char *access_token, *refresh_token;
	time_t expires_at;
	unsigned token_gen;
	uint64_t refresh_id;		/* the internal refresh in flight, or 0 */
	int refused;			/* the server refused the grant for ... */
	unsigned refused_gen;		/* ... this token generation */

	eapi_link_stats stats;		/* under lock */
	unsigned rng;			/* jitter (network thread only) */
};

long long eai_now_ms(void);

/* request.c */
eai_request *eai_request_new(eapi_op op, const char *method, const eapi_call *call);
void eai_request_free(eai_request *r);
/* Give a request to the network thread; returns its id, or 0 (r freed). */
uint64_t eai_submit(eapi_client *c, eai_request *r, const eapi_call *call);
/* Submit the library's own refresh (after a 401); 0 if there is no
 * refresh token.  Must be called without the client lock. */
uint64_t eai_submit_internal_refresh(eapi_client *c);

/* client.c */
void eai_log(eapi_client *c, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Store new tokens (login, refresh) and tell the program. */
void eai_set_tokens(eapi_client *c, const eapi_session *s);
void eai_stats_record(eapi_client *c, eai_request *r, int reached);

/* completion.c */
int eai_completion_init(eapi_client *c);
void eai_completion_release(eapi_client *c);
/* Queue a completion (takes it) and wake whoever polls; in the same step
 * take r off the live list, so eapi_wait() never sees it in neither.
 * Called unlocked. */
void eai_completion_push(eapi_client *c, eapi_completion *comp, eai_request *r);
void eai_completion_free_payload(eapi_completion *comp);

/* netthread.c */
void *eai_net_main(void *arg);
void eai_net_wake(eapi_client *c);
/* End a request: hand its completion over (none for the library's own
 * refresh, which ends its round first) and free it.  r must not be
 * running.  Network thread only. */
void eai_finish(eapi_client *c, eai_request *r);

/* refresh.c (network thread only) */
/* A 401 on request r that carried the access token: resend it, make it
 * wait for the refresh in flight, start a round (the hook, the grant), or
 * fail it. */
void eai_auth_refused(eapi_client *c, eai_request *r);
/* The library's own refresh ended (ok: new tokens are stored): tell the
 * hook, then resend or fail the requests that waited. */
void eai_refresh_done(eapi_client *c, eai_request *refresh, int ok);

/* transfer.c */
int eai_transfer_start(eapi_client *c, eai_request *r);
/* Read back a finished attempt into r (status, headers, body); cleans up. */
void eai_transfer_finish(eapi_client *c, eai_request *r, CURLcode cc);
/* Take an attempt out of the multi handle without reading it back. */
void eai_transfer_abort(eapi_client *c, eai_request *r);
/* Decode r's successful answer into r->comp; 0, or -1 with comp->error. */
int eai_transfer_decode(eapi_client *c, eai_request *r);

#endif
