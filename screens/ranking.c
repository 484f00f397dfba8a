/*
 * The agencies ranked on the QĐ 766 figures of the dashboard's period:
 * first by on-time rate, then by online rate, then by fewest overdue, as
 * the city planned to rank its departments and localities.  The list
 * sorts by any column with s / S (a rate with nothing to rate, "—", goes
 * last either way), filters with '/' without diacritics, and exports as
 * CSV with x.
 *
 * The seed article's digital-transformation figures per department
 * (databases connected, shared data tables, open datasets) are not served
 * by the backend contract, so this screen ranks on the dossier figures
 * only.  The rows come from the dashboard's report (no request of its
 * own); ranking_fill() also builds the dashboard's CSV.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screens.h"
#include "format.h"
#include "table.h"

static const struct tui_column ranking_columns[] = {
	{ N_("Rank"), 4, 4, 0, TUI_ALIGN_RIGHT },
	{ N_("Agency"), 16, 0, 0, TUI_ALIGN_LEFT },
	{ N_("Received"), 8, 9, 1, TUI_ALIGN_RIGHT },
	{ N_("Online"), 7, 8, 2, TUI_ALIGN_RIGHT },
	{ N_("On time"), 7, 8, 0, TUI_ALIGN_RIGHT },
	{ N_("Overdue"), 7, 8, 1, TUI_ALIGN_RIGHT },
	{ N_("Digitised"), 9, 9, 3, TUI_ALIGN_RIGHT },
	{ N_("Avg days"), 8, 8, 4, TUI_ALIGN_RIGHT },
	{ N_("Early"), 6, 7, 5, TUI_ALIGN_RIGHT },
	{ N_("Late"), 6, 7, 5, TUI_ALIGN_RIGHT },
	{ N_("In progress"), 8, 11, 5, TUI_ALIGN_RIGHT },
	{ N_("Paused"), 6, 7, 5, TUI_ALIGN_RIGHT },
};
#define N_COLS (int)(sizeof ranking_columns / sizeof ranking_columns[0])

static int better(const eapi_report_row *a, const eapi_report_row *b)
{
	if (a->on_time_rate != b->on_time_rate)
		return a->on_time_rate > b->on_time_rate ? -1 : 1;
	if (a->online_rate != b->online_rate)
		return a->online_rate > b->online_rate ? -1 : 1;
	if (a->in_progress_overdue != b->in_progress_overdue)
		return a->in_progress_overdue < b->in_progress_overdue ? -1 : 1;
	return strcmp(a->agency_id, b->agency_id);
}

static int compare_rank(const void *pa, const void *pb)
{
	return better(*(const eapi_report_row *const *)pa,
		      *(const eapi_report_row *const *)pb);
}

static void count_cell(struct table *tb, long k, int col, long long v)
{
	char buf[32];

	fmt_count(v, buf, sizeof buf);
	table_set_num(tb, k, col, buf, (double)v);
}

static void rate_cell(struct table *tb, long k, int col, double v)
{
	char buf[32];

	fmt_rate(v, buf, sizeof buf);
	table_set_num(tb, k, col, buf, v);
}

static int add_row(struct table *tb, const eapi_report_row *r, const char *rank,
		   double rank_num)
{
	long k = table_add(tb, r->agency_id ? r->agency_id : "");
	char buf[32];

	if (k < 0)
		return -1;
	table_set_num(tb, k, 0, rank, rank_num);
	table_set(tb, k, 1, r->agency_name);
	count_cell(tb, k, 2, r->received);
	rate_cell(tb, k, 3, r->online_rate);
	rate_cell(tb, k, 4, r->on_time_rate);
	count_cell(tb, k, 5, r->in_progress_overdue);
	rate_cell(tb, k, 6, r->digitized_rate);
	fmt_days(r->avg_days, buf, sizeof buf);
	table_set_num(tb, k, 7, buf, r->avg_days);
	count_cell(tb, k, 8, r->finished_early);
	count_cell(tb, k, 9, r->finished_late);
	count_cell(tb, k, 10, r->in_progress);
	count_cell(tb, k, 11, r->paused);
	if (r->in_progress_overdue > 0)
		table_set_style(tb, k, TUI_STYLE_OVERDUE);
	return 0;
}

int ranking_fill(struct table *tb, const eapi_report *r, int with_total)
{
	const eapi_report_row **order = calloc(r->n ? r->n : 1, sizeof *order);
	eapi_report_row total;
	size_t i;
	int rc = 0;

	table_init(tb, ranking_columns, N_COLS);
	if (order == NULL)
		return -1;
	for (i = 0; i < r->n; i++)
		order[i] = &r->rows[i];
	qsort(order, r->n, sizeof *order, compare_rank);
	memset(&total, 0, sizeof total);
	for (i = 0; i < r->n && rc == 0; i++) {
		char rank[24];

		snprintf(rank, sizeof rank, "%zu", i + 1);
		rc = add_row(tb, order[i], rank, (double)(i + 1));
		total.received += order[i]->received;
		total.online += order[i]->online;
		total.finished_early += order[i]->finished_early;
		total.finished_on_time += order[i]->finished_on_time;
		total.finished_late += order[i]->finished_late;
		total.in_progress += order[i]->in_progress;
		total.in_progress_overdue += order[i]->in_progress_overdue;
		total.paused += order[i]->paused;
	}
	free(order);
	if (rc == 0 && with_total) {
		/* Digitisation and average days need per-dossier weights the
		 * report does not carry exactly; the dashboard shows them. */
		char id[] = "total";
		char name[128];

		snprintf(name, sizeof name, "%s", _("Total"));
		total.agency_id = id;
		total.agency_name = name;
		total.online_rate = fmt_ratio(total.online, total.received);
		total.on_time_rate = fmt_ratio(total.finished_early + total.finished_on_time,
					       total.finished_early + total.finished_on_time +
					       total.finished_late);
		total.digitized_rate = total.avg_days = -1;
		rc = add_row(tb, &total, "", -1);
	}
	if (rc == 0)
		rc = table_build_view(tb);
	if (rc < 0)
		table_release(tb);
	return rc;
}

struct ranking {
	struct table tb;		/* first: export.c reads it */
	tui_list *list;
};

static int ranking_create(tui_screen *s, void *arg, char *err, size_t errlen)
{
	struct ranking *rk = calloc(1, sizeof *rk);

	if (rk == NULL || arg == NULL || ranking_fill(&rk->tb, arg, 0) < 0) {
		free(rk);
		snprintf(err, errlen, "%s", _("Out of memory."));
		return -1;
	}
	rk->list = tui_list_new(ranking_columns, N_COLS, &table_source, &rk->tb);
	if (rk->list == NULL) {
		table_release(&rk->tb);
		free(rk);
		snprintf(err, errlen, "%s", _("Out of memory."));
		return -1;
	}
	tui_screen_set_data(s, rk);
	tui_screen_attach_list(s, rk->list);
	return 0;
}

static void ranking_destroy(tui_screen *s)
{
	struct ranking *rk = tui_screen_data(s);

	tui_list_free(rk->list);
	table_release(&rk->tb);
	free(rk);
}

static int key_export(tui_screen *s, int key)
{
	struct ranking *rk = tui_screen_data(s);

	(void)key;
	export_ask(console_get(), &rk->tb, "ranking", 0);
	return TUI_REDRAW;
}

static const struct tui_key_binding ranking_keys[] = {
	{ 'x', "export", N_("Export as CSV"), key_export },
	{ 0, NULL, NULL, NULL }
};

const struct tui_screen_entry screen_ranking = {
	.name = "ranking",
	.title = N_("Ranking"),
	.keys = ranking_keys,
	.create = ranking_create,
	.destroy = ranking_destroy,
	.on_resize = console_on_resize,
};
