/*
 * From a public call to a request the network thread can send: one
 * function per endpoint of backend-contract.md, each fixing the method,
 * the path with its escaped query, the JSON body and the headers that make
 * retries safe (Idempotency-Key, If-Match) or cheap (If-None-Match).
 *
 * Nothing here touches the network.  eai_submit() stamps the request with
 * its id, deadline and X-Request-Id, puts it on the client's live list and
 * wakes the network thread; from then on the thread owns it.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "ident.h"

eai_request *
eai_request_new(eapi_op op, const char *method, const eapi_call *call)
{
	eai_request *r = calloc(1, sizeof *r);

	if (!r)
		return NULL;
	r->op = op;
	r->method = method;
	r->needs_auth = 1;
	r->dl_total = -1;
	r->retry_after = -1;
	r->comp = calloc(1, sizeof *r->comp);
	if (!r->comp || (call && call->etag && !(r->etag = strdup(call->etag)))) {
		free(r->comp);
		free(r);
		return NULL;
	}
	r->comp->op = op;
	r->comp->error.retry_after = -1;
	return r;
}

void
eai_request_free(eai_request *r)
{
	if (!r)
		return;
	if (r->body) {
		/* It may hold a password or a refresh token. */
		memset(r->body, 0, strlen(r->body));
		free(r->body);
	}
	free(r->path);
	free(r->idempotency_key);
	free(r->etag);
	free(r->dl_path);
	if (r->dl_file)
		fclose(r->dl_file);
	if (r->headers)
		curl_slist_free_all(r->headers);
	eai_buf_release(&r->resp);
	eapi_completion_free(r->comp);
	free(r);
}

uint64_t
eai_submit(eapi_client *c, eai_request *r, const eapi_call *call)
{
	long deadline_ms = c->opt.default_deadline_ms;
	eai_request **pp;
	uint64_t id;

	if (call && call->deadline_ms > 0)
		deadline_ms = call->deadline_ms;
	r->deadline = eai_now_ms() + deadline_ms;
	if (call) {
		r->userdata = call->userdata;
		if (call->request_id && call->request_id[0])
			eai_strlcpy(r->request_id, call->request_id, sizeof r->request_id);
	}
	if (!r->request_id[0] && egov_uuid4(r->request_id) < 0) {
		eai_request_free(r);
		return 0;
	}
	pthread_mutex_lock(&c->lock);
	if (c->quit) {
		pthread_mutex_unlock(&c->lock);
		eai_request_free(r);
		return 0;
	}
	id = r->id = c->next_id++;
	r->comp->id = id;
	r->comp->userdata = r->userdata;
	r->state = EAI_REQ_QUEUED;
	for (pp = &c->live; *pp; pp = &(*pp)->next)
		;
	*pp = r;
	pthread_mutex_unlock(&c->lock);
	eai_net_wake(c);
	return id;
}

/* ---- building paths ------------------------------------------------------ */

typedef struct pathbuf {
	char *s;
	size_t len;
	int failed;
	char sep;		/* '?' before the first parameter, then '&' */
} pathbuf;

static void
pb_add(pathbuf *pb, const char *text, size_t n)
{
	char *ns;

	if (pb->failed)
		return;
	ns = realloc(pb->s, pb->len + n + 1);
	if (!ns) {
		pb->failed = 1;
		return;
	}
	memcpy(ns + pb->len, text, n);
	pb->len += n;
	ns[pb->len] = '\0';
	pb->s = ns;
}

static void
pb_lit(pathbuf *pb, const char *text)
{
	pb_add(pb, text, strlen(text));
}

/* One path segment or query value, percent-encoded. */
static void
pb_esc(pathbuf *pb, const char *text)
{
	char *e = curl_easy_escape(NULL, text, 0);

	if (!e) {
		pb->failed = 1;
		return;
	}
	pb_lit(pb, e);
	curl_free(e);
}

static void
pb_param(pathbuf *pb, const char *name, const char *value)
{
	char sep[2] = { 0, 0 };

	if (!value || !value[0])
		return;
	sep[0] = pb->sep ? pb->sep : '?';
	pb->sep = '&';
	pb_lit(pb, sep);
	pb_lit(pb, name);
	pb_lit(pb, "=");
	pb_esc(pb, value);
}

static void
pb_int(pathbuf *pb, const char *name, long long v)
{
	char num[24];

	snprintf(num, sizeof num, "%lld", v);
	pb_param(pb, name, num);
}

/* Make and submit a GET or a bodiless request for `path` (taken). */
static uint64_t
submit_path(eapi_client *c, eapi_op op, const char *method, pathbuf *pb,
	    const eapi_call *call)
{
	eai_request *r;

	if (!c || pb->failed || !pb->s) {
		free(pb->s);
		return 0;
	}
	r = eai_request_new(op, method, call);
	if (!r) {
		free(pb->s);
		return 0;
	}
	r->path = pb->s;
	return eai_submit(c, r, call);
}

static uint64_t
submit_json(eapi_client *c, eapi_op op, const char *path, json_t *body,
	    int needs_auth, const eapi_call *call)
{
	eai_request *r = NULL;

	if (!c || !body)
		goto fail;
	r = eai_request_new(op, "POST", call);
	if (!r || !(r->path = strdup(path)) ||
	    !(r->body = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER)))
		goto fail;
	json_decref(body);
	r->needs_auth = needs_auth;
	return eai_submit(c, r, call);
fail:
	json_decref(body);
	eai_request_free(r);
	return 0;
}

/* ---- the endpoints ------------------------------------------------------- */

uint64_t
eapi_login(eapi_client *c, const char *username, const char *password,
	   const eapi_call *call)
{
	if (!username || !password)
		return 0;
	return submit_json(c, EAPI_OP_LOGIN, "/auth/token",
			   json_pack("{ssssss}", "grant_type", "password", "username", username,
				     "password", password), 0, call);
}

/* The refresh grant with the client's refresh token; NULL if there is none. */
static json_t *
refresh_body(eapi_client *c)
{
	json_t *body = NULL;

	pthread_mutex_lock(&c->lock);
	if (c->refresh_token)
		body = json_pack("{ssss}", "grant_type", "refresh_token",
				 "refresh_token", c->refresh_token);
	pthread_mutex_unlock(&c->lock);
	return body;
}

uint64_t
eapi_refresh(eapi_client *c, const eapi_call *call)
{
	return c ? submit_json(c, EAPI_OP_REFRESH, "/auth/token", refresh_body(c), 0, call) : 0;
}

/* The library's own refresh after a 401: no completion reaches the caller. */
uint64_t
eai_submit_internal_refresh(eapi_client *c)
{
	json_t *body = refresh_body(c);
	eai_request *r = NULL;

	if (!body)
		return 0;
	r = eai_request_new(EAPI_OP_REFRESH, "POST", NULL);
	if (!r || !(r->path = strdup("/auth/token")) ||
	    !(r->body = json_dumps(body, JSON_COMPACT))) {
		json_decref(body);
		eai_request_free(r);
		return 0;
	}
	json_decref(body);
	r->needs_auth = 0;
	r->internal = 1;
	return eai_submit(c, r, NULL);
}

uint64_t
eapi_logout(eapi_client *c, const eapi_call *call)
{
	json_t *body;

	if (!c)
		return 0;
	body = refresh_body(c);
	if (!body)
		body = json_object();
	else
		json_object_del(body, "grant_type");
	return submit_json(c, EAPI_OP_LOGOUT, "/auth/logout", body, 1, call);
}

#define SIMPLE_GET(fn, op, p)						\
uint64_t								\
fn(eapi_client *c, const eapi_call *call)				\
{									\
	pathbuf pb = { 0 };						\
									\
	pb_lit(&pb, p);							\
	return submit_path(c, op, "GET", &pb, call);			\
}

SIMPLE_GET(eapi_get_me, EAPI_OP_ME, "/me")
SIMPLE_GET(eapi_get_agencies, EAPI_OP_AGENCIES, "/agencies")
SIMPLE_GET(eapi_get_procedures, EAPI_OP_PROCEDURES, "/procedures")

uint64_t
eapi_get_users(eapi_client *c, const char *agency_id, const eapi_call *call)
{
	pathbuf pb = { 0 };

	pb_lit(&pb, "/users");
	pb_param(&pb, "agency_id", agency_id);
	return submit_path(c, EAPI_OP_USERS, "GET", &pb, call);
}

uint64_t
eapi_get_calendar(eapi_client *c, int year, const eapi_call *call)
{
	pathbuf pb = { 0 };

	pb_lit(&pb, "/calendar");
	if (year > 0)
		pb_int(&pb, "year", year);
	return submit_path(c, EAPI_OP_CALENDAR, "GET", &pb, call);
}

uint64_t
eapi_get_dossier(eapi_client *c, const char *id, const eapi_call *call)
{
	pathbuf pb = { 0 };

	if (!id || !id[0])
		return 0;
	pb_lit(&pb, "/dossiers/");
	pb_esc(&pb, id);
	return submit_path(c, EAPI_OP_DOSSIER, "GET", &pb, call);
}

uint64_t
eapi_search_dossiers(eapi_client *c, const eapi_search_params *p, const eapi_call *call)
{
	pathbuf pb = { 0 };

	pb_lit(&pb, "/dossiers");
	if (p) {
		pb_param(&pb, "q", p->q);
		pb_param(&pb, "state", p->state);
		pb_param(&pb, "agency_id", p->agency_id);
		pb_param(&pb, "assignee_id", p->assignee_id);
		if (p->overdue == 0 || p->overdue == 1)
			pb_param(&pb, "overdue", p->overdue ? "true" : "false");
		if (p->limit > 0)
			pb_int(&pb, "limit", p->limit);
		pb_param(&pb, "cursor", p->cursor);
	}
	return submit_path(c, EAPI_OP_SEARCH, "GET", &pb, call);
}

uint64_t
eapi_get_changes(eapi_client *c, const char *since, int limit, int full,
		 const eapi_call *call)
{
	pathbuf pb = { 0 };

	pb_lit(&pb, "/changes");
	pb_param(&pb, "since", since);
	if (limit > 0)
		pb_int(&pb, "limit", limit);
	pb_param(&pb, "view", full ? "full" : "summary");
	return submit_path(c, EAPI_OP_CHANGES, "GET", &pb, call);
}

uint64_t
eapi_get_report(eapi_client *c, const char *from, const char *to, const eapi_call *call)
{
	pathbuf pb = { 0 };

	pb_lit(&pb, "/reports/agencies");
	pb_param(&pb, "from", from);
	pb_param(&pb, "to", to);
	return submit_path(c, EAPI_OP_REPORT, "GET", &pb, call);
}

static int
set_opt_str(json_t *o, const char *key, const char *v)
{
	return v ? json_object_set_new(o, key, json_string(v)) : 0;
}

uint64_t
eapi_post_action(eapi_client *c, const eapi_action *a, const eapi_call *call)
{
	pathbuf pb = { 0 };
	json_t *body = NULL;
	eai_request *r = NULL;

	if (!c || !a || !a->dossier_id || !a->dossier_id[0] || !a->action ||
	    !a->idempotency_key || !a->idempotency_key[0] ||
	    (a->if_match <= 0 && strcmp(a->action, "comment") != 0))
		return 0;
	pb_lit(&pb, "/dossiers/");
	pb_esc(&pb, a->dossier_id);
	pb_lit(&pb, "/actions");
	body = json_pack("{ss}", "action", a->action);
	if (pb.failed || !body ||
	    set_opt_str(body, "note", a->note) || set_opt_str(body, "reason", a->reason) ||
	    set_opt_str(body, "assignee_id", a->assignee_id) ||
	    set_opt_str(body, "method", a->method) || set_opt_str(body, "text", a->text) ||
	    set_opt_str(body, "new_due_at", a->new_due_at) ||
	    (a->deadline_days > 0 &&
	     json_object_set_new(body, "deadline_days", json_integer(a->deadline_days))))
		goto fail;
	r = eai_request_new(EAPI_OP_ACTION, "POST", call);
	if (!r || !(r->idempotency_key = strdup(a->idempotency_key)) ||
	    !(r->body = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER)))
		goto fail;
	r->path = pb.s;
	r->if_match = a->if_match;
	json_decref(body);
	return eai_submit(c, r, call);
fail:
	free(pb.s);
	json_decref(body);
	eai_request_free(r);
	return 0;
}

uint64_t
eapi_download_document(eapi_client *c, const char *dossier_id, const char *doc_id,
		       const char *path, const eapi_call *call)
{
	pathbuf pb = { 0 };
	eai_request *r = NULL;

	if (!c || !dossier_id || !doc_id || !path || !path[0])
		return 0;
	pb_lit(&pb, "/dossiers/");
	pb_esc(&pb, dossier_id);
	pb_lit(&pb, "/documents/");
	pb_esc(&pb, doc_id);
	r = pb.failed ? NULL : eai_request_new(EAPI_OP_DOCUMENT, "GET", call);
	if (!r || !(r->dl_path = strdup(path))) {
		free(pb.s);
		eai_request_free(r);
		return 0;
	}
	r->path = pb.s;
	return eai_submit(c, r, call);
}
