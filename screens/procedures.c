/*
 * The procedures catalogue: every procedure the city serves, from the
 * cache (reference data the sync keeps), so it works offline.  '/' finds
 * a procedure by name or national code without diacritics ("khai sinh",
 * "1.001193"); Enter shows one procedure: its field, the level of online
 * service (Decree 42/2022: full or partial), the processing time in
 * working or calendar days, the fees per channel ("1.000.000 đ" at the
 * counter, often less or nothing online) and the documents to bring.
 * Everyone may read it; x exports the list as CSV.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screens.h"
#include "format.h"
#include "table.h"

static const struct tui_column proc_columns[] = {
	{ N_("Code"), 8, 9, 0, TUI_ALIGN_LEFT },
	{ N_("Procedure"), 20, 0, 0, TUI_ALIGN_LEFT },
	{ N_("Field"), 10, 24, 2, TUI_ALIGN_LEFT },
	{ N_("Online"), 7, 10, 1, TUI_ALIGN_LEFT },
	{ N_("Time"), 6, 14, 3, TUI_ALIGN_RIGHT },
};
#define N_COLS (int)(sizeof proc_columns / sizeof proc_columns[0])

struct procs {
	struct table tb;		/* first: export.c reads it */
	tui_list *list;
	int stale;
};

const char *procedure_online_label(const char *level)
{
	if (level && strcmp(level, "full") == 0)
		return _("full");
	if (level && strcmp(level, "partial") == 0)
		return _("partial");
	return _("none");
}

void procedure_time_label(const eapi_procedure *p, char *buf, size_t len)
{
	if (p->processing_days == 0)
		snprintf(buf, len, "%s", _("same day"));
	else if (p->calendar_days)
		snprintf(buf, len, _("%d days"), p->processing_days);
	else
		snprintf(buf, len, _("%d working days"), p->processing_days);
}

static int fill(struct procs *pr)
{
	struct console *con = console_get();
	eapi_procedure_list *l = con->app->cache ? ecache_get_procedures(con->app->cache) : NULL;
	size_t i;

	table_clear(&pr->tb);
	for (i = 0; l && i < l->n; i++) {
		const eapi_procedure *p = &l->items[i];
		long k = table_add(&pr->tb, p->id);
		char t[64];

		if (k < 0)
			break;
		table_set(&pr->tb, k, 0, p->code);
		table_set(&pr->tb, k, 1, p->name);
		table_set(&pr->tb, k, 2, p->field);
		table_set(&pr->tb, k, 3, procedure_online_label(p->online_level));
		procedure_time_label(p, t, sizeof t);
		table_set_num(&pr->tb, k, 4, t, p->processing_days);
	}
	eapi_procedure_list_free(l);
	return table_build_view(&pr->tb);
}

/* The whole procedure as text for the pager. */
static char *describe(const eapi_procedure *p)
{
	char *text = NULL, buf[128], a[48], b[48];
	size_t len = 0, i;
	FILE *f = open_memstream(&text, &len);

	if (f == NULL)
		return NULL;
	fprintf(f, "%s  %s\n\n", p->code, p->name);
	fprintf(f, "%-24s %s\n", _("Field:"), p->field ? p->field : "");
	fprintf(f, "%-24s %s\n", _("Online service:"), procedure_online_label(p->online_level));
	procedure_time_label(p, buf, sizeof buf);
	fprintf(f, "%-24s %s\n\n", _("Processing time:"), buf);
	fprintf(f, "%s\n", _("Fees (at the counter or by post / online):"));
	if (p->n_fees == 0)
		fprintf(f, "  %s\n", _("none"));
	for (i = 0; i < p->n_fees; i++) {
		fmt_money(p->fees[i].amount_vnd, a, sizeof a);
		fmt_money(p->fees[i].online_amount_vnd, b, sizeof b);
		fprintf(f, "  %s: %s / %s\n", p->fees[i].name, a, b);
	}
	fprintf(f, "\n%s\n", _("Documents:"));
	for (i = 0; i < p->n_documents; i++)
		fprintf(f, "  [%s] %s %s\n", p->documents[i].required ? "x" : " ",
			p->documents[i].name,
			p->documents[i].required ? "" : _("(if any)"));
	fclose(f);
	return text;
}

static int procs_create(tui_screen *s, void *arg, char *err, size_t errlen)
{
	struct procs *pr = calloc(1, sizeof *pr);

	(void)arg;
	if (pr == NULL) {
		snprintf(err, errlen, "%s", _("Out of memory."));
		return -1;
	}
	table_init(&pr->tb, proc_columns, N_COLS);
	if (fill(pr) < 0 ||
	    (pr->list = tui_list_new(proc_columns, N_COLS, &table_source, &pr->tb)) == NULL) {
		table_release(&pr->tb);
		free(pr);
		snprintf(err, errlen, "%s", _("Out of memory."));
		return -1;
	}
	if (pr->tb.n == 0)
		tui_message(console_get()->t, TUI_MSG_INFO, "%s",
			    _("No procedures cached yet: they arrive with the next sync."));
	tui_screen_set_data(s, pr);
	tui_screen_attach_list(s, pr->list);
	return 0;
}

static void procs_destroy(tui_screen *s)
{
	struct procs *pr = tui_screen_data(s);

	tui_list_free(pr->list);
	table_release(&pr->tb);
	free(pr);
}

static void procs_draw(tui_screen *s, WINDOW *w, int full)
{
	struct procs *pr = tui_screen_data(s);

	if (pr->stale) {
		pr->stale = 0;
		fill(pr);
		tui_list_refresh(pr->list);
		full = 1;
	}
	tui_list_draw(pr->list, w, full);
}

static int procs_event(tui_screen *s, int event, void *data)
{
	struct procs *pr = tui_screen_data(s);
	unsigned what = data ? *(unsigned *)data : ~0u;

	if (event == CONSOLE_EV_CHANGED && (what & ECACHE_CHANGED_REFERENCE)) {
		pr->stale = 1;
		return TUI_REDRAW;
	}
	return TUI_UNHANDLED;
}

static int key_open(tui_screen *s, int key)
{
	struct procs *pr = tui_screen_data(s);
	struct console *con = console_get();
	const char *id = tui_list_selected_id(pr->list);
	eapi_procedure *p;
	char *text;

	(void)key;
	if (id == NULL || con->app->cache == NULL)
		return TUI_HANDLED;
	p = ecache_get_procedure(con->app->cache, id);
	if (p == NULL)
		return TUI_HANDLED;
	text = describe(p);
	if (text != NULL)
		tui_pager_push(con->t, p->code, text);
	free(text);
	ecache_procedure_free(p);
	return TUI_REDRAW | TUI_REDRAW_CHROME;
}

static int key_export(tui_screen *s, int key)
{
	struct procs *pr = tui_screen_data(s);

	(void)key;
	export_ask(console_get(), &pr->tb, "procedures", 0);
	return TUI_REDRAW;
}

static const struct tui_key_binding procs_keys[] = {
	{ TUI_KEY_ENTER, "procedure-open", N_("Show the procedure"), key_open },
	{ TUI_KEY_RIGHT, "procedure-open", N_("Show the procedure"), key_open },
	{ 'x', "export", N_("Export as CSV"), key_export },
	{ 0, NULL, NULL, NULL }
};

const struct tui_screen_entry screen_procedures = {
	.name = "procedures",
	.title = N_("Procedures"),
	.keys = procs_keys,
	.create = procs_create,
	.destroy = procs_destroy,
	.draw = procs_draw,
	.on_resize = console_on_resize,
	.on_event = procs_event,
};
