/*
 * The person's view of a dossier: the server's copy with their unsent
 * actions on top.
 *
 * dossiers.state / assignee_id / due_at are what the queues show; they are
 * recomputed here from the server's columns (s_*) and the outbox rows still
 * waiting (queued, in flight, retry), replayed in the order the person took
 * them.  Because they are derived, nothing is lost if the cache and the
 * outbox file disagree after a crash (they are separate files): at open
 * every dossier with outbox rows is recomputed.  Rows in conflict or failed
 * are not replayed (the server did not take them) but flag the dossier.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"

int
ecache_dossier_refresh_effect(ecache *c, const char *id)
{
	sqlite3_stmt *st;
	eapi_state state;
	char *assignee = NULL, *was_assignee = NULL;
	long long due_at, was_due;
	int pending = 0, conflict = 0, was_state, supplements, rc, result = -1;

	st = ecache_stmt(c, "SELECT s_state, s_assignee, s_due_at, state, assignee_id, due_at, "
			 "supplement_count FROM dossiers WHERE rid = " ECACHE_RID_OF_ID);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? 0 : ecache_sqlerr(c, "reading a dossier");
	}
	state = (eapi_state)sqlite3_column_int(st, 0);
	assignee = ecache_strdup((const char *)sqlite3_column_text(st, 1));
	due_at = sqlite3_column_int64(st, 2);
	was_state = sqlite3_column_int(st, 3);
	was_assignee = ecache_strdup((const char *)sqlite3_column_text(st, 4));
	was_due = sqlite3_column_int64(st, 5);
	supplements = sqlite3_column_int(st, 6);
	sqlite3_reset(st);

	st = ecache_stmt(c, "SELECT action, params, actor_id, status FROM ob.outbox "
			 "WHERE dossier_id = ?1 AND status IN (0,1,2,4,5) ORDER BY seq");
	if (!st)
		goto cleanup;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int status = sqlite3_column_int(st, 3);
		if (status == ECACHE_OUT_CONFLICT || status == ECACHE_OUT_FAILED) {
			conflict++;
			continue;
		}
		pending++;
		ecache_effect_apply((const char *)sqlite3_column_text(st, 0),
				    (const char *)sqlite3_column_text(st, 1),
				    (const char *)sqlite3_column_text(st, 2),
				    &state, &assignee, &due_at);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		ecache_sqlerr(c, "reading the outbox");
		goto cleanup;
	}
	st = ecache_stmt(c, "UPDATE dossiers SET state = ?2, assignee_id = ?3, due_at = ?4, "
			 "pending = ?5, conflict = ?6 WHERE rid = " ECACHE_RID_OF_ID);
	if (!st)
		goto cleanup;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, state);
	sqlite3_bind_text(st, 3, assignee, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, due_at);
	sqlite3_bind_int(st, 5, pending);
	sqlite3_bind_int(st, 6, conflict);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		ecache_sqlerr(c, "updating a dossier");
		goto cleanup;
	}
	if (ecache_count_row(c, was_state, supplements, was_assignee, was_due, -1) < 0 ||
	    ecache_count_row(c, state, supplements, assignee, due_at, 1) < 0)
		goto cleanup;
	result = 0;
cleanup:
	free(assignee);
	free(was_assignee);
	return result;
}

int
ecache_dossier_refresh_all_effects(ecache *c)
{
	sqlite3_stmt *st;
	char **ids = NULL;
	size_t n = 0, cap = 0, i;
	int rc, result = -1;

	if (ecache_begin(c) < 0)
		return -1;
	/* The rows about to lose their optimistic columns, for the counters. */
	st = ecache_stmt(c, "SELECT state, assignee_id, due_at, s_state, s_assignee, s_due_at, "
			 "supplement_count FROM dossiers WHERE pending > 0 OR conflict > 0");
	if (!st)
		goto cleanup;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int supplements = sqlite3_column_int(st, 6);
		if (ecache_count_row(c, sqlite3_column_int(st, 0), supplements,
				     (const char *)sqlite3_column_text(st, 1),
				     sqlite3_column_int64(st, 2), -1) < 0 ||
		    ecache_count_row(c, sqlite3_column_int(st, 3), supplements,
				     (const char *)sqlite3_column_text(st, 4),
				     sqlite3_column_int64(st, 5), 1) < 0)
			break;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		if (rc != SQLITE_ROW)
			ecache_sqlerr(c, "reading dossiers");
		goto cleanup;
	}
	if (ecache_exec(c, "UPDATE dossiers SET state = s_state, assignee_id = s_assignee, "
			"due_at = s_due_at, pending = 0, conflict = 0 "
			"WHERE pending > 0 OR conflict > 0") < 0)
		goto cleanup;
	st = ecache_stmt(c, "SELECT DISTINCT dossier_id FROM ob.outbox WHERE status IN (0,1,2,4,5)");
	if (!st)
		goto cleanup;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			char **more = realloc(ids, (cap = cap ? cap * 2 : 16) * sizeof *ids);
			if (!more) {
				ecache_seterr(c, "out of memory");
				sqlite3_reset(st);
				goto cleanup;
			}
			ids = more;
		}
		ids[n] = ecache_strdup((const char *)sqlite3_column_text(st, 0));
		if (ids[n])
			n++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		ecache_sqlerr(c, "reading the outbox");
		goto cleanup;
	}
	for (i = 0; i < n; i++)
		if (ecache_dossier_refresh_effect(c, ids[i]) < 0)
			goto cleanup;
	result = 0;
cleanup:
	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	if (result < 0)
		ecache_rollback(c);
	else if (ecache_commit(c) < 0)
		result = -1;
	return result;
}

/* Read one dossier by id or code; with_effect applies the optimistic
 * columns. */
static eapi_dossier *
load(ecache *c, int by_code, const char *key, int with_effect, int *pending)
{
	sqlite3_stmt *st = by_code
		? ecache_stmt(c, "SELECT json, state, assignee_id, due_at, pending FROM dossiers "
			      "WHERE code = ?1 LIMIT 1")
		: ecache_stmt(c, "SELECT json, state, assignee_id, due_at, pending FROM dossiers "
			      "WHERE rid = " ECACHE_RID_OF_ID);
	eapi_dossier *d = NULL;
	eapi_error err;
	int rc;

	c->errmsg[0] = '\0';
	if (pending)
		*pending = 0;
	if (!st)
		return NULL;
	memset(&err, 0, sizeof err);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *json = (const char *)sqlite3_column_text(st, 0);
		d = eapi_dossier_decode(json, (size_t)sqlite3_column_bytes(st, 0), &err);
		if (!d) {
			ecache_seterr(c, "cached dossier unreadable: %s", err.message);
		} else if (with_effect) {
			const char *a = (const char *)sqlite3_column_text(st, 2);
			long long due = sqlite3_column_int64(st, 3);
			d->state = (eapi_state)sqlite3_column_int(st, 1);
			d->status_code = eapi_state_status_code(d->state);
			free(d->assignee_id);
			d->assignee_id = ecache_strdup(a);
			d->due_at = due == ECACHE_DUE_NONE ? 0 : (time_t)due;
			if (pending)
				*pending = sqlite3_column_int(st, 4);
		}
	} else if (rc != SQLITE_DONE) {
		ecache_sqlerr(c, "reading a dossier");
	}
	sqlite3_reset(st);
	eapi_error_clear(&err);
	return d;
}

eapi_dossier *
ecache_dossier_get(ecache *c, const char *id, int *pending)
{
	return load(c, 0, id, 1, pending);
}

eapi_dossier *
ecache_dossier_get_server(ecache *c, const char *id)
{
	return load(c, 0, id, 0, NULL);
}

eapi_dossier *
ecache_dossier_get_by_code(ecache *c, const char *code, int *pending)
{
	return load(c, 1, code, 1, pending);
}
