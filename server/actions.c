/*
 * POST /api/v1/dossiers/{id}/actions: the contract's action table, its
 * checks in a fixed order, idempotency, and the audit log.
 *
 * The table below says, per action, the states it starts from, the roles
 * that may take it, the state it leads to and the parameters it needs.  A
 * request is checked in this order, each failure answered at once:
 * Idempotency-Key present (422), the key's record (replay the stored answer
 * byte for byte; 422 idempotency_key_reused for another body; 409
 * idempotency_key_in_flight while the first runs), a JSON object body
 * (400), a known action (422 `action`), the dossier visible (404), the role
 * (403), parameters (422 naming the field), If-Match present (422
 * `If-Match`), the version (412 with `current`), the state (409
 * invalid_transition), the person (403: an officer proposes or asks for a
 * supplement only on a dossier it holds; claim needs an unassigned dossier,
 * else 409).  Only successful answers are stored against the key; a failed
 * attempt frees the key so a corrected retry can use it.  Every attempt,
 * replay or not, is one row of the audit log (audit.c).
 */
#include "config.h"
#include "row.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { S_SUBMITTED = 1 << 0, S_RECEIVED = 1 << 1, S_REFUSED = 1 << 2, S_IN_PROGRESS = 1 << 3,
       S_PENDING = 1 << 4, S_SUPPLEMENT = 1 << 5, S_WITHDRAWN = 1 << 6, S_STOPPED = 1 << 7,
       S_READY = 1 << 8, S_RETURNED = 1 << 9 };
#define S_ACTIVE (S_SUBMITTED | S_RECEIVED | S_IN_PROGRESS | S_PENDING | S_SUPPLEMENT | S_READY)
#define S_ANY 0x3ff
enum { R_OFFICER = 1 << SIM_ROLE_OFFICER, R_SUPERVISOR = 1 << SIM_ROLE_SUPERVISOR,
       R_SUPPORT = 1 << SIM_ROLE_SUPPORT };
enum { P_REASON = 1, P_DEADLINE = 2, P_ASSIGNEE = 4, P_METHOD = 8, P_TEXT = 16, P_NEW_DUE = 32 };

typedef struct action_def {
	const char *name;
	unsigned from, roles;
	const char *to;			/* NULL: the state does not change */
	unsigned params;
	int needs_if_match;
	int holder_only;		/* officers must hold the dossier */
} action_def;

static const action_def actions[] = {
	{ "receive", S_SUBMITTED, R_OFFICER | R_SUPERVISOR, "received", 0, 1, 0 },
	{ "refuse", S_SUBMITTED, R_OFFICER | R_SUPERVISOR, "refused", P_REASON, 1, 0 },
	{ "claim", S_RECEIVED | S_IN_PROGRESS, R_OFFICER, "in_progress", 0, 1, 0 },
	{ "assign", S_RECEIVED | S_IN_PROGRESS | S_PENDING, R_SUPERVISOR, "in_progress", P_ASSIGNEE, 1, 0 },
	{ "request_supplement", S_RECEIVED | S_IN_PROGRESS, R_OFFICER | R_SUPERVISOR,
	  "supplement_requested", P_REASON | P_DEADLINE, 1, 1 },
	{ "propose", S_IN_PROGRESS, R_OFFICER, "pending_approval", 0, 1, 1 },
	{ "approve", S_PENDING, R_SUPERVISOR, "result_ready", 0, 1, 0 },
	{ "send_back", S_PENDING, R_SUPERVISOR, "in_progress", P_REASON, 1, 0 },
	{ "stop", S_ACTIVE, R_SUPERVISOR, "stopped", P_REASON, 1, 0 },
	{ "apologize", S_ACTIVE, R_SUPERVISOR, NULL, P_REASON | P_NEW_DUE, 1, 0 },
	{ "return_result", S_READY, R_OFFICER | R_SUPERVISOR, "returned", P_METHOD, 1, 0 },
	{ "comment", S_ANY, R_OFFICER | R_SUPERVISOR | R_SUPPORT, NULL, P_TEXT, 0, 0 },
};

static const char *const state_names[] = { "submitted", "received", "refused", "in_progress",
	"pending_approval", "supplement_requested", "withdrawn", "stopped", "result_ready",
	"returned" };

static unsigned state_bit(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(state_names) / sizeof(state_names[0]); i++)
		if (strcmp(state_names[i], s) == 0)
			return 1u << i;
	return 0;
}

static const action_def *find_action(const char *name)
{
	size_t i;

	for (i = 0; name && i < sizeof(actions) / sizeof(actions[0]); i++)
		if (strcmp(actions[i].name, name) == 0)
			return &actions[i];
	return NULL;
}

typedef struct attempt {
	sim_request *rq;
	const char *key;
	const char *dossier_id, *action;
	char from[24], to[24];
	long long version;
} attempt;

static const char *param_str(json_t *body, const char *name, sim_response *rs, int required)
{
	json_t *v = json_object_get(body, name);

	if ((!v || json_is_null(v)) && !required)
		return "";
	if (!json_is_string(v) || (required && !*json_string_value(v))) {
		sim_reply_field(rs, name, "%s must be %sa string", name, required ? "a non-empty " : "");
		return NULL;
	}
	return json_string_value(v);
}

/* Check the parameters and make the change on the row; returns 0, or the
 * status of the answer already made. */
static int check_params(sim_request *rq, sim_response *rs, const action_def *ad, json_t *body,
			const char *agency_id, time_t *new_due)
{
	const char *s;

	if (!param_str(body, "note", rs, 0))
		return rs->status;
	if ((ad->params & P_REASON) && !param_str(body, "reason", rs, 1))
		return rs->status;
	if ((ad->params & P_TEXT) && !param_str(body, "text", rs, 1))
		return rs->status;
	if (ad->params & P_DEADLINE) {
		json_t *v = json_object_get(body, "deadline_days");
		if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 90)
			return sim_reply_field(rs, "deadline_days", "deadline_days must be 1-90");
	}
	if (ad->params & P_METHOD) {
		s = param_str(body, "method", rs, 1);
		if (!s)
			return rs->status;
		if (strcmp(s, "counter") && strcmp(s, "postal"))
			return sim_reply_field(rs, "method", "method must be counter or postal");
	}
	if (ad->params & P_ASSIGNEE) {
		const sim_person *p;
		s = param_str(body, "assignee_id", rs, 1);
		if (!s)
			return rs->status;
		p = sim_person_find(&rq->srv->ref, s);
		if (!p || p->role != SIM_ROLE_OFFICER || strcmp(p->agency_id, agency_id) != 0)
			return sim_reply_field(rs, "assignee_id",
					       "%s is not an officer of the dossier's agency", s);
	}
	if (ad->params & P_NEW_DUE) {
		s = param_str(body, "new_due_at", rs, 1);
		if (!s)
			return rs->status;
		if (egov_time_parse(s, new_due) < 0 || *new_due <= time(NULL))
			return sim_reply_field(rs, "new_due_at",
					       "new_due_at must be an RFC 3339 time in the future");
	}
	return 0;
}

static void apply(sim_request *rq, const action_def *ad, json_t *body, sim_row *r, time_t now,
		  time_t new_due)
{
	const sim_person *me = rq->caller.person;
	const char *note = json_string_value(json_object_get(body, "note"));
	const char *reason = json_string_value(json_object_get(body, "reason"));
	const char *to = ad->to;
	char at[26];

	egov_time_format(now, at);
	if (strcmp(ad->name, "assign") == 0 && strcmp(r->state, "pending_approval") == 0)
		to = NULL;	/* a new holder; the approval is still pending */
	if (strcmp(ad->name, "receive") == 0) {
		const sim_procedure *p = sim_procedure_find(&rq->srv->ref, r->procedure_id);
		r->received_at = now;
		r->due_at = egov_due_at(&rq->srv->ref.cal, now, p ? p->processing_days : 5,
					p ? p->calendar_days : 0);
	} else if (strcmp(ad->name, "claim") == 0) {
		snprintf(r->assignee_id, sizeof(r->assignee_id), "%s", me->id);
	} else if (strcmp(ad->name, "assign") == 0) {
		snprintf(r->assignee_id, sizeof(r->assignee_id), "%s",
			 json_string_value(json_object_get(body, "assignee_id")));
	} else if (strcmp(ad->name, "request_supplement") == 0) {
		r->supplement_count++;
		r->paused_at = now;
		json_array_append_new(r->supplements, json_pack("{s:s, s:s, s:I, s:n}", "requested_at", at,
			"reason", reason, "deadline_days",
			(json_int_t)json_integer_value(json_object_get(body, "deadline_days")),
			"completed_at"));
	} else if (strcmp(ad->name, "approve") == 0) {
		char number[32];
		r->finished_at = now;
		snprintf(number, sizeof(number), "%lld/QĐ-UBND", (long long)(r->n % 9000 + 100));
		json_decref(r->result);
		r->result = json_pack("{s:s, s:s, s:s}", "number", number, "signer", me->full_name,
				      "signed_at", at);
	} else if (strcmp(ad->name, "return_result") == 0) {
		r->returned_at = now;
	} else if (strcmp(ad->name, "refuse") == 0 || strcmp(ad->name, "stop") == 0) {
		r->finished_at = now;
	} else if (strcmp(ad->name, "apologize") == 0) {
		char nd[26];
		egov_time_format(new_due, nd);
		json_decref(r->apology);
		r->apology = json_pack("{s:s, s:s, s:s}", "issued_at", at, "reason", reason,
				       "new_due_at", nd);
		r->due_at = new_due;
	} else if (strcmp(ad->name, "comment") == 0) {
		char cid[32];
		snprintf(cid, sizeof(cid), "c%zu", json_array_size(r->comments) + 1);
		json_array_append_new(r->comments, json_pack("{s:s, s:s, s:s, s:s}", "id", cid, "at", at,
			"author_id", me->id, "text", json_string_value(json_object_get(body, "text"))));
		return;
	}
	if (strcmp(ad->name, "return_result") == 0)
		note = json_string_value(json_object_get(body, "method"));
	sim_row_step(r, me->id, me->full_name, ad->name, to, reason ? reason : note, now);
}

/* Within the write transaction: everything from visibility to the save. */
static int act(sim_request *rq, sim_response *rs, attempt *a, const action_def *ad, json_t *body)
{
	const sim_caller *c = &rq->caller;
	const char *if_match = sim_header(rq, "If-Match");
	sqlite3_stmt *st = NULL;
	time_t now = time(NULL), new_due = 0;
	sim_row r;
	long long want;
	int result;

	if (sim_row_load(rq->db, a->dossier_id, &r) != 0 ||
	    !sim_visible(c, &rq->srv->ref, r.agency_id, r.assignee_id[0] ? r.assignee_id : NULL)) {
		sim_row_release(&r);
		return sim_reply_problem(rs, 404, "not_found", "no dossier %s", a->dossier_id);
	}
	snprintf(a->from, sizeof(a->from), "%s", r.state);
	if (!(ad->roles & (1u << c->role))) {
		result = sim_reply_problem(rs, 403, "forbidden", "%s may not %s",
					   c->role == SIM_ROLE_SUPPORT ? "a support user" :
					   c->role == SIM_ROLE_SUPERVISOR ? "a supervisor" : "an officer",
					   ad->name);
		goto cleanup;
	}
	if ((result = check_params(rq, rs, ad, body, r.agency_id, &new_due)) != 0)
		goto cleanup;
	if (ad->needs_if_match && !if_match) {
		result = sim_reply_field(rs, "If-Match", "If-Match with the dossier's version is required");
		goto cleanup;
	}
	if (if_match && (sscanf(if_match, "\"%lld\"", &want) != 1 || want != r.version) &&
	    strcmp(if_match, "*") != 0) {
		json_t *p;
		result = sim_reply_problem(rs, 412, "version_conflict",
					   "the dossier is at version %lld", r.version);
		if (sim_dossier_load(rq, rs, a->dossier_id, &st) == 0) {
			p = json_loadb(rs->body, rs->len, 0, NULL);
			json_object_set_new(p, "current", sim_dossier_json(rq, st, 1));
			sim_reply_json(rs, 412, p);
			rs->content_type = "application/problem+json";
			sqlite3_finalize(st);
		}
		goto cleanup;
	}
	if (!(ad->from & state_bit(r.state)) ||
	    (strcmp(ad->name, "claim") == 0 && r.assignee_id[0])) {
		result = sim_reply_problem(rs, 409, "invalid_transition", "cannot %s a dossier that is %s%s",
					   ad->name, r.state, r.assignee_id[0] ? " and assigned" : "");
		goto cleanup;
	}
	if (ad->holder_only && c->role == SIM_ROLE_OFFICER &&
	    strcmp(r.assignee_id, c->person->id) != 0) {
		result = sim_reply_problem(rs, 403, "forbidden", "only the officer holding the dossier may %s",
					   ad->name);
		goto cleanup;
	}
	apply(rq, ad, body, &r, now, new_due);
	if (sim_row_save(rq->db, &r, now) < 0) {
		result = sim_reply_problem(rs, 500, "internal", "%s", sqlite3_errmsg(rq->db));
		goto cleanup;
	}
	snprintf(a->to, sizeof(a->to), "%s", r.state);
	a->version = r.version;
	if (sim_dossier_load(rq, rs, a->dossier_id, &st) == 0) {
		snprintf(rs->etag, sizeof(rs->etag), "\"%lld\"", r.version);
		sim_reply_json(rs, 200, sim_dossier_json(rq, st, 1));
		sqlite3_finalize(st);
	} else {
		/* Acted, then lost sight of it (reassigned away): say so plainly. */
		free(rs->body);
		snprintf(rs->etag, sizeof(rs->etag), "\"%lld\"", r.version);
		sim_reply_json(rs, 200, json_pack("{s:s, s:I, s:s}", "id", r.id, "version",
						  (json_int_t)r.version, "state", r.state));
	}
	result = rs->status;
cleanup:
	sim_row_release(&r);
	return result;
}

/* Look the key up; 0 to go on (a fresh in-flight record was made), else
 * the answer is in rs. */
static int claim_key(sim_request *rq, sim_response *rs, attempt *a, const char *fp)
{
	sqlite3_stmt *st = NULL;
	int result = 0;

	if (sim_tx_begin(rq->srv, rq->db) < 0)
		return sim_reply_problem(rs, 503, "internal", "database busy");
	if (sqlite3_prepare_v2(rq->db, "SELECT fingerprint, done, status, etag, body FROM idempotency"
			       " WHERE user_id = ? AND key = ?", -1, &st, NULL) != SQLITE_OK) {
		sim_tx_end(rq->srv, rq->db, 0);
		return sim_reply_problem(rs, 500, "internal", "%s", sqlite3_errmsg(rq->db));
	}
	sqlite3_bind_text(st, 1, rq->caller.person->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, a->key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		int same = strcmp((const char *)sqlite3_column_text(st, 0), fp) == 0;
		if (!same) {
			result = sim_reply_problem(rs, 422, "idempotency_key_reused",
						   "this Idempotency-Key was used for another request");
		} else if (!sqlite3_column_int(st, 1)) {
			result = sim_reply_problem(rs, 409, "idempotency_key_in_flight",
						   "the first request with this key is still being processed");
		} else {
			const void *b = sqlite3_column_blob(st, 4);
			rs->len = (size_t)sqlite3_column_bytes(st, 4);
			rs->body = malloc(rs->len + 1);
			if (rs->body) {
				memcpy(rs->body, b, rs->len);
				rs->body[rs->len] = '\0';
			}
			rs->status = sqlite3_column_int(st, 2);
			rs->content_type = "application/json";
			snprintf(rs->etag, sizeof(rs->etag), "%s", (const char *)sqlite3_column_text(st, 3));
			result = rs->status;
		}
		sqlite3_finalize(st);
		sim_audit_record(rq->db, rq, a->key, a->dossier_id, a->action, result, result == 200,
				 a->from, a->to, a->version);
		sim_tx_end(rq->srv, rq->db, 1);
		return result;
	}
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(rq->db, "INSERT INTO idempotency(user_id, key, fingerprint, created_at)"
			       " VALUES (?, ?, ?, ?)", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, rq->caller.person->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, a->key, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, fp, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, (sqlite3_int64)time(NULL));
		sqlite3_step(st);
	}
	sqlite3_finalize(st);
	sim_tx_end(rq->srv, rq->db, 1);
	return 0;
}

static void finish_key(sim_request *rq, sim_response *rs, attempt *a)
{
	sqlite3_stmt *st = NULL;
	const char *sql = rs->status == 200
		? "UPDATE idempotency SET done = 1, status = ?3, etag = ?4, body = ?5"
		  " WHERE user_id = ?1 AND key = ?2"
		: "DELETE FROM idempotency WHERE user_id = ?1 AND key = ?2";

	if (sqlite3_prepare_v2(rq->db, sql, -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(st, 1, rq->caller.person->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, a->key, -1, SQLITE_STATIC);
	if (rs->status == 200) {
		sqlite3_bind_int(st, 3, rs->status);
		sqlite3_bind_text(st, 4, rs->etag, -1, SQLITE_STATIC);
		sqlite3_bind_blob(st, 5, rs->body, (int)rs->len, SQLITE_STATIC);
	}
	sqlite3_step(st);
	sqlite3_finalize(st);
}

static void hold(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (ms > 0 && nanosleep(&ts, &ts) != 0)
		;
}

int sim_h_action(sim_request *rq, sim_response *rs)
{
	attempt a;
	json_t *body = NULL;
	const action_def *ad = NULL;
	char fp[65], *text;
	size_t tlen;

	memset(&a, 0, sizeof(a));
	a.rq = rq;
	a.dossier_id = rq->args[0];
	a.key = sim_header(rq, "Idempotency-Key");
	if (!a.key || !*a.key || strlen(a.key) > 200)
		return sim_reply_field(rs, "Idempotency-Key", "an Idempotency-Key header (a UUID) is required");
	/* The fingerprint covers what the request asks: the path and body. */
	tlen = strlen(rq->path) + 1 + rq->body_len;
	text = malloc(tlen + 1);
	if (!text)
		return sim_reply_problem(rs, 500, "internal", "out of memory");
	snprintf(text, tlen + 1, "%s\n", rq->path);
	if (rq->body_len)
		memcpy(text + strlen(rq->path) + 1, rq->body, rq->body_len);
	sim_sha256_hex(text, tlen, fp);
	free(text);
	if (rq->body_len) {
		json_t *peek = json_loadb(rq->body, rq->body_len, 0, NULL);
		ad = find_action(json_string_value(json_object_get(peek, "action")));
		a.action = ad ? ad->name : NULL;
		json_decref(peek);
	}
	if (claim_key(rq, rs, &a, fp) != 0)
		return rs->status;
	hold(rq->srv->fault.hold_ms);
	body = sim_body_object(rq, rs);
	if (body && !ad)
		sim_reply_field(rs, "action", "action must be one of receive, refuse, claim, assign,"
				" request_supplement, propose, approve, send_back, stop, apologize,"
				" return_result, comment");
	if (sim_tx_begin(rq->srv, rq->db) < 0) {
		json_decref(body);
		return sim_reply_problem(rs, 503, "internal", "database busy");
	}
	if (body && ad)
		act(rq, rs, &a, ad, body);
	finish_key(rq, rs, &a);
	sim_audit_record(rq->db, rq, a.key, a.dossier_id, a.action, rs->status, 0, a.from, a.to,
			 a.version);
	if (sim_tx_end(rq->srv, rq->db, 1) < 0)
		sim_reply_problem(rs, 500, "internal", "the change could not be committed");
	else if (rs->status == 200 && sim_fault_drop_after_commit(rq->srv))
		rs->drop = 1;
	json_decref(body);
	return rs->status;
}
