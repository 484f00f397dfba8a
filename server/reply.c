/*
 * Building answers: JSON bodies, RFC 9457 problem+json errors with the
 * contract's codes (and `field` for 422 validation), the request body
 * parsed as a JSON object (400 when it is not), and content ETags with
 * If-None-Match → 304.  Handlers fill a sim_response with these; http.c
 * turns it into bytes on the wire.
 */
#include "config.h"
#include "sim.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct { const char *code, *title; } titles[] = {
	{ "unauthorized", "Authentication required" },
	{ "forbidden", "Not allowed" },
	{ "not_found", "Not found" },
	{ "validation", "Invalid request" },
	{ "invalid_transition", "Not allowed in the dossier's current state" },
	{ "version_conflict", "The dossier has changed" },
	{ "idempotency_key_reused", "Idempotency key used for another request" },
	{ "idempotency_key_in_flight", "The first request with this key is still running" },
	{ "cursor_expired", "The change-feed cursor has expired" },
	{ "rate_limited", "Too many requests" },
	{ "payload_too_large", "Request body too large" },
	{ "internal", "Server error" },
};

int sim_reply_json(sim_response *rs, int status, json_t *v)
{
	free(rs->body);
	rs->body = v ? json_dumps(v, JSON_COMPACT) : NULL;
	rs->len = rs->body ? strlen(rs->body) : 0;
	rs->status = rs->body ? status : 500;
	rs->content_type = "application/json";
	json_decref(v);
	return rs->status;
}

static json_t *problem(int status, const char *code, const char *detail)
{
	const char *title = "Error";
	size_t i;
	char type[96];

	for (i = 0; i < sizeof(titles) / sizeof(titles[0]); i++)
		if (strcmp(titles[i].code, code) == 0)
			title = titles[i].title;
	if (status == 405)
		title = "Method not allowed";
	snprintf(type, sizeof(type), "https://egov-sim.invalid/problems/%s", code);
	return json_pack("{s:s, s:s, s:i, s:s, s:s}", "type", type, "title", title,
			 "status", status, "detail", detail, "code", code);
}

static int reply_problem_json(sim_response *rs, int status, json_t *p)
{
	sim_reply_json(rs, status, p);
	rs->content_type = "application/problem+json";
	return status;
}

int sim_reply_problem(sim_response *rs, int status, const char *code, const char *fmt, ...)
{
	char detail[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	if (status == 429 || status == 503)
		if (!rs->retry_after[0])
			snprintf(rs->retry_after, sizeof(rs->retry_after), "1");
	return reply_problem_json(rs, status, problem(status, code, detail));
}

int sim_reply_field(sim_response *rs, const char *field, const char *fmt, ...)
{
	char detail[512];
	va_list ap;
	json_t *p;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	p = problem(422, "validation", detail);
	json_object_set_new(p, "field", json_string(field));
	return reply_problem_json(rs, 422, p);
}

json_t *sim_body_object(sim_request *rq, sim_response *rs)
{
	json_error_t jerr;
	json_t *v;

	if (!rq->body || rq->body_len == 0) {
		sim_reply_problem(rs, 400, "validation", "a JSON object body is required");
		return NULL;
	}
	v = json_loadb(rq->body, rq->body_len, JSON_REJECT_DUPLICATES, &jerr);
	if (!v || !json_is_object(v)) {
		sim_reply_problem(rs, 400, "validation", "malformed JSON body: %s",
				  v ? "not an object" : jerr.text);
		json_decref(v);
		return NULL;
	}
	return v;
}

/* Does If-None-Match (a list, or *) name this ETag? */
static int etag_listed(const char *inm, const char *etag)
{
	size_t n = strlen(etag);
	const char *p;

	if (!inm)
		return 0;
	if (strcmp(inm, "*") == 0)
		return 1;
	p = strstr(inm, etag);
	(void)n;
	return p != NULL;
}

void sim_etag_content(sim_request *rq, sim_response *rs)
{
	char hex[65];

	if (rs->status != 200 || !rs->body)
		return;
	if (!rs->etag[0]) {
		sim_sha256_hex(rs->body, rs->len, hex);
		snprintf(rs->etag, sizeof(rs->etag), "\"%.32s\"", hex);
	}
	if (etag_listed(sim_header(rq, "If-None-Match"), rs->etag)) {
		free(rs->body);
		rs->body = NULL;
		rs->len = 0;
		rs->status = 304;
	}
}
