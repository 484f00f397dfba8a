/*
 * Unit tests for common/workdays.c: civil dates, the holiday table, swapped
 * Saturdays, due dates with the 17:00 and 15:00 cut-offs, RFC 3339.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "workdays.h"

static egov_day D(const char *s)
{
	egov_day d = 0;

	assert_int_equal(egov_day_parse(s, &d), 0);
	return d;
}

static void civil_dates_round_trip(void **state)
{
	char buf[11];
	int y, m, d;

	(void)state;
	assert_int_equal(egov_day_from_ymd(1970, 1, 1), 0);
	egov_day_to_ymd(D("2024-02-29"), &y, &m, &d);
	assert_int_equal(y, 2024);
	assert_int_equal(m, 2);
	assert_int_equal(d, 29);
	egov_day_format(D("2027-12-31"), buf);
	assert_string_equal(buf, "2027-12-31");
	assert_int_equal(egov_weekday(D("2024-11-21")), 4);	/* a Thursday */
	assert_int_not_equal(egov_day_parse("2024-13-01", &(egov_day){0}), 0);
}

static void holidays_and_swapped_saturdays(void **state)
{
	egov_calendar cal;

	(void)state;
	egov_calendar_init(&cal);
	/* Tết 2025: 25/1 (Saturday, swapped to work? no) .. 2/2; here: 27/1 - 31/1 off,
	 * and Saturday 8/2 made a working day. */
	for (egov_day d = D("2025-01-27"); d <= D("2025-01-31"); d++)
		assert_int_equal(egov_calendar_add_holiday(&cal, d), 0);
	assert_int_equal(egov_calendar_add_working_saturday(&cal, D("2025-02-08")), 0);
	assert_int_equal(egov_calendar_add_holiday(&cal, D("2025-01-27")), 0);	/* dup */
	assert_int_equal(cal.n_holidays, 5);
	assert_false(egov_is_working_day(&cal, D("2025-01-28")));
	assert_false(egov_is_working_day(&cal, D("2025-02-01")));	/* Saturday */
	assert_true(egov_is_working_day(&cal, D("2025-02-08")));	/* swapped */
	assert_true(egov_is_working_day(&cal, D("2025-02-03")));
	/* Friday 24/1 + 1 working day = Monday 3/2, across Tết. */
	assert_int_equal(egov_add_working_days(&cal, D("2025-01-24"), 1), D("2025-02-03"));
	assert_int_equal(egov_working_days_between(&cal, D("2025-01-24"), D("2025-02-04")), 2);
	assert_int_equal(egov_working_days_between(&cal, D("2025-02-04"), D("2025-01-24")), -2);
	egov_calendar_release(&cal);
}

/* The due time, as RFC 3339 text, of a dossier received on `day` at h:m. */
static void check_due(const egov_calendar *cal, const char *day, int h, int m,
		      int processing_days, int calendar_days, const char *want)
{
	char buf[26];

	egov_time_format(egov_due_at(cal, egov_local_time(D(day), h, m), processing_days,
				     calendar_days), buf);
	assert_string_equal(buf, want);
}

static void due_dates_follow_cutoffs(void **state)
{
	egov_calendar cal;
	time_t t;

	(void)state;
	egov_calendar_init(&cal);
	/* Thursday 21/11/2024 09:00, 3 working days: due Tuesday 26/11 17:00. */
	check_due(&cal, "2024-11-21", 9, 0, 3, 0, "2024-11-26T17:00:00+07:00");
	/* Received 17:30: the count starts Friday, so due Wednesday. */
	check_due(&cal, "2024-11-21", 17, 30, 3, 0, "2024-11-27T17:00:00+07:00");
	/* Same-day procedure: before 15:00 same day, after it the next. */
	check_due(&cal, "2024-11-22", 14, 59, 0, 0, "2024-11-22T17:00:00+07:00");
	check_due(&cal, "2024-11-22", 15, 1, 0, 0, "2024-11-25T17:00:00+07:00");
	/* Calendar days end on a working day. */
	check_due(&cal, "2024-11-21", 9, 0, 2, 1, "2024-11-25T17:00:00+07:00");
	assert_int_equal(egov_time_parse("2024-11-21T08:30:00+07:00", &t), 0);
	assert_int_equal(t, egov_local_time(D("2024-11-21"), 8, 30));
	assert_int_equal(egov_time_parse("2024-11-21T01:30:00Z", &t), 0);
	assert_int_equal(t, egov_local_time(D("2024-11-21"), 8, 30));
	assert_int_not_equal(egov_time_parse("2024-11-21 08:30", &t), 0);
	assert_int_not_equal(egov_time_parse("2024-11-21T08:30:00+07:00junk", &t), 0);
	egov_calendar_release(&cal);
}

/* RFC 3339 in Hải Phòng's offset, and back, before 1970 too. */
static void times_format_and_parse_back(void **state)
{
	char buf[26];
	long long t;
	time_t back;

	(void)state;
	egov_time_format(0, buf);
	assert_string_equal(buf, "1970-01-01T07:00:00+07:00");
	egov_time_format(-1, buf);
	assert_string_equal(buf, "1970-01-01T06:59:59+07:00");
	egov_time_format(1764000000, buf);
	assert_string_equal(buf, "2025-11-24T23:00:00+07:00");
	for (t = -400LL * 86400; t < 4000000000LL; t += 37LL * 86400 + 3607) {
		egov_time_format((time_t)t, buf);
		assert_int_equal(strlen(buf), 25);
		assert_int_equal(egov_time_parse(buf, &back), 0);
		assert_int_equal((long long)back, t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(civil_dates_round_trip),
		cmocka_unit_test(holidays_and_swapped_saturdays),
		cmocka_unit_test(due_dates_follow_cutoffs),
		cmocka_unit_test(times_format_and_parse_back),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
