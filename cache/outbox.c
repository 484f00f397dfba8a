/*
 * The outbox: what the person did, until the server has answered, and
 * afterwards as their journal.
 *
 * ecache_act() is the one place actions enter.  In one transaction it
 * writes the row (action, parameters as JSON, the version the person saw,
 * a fresh UUID v4 idempotency key, the dossier as they saw it for a later
 * conflict screen) and recomputes the dossier's optimistic columns, which
 * marks it pending.  The outbox file is synchronous=FULL: once this
 * returns, the action survives a crash or a power cut.
 *
 * An action on a dossier that already has unsent ones is "chained": the
 * person acted on their own pending result, so it must be sent with the
 * version its predecessor produces, not the one they last saw from the
 * server (sync-push.c moves if_match along when a predecessor is done).
 * Comments carry no If-Match at all (the contract allows it), so they
 * never conflict.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ident.h"
#include "internal.h"

static const char *const status_names[ECACHE_OUT_COUNT] = {
	"queued", "in_flight", "retry", "done", "conflict", "failed", "discarded",
};

const char *
ecache_out_status_name(ecache_out_status s)
{
	return (unsigned)s < ECACHE_OUT_COUNT ? status_names[s] : "?";
}

static char *
params_json(const eapi_action *a)
{
	json_t *o = json_object();
	char *s;

	if (!o)
		return NULL;
	if (a->note) json_object_set_new(o, "note", json_string(a->note));
	if (a->reason) json_object_set_new(o, "reason", json_string(a->reason));
	if (a->assignee_id) json_object_set_new(o, "assignee_id", json_string(a->assignee_id));
	if (a->method) json_object_set_new(o, "method", json_string(a->method));
	if (a->text) json_object_set_new(o, "text", json_string(a->text));
	if (a->new_due_at) json_object_set_new(o, "new_due_at", json_string(a->new_due_at));
	if (a->deadline_days > 0)
		json_object_set_new(o, "deadline_days", json_integer(a->deadline_days));
	s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	return s;
}

typedef struct base_row {
	long long version;
	char *code, *json;
} base_row;

static int
read_base(ecache *c, const char *id, base_row *b)
{
	sqlite3_stmt *st = ecache_stmt(c, "SELECT version, code, json FROM dossiers WHERE rid = " ECACHE_RID_OF_ID);
	int rc;

	memset(b, 0, sizeof *b);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		b->version = sqlite3_column_int64(st, 0);
		b->code = ecache_strdup((const char *)sqlite3_column_text(st, 1));
		b->json = ecache_strdup((const char *)sqlite3_column_text(st, 2));
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE) {
		ecache_seterr(c, "that dossier is not in the cache; sync first");
		return -1;
	}
	return rc == SQLITE_ROW ? 0 : ecache_sqlerr(c, "reading a dossier");
}

long long
ecache_act(ecache *c, const eapi_action *a, char key_out[37])
{
	sqlite3_stmt *st;
	base_row base;
	eapi_user *me = NULL;
	char key[37], *params = NULL;
	const char *missing;
	long long seq = -1, now = (long long)time(NULL);
	int chained, rc, is_comment;

	memset(&base, 0, sizeof base);
	if (!a || !a->dossier_id || !ecache_effect_known_action(a->action)) {
		ecache_seterr(c, "unknown action \"%s\"", a && a->action ? a->action : "");
		return -1;
	}
	if ((missing = ecache_effect_missing_param(a->action, a))) {
		ecache_seterr(c, "%s needs %s", a->action, missing);
		return -1;
	}
	is_comment = strcmp(a->action, "comment") == 0;
	if (egov_uuid4(key) < 0 || !(params = params_json(a))) {
		ecache_seterr(c, "cannot make an idempotency key or parameters");
		goto cleanup;
	}
	me = ecache_get_me(c);
	if (ecache_begin(c) < 0)
		goto cleanup;
	if (read_base(c, a->dossier_id, &base) < 0 ||
	    (chained = ecache_dossier_has_outbox(c, a->dossier_id)) < 0)
		goto fail;
	if (!(st = ecache_stmt(c,
		"INSERT INTO ob.outbox(dossier_id, dossier_code, action, params, idem_key,"
		" base_version, if_match, chained, status, created_at, updated_at, mine_json,"
		" actor_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, ?9, ?9, ?10, ?11)")))
		goto fail;
	sqlite3_bind_text(st, 1, a->dossier_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, base.code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, a->action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, params, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, base.version);
	sqlite3_bind_int64(st, 7, is_comment ? 0 : base.version);
	sqlite3_bind_int(st, 8, chained && !is_comment);
	sqlite3_bind_int64(st, 9, now);
	sqlite3_bind_text(st, 10, base.json, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, me ? me->id : NULL, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		ecache_sqlerr(c, "writing the outbox");
		goto fail;
	}
	seq = sqlite3_last_insert_rowid(c->db);
	if (ecache_dossier_refresh_effect(c, a->dossier_id) < 0)
		goto fail;
	if (ecache_commit(c) < 0) {
		seq = -1;
		goto cleanup;
	}
	if (key_out)
		memcpy(key_out, key, sizeof key);
	goto cleanup;
fail:
	seq = -1;
	ecache_rollback(c);
cleanup:
	free(params);
	free(base.code);
	free(base.json);
	eapi_user_free(me);
	return seq;
}

void
ecache_outbox_list_init(ecache_outbox_list *l)
{
	l->rows = NULL;
	l->n = 0;
}

void
ecache_outbox_row_release(ecache_outbox_row *r)
{
	free(r->dossier_id); free(r->dossier_code); free(r->action);
	free(r->params_json); free(r->error_code); free(r->reason);
	memset(r, 0, sizeof *r);
}

void
ecache_outbox_list_release(ecache_outbox_list *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++)
		ecache_outbox_row_release(&l->rows[i]);
	free(l->rows);
	ecache_outbox_list_init(l);
}

#define ROW_COLUMNS "seq, dossier_id, dossier_code, action, params, idem_key, base_version, " \
	"if_match, status, attempts, created_at, updated_at, http_status, error_code, reason, " \
	"result_version"

static void
row_from(sqlite3_stmt *st, void *item)
{
	ecache_outbox_row *r = item;
	const char *key = (const char *)sqlite3_column_text(st, 5);

	memset(r, 0, sizeof *r);
	r->seq = sqlite3_column_int64(st, 0);
	r->dossier_id = ecache_strdup((const char *)sqlite3_column_text(st, 1));
	r->dossier_code = ecache_strdup((const char *)sqlite3_column_text(st, 2));
	r->action = ecache_strdup((const char *)sqlite3_column_text(st, 3));
	r->params_json = ecache_strdup((const char *)sqlite3_column_text(st, 4));
	snprintf(r->idempotency_key, sizeof r->idempotency_key, "%s", key ? key : "");
	r->base_version = sqlite3_column_int64(st, 6);
	r->if_match = sqlite3_column_int64(st, 7);
	r->status = (ecache_out_status)sqlite3_column_int(st, 8);
	r->attempts = sqlite3_column_int(st, 9);
	r->created_at = (time_t)sqlite3_column_int64(st, 10);
	r->updated_at = (time_t)sqlite3_column_int64(st, 11);
	r->http_status = (long)sqlite3_column_int64(st, 12);
	r->error_code = ecache_strdup((const char *)sqlite3_column_text(st, 13));
	r->reason = ecache_strdup((const char *)sqlite3_column_text(st, 14));
	r->result_version = sqlite3_column_int64(st, 15);
}

int
ecache_outbox_list_get(ecache *c, unsigned mask, const char *dossier_id,
		       ecache_outbox_list *out)
{
	sqlite3_stmt *st = ecache_stmt(c, "SELECT " ROW_COLUMNS " FROM ob.outbox "
				       "WHERE (?1 IS NULL OR dossier_id = ?1) "
				       "AND ((?2 >> status) & 1) ORDER BY seq");

	ecache_outbox_list_release(out);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, dossier_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (long long)mask);
	if (ecache_step_rows(c, st, &out->rows, &out->n, sizeof *out->rows, row_from,
			     "outbox") < 0) {
		ecache_outbox_list_release(out);
		return -1;
	}
	return (int)out->n;
}

int
ecache_outbox_get(ecache *c, long long seq, ecache_outbox_row *out)
{
	sqlite3_stmt *st = ecache_stmt(c, "SELECT " ROW_COLUMNS " FROM ob.outbox WHERE seq = ?1");
	int rc;

	memset(out, 0, sizeof *out);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, seq);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		row_from(st, out);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE) {
		ecache_seterr(c, "no outbox row %lld", seq);
		return -1;
	}
	return rc == SQLITE_ROW ? 0 : ecache_sqlerr(c, "outbox");
}

int
ecache_outbox_counts(ecache *c, long long counts[ECACHE_OUT_COUNT])
{
	sqlite3_stmt *st = ecache_stmt(c, "SELECT status, count(*) FROM ob.outbox GROUP BY status");
	int rc;

	memset(counts, 0, sizeof(long long) * ECACHE_OUT_COUNT);
	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int s = sqlite3_column_int(st, 0);
		if (s >= 0 && s < ECACHE_OUT_COUNT)
			counts[s] = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : ecache_sqlerr(c, "outbox");
}

int
ecache_outbox_next_sendable(ecache *c, long long after_seq, ecache_outbox_row *out)
{
	/* The oldest row still to send whose dossier has nothing older waiting
	 * or stuck: rows go out in order per dossier. */
	sqlite3_stmt *st = ecache_stmt(c,
		"SELECT " ROW_COLUMNS " FROM ob.outbox o WHERE status IN (0,1,2) AND seq > ?1 "
		"AND NOT EXISTS (SELECT 1 FROM ob.outbox p WHERE p.dossier_id = o.dossier_id "
		" AND p.seq < o.seq AND p.status IN (0,1,2,4,5)) ORDER BY seq LIMIT 1");
	int rc;

	memset(out, 0, sizeof *out);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, after_seq);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		row_from(st, out);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return ecache_sqlerr(c, "outbox");
	return rc == SQLITE_ROW;
}

int
ecache_outbox_has_queued(ecache *c)
{
	sqlite3_stmt *st = ecache_stmt(c, "SELECT 1 FROM ob.outbox WHERE status = 0 LIMIT 1");
	int rc;

	if (!st)
		return -1;
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_ROW;
}
