/*
 * Search from anywhere (Ctrl-F on every screen, / on home, `:search TEXT`):
 * the cache's full-text search over number, applicant, subject and
 * procedure, ignoring case and diacritics (`nguyen van duc` finds
 * `Nguyễn Văn Đức`), run again on every keystroke.
 *
 * The screen is a list whose '/' filter is the search box, open from the
 * start.  Enter ends typing, Enter again opens the dossier.  `O` asks the
 * server too when online (GET /dossiers?q=): what it finds is stored in
 * the cache, so the results merge and the dossiers open offline later.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "screens.h"

#define SEARCH_MAX 200

struct search {
	ecache_rows rows;
	char text[256];
	tui_list *list;
	uint64_t online_id;
};

static size_t src_count(void *ud)
{
	return ((struct search *)ud)->rows.n;
}

static size_t src_fetch(void *ud, size_t first, size_t n, struct tui_row *rows)
{
	struct search *se = ud;
	size_t k;

	for (k = 0; k < n && first + k < se->rows.n; k++) {
		const ecache_row *r = &se->rows.rows[first + k];
		char buf[64];

		tui_row_set_id(&rows[k], r->id);
		tui_row_set_cell(&rows[k], 0, r->code);
		tui_row_set_cell(&rows[k], 1, r->applicant_name);
		tui_row_set_cell(&rows[k], 2, r->subject ? r->subject : r->procedure_name);
		snprintf(buf, sizeof buf, "%s%s", label_state(r->state), r->pending ? " *" : "");
		tui_row_set_cell(&rows[k], 3, buf);
		rows[k].style = row_urgency_style(r);
	}
	return k;
}

static void run(struct search *se)
{
	struct console *con = console_get();

	ecache_rows_release(&se->rows);
	if (se->text[0] != '\0')
		ecache_search(con->app->cache, se->text, SEARCH_MAX, &se->rows);
}

static void src_query(void *ud, const char *filter, int sort_col, int sort_desc)
{
	struct search *se = ud;

	(void)sort_col;
	(void)sort_desc;
	snprintf(se->text, sizeof se->text, "%s", filter ? filter : "");
	run(se);
}

static long src_index_of(void *ud, const char *id)
{
	struct search *se = ud;
	size_t i;

	for (i = 0; i < se->rows.n; i++)
		if (strcmp(se->rows.rows[i].id, id) == 0)
			return (long)i;
	return -1;
}

static const struct tui_list_source search_source = {
	src_count, src_fetch, src_query, src_index_of
};

static const struct tui_column search_columns[] = {
	{ N_("Number"), 12, 27, 0, TUI_KEEP_TAIL },
	{ N_("Applicant"), 14, 0, 0, TUI_ALIGN_LEFT },
	{ N_("Subject"), 14, 0, 2, TUI_ALIGN_LEFT },
	{ N_("State"), 12, 16, 1, TUI_ALIGN_LEFT },
};

/* Type text into the list's filter, as the person would. */
static void type_into(tui_list *l, const char *text)
{
	const struct tui_key_binding *b;
	mbstate_t mb;
	size_t len = strlen(text);

	for (b = tui_list_keys; b->action != NULL; b++)
		if (strcmp(b->action, "list-filter") == 0)
			break;
	if (b->action == NULL)
		return;
	tui_list_key(l, tui_binding_key(b));
	memset(&mb, 0, sizeof mb);
	while (len > 0) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, text, len, &mb);

		if (k == 0 || k == (size_t)-1 || k == (size_t)-2)
			break;
		tui_list_key(l, (int)wc);
		text += k;
		len -= k;
	}
}

static int search_create(tui_screen *s, void *arg, char *err, size_t errlen)
{
	struct search *se = calloc(1, sizeof *se);

	if (se == NULL || console_get()->app->cache == NULL) {
		free(se);
		snprintf(err, errlen, "%s", _("Nothing is cached yet."));
		return -1;
	}
	ecache_rows_init(&se->rows);
	se->list = tui_list_new(search_columns, 4, &search_source, se);
	if (se->list == NULL) {
		free(se);
		snprintf(err, errlen, "%s", _("Out of memory."));
		return -1;
	}
	tui_screen_set_data(s, se);
	tui_screen_attach_list(s, se->list);
	type_into(se->list, arg ? (const char *)arg : "");
	return 0;
}

static void search_destroy(tui_screen *s)
{
	struct search *se = tui_screen_data(s);

	console_forget(console_get(), se);
	tui_list_free(se->list);
	ecache_rows_release(&se->rows);
	free(se);
}

static int search_event(tui_screen *s, int event, void *data)
{
	struct search *se = tui_screen_data(s);
	unsigned what = data ? *(unsigned *)data : ~0u;

	if (event != CONSOLE_EV_CHANGED || !(what & ECACHE_CHANGED_DOSSIERS))
		return TUI_UNHANDLED;
	run(se);
	tui_list_refresh(se->list);
	return TUI_REDRAW;
}

static int key_open(tui_screen *s, int key)
{
	struct search *se = tui_screen_data(s);

	(void)key;
	return console_open_selected(s, se->list, &screen_dossier);
}

static void on_online(eapi_completion *comp, void *ud)
{
	struct search *se = ud;
	struct console *con = console_get();
	size_t i, n = 0;

	se->online_id = 0;
	if (comp->error.result != EAPI_OK || comp->u.search == NULL) {
		tui_message(con->t, TUI_MSG_ERROR, _("The server search failed: %s"),
			    comp->error.message);
	} else {
		for (i = 0; i < comp->u.search->n; i++)
			if (ecache_dossier_upsert(con->app->cache, comp->u.search->items[i]) >= 0)
				n++;
		tui_message(con->t, TUI_MSG_INFO, _("The server found %zu dossier(s)."), n);
		run(se);
		tui_list_refresh(se->list);
		tui_invalidate(con->t, TUI_REDRAW);
	}
	eapi_completion_free(comp);
}

static int key_online(tui_screen *s, int key)
{
	struct search *se = tui_screen_data(s);
	struct console *con = console_get();
	eapi_search_params p;

	(void)key;
	if (se->text[0] == '\0' || se->online_id != 0)
		return TUI_HANDLED;
	memset(&p, 0, sizeof p);
	p.q = se->text;
	p.overdue = -1;
	p.limit = 50;
	se->online_id = eapi_search_dossiers(con->app->client, &p, NULL);
	if (console_request(con, se->online_id, on_online, se) < 0) {
		se->online_id = 0;
		tui_message(con->t, TUI_MSG_ERROR, "%s", _("Cannot send the request."));
	} else {
		tui_message(con->t, TUI_MSG_INFO, "%s", _("Searching the server..."));
	}
	return TUI_HANDLED;
}

static const struct tui_key_binding search_keys[] = {
	{ TUI_KEY_ENTER, "search-open", N_("Open the dossier"), key_open },
	{ 'O', "search-online", N_("Search the server too"), key_online },
	{ 0, NULL, NULL, NULL }
};

const struct tui_screen_entry screen_search = {
	.name = "search",
	.title = N_("Search"),
	.keys = search_keys,
	.create = search_create,
	.destroy = search_destroy,
	.on_resize = console_on_resize,
	.on_event = search_event,
};
