/*
 * The working-day calendar in the cache, kept per year as the server sends
 * it (GET /calendar?year=): holidays with their names, the Saturdays
 * swapped into working days, and the office hours as worded.
 *
 * Queues need it merged into one egov_calendar; that merge is loaded once
 * and kept on the handle until a calendar put invalidates it.  Without any
 * cached year, only weekends count as days off.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "reference.h"

int
ecache_put_calendar(ecache *c, const eapi_calendar *cal, const char *etag)
{
	char scope[16];
	sqlite3_stmt *st;
	size_t i;
	int rc;

	if (ecache_begin(c) < 0)
		return -1;
	if (!(st = ecache_stmt(c, "DELETE FROM holidays WHERE year = ?1")))
		goto fail;
	sqlite3_bind_int(st, 1, cal->year);
	if ((rc = sqlite3_step(st)) != SQLITE_DONE)
		goto sqlfail;
	if (!(st = ecache_stmt(c, "DELETE FROM working_saturdays WHERE year = ?1")))
		goto fail;
	sqlite3_bind_int(st, 1, cal->year);
	if ((rc = sqlite3_step(st)) != SQLITE_DONE)
		goto sqlfail;
	if (!(st = ecache_stmt(c, "INSERT OR REPLACE INTO calendars(year, office_hours) "
			       "VALUES (?1, ?2)")))
		goto fail;
	sqlite3_bind_int(st, 1, cal->year);
	sqlite3_bind_text(st, 2, cal->office_hours, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) != SQLITE_DONE)
		goto sqlfail;
	for (i = 0; i < cal->n_holidays; i++) {
		if (!(st = ecache_stmt(c, "INSERT OR REPLACE INTO holidays(year, date, name) "
				       "VALUES (?1, ?2, ?3)")))
			goto fail;
		sqlite3_bind_int(st, 1, cal->year);
		sqlite3_bind_text(st, 2, cal->holidays[i].date, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, cal->holidays[i].name, -1, SQLITE_STATIC);
		if ((rc = sqlite3_step(st)) != SQLITE_DONE)
			goto sqlfail;
	}
	for (i = 0; i < cal->n_working_saturdays; i++) {
		if (!(st = ecache_stmt(c, "INSERT OR REPLACE INTO working_saturdays(year, date) "
				       "VALUES (?1, ?2)")))
			goto fail;
		sqlite3_bind_int(st, 1, cal->year);
		sqlite3_bind_text(st, 2, cal->working_saturdays[i], -1, SQLITE_STATIC);
		if ((rc = sqlite3_step(st)) != SQLITE_DONE)
			goto sqlfail;
	}
	snprintf(scope, sizeof scope, "%d", cal->year);
	if (ecache_ref_touch(c, ECACHE_REF_CALENDAR, scope, etag ? etag : "") < 0)
		goto fail;
	ecache_calendar_invalidate(c);
	return ecache_commit(c);
sqlfail:
	ecache_sqlerr(c, "calendar");
	sqlite3_reset(st);
fail:
	ecache_rollback(c);
	return -1;
}

eapi_calendar *
ecache_get_calendar_year(ecache *c, int year)
{
	sqlite3_stmt *st;
	eapi_calendar *cal = NULL;
	size_t cap = 0;
	int rc;

	c->errmsg[0] = '\0';
	if (!(st = ecache_stmt(c, "SELECT office_hours FROM calendars WHERE year = ?1")))
		return NULL;
	sqlite3_bind_int(st, 1, year);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && (cal = calloc(1, sizeof *cal))) {
		cal->year = year;
		cal->office_hours = ecache_strdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_reset(st);
	if (!cal)
		return NULL;
	if (!(st = ecache_stmt(c, "SELECT date, name FROM holidays WHERE year = ?1 ORDER BY date")))
		goto fail;
	sqlite3_bind_int(st, 1, year);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (cal->n_holidays == cap) {
			eapi_holiday *more = realloc(cal->holidays, (cap = cap ? cap * 2 : 16) * sizeof *more);
			if (!more)
				goto fail;
			cal->holidays = more;
		}
		snprintf(cal->holidays[cal->n_holidays].date, 11, "%s",
			 (const char *)sqlite3_column_text(st, 0));
		cal->holidays[cal->n_holidays++].name =
			ecache_strdup((const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_reset(st);
	cap = 0;
	if (!(st = ecache_stmt(c, "SELECT date FROM working_saturdays WHERE year = ?1 ORDER BY date")))
		goto fail;
	sqlite3_bind_int(st, 1, year);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (cal->n_working_saturdays == cap) {
			char (*more)[11] = realloc(cal->working_saturdays,
						   (cap = cap ? cap * 2 : 8) * sizeof *more);
			if (!more)
				goto fail;
			cal->working_saturdays = more;
		}
		snprintf(cal->working_saturdays[cal->n_working_saturdays++], 11, "%s",
			 (const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_reset(st);
	return cal;
fail:
	if (st)
		sqlite3_reset(st);
	eapi_calendar_free(cal);
	return NULL;
}

static int
load_days(ecache *c, const char *sql, egov_calendar *out, int holidays)
{
	sqlite3_stmt *st = ecache_stmt(c, sql);
	int rc;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		egov_day day;
		if (egov_day_parse((const char *)sqlite3_column_text(st, 0), &day) < 0)
			continue;
		if ((holidays ? egov_calendar_add_holiday(out, day)
			      : egov_calendar_add_working_saturday(out, day)) < 0) {
			sqlite3_reset(st);
			ecache_seterr(c, "out of memory");
			return -1;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : ecache_sqlerr(c, "calendar");
}

int
ecache_load_calendar(ecache *c, egov_calendar *out)
{
	egov_calendar_init(out);
	if (load_days(c, "SELECT date FROM holidays", out, 1) < 0 ||
	    load_days(c, "SELECT date FROM working_saturdays", out, 0) < 0) {
		egov_calendar_release(out);
		return -1;
	}
	return 0;
}

const egov_calendar *
ecache_calendar(ecache *c)
{
	if (!c->cal_loaded) {
		egov_calendar_release(&c->cal);
		if (ecache_load_calendar(c, &c->cal) < 0)
			return NULL;
		c->cal_loaded = 1;
	}
	return &c->cal;
}

void
ecache_calendar_invalidate(ecache *c)
{
	c->cal_loaded = 0;
}
