/*
 * The full-screen console: what `egov` runs with no subcommand.
 *
 * cli/ opens the application context (configuration, api client, cache,
 * session) and hands it to console_main(), which owns the terminal until
 * the person leaves and returns the program's exit code.
 *
 * Here the pieces meet: the tui's poll() loop watches the api-client's
 * completion descriptor and runs a one-second timer for the sync engine,
 * so nothing on the UI thread ever waits for the network.  Each
 * completion goes to the sync engine first, then to the screen that sent
 * the request (console_request()).  When the engine changes the cache,
 * every screen hears of it through tui_notify() and refreshes its own
 * view.  The status bar is fed from the session, the link statistics of
 * the client and the cache's sync status.
 */
#include "config.h"
#include "console.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>

#include "screens.h"

static struct console *the_console;

struct console *console_get(void)
{
	return the_console;
}

/* ---- requests a screen sent --------------------------------------------- */

int console_request(struct console *con, uint64_t id, console_done_fn fn, void *ud)
{
	if (id == 0)
		return -1;
	if (con->nreqs == con->reqs_cap) {
		size_t cap = con->reqs_cap ? con->reqs_cap * 2 : 8;
		struct console_req *grown = realloc(con->reqs, cap * sizeof *grown);

		if (grown == NULL)
			return -1;
		con->reqs = grown;
		con->reqs_cap = cap;
	}
	con->reqs[con->nreqs].id = id;
	con->reqs[con->nreqs].fn = fn;
	con->reqs[con->nreqs].ud = ud;
	con->nreqs++;
	return 0;
}

void console_forget(struct console *con, void *ud)
{
	size_t i = 0;

	while (i < con->nreqs) {
		if (con->reqs[i].ud == ud) {
			eapi_cancel(con->app->client, con->reqs[i].id);
			con->reqs[i] = con->reqs[--con->nreqs];
		} else {
			i++;
		}
	}
}

static void deliver(struct console *con, eapi_completion *comp)
{
	size_t i;

	/* A refused password (login, unlock) is not a session lost. */
	if (comp->error.result == EAPI_E_AUTH && comp->op != EAPI_OP_LOGIN &&
	    !con->auth_lost) {
		con->auth_lost = 1;
		tui_message(con->t, TUI_MSG_WARN, "%s",
			    _("The server asks you to log in again."));
		console_open(con->t, &screen_login, NULL);
	}
	if (con->sync != NULL && ecache_sync_on_completion(con->sync, comp))
		return;
	for (i = 0; i < con->nreqs; i++) {
		if (con->reqs[i].id == comp->id) {
			struct console_req r = con->reqs[i];

			con->reqs[i] = con->reqs[--con->nreqs];
			r.fn(comp, r.ud);	/* takes the completion */
			return;
		}
	}
	eapi_completion_free(comp);
}

static void arm_tick(struct console *con);

static void on_client_fd(tui *t, int fd, short revents, void *ud)
{
	struct console *con = ud;
	eapi_completion *comp;

	(void)t;
	(void)fd;
	(void)revents;
	while ((comp = eapi_next_completion(con->app->client)) != NULL)
		deliver(con, comp);
	arm_tick(con);
	console_update_status(con);
}

/* ---- the status bar ----------------------------------------------------- */

static void load_agency_name(struct console *con)
{
	eapi_agency_list *l;
	size_t i;

	if (con->app->cache == NULL || con->app->session.agency_id == NULL)
		return;
	l = ecache_get_agencies(con->app->cache);
	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++) {
		if (strcmp(l->items[i].id, con->app->session.agency_id) == 0) {
			const char *n = l->items[i].short_name;
			char *copy = strdup(n && *n ? n : l->items[i].name);

			if (copy != NULL) {
				free(con->agency_name);
				con->agency_name = copy;
			}
			break;
		}
	}
	eapi_agency_list_free(l);
}

void console_update_status(struct console *con)
{
	struct egov_session *se = &con->app->session;
	struct tui_status st;
	eapi_link_stats link;
	ecache_status cs;

	memset(&st, 0, sizeof st);
	st.user = se->full_name ? se->full_name : se->username;
	st.role = se->known ? label_role(se->role) : "";
	st.agency = con->agency_name ? con->agency_name : se->agency_id;
	eapi_client_link_stats(con->app->client, &link);
	if (!link.online)
		st.link = TUI_LINK_OFFLINE;
	else
		st.link = link.slow ? TUI_LINK_SLOW : TUI_LINK_ONLINE;
	if (con->app->cache != NULL && ecache_status_get(con->app->cache, &cs) == 0) {
		st.last_sync = cs.last_sync;
		st.outbox = (long)(cs.outbox[ECACHE_OUT_QUEUED] +
				   cs.outbox[ECACHE_OUT_IN_FLIGHT] +
				   cs.outbox[ECACHE_OUT_RETRY]);
		st.conflicts = (long)(cs.outbox[ECACHE_OUT_CONFLICT] +
				      cs.outbox[ECACHE_OUT_FAILED]);
	}
	tui_set_status(con->t, &st);
}

/* ---- the sync engine ---------------------------------------------------- */

static void on_sync_change(void *ud, unsigned what)
{
	struct console *con = ud;

	if (what & ECACHE_CHANGED_REFERENCE)
		load_agency_name(con);
	tui_notify(con->t, CONSOLE_EV_CHANGED, &what);
	console_update_status(con);
}

/* The sync engine says when it next wants a tick (the interval, or the
 * backoff while the link is down); the console sleeps until then instead
 * of waking every second.  Whatever else can make a round due sooner
 * re-arms it: an answer from the server (on_client_fd), the person's own
 * action (console_acted), a login.  A round in progress moves on by its
 * answers, so the tick it asks for a second later only refreshes the
 * status.  The wait is capped because the engine counts in wall-clock
 * time and the timers in monotonic time, which part across a suspend. */
#define TICK_MAX_S 300

static void on_tick(tui *t, void *ud);

static void arm_tick(struct console *con)
{
	time_t now = time(NULL), next;
	long s;

	tui_timer_cancel(con->t, con->tick_timer);
	con->tick_timer = 0;
	if (con->sync == NULL || con->auth_lost)
		return;
	next = ecache_sync_tick(con->sync, now);
	s = next > now ? (long)(next - now) : 1;
	if (s > TICK_MAX_S)
		s = TICK_MAX_S;
	con->tick_timer = tui_timer_add(con->t, s * 1000, 0, on_tick, con);
}

static void on_tick(tui *t, void *ud)
{
	struct console *con = ud;

	(void)t;
	con->tick_timer = 0;	/* a one-shot timer is gone once it fires */
	arm_tick(con);
	console_update_status(con);
}

void console_sync_now(struct console *con)
{
	int rc;

	if (con->sync == NULL)
		return;
	rc = ecache_sync_start(con->sync);
	if (rc == 0)
		tui_message(con->t, TUI_MSG_INFO, "%s", _("Syncing..."));
	else if (rc == 1)
		tui_message(con->t, TUI_MSG_INFO, "%s", _("A sync is already running."));
	else
		tui_message(con->t, TUI_MSG_ERROR, "%s", _("Cannot start a sync."));
}

void console_acted(struct console *con)
{
	unsigned what = ECACHE_CHANGED_DOSSIERS | ECACHE_CHANGED_OUTBOX;

	tui_notify(con->t, CONSOLE_EV_CHANGED, &what);
	arm_tick(con);
	console_update_status(con);
}

int console_session_ready(struct console *con)
{
	ecache_sync_options o;

	con->auth_lost = 0;
	if (con->app->cache == NULL && egov_app_open_cache(con->app) != EGOV_EXIT_OK) {
		tui_message(con->t, TUI_MSG_ERROR, "%s", con->app->err);
		return -1;
	}
	if (con->sync == NULL) {
		ecache_sync_options_init(&o);
		if (con->app->config.sync_interval > 0)
			o.interval_s = con->app->config.sync_interval;
		o.on_change = on_sync_change;
		o.on_change_ud = con;
		con->sync = ecache_sync_new(con->app->cache, con->app->client, &o);
		if (con->sync == NULL) {
			tui_message(con->t, TUI_MSG_ERROR, "%s", _("Out of memory."));
			return -1;
		}
	}
	load_agency_name(con);
	ecache_sync_start(con->sync);
	arm_tick(con);
	console_update_status(con);
	tui_notify(con->t, CONSOLE_EV_LOGGED_IN, NULL);
	return 0;
}

/* ---- helpers for screens ------------------------------------------------ */

int console_open(tui *t, const struct tui_screen_entry *e, void *arg)
{
	char err[256];

	if (tui_push(t, e, arg, err, sizeof err) < 0) {
		tui_message(t, TUI_MSG_ERROR, "%s", err);
		return TUI_HANDLED;
	}
	return TUI_REDRAW | TUI_REDRAW_CHROME;
}

int console_open_selected(tui_screen *s, tui_list *list, const struct tui_screen_entry *e)
{
	const char *id = tui_list_selected_id(list);
	char idbuf[128];

	if (id == NULL)
		return TUI_HANDLED;
	/* A copy: the list's rows may be refreshed while e is pushed. */
	snprintf(idbuf, sizeof idbuf, "%s", id);
	return console_open(tui_screen_tui(s), e, idbuf);
}

int console_key_search(tui_screen *s, int key)
{
	(void)key;
	return console_open(tui_screen_tui(s), &screen_search, NULL);
}

int console_key_sync(tui_screen *s, int key)
{
	(void)s;
	(void)key;
	console_sync_now(console_get());
	return TUI_HANDLED;
}

void console_on_resize(tui_screen *s, int rows, int cols)
{
	(void)rows;
	(void)cols;
	tui_repaint_all(tui_screen_tui(s));
}

/* ---- the entry point ---------------------------------------------------- */

static void apply_key_config(struct console *con)
{
	const struct egov_config *cfg = &con->app->config;
	size_t i;

	for (i = 0; i < cfg->n_keys; i++) {
		char spec[256], err[256];

		snprintf(spec, sizeof spec, "%s=%s", cfg->keys[i].name,
			 cfg->keys[i].value);
		if (tui_bind_spec(spec, err, sizeof err) < 0)
			egov_app_log(con->app, EGOV_LOG_WARN,
				     "config line %d: %s", cfg->keys[i].line, err);
	}
}

int console_main(struct egov_app *app)
{
	struct console con;
	struct tui_options opt;
	char err[512];
	int rc;

	memset(&con, 0, sizeof con);
	con.app = app;
	memset(&opt, 0, sizeof opt);
	opt.no_color = app->config.color == EGOV_COLOR_NEVER;
	if (app->client == NULL) {
		fprintf(stderr, "egov: %s\n", _("no server is configured"));
		return EGOV_EXIT_USAGE;
	}
	apply_key_config(&con);
	con.t = tui_new(&opt, err, sizeof err);
	if (con.t == NULL) {
		fprintf(stderr, "egov: %s\n", err);
		tui_bindings_reset();
		return EGOV_EXIT_FAILURE;
	}
	the_console = &con;
	if (tui_watch_fd(con.t, eapi_client_fd(app->client), POLLIN,
			 on_client_fd, &con) < 0) {
		rc = EGOV_EXIT_FAILURE;
		goto cleanup;
	}
	if (console_commands_setup(&con, err, sizeof err) < 0)
		egov_app_log(app, EGOV_LOG_WARN, "command line: %s", err);
	lock_setup(&con);
	if (tui_push(con.t, &screen_home, NULL, err, sizeof err) < 0) {
		rc = EGOV_EXIT_FAILURE;
		goto cleanup;
	}
	if (app->session.known && app->cache != NULL)
		console_session_ready(&con);
	else
		console_open(con.t, &screen_login, NULL);
	rc = tui_run(con.t);
	if (rc == 0)
		rc = con.exit_code;
cleanup:
	tui_timer_cancel(con.t, con.tick_timer);
	tui_unwatch_fd(con.t, eapi_client_fd(app->client));
	tui_free(con.t);
	tui_bindings_reset();
	/* Requests still out complete into the client's queue; the sync
	 * engine cancels its own, the rest are freed by the client. */
	ecache_sync_free(con.sync);
	{
		eapi_completion *comp;

		while ((comp = eapi_next_completion(app->client)) != NULL)
			eapi_completion_free(comp);
	}
	free(con.reqs);
	free(con.agency_name);
	the_console = NULL;
	return rc;
}
