/*
 * GET /api/v1/reports/agencies?from=&to=: the QĐ 766 progress and online
 * figures per agency the caller may see, over dossiers received in the
 * period (dates inclusive, local days).  Finished means withdrawn, result
 * ready or returned (domain.md); a finished dossier is early, on time or
 * late by comparing the local day it finished with the day it was due, and
 * more than one supplement request makes it late.  Rates are 0..1 and null,
 * never 0, when there is nothing to rate.
 */
#include "config.h"
#include "sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOCAL_DAY(col) "((" col " + 25200) / 86400)"
#define FINISHED "state IN ('withdrawn','result_ready','returned')"

static json_t *rate(long long num, long long den)
{
	return den > 0 ? json_real((double)num / (double)den) : json_null();
}

static int parse_day(sim_response *rs, const char *s, const char *field, egov_day *out)
{
	if (s && egov_day_parse(s, out) < 0)
		return sim_reply_field(rs, field, "%s must be a date YYYY-MM-DD", field), -1;
	return 0;
}

int sim_h_report(sim_request *rq, sim_response *rs)
{
	const sim_ref *ref = &rq->srv->ref;
	const sim_caller *c = &rq->caller;
	egov_day today = egov_day_of(time(NULL)), from, to = today;
	int y, m, d;
	sqlite3_stmt *st = NULL;
	json_t *rows = json_array();
	size_t i;
	char fs[11], ts[11];

	egov_day_to_ymd(today, &y, &m, &d);
	from = egov_day_from_ymd(y, 1, 1);
	if (parse_day(rs, sim_query(rq, "from"), "from", &from) < 0 ||
	    parse_day(rs, sim_query(rq, "to"), "to", &to) < 0) {
		json_decref(rows);
		return rs->status;
	}
	if (to < from) {
		json_decref(rows);
		return sim_reply_field(rs, "to", "to is before from");
	}
	if (sqlite3_prepare_v2(rq->db, "SELECT count(*),"
			       " coalesce(sum(channel = 'online'), 0),"
			       " coalesce(sum(" FINISHED " AND supplement_count <= 1 AND " LOCAL_DAY("finished_at")
			       " < " LOCAL_DAY("due_at") "), 0),"
			       " coalesce(sum(" FINISHED " AND supplement_count <= 1 AND " LOCAL_DAY("finished_at")
			       " = " LOCAL_DAY("due_at") "), 0),"
			       " coalesce(sum(" FINISHED " AND (supplement_count > 1 OR " LOCAL_DAY("finished_at")
			       " > " LOCAL_DAY("due_at") ")), 0),"
			       " coalesce(sum(state IN ('received','in_progress','pending_approval')), 0),"
			       " coalesce(sum(state IN ('received','in_progress','pending_approval')"
			       " AND due_at < ?4), 0),"
			       " coalesce(sum(state IN ('supplement_requested','stopped')), 0),"
			       " coalesce(sum(digitized), 0),"
			       " avg(CASE WHEN " FINISHED " THEN (finished_at - received_at) / 86400.0 END)"
			       " FROM dossiers WHERE agency_id = ?1 AND received_at >= ?2 AND received_at < ?3",
			       -1, &st, NULL) != SQLITE_OK) {
		json_decref(rows);
		return sim_reply_problem(rs, 500, "internal", "%s", sqlite3_errmsg(rq->db));
	}
	for (i = 0; i < ref->n_agencies; i++) {
		const sim_agency *a = &ref->agencies[i];
		long long v[9];
		json_t *avg;
		int k;
		if (c->role == SIM_ROLE_OFFICER ? strcmp(a->id, c->person->agency_id) != 0
		    : c->role == SIM_ROLE_SUPERVISOR ? !sim_agency_within(ref, a->id, c->person->agency_id)
		    : 0)
			continue;
		sqlite3_bind_text(st, 1, a->id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)egov_local_time(from, 0, 0));
		sqlite3_bind_int64(st, 3, (sqlite3_int64)egov_local_time(to + 1, 0, 0));
		sqlite3_bind_int64(st, 4, (sqlite3_int64)time(NULL));
		if (sqlite3_step(st) != SQLITE_ROW) {
			sqlite3_reset(st);
			continue;
		}
		for (k = 0; k < 9; k++)
			v[k] = sqlite3_column_int64(st, k);
		avg = sqlite3_column_type(st, 9) == SQLITE_NULL ? json_null()
		      : json_real(sqlite3_column_double(st, 9));
		sqlite3_reset(st);
		json_array_append_new(rows, json_pack(
			"{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:o}",
			"agency_id", a->id, "agency_code", a->code, "agency_name", a->name,
			"received", (json_int_t)v[0], "online", (json_int_t)v[1],
			"finished_early", (json_int_t)v[2], "finished_on_time", (json_int_t)v[3],
			"finished_late", (json_int_t)v[4], "in_progress", (json_int_t)v[5],
			"in_progress_overdue", (json_int_t)v[6], "paused", (json_int_t)v[7],
			"on_time_rate", rate(v[2] + v[3], v[2] + v[3] + v[4]),
			"online_rate", rate(v[1], v[0]), "digitized_rate", rate(v[8], v[0]),
			"avg_days", avg));
	}
	sqlite3_finalize(st);
	egov_day_format(from, fs);
	egov_day_format(to, ts);
	return sim_reply_json(rs, 200, json_pack("{s:s, s:s, s:o}", "from", fs, "to", ts, "items", rows));
}
