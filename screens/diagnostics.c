/*
 * Diagnostics, for the help-desk (`support`) and anyone asked by them to
 * read it out: is the server reachable and how well (TLS, latency,
 * throughput, clock skew), is the session's token still good, when did
 * the last sync run and how did it end, how big and how healthy is the
 * cache, what waits in the outbox, and the recent errors with the request
 * id the backend's log shows for each, so a help-desk call can find the
 * very request on the server.
 *
 * Opening the screen (and g) sends one probe, GET /me with a request id
 * of our own, which tells whether the token is valid and measures one
 * round trip.  Everything else is read from the client's link statistics
 * and the cache's status: nothing here blocks.  The screen shows no
 * citizen data at all; server text (reasons of failed actions) comes as
 * the backend sends it, already masked for this role.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "screens.h"
#include "format.h"
#include "ident.h"

#define MAX_ERRORS 8

/* Errors the console's own requests met, newest last (process-wide). */
static struct {
	time_t at;
	char what[64], request_id[80], text[256];
} recent[MAX_ERRORS];
static size_t nrecent;

void diag_note_error(const char *what, const eapi_error *e)
{
	size_t i;

	if (nrecent == MAX_ERRORS) {
		for (i = 1; i < MAX_ERRORS; i++)
			recent[i - 1] = recent[i];
		nrecent--;
	}
	recent[nrecent].at = time(NULL);
	snprintf(recent[nrecent].what, sizeof recent[nrecent].what, "%s", what);
	snprintf(recent[nrecent].request_id, sizeof recent[nrecent].request_id, "%s",
		 e->request_id);
	if (e->http_status > 0)
		snprintf(recent[nrecent].text, sizeof recent[nrecent].text, "HTTP %ld %.39s %.180s",
			 e->http_status, e->code, e->message);
	else
		snprintf(recent[nrecent].text, sizeof recent[nrecent].text, "%.40s: %.180s",
			 eapi_result_str(e->result), e->message);
	nrecent++;
}

struct diag {
	char *text;			/* the report, rebuilt on changes */
	int top;			/* first line shown */
	int nlines;
	uint64_t probe;
	int64_t probe_sent_ms;
	char probe_id[40];
	char probe_result[256];
	int stale;
};

static void on_probe(eapi_completion *comp, void *ud)
{
	struct diag *dg = ud;
	long ms = (long)(tui_now_ms() - dg->probe_sent_ms);

	dg->probe = 0;
	if (comp->error.result == EAPI_OK)
		snprintf(dg->probe_result, sizeof dg->probe_result,
			 _("valid (GET /me answered in %ld ms)"), ms);
	else {
		snprintf(dg->probe_result, sizeof dg->probe_result, _("not confirmed: %s"),
			 comp->error.message);
		diag_note_error("GET /me", &comp->error);
	}
	eapi_completion_free(comp);
	dg->stale = 1;
	tui_invalidate(console_get()->t, TUI_REDRAW);
}

static void probe(struct diag *dg)
{
	struct console *con = console_get();
	eapi_call call;

	console_forget(con, dg);
	memset(&call, 0, sizeof call);
	if (egov_uuid4(dg->probe_id) < 0)
		snprintf(dg->probe_id, sizeof dg->probe_id, "diag");
	call.request_id = dg->probe_id;
	dg->probe_sent_ms = tui_now_ms();
	dg->probe = eapi_get_me(con->app->client, &call);
	if (console_request(con, dg->probe, on_probe, dg) < 0)
		snprintf(dg->probe_result, sizeof dg->probe_result, "%s",
			 _("cannot send the probe"));
	else
		snprintf(dg->probe_result, sizeof dg->probe_result, "%s", _("checking..."));
}

static long long file_size(const char *path)
{
	struct stat sb;

	return path && stat(path, &sb) == 0 ? (long long)sb.st_size : 0;
}

static void line(FILE *f, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void line(FILE *f, const char *label, const char *fmt, ...)
{
	va_list ap;

	fprintf(f, "  %-22s ", label);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
}

static void report_link(FILE *f, struct console *con)
{
	const struct egov_config *cfg = &con->app->config;
	eapi_link_stats ls;
	char a[48], b[48];

	eapi_client_link_stats(con->app->client, &ls);
	fprintf(f, "%s\n", _("Server"));
	line(f, _("Address:"), "%s", cfg->server ? cfg->server : "");
	if (cfg->server && strncmp(cfg->server, "https:", 6) == 0)
		line(f, _("TLS:"), _("yes, certificate verified%s%s"),
		     cfg->ca_file ? _("; extra CA ") : "", cfg->ca_file ? cfg->ca_file : "");
	else
		line(f, _("TLS:"), "%s", _("no: plain HTTP (only for tests)"));
	line(f, _("Link:"), "%s", !ls.online ? _("offline") : ls.slow ? _("slow") : _("online"));
	line(f, _("Latency:"), "%.0f ms", ls.rtt_ms);
	line(f, _("Throughput:"), "%.1f kB/s", ls.throughput_bps / 1000.0);
	line(f, _("Clock skew:"), _("%+ld s (server minus this computer)%s"), ls.clock_skew_s,
	     ls.clock_skew_s > 60 || ls.clock_skew_s < -60 ? _(" - check the clock") : "");
	line(f, _("HTTP version:"), "%d", ls.http_version);
	fmt_count(ls.requests, a, sizeof a);
	fmt_count(ls.retries, b, sizeof b);
	line(f, _("Requests:"), _("%s, retried %s"), a, b);
	label_datetime(ls.last_success, a, sizeof a);
	label_datetime(ls.last_failure, b, sizeof b);
	line(f, _("Last success:"), "%s", a[0] ? a : "—");
	line(f, _("Last failure:"), "%s", b[0] ? b : "—");
}

static void report_session(FILE *f, struct console *con, struct diag *dg)
{
	struct egov_session *se = &con->app->session;
	char a[48];

	fprintf(f, "\n%s\n", _("Session"));
	line(f, _("User:"), "%s (%s)", se->username ? se->username : "",
	     se->known ? label_role(se->role) : "");
	line(f, _("Agency:"), "%s", con->agency_name ? con->agency_name :
	     se->agency_id ? se->agency_id : "");
	label_datetime(se->since, a, sizeof a);
	line(f, _("Password given:"), "%s", a[0] ? a : "—");
	line(f, _("Token:"), "%s", con->auth_lost ? _("expired: log in again") : dg->probe_result);
	line(f, _("Request id:"), "%s", dg->probe_id);
}

static void report_cache(FILE *f, struct console *con)
{
	ecache *c = con->app->cache;
	ecache_status st;
	char a[48], b[48], out[1100];
	int i;

	fprintf(f, "\n%s\n", _("Sync and cache"));
	if (c == NULL || ecache_status_get(c, &st) < 0) {
		line(f, _("Cache:"), "%s", _("not open"));
		return;
	}
	label_datetime(st.last_sync, a, sizeof a);
	label_datetime(st.last_attempt, b, sizeof b);
	line(f, _("Last sync:"), "%s", a[0] ? a : _("never"));
	line(f, _("Last attempt:"), "%s: %s", b[0] ? b : "—",
	     st.last_attempt == 0 ? "—" : st.last_ok ? _("succeeded") : st.last_error);
	snprintf(out, sizeof out, "%s.outbox.db", ecache_path(c));
	fmt_count((file_size(ecache_path(c)) + file_size(out)) / 1024, a, sizeof a);
	fmt_count(st.dossiers, b, sizeof b);
	line(f, _("Cache:"), _("%s kB, %s dossiers"), a, b);
	line(f, _("Integrity:"), "%s", ecache_was_recovered(c) ?
	     _("damaged at start: moved aside, rebuilt from the server") :
	     _("checked at start: good"));
	line(f, _("Full resync due:"), "%s", st.full_resync ? _("yes") : _("no"));
	out[0] = '\0';
	for (i = 0; i < ECACHE_OUT_COUNT; i++) {
		if (i == ECACHE_OUT_DONE || i == ECACHE_OUT_DISCARDED)
			continue;
		snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s %lld",
			 out[0] ? ", " : "", label_out_status((ecache_out_status)i), st.outbox[i]);
	}
	line(f, _("Outbox:"), "%s", out);
}

static void report_errors(FILE *f, struct console *con)
{
	ecache_outbox_list l;
	size_t i;
	char a[48];

	fprintf(f, "\n%s\n", _("Recent errors"));
	for (i = 0; i < nrecent; i++) {
		label_datetime(recent[i].at, a, sizeof a);
		fprintf(f, "  %s  %s  %s\n    %s %s\n", a, recent[i].what, recent[i].text,
			_("request id"), recent[i].request_id);
	}
	ecache_outbox_list_init(&l);
	if (con->app->cache != NULL &&
	    ecache_outbox_list_get(con->app->cache, (1u << ECACHE_OUT_CONFLICT) |
				   (1u << ECACHE_OUT_FAILED) | (1u << ECACHE_OUT_RETRY),
				   NULL, &l) >= 0) {
		for (i = 0; i < l.n; i++) {
			const ecache_outbox_row *r = &l.rows[i];

			label_datetime(r->updated_at, a, sizeof a);
			fprintf(f, "  %s  %s %s: %s HTTP %ld %s %s\n    %s %s\n", a,
				label_action(r->action), r->dossier_code ? r->dossier_code : "",
				label_out_status(r->status), r->http_status,
				r->error_code ? r->error_code : "", r->reason ? r->reason : "",
				_("idempotency key"), r->idempotency_key);
		}
	}
	if (nrecent == 0 && l.n == 0)
		fprintf(f, "  %s\n", _("none"));
	ecache_outbox_list_release(&l);
}

static void rebuild(struct diag *dg)
{
	struct console *con = console_get();
	size_t len = 0;
	FILE *f;
	char *p;

	free(dg->text);
	dg->text = NULL;
	f = open_memstream(&dg->text, &len);
	if (f == NULL)
		return;
	report_link(f, con);
	report_session(f, con, dg);
	report_cache(f, con);
	report_errors(f, con);
	fclose(f);
	dg->nlines = 0;
	for (p = dg->text; p && *p; p++)
		dg->nlines += *p == '\n';
	dg->stale = 0;
}

static void diag_draw(tui_screen *s, WINDOW *w, int full)
{
	struct diag *dg = tui_screen_data(s);
	int rows, cols, y, n = 0;
	const char *p;

	(void)full;
	if (dg->stale || dg->text == NULL)
		rebuild(dg);
	getmaxyx(w, rows, cols);
	werase(w);
	for (p = dg->text, y = 0; p && *p && y < rows; n++) {
		const char *nl = strchr(p, '\n');
		size_t l = nl ? (size_t)(nl - p) : strlen(p);
		char buf[1024];

		if (n >= dg->top) {
			snprintf(buf, sizeof buf, "%.*s", (int)l, p);
			tui_draw_text(w, y++, 0, cols, buf, 0,
				      buf[0] != ' ' ? tui_style_attr(TUI_STYLE_HEADER) : A_NORMAL);
		}
		p += l + (nl != NULL);
	}
	wmove(w, 0, 0);
}

static int diag_create(tui_screen *s, void *arg, char *err, size_t errlen)
{
	struct diag *dg = calloc(1, sizeof *dg);

	(void)arg;
	if (dg == NULL) {
		snprintf(err, errlen, "%s", _("Out of memory."));
		return -1;
	}
	tui_screen_set_data(s, dg);
	probe(dg);
	dg->stale = 1;
	return 0;
}

static void diag_destroy(tui_screen *s)
{
	struct diag *dg = tui_screen_data(s);

	console_forget(console_get(), dg);
	free(dg->text);
	free(dg);
}

static int diag_event(tui_screen *s, int event, void *data)
{
	struct diag *dg = tui_screen_data(s);

	(void)event;
	(void)data;
	dg->stale = 1;
	return TUI_REDRAW;
}

static int scroll_by(tui_screen *s, int by)
{
	struct diag *dg = tui_screen_data(s);
	int rows, cols, old = dg->top;

	tui_screen_size(s, &rows, &cols);
	dg->top += by;
	if (dg->top > dg->nlines - rows)
		dg->top = dg->nlines - rows;
	if (dg->top < 0)
		dg->top = 0;
	return dg->top != old ? TUI_REDRAW : TUI_HANDLED;
}

static int key_down(tui_screen *s, int key) { (void)key; return scroll_by(s, 1); }
static int key_up(tui_screen *s, int key) { (void)key; return scroll_by(s, -1); }
static int key_pgdn(tui_screen *s, int key) { (void)key; return scroll_by(s, 10); }
static int key_pgup(tui_screen *s, int key) { (void)key; return scroll_by(s, -10); }

static int key_probe(tui_screen *s, int key)
{
	struct diag *dg = tui_screen_data(s);

	(void)key;
	probe(dg);
	dg->stale = 1;
	return TUI_REDRAW;
}

static const struct tui_key_binding diag_keys[] = {
	{ 'g', "refresh", N_("Check the server again"), key_probe },
	{ TUI_KEY_DOWN, "diagnostics-down", N_("Scroll down"), key_down },
	{ 'j', "diagnostics-down", N_("Scroll down"), key_down },
	{ TUI_KEY_UP, "diagnostics-up", N_("Scroll up"), key_up },
	{ 'k', "diagnostics-up", N_("Scroll up"), key_up },
	{ TUI_KEY_PGDN, "diagnostics-page-down", N_("Next page"), key_pgdn },
	{ ' ', "diagnostics-page-down", N_("Next page"), key_pgdn },
	{ TUI_KEY_PGUP, "diagnostics-page-up", N_("Previous page"), key_pgup },
	{ 'R', "sync", N_("Sync with the server now"), console_key_sync },
	{ 0, NULL, NULL, NULL }
};

const struct tui_screen_entry screen_diagnostics = {
	.name = "diagnostics",
	.title = N_("Diagnostics"),
	.keys = diag_keys,
	.create = diag_create,
	.destroy = diag_destroy,
	.draw = diag_draw,
	.on_resize = console_on_resize,
	.on_event = diag_event,
};
