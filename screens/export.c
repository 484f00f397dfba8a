/*
 * Export as CSV, for the office's spreadsheet: any list of the console
 * (what a table screen shows, a whole work queue, the home counters) and
 * the dashboard's report, written as RFC 4180 with cli/output.c's writer
 * (CRLF records, quoting, and a leading ' before = + - @ so a spreadsheet
 * never runs a cell as a formula).
 *
 * The person confirms the path in a form (proposed: their home folder,
 * egov-NAME-YYYYMMDD.csv) and, when the file is there already, confirms
 * replacing it.  The file is created 0600: lists carry citizens' names.
 * Export reads what the person already sees; it sends nothing anywhere.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "screens.h"
#include "table.h"
#include "output.h"

int export_table_csv(const struct table *tb, const char *path)
{
	FILE *fp;
	int fd, c, result = -1;
	size_t i;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	fp = fdopen(fd, "w");
	if (fp == NULL) {
		close(fd);
		return -1;
	}
	for (c = 0; c < tb->ncols; c++)
		out_csv_field(fp, _(tb->cols[c].title), c == 0);
	out_csv_end(fp);
	for (i = 0; i < tb->nview; i++) {
		for (c = 0; c < tb->ncols; c++)
			out_csv_field(fp, table_cell(tb, i, c), c == 0);
		out_csv_end(fp);
	}
	if (!ferror(fp))
		result = 0;
	if (fclose(fp) != 0)
		result = -1;
	return result;
}

struct export {
	struct console *con;
	struct table *tb;
	int owned;
	char *path;
};

static void export_free(struct export *ex)
{
	if (ex->owned) {
		table_release(ex->tb);
		free(ex->tb);
	}
	free(ex->path);
	free(ex);
}

static void write_now(struct export *ex)
{
	if (export_table_csv(ex->tb, ex->path) == 0)
		tui_message(ex->con->t, TUI_MSG_INFO, _("%zu rows written to %s."),
			    ex->tb->nview, ex->path);
	else
		tui_message(ex->con->t, TUI_MSG_ERROR, _("Cannot write %s: %s"),
			    ex->path, strerror(errno));
}

static void replace_done(tui *t, int yes, void *ud)
{
	struct export *ex = ud;

	(void)t;
	if (yes)
		write_now(ex);
	export_free(ex);
}

static int form_done(tui *t, tui_form *f, int ok, void *ud)
{
	struct export *ex = ud;
	const char *path = tui_form_value(f, "path");
	struct stat sb;
	char q[600];

	if (!ok) {
		export_free(ex);
		return 0;
	}
	if (path == NULL || *path == '\0') {
		tui_form_set_error(f, _("Give the file to write."));
		return 1;
	}
	ex->path = strdup(path);
	if (ex->path == NULL) {
		export_free(ex);
		return 0;
	}
	if (stat(path, &sb) == 0) {
		snprintf(q, sizeof q, _("%s exists. Replace it?"), path);
		tui_confirm(t, _("Export"), q, replace_done, ex);
		return 0;
	}
	write_now(ex);
	export_free(ex);
	return 0;
}

void export_ask(struct console *con, struct table *tb, const char *name, int owned)
{
	struct export *ex = calloc(1, sizeof *ex);
	const char *home = getenv("HOME");
	char path[1024], day[16], title[128];
	time_t now = time(NULL);
	struct tm tm;
	tui_form *f;

	if (ex == NULL) {
		if (owned) {
			table_release(tb);
			free(tb);
		}
		return;
	}
	ex->con = con;
	ex->tb = tb;
	ex->owned = owned;
	localtime_r(&now, &tm);
	strftime(day, sizeof day, "%Y%m%d", &tm);
	snprintf(path, sizeof path, "%s/egov-%s-%s.csv",
		 home && *home ? home : ".", name, day);
	snprintf(title, sizeof title, _("Export %zu rows as CSV"), tb->nview);
	f = tui_form_new(title);
	if (f == NULL) {
		export_free(ex);
		return;
	}
	tui_form_add(f, TUI_FIELD_TEXT, "path", _("File"), path);
	tui_form_open(con->t, f, form_done, ex);
}

/* ---- lists that are not tables -------------------------------------------- */

static const struct tui_column queue_export_cols[] = {
	{ N_("Number"), 0, 0, 0, 0 }, { N_("Applicant"), 0, 0, 0, 0 },
	{ N_("Procedure"), 0, 0, 0, 0 }, { N_("State"), 0, 0, 0, 0 },
	{ N_("Received"), 0, 0, 0, 0 }, { N_("Due"), 0, 0, 0, 0 },
	{ N_("Working days left"), 0, 0, 0, 0 },
};

static int add_queue_row(const ecache_row *r, void *ud)
{
	struct table *tb = ud;
	long k = table_add(tb, r->id);
	char buf[32];

	if (k < 0)
		return -1;
	table_set(tb, k, 0, r->code);
	table_set(tb, k, 1, r->applicant_name);
	table_set(tb, k, 2, r->procedure_name);
	table_set(tb, k, 3, label_state(r->state));
	label_date(r->received_at, buf, sizeof buf);
	table_set(tb, k, 4, buf);
	label_date(r->has_due ? r->due_at : 0, buf, sizeof buf);
	table_set(tb, k, 5, buf);
	if (r->has_due)
		snprintf(buf, sizeof buf, "%d", r->working_days_left);
	else
		buf[0] = '\0';
	table_set(tb, k, 6, buf);
	return 0;
}

static const struct tui_column home_export_cols[] = {
	{ N_("Work"), 0, 0, 0, 0 }, { N_("Dossiers"), 0, 0, 0, 0 },
};

static int add_counters(struct console *con, struct table *tb)
{
	long long counts[ECACHE_Q_COUNT];
	int q;

	if (ecache_queue_counts(con->app->cache, con->app->session.user_id, counts) < 0)
		return -1;
	for (q = 0; q < ECACHE_Q_COUNT; q++) {
		long k = table_add(tb, ecache_queue_name((ecache_queue)q));
		char n[32];

		if (k < 0)
			return -1;
		snprintf(n, sizeof n, "%lld", counts[q]);
		table_set(tb, k, 0, label_queue((ecache_queue)q));
		table_set(tb, k, 1, n);
	}
	return 0;
}

int export_top_screen(struct console *con)
{
	tui_screen *s = tui_top(con->t);
	const struct tui_screen_entry *e = s ? tui_screen_entry_of(s) : NULL;
	struct table *tb;
	int q, rc = -1;

	if (e == NULL)
		return TUI_HANDLED;
	if (e == &screen_ranking || e == &screen_workload ||
	    e == &screen_officer_dossiers || e == &screen_procedures) {
		/* Each of these keeps its table first in its state. */
		export_ask(con, tui_screen_data(s), e->name, 0);
		return TUI_REDRAW;
	}
	if (e == &screen_dashboard)
		return dashboard_export(s);
	if (con->app->cache == NULL || (e != &screen_queue && e != &screen_home)) {
		tui_message(con->t, TUI_MSG_WARN, "%s", _("Nothing to export here."));
		return TUI_HANDLED;
	}
	tb = calloc(1, sizeof *tb);
	if (tb == NULL)
		return TUI_HANDLED;
	if (e == &screen_home) {
		table_init(tb, home_export_cols, 2);
		rc = add_counters(con, tb);
	} else {
		table_init(tb, queue_export_cols, 7);
		for (q = 0; q < ECACHE_Q_COUNT; q++)
			if (strcmp(label_queue((ecache_queue)q), tui_screen_title(s)) == 0)
				break;
		if (q < ECACHE_Q_COUNT)
			rc = table_each_queue_row(con->app->cache, (ecache_queue)q,
						  con->app->session.user_id, add_queue_row, tb);
	}
	if (rc < 0 || table_build_view(tb) < 0) {
		tui_message(con->t, TUI_MSG_ERROR, "%s", _("Cannot read the list to export."));
		table_release(tb);
		free(tb);
		return TUI_HANDLED;
	}
	export_ask(con, tb, e == &screen_home ? "home" :
		   ecache_queue_name((ecache_queue)q), 1);
	return TUI_REDRAW;
}
