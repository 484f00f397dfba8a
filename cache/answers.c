/*
 * Recording what the server said about an outbox row, and what the person
 * then decides about conflicts and failures.
 *
 * A row is marked in flight (and its attempt counted) in its own
 * synchronous transaction before it is sent, so after a crash we know it
 * may have reached the server; it is then simply sent again with the same
 * key, and the server's idempotency answers with the first result.
 *
 * The answer is recorded with its effect in one transaction: done stores
 * the dossier the server returned and moves the chained successors'
 * If-Match to the new version; conflict keeps the server's current dossier
 * (from the 412, else the cached copy) next to the person's; failed keeps
 * the server's reason.  A redo after a conflict gets a NEW key: the old one
 * already has its answer (the 412), which the server would replay.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ident.h"
#include "internal.h"

int
ecache_outbox_mark_in_flight(ecache *c, long long seq)
{
	sqlite3_stmt *st;

	if (ecache_begin(c) < 0)
		return -1;
	if (!(st = ecache_stmt(c, "UPDATE ob.outbox SET status = 1, attempts = attempts + 1, "
			       "updated_at = ?2 WHERE seq = ?1")))
		goto fail;
	sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_int64(st, 2, (long long)time(NULL));
	if (ecache_step_done(c, st, "outbox") < 0)
		goto fail;
	return ecache_commit(c);
fail:
	ecache_rollback(c);
	return -1;
}

static char *
server_json(ecache *c, const char *id)
{
	sqlite3_stmt *st = ecache_stmt(c, "SELECT json FROM dossiers WHERE rid = " ECACHE_RID_OF_ID);
	char *json = NULL;

	if (!st)
		return NULL;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		json = ecache_strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	return json;
}

int
ecache_outbox_record(ecache *c, long long seq, ecache_out_status status,
		     const eapi_error *err, const eapi_dossier *result)
{
	ecache_outbox_row row;
	sqlite3_stmt *st;
	char *theirs = NULL;
	int ret = -1;

	if (ecache_begin(c) < 0)
		return -1;
	if (ecache_outbox_get(c, seq, &row) < 0)
		goto fail;
	if (status == ECACHE_OUT_CONFLICT) {
		if (err && err->current) {
			if (ecache_dossier_store(c, err->current) < 0)
				goto fail;
			theirs = eapi_dossier_encode(err->current);
		} else {
			theirs = server_json(c, row.dossier_id);
		}
	}
	if (status == ECACHE_OUT_DONE && result) {
		if (ecache_dossier_store(c, result) < 0)
			goto fail;
		/* The successors acted on this row's result. */
		if (!(st = ecache_stmt(c, "UPDATE ob.outbox SET if_match = ?3 WHERE dossier_id = ?1 "
				       "AND seq > ?2 AND chained = 1 AND status IN (0,2)")))
			goto fail;
		sqlite3_bind_text(st, 1, row.dossier_id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, seq);
		sqlite3_bind_int64(st, 3, result->version);
		if (ecache_step_done(c, st, "outbox") < 0)
			goto fail;
	}
	if (!(st = ecache_stmt(c,
		"UPDATE ob.outbox SET status = ?2, updated_at = ?3, http_status = ?4, "
		"error_code = ?5, reason = ?6, result_version = ?7, "
		"theirs_json = coalesce(?8, theirs_json) WHERE seq = ?1")))
		goto fail;
	sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_int(st, 2, status);
	sqlite3_bind_int64(st, 3, (long long)time(NULL));
	sqlite3_bind_int64(st, 4, err ? err->http_status : (result ? 200 : 0));
	sqlite3_bind_text(st, 5, err && err->code[0] ? err->code : NULL, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, err && err->message[0] ? err->message : NULL, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, result ? result->version : 0);
	sqlite3_bind_text(st, 8, theirs, -1, SQLITE_STATIC);
	if (ecache_step_done(c, st, "outbox") < 0)
		goto fail;
	if (ecache_dossier_refresh_effect(c, row.dossier_id) < 0)
		goto fail;
	ret = ecache_commit(c);
	goto cleanup;
fail:
	ecache_rollback(c);
cleanup:
	ecache_outbox_row_release(&row);
	free(theirs);
	return ret;
}

void
ecache_conflict_list_init(ecache_conflict_list *l)
{
	l->items = NULL;
	l->n = 0;
}

void
ecache_conflict_list_release(ecache_conflict_list *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++) {
		ecache_outbox_row_release(&l->items[i].row);
		eapi_dossier_free(l->items[i].mine);
		eapi_dossier_free(l->items[i].theirs);
	}
	free(l->items);
	ecache_conflict_list_init(l);
}

static eapi_dossier *
decode_or_null(const char *json)
{
	eapi_error err;
	eapi_dossier *d;

	if (!json)
		return NULL;
	memset(&err, 0, sizeof err);
	d = eapi_dossier_decode(json, strlen(json), &err);
	eapi_error_clear(&err);
	return d;
}

/* mine_json and theirs_json of a row; caller frees. */
static int
row_versions(ecache *c, long long seq, char **mine, char **theirs)
{
	sqlite3_stmt *st = ecache_stmt(c, "SELECT mine_json, theirs_json FROM ob.outbox WHERE seq = ?1");
	int rc;

	*mine = *theirs = NULL;
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, seq);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*mine = ecache_strdup((const char *)sqlite3_column_text(st, 0));
		*theirs = ecache_strdup((const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : ecache_sqlerr(c, "outbox");
}

int
ecache_conflicts(ecache *c, ecache_conflict_list *out)
{
	ecache_outbox_list rows;
	size_t i;
	int result = -1;

	ecache_conflict_list_release(out);
	ecache_outbox_list_init(&rows);
	if (ecache_outbox_list_get(c, 1u << ECACHE_OUT_CONFLICT, NULL, &rows) < 0)
		return -1;
	if (rows.n && !(out->items = calloc(rows.n, sizeof *out->items))) {
		ecache_seterr(c, "out of memory");
		goto cleanup;
	}
	for (i = 0; i < rows.n; i++) {
		char *mine, *theirs;
		ecache_conflict *k = &out->items[out->n];
		if (row_versions(c, rows.rows[i].seq, &mine, &theirs) < 0)
			goto cleanup;
		k->row = rows.rows[i];
		memset(&rows.rows[i], 0, sizeof rows.rows[i]);
		k->mine = decode_or_null(mine);
		k->theirs = decode_or_null(theirs);
		out->n++;
		free(mine);
		free(theirs);
	}
	result = (int)out->n;
cleanup:
	ecache_outbox_list_release(&rows);
	if (result < 0)
		ecache_conflict_list_release(out);
	return result;
}

int
ecache_resolve(ecache *c, long long seq, ecache_resolution how)
{
	ecache_outbox_row row;
	sqlite3_stmt *st;
	eapi_dossier *theirs = NULL;
	char *mine_json = NULL, *theirs_json = NULL, key[37];
	long long version = 0;
	int ret = -1;

	if (ecache_begin(c) < 0)
		return -1;
	if (ecache_outbox_get(c, seq, &row) < 0)
		goto fail;
	if (!(row.status == ECACHE_OUT_CONFLICT ||
	      (row.status == ECACHE_OUT_FAILED && how == ECACHE_RESOLVE_DISCARD))) {
		ecache_seterr(c, "outbox row %lld is %s: nothing to resolve that way", seq,
			      ecache_out_status_name(row.status));
		goto fail;
	}
	if (how == ECACHE_RESOLVE_DISCARD) {
		st = ecache_stmt(c, "UPDATE ob.outbox SET status = 6, updated_at = ?2 WHERE seq = ?1");
		if (!st)
			goto fail;
		sqlite3_bind_int64(st, 1, seq);
		sqlite3_bind_int64(st, 2, (long long)time(NULL));
	} else {
		if (row_versions(c, seq, &mine_json, &theirs_json) < 0)
			goto fail;
		theirs = decode_or_null(theirs_json);
		version = theirs ? theirs->version : row.if_match;
		if (egov_uuid4(key) < 0) {
			ecache_seterr(c, "cannot make an idempotency key");
			goto fail;
		}
		st = ecache_stmt(c, "UPDATE ob.outbox SET status = 0, updated_at = ?2, idem_key = ?3, "
				 "if_match = CASE WHEN action = 'comment' THEN 0 ELSE ?4 END, "
				 "base_version = ?4, chained = 0, http_status = 0, error_code = NULL, "
				 "reason = NULL, mine_json = coalesce(theirs_json, mine_json), "
				 "theirs_json = NULL WHERE seq = ?1");
		if (!st)
			goto fail;
		sqlite3_bind_int64(st, 1, seq);
		sqlite3_bind_int64(st, 2, (long long)time(NULL));
		sqlite3_bind_text(st, 3, key, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, version);
	}
	if (ecache_step_done(c, st, "outbox") < 0 ||
	    ecache_dossier_refresh_effect(c, row.dossier_id) < 0)
		goto fail;
	ret = ecache_commit(c);
	goto cleanup;
fail:
	ecache_rollback(c);
cleanup:
	ecache_outbox_row_release(&row);
	eapi_dossier_free(theirs);
	free(mine_json);
	free(theirs_json);
	return ret;
}
