/*
 * Working days and times in the city's zone.
 *
 * Due dates count working days from reception (domain.md): Saturdays,
 * Sundays and the legal holidays are off, except the Saturdays the
 * government swaps into working days; the calendar is data, one list of
 * holidays and one of working Saturdays, kept per year by the backend and
 * cached by the console.  Hải Phòng is at UTC+7 all year (no daylight
 * saving), so a "day" here is a day number counted from 1970-01-01 in that
 * zone, and times are RFC 3339 strings with +07:00.
 */
#ifndef EGOV_WORKDAYS_H
#define EGOV_WORKDAYS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define EGOV_TZ_OFFSET (7 * 3600)

typedef int32_t egov_day;	/* days since 1970-01-01 in UTC+7 */

typedef struct egov_calendar {
	egov_day *holidays;		/* sorted, unique */
	size_t n_holidays;
	egov_day *working_saturdays;	/* sorted, unique */
	size_t n_working_saturdays;
} egov_calendar;

void egov_calendar_init(egov_calendar *cal);
void egov_calendar_release(egov_calendar *cal);
/* Add a day to a list; keeps it sorted and unique.  0, or -1 without memory. */
int egov_calendar_add_holiday(egov_calendar *cal, egov_day day);
int egov_calendar_add_working_saturday(egov_calendar *cal, egov_day day);

egov_day egov_day_from_ymd(int y, int m, int d);
void egov_day_to_ymd(egov_day day, int *y, int *m, int *d);
egov_day egov_day_of(time_t t);		/* the local day t falls on */
int egov_weekday(egov_day day);		/* 0 Sunday .. 6 Saturday */
/* "YYYY-MM-DD" <-> day; parse returns 0 or -1. */
int egov_day_parse(const char *s, egov_day *day);
void egov_day_format(egov_day day, char out[11]);

int egov_is_working_day(const egov_calendar *cal, egov_day day);
/* The n-th working day after day (n >= 0; n == 0 gives day itself if it is
 * a working day, else the next one). */
egov_day egov_add_working_days(const egov_calendar *cal, egov_day day, int n);
/* Working days from `from` (exclusive) to `to` (inclusive); negative when
 * `to` is before `from`.  "Working days left" on a queue row. */
int egov_working_days_between(const egov_calendar *cal, egov_day from, egov_day to);

/* When a dossier received at `received` is due, per domain.md: office
 * hours 07:00-11:30 and 13:30-17:00; after 17:00 the count starts the next
 * working morning; a same-day procedure (processing_days == 0) has a 15:00
 * cut-off; calendar-day procedures count every day but end on a working
 * day.  Due at 17:00 local time of the last day. */
time_t egov_due_at(const egov_calendar *cal, time_t received, int processing_days,
		   int calendar_days);

/* RFC 3339 in UTC+7, "2024-11-21T08:30:00+07:00". */
void egov_time_format(time_t t, char out[26]);
/* Any RFC 3339 offset or Z; 0 or -1. */
int egov_time_parse(const char *s, time_t *t);
time_t egov_local_time(egov_day day, int hour, int minute);

#endif
