/*
 * The change feed, GET /api/v1/changes: what offline sync is built on.
 *
 * Every change to a dossier adds one row to `changes` with a global,
 * increasing seq (commit order, since writers are serialised) and the
 * dossier's visibility keys before and after it (agency, old and new
 * assignee).  For a caller, a row means: upsert when the dossier is visible
 * after the change and this is its latest row (so each dossier is sent once,
 * current); remove when it was visible before and is not after (reassigned
 * away); nothing otherwise.  Without `since` the feed starts at seq 0, which
 * is a full sync because every dossier keeps its latest row.  Compaction
 * deletes rows that are both superseded and older than --feed-retention and
 * remembers the highest seq it deleted (meta feed_floor): a cursor below it
 * may have missed a remove, so it gets 410 cursor_expired.
 */
#include "config.h"
#include "sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FEED_DEFAULT 200
#define FEED_MAX 1000
#define C 29			/* first change column in the page query */

int sim_change_record(sqlite3 *db, long long n, long long version, const char *agency_id,
		      const char *old_assignee, const char *new_assignee, int existed, time_t at)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(db, "INSERT INTO changes(dossier, version, agency_id, old_assignee,"
			       " new_assignee, existed, at) VALUES (?, ?, ?, ?, ?, ?, ?)", -1, &st,
			       NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, n);
	sqlite3_bind_int64(st, 2, version);
	sqlite3_bind_text(st, 3, agency_id, -1, SQLITE_STATIC);
	if (old_assignee)
		sqlite3_bind_text(st, 4, old_assignee, -1, SQLITE_STATIC);
	if (new_assignee)
		sqlite3_bind_text(st, 5, new_assignee, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, existed);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)at);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	if (sqlite3_prepare_v2(db, "UPDATE changes SET superseded = 1 WHERE dossier = ? AND"
			       " seq < last_insert_rowid() AND superseded = 0", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, n);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static long long feed_floor(sqlite3 *db)
{
	char buf[32];

	return sim_meta_get(db, "feed_floor", buf, sizeof(buf)) ? strtoll(buf, NULL, 10) : 0;
}

int sim_feed_compact(sim_server *srv, sqlite3 *db, time_t now)
{
	static time_t last;
	sqlite3_stmt *st = NULL;
	time_t cutoff = now - (time_t)srv->feed_retention;
	long long top = 0;
	int result = 0;

	pthread_mutex_lock(&srv->misc_lock);
	if (last == now) {
		pthread_mutex_unlock(&srv->misc_lock);
		return 0;
	}
	last = now;
	pthread_mutex_unlock(&srv->misc_lock);
	if (sim_tx_begin(srv, db) < 0)
		return -1;
	if (sqlite3_prepare_v2(db, "SELECT max(seq) FROM changes WHERE superseded = 1 AND at < ?", -1,
			       &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)cutoff);
		if (sqlite3_step(st) == SQLITE_ROW)
			top = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (top > 0 && top > feed_floor(db)) {
		char buf[32];
		if (sqlite3_prepare_v2(db, "DELETE FROM changes WHERE superseded = 1 AND at < ?", -1, &st,
				       NULL) == SQLITE_OK) {
			sqlite3_bind_int64(st, 1, (sqlite3_int64)cutoff);
			if (sqlite3_step(st) != SQLITE_DONE)
				result = -1;
		}
		sqlite3_finalize(st);
		snprintf(buf, sizeof(buf), "%lld", top);
		if (sim_meta_set(db, "feed_floor", buf) < 0)
			result = -1;
	}
	/* Idempotency records are kept a week (the contract asks 72 hours)
	 * and expired tokens a day past their end. */
	if (result == 0 && sqlite3_prepare_v2(db, "DELETE FROM idempotency WHERE done = 1 AND"
					      " created_at < ?", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)(now - 7 * 86400));
		sqlite3_step(st);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (result == 0 && sqlite3_prepare_v2(db, "DELETE FROM tokens WHERE expires_at < ?", -1, &st,
					      NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)(now - 86400));
		sqlite3_step(st);
	}
	sqlite3_finalize(st);
	sim_tx_end(srv, db, result == 0);
	return result;
}

/* Which change rows might concern the caller (the exact rule is in C). */
static char *prefilter(const sim_caller *c, const sim_ref *ref)
{
	char *sql;

	if (c->role == SIM_ROLE_OFFICER) {
		sql = malloc(256);
		if (sql)
			snprintf(sql, 256, "c.agency_id = '%s'", c->person->agency_id);
		return sql;
	}
	sql = sim_visibility_sql(c, ref, "c");
	return sql;
}

static int parse_cursor(const char *s, long long *seq)
{
	unsigned long long v;
	char *end;

	if (s[0] != 'c' || !s[1])
		return -1;
	v = strtoull(s + 1, &end, 16);
	if (*end)
		return -1;
	*seq = (long long)v;
	return 0;
}

int sim_h_changes(sim_request *rq, sim_response *rs)
{
	const char *since = sim_query(rq, "since"), *limit_s = sim_query(rq, "limit");
	const char *view = sim_query(rq, "view");
	const sim_caller *c = &rq->caller;
	const sim_ref *ref = &rq->srv->ref;
	long long from = 0, last, top = 0;
	long limit = FEED_DEFAULT, emitted = 0, scanned = 0;
	int full = 0, more = 0, result;
	char *pre = NULL, sql[2048], next[40];
	sqlite3_stmt *st = NULL;
	json_t *changes = NULL;

	if (limit_s) {
		char *end;
		limit = strtol(limit_s, &end, 10);
		if (*end || limit < 1 || limit > FEED_MAX)
			return sim_reply_field(rs, "limit", "limit must be 1-%d", FEED_MAX);
	}
	if (view && strcmp(view, "summary") && strcmp(view, "full"))
		return sim_reply_field(rs, "view", "view must be summary or full");
	full = view && strcmp(view, "full") == 0;
	if (since && parse_cursor(since, &from) < 0)
		return sim_reply_field(rs, "since", "not a cursor this server issued");
	sim_feed_compact(rq->srv, rq->db, time(NULL));
	/* One read transaction: the page and "the newest seq" agree. */
	sim_exec(rq->db, "BEGIN");
	if (since && from < feed_floor(rq->db)) {
		sim_exec(rq->db, "COMMIT");
		return sim_reply_problem(rs, 410, "cursor_expired",
					 "the feed no longer reaches back to this cursor; sync from the start");
	}
	pre = prefilter(c, ref);
	/* The dossier's columns come first, where sim_dossier_json() reads
	 * them; the change's follow from column C. */
	snprintf(sql, sizeof(sql), "SELECT d.n,d.id,d.code,d.version,d.procedure_id,d.agency_id,"
		 "d.assignee_id,d.state,d.channel,d.applicant_name,d.applicant_kind,d.subject,"
		 "d.submitted_at,d.received_at,d.due_at,d.finished_at,d.returned_at,"
		 "d.supplement_count,d.updated_at,d.applicant,d.documents,d.fees,d.history,"
		 "d.comments,d.supplements,d.result,d.apology,d.digitized,d.paused_at,"
		 " c.seq, c.agency_id, c.old_assignee, c.new_assignee, c.existed, c.superseded, c.version"
		 " FROM changes c JOIN dossiers d ON d.n = c.dossier WHERE c.seq > ? AND %s"
		 " ORDER BY c.seq LIMIT ?", pre ? pre : "0");
	if (sqlite3_prepare_v2(rq->db, sql, -1, &st, NULL) != SQLITE_OK) {
		result = sim_reply_problem(rs, 500, "internal", "%s", sqlite3_errmsg(rq->db));
		goto cleanup;
	}
	last = from;
	changes = json_array();
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, limit * 4 + 1);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *agency = (const char *)sqlite3_column_text(st, C + 1);
		const char *old_a = (const char *)sqlite3_column_text(st, C + 2);
		const char *new_a = (const char *)sqlite3_column_text(st, C + 3);
		int before = sqlite3_column_int(st, C + 4) && sim_visible(c, ref, agency, old_a);
		int after = sim_visible(c, ref, agency, new_a);
		long long seq = sqlite3_column_int64(st, C);
		if (emitted == limit || scanned == limit * 4) {
			more = 1;
			break;
		}
		scanned++;
		last = seq;
		if (after && !sqlite3_column_int(st, C + 5)) {
			json_t *d = sim_dossier_json(rq, st, full);
			json_array_append_new(changes, json_pack("{s:I, s:s, s:s, s:I, s:o}", "seq",
				(json_int_t)seq, "op", "upsert", "id", (const char *)sqlite3_column_text(st, 1),
				"version", (json_int_t)sqlite3_column_int64(st, 3), "dossier", d));
			emitted++;
		} else if (before && !after) {
			json_array_append_new(changes, json_pack("{s:I, s:s, s:s, s:I}", "seq", (json_int_t)seq,
				"op", "remove", "id", (const char *)sqlite3_column_text(st, 1), "version",
				(json_int_t)sqlite3_column_int64(st, C + 6)));
			emitted++;
		}
	}
	sqlite3_finalize(st);
	st = NULL;
	if (!more) {
		/* Nothing further for this caller: jump to the newest seq so an
		 * idle client does not rescan rows that were not for it. */
		if (sqlite3_prepare_v2(rq->db, "SELECT max(seq) FROM changes", -1, &st, NULL) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW)
			top = sqlite3_column_int64(st, 0);
		if (top > last)
			last = top;
	}
	snprintf(next, sizeof(next), "c%llx", (unsigned long long)last);
	result = sim_reply_json(rs, 200, json_pack("{s:o, s:s, s:b}", "changes", changes,
						   "next_cursor", next, "more", more));
	changes = NULL;
cleanup:
	sqlite3_finalize(st);
	sim_exec(rq->db, "COMMIT");
	json_decref(changes);
	free(pre);
	return result;
}
