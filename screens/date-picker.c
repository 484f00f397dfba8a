/*
 * Picking a new due date in working days, for the apology letter (form
 * 04): the head of unit promises a new return date, and a date that falls
 * on a Sunday or on Tết would be a promise the office cannot keep.  The
 * picker offers only working days of the calendar the sync cached
 * (weekends, the legal holidays and the swapped days, per year), each
 * shown as "27/01/2026 Tue (+5)": the date, the day of the week and how
 * many working days from today.
 *
 * It is a pick function for a tui form field: typing a number n offers
 * the n-th working day from today and the ones after it; typing the start
 * of a date ("25/12") offers the working days whose date starts so.  The
 * chosen text begins with DD/MM/YYYY, which is what the action form
 * reads.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screens.h"

#define HORIZON_DAYS 400	/* how far ahead a typed date is looked for */

static void day_label(egov_day day, int ahead, char *buf, size_t len)
{
	static const char *const wd[7] = {
		N_("Sun"), N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat")
	};
	int y, m, d;

	egov_day_to_ymd(day, &y, &m, &d);
	snprintf(buf, len, "%02d/%02d/%04d %s (+%d)", d, m, y, _(wd[egov_weekday(day)]),
		 ahead);
}

static int all_digits(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

size_t date_pick_working_day(void *ud, const char *typed, char **out, size_t max)
{
	struct console *con = ud;
	egov_calendar cal;
	egov_day today = egov_day_of(time(NULL)), day;
	size_t n = 0;
	int ahead = 0, first = 1, i;
	char label[64];

	if (typed == NULL)
		typed = "";
	while (*typed == ' ')
		typed++;
	egov_calendar_init(&cal);
	if (con == NULL || con->app->cache == NULL ||
	    ecache_load_calendar(con->app->cache, &cal) < 0)
		egov_calendar_init(&cal);	/* weekends only, still better */
	if (all_digits(typed) && strlen(typed) <= 3)
		first = atoi(typed) > 0 ? atoi(typed) : 1;
	for (i = 1, day = today; i <= HORIZON_DAYS && n < max; i++) {
		day++;
		if (!egov_is_working_day(&cal, day))
			continue;
		ahead++;
		if (ahead < first && all_digits(typed) && strlen(typed) <= 3)
			continue;
		day_label(day, ahead, label, sizeof label);
		if (!all_digits(typed) || strlen(typed) > 3)
			if (strncmp(label, typed, strlen(typed)) != 0)
				continue;
		out[n] = strdup(label);
		if (out[n] != NULL)
			n++;
	}
	egov_calendar_release(&cal);
	return n;
}
