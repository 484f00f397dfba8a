/*
 * Home: the work counters ("nhắc việc") of domain.md, one row each, and
 * Enter opens that queue.
 *
 * The counts come from the cache (what the server lets this person see,
 * with their own unsent actions applied).  A sync may apply hundreds of
 * pages in a row, so a change only marks the counts stale; they are
 * counted again when home is drawn, which happens at most once per batch
 * of events and only while home is the screen in front.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screens.h"

static const ecache_queue home_queues[] = {
	ECACHE_Q_NEW_ONLINE, ECACHE_Q_RECEIVED, ECACHE_Q_IN_PROGRESS,
	ECACHE_Q_DUE_SOON, ECACHE_Q_OVERDUE, ECACHE_Q_SUPPLEMENT_WAIT,
	ECACHE_Q_SUPPLEMENT_RECEIVED, ECACHE_Q_PENDING_APPROVAL,
	ECACHE_Q_RESULT_READY, ECACHE_Q_MINE, ECACHE_Q_UNASSIGNED,
	ECACHE_Q_ALL
};
#define N_HOME (sizeof home_queues / sizeof home_queues[0])

struct home {
	tui_list *list;
	long long counts[N_HOME];
	int stale;
};

static void home_count(struct home *h)
{
	struct console *con = console_get();
	size_t i;

	h->stale = 0;
	for (i = 0; i < N_HOME; i++) {
		if (con->app->cache == NULL)
			h->counts[i] = -1;
		else
			h->counts[i] = ecache_queue_count(con->app->cache,
							  home_queues[i],
							  con->app->session.user_id);
	}
}

static size_t src_count(void *ud)
{
	(void)ud;
	return N_HOME;
}

static size_t src_fetch(void *ud, size_t first, size_t n, struct tui_row *rows)
{
	struct home *h = ud;
	size_t k;

	for (k = 0; k < n && first + k < N_HOME; k++) {
		size_t i = first + k;
		char num[32];

		tui_row_set_id(&rows[k], ecache_queue_name(home_queues[i]));
		tui_row_set_cell(&rows[k], 0, label_queue(home_queues[i]));
		if (h->counts[i] < 0)
			snprintf(num, sizeof num, "—");
		else
			snprintf(num, sizeof num, "%lld", h->counts[i]);
		tui_row_set_cell(&rows[k], 1, num);
		rows[k].style = TUI_STYLE_NORMAL;
		if (h->counts[i] > 0 && home_queues[i] == ECACHE_Q_OVERDUE)
			rows[k].style = TUI_STYLE_OVERDUE;
		else if (h->counts[i] > 0 && home_queues[i] == ECACHE_Q_DUE_SOON)
			rows[k].style = TUI_STYLE_DUE_SOON;
	}
	return k;
}

static long src_index_of(void *ud, const char *id)
{
	size_t i;

	(void)ud;
	for (i = 0; i < N_HOME; i++)
		if (strcmp(ecache_queue_name(home_queues[i]), id) == 0)
			return (long)i;
	return -1;
}

static const struct tui_list_source home_source = {
	src_count, src_fetch, NULL, src_index_of
};

static const struct tui_column home_columns[] = {
	{ N_("Work"), 20, 40, 0, TUI_ALIGN_LEFT },
	{ N_("Dossiers"), 8, 10, 0, TUI_ALIGN_RIGHT },
};

static int home_create(tui_screen *s, void *arg, char *err, size_t errlen)
{
	struct home *h = calloc(1, sizeof *h);

	(void)arg;
	if (h == NULL) {
		snprintf(err, errlen, "%s", _("Out of memory."));
		return -1;
	}
	home_count(h);
	h->list = tui_list_new(home_columns, 2, &home_source, h);
	if (h->list == NULL) {
		free(h);
		snprintf(err, errlen, "%s", _("Out of memory."));
		return -1;
	}
	tui_screen_set_data(s, h);
	tui_screen_attach_list(s, h->list);
	return 0;
}

static void home_destroy(tui_screen *s)
{
	struct home *h = tui_screen_data(s);

	tui_list_free(h->list);
	free(h);
}

static void home_draw(tui_screen *s, WINDOW *w, int full)
{
	struct home *h = tui_screen_data(s);

	if (h->stale) {
		home_count(h);
		tui_list_refresh(h->list);
		full = 1;
	}
	tui_list_draw(h->list, w, full);
}

static int home_event(tui_screen *s, int event, void *data)
{
	struct home *h = tui_screen_data(s);
	unsigned what = data ? *(unsigned *)data : ~0u;

	if (event == CONSOLE_EV_LOGGED_IN ||
	    (what & (ECACHE_CHANGED_DOSSIERS | ECACHE_CHANGED_OUTBOX))) {
		h->stale = 1;
		return TUI_REDRAW;
	}
	return TUI_UNHANDLED;
}

static void home_show(tui_screen *s)
{
	struct home *h = tui_screen_data(s);

	/* Back from a login screen that was given up: nobody to work as. */
	if (console_get()->app->cache == NULL) {
		tui_quit(tui_screen_tui(s), EGOV_EXIT_AUTH);
		return;
	}
	h->stale = 1;
}

static int key_open(tui_screen *s, int key)
{
	struct home *h = tui_screen_data(s);
	size_t i = tui_list_selected(h->list);
	static ecache_queue chosen;

	(void)key;
	if (i >= N_HOME)
		return TUI_HANDLED;
	chosen = home_queues[i];
	return console_open(tui_screen_tui(s), &screen_queue, &chosen);
}

static int key_outbox(tui_screen *s, int key)
{
	(void)key;
	return console_open(tui_screen_tui(s), &screen_outbox, NULL);
}

static int key_conflicts(tui_screen *s, int key)
{
	(void)key;
	return console_open(tui_screen_tui(s), &screen_conflicts, NULL);
}

/* The screens of issue 7; each refuses (with a reason) a role it is not
 * for, so the keys can sit in one table. */
static int key_dashboard(tui_screen *s, int key)
{
	(void)key;
	return console_open(tui_screen_tui(s), &screen_dashboard, NULL);
}

static int key_workload(tui_screen *s, int key)
{
	(void)key;
	return console_open(tui_screen_tui(s), &screen_workload, NULL);
}

static int key_procedures(tui_screen *s, int key)
{
	(void)key;
	return console_open(tui_screen_tui(s), &screen_procedures, NULL);
}

static int key_diagnostics(tui_screen *s, int key)
{
	(void)key;
	return console_open(tui_screen_tui(s), &screen_diagnostics, NULL);
}

static int key_lock(tui_screen *s, int key)
{
	(void)s;
	(void)key;
	return lock_now(console_get());
}

static int key_quit(tui_screen *s, int key)
{
	(void)s;
	(void)key;
	return TUI_QUIT;
}

static const struct tui_key_binding home_keys[] = {
	{ TUI_KEY_ENTER, "home-open", N_("Open the queue"), key_open },
	{ TUI_KEY_RIGHT, "home-open", N_("Open the queue"), key_open },
	{ '/', "search", N_("Search dossiers"), console_key_search },
	{ TUI_KEY_CTRL('f'), "search", N_("Search dossiers"), console_key_search },
	{ 'o', "outbox", N_("Show the outbox"), key_outbox },
	{ 'c', "conflicts", N_("Show the conflicts"), key_conflicts },
	{ 'R', "sync", N_("Sync with the server now"), console_key_sync },
	{ 'd', "dashboard", N_("Dashboard of the agency (heads of unit)"), key_dashboard },
	{ 'w', "workload", N_("Workload of the officers (heads of unit)"), key_workload },
	{ 'p', "procedures", N_("The procedures catalogue"), key_procedures },
	{ 'i', "diagnostics", N_("Diagnostics (help-desk)"), key_diagnostics },
	{ 'L', "lock", N_("Lock the console now"), key_lock },
	{ 'Q', "quit", N_("Leave the console"), key_quit },
	{ 0, NULL, NULL, NULL }
};

const struct tui_screen_entry screen_home = {
	.name = "home",
	.title = N_("Home"),
	.keys = home_keys,
	.create = home_create,
	.destroy = home_destroy,
	.draw = home_draw,
	.on_resize = console_on_resize,
	.on_event = home_event,
	.on_show = home_show,
};
