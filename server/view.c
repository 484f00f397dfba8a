/*
 * Who sees what, and what a dossier looks like on the wire.
 *
 * The contract's visibility rules in one place: an officer sees its own
 * agency's dossiers that are unassigned or assigned to it; a supervisor its
 * agency and every agency below it; support everything, with personal data
 * masked (ID numbers and phones keep only their last 3 characters, the
 * e-mail its domain, no address, no documents).  The search, the dossier,
 * the change feed and the action answers all render through
 * sim_dossier_json(), so masking cannot be forgotten on one path.
 */
#include "config.h"
#include "sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const states[] = { "submitted", "received", "refused", "in_progress",
	"pending_approval", "supplement_requested", "withdrawn", "stopped", "result_ready",
	"returned" };
static const int codes[] = { 1, 2, 3, 4, 4, 5, 7, 8, 9, 10 };

int sim_status_code(const char *state)
{
	size_t i;

	for (i = 0; state && i < sizeof(states) / sizeof(states[0]); i++)
		if (strcmp(states[i], state) == 0)
			return codes[i];
	return 0;
}

int sim_state_terminal(const char *state)
{
	return strcmp(state, "refused") == 0 || strcmp(state, "withdrawn") == 0 ||
	       strcmp(state, "stopped") == 0 || strcmp(state, "returned") == 0;
}

int sim_visible(const sim_caller *c, const sim_ref *ref, const char *agency_id,
		const char *assignee_id)
{
	const sim_person *p = c->person;

	switch (c->role) {
	case SIM_ROLE_SUPPORT:
		return 1;
	case SIM_ROLE_SUPERVISOR:
		return sim_agency_within(ref, agency_id, p->agency_id);
	default:
		return strcmp(agency_id, p->agency_id) == 0 &&
		       (!assignee_id || strcmp(assignee_id, p->id) == 0);
	}
}

char *sim_visibility_sql(const sim_caller *c, const sim_ref *ref, const char *alias)
{
	const sim_person *p = c->person;
	size_t i, cap = 64 + ref->n_agencies * 8, len;
	char *sql = malloc(cap);

	if (!sql)
		return NULL;
	/* Ids are ours (letters and digits), never the client's, so they can
	 * be written into the SQL text. */
	if (c->role == SIM_ROLE_SUPPORT) {
		snprintf(sql, cap, "1");
	} else if (c->role == SIM_ROLE_OFFICER) {
		snprintf(sql, cap, "(%s.agency_id = '%s' AND (%s.assignee_id IS NULL OR %s.assignee_id = '%s'))",
			 alias, p->agency_id, alias, alias, p->id);
	} else {
		len = (size_t)snprintf(sql, cap, "%s.agency_id IN (", alias);
		for (i = 0; i < ref->n_agencies; i++)
			if (sim_agency_within(ref, ref->agencies[i].id, p->agency_id))
				len += (size_t)snprintf(sql + len, cap - len, "'%s',", ref->agencies[i].id);
		sql[len - 1] = ')';
	}
	return sql;
}

void sim_time_str(time_t t, char out[26])
{
	egov_time_format(t, out);
}

json_t *sim_time_json(sqlite3_stmt *st, int col)
{
	char buf[26];

	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return json_null();
	egov_time_format((time_t)sqlite3_column_int64(st, col), buf);
	return json_string(buf);
}

static json_t *text_json(sqlite3_stmt *st, int col)
{
	const char *s = (const char *)sqlite3_column_text(st, col);

	return s ? json_string(s) : json_null();
}

static json_t *parsed(sqlite3_stmt *st, int col)
{
	const char *s = (const char *)sqlite3_column_text(st, col);
	json_t *v = s ? json_loads(s, 0, NULL) : NULL;

	return v ? v : json_null();
}

static json_t *mask(const char *s)
{
	size_t n = s ? strlen(s) : 0, i;
	char buf[64];

	if (!s)
		return json_null();
	if (n >= sizeof(buf))
		n = sizeof(buf) - 1;
	for (i = 0; i + 3 < n; i++)
		buf[i] = '*';
	snprintf(buf + i, sizeof(buf) - i, "%s", s + (n > 3 ? n - 3 : 0));
	return json_string(buf);
}

char *sim_document_bytes(const char *dossier_id, const char *doc_id, const char *name,
			 size_t *len)
{
	char seed[128];
	unsigned char h[32];
	size_t cap, n = 0, lines, i;
	char *buf;

	snprintf(seed, sizeof(seed), "%s/%s", dossier_id, doc_id);
	sim_sha256(seed, strlen(seed), h);
	lines = 20 + h[0] % 80u;
	cap = 256 + lines * (strlen(name) + 96);
	buf = malloc(cap);
	if (!buf)
		return NULL;
	n += (size_t)snprintf(buf + n, cap - n, "%%PDF-1.4\n%% egov-sim %s\n1 0 obj << /Title (%s) >> endobj\n",
			      seed, name);
	for (i = 0; i < lines; i++)
		n += (size_t)snprintf(buf + n, cap - n, "%% %04zu %s - hồ sơ %s, trang %zu\n", i,
				      name, dossier_id, i / 30 + 1);
	n += (size_t)snprintf(buf + n, cap - n, "%%%%EOF\n");
	*len = n;
	return buf;
}

static json_t *documents_json(const char *dossier_id, json_t *docs)
{
	size_t i;
	json_t *d;

	json_array_foreach(docs, i, d) {
		const char *id = json_string_value(json_object_get(d, "id"));
		const char *name = json_string_value(json_object_get(d, "name"));
		size_t len = 0;
		char *bytes = sim_document_bytes(dossier_id, id ? id : "", name ? name : "", &len);
		char hex[65];
		if (!bytes)
			continue;
		sim_sha256_hex(bytes, len, hex);
		json_object_set_new(d, "size", json_integer((json_int_t)len));
		json_object_set_new(d, "sha256", json_string(hex));
		free(bytes);
	}
	return docs;
}

json_t *sim_dossier_json(const sim_request *rq, sqlite3_stmt *st, int full)
{
	const sim_ref *ref = &rq->srv->ref;
	const char *proc_id = (const char *)sqlite3_column_text(st, 4);
	const sim_procedure *proc = sim_procedure_find(ref, proc_id);
	const char *state = (const char *)sqlite3_column_text(st, 7);
	const char *id = (const char *)sqlite3_column_text(st, 1);
	int support = rq->caller.role == SIM_ROLE_SUPPORT;
	json_t *d, *v, *c;
	size_t i;

	d = json_object();
	json_object_set_new(d, "id", json_string(id));
	json_object_set_new(d, "code", text_json(st, 2));
	json_object_set_new(d, "version", json_integer(sqlite3_column_int64(st, 3)));
	json_object_set_new(d, "procedure_id", json_string(proc_id));
	json_object_set_new(d, "procedure_code", json_string(proc ? proc->code : ""));
	json_object_set_new(d, "procedure_name", json_string(proc ? proc->name : ""));
	json_object_set_new(d, "agency_id", text_json(st, 5));
	json_object_set_new(d, "assignee_id", text_json(st, 6));
	json_object_set_new(d, "state", json_string(state));
	json_object_set_new(d, "status_code", json_integer(sim_status_code(state)));
	json_object_set_new(d, "channel", text_json(st, 8));
	json_object_set_new(d, "applicant_name", text_json(st, 9));
	json_object_set_new(d, "applicant_kind", text_json(st, 10));
	json_object_set_new(d, "subject", text_json(st, 11));
	json_object_set_new(d, "submitted_at", sim_time_json(st, 12));
	json_object_set_new(d, "received_at", sim_time_json(st, 13));
	json_object_set_new(d, "due_at", sim_time_json(st, 14));
	json_object_set_new(d, "finished_at", sim_time_json(st, 15));
	json_object_set_new(d, "returned_at", sim_time_json(st, 16));
	json_object_set_new(d, "supplement_count", json_integer(sqlite3_column_int(st, 17)));
	json_object_set_new(d, "updated_at", sim_time_json(st, 18));
	if (!full)
		return d;

	v = parsed(st, 19);
	if (support && json_is_object(v)) {
		json_t *email = json_object_get(v, "email");
		const char *e = json_string_value(email);
		json_object_set_new(v, "id_number", mask(json_string_value(json_object_get(v, "id_number"))));
		json_object_set_new(v, "phone", mask(json_string_value(json_object_get(v, "phone"))));
		if (e && strchr(e, '@')) {
			char buf[128];
			snprintf(buf, sizeof(buf), "***%s", strchr(e, '@'));
			json_object_set_new(v, "email", json_string(buf));
		}
		json_object_set_new(v, "address", json_null());
	}
	json_object_set_new(d, "applicant", v);
	json_object_set_new(d, "documents", support ? json_array()
				: documents_json(id, parsed(st, 20)));
	json_object_set_new(d, "fees", parsed(st, 21));
	json_object_set_new(d, "history", parsed(st, 22));
	v = parsed(st, 23);
	json_array_foreach(v, i, c) {
		const sim_person *p = sim_person_find(ref, json_string_value(json_object_get(c, "author_id")));
		json_object_set_new(c, "author_name", json_string(p ? p->full_name : ""));
	}
	json_object_set_new(d, "comments", v);
	json_object_set_new(d, "supplements", parsed(st, 24));
	json_object_set_new(d, "result", parsed(st, 25));
	json_object_set_new(d, "apology", parsed(st, 26));
	return d;
}
