/*
 * The audit log: one row per action attempt (who, which request, which
 * idempotency key, which dossier and action, the HTTP status, whether it
 * was an idempotent replay, the states and version).  Tests and auditors
 * count the effects of a key as its rows with status 200 and replay 0.  It
 * is the `audit` table of the database, and GET /api/v1/audit for
 * supervisors and support.
 */
#include "config.h"
#include "sim.h"

#include <stdlib.h>
#include <time.h>

void sim_audit_record(sqlite3 *db, const sim_request *rq, const char *key, const char *dossier_id,
		      const char *action, int status, int replay, const char *from,
		      const char *to, long long version)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db, "INSERT INTO audit(at, actor_id, request_id, idempotency_key,"
			       " dossier_id, action, status, replay, from_state, to_state, version)"
			       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)time(NULL));
	sqlite3_bind_text(st, 2, rq->caller.person->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, rq->request_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, dossier_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, action ? action : "", -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 7, status);
	sqlite3_bind_int(st, 8, replay);
	if (from && from[0])
		sqlite3_bind_text(st, 9, from, -1, SQLITE_STATIC);
	if (to && to[0])
		sqlite3_bind_text(st, 10, to, -1, SQLITE_STATIC);
	if (version)
		sqlite3_bind_int64(st, 11, version);
	sqlite3_step(st);
	sqlite3_finalize(st);
}

int sim_h_audit(sim_request *rq, sim_response *rs)
{
	const char *key = sim_query(rq, "idempotency_key"), *dossier = sim_query(rq, "dossier_id");
	const char *after = sim_query(rq, "after"), *limit_s = sim_query(rq, "limit");
	sqlite3_stmt *st = NULL;
	json_t *items;
	long limit = limit_s ? strtol(limit_s, NULL, 10) : 500;
	long long last = 0;
	char at[26];

	if (rq->caller.role == SIM_ROLE_OFFICER)
		return sim_reply_problem(rs, 403, "forbidden", "the audit log is for supervisors and support");
	if (limit < 1 || limit > 5000)
		return sim_reply_field(rs, "limit", "limit must be 1-5000");
	if (sqlite3_prepare_v2(rq->db, "SELECT n, at, actor_id, request_id, idempotency_key, dossier_id,"
			       " action, status, replay, from_state, to_state, version FROM audit"
			       " WHERE n > ?1 AND (?2 IS NULL OR idempotency_key = ?2)"
			       " AND (?3 IS NULL OR dossier_id = ?3) ORDER BY n LIMIT ?4", -1, &st,
			       NULL) != SQLITE_OK)
		return sim_reply_problem(rs, 500, "internal", "%s", sqlite3_errmsg(rq->db));
	sqlite3_bind_int64(st, 1, after ? strtoll(after, NULL, 10) : 0);
	if (key)
		sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	if (dossier)
		sqlite3_bind_text(st, 3, dossier, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, limit);
	items = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		last = sqlite3_column_int64(st, 0);
		egov_time_format((time_t)sqlite3_column_int64(st, 1), at);
		json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:s, s:s?, s:s, s:s, s:i, s:b,"
			" s:s?, s:s?, s:I}", "n", (json_int_t)last, "at", at,
			"actor_id", (const char *)sqlite3_column_text(st, 2),
			"request_id", (const char *)sqlite3_column_text(st, 3),
			"idempotency_key", (const char *)sqlite3_column_text(st, 4),
			"dossier_id", (const char *)sqlite3_column_text(st, 5),
			"action", (const char *)sqlite3_column_text(st, 6),
			"status", sqlite3_column_int(st, 7), "replay", sqlite3_column_int(st, 8),
			"from_state", (const char *)sqlite3_column_text(st, 9),
			"to_state", (const char *)sqlite3_column_text(st, 10),
			"version", (json_int_t)sqlite3_column_int64(st, 11)));
	}
	sqlite3_finalize(st);
	return sim_reply_json(rs, 200, json_pack("{s:o, s:I}", "items", items, "last", (json_int_t)last));
}
