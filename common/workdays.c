/*
 * Working-day arithmetic over a holiday table, and RFC 3339 times in UTC+7.
 *
 * Dates are day numbers so arithmetic is integer arithmetic; the civil
 * calendar conversion is Howard Hinnant's days_from_civil.  Both egov-sim
 * (computing due dates when it seeds and acts) and the console (working days
 * left on a queue row) use the same code, so they cannot disagree.
 */
#include "config.h"
#include "workdays.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void egov_calendar_init(egov_calendar *cal)
{
	memset(cal, 0, sizeof(*cal));
}

void egov_calendar_release(egov_calendar *cal)
{
	free(cal->holidays);
	free(cal->working_saturdays);
	egov_calendar_init(cal);
}

static int find_day(const egov_day *days, size_t n, egov_day day, size_t *pos)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (days[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	*pos = lo;
	return lo < n && days[lo] == day;
}

static int insert_day(egov_day **days, size_t *n, egov_day day)
{
	size_t pos;
	egov_day *grown;

	if (find_day(*days, *n, day, &pos))
		return 0;
	grown = realloc(*days, (*n + 1) * sizeof(**days));
	if (!grown)
		return -1;
	memmove(grown + pos + 1, grown + pos, (*n - pos) * sizeof(*grown));
	grown[pos] = day;
	*days = grown;
	(*n)++;
	return 0;
}

int egov_calendar_add_holiday(egov_calendar *cal, egov_day day)
{
	return insert_day(&cal->holidays, &cal->n_holidays, day);
}

int egov_calendar_add_working_saturday(egov_calendar *cal, egov_day day)
{
	return insert_day(&cal->working_saturdays, &cal->n_working_saturdays, day);
}

egov_day egov_day_from_ymd(int y, int m, int d)
{
	int era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (egov_day)(era * 146097 + doe - 719468);
}

void egov_day_to_ymd(egov_day day, int *y, int *m, int *d)
{
	int z = day + 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = z - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

egov_day egov_day_of(time_t t)
{
	long long local = (long long)t + EGOV_TZ_OFFSET;

	return (egov_day)(local >= 0 ? local / 86400 : (local - 86399) / 86400);
}

int egov_weekday(egov_day day)
{
	int w = (int)((day + 4) % 7);	/* 1970-01-01 was a Thursday */

	return w < 0 ? w + 7 : w;
}

int egov_day_parse(const char *s, egov_day *day)
{
	int y, m, d, n = 0;

	if (!s || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 ||
	    m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	*day = egov_day_from_ymd(y, m, d);
	return 0;
}

void egov_day_format(egov_day day, char out[11])
{
	int y, m, d;

	egov_day_to_ymd(day, &y, &m, &d);
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
		 (unsigned)d % 100u);
}

int egov_is_working_day(const egov_calendar *cal, egov_day day)
{
	size_t pos;
	int w = egov_weekday(day);

	if (find_day(cal->holidays, cal->n_holidays, day, &pos))
		return 0;
	if (w == 0)
		return 0;
	if (w == 6)
		return find_day(cal->working_saturdays, cal->n_working_saturdays, day, &pos);
	return 1;
}

egov_day egov_add_working_days(const egov_calendar *cal, egov_day day, int n)
{
	while (!egov_is_working_day(cal, day))
		day++;
	while (n > 0) {
		day++;
		if (egov_is_working_day(cal, day))
			n--;
	}
	return day;
}

int egov_working_days_between(const egov_calendar *cal, egov_day from, egov_day to)
{
	int sign = 1, count = 0;
	egov_day d;

	if (to < from) {
		egov_day t = from;
		from = to;
		to = t;
		sign = -1;
	}
	for (d = from + 1; d <= to; d++)
		count += egov_is_working_day(cal, d);
	return sign * count;
}

time_t egov_local_time(egov_day day, int hour, int minute)
{
	return (time_t)day * 86400 + hour * 3600 + minute * 60 - EGOV_TZ_OFFSET;
}

time_t egov_due_at(const egov_calendar *cal, time_t received, int processing_days,
		   int calendar_days)
{
	egov_day day = egov_day_of(received);
	long long secs = ((long long)received + EGOV_TZ_OFFSET) % 86400;
	int cutoff = processing_days == 0 ? 15 * 3600 : 17 * 3600;

	if (secs < 0)
		secs += 86400;
	/* Received after the cut-off, or on a day off: the clock starts the
	 * next working morning. */
	if (!egov_is_working_day(cal, day) || secs >= cutoff)
		day = egov_add_working_days(cal, day + 1, 0);
	if (calendar_days) {
		day += processing_days;
		while (!egov_is_working_day(cal, day))
			day++;
	} else {
		day = egov_add_working_days(cal, day, processing_days);
	}
	return egov_local_time(day, 17, 0);
}

/* v as `width` decimal digits, zero-padded */
static void put_digits(char *out, unsigned v, int width)
{
	while (width-- > 0) {
		out[width] = (char)('0' + v % 10);
		v /= 10;
	}
}

void egov_time_format(time_t t, char out[26])
{
	egov_day day = egov_day_of(t);
	long long secs = ((long long)t + EGOV_TZ_OFFSET) % 86400;
	int y, m, d;

	if (secs < 0)
		secs += 86400;
	egov_day_to_ymd(day, &y, &m, &d);
	/* by hand, not snprintf: the cache writes six of these for every
	 * dossier a change-feed page brings */
	put_digits(out, (unsigned)y % 10000u, 4);
	out[4] = '-';
	put_digits(out + 5, (unsigned)m % 100u, 2);
	out[7] = '-';
	put_digits(out + 8, (unsigned)d % 100u, 2);
	out[10] = 'T';
	put_digits(out + 11, (unsigned)(secs / 3600) % 100u, 2);
	out[13] = ':';
	put_digits(out + 14, (unsigned)(secs / 60 % 60), 2);
	out[16] = ':';
	put_digits(out + 17, (unsigned)(secs % 60), 2);
	memcpy(out + 19, "+07:00", 7);
}

int egov_time_parse(const char *s, time_t *t)
{
	int y, mo, d, h, mi, sec, n = 0, oh = 0, om = 0, sign = 1;
	const char *p;

	if (!s || sscanf(s, "%4d-%2d-%2d%*1[Tt ]%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6)
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -1;
	p = s + n;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		if (sscanf(p + 1, "%2d:%2d", &oh, &om) != 2 || strlen(p) != 6)
			return -1;
		p += 6;
	} else {
		return -1;
	}
	if (*p)
		return -1;
	*t = (time_t)egov_day_from_ymd(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
	     sign * (oh * 3600 + om * 60);
	return 0;
}
