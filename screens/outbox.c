/*
 * The outbox: the actions this person took that the server has not yet
 * accepted, in the order taken: waiting, in flight, to be retried, in
 * conflict, failed (with the server's reason), and those done in the last
 * minutes so a person sees them go through.
 *
 * The rows are few (what one person did while offline), so they are read
 * whole into memory on every change.  From here: open the dossier, go to
 * the conflicts, discard a failed or conflicting action (after a
 * confirmation), or sync now.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screens.h"

#define RECENT_DONE_S 600

struct outbox {
	ecache_outbox_list rows;
	tui_list *list;
	long long discard_seq;
};

static void outbox_load(struct outbox *o)
{
	struct console *con = console_get();
	time_t now = time(NULL);
	size_t i, kept = 0;

	ecache_outbox_list_release(&o->rows);
	ecache_outbox_list_get(con->app->cache,
			       ECACHE_OUTBOX_OPEN | (1u << ECACHE_OUT_DONE), NULL,
			       &o->rows);
	/* Keep every open row, and only the recent done ones. */
	for (i = 0; i < o->rows.n; i++) {
		ecache_outbox_row *r = &o->rows.rows[i];

		if (r->status == ECACHE_OUT_DONE && now - r->updated_at > RECENT_DONE_S) {
			ecache_outbox_row_release(r);
			continue;
		}
		if (kept != i)
			o->rows.rows[kept] = *r;
		kept++;
	}
	o->rows.n = kept;
}

static size_t src_count(void *ud)
{
	return ((struct outbox *)ud)->rows.n;
}

static size_t src_fetch(void *ud, size_t first, size_t n, struct tui_row *rows)
{
	struct outbox *o = ud;
	size_t k;

	for (k = 0; k < n && first + k < o->rows.n; k++) {
		const ecache_outbox_row *r = &o->rows.rows[first + k];
		char buf[64];

		snprintf(buf, sizeof buf, "%lld", r->seq);
		tui_row_set_id(&rows[k], buf);
		label_datetime(r->created_at, buf, sizeof buf);
		tui_row_set_cell(&rows[k], 0, buf);
		tui_row_set_cell(&rows[k], 1, r->dossier_code ? r->dossier_code : r->dossier_id);
		tui_row_set_cell(&rows[k], 2, label_action(r->action));
		tui_row_set_cell(&rows[k], 3, label_out_status(r->status));
		snprintf(buf, sizeof buf, "%d", r->attempts);
		tui_row_set_cell(&rows[k], 4, buf);
		tui_row_set_cell(&rows[k], 5, r->reason ? r->reason : "");
		switch (r->status) {
		case ECACHE_OUT_CONFLICT:
		case ECACHE_OUT_FAILED: rows[k].style = TUI_STYLE_ERROR; break;
		case ECACHE_OUT_DONE: rows[k].style = TUI_STYLE_NORMAL; break;
		default: rows[k].style = TUI_STYLE_PENDING; break;
		}
	}
	return k;
}

static long src_index_of(void *ud, const char *id)
{
	struct outbox *o = ud;
	long long seq = strtoll(id, NULL, 10);
	size_t i;

	for (i = 0; i < o->rows.n; i++)
		if (o->rows.rows[i].seq == seq)
			return (long)i;
	return -1;
}

static const struct tui_list_source outbox_source = {
	src_count, src_fetch, NULL, src_index_of
};

static const struct tui_column outbox_columns[] = {
	{ N_("Taken"), 16, 16, 3, TUI_ALIGN_LEFT },
	{ N_("Number"), 12, 27, 0, TUI_KEEP_TAIL },
	{ N_("Action"), 10, 22, 0, TUI_ALIGN_LEFT },
	{ N_("Status"), 10, 12, 0, TUI_ALIGN_LEFT },
	{ N_("Tries"), 5, 5, 4, TUI_ALIGN_RIGHT },
	{ N_("Why"), 10, 0, 1, TUI_ALIGN_LEFT },
};

static int outbox_create(tui_screen *s, void *arg, char *err, size_t errlen)
{
	struct outbox *o = calloc(1, sizeof *o);

	(void)arg;
	if (o == NULL || console_get()->app->cache == NULL) {
		free(o);
		snprintf(err, errlen, "%s", _("Nothing is cached yet."));
		return -1;
	}
	ecache_outbox_list_init(&o->rows);
	outbox_load(o);
	o->list = tui_list_new(outbox_columns, 6, &outbox_source, o);
	if (o->list == NULL) {
		ecache_outbox_list_release(&o->rows);
		free(o);
		snprintf(err, errlen, "%s", _("Out of memory."));
		return -1;
	}
	tui_screen_set_data(s, o);
	tui_screen_attach_list(s, o->list);
	return 0;
}

static void outbox_destroy(tui_screen *s)
{
	struct outbox *o = tui_screen_data(s);

	tui_list_free(o->list);
	ecache_outbox_list_release(&o->rows);
	free(o);
}

static void outbox_reload(struct outbox *o)
{
	outbox_load(o);
	tui_list_refresh(o->list);
}

static int outbox_event(tui_screen *s, int event, void *data)
{
	struct outbox *o = tui_screen_data(s);

	(void)event;
	(void)data;
	outbox_reload(o);
	return TUI_REDRAW;
}

static void outbox_show(tui_screen *s)
{
	outbox_reload(tui_screen_data(s));
}

static const ecache_outbox_row *selected(struct outbox *o)
{
	size_t i = tui_list_selected(o->list);

	return i < o->rows.n ? &o->rows.rows[i] : NULL;
}

static int key_open(tui_screen *s, int key)
{
	const ecache_outbox_row *r = selected(tui_screen_data(s));
	char id[128];

	(void)key;
	if (r == NULL)
		return TUI_HANDLED;
	snprintf(id, sizeof id, "%s", r->dossier_id);
	return console_open(tui_screen_tui(s), &screen_dossier, id);
}

static void discard_answer(tui *t, int yes, void *ud)
{
	struct outbox *o = ud;
	struct console *con = console_get();

	if (!yes)
		return;
	if (ecache_resolve(con->app->cache, o->discard_seq, ECACHE_RESOLVE_DISCARD) < 0)
		tui_message(t, TUI_MSG_ERROR, "%s", ecache_errmsg(con->app->cache));
	else
		tui_message(t, TUI_MSG_INFO, "%s", _("Discarded."));
	console_acted(con);
}

static int key_discard(tui_screen *s, int key)
{
	struct outbox *o = tui_screen_data(s);
	const ecache_outbox_row *r = selected(o);
	char q[256];

	(void)key;
	if (r == NULL)
		return TUI_HANDLED;
	if (r->status != ECACHE_OUT_CONFLICT && r->status != ECACHE_OUT_FAILED) {
		tui_message(tui_screen_tui(s), TUI_MSG_WARN, "%s",
			    _("Only failed or conflicting actions can be discarded."));
		return TUI_HANDLED;
	}
	o->discard_seq = r->seq;
	snprintf(q, sizeof q, _("Discard %s on %s? Its effect is undone here."),
		 label_action(r->action), r->dossier_code ? r->dossier_code : r->dossier_id);
	tui_confirm(tui_screen_tui(s), _("Discard"), q, discard_answer, o);
	return TUI_REDRAW;
}

static int key_conflicts(tui_screen *s, int key)
{
	(void)key;
	return console_open(tui_screen_tui(s), &screen_conflicts, NULL);
}

static const struct tui_key_binding outbox_keys[] = {
	{ TUI_KEY_ENTER, "outbox-open", N_("Open the dossier"), key_open },
	{ 'x', "outbox-discard", N_("Discard a failed action"), key_discard },
	{ 'c', "conflicts", N_("Show the conflicts"), key_conflicts },
	{ 'R', "sync", N_("Sync with the server now"), console_key_sync },
	{ 0, NULL, NULL, NULL }
};

const struct tui_screen_entry screen_outbox = {
	.name = "outbox",
	.title = N_("Outbox"),
	.keys = outbox_keys,
	.create = outbox_create,
	.destroy = outbox_destroy,
	.on_resize = console_on_resize,
	.on_event = outbox_event,
	.on_show = outbox_show,
};
