/*
 * Changing one dossier: see row.h.  The JSON columns (history, supplements,
 * comments, result, apology) are parsed on load and written back whole; a
 * dossier has a handful of entries, so this stays cheap and keeps one
 * dossier one row.
 */
#include "config.h"
#include "row.h"

#include <stdio.h>
#include <string.h>

static void copy_text(char *dst, size_t len, sqlite3_stmt *st, int col)
{
	const char *s = (const char *)sqlite3_column_text(st, col);

	snprintf(dst, len, "%s", s ? s : "");
}

static json_t *load_json(sqlite3_stmt *st, int col, int array)
{
	const char *s = (const char *)sqlite3_column_text(st, col);
	json_t *v = s ? json_loads(s, 0, NULL) : NULL;

	return v ? v : array ? json_array() : json_null();
}

int sim_row_load(sqlite3 *db, const char *id, sim_row *r)
{
	sqlite3_stmt *st = NULL;
	int result = 1;

	memset(r, 0, sizeof(*r));
	if (sqlite3_prepare_v2(db, "SELECT n, version, id, agency_id, assignee_id, state,"
			       " procedure_id, received_at, due_at, finished_at, returned_at, paused_at,"
			       " supplement_count, history, supplements, comments, result, apology"
			       " FROM dossiers WHERE id = ?", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		r->n = sqlite3_column_int64(st, 0);
		r->version = sqlite3_column_int64(st, 1);
		copy_text(r->id, sizeof(r->id), st, 2);
		copy_text(r->agency_id, sizeof(r->agency_id), st, 3);
		copy_text(r->assignee_id, sizeof(r->assignee_id), st, 4);
		copy_text(r->old_assignee, sizeof(r->old_assignee), st, 4);
		copy_text(r->state, sizeof(r->state), st, 5);
		copy_text(r->procedure_id, sizeof(r->procedure_id), st, 6);
		r->received_at = (time_t)sqlite3_column_int64(st, 7);
		r->due_at = (time_t)sqlite3_column_int64(st, 8);
		r->finished_at = (time_t)sqlite3_column_int64(st, 9);
		r->returned_at = (time_t)sqlite3_column_int64(st, 10);
		r->paused_at = (time_t)sqlite3_column_int64(st, 11);
		r->supplement_count = sqlite3_column_int(st, 12);
		r->history = load_json(st, 13, 1);
		r->supplements = load_json(st, 14, 1);
		r->comments = load_json(st, 15, 1);
		r->result = load_json(st, 16, 0);
		r->apology = load_json(st, 17, 0);
		result = 0;
	}
	sqlite3_finalize(st);
	return result;
}

void sim_row_release(sim_row *r)
{
	json_decref(r->history);
	json_decref(r->supplements);
	json_decref(r->comments);
	json_decref(r->result);
	json_decref(r->apology);
	memset(r, 0, sizeof(*r));
}

void sim_row_step(sim_row *r, const char *actor_id, const char *actor_name,
		  const char *action, const char *to, const char *note, time_t now)
{
	char at[26];

	egov_time_format(now, at);
	json_array_append_new(r->history,
			      json_pack("{s:s, s:s?, s:s, s:s, s:s, s:s, s:s?}", "at", at, "actor_id",
					actor_id, "actor_name", actor_name ? actor_name : "",
					"action", action, "from_state", r->state, "to_state",
					to ? to : r->state, "note", note));
	if (to)
		snprintf(r->state, sizeof(r->state), "%s", to);
}

static void bind_json(sqlite3_stmt *st, int i, json_t *v)
{
	char *s = v && !json_is_null(v) ? json_dumps(v, JSON_COMPACT) : NULL;

	if (s)
		sqlite3_bind_text(st, i, s, -1, free);
	else
		sqlite3_bind_null(st, i);
}

int sim_row_save(sqlite3 *db, sim_row *r, time_t now)
{
	sqlite3_stmt *st = NULL;
	int rc;

	r->version++;
	if (sqlite3_prepare_v2(db, "UPDATE dossiers SET version = ?, assignee_id = ?, state = ?,"
			       " received_at = ?, due_at = ?, finished_at = ?, returned_at = ?,"
			       " paused_at = ?, supplement_count = ?, updated_at = ?, history = ?,"
			       " supplements = ?, comments = ?, result = ?, apology = ? WHERE n = ?",
			       -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, r->version);
	if (r->assignee_id[0])
		sqlite3_bind_text(st, 2, r->assignee_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->state, -1, SQLITE_STATIC);
	sim_bind_time(st, 4, r->received_at);
	sim_bind_time(st, 5, r->due_at);
	sim_bind_time(st, 6, r->finished_at);
	sim_bind_time(st, 7, r->returned_at);
	sim_bind_time(st, 8, r->paused_at);
	sqlite3_bind_int(st, 9, r->supplement_count);
	sim_bind_time(st, 10, now);
	bind_json(st, 11, r->history);
	bind_json(st, 12, r->supplements);
	bind_json(st, 13, r->comments);
	bind_json(st, 14, r->result);
	bind_json(st, 15, r->apology);
	sqlite3_bind_int64(st, 16, r->n);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	return sim_change_record(db, r->n, r->version, r->agency_id,
				 r->old_assignee[0] ? r->old_assignee : NULL,
				 r->assignee_id[0] ? r->assignee_id : NULL, 1, now);
}
