/*
 * One officer's dossiers, seen by their head of unit, and reassigning
 * them: tag dossiers with space (or none: the selected one), press a,
 * pick the officer who takes them over by typing part of a name (without
 * diacritics: "tuan" finds "Tuấn"), confirm, and one "assign" action per
 * dossier is queued in the cache's outbox.  The sync sends each with its
 * own idempotency key; the list shows them pending until the server
 * accepts, and the workload counts move at once.
 *
 * Only dossiers the contract lets a head reassign (received, in progress,
 * awaiting approval) are sent; the others are counted and named in the
 * message, never silently dropped.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screens.h"
#include "table.h"
#include "vntext.h"

static const struct tui_column held_columns[] = {
	{ N_("Due"), 11, 11, 1, TUI_ALIGN_LEFT },
	{ N_("Number"), 12, 27, 0, TUI_KEEP_TAIL },
	{ N_("Applicant"), 14, 0, 0, TUI_ALIGN_LEFT },
	{ N_("State"), 12, 18, 2, TUI_ALIGN_LEFT },
};
#define N_HELD (int)(sizeof held_columns / sizeof held_columns[0])

struct held {
	struct table tb;		/* first: export.c reads it */
	tui_list *list;
	char *officer_id;
	int stale;
};

static int add_held_row(const ecache_row *r, void *ud)
{
	struct held *h = ud;
	long k = table_add(&h->tb, r->id);
	char buf[64];

	if (k < 0)
		return -1;
	label_due(r, buf, sizeof buf);
	table_set(&h->tb, k, 0, buf);
	table_set(&h->tb, k, 1, r->code);
	table_set(&h->tb, k, 2, r->applicant_name);
	snprintf(buf, sizeof buf, "%s%s", label_state(r->state), r->pending ? " *" : "");
	table_set(&h->tb, k, 3, buf);
	table_set_style(&h->tb, k, row_urgency_style(r));
	return 0;
}

static int fill(struct held *h)
{
	struct console *con = console_get();

	table_clear(&h->tb);
	table_each_queue_row(con->app->cache, ECACHE_Q_MINE, h->officer_id, add_held_row, h);
	return table_build_view(&h->tb);
}

static int held_create(tui_screen *s, void *arg, char *err, size_t errlen)
{
	struct console *con = console_get();
	struct held *h = calloc(1, sizeof *h);
	eapi_user *u;
	char title[256];

	if (h == NULL || arg == NULL || con->app->cache == NULL ||
	    (h->officer_id = strdup(arg)) == NULL) {
		free(h);
		snprintf(err, errlen, "%s", _("Out of memory."));
		return -1;
	}
	table_init(&h->tb, held_columns, N_HELD);
	if (fill(h) < 0 ||
	    (h->list = tui_list_new(held_columns, N_HELD, &table_source, &h->tb)) == NULL) {
		table_release(&h->tb);
		free(h->officer_id);
		free(h);
		snprintf(err, errlen, "%s", _("Out of memory."));
		return -1;
	}
	u = ecache_get_user(con->app->cache, h->officer_id);
	snprintf(title, sizeof title, _("Held by %s"), u && u->full_name ? u->full_name : "?");
	eapi_user_free(u);
	tui_screen_set_title(s, title);
	tui_screen_set_data(s, h);
	tui_screen_attach_list(s, h->list);
	return 0;
}

static void held_destroy(tui_screen *s)
{
	struct held *h = tui_screen_data(s);

	tui_list_free(h->list);
	table_release(&h->tb);
	free(h->officer_id);
	free(h);
}

static void held_draw(tui_screen *s, WINDOW *w, int full)
{
	struct held *h = tui_screen_data(s);

	if (h->stale) {
		h->stale = 0;
		fill(h);
		tui_list_refresh(h->list);
		full = 1;
	}
	tui_list_draw(h->list, w, full);
}

static int held_event(tui_screen *s, int event, void *data)
{
	struct held *h = tui_screen_data(s);
	unsigned what = data ? *(unsigned *)data : ~0u;

	(void)event;
	if (what & (ECACHE_CHANGED_DOSSIERS | ECACHE_CHANGED_OUTBOX)) {
		h->stale = 1;
		return TUI_REDRAW;
	}
	return TUI_UNHANDLED;
}

/* ---- reassigning ------------------------------------------------------------ */

struct reassign {
	struct console *con;
	char **ids;
	size_t n;
	eapi_user_list *users;		/* everyone of the agency */
	char *holder_id;		/* not offered: they hold them now */
	char *to_id, *to_name;
};

static void reassign_free(struct reassign *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->ids[i]);
	free(r->ids);
	eapi_user_list_free(r->users);
	free(r->holder_id);
	free(r->to_id);
	free(r->to_name);
	free(r);
}

static void officer_label(const eapi_user *u, char *buf, size_t len)
{
	snprintf(buf, len, "%s (%s)", u->full_name ? u->full_name : "",
		 u->username ? u->username : "");
}

/* Officers of the agency who could take the dossiers. */
static int candidate(const struct reassign *r, const eapi_user *u)
{
	return u->role == EAPI_ROLE_OFFICER &&
		(r->holder_id == NULL || strcmp(u->id, r->holder_id) != 0);
}

static size_t pick_officer(void *ud, const char *typed, char **out, size_t max)
{
	struct reassign *r = ud;
	char *want = vn_fold(typed ? typed : "");
	size_t i, n = 0;

	for (i = 0; want && r->users && i < r->users->n && n < max; i++) {
		char label[512], *folded;

		if (!candidate(r, &r->users->items[i]))
			continue;
		officer_label(&r->users->items[i], label, sizeof label);
		folded = vn_fold(label);
		if (folded && strstr(folded, want) && (out[n] = strdup(label)) != NULL)
			n++;
		free(folded);
	}
	free(want);
	return n;
}

static void reassign_confirmed(tui *t, int yes, void *ud)
{
	struct reassign *r = ud;
	size_t i, ok = 0, skipped = 0;

	if (yes) {
		for (i = 0; i < r->n; i++) {
			eapi_dossier *d = ecache_dossier_get(r->con->app->cache, r->ids[i], NULL);
			eapi_action a;

			if (d == NULL || !action_allowed("assign", d, &r->con->app->session)) {
				skipped++;
				eapi_dossier_free(d);
				continue;
			}
			memset(&a, 0, sizeof a);
			a.dossier_id = r->ids[i];
			a.action = "assign";
			a.assignee_id = r->to_id;
			if (ecache_act(r->con->app->cache, &a, NULL) > 0)
				ok++;
			else
				skipped++;
			eapi_dossier_free(d);
		}
		if (skipped == 0)
			tui_message(t, TUI_MSG_INFO, _("%zu dossier(s) reassigned to %s: queued in the outbox."),
				    ok, r->to_name);
		else
			tui_message(t, TUI_MSG_WARN,
				    _("%zu dossier(s) reassigned to %s; %zu cannot be reassigned in their state."),
				    ok, r->to_name, skipped);
		console_acted(r->con);
	}
	reassign_free(r);
}

static int pick_done(tui *t, tui_form *f, int ok, void *ud)
{
	struct reassign *r = ud;
	const char *v = tui_form_value(f, "officer");
	char q[512];
	size_t i;

	if (!ok) {
		reassign_free(r);
		return 0;
	}
	for (i = 0; v && r->users && i < r->users->n; i++) {
		char label[512];

		officer_label(&r->users->items[i], label, sizeof label);
		if (candidate(r, &r->users->items[i]) && strcmp(label, v) == 0) {
			r->to_id = strdup(r->users->items[i].id);
			r->to_name = strdup(r->users->items[i].full_name ?
					    r->users->items[i].full_name : "");
			break;
		}
	}
	if (r->to_id == NULL || r->to_name == NULL) {
		tui_form_set_error(f, _("Pick an officer from the list."));
		return 1;
	}
	snprintf(q, sizeof q, _("Reassign %zu dossier(s) to %s?"), r->n, r->to_name);
	tui_confirm(t, _("Reassign"), q, reassign_confirmed, r);
	return 0;
}

static int key_reassign(tui_screen *s, int key)
{
	struct console *con = console_get();
	struct held *h = tui_screen_data(s);
	size_t ntag = tui_list_tagged_count(h->list), i;
	struct reassign *r;
	tui_form *f;

	(void)key;
	if (ntag == 0 && tui_list_selected_id(h->list) == NULL)
		return TUI_HANDLED;
	r = calloc(1, sizeof *r);
	if (r == NULL || (r->ids = calloc(ntag ? ntag : 1, sizeof *r->ids)) == NULL) {
		free(r);
		return TUI_HANDLED;
	}
	r->con = con;
	if (ntag == 0)
		r->ids[r->n++] = strdup(tui_list_selected_id(h->list));
	for (i = 0; i < ntag; i++)
		r->ids[r->n++] = strdup(tui_list_tagged_id(h->list, i));
	for (i = 0; i < r->n; i++)
		if (r->ids[i] == NULL) {
			reassign_free(r);
			return TUI_HANDLED;
		}
	r->holder_id = strdup(h->officer_id);
	r->users = ecache_get_users(con->app->cache, con->app->session.agency_id);
	f = tui_form_new(_("Reassign"));
	if (f == NULL) {
		reassign_free(r);
		return TUI_HANDLED;
	}
	tui_form_add_pick(f, "officer", _("To officer (type a name)"), pick_officer, r);
	tui_form_open(con->t, f, pick_done, r);
	return TUI_REDRAW;
}

static int key_open(tui_screen *s, int key)
{
	struct held *h = tui_screen_data(s);

	(void)key;
	return console_open_selected(s, h->list, &screen_dossier);
}

static int key_export(tui_screen *s, int key)
{
	struct held *h = tui_screen_data(s);

	(void)key;
	export_ask(console_get(), &h->tb, "dossiers", 0);
	return TUI_REDRAW;
}

static const struct tui_key_binding held_keys[] = {
	{ 'a', "reassign", N_("Reassign the tagged dossiers (or this one)"), key_reassign },
	{ TUI_KEY_ENTER, "queue-open", N_("Open the dossier"), key_open },
	{ 'x', "export", N_("Export as CSV"), key_export },
	{ 0, NULL, NULL, NULL }
};

const struct tui_screen_entry screen_officer_dossiers = {
	.name = "officer-dossiers",
	.title = N_("Held"),
	.keys = held_keys,
	.create = held_create,
	.destroy = held_destroy,
	.draw = held_draw,
	.on_resize = console_on_resize,
	.on_event = held_event,
};
