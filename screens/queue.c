/*
 * A work queue: the dossiers of one home counter as a virtual list.
 *
 * Columns: due date with working days left (coloured by urgency: overdue,
 * due today, due soon), number, applicant, procedure, state.  Rows come
 * from the cache by keyset windows (queue-source.c), so 100,000 dossiers
 * scroll like 10.  The list gives sorting by column (s, S), the '/'
 * filter and tags (space); here Enter opens a dossier and `a` applies one
 * action to every tagged dossier, or to the selected one, after the
 * action's form and a confirmation.
 *
 * A sync marks the queue stale; it is read again when drawn, keeping the
 * selected dossier selected.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screens.h"
#include "queue-source.h"

struct queue {
	struct qsrc src;
	tui_list *list;
	int stale;
};

static const struct tui_column queue_columns[] = {
	{ N_("Due"), 11, 11, 1, TUI_ALIGN_LEFT },
	{ N_("Number"), 12, 27, 0, TUI_KEEP_TAIL },
	{ N_("Applicant"), 14, 0, 0, TUI_ALIGN_LEFT },
	{ N_("Procedure"), 14, 0, 3, TUI_ALIGN_LEFT },
	{ N_("State"), 12, 16, 2, TUI_ALIGN_LEFT },
};
#define N_COLS (int)(sizeof queue_columns / sizeof queue_columns[0])

static void format_row(void *ud, const ecache_row *r, struct tui_row *out)
{
	char buf[64];

	(void)ud;
	tui_row_set_id(out, r->id);
	label_due(r, buf, sizeof buf);
	tui_row_set_cell(out, 0, buf);
	tui_row_set_cell(out, 1, r->code);
	tui_row_set_cell(out, 2, r->applicant_name);
	tui_row_set_cell(out, 3, r->procedure_name);
	if (r->conflict)
		snprintf(buf, sizeof buf, "%s !", label_state(r->state));
	else if (r->pending)
		snprintf(buf, sizeof buf, "%s *", label_state(r->state));
	else
		snprintf(buf, sizeof buf, "%s", label_state(r->state));
	tui_row_set_cell(out, 4, buf);
	out->style = row_urgency_style(r);
}

/* The queue's name; while a big first sync runs without the sort indexes
 * (cache/bulk.c) a long queue comes in arrival order, and the title says
 * so rather than let a sort the person chose look broken. */
static void set_title(tui_screen *s, struct queue *q)
{
	char title[200];
	const char *now = tui_screen_title(s);

	if (ecache_sorted(q->src.cache) == 0)
		snprintf(title, sizeof title, "%s · %s", label_queue(q->src.queue),
			 _("in arrival order until the first sync ends"));
	else
		snprintf(title, sizeof title, "%s", label_queue(q->src.queue));
	if (!now || strcmp(now, title) != 0)	/* a new title repaints the chrome */
		tui_screen_set_title(s, title);
}

static int queue_create(tui_screen *s, void *arg, char *err, size_t errlen)
{
	struct console *con = console_get();
	struct queue *q = calloc(1, sizeof *q);
	ecache_queue which = arg ? *(const ecache_queue *)arg : ECACHE_Q_ACTIVE;

	if (q == NULL || con->app->cache == NULL) {
		free(q);
		snprintf(err, errlen, "%s", _("Nothing is cached yet."));
		return -1;
	}
	qsrc_init(&q->src, which, con->app->session.user_id);
	q->src.cache = con->app->cache;
	q->src.format = format_row;
	q->list = tui_list_new(queue_columns, N_COLS, &qsrc_source, &q->src);
	if (q->list == NULL) {
		free(q);
		snprintf(err, errlen, "%s", _("Out of memory."));
		return -1;
	}
	tui_screen_set_data(s, q);
	tui_screen_attach_list(s, q->list);
	set_title(s, q);
	return 0;
}

static void queue_destroy(tui_screen *s)
{
	struct queue *q = tui_screen_data(s);

	tui_list_free(q->list);
	qsrc_release(&q->src);
	free(q);
}

static void queue_draw(tui_screen *s, WINDOW *w, int full)
{
	struct queue *q = tui_screen_data(s);

	if (q->stale) {
		q->stale = 0;
		set_title(s, q);
		qsrc_changed(&q->src);
		tui_list_refresh(q->list);
		qsrc_reload(&q->src);
		full = 1;
	}
	tui_list_draw(q->list, w, full);
}

static int queue_event(tui_screen *s, int event, void *data)
{
	struct queue *q = tui_screen_data(s);
	unsigned what = data ? *(unsigned *)data : ~0u;

	if (event == CONSOLE_EV_CHANGED &&
	    (what & (ECACHE_CHANGED_DOSSIERS | ECACHE_CHANGED_OUTBOX))) {
		q->stale = 1;
		return TUI_REDRAW;
	}
	return TUI_UNHANDLED;
}

static void queue_show(tui_screen *s)
{
	struct queue *q = tui_screen_data(s);

	q->stale = 1;
}

static int key_open(tui_screen *s, int key)
{
	struct queue *q = tui_screen_data(s);

	(void)key;
	return console_open_selected(s, q->list, &screen_dossier);
}

/* The actions allowed on every one of ids. */
static size_t common_actions(struct console *con, const char *const *ids,
			     size_t nids, const char **out)
{
	size_t n = 0, a, i;
	eapi_dossier **ds = calloc(nids, sizeof *ds);

	if (ds == NULL)
		return 0;
	for (i = 0; i < nids; i++)
		ds[i] = ecache_dossier_get(con->app->cache, ids[i], NULL);
	for (a = 0; console_actions[a] != NULL; a++) {
		int ok = 1;

		for (i = 0; i < nids && ok; i++)
			ok = ds[i] != NULL &&
				action_allowed(console_actions[a], ds[i], &con->app->session);
		if (ok)
			out[n++] = console_actions[a];
	}
	for (i = 0; i < nids; i++)
		eapi_dossier_free(ds[i]);
	free(ds);
	return n;
}

static int key_act(tui_screen *s, int key)
{
	struct console *con = console_get();
	struct queue *q = tui_screen_data(s);
	size_t nids = tui_list_tagged_count(q->list), i, n;
	const char **ids;
	const char *actions[16];

	(void)key;
	if (nids == 0 && tui_list_selected_id(q->list) == NULL)
		return TUI_HANDLED;
	ids = calloc(nids ? nids : 1, sizeof *ids);
	if (ids == NULL)
		return TUI_HANDLED;
	if (nids == 0) {
		ids[0] = tui_list_selected_id(q->list);
		nids = 1;
	} else {
		for (i = 0; i < nids; i++)
			ids[i] = tui_list_tagged_id(q->list, i);
	}
	n = common_actions(con, ids, nids, actions);
	if (n == 0)
		tui_message(con->t, TUI_MSG_WARN, "%s",
			    _("No action is open to you on all of these dossiers."));
	else
		action_choose(con, actions, n, ids, nids);
	free(ids);
	return TUI_REDRAW;
}

static const struct tui_key_binding queue_keys[] = {
	{ TUI_KEY_ENTER, "queue-open", N_("Open the dossier"), key_open },
	{ TUI_KEY_RIGHT, "queue-open", N_("Open the dossier"), key_open },
	{ 'a', "queue-act", N_("Act on the tagged dossiers (or this one)"), key_act },
	{ TUI_KEY_CTRL('f'), "search", N_("Search dossiers"), console_key_search },
	{ 'R', "sync", N_("Sync with the server now"), console_key_sync },
	{ 0, NULL, NULL, NULL }
};

const struct tui_screen_entry screen_queue = {
	.name = "queue",
	.title = N_("Queue"),
	.keys = queue_keys,
	.create = queue_create,
	.destroy = queue_destroy,
	.draw = queue_draw,
	.on_resize = console_on_resize,
	.on_event = queue_event,
	.on_show = queue_show,
};
