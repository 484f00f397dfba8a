/*
 * Workload, for heads of unit: per officer of their agency, the dossiers
 * held (assigned and not finished), due soon and overdue, from the cache.
 * Enter opens the officer's dossiers (screen_officer_dossiers); there the
 * head tags dossiers (space), presses a, picks another officer by typing
 * part of a name without diacritics, confirms, and one "assign" per
 * dossier goes into the outbox: local first, pushed by the sync, each
 * with its own idempotency key, exactly as any other action.
 *
 * The counts come from the cache's queues (MINE for each officer; the
 * due-soon and overdue queues grouped by assignee), so they follow the
 * person's own unsent reassignments at once.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screens.h"
#include "format.h"
#include "table.h"
#include "vntext.h"

static const struct tui_column work_columns[] = {
	{ N_("Officer"), 16, 0, 0, TUI_ALIGN_LEFT },
	{ N_("User"), 8, 24, 2, TUI_ALIGN_LEFT },
	{ N_("Held"), 5, 7, 0, TUI_ALIGN_RIGHT },
	{ N_("Due soon"), 8, 9, 0, TUI_ALIGN_RIGHT },
	{ N_("Overdue"), 7, 8, 0, TUI_ALIGN_RIGHT },
};
#define N_WORK (int)(sizeof work_columns / sizeof work_columns[0])

struct workload {
	struct table tb;		/* first: export.c reads it */
	tui_list *list;
	int stale;
};

/* How many rows of a queue each assignee holds: counts[i] for users[i]. */
struct tally {
	const eapi_user_list *users;
	long long *counts;
};

static int tally_row(const ecache_row *r, void *ud)
{
	struct tally *ty = ud;
	size_t u;

	for (u = 0; r->assignee_id && u < ty->users->n; u++)
		if (strcmp(r->assignee_id, ty->users->items[u].id) == 0)
			ty->counts[u]++;
	return 0;
}

static void count_by_assignee(ecache *c, ecache_queue q, const eapi_user_list *users,
			      long long *counts)
{
	struct tally ty = { users, counts };

	table_each_queue_row(c, q, NULL, tally_row, &ty);
}

static void count_cell(struct table *tb, long k, int col, long long v)
{
	char buf[32];

	fmt_count(v, buf, sizeof buf);
	table_set_num(tb, k, col, buf, (double)v);
}

static int fill(struct workload *wl)
{
	struct console *con = console_get();
	ecache *c = con->app->cache;
	eapi_user_list *users = ecache_get_users(c, con->app->session.agency_id);
	long long *soon = NULL, *late = NULL;
	size_t u;
	int rc = -1;

	table_clear(&wl->tb);
	if (users == NULL)
		return table_build_view(&wl->tb);
	soon = calloc(users->n + 1, sizeof *soon);
	late = calloc(users->n + 1, sizeof *late);
	if (soon == NULL || late == NULL)
		goto cleanup;
	count_by_assignee(c, ECACHE_Q_DUE_SOON, users, soon);
	count_by_assignee(c, ECACHE_Q_OVERDUE, users, late);
	for (u = 0; u < users->n; u++) {
		const eapi_user *p = &users->items[u];
		long k;

		if (p->role != EAPI_ROLE_OFFICER)
			continue;
		k = table_add(&wl->tb, p->id);
		if (k < 0)
			goto cleanup;
		table_set(&wl->tb, k, 0, p->full_name);
		table_set(&wl->tb, k, 1, p->username);
		count_cell(&wl->tb, k, 2, ecache_queue_count(c, ECACHE_Q_MINE, p->id));
		count_cell(&wl->tb, k, 3, soon[u]);
		count_cell(&wl->tb, k, 4, late[u]);
		if (late[u] > 0)
			table_set_style(&wl->tb, k, TUI_STYLE_OVERDUE);
		else if (soon[u] > 0)
			table_set_style(&wl->tb, k, TUI_STYLE_DUE_SOON);
	}
	rc = table_build_view(&wl->tb);
cleanup:
	free(soon);
	free(late);
	eapi_user_list_free(users);
	return rc;
}

static int work_create(tui_screen *s, void *arg, char *err, size_t errlen)
{
	struct console *con = console_get();
	struct workload *wl;

	(void)arg;
	if (con->app->session.role != EAPI_ROLE_SUPERVISOR || con->app->cache == NULL) {
		snprintf(err, errlen, "%s", _("The workload is for heads of unit."));
		return -1;
	}
	wl = calloc(1, sizeof *wl);
	if (wl == NULL) {
		snprintf(err, errlen, "%s", _("Out of memory."));
		return -1;
	}
	table_init(&wl->tb, work_columns, N_WORK);
	if (fill(wl) < 0 ||
	    (wl->list = tui_list_new(work_columns, N_WORK, &table_source, &wl->tb)) == NULL) {
		table_release(&wl->tb);
		free(wl);
		snprintf(err, errlen, "%s", _("Out of memory."));
		return -1;
	}
	tui_screen_set_data(s, wl);
	tui_screen_attach_list(s, wl->list);
	return 0;
}

static void work_destroy(tui_screen *s)
{
	struct workload *wl = tui_screen_data(s);

	tui_list_free(wl->list);
	table_release(&wl->tb);
	free(wl);
}

static void work_draw(tui_screen *s, WINDOW *w, int full)
{
	struct workload *wl = tui_screen_data(s);

	if (wl->stale) {
		wl->stale = 0;
		fill(wl);
		tui_list_refresh(wl->list);
		full = 1;
	}
	tui_list_draw(wl->list, w, full);
}

static int work_event(tui_screen *s, int event, void *data)
{
	struct workload *wl = tui_screen_data(s);
	unsigned what = data ? *(unsigned *)data : ~0u;

	(void)event;
	if (what & (ECACHE_CHANGED_DOSSIERS | ECACHE_CHANGED_OUTBOX | ECACHE_CHANGED_REFERENCE)) {
		wl->stale = 1;
		return TUI_REDRAW;
	}
	return TUI_UNHANDLED;
}

static void work_show(tui_screen *s)
{
	((struct workload *)tui_screen_data(s))->stale = 1;
}

static int key_open(tui_screen *s, int key)
{
	struct workload *wl = tui_screen_data(s);

	(void)key;
	return console_open_selected(s, wl->list, &screen_officer_dossiers);
}

static int key_export(tui_screen *s, int key)
{
	struct workload *wl = tui_screen_data(s);

	(void)key;
	export_ask(console_get(), &wl->tb, "workload", 0);
	return TUI_REDRAW;
}

static const struct tui_key_binding work_keys[] = {
	{ TUI_KEY_ENTER, "workload-open", N_("The officer's dossiers"), key_open },
	{ TUI_KEY_RIGHT, "workload-open", N_("The officer's dossiers"), key_open },
	{ 'x', "export", N_("Export as CSV"), key_export },
	{ 0, NULL, NULL, NULL }
};

const struct tui_screen_entry screen_workload = {
	.name = "workload",
	.title = N_("Workload"),
	.keys = work_keys,
	.create = work_create,
	.destroy = work_destroy,
	.draw = work_draw,
	.on_resize = console_on_resize,
	.on_event = work_event,
	.on_show = work_show,
};
