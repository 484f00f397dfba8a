/*
 * The QĐ 766 figures of a report (domain.md), shared by the dashboard and
 * anything else that shows them: the sums over every agency's row, the
 * rates recomputed from the sums, and each figure as text with its share
 * for a bar and its number for a sparkline.
 */
#ifndef EGOV_SCREENS_FIGURES_H
#define EGOV_SCREENS_FIGURES_H

#include <stddef.h>

#include "egov/api.h"

/* The sums of every row of a report. */
struct report_totals {
	long long received, online, early, on_time, late, in_progress, overdue, paused;
	double on_time_rate, online_rate, digitized_rate, avg_days;
	int valid;
};

enum report_fig {
	FIG_RECEIVED, FIG_ONLINE, FIG_EARLY, FIG_ON_TIME, FIG_LATE, FIG_ON_TIME_RATE,
	FIG_IN_PROGRESS, FIG_OVERDUE, FIG_PAUSED, FIG_DIGITIZED, FIG_AVG_DAYS, FIG_COUNT
};

extern const char *const report_fig_names[FIG_COUNT];	/* N_() */

/* Sum a report's rows (NULL: nothing known, t->valid 0).  A rate with
 * nothing to rate is -1 ("—"); digitisation and average days are weighted
 * by dossiers received and finished. */
void report_totals_sum(const eapi_report *r, struct report_totals *t);
/* The figure's value as text, its share for the bar (-1: no bar) and its
 * number for the sparkline (-1: none). */
void report_figure(const struct report_totals *t, enum report_fig f, char *text, size_t len,
		   double *share, double *point);

#endif
