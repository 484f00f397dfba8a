/*
 * api-probe's output: a completion, or a decoded file, as one line of JSON.
 *
 * Everything printed comes from the library's structures (not from the
 * wire), so the tests see exactly what a caller would: enums as the
 * contract's words, times as RFC 3339 in +07:00, nulls where the library
 * keeps 0 / NULL / a negative rate.  Dossiers are printed through the
 * library's own eapi_dossier_encode(), which the round-trip check also
 * exercises.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "egov/api.h"
#include "probe.h"
#include "workdays.h"

static const char *const result_names[] = {
	"ok", "network", "timeout", "tls", "http", "protocol", "too_large",
	"cancelled", "auth", "nomem", "usage"
};
static const char *const levels[] = { "city", "department", "ward" };
static const char *const roles[] = { "officer", "supervisor", "support" };

static json_t *
s_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *
dossier_json(const eapi_dossier *d)
{
	char *text;
	json_t *v;

	if (!d)
		return json_null();
	text = eapi_dossier_encode(d);
	v = text ? json_loads(text, 0, NULL) : NULL;
	free(text);
	return v ? v : json_string("(encode failed)");
}

static json_t *
user_json(const eapi_user *u)
{
	if (!u)
		return json_null();
	return json_pack("{s:o,s:o,s:o,s:o,s:o,s:s}", "id", s_or_null(u->id),
			 "username", s_or_null(u->username), "full_name", s_or_null(u->full_name),
			 "agency_id", s_or_null(u->agency_id), "title", s_or_null(u->title),
			 "role", roles[u->role]);
}

static json_t *
procedure_json(const eapi_procedure *p)
{
	json_t *fees = json_array(), *docs = json_array();
	size_t i;

	for (i = 0; i < p->n_fees; i++)
		json_array_append_new(fees, json_pack("{s:o,s:I,s:I}", "name",
						      s_or_null(p->fees[i].name), "amount_vnd",
						      (json_int_t)p->fees[i].amount_vnd,
						      "online_amount_vnd",
						      (json_int_t)p->fees[i].online_amount_vnd));
	for (i = 0; i < p->n_documents; i++)
		json_array_append_new(docs, json_pack("{s:o,s:o,s:b}", "code",
						      s_or_null(p->documents[i].code), "name",
						      s_or_null(p->documents[i].name), "required",
						      p->documents[i].required));
	return json_pack("{s:o,s:o,s:o,s:o,s:s,s:o,s:i,s:b,s:o,s:o}", "id", s_or_null(p->id),
			 "code", s_or_null(p->code), "name", s_or_null(p->name),
			 "field", s_or_null(p->field), "agency_level", levels[p->agency_level],
			 "online_level", s_or_null(p->online_level),
			 "processing_days", p->processing_days, "calendar_days", p->calendar_days,
			 "fees", fees, "documents", docs);
}

static json_t *
rate(double x)
{
	return x < 0 ? json_null() : json_real(x);
}

static json_t *
payload_json(const eapi_completion *c)
{
	json_t *arr;
	size_t i;

	switch (c->op) {
	case EAPI_OP_LOGIN:
	case EAPI_OP_REFRESH:
		if (!c->u.session)
			return json_null();
		return json_pack("{s:o,s:o,s:b,s:o}", "access_token",
				 s_or_null(c->u.session->access_token), "refresh_token",
				 s_or_null(c->u.session->refresh_token), "expires",
				 c->u.session->expires_at > 0, "user", user_json(c->u.session->user));
	case EAPI_OP_ME:
		return user_json(c->u.user);
	case EAPI_OP_AGENCIES:
		if (!c->u.agencies)
			return json_null();
		arr = json_array();
		for (i = 0; i < c->u.agencies->n; i++) {
			const eapi_agency *a = &c->u.agencies->items[i];

			json_array_append_new(arr, json_pack("{s:o,s:o,s:o,s:o,s:o,s:s}",
				"id", s_or_null(a->id), "code", s_or_null(a->code),
				"name", s_or_null(a->name), "short_name", s_or_null(a->short_name),
				"parent_id", s_or_null(a->parent_id), "level", levels[a->level]));
		}
		return arr;
	case EAPI_OP_PROCEDURES:
		if (!c->u.procedures)
			return json_null();
		arr = json_array();
		for (i = 0; i < c->u.procedures->n; i++)
			json_array_append_new(arr, procedure_json(&c->u.procedures->items[i]));
		return arr;
	case EAPI_OP_USERS:
		if (!c->u.users)
			return json_null();
		arr = json_array();
		for (i = 0; i < c->u.users->n; i++)
			json_array_append_new(arr, user_json(&c->u.users->items[i]));
		return arr;
	case EAPI_OP_CALENDAR: {
		const eapi_calendar *cal = c->u.calendar;
		json_t *hol, *sat;

		if (!cal)
			return json_null();
		hol = json_array();
		sat = json_array();
		for (i = 0; i < cal->n_holidays; i++)
			json_array_append_new(hol, json_pack("{s:s,s:o}", "date",
							     cal->holidays[i].date, "name",
							     s_or_null(cal->holidays[i].name)));
		for (i = 0; i < cal->n_working_saturdays; i++)
			json_array_append_new(sat, json_string(cal->working_saturdays[i]));
		return json_pack("{s:i,s:o,s:o,s:o}", "year", cal->year, "holidays", hol,
				 "working_saturdays", sat, "office_hours",
				 s_or_null(cal->office_hours));
	}
	case EAPI_OP_DOSSIER:
	case EAPI_OP_ACTION:
		return dossier_json(c->u.dossier);
	case EAPI_OP_SEARCH:
		if (!c->u.search)
			return json_null();
		arr = json_array();
		for (i = 0; i < c->u.search->n; i++)
			json_array_append_new(arr, dossier_json(c->u.search->items[i]));
		return json_pack("{s:o,s:o}", "items", arr, "next_cursor",
				 s_or_null(c->u.search->next_cursor));
	case EAPI_OP_CHANGES:
		if (!c->u.changes)
			return json_null();
		arr = json_array();
		for (i = 0; i < c->u.changes->n; i++) {
			const eapi_change *ch = &c->u.changes->changes[i];

			json_array_append_new(arr, json_pack("{s:I,s:s,s:s,s:I,s:o}",
				"seq", (json_int_t)ch->seq,
				"op", ch->op == EAPI_CHANGE_UPSERT ? "upsert" : "remove",
				"id", ch->id, "version", (json_int_t)ch->version,
				"dossier", dossier_json(ch->dossier)));
		}
		return json_pack("{s:o,s:o,s:b}", "changes", arr, "next_cursor",
				 s_or_null(c->u.changes->next_cursor), "more", c->u.changes->more);
	case EAPI_OP_REPORT:
		if (!c->u.report)
			return json_null();
		arr = json_array();
		for (i = 0; i < c->u.report->n; i++) {
			const eapi_report_row *r = &c->u.report->rows[i];
			json_t *o = json_pack("{s:o,s:o,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
				"agency_id", s_or_null(r->agency_id),
				"agency_name", s_or_null(r->agency_name),
				"received", (json_int_t)r->received, "online", (json_int_t)r->online,
				"finished_early", (json_int_t)r->finished_early,
				"finished_on_time", (json_int_t)r->finished_on_time,
				"finished_late", (json_int_t)r->finished_late,
				"in_progress", (json_int_t)r->in_progress,
				"in_progress_overdue", (json_int_t)r->in_progress_overdue,
				"paused", (json_int_t)r->paused);

			json_object_set_new(o, "on_time_rate", rate(r->on_time_rate));
			json_object_set_new(o, "online_rate", rate(r->online_rate));
			json_object_set_new(o, "digitized_rate", rate(r->digitized_rate));
			json_object_set_new(o, "avg_days", rate(r->avg_days));
			json_array_append_new(arr, o);
		}
		return arr;
	case EAPI_OP_LOGOUT:
		return json_null();
	case EAPI_OP_DOCUMENT:
		return json_pack("{s:I}", "bytes", (json_int_t)c->doc_bytes);
	}
	return json_null();
}

static void
print_json(json_t *o)
{
	char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);

	printf("%s\n", text ? text : "{}");
	fflush(stdout);
	free(text);
	json_decref(o);
}

static json_t *
error_json(const eapi_completion *c)
{
	const eapi_error *e = &c->error;

	return json_pack("{s:s,s:I,s:s,s:s,s:s,s:s,s:I,s:o}",
			 "result", result_names[e->result], "http_status", (json_int_t)e->http_status,
			 "code", e->code, "message", e->message, "field", e->field,
			 "request_id", e->request_id, "retry_after", (json_int_t)e->retry_after,
			 "current", dossier_json(e->current));
}

void
probe_print_completion(const eapi_completion *c, const eapi_link_stats *st,
		       long long elapsed_ms, int tokens_changed, const char *new_refresh)
{
	json_t *o = error_json(c);

	json_object_set_new(o, "attempts", json_integer(c->attempts));
	json_object_set_new(o, "not_modified", json_boolean(c->not_modified));
	json_object_set_new(o, "etag", json_string(c->etag));
	json_object_set_new(o, "elapsed_ms", json_integer(elapsed_ms));
	json_object_set_new(o, "tokens_changed", json_integer(tokens_changed));
	json_object_set_new(o, "new_refresh", json_string(new_refresh));
	json_object_set_new(o, "stats", json_pack("{s:b,s:b,s:f,s:I,s:I,s:I,s:I,s:i,s:I}",
		"online", st->online, "slow", st->slow, "rtt_ms", st->rtt_ms,
		"bytes_in", (json_int_t)st->bytes_in, "bytes_out", (json_int_t)st->bytes_out,
		"requests", (json_int_t)st->requests, "retries", (json_int_t)st->retries,
		"http_version", st->http_version, "clock_skew_s", (json_int_t)st->clock_skew_s));
	json_object_set_new(o, "data", c->error.result == EAPI_OK ? payload_json(c) : json_null());
	print_json(o);
}

static const struct { const char *name; eapi_op op; } kinds[] = {
	{ "session", EAPI_OP_LOGIN }, { "user", EAPI_OP_ME },
	{ "agencies", EAPI_OP_AGENCIES }, { "procedures", EAPI_OP_PROCEDURES },
	{ "users", EAPI_OP_USERS }, { "calendar", EAPI_OP_CALENDAR },
	{ "dossier", EAPI_OP_DOSSIER }, { "search", EAPI_OP_SEARCH },
	{ "changes", EAPI_OP_CHANGES }, { "report", EAPI_OP_REPORT },
};

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n) {
		buf[n] = '\0';
		*len = (size_t)n;
	} else {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* decode(encode(decode(x))) must equal decode(x), and so must dup. */
static int
roundtrip(const char *text, size_t len)
{
	eapi_error err = { 0 };
	eapi_dossier *d = eapi_dossier_decode(text, len, &err), *d2 = NULL, *d3 = NULL;
	char *e1 = NULL, *e2 = NULL, *e3 = NULL;
	int ok = 0;

	if (d && (e1 = eapi_dossier_encode(d)) &&
	    (d2 = eapi_dossier_decode(e1, strlen(e1), &err)) && (e2 = eapi_dossier_encode(d2)) &&
	    (d3 = eapi_dossier_dup(d)) && (e3 = eapi_dossier_encode(d3)))
		ok = !strcmp(e1, e2) && !strcmp(e1, e3);
	print_json(json_pack("{s:b,s:s,s:o}", "same", ok, "message", err.message,
			     "encoded", e1 ? json_loads(e1, 0, NULL) : json_null()));
	free(e1); free(e2); free(e3);
	eapi_dossier_free(d); eapi_dossier_free(d2); eapi_dossier_free(d3);
	eapi_error_clear(&err);
	return ok ? 0 : 1;
}

int
probe_decode_file(const char *what, const char *path)
{
	eapi_completion *comp;
	eapi_link_stats st;
	size_t len = 0, i;
	char *text = slurp(path, &len);
	int rc = 2;

	if (!text) {
		fprintf(stderr, "api-probe: cannot read %s\n", path);
		return 2;
	}
	if (!strcmp(what, "roundtrip")) {
		rc = roundtrip(text, len);
		free(text);
		return rc;
	}
	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (!strcmp(what + 7, kinds[i].name)) {
			comp = calloc(1, sizeof *comp);
			if (!comp)
				break;
			memset(&st, 0, sizeof st);
			eapi_decode_answer(kinds[i].op, text, len, comp);
			probe_print_completion(comp, &st, 0, 0, "");
			eapi_completion_free(comp);
			rc = 0;
			break;
		}
	free(text);
	if (rc == 2)
		fprintf(stderr, "api-probe: unknown decoder %s\n", what);
	return rc;
}
