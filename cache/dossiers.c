/*
 * Cached dossiers: storing the server's copy, keyed on id and version, with
 * the summary columns the queues sort and filter on, the contract JSON
 * (eapi_dossier_encode) for the full form, and the folded text the search
 * index holds; and reading them back with the person's unsent actions
 * applied.
 *
 * A version older than or equal to the cached one is ignored (a change
 * feed page replayed after a crash, a late answer), except that a full
 * form replaces a summary of the same version.  Existing rows are updated
 * in place so their rowid, which the search index and keyset positions
 * use, stays put.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "vntext.h"

/* Outbox rows still open (queued, in flight, retry) or stuck (conflict,
 * failed): all but done (3) and discarded (6).  Two values, so SQLite
 * compares rather than build a temporary table per run, for every
 * dossier a page stores. */
#define OPEN_OR_STUCK "status NOT IN (3, 6)"

static char *
fold(const char *s)
{
	return vn_fold(s ? s : "");
}

/* Add (or with del, remove) a row's text to the contentless index; the
 * removal must repeat exactly what was added, so both go through here. */
static int
fts_write(ecache *c, long long rid, const char *code, const char *applicant,
	  const char *subject, const char *procedure, int del)
{
	sqlite3_stmt *st = del
		? ecache_stmt(c, "INSERT INTO dossier_fts(dossier_fts, rowid, code, applicant, "
			      "subject, procedure) VALUES ('delete', ?1, ?2, ?3, ?4, ?5)")
		: ecache_stmt(c, "INSERT INTO dossier_fts(rowid, code, applicant, subject, "
			      "procedure) VALUES (?1, ?2, ?3, ?4, ?5)");
	char *f[4] = { fold(code), fold(applicant), fold(subject), fold(procedure) };
	int i, rc, result = -1;

	if (!st)
		goto cleanup;
	for (i = 0; i < 4; i++) {
		if (!f[i]) {
			ecache_seterr(c, "out of memory");
			goto cleanup;
		}
	}
	sqlite3_bind_int64(st, 1, rid);
	for (i = 0; i < 4; i++)
		sqlite3_bind_text(st, i + 2, f[i], -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		ecache_sqlerr(c, "search index");
		goto cleanup;
	}
	result = 0;
cleanup:
	for (i = 0; i < 4; i++)
		free(f[i]);
	return result;
}

/* Fetch what a change needs from the cached row; 1 found, 0 not, -1 error.
 * The caller frees the strings. */
typedef struct cached_row {
	long long rid, version, recv_at, due_at;
	int full, state, supplements;
	char *code, *applicant, *subject, *procedure, *kind, *assignee;
} cached_row;

static void
cached_row_release(cached_row *r)
{
	free(r->code); free(r->applicant); free(r->subject); free(r->procedure);
	free(r->kind); free(r->assignee);
	memset(r, 0, sizeof *r);
}

static int
cached_row_get(ecache *c, const char *id, cached_row *out)
{
	sqlite3_stmt *st = ecache_stmt(c,
		"SELECT rid, version, full, code, applicant_name, subject, procedure_name, "
		"recv_at, applicant_kind, state, assignee_id, due_at, supplement_count "
		"FROM dossiers WHERE rid = " ECACHE_RID_OF_ID);
	int rc;

	memset(out, 0, sizeof *out);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->rid = sqlite3_column_int64(st, 0);
		out->version = sqlite3_column_int64(st, 1);
		out->full = sqlite3_column_int(st, 2);
		out->code = ecache_strdup((const char *)sqlite3_column_text(st, 3));
		out->applicant = ecache_strdup((const char *)sqlite3_column_text(st, 4));
		out->subject = ecache_strdup((const char *)sqlite3_column_text(st, 5));
		out->procedure = ecache_strdup((const char *)sqlite3_column_text(st, 6));
		out->recv_at = sqlite3_column_int64(st, 7);
		out->kind = ecache_strdup((const char *)sqlite3_column_text(st, 8));
		out->state = sqlite3_column_int(st, 9);
		out->assignee = ecache_strdup((const char *)sqlite3_column_text(st, 10));
		out->due_at = sqlite3_column_int64(st, 11);
		out->supplements = sqlite3_column_int(st, 12);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return ecache_sqlerr(c, "reading a dossier");
	return rc == SQLITE_ROW;
}

int
ecache_dossier_has_outbox(ecache *c, const char *id)
{
	sqlite3_stmt *st = ecache_stmt(c,
		"SELECT 1 FROM ob.outbox WHERE dossier_id = ?1 AND " OPEN_OR_STUCK " LIMIT 1");
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return ecache_sqlerr(c, "outbox");
	return rc == SQLITE_ROW;
}

static int
same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int
ecache_dossier_store(ecache *c, const eapi_dossier *d)
{
	static const char *const insert_sql =
		"INSERT INTO dossiers(id, code, version, full, s_state, s_assignee, s_due_at,"
		" state, assignee_id, due_at, agency_id, procedure_id, procedure_name,"
		" applicant_name, applicant_kind, subject, name_key, recv_at,"
		" supplement_count, json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?5, ?6, ?7,"
		" ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)";
	/* An update sets only the indexed columns whose values change: SQLite
	 * rewrites an index's entry whenever one of its columns is in the SET
	 * list, changed or not, and for a dossier spread over the cache that
	 * is a page written per index.  Most changes move state and assignee;
	 * the dossier number, the name sort key, the received date and the due
	 * date rarely change.  Sixteen statements, one per combination of the
	 * `which` bits: text 1, received date 2, due date 4, state and
	 * assignee 8. */
#define UPDATE_HEAD "UPDATE dossiers SET version = ?3, full = ?4, s_state = ?5," \
	" s_assignee = ?6, s_due_at = ?7, agency_id = ?8, procedure_id = ?9," \
	" supplement_count = ?16, json = ?17, pending = 0, conflict = 0"
#define UPDATE_TEXT ", code = ?2, procedure_name = ?10, applicant_name = ?11," \
	" applicant_kind = ?12, subject = ?13, name_key = ?14"
#define UPDATE_RECV ", recv_at = ?15"
#define UPDATE_DUE ", due_at = ?7"
#define UPDATE_MOVE ", state = ?5, assignee_id = ?6"
#define UPDATE_TAIL " WHERE rid = ?18"
#define U1(r, d, m) UPDATE_HEAD r d m UPDATE_TAIL, UPDATE_HEAD UPDATE_TEXT r d m UPDATE_TAIL
#define U2(d, m) U1("", d, m), U1(UPDATE_RECV, d, m)
#define U3(m) U2("", m), U2(UPDATE_DUE, m)
	static const char *const update_sql[16] = { U3(""), U3(UPDATE_MOVE) };
#undef U1
#undef U2
#undef U3
	cached_row old;
	sqlite3_stmt *st;
	unsigned char *key = NULL;
	size_t keylen = 0;
	char *json = NULL;
	long long rid, recv_at, due_at = d && d->due_at ? (long long)d->due_at : ECACHE_DUE_NONE;
	int found, rc, same_text, new_name, which = 0, result = -1;

	if (!d || !d->id || !d->code) {
		ecache_seterr(c, "dossier without id or code");
		return -1;
	}
	found = cached_row_get(c, d->id, &old);
	if (found < 0)
		return -1;
	if (found && (old.version > d->version ||
		      (old.version == d->version && (old.full || !d->has_full)))) {
		result = 0;
		goto cleanup;
	}
	json = eapi_dossier_encode(d);
	if (d->applicant_kind && strcmp(d->applicant_kind, "citizen") != 0)
		key = vn_sort_key(d->applicant_name ? d->applicant_name : "", &keylen);
	else
		key = vn_name_sort_key(d->applicant_name ? d->applicant_name : "", &keylen);
	if (!json || !key) {
		ecache_seterr(c, "out of memory");
		goto cleanup;
	}
	/* Most changes move state, assignee or dates; the indexed text stays
	 * and so does its search entry. */
	same_text = found && same(old.code, d->code) && same(old.applicant, d->applicant_name) &&
		    same(old.subject, d->subject) && same(old.procedure, d->procedure_name);
	if (found && !same_text &&
	    fts_write(c, old.rid, old.code, old.applicant, old.subject, old.procedure, 1) < 0)
		goto cleanup;
	recv_at = (long long)(d->received_at ? d->received_at : d->submitted_at);
	if (!same_text || !same(old.kind, d->applicant_kind))
		which |= 1;
	if (recv_at != old.recv_at)
		which |= 2;
	if (due_at != old.due_at)
		which |= 4;
	if ((int)d->state != old.state || !same(old.assignee, d->assignee_id))
		which |= 8;
	/* the name lookup (fresh.c) holds the old key: out before it changes */
	new_name = found && (!same(old.applicant, d->applicant_name) ||
			     !same(old.kind, d->applicant_kind));
	if (new_name && ecache_fresh_remove(c, old.rid, NULL) < 0)
		goto cleanup;
	st = ecache_stmt(c, found ? update_sql[which] : insert_sql);
	if (!st)
		goto cleanup;
	sqlite3_bind_text(st, 1, d->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, d->code, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, d->version);
	sqlite3_bind_int(st, 4, d->has_full);
	sqlite3_bind_int(st, 5, d->state);
	sqlite3_bind_text(st, 6, d->assignee_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, due_at);
	sqlite3_bind_text(st, 8, d->agency_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, d->procedure_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, d->procedure_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, d->applicant_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 12, d->applicant_kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 13, d->subject, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 14, key, (int)keylen, SQLITE_STATIC);
	sqlite3_bind_int64(st, 15, recv_at);
	sqlite3_bind_int(st, 16, d->supplement_count);
	sqlite3_bind_text(st, 17, json, -1, SQLITE_STATIC);
	if (found)
		sqlite3_bind_int64(st, 18, old.rid);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		ecache_sqlerr(c, "storing a dossier");
		goto cleanup;
	}
	rid = found ? old.rid : sqlite3_last_insert_rowid(c->db);
	if ((!found || new_name) &&
	    ecache_fresh_add(c, rid, found ? NULL : d->id, key, (int)keylen) < 0)
		goto cleanup;
	if ((found && ecache_count_row(c, old.state, old.supplements, old.assignee,
				       old.due_at, -1) < 0) ||
	    ecache_count_row(c, d->state, d->supplement_count, d->assignee_id,
			     due_at, 1) < 0)
		goto cleanup;
	if (!same_text &&
	    fts_write(c, rid, d->code, d->applicant_name, d->subject, d->procedure_name, 0) < 0)
		goto cleanup;
	rc = ecache_dossier_has_outbox(c, d->id);
	if (rc < 0 || (rc > 0 && ecache_dossier_refresh_effect(c, d->id) < 0))
		goto cleanup;
	result = 1;
cleanup:
	cached_row_release(&old);
	free(json);
	free(key);
	return result;
}

int
ecache_dossier_delete(ecache *c, const char *id, long long version)
{
	cached_row old;
	sqlite3_stmt *st;
	int found, rc, result = -1;

	found = cached_row_get(c, id, &old);
	if (found <= 0)
		return found;
	if (version > 0 && old.version > version) {
		result = 0;
		goto cleanup;
	}
	if (fts_write(c, old.rid, old.code, old.applicant, old.subject, old.procedure, 1) < 0 ||
	    ecache_fresh_remove(c, old.rid, id) < 0)
		goto cleanup;
	st = ecache_stmt(c, "DELETE FROM dossiers WHERE rid = ?1");
	if (!st)
		goto cleanup;
	sqlite3_bind_int64(st, 1, old.rid);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		ecache_sqlerr(c, "removing a dossier");
		goto cleanup;
	}
	if (ecache_count_row(c, old.state, old.supplements, old.assignee, old.due_at, -1) < 0)
		goto cleanup;
	result = 1;
cleanup:
	cached_row_release(&old);
	return result;
}

int
ecache_dossier_upsert(ecache *c, const eapi_dossier *d)
{
	int r;

	if (ecache_begin(c) < 0)
		return -1;
	r = ecache_dossier_store(c, d);
	if (r < 0) {
		ecache_rollback(c);
		return -1;
	}
	return ecache_commit(c) < 0 ? -1 : r;
}

int
ecache_dossier_remove(ecache *c, const char *id, long long version)
{
	int r;

	if (ecache_begin(c) < 0)
		return -1;
	r = ecache_dossier_delete(c, id, version);
	if (r < 0) {
		ecache_rollback(c);
		return -1;
	}
	return ecache_commit(c) < 0 ? -1 : r;
}

long long
ecache_dossier_count(ecache *c)
{
	/* kept by triggers (schema.c): counting a million rows takes 100 ms */
	sqlite3_stmt *st = ecache_stmt(c, "SELECT coalesce(sum(n), 0) FROM queue_counts");
	long long n = -1;

	if (!st)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	else
		ecache_sqlerr(c, "counting dossiers");
	sqlite3_reset(st);
	return n;
}
