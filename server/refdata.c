/*
 * Reference data endpoints: agencies, the procedure catalogue, users by
 * agency and the calendar.  They are small and change rarely, so each answer
 * carries a strong ETag computed from its bytes and a matching
 * If-None-Match gets 304 (sim_etag_content).
 */
#include "config.h"
#include "sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const levels[] = { "city", "department", "ward" };

static int reply_cached(sim_request *rq, sim_response *rs, json_t *v)
{
	sim_reply_json(rs, 200, v);
	sim_etag_content(rq, rs);
	return rs->status;
}

int sim_h_agencies(sim_request *rq, sim_response *rs)
{
	const sim_ref *ref = &rq->srv->ref;
	json_t *items = json_array();
	size_t i;

	for (i = 0; i < ref->n_agencies; i++) {
		const sim_agency *a = &ref->agencies[i];
		json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s}", "id", a->id,
						       "code", a->code, "name", a->name, "short_name",
						       a->short_name, "parent_id", a->parent_id,
						       "level", levels[a->level]));
	}
	return reply_cached(rq, rs, json_pack("{s:o}", "items", items));
}

int sim_h_procedures(sim_request *rq, sim_response *rs)
{
	const sim_ref *ref = &rq->srv->ref;
	json_t *items = json_array();
	size_t i;

	for (i = 0; i < ref->n_procedures; i++) {
		const sim_procedure *p = &ref->procedures[i];
		json_t *fees = json_loads(p->fees, 0, NULL), *docs = json_loads(p->documents, 0, NULL);
		json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:o, s:o}",
						       "id", p->id, "code", p->code, "name", p->name,
						       "field", p->field, "agency_level", levels[p->level],
						       "online_level", p->online_level, "processing_days",
						       p->processing_days, "day_kind",
						       p->calendar_days ? "calendar" : "working",
						       "fees", fees ? fees : json_array(),
						       "documents", docs ? docs : json_array()));
	}
	return reply_cached(rq, rs, json_pack("{s:o}", "items", items));
}

int sim_h_users(sim_request *rq, sim_response *rs)
{
	const sim_ref *ref = &rq->srv->ref;
	const char *agency = sim_query(rq, "agency_id");
	const sim_person *me = rq->caller.person;
	json_t *items;
	size_t i;

	if (agency && !sim_agency_find(ref, agency))
		return sim_reply_field(rs, "agency_id", "no agency %s", agency);
	/* Officers and supervisors list their own part of the tree; support
	 * reads every agency (its user diagnostics). */
	if (agency && rq->caller.role != SIM_ROLE_SUPPORT &&
	    !sim_agency_within(ref, agency, me->agency_id) &&
	    !(rq->caller.role == SIM_ROLE_OFFICER && strcmp(agency, me->agency_id) == 0))
		return sim_reply_problem(rs, 403, "forbidden", "agency %s is outside your unit", agency);
	items = json_array();
	for (i = 0; i < ref->n_users; i++) {
		const sim_person *p = &ref->users[i];
		int take;
		if (agency)
			take = strcmp(p->agency_id, agency) == 0;
		else if (rq->caller.role == SIM_ROLE_SUPPORT)
			take = 1;
		else
			take = sim_agency_within(ref, p->agency_id, me->agency_id);
		if (take)
			json_array_append_new(items, sim_person_json(p));
	}
	return reply_cached(rq, rs, json_pack("{s:o}", "items", items));
}

static json_t *days(sqlite3 *db, const char *table, int year, int with_names)
{
	char sql[128], from[16], to[16];
	sqlite3_stmt *st = NULL;
	json_t *out = json_array();

	snprintf(sql, sizeof(sql), "SELECT date, name FROM %s WHERE date >= ? AND date < ? ORDER BY date",
		 table);
	snprintf(from, sizeof(from), "%04d-01-01", year % 10000);
	snprintf(to, sizeof(to), "%04d-01-01", (year + 1) % 10000);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, from, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *date = (const char *)sqlite3_column_text(st, 0);
			if (with_names)
				json_array_append_new(out, json_pack("{s:s, s:s}", "date", date, "name",
								     (const char *)sqlite3_column_text(st, 1)));
			else
				json_array_append_new(out, json_string(date));
		}
	}
	sqlite3_finalize(st);
	return out;
}

int sim_h_calendar(sim_request *rq, sim_response *rs)
{
	const char *ys = sim_query(rq, "year");
	int y, m, d, year;
	char *end = NULL;

	egov_day_to_ymd(egov_day_of(time(NULL)), &y, &m, &d);
	year = y;
	if (ys) {
		long v = strtol(ys, &end, 10);
		if (!*ys || *end || v < 1970 || v > 9999)
			return sim_reply_field(rs, "year", "year must be a four-digit year");
		year = (int)v;
	}
	return reply_cached(rq, rs, json_pack("{s:i, s:o, s:o, s:s, s:s}", "year", year,
					      "holidays", days(rq->db, "holidays", year, 1),
					      "working_saturdays", days(rq->db, "working_saturdays", year, 0),
					      "office_hours", "07:00-11:30,13:30-17:00",
					      "timezone", "Asia/Ho_Chi_Minh"));
}
