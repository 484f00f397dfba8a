/*
 * Reference data in memory: agencies, procedures, users and the calendar,
 * read once from the database after seeding.  None of it changes while the
 * server runs, so every thread reads these arrays without locking; lookups
 * are linear because there are a few hundred entries at most.
 */
#include "config.h"
#include "sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dup_col(sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	return s ? strdup((const char *)s) : NULL;
}

static int level_parse(const char *s)
{
	if (strcmp(s, "city") == 0)
		return SIM_LEVEL_CITY;
	if (strcmp(s, "department") == 0)
		return SIM_LEVEL_DEPARTMENT;
	return SIM_LEVEL_WARD;
}

static int role_parse(const char *s)
{
	if (strcmp(s, "supervisor") == 0)
		return SIM_ROLE_SUPERVISOR;
	if (strcmp(s, "support") == 0)
		return SIM_ROLE_SUPPORT;
	return SIM_ROLE_OFFICER;
}

/* Count rows and allocate; the statement is then stepped by the caller. */
static void *alloc_rows(sqlite3 *db, const char *table, size_t size, size_t *n)
{
	char sql[64];
	sqlite3_stmt *st = NULL;
	void *p = NULL;

	*n = 0;
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		*n = (size_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	p = calloc(*n ? *n : 1, size);
	return p;
}

static int load_days(sqlite3 *db, const char *table, egov_calendar *cal, int holidays)
{
	char sql[64];
	sqlite3_stmt *st = NULL;
	egov_day day;

	snprintf(sql, sizeof(sql), "SELECT date FROM %s", table);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (egov_day_parse((const char *)sqlite3_column_text(st, 0), &day) == 0) {
			if (holidays)
				egov_calendar_add_holiday(cal, day);
			else
				egov_calendar_add_working_saturday(cal, day);
		}
	}
	sqlite3_finalize(st);
	return 0;
}

int sim_ref_load(sim_server *srv, sqlite3 *db, char *err, size_t errlen)
{
	sim_ref *ref = &srv->ref;
	sqlite3_stmt *st = NULL;
	size_t i = 0, j;
	int result = -1;

	ref->agencies = alloc_rows(db, "agencies", sizeof(sim_agency), &ref->n_agencies);
	ref->procedures = alloc_rows(db, "procedures", sizeof(sim_procedure), &ref->n_procedures);
	ref->users = alloc_rows(db, "users", sizeof(sim_person), &ref->n_users);
	if (!ref->agencies || !ref->procedures || !ref->users)
		goto cleanup;

	if (sqlite3_prepare_v2(db, "SELECT id, code, name, short_name, parent_id, level"
			       " FROM agencies ORDER BY n", -1, &st, NULL))
		goto cleanup;
	for (i = 0; i < ref->n_agencies && sqlite3_step(st) == SQLITE_ROW; i++) {
		sim_agency *a = &ref->agencies[i];
		a->id = dup_col(st, 0);
		a->code = dup_col(st, 1);
		a->name = dup_col(st, 2);
		a->short_name = dup_col(st, 3);
		a->parent_id = dup_col(st, 4);
		a->level = level_parse((const char *)sqlite3_column_text(st, 5));
	}
	sqlite3_finalize(st);
	st = NULL;
	for (i = 0; i < ref->n_agencies; i++) {
		ref->agencies[i].parent = -1;
		for (j = 0; ref->agencies[i].parent_id && j < ref->n_agencies; j++)
			if (strcmp(ref->agencies[j].id, ref->agencies[i].parent_id) == 0)
				ref->agencies[i].parent = (int)j;
	}

	if (sqlite3_prepare_v2(db, "SELECT id, code, name, field, agency_level, online_level,"
			       " processing_days, day_kind, fees, documents FROM procedures"
			       " ORDER BY n", -1, &st, NULL))
		goto cleanup;
	for (i = 0; i < ref->n_procedures && sqlite3_step(st) == SQLITE_ROW; i++) {
		sim_procedure *p = &ref->procedures[i];
		p->id = dup_col(st, 0);
		p->code = dup_col(st, 1);
		p->name = dup_col(st, 2);
		p->field = dup_col(st, 3);
		p->level = level_parse((const char *)sqlite3_column_text(st, 4));
		p->online_level = dup_col(st, 5);
		p->processing_days = sqlite3_column_int(st, 6);
		p->calendar_days = strcmp((const char *)sqlite3_column_text(st, 7), "calendar") == 0;
		p->fees = dup_col(st, 8);
		p->documents = dup_col(st, 9);
	}
	sqlite3_finalize(st);
	st = NULL;

	if (sqlite3_prepare_v2(db, "SELECT id, username, full_name, role, agency_id, title"
			       " FROM users ORDER BY n", -1, &st, NULL))
		goto cleanup;
	for (i = 0; i < ref->n_users && sqlite3_step(st) == SQLITE_ROW; i++) {
		sim_person *u = &ref->users[i];
		u->id = dup_col(st, 0);
		u->username = dup_col(st, 1);
		u->full_name = dup_col(st, 2);
		u->role = role_parse((const char *)sqlite3_column_text(st, 3));
		u->agency_id = dup_col(st, 4);
		u->title = dup_col(st, 5);
	}
	sqlite3_finalize(st);
	st = NULL;

	egov_calendar_init(&ref->cal);
	if (load_days(db, "holidays", &ref->cal, 1) < 0 ||
	    load_days(db, "working_saturdays", &ref->cal, 0) < 0)
		goto cleanup;
	result = 0;
cleanup:
	sqlite3_finalize(st);
	if (result < 0)
		snprintf(err, errlen, "cannot load reference data: %s", sqlite3_errmsg(db));
	return result;
}

void sim_ref_release(sim_ref *ref)
{
	size_t i;

	for (i = 0; ref->agencies && i < ref->n_agencies; i++) {
		sim_agency *a = &ref->agencies[i];
		free(a->id); free(a->code); free(a->name); free(a->short_name); free(a->parent_id);
	}
	for (i = 0; ref->procedures && i < ref->n_procedures; i++) {
		sim_procedure *p = &ref->procedures[i];
		free(p->id); free(p->code); free(p->name); free(p->field);
		free(p->online_level); free(p->fees); free(p->documents);
	}
	for (i = 0; ref->users && i < ref->n_users; i++) {
		sim_person *u = &ref->users[i];
		free(u->id); free(u->username); free(u->full_name); free(u->agency_id); free(u->title);
	}
	free(ref->agencies);
	free(ref->procedures);
	free(ref->users);
	egov_calendar_release(&ref->cal);
	memset(ref, 0, sizeof(*ref));
}

const sim_agency *sim_agency_find(const sim_ref *ref, const char *id)
{
	size_t i;

	for (i = 0; id && i < ref->n_agencies; i++)
		if (strcmp(ref->agencies[i].id, id) == 0)
			return &ref->agencies[i];
	return NULL;
}

const sim_procedure *sim_procedure_find(const sim_ref *ref, const char *id)
{
	size_t i;

	for (i = 0; id && i < ref->n_procedures; i++)
		if (strcmp(ref->procedures[i].id, id) == 0)
			return &ref->procedures[i];
	return NULL;
}

const sim_person *sim_person_find(const sim_ref *ref, const char *id)
{
	size_t i;

	for (i = 0; id && i < ref->n_users; i++)
		if (strcmp(ref->users[i].id, id) == 0)
			return &ref->users[i];
	return NULL;
}

const sim_person *sim_person_by_username(const sim_ref *ref, const char *username)
{
	size_t i;

	for (i = 0; username && i < ref->n_users; i++)
		if (strcmp(ref->users[i].username, username) == 0)
			return &ref->users[i];
	return NULL;
}

int sim_agency_within(const sim_ref *ref, const char *id, const char *root)
{
	const sim_agency *a = sim_agency_find(ref, id);
	int guard = 0;

	while (a && guard++ < 16) {
		if (strcmp(a->id, root) == 0)
			return 1;
		a = a->parent >= 0 ? &ref->agencies[a->parent] : NULL;
	}
	return 0;
}
