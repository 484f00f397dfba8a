/*
 * Conflicts: actions the server refused because the dossier had moved on
 * (412 version_conflict, 409 invalid_transition), shown side by side:
 * the dossier as this person saw it when acting, and as the server has it
 * now.  The person redoes the action on the server's version (a fresh
 * idempotency key; the cache does it) or discards it and its local effect,
 * each after a confirmation.
 *
 * The list of conflicts takes the top third of the body and the comparison
 * of the selected one the rest; the screen places its list itself.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screens.h"

struct conflicts {
	ecache_conflict_list items;
	tui_list *list;
	int list_rows;
	long long seq;
	ecache_resolution how;
};

static size_t src_count(void *ud)
{
	return ((struct conflicts *)ud)->items.n;
}

static size_t src_fetch(void *ud, size_t first, size_t n, struct tui_row *rows)
{
	struct conflicts *c = ud;
	size_t k;

	for (k = 0; k < n && first + k < c->items.n; k++) {
		const ecache_outbox_row *r = &c->items.items[first + k].row;
		char buf[64];

		snprintf(buf, sizeof buf, "%lld", r->seq);
		tui_row_set_id(&rows[k], buf);
		tui_row_set_cell(&rows[k], 0, r->dossier_code ? r->dossier_code : r->dossier_id);
		tui_row_set_cell(&rows[k], 1, label_action(r->action));
		tui_row_set_cell(&rows[k], 2, label_out_status(r->status));
		tui_row_set_cell(&rows[k], 3, r->reason ? r->reason : "");
		rows[k].style = TUI_STYLE_ERROR;
	}
	return k;
}

static const struct tui_list_source conflicts_source = { src_count, src_fetch, NULL, NULL };

static const struct tui_column conflicts_columns[] = {
	{ N_("Number"), 12, 27, 0, TUI_KEEP_TAIL },
	{ N_("Action"), 10, 22, 0, TUI_ALIGN_LEFT },
	{ N_("Status"), 8, 12, 1, TUI_ALIGN_LEFT },
	{ N_("Why"), 10, 0, 2, TUI_ALIGN_LEFT },
};

static void load(struct conflicts *c)
{
	ecache_conflict_list_release(&c->items);
	ecache_conflicts(console_get()->app->cache, &c->items);
}

static int conflicts_create(tui_screen *s, void *arg, char *err, size_t errlen)
{
	struct conflicts *c = calloc(1, sizeof *c);

	(void)arg;
	if (c == NULL || console_get()->app->cache == NULL) {
		free(c);
		snprintf(err, errlen, "%s", _("Nothing is cached yet."));
		return -1;
	}
	ecache_conflict_list_init(&c->items);
	load(c);
	c->list = tui_list_new(conflicts_columns, 4, &conflicts_source, c);
	if (c->list == NULL) {
		ecache_conflict_list_release(&c->items);
		free(c);
		snprintf(err, errlen, "%s", _("Out of memory."));
		return -1;
	}
	tui_screen_set_data(s, c);
	return 0;
}

static void conflicts_destroy(tui_screen *s)
{
	struct conflicts *c = tui_screen_data(s);

	tui_list_free(c->list);
	ecache_conflict_list_release(&c->items);
	free(c);
}

static void conflicts_resize(tui_screen *s, int rows, int cols)
{
	struct conflicts *c = tui_screen_data(s);

	c->list_rows = rows / 3 > 3 ? rows / 3 : 3;
	console_on_resize(s, rows, cols);
	tui_list_resize(c->list, c->list_rows, cols);
}

/* One side of the comparison, in a column of width w at x. */
static void draw_side(WINDOW *w, int y0, int x, int width, int maxy,
		      const char *title, const eapi_dossier *d)
{
	char buf[512], when[32];
	int y = y0;
	attr_t n = tui_style_attr(TUI_STYLE_NORMAL);

	tui_draw_text(w, y++, x, width, title, 0, tui_style_attr(TUI_STYLE_HEADER));
	if (d == NULL) {
		tui_draw_text(w, y, x, width, _("(not known)"), 0, n);
		return;
	}
	snprintf(buf, sizeof buf, "%s: %lld", _("Version"), d->version);
	if (y < maxy)
		tui_draw_text(w, y++, x, width, buf, 0, n);
	snprintf(buf, sizeof buf, "%s: %s", _("State"), label_state(d->state));
	if (y < maxy)
		tui_draw_text(w, y++, x, width, buf, 0, n);
	snprintf(buf, sizeof buf, "%s: %s", _("Assignee"),
		 d->assignee_id ? d->assignee_id : "—");
	if (y < maxy)
		tui_draw_text(w, y++, x, width, buf, 0, n);
	label_datetime(d->due_at, when, sizeof when);
	snprintf(buf, sizeof buf, "%s: %s", _("Due"), when[0] ? when : "—");
	if (y < maxy)
		tui_draw_text(w, y++, x, width, buf, 0, n);
	label_datetime(d->updated_at, when, sizeof when);
	snprintf(buf, sizeof buf, "%s: %s", _("Changed"), when[0] ? when : "—");
	if (y < maxy)
		tui_draw_text(w, y++, x, width, buf, 0, n);
	if (d->has_full && d->n_history > 0 && y < maxy) {
		const eapi_history_entry *h = &d->history[d->n_history - 1];

		snprintf(buf, sizeof buf, "%s: %s (%s)", _("Last"),
			 label_action(h->action ? h->action : ""),
			 h->actor_name ? h->actor_name : "");
		tui_draw_text(w, y, x, width, buf, 0, n);
	}
}

static void conflicts_draw(tui_screen *s, WINDOW *w, int full)
{
	struct conflicts *c = tui_screen_data(s);
	size_t i = tui_list_selected(c->list);
	int rows, cols, half;

	(void)full;
	tui_screen_size(s, &rows, &cols);
	werase(w);
	if (c->list_rows == 0)
		conflicts_resize(s, rows, cols);
	tui_list_draw(c->list, w, 1);
	if (c->items.n == 0) {
		tui_draw_text(w, c->list_rows + 1, 1, cols - 2, _("No conflicts."), 0,
			      tui_style_attr(TUI_STYLE_INFO));
	} else if (i < c->items.n) {
		const ecache_conflict *k = &c->items.items[i];

		half = cols / 2;
		draw_side(w, c->list_rows + 1, 1, half - 2, rows, _("Mine (when I acted)"),
			  k->mine);
		draw_side(w, c->list_rows + 1, half + 1, cols - half - 2, rows,
			  _("The server's (now)"), k->theirs);
	}
	wmove(w, tui_list_cursor_row(c->list), 0);
}

static int conflicts_event(tui_screen *s, int event, void *data)
{
	struct conflicts *c = tui_screen_data(s);

	(void)event;
	(void)data;
	load(c);
	tui_list_refresh(c->list);
	return TUI_REDRAW;
}

static int conflicts_key(tui_screen *s, int key)
{
	struct conflicts *c = tui_screen_data(s);
	int r = tui_list_key(c->list, key);

	return r == TUI_UNHANDLED ? r : TUI_REDRAW;
}

static void resolve_answer(tui *t, int yes, void *ud)
{
	struct conflicts *c = ud;
	struct console *con = console_get();

	if (!yes)
		return;
	if (ecache_resolve(con->app->cache, c->seq, c->how) < 0)
		tui_message(t, TUI_MSG_ERROR, "%s", ecache_errmsg(con->app->cache));
	else
		tui_message(t, TUI_MSG_INFO, "%s", c->how == ECACHE_RESOLVE_REDO ?
			    _("Queued again on the server's version.") : _("Discarded."));
	console_acted(con);
}

static int resolve(tui_screen *s, ecache_resolution how)
{
	struct conflicts *c = tui_screen_data(s);
	size_t i = tui_list_selected(c->list);
	const ecache_outbox_row *r;
	char q[256];

	if (i >= c->items.n)
		return TUI_HANDLED;
	r = &c->items.items[i].row;
	if (how == ECACHE_RESOLVE_REDO && r->status != ECACHE_OUT_CONFLICT) {
		tui_message(tui_screen_tui(s), TUI_MSG_WARN, "%s",
			    _("A failed action cannot be redone; discard it."));
		return TUI_HANDLED;
	}
	c->seq = r->seq;
	c->how = how;
	snprintf(q, sizeof q, how == ECACHE_RESOLVE_REDO ?
		 _("Redo %s on %s, on the server's version?") :
		 _("Discard %s on %s? Its effect is undone here."),
		 label_action(r->action), r->dossier_code ? r->dossier_code : r->dossier_id);
	tui_confirm(tui_screen_tui(s), how == ECACHE_RESOLVE_REDO ? _("Redo") : _("Discard"),
		    q, resolve_answer, c);
	return TUI_REDRAW;
}

static int key_redo(tui_screen *s, int key) { (void)key; return resolve(s, ECACHE_RESOLVE_REDO); }
static int key_discard(tui_screen *s, int key) { (void)key; return resolve(s, ECACHE_RESOLVE_DISCARD); }

static const struct tui_key_binding conflicts_keys[] = {
	{ 'r', "conflict-redo", N_("Redo on the server's version"), key_redo },
	{ 'x', "conflict-discard", N_("Discard the action"), key_discard },
	{ 0, NULL, NULL, NULL }
};

const struct tui_screen_entry screen_conflicts = {
	.name = "conflicts",
	.title = N_("Conflicts"),
	.keys = conflicts_keys,
	.create = conflicts_create,
	.destroy = conflicts_destroy,
	.draw = conflicts_draw,
	.on_key = conflicts_key,
	.on_resize = conflicts_resize,
	.on_event = conflicts_event,
};
