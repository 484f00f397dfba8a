/*
 * egov doctor: a help-desk person's first command over SSH.  One line per
 * check, "ok", "warn" or "fail", from the bottom of the stack up: the
 * configuration, name resolution, a TCP connection, TLS, the session token,
 * the clock against the server's, latency and throughput, the cache's
 * integrity and the outbox.  The exit code is 0 unless a check failed, then
 * that check's (3 for the network, 4 for the token, 1 otherwise).
 */
#include "config.h"

#include "cmd.h"
#include "cli-util.h"
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <libintl.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define _(s) gettext(s)

enum verdict { OK, WARN, FAIL };

struct doctor {
	struct egov_app *app;
	json_t *json;			/* NULL: print for people */
	int rc;				/* the first failure's exit code */
	char host[256], port[16];
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void report(struct doctor *dr, const char *check, enum verdict v, int code,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void report(struct doctor *dr, const char *check, enum verdict v, int code,
		   const char *fmt, ...)
{
	static const char *const names[] = { "ok", "warn", "fail" };
	static const char *const colors[] = { OUT_GREEN, OUT_YELLOW, OUT_RED };
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (v == FAIL && dr->rc == EGOV_EXIT_OK)
		dr->rc = code;
	if (dr->json) {
		json_array_append_new(dr->json, json_pack("{s:s, s:s, s:s}", "check", check,
							  "result", names[v], "detail", msg));
		return;
	}
	printf("%s%-4s%s  ", out_color(dr->app->use_color, colors[v]), names[v],
	       out_reset(dr->app->use_color));
	out_cell(stdout, check, 10);
	printf("  ");
	out_text(stdout, msg);
	printf("\n");
	fflush(stdout);
}

static int split_url(struct doctor *dr, const char *url)
{
	const char *p = strstr(url, "://"), *end, *colon;
	int https = strncmp(url, "https://", 8) == 0;

	if (!p)
		return -1;
	p += 3;
	end = p + strcspn(p, "/");
	if (*p == '[') {		/* [IPv6]:port */
		const char *close = memchr(p, ']', (size_t)(end - p));

		if (!close)
			return -1;
		snprintf(dr->host, sizeof(dr->host), "%.*s", (int)(close - p - 1), p + 1);
		colon = close[1] == ':' ? close + 1 : NULL;
	} else {
		colon = memchr(p, ':', (size_t)(end - p));
		snprintf(dr->host, sizeof(dr->host), "%.*s", (int)((colon ? colon : end) - p), p);
	}
	if (colon)
		snprintf(dr->port, sizeof(dr->port), "%.*s", (int)(end - colon - 1), colon + 1);
	else
		snprintf(dr->port, sizeof(dr->port), "%s", https ? "443" : "80");
	return 0;
}

/* Name resolution and a TCP connection to the first address that takes it. */
static int check_network(struct doctor *dr)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL, *ai;
	char addr[NI_MAXHOST];
	double t0 = now_ms();
	int err = getaddrinfo(dr->host, dr->port, &hints, &res), connected = 0;

	if (err) {
		report(dr, "dns", FAIL, EGOV_EXIT_OFFLINE, _("%s does not resolve: %s"), dr->host,
		       gai_strerror(err));
		return -1;
	}
	getnameinfo(res->ai_addr, res->ai_addrlen, addr, sizeof(addr), NULL, 0, NI_NUMERICHOST);
	report(dr, "dns", OK, 0, _("%s is %s (%.1f ms)"), dr->host, addr, now_ms() - t0);
	for (ai = res; ai && !connected; ai = ai->ai_next) {
		int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		struct pollfd pfd = { .fd = fd, .events = POLLOUT };
		int soerr = 0;
		socklen_t sl = sizeof(soerr);

		if (fd < 0)
			continue;
		t0 = now_ms();
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 ||
		    (errno == EINPROGRESS && poll(&pfd, 1, 10000) == 1 &&
		     getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 && soerr == 0)) {
			connected = 1;
			getnameinfo(ai->ai_addr, ai->ai_addrlen, addr, sizeof(addr), NULL, 0,
				    NI_NUMERICHOST);
			report(dr, "tcp", OK, 0, _("connected to %s port %s (%.1f ms)"), addr,
			       dr->port, now_ms() - t0);
		} else {
			err = soerr ? soerr : errno;
		}
		close(fd);
	}
	freeaddrinfo(res);
	if (!connected) {
		report(dr, "tcp", FAIL, EGOV_EXIT_OFFLINE, _("cannot connect to %s port %s: %s"),
		       dr->host, dr->port, err ? strerror(err) : _("timed out"));
		return -1;
	}
	return 0;
}

/* One GET /me; returns its wall time in ms, or -1 with *e filled. */
static double timed_me(struct doctor *dr, eapi_error *e)
{
	double t0 = now_ms();
	uint64_t id = eapi_get_me(dr->app->client, NULL);
	eapi_completion *comp;
	double dt;

	memset(e, 0, sizeof(*e));
	if (!id)
		return -1;
	comp = eapi_wait(dr->app->client, id);
	dt = now_ms() - t0;
	*e = comp->error;
	comp->error.current = NULL;	/* ownership moved to *e */
	eapi_completion_free(comp);
	return e->result == EAPI_OK ? dt : -1;
}

static void check_server(struct doctor *dr)
{
	struct egov_app *app = dr->app;
	eapi_link_stats ls;
	eapi_error e;
	double best = -1, t;
	long long before;
	int https = strncmp(app->config.server, "https://", 8) == 0;
	uint64_t id;

	if (!app->session.known) {
		report(dr, "token", WARN, 0, _("not logged in: run 'egov login'"));
		return;
	}
	t = timed_me(dr, &e);
	if (e.result == EAPI_E_TLS) {
		report(dr, "tls", FAIL, EGOV_EXIT_SERVER, "%s", e.message);
		eapi_error_clear(&e);
		return;
	}
	if (https)
		report(dr, "tls", e.result == EAPI_OK || e.result == EAPI_E_HTTP ? OK : WARN, 0,
		       _("certificate accepted"));
	else
		report(dr, "tls", WARN, 0, _("plain HTTP: not encrypted (fine only on loopback)"));
	if (t < 0) {
		report(dr, "token", FAIL, egov_app_exit_for(&e), _("rejected: %s"),
		       e.message[0] ? e.message : eapi_result_str(e.result));
		eapi_error_clear(&e);
		return;
	}
	eapi_error_clear(&e);
	report(dr, "token", OK, 0, _("valid for %s"), app->session.username);
	eapi_client_link_stats(app->client, &ls);
	if (ls.clock_skew_s > 300 || ls.clock_skew_s < -300)
		report(dr, "clock", FAIL, EGOV_EXIT_FAILURE, _("%ld s off the server's clock"), ls.clock_skew_s);
	else if (ls.clock_skew_s > 30 || ls.clock_skew_s < -30)
		report(dr, "clock", WARN, 0, _("%ld s off the server's clock"), ls.clock_skew_s);
	else
		report(dr, "clock", OK, 0, _("%ld s off the server's clock"), ls.clock_skew_s);
	for (int i = 0; i < 3; i++) {
		t = timed_me(dr, &e);
		eapi_error_clear(&e);
		if (t >= 0 && (best < 0 || t < best))
			best = t;
	}
	report(dr, "latency", best < 0 ? FAIL : best > 2000 ? WARN : OK, EGOV_EXIT_OFFLINE,
	       _("%.1f ms per request (best of 3)"), best);
	/* Throughput: the procedure catalogue, unconditionally, is the biggest
	 * answer that is cheap for the server. */
	eapi_client_link_stats(app->client, &ls);
	before = ls.bytes_in;
	t = now_ms();
	id = eapi_get_procedures(app->client, NULL);
	if (id) {
		eapi_completion *comp = eapi_wait(app->client, id);
		double dt = now_ms() - t;

		eapi_client_link_stats(app->client, &ls);
		if (comp->error.result == EAPI_OK && dt > 0)
			report(dr, "transfer", (ls.bytes_in - before) * 1000.0 / dt < 4000 ? WARN : OK, 0,
			       _("%lld bytes in %.0f ms (%.0f kB/s)"), ls.bytes_in - before, dt,
			       (double)(ls.bytes_in - before) / dt);
		else
			report(dr, "transfer", FAIL, egov_app_exit_for(&comp->error), "%s",
			       comp->error.message);
		eapi_completion_free(comp);
	}
	app->session.verified = 1;
}

static void check_cache(struct doctor *dr)
{
	struct egov_app *app = dr->app;
	ecache_status st;
	long long waiting;

	if (!app->session.known)
		return;
	if (egov_app_open_cache(app) != EGOV_EXIT_OK) {
		report(dr, "cache", FAIL, EGOV_EXIT_FAILURE, "%s", app->err);
		return;
	}
	if (ecache_status_get(app->cache, &st) < 0) {
		report(dr, "cache", FAIL, EGOV_EXIT_FAILURE, "%s", ecache_errmsg(app->cache));
		return;
	}
	if (ecache_was_recovered(app->cache))
		report(dr, "cache", WARN, 0, _("was damaged and moved aside; it is rebuilt by 'egov sync'"));
	else if (!st.last_sync)
		report(dr, "cache", WARN, 0, _("intact, never synced: run 'egov sync'"));
	else {
		char at[20];

		out_time(st.last_sync, at);
		report(dr, "cache", time(NULL) - st.last_sync > 86400 ? WARN : OK, 0,
		       _("intact, %lld dossiers, last sync %s"), st.dossiers, at);
	}
	waiting = st.outbox[ECACHE_OUT_QUEUED] + st.outbox[ECACHE_OUT_RETRY] +
		  st.outbox[ECACHE_OUT_IN_FLIGHT];
	if (st.outbox[ECACHE_OUT_CONFLICT] + st.outbox[ECACHE_OUT_FAILED] > 0)
		report(dr, "outbox", WARN, 0, _("%lld waiting, %lld in conflict, %lld refused: see 'egov conflicts'"),
		       waiting, st.outbox[ECACHE_OUT_CONFLICT], st.outbox[ECACHE_OUT_FAILED]);
	else if (waiting > 0)
		report(dr, "outbox", WARN, 0, _("%lld actions waiting to be sent"), waiting);
	else
		report(dr, "outbox", OK, 0, _("empty"));
}

static int doctor_exec(struct egov_app *app, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct doctor dr = { .app = app };
	int c, online;

	while ((c = cli_getopt(&cmd_doctor, argc, argv, ":j", longopts)) != -1) {
		if (c != 'j')
			return EGOV_EXIT_USAGE;
		dr.json = json_array();
	}
	if (optind < argc) {
		json_decref(dr.json);
		return cli_usage_error(&cmd_doctor, _("no arguments are taken"));
	}
	if (!app->config.server || split_url(&dr, app->config.server) < 0 ||
	    egov_app_open_client(app) != EGOV_EXIT_OK) {
		report(&dr, "config", FAIL, EGOV_EXIT_USAGE, "%s",
		       app->err[0] ? app->err : _("no server configured"));
	} else {
		report(&dr, "config", OK, 0, _("profile %s, server %s, %s"), app->config.profile,
		       app->config.server, app->config.path ? app->config.path : _("no config file"));
		online = check_network(&dr) == 0;
		if (online)
			check_server(&dr);
		check_cache(&dr);
	}
	if (dr.json && out_json(dr.json) < 0)
		return EGOV_EXIT_FAILURE;
	return dr.rc;
}

const struct cli_cmd cmd_doctor = {
	.name = "doctor",
	.args = N_("[--json]"),
	.summary = N_("check the connection, the session, the cache and the outbox"),
	.help = N_("One line per check: ok, warn or fail.\n"
		   "  -j, --json             JSON array of {check, result, detail}\n"),
	.exec = doctor_exec,
};
