/*
 * One dossier: its sections (dossier-view.c) scrolled in the body, the
 * actions this person may take here (a chooser on `a`, and one key each
 * for the common ones), document downloads with progress, and the text
 * documents shown in the pager.
 *
 * The dossier is read from the cache with the person's unsent actions
 * applied (shown pending) and read again whenever a sync changes the
 * cache.  When only the summary is cached and the server can be reached,
 * the full form is fetched in the background and stored in the cache.
 * Downloads go to $XDG_CACHE_HOME/egov/documents/, resuming if a part is
 * there; a timer shows the progress on the message line.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "screens.h"
#include "dossier-view.h"
#include "cli-util.h"

struct dossier {
	char *id;
	eapi_dossier *d;
	int pending;
	struct dview view;
	size_t top;
	int fetched;			/* asked the server for the full form */
	uint64_t dl_id;			/* download in flight, 0 none */
	unsigned dl_timer;
	char *dl_path, *dl_name, *dl_mime;
	const char *doc_choices[33];
	size_t doc_index[33];
};

static void on_full(eapi_completion *comp, void *ud);

static void load(tui_screen *s, struct dossier *ds)
{
	struct console *con = console_get();
	ecache_outbox_list out;
	char title[256];
	eapi_dossier *d = ecache_dossier_get(con->app->cache, ds->id, &ds->pending);

	/* Gone from the cache (no longer visible): keep showing what was. */
	if (d == NULL)
		return;
	eapi_dossier_free(ds->d);
	ds->d = d;
	ecache_outbox_list_init(&out);
	ecache_outbox_list_get(con->app->cache, ECACHE_OUTBOX_OPEN, ds->id, &out);
	dview_build(&ds->view, ds->d, ds->pending, &out);
	ecache_outbox_list_release(&out);
	snprintf(title, sizeof title, "%s %s", _("Dossier"), ds->d->code);
	tui_screen_set_title(s, title);
	if (!ds->d->has_full && !ds->fetched) {
		ds->fetched = 1;
		console_request(con, eapi_get_dossier(con->app->client, ds->id, NULL),
				on_full, ds);
	}
}

static void on_full(eapi_completion *comp, void *ud)
{
	struct console *con = console_get();

	(void)ud;
	if (comp->error.result == EAPI_OK && comp->u.dossier != NULL &&
	    ecache_dossier_upsert(con->app->cache, comp->u.dossier) > 0) {
		unsigned what = ECACHE_CHANGED_DOSSIERS;

		tui_notify(con->t, CONSOLE_EV_CHANGED, &what);
	}
	eapi_completion_free(comp);
}

static int dossier_create(tui_screen *s, void *arg, char *err, size_t errlen)
{
	struct console *con = console_get();
	struct dossier *ds;

	if (arg == NULL || con->app->cache == NULL) {
		snprintf(err, errlen, "%s", _("No such dossier in the cache."));
		return -1;
	}
	ds = calloc(1, sizeof *ds);
	if (ds == NULL || (ds->id = strdup(arg)) == NULL) {
		free(ds);
		snprintf(err, errlen, "%s", _("Out of memory."));
		return -1;
	}
	dview_init(&ds->view);
	tui_screen_set_data(s, ds);
	load(s, ds);
	if (ds->d == NULL) {
		tui_screen_set_data(s, NULL);
		free(ds->id);
		free(ds);
		snprintf(err, errlen, "%s", _("No such dossier in the cache."));
		return -1;
	}
	return 0;
}

static void dl_stop(struct dossier *ds)
{
	struct console *con = console_get();

	if (ds->dl_timer)
		tui_timer_cancel(con->t, ds->dl_timer);
	ds->dl_timer = 0;
	ds->dl_id = 0;
	free(ds->dl_path);
	free(ds->dl_name);
	free(ds->dl_mime);
	ds->dl_path = ds->dl_name = ds->dl_mime = NULL;
}

static void dossier_destroy(tui_screen *s)
{
	struct dossier *ds = tui_screen_data(s);

	if (ds == NULL)
		return;
	console_forget(console_get(), ds);
	dl_stop(ds);
	dview_release(&ds->view);
	eapi_dossier_free(ds->d);
	free(ds->id);
	free(ds);
}

static void dossier_draw(tui_screen *s, WINDOW *w, int full)
{
	struct dossier *ds = tui_screen_data(s);
	int rows, cols, y;

	(void)full;
	tui_screen_size(s, &rows, &cols);
	werase(w);
	for (y = 0; y < rows && ds->top + (size_t)y < ds->view.n; y++) {
		const struct dview_line *l = &ds->view.lines[ds->top + (size_t)y];

		tui_draw_text(w, y, 0, cols, l->text, TUI_ALIGN_LEFT,
			      tui_style_attr((enum tui_style)l->style));
	}
	wmove(w, 0, 0);
}

static int dossier_event(tui_screen *s, int event, void *data)
{
	struct dossier *ds = tui_screen_data(s);

	(void)data;
	if (event == CONSOLE_EV_CHANGED) {
		load(s, ds);
		return TUI_REDRAW | TUI_REDRAW_CHROME;
	}
	return TUI_UNHANDLED;
}

static int scroll_by(tui_screen *s, long delta)
{
	struct dossier *ds = tui_screen_data(s);
	int rows, cols;
	long top = (long)ds->top + delta, max;

	tui_screen_size(s, &rows, &cols);
	max = (long)ds->view.n - rows;
	if (top > max)
		top = max;
	if (top < 0)
		top = 0;
	if ((size_t)top == ds->top)
		return TUI_HANDLED;
	ds->top = (size_t)top;
	return TUI_REDRAW;
}

static int key_down(tui_screen *s, int key) { (void)key; return scroll_by(s, 1); }
static int key_up(tui_screen *s, int key) { (void)key; return scroll_by(s, -1); }
static int key_home(tui_screen *s, int key) { (void)key; return scroll_by(s, -1000000); }
static int key_end(tui_screen *s, int key) { (void)key; return scroll_by(s, 1000000); }

static int key_pgdn(tui_screen *s, int key)
{
	int rows, cols;

	(void)key;
	tui_screen_size(s, &rows, &cols);
	return scroll_by(s, rows > 1 ? rows - 1 : 1);
}

static int key_pgup(tui_screen *s, int key)
{
	int rows, cols;

	(void)key;
	tui_screen_size(s, &rows, &cols);
	return scroll_by(s, -(rows > 1 ? rows - 1 : 1));
}

static int key_act(tui_screen *s, int key)
{
	struct console *con = console_get();
	struct dossier *ds = tui_screen_data(s);
	const char *allowed[16];
	const char *ids[1] = { ds->id };
	size_t n = 0, i;

	(void)key;
	for (i = 0; console_actions[i] != NULL; i++)
		if (action_allowed(console_actions[i], ds->d, &con->app->session))
			allowed[n++] = console_actions[i];
	action_choose(con, allowed, n, ids, 1);
	return TUI_REDRAW;
}

static int act_direct(tui_screen *s, const char *action)
{
	struct console *con = console_get();
	struct dossier *ds = tui_screen_data(s);
	const char *ids[1] = { ds->id };

	if (!action_allowed(action, ds->d, &con->app->session)) {
		tui_message(con->t, TUI_MSG_WARN, _("%s is not open to you in this state."),
			    label_action(action));
		return TUI_HANDLED;
	}
	action_start(con, action, ids, 1);
	return TUI_REDRAW;
}

static int key_receive(tui_screen *s, int key) { (void)key; return act_direct(s, "receive"); }
static int key_claim(tui_screen *s, int key) { (void)key; return act_direct(s, "claim"); }
static int key_propose(tui_screen *s, int key) { (void)key; return act_direct(s, "propose"); }
static int key_comment(tui_screen *s, int key) { (void)key; return act_direct(s, "comment"); }
static int key_supplement(tui_screen *s, int key)
{
	(void)key;
	return act_direct(s, "request_supplement");
}

static int key_view(tui_screen *s, int key)
{
	struct dossier *ds = tui_screen_data(s);
	char *text = dview_join(&ds->view);

	(void)key;
	if (text != NULL)
		tui_pager_push(tui_screen_tui(s), tui_screen_title(s), text);
	free(text);
	return TUI_REDRAW | TUI_REDRAW_CHROME;
}

/* ---- documents ------------------------------------------------------------ */

static void dl_progress(tui *t, void *ud)
{
	struct dossier *ds = ud;
	long long done = 0, total = -1;

	if (ds->dl_id == 0 ||
	    eapi_progress(console_get()->app->client, ds->dl_id, &done, &total) < 0)
		return;
	if (total > 0)
		tui_message(t, TUI_MSG_INFO, _("Downloading %s: %lld%%"), ds->dl_name,
			    done * 100 / total);
	else
		tui_message(t, TUI_MSG_INFO, _("Downloading %s: %lld bytes"),
			    ds->dl_name, done);
}

static int is_text(const char *mime)
{
	return mime && (strncmp(mime, "text/", 5) == 0 ||
			strcmp(mime, "application/json") == 0 ||
			strcmp(mime, "application/xml") == 0);
}

static char *read_small(const char *path, size_t cap)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;

	if (f == NULL)
		return NULL;
	buf = malloc(cap + 1);
	if (buf != NULL) {
		n = fread(buf, 1, cap, f);
		buf[n] = '\0';
	}
	fclose(f);
	return buf;
}

static void on_downloaded(eapi_completion *comp, void *ud)
{
	struct dossier *ds = ud;
	struct console *con = console_get();

	if (comp->error.result != EAPI_OK) {
		tui_message(con->t, TUI_MSG_ERROR, _("Download failed: %s"),
			    comp->error.message);
	} else if (is_text(ds->dl_mime)) {
		char *text = read_small(ds->dl_path, 1 << 20);

		if (text != NULL && tui_pager_push(con->t, ds->dl_name, text) == 0)
			tui_message(con->t, TUI_MSG_INFO, _("Saved in %s"), ds->dl_path);
		free(text);
	} else {
		tui_message(con->t, TUI_MSG_INFO, _("Saved in %s"), ds->dl_path);
	}
	eapi_completion_free(comp);
	dl_stop(ds);
}

static void dl_start(struct dossier *ds, size_t i)
{
	struct console *con = console_get();
	const eapi_document *doc = &ds->d->documents[i];
	char *dir = cli_xdg_path("XDG_CACHE_HOME", ".cache", "egov/documents");
	char *path = NULL;
	size_t k;

	if (ds->dl_id != 0) {
		tui_message(con->t, TUI_MSG_WARN, "%s", _("A download is already running."));
		free(dir);
		return;
	}
	if (dir == NULL || cli_mkdir_private(dir) < 0 ||
	    asprintf(&path, "%s/%s-%s", dir, ds->id, doc->id) < 0) {
		tui_message(con->t, TUI_MSG_ERROR, "%s", _("Cannot make the download folder."));
		free(dir);
		return;
	}
	free(dir);
	/* Ids are the server's: keep the file name to safe characters. */
	for (k = strlen(path) - strlen(ds->id) - strlen(doc->id) - 1; path[k]; k++)
		if (path[k] == '/' || path[k] == '.')
			path[k] = '_';
	ds->dl_path = path;
	ds->dl_name = strdup(doc->name ? doc->name : doc->id);
	ds->dl_mime = doc->mime ? strdup(doc->mime) : NULL;
	ds->dl_id = eapi_download_document(con->app->client, ds->id, doc->id, path, NULL);
	if (ds->dl_id == 0 || console_request(con, ds->dl_id, on_downloaded, ds) < 0) {
		tui_message(con->t, TUI_MSG_ERROR, "%s", _("Cannot start the download."));
		dl_stop(ds);
		return;
	}
	ds->dl_timer = tui_timer_add(con->t, 250, 1, dl_progress, ds);
}

static int doc_chosen(tui *t, tui_form *f, int ok, void *ud)
{
	struct dossier *ds = ud;
	const char *v = ok ? tui_form_value(f, "doc") : NULL;
	size_t i;

	(void)t;
	for (i = 0; v != NULL && ds->doc_choices[i] != NULL; i++) {
		if (ds->doc_choices[i] == v) {
			dl_start(ds, ds->doc_index[i]);
			break;
		}
	}
	return 0;
}

static int key_download(tui_screen *s, int key)
{
	struct dossier *ds = tui_screen_data(s);
	tui_form *f;
	size_t i, n = 0;

	(void)key;
	if (!ds->d->has_full || ds->d->n_documents == 0) {
		tui_message(tui_screen_tui(s), TUI_MSG_INFO, "%s", _("No documents to download."));
		return TUI_HANDLED;
	}
	if (ds->d->n_documents == 1) {
		dl_start(ds, 0);
		return TUI_HANDLED;
	}
	for (i = 0; i < ds->d->n_documents && n < 32; i++) {
		ds->doc_choices[n] = ds->d->documents[i].name ? ds->d->documents[i].name
			: ds->d->documents[i].id;
		ds->doc_index[n++] = i;
	}
	ds->doc_choices[n] = NULL;
	f = tui_form_new(_("Download a document"));
	if (f == NULL)
		return TUI_HANDLED;
	tui_form_add_choice(f, "doc", _("Document"), ds->doc_choices, 0);
	tui_form_open(tui_screen_tui(s), f, doc_chosen, ds);
	return TUI_REDRAW;
}

static const struct tui_key_binding dossier_keys[] = {
	{ 'a', "dossier-act", N_("Choose an action"), key_act },
	{ TUI_KEY_ENTER, "dossier-act", N_("Choose an action"), key_act },
	{ 'r', "dossier-receive", N_("Receive"), key_receive },
	{ 'c', "dossier-claim", N_("Claim"), key_claim },
	{ 'p', "dossier-propose", N_("Propose the result"), key_propose },
	{ 'u', "dossier-supplement", N_("Request a supplement"), key_supplement },
	{ 'm', "dossier-comment", N_("Comment"), key_comment },
	{ 'd', "dossier-download", N_("Download a document"), key_download },
	{ 'v', "dossier-view", N_("Read the whole dossier in the pager"), key_view },
	{ TUI_KEY_DOWN, "dossier-down", N_("Scroll down"), key_down },
	{ 'j', "dossier-down", N_("Scroll down"), key_down },
	{ TUI_KEY_UP, "dossier-up", N_("Scroll up"), key_up },
	{ 'k', "dossier-up", N_("Scroll up"), key_up },
	{ TUI_KEY_PGDN, "dossier-page-down", N_("Next page"), key_pgdn },
	{ ' ', "dossier-page-down", N_("Next page"), key_pgdn },
	{ TUI_KEY_PGUP, "dossier-page-up", N_("Previous page"), key_pgup },
	{ TUI_KEY_HOME, "dossier-top", N_("Top"), key_home },
	{ TUI_KEY_END, "dossier-bottom", N_("Bottom"), key_end },
	{ TUI_KEY_CTRL('f'), "search", N_("Search dossiers"), console_key_search },
	{ 'R', "sync", N_("Sync with the server now"), console_key_sync },
	{ 0, NULL, NULL, NULL }
};

const struct tui_screen_entry screen_dossier = {
	.name = "dossier",
	.title = N_("Dossier"),
	.keys = dossier_keys,
	.create = dossier_create,
	.destroy = dossier_destroy,
	.draw = dossier_draw,
	.on_resize = console_on_resize,
	.on_event = dossier_event,
};
