/*
 * The head of unit's dashboard: the QĐ 766 figures (domain.md) for their
 * agency and the agencies below it, over a period they choose: received,
 * online share, finished early / on time / late, on-time rate, in progress
 * and overdue, paused, digitisation rate and average days.  Each figure
 * has a bar (its share) and a sparkline of how it moved over the period.
 *
 * The figures are the server's (GET /reports/agencies): one request for
 * the whole period, one per part of it (months, or weeks for a short
 * period) for the sparklines, all sent at once and answered through
 * console_request(), so the screen never waits.  Rows of every agency the
 * person may see are summed here; a rate is recomputed from the sums, or
 * for digitisation and average days weighted by dossiers, and a rate with
 * nothing to rate stays "—".  Reports need the server: offline the screen
 * says so and keeps what it had.
 *
 * Keys: p the next preset period, P dates typed in, r the ranking of the
 * agencies (ranking.c), x export as CSV, g ask again.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screens.h"
#include "format.h"
#include "table.h"
#include "figures.h"

#define MAX_PARTS 12

enum period { P_THIS_MONTH, P_LAST_3_MONTHS, P_THIS_YEAR, P_LAST_12_MONTHS,
	      P_COUNT, P_CUSTOM = P_COUNT };

static const char *const period_names[P_COUNT] = {
	N_("this month"), N_("last 3 months"), N_("this year"), N_("last 12 months")
};

struct dash {
	enum period period;
	egov_day from, to;
	egov_day part_from[MAX_PARTS], part_to[MAX_PARTS];
	int nparts;
	uint64_t req_all, req_part[MAX_PARTS];
	int waiting;
	eapi_report *report;		/* the whole period */
	struct report_totals all, part[MAX_PARTS];
	char error[600];
};

/* ---- periods ------------------------------------------------------------- */

static egov_day month_start(egov_day d, int back)
{
	int y, m, dd;

	egov_day_to_ymd(d, &y, &m, &dd);
	m -= back;
	while (m < 1) {
		m += 12;
		y--;
	}
	return egov_day_from_ymd(y, m, 1);
}

static void set_period(struct dash *d, enum period p)
{
	egov_day today = egov_day_of(time(NULL));
	int y, m, dd;

	d->period = p;
	d->to = today;
	egov_day_to_ymd(today, &y, &m, &dd);
	switch (p) {
	case P_THIS_MONTH: d->from = month_start(today, 0); break;
	case P_LAST_3_MONTHS: d->from = month_start(today, 2); break;
	case P_THIS_YEAR: d->from = egov_day_from_ymd(y, 1, 1); break;
	default: d->from = month_start(today, 11); break;
	}
}

/* Months when the period covers three or more, else weeks. */
static void split_parts(struct dash *d)
{
	egov_day start = d->from;

	d->nparts = 0;
	if (d->to - d->from >= 60) {
		/* A long chosen period: the trend of its last twelve months. */
		if (month_start(d->to, MAX_PARTS - 1) > start)
			start = month_start(d->to, MAX_PARTS - 1);
		while (start <= d->to && d->nparts < MAX_PARTS) {
			egov_day next = month_start(month_start(start, 0) + 40, 0);

			d->part_from[d->nparts] = start;
			d->part_to[d->nparts] = next - 1 < d->to ? next - 1 : d->to;
			d->nparts++;
			start = next;
		}
	} else {
		while (start <= d->to && d->nparts < MAX_PARTS) {
			d->part_from[d->nparts] = start;
			d->part_to[d->nparts] = start + 6 < d->to ? start + 6 : d->to;
			d->nparts++;
			start += 7;
		}
	}
}

/* ---- requests ------------------------------------------------------------ */

static void on_report(eapi_completion *comp, void *ud)
{
	struct console *con = console_get();
	struct dash *d = ud;
	int i;

	if (d->waiting > 0)
		d->waiting--;
	if (comp->error.result != EAPI_OK) {
		snprintf(d->error, sizeof d->error, "%s (%s)", comp->error.message,
			 comp->error.request_id);
	} else if (comp->id == d->req_all) {
		eapi_report_free(d->report);
		d->report = comp->u.report;
		comp->u.report = NULL;
		report_totals_sum(d->report, &d->all);
		d->error[0] = '\0';
	} else {
		for (i = 0; i < d->nparts; i++)
			if (comp->id == d->req_part[i])
				report_totals_sum(comp->u.report, &d->part[i]);
	}
	eapi_completion_free(comp);
	tui_invalidate(con->t, TUI_REDRAW);
}

static void ask(struct dash *d)
{
	struct console *con = console_get();
	char f[11], t[11];
	int i;

	console_forget(con, d);
	memset(d->part, 0, sizeof d->part);
	d->waiting = 0;
	split_parts(d);
	egov_day_format(d->from, f);
	egov_day_format(d->to, t);
	d->req_all = eapi_get_report(con->app->client, f, t, NULL);
	if (console_request(con, d->req_all, on_report, d) == 0)
		d->waiting++;
	for (i = 0; i < d->nparts; i++) {
		egov_day_format(d->part_from[i], f);
		egov_day_format(d->part_to[i], t);
		d->req_part[i] = eapi_get_report(con->app->client, f, t, NULL);
		if (console_request(con, d->req_part[i], on_report, d) == 0)
			d->waiting++;
	}
}

/* ---- drawing -------------------------------------------------------------- */

static void period_text(const struct dash *d, char *buf, size_t len)
{
	char f[16], t[16];

	label_date(egov_local_time(d->from, 12, 0), f, sizeof f);
	label_date(egov_local_time(d->to, 12, 0), t, sizeof t);
	snprintf(buf, len, "%s – %s (%s)", f, t,
		 d->period == P_CUSTOM ? _("chosen dates") : _(period_names[d->period]));
}

static void dash_draw(tui_screen *s, WINDOW *w, int full)
{
	struct dash *d = tui_screen_data(s);
	int rows, cols, y = 0, blocks = fmt_blocks_ok(), f;
	int lw = 22, vw = 16, bw, sw;
	char buf[256], line[1024];
	attr_t head = tui_style_attr(TUI_STYLE_HEADER);

	(void)full;
	getmaxyx(w, rows, cols);
	werase(w);
	sw = d->nparts;
	bw = cols - lw - vw - sw - 4;
	if (bw > 30)
		bw = 30;
	if (bw < 0)
		bw = 0;
	period_text(d, buf, sizeof buf);
	snprintf(line, sizeof line, "%s %s", _("Period:"), buf);
	tui_draw_text(w, y++, 0, cols, line, 0, A_BOLD);
	if (d->waiting > 0)
		snprintf(line, sizeof line, "%s", _("Asking the server..."));
	else if (d->error[0])
		snprintf(line, sizeof line, _("Cannot get the report: %s"), d->error);
	else if (d->report)
		snprintf(line, sizeof line, _("%zu agencies · r ranking · p period · x export"),
			 d->report->n);
	else
		line[0] = '\0';
	tui_draw_text(w, y++, 0, cols, line, 0,
		      d->error[0] ? tui_style_attr(TUI_STYLE_ERROR) : A_NORMAL);
	if (y < rows) {
		tui_draw_text(w, y, 0, lw, _("Figure"), 0, head);
		tui_draw_text(w, y, lw + 1, vw, _("Value"), TUI_ALIGN_RIGHT, head);
		if (bw > 0)
			tui_draw_text(w, y, lw + vw + 2, bw, _("Share"), 0, head);
		if (sw > 0)
			tui_draw_text(w, y, lw + vw + bw + 3, cols - (lw + vw + bw + 3),
				      _("Trend"), 0, head);
		y++;
	}
	for (f = 0; f < FIG_COUNT && y < rows; f++, y++) {
		double share, point, pts[MAX_PARTS];
		int i;

		report_figure(&d->all, (enum report_fig)f, buf, sizeof buf, &share, &point);
		tui_draw_text(w, y, 0, lw, _(report_fig_names[f]), 0, A_NORMAL);
		tui_draw_text(w, y, lw + 1, vw, d->all.valid ? buf : "", TUI_ALIGN_RIGHT,
			      f == FIG_OVERDUE && d->all.overdue > 0 ?
			      tui_style_attr(TUI_STYLE_OVERDUE) : A_NORMAL);
		if (bw > 0 && share >= 0) {
			fmt_bar(share, bw, blocks, line, sizeof line);
			tui_draw_text(w, y, lw + vw + 2, bw, line, 0,
				      tui_style_attr(TUI_STYLE_INFO));
		}
		for (i = 0; i < d->nparts; i++) {
			char ignored[64];
			double sh;

			report_figure(&d->part[i], (enum report_fig)f, ignored, sizeof ignored, &sh, &pts[i]);
		}
		if (sw > 0 && point >= 0) {
			fmt_sparkline(pts, (size_t)d->nparts, blocks, line, sizeof line);
			tui_draw_text(w, y, lw + vw + bw + 3, sw, line, 0, A_NORMAL);
		}
	}
	wmove(w, 0, 0);
}

/* ---- screen ---------------------------------------------------------------- */

static int dash_create(tui_screen *s, void *arg, char *err, size_t errlen)
{
	struct console *con = console_get();
	struct dash *d;

	(void)arg;
	if (con->app->session.role != EAPI_ROLE_SUPERVISOR) {
		snprintf(err, errlen, "%s", _("The dashboard is for heads of unit."));
		return -1;
	}
	d = calloc(1, sizeof *d);
	if (d == NULL) {
		snprintf(err, errlen, "%s", _("Out of memory."));
		return -1;
	}
	set_period(d, P_THIS_YEAR);
	tui_screen_set_data(s, d);
	ask(d);
	return 0;
}

static void dash_destroy(tui_screen *s)
{
	struct dash *d = tui_screen_data(s);

	console_forget(console_get(), d);
	eapi_report_free(d->report);
	free(d);
}

static int key_period(tui_screen *s, int key)
{
	struct dash *d = tui_screen_data(s);

	(void)key;
	set_period(d, d->period >= P_COUNT - 1 ? (enum period)0 : d->period + 1);
	ask(d);
	return TUI_REDRAW;
}

static int parse_date(const char *s, egov_day *out)
{
	int dd, mm, yy;

	if (s == NULL || sscanf(s, "%d/%d/%d", &dd, &mm, &yy) != 3 ||
	    dd < 1 || dd > 31 || mm < 1 || mm > 12 || yy < 2000 || yy > 2100)
		return -1;
	*out = egov_day_from_ymd(yy, mm, dd);
	return 0;
}

static int dates_done(tui *t, tui_form *f, int ok, void *ud)
{
	struct dash *d = ud;
	egov_day from, to;

	(void)t;
	if (!ok)
		return 0;
	if (parse_date(tui_form_value(f, "from"), &from) < 0 ||
	    parse_date(tui_form_value(f, "to"), &to) < 0) {
		tui_form_set_error(f, _("Write the date as DD/MM/YYYY."));
		return 1;
	}
	if (to < from) {
		tui_form_set_error(f, _("The end is before the start."));
		return 1;
	}
	d->period = P_CUSTOM;
	d->from = from;
	d->to = to;
	ask(d);
	return 0;
}

static int key_dates(tui_screen *s, int key)
{
	struct dash *d = tui_screen_data(s);
	tui_form *f = tui_form_new(_("Period"));
	char a[16], b[16];

	(void)key;
	if (f == NULL)
		return TUI_HANDLED;
	label_date(egov_local_time(d->from, 12, 0), a, sizeof a);
	label_date(egov_local_time(d->to, 12, 0), b, sizeof b);
	tui_form_add(f, TUI_FIELD_TEXT, "from", _("From (DD/MM/YYYY)"), a);
	tui_form_add(f, TUI_FIELD_TEXT, "to", _("To (DD/MM/YYYY)"), b);
	tui_form_open(tui_screen_tui(s), f, dates_done, d);
	return TUI_REDRAW;
}

static int key_refresh(tui_screen *s, int key)
{
	(void)key;
	ask(tui_screen_data(s));
	return TUI_REDRAW;
}

static int key_ranking(tui_screen *s, int key)
{
	struct dash *d = tui_screen_data(s);

	(void)key;
	if (d->report == NULL) {
		tui_message(tui_screen_tui(s), TUI_MSG_WARN, "%s",
			    _("No report yet: wait for the server or press g."));
		return TUI_HANDLED;
	}
	return console_open(tui_screen_tui(s), &screen_ranking, d->report);
}

int dashboard_export(tui_screen *s)
{
	struct console *con = console_get();
	struct dash *d = tui_screen_data(s);
	struct table *tb;

	if (d->report == NULL) {
		tui_message(con->t, TUI_MSG_WARN, "%s",
			    _("No report yet: wait for the server or press g."));
		return TUI_HANDLED;
	}
	tb = calloc(1, sizeof *tb);
	if (tb == NULL || ranking_fill(tb, d->report, 1) < 0) {
		free(tb);
		tui_message(con->t, TUI_MSG_ERROR, "%s", _("Out of memory."));
		return TUI_HANDLED;
	}
	export_ask(con, tb, "dashboard", 1);
	return TUI_REDRAW;
}

static int key_export(tui_screen *s, int key)
{
	(void)key;
	return dashboard_export(s);
}

static const struct tui_key_binding dash_keys[] = {
	{ 'p', "dashboard-period", N_("The next period"), key_period },
	{ 'P', "dashboard-dates", N_("Choose the dates"), key_dates },
	{ 'r', "dashboard-ranking", N_("Rank the agencies"), key_ranking },
	{ 'x', "export", N_("Export as CSV"), key_export },
	{ 'g', "refresh", N_("Ask the server again"), key_refresh },
	{ 0, NULL, NULL, NULL }
};

const struct tui_screen_entry screen_dashboard = {
	.name = "dashboard",
	.title = N_("Dashboard"),
	.keys = dash_keys,
	.create = dash_create,
	.destroy = dash_destroy,
	.draw = dash_draw,
	.on_resize = console_on_resize,
};
