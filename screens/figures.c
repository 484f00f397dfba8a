/*
 * The QĐ 766 figures of a report: sums and rates over the rows of every
 * agency a person may see, as figures.h describes.  A rate is recomputed
 * from the sums rather than averaged over agencies, so a small commune
 * weighs as much as its dossiers.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "screens.h"
#include "format.h"
#include "figures.h"

void report_totals_sum(const eapi_report *r, struct report_totals *t)
{
	double dig_w = 0, dig = 0, days_w = 0, days = 0;
	size_t i;

	memset(t, 0, sizeof *t);
	for (i = 0; r && i < r->n; i++) {
		const eapi_report_row *row = &r->rows[i];
		long long finished = row->finished_early + row->finished_on_time +
			row->finished_late;

		t->received += row->received;
		t->online += row->online;
		t->early += row->finished_early;
		t->on_time += row->finished_on_time;
		t->late += row->finished_late;
		t->in_progress += row->in_progress;
		t->overdue += row->in_progress_overdue;
		t->paused += row->paused;
		if (row->digitized_rate >= 0 && row->received > 0) {
			dig += row->digitized_rate * (double)row->received;
			dig_w += (double)row->received;
		}
		if (row->avg_days >= 0 && finished > 0) {
			days += row->avg_days * (double)finished;
			days_w += (double)finished;
		}
	}
	t->on_time_rate = fmt_ratio(t->early + t->on_time, t->early + t->on_time + t->late);
	t->online_rate = fmt_ratio(t->online, t->received);
	t->digitized_rate = dig_w > 0 ? dig / dig_w : -1;
	t->avg_days = days_w > 0 ? days / days_w : -1;
	t->valid = r != NULL;
}


const char *const report_fig_names[FIG_COUNT] = {
	N_("Received"), N_("Submitted online"), N_("Finished early"),
	N_("Finished on time"), N_("Finished late"), N_("On-time rate"),
	N_("In progress"), N_("  of which overdue"), N_("Paused"),
	N_("Digitisation rate"), N_("Average days")
};

void report_figure(const struct report_totals *t, enum report_fig f, char *text, size_t len,
		   double *share, double *point)
{
	long long finished = t->early + t->on_time + t->late;
	char n[32], r[32];

	*share = -1;
	*point = -1;
	text[0] = '\0';
	if (!t->valid)
		return;
	switch (f) {
	case FIG_RECEIVED:
		fmt_count(t->received, text, len);
		*point = (double)t->received;
		return;
	case FIG_ONLINE:
		fmt_count(t->online, n, sizeof n);
		fmt_rate(t->online_rate, r, sizeof r);
		snprintf(text, len, "%s (%s)", n, r);
		*share = *point = t->online_rate;
		return;
	case FIG_EARLY: case FIG_ON_TIME: case FIG_LATE: {
		long long v = f == FIG_EARLY ? t->early : f == FIG_ON_TIME ? t->on_time : t->late;

		fmt_count(v, text, len);
		*share = *point = fmt_ratio(v, finished);
		return;
	}
	case FIG_ON_TIME_RATE:
		fmt_rate(t->on_time_rate, text, len);
		*share = *point = t->on_time_rate;
		return;
	case FIG_IN_PROGRESS:
		fmt_count(t->in_progress, text, len);
		*point = (double)t->in_progress;
		return;
	case FIG_OVERDUE:
		fmt_count(t->overdue, text, len);
		*share = *point = fmt_ratio(t->overdue, t->in_progress);
		return;
	case FIG_PAUSED:
		fmt_count(t->paused, text, len);
		*point = (double)t->paused;
		return;
	case FIG_DIGITIZED:
		fmt_rate(t->digitized_rate, text, len);
		*share = *point = t->digitized_rate;
		return;
	default:
		fmt_days(t->avg_days, text, len);
		*point = t->avg_days;
		return;
	}
}
