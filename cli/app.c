/*
 * The application context (app.h): opening and closing what the console and
 * the subcommands share, in one order, with one way of reporting failure.
 *
 * This file covers the configuration, the log, the language, colour, the
 * api client and the cache; session.c covers who is logged in (the session
 * file, the password, login and logout).  The private part (app-private.h)
 * holds the refresh token and the lock the api-client's network thread
 * takes when it hands over new tokens.
 */
#include "config.h"

#include "app.h"
#include "app-private.h"
#include "cache.h"
#include "cli-util.h"

#include <errno.h>
#include <langinfo.h>
#include <libintl.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define _(s) gettext(s)

static void app_fail(struct egov_app *app, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void app_fail(struct egov_app *app, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(app->err, sizeof(app->err), fmt, ap);
	va_end(ap);
}

void egov_app_set_language(const char *lang)
{
	const char *messages;

	if (!lang || !*lang) {
		unsetenv("LANGUAGE");
		setlocale(LC_MESSAGES, "");
		textdomain(PACKAGE);
		return;
	}
	/* GNU gettext ignores LANGUAGE while LC_MESSAGES is "C" or "POSIX",
	 * and converts translations to the locale's charset, so a plain C
	 * environment gets C.UTF-8 for both. */
	messages = setlocale(LC_MESSAGES, NULL);
	if (!messages || strcmp(messages, "C") == 0 || strcmp(messages, "POSIX") == 0)
		setlocale(LC_MESSAGES, "C.UTF-8");
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		setlocale(LC_CTYPE, "C.UTF-8");
	setenv("LANGUAGE", lang, 1);
	/* Changing textdomain drops gettext's cache of looked-up messages. */
	textdomain(PACKAGE);
}

static int apply_options(struct egov_app *app, const struct egov_app_options *o)
{
	struct egov_config *cfg = &app->config;

	if (o->server) {
		if (strncmp(o->server, "http://", 7) != 0 && strncmp(o->server, "https://", 8) != 0) {
			app_fail(app, _("--server must start with https:// or http://"));
			return EGOV_EXIT_USAGE;
		}
		if (egov_config_set_str(&cfg->server, o->server) < 0)
			goto nomem;
	}
	if (o->user && egov_config_set_str(&cfg->user, o->user) < 0)
		goto nomem;
	if (o->log_file && egov_config_set_str(&cfg->log_file, o->log_file) < 0)
		goto nomem;
	if (o->log_level && egov_log_level_parse(o->log_level, &cfg->log_level) < 0) {
		app_fail(app, _("--log-level must be error, warn, info or debug"));
		return EGOV_EXIT_USAGE;
	}
	if (o->color >= 0)
		cfg->color = (enum egov_color_mode)o->color;
	return EGOV_EXIT_OK;
nomem:
	app_fail(app, "%s", strerror(ENOMEM));
	return EGOV_EXIT_FAILURE;
}

int egov_app_init(struct egov_app *app, const struct egov_app_options *opts)
{
	static const struct egov_app_options none = { .color = -1 };
	const char *no_color = getenv("NO_COLOR");
	int result;

	memset(app, 0, sizeof(*app));
	egov_config_init(&app->config);
	egov_log_init(&app->log);
	app->priv = app_private_new();
	if (!app->priv) {
		app_fail(app, "%s", strerror(ENOMEM));
		return EGOV_EXIT_FAILURE;
	}
	if (!opts)
		opts = &none;
	/* Messages about the configuration itself can only follow the
	 * environment's choice. */
	egov_app_set_language(getenv("EGOV_LANG"));
	if (egov_config_load(&app->config, opts->config_path, opts->profile,
			     app->err, sizeof(app->err)) < 0)
		return EGOV_EXIT_USAGE;
	result = apply_options(app, opts);
	if (result != EGOV_EXIT_OK)
		return result;
	if (app->config.log_file &&
	    egov_log_open(&app->log, app->config.log_file, app->config.log_level,
			  app->err, sizeof(app->err)) < 0)
		return EGOV_EXIT_USAGE;
	egov_app_set_language(app->config.lang);

	app->stdout_tty = isatty(STDOUT_FILENO);
	/* https://no-color.org: present and not empty disables colour. */
	if (app->config.color == EGOV_COLOR_ALWAYS)
		app->use_color = 1;
	else if (app->config.color == EGOV_COLOR_NEVER || (no_color && *no_color))
		app->use_color = 0;
	else
		app->use_color = app->stdout_tty;

	egov_app_log(app, EGOV_LOG_INFO, "start: profile %s, config %s",
		     app->config.profile, app->config.path ? app->config.path : "(none)");
	return EGOV_EXIT_OK;
}

void egov_app_release(struct egov_app *app)
{
	/* The client first: its thread may still call on_tokens. */
	if (app->client)
		eapi_client_free(app->client);
	app->client = NULL;
	if (app->cache)
		ecache_close(app->cache);
	app->cache = NULL;
	egov_session_clear(&app->session);
	app_private_free(app->priv);
	app->priv = NULL;
	egov_log_release(&app->log);
	egov_config_release(&app->config);
}

void egov_app_log(struct egov_app *app, enum egov_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	egov_log_vwrite(&app->log, level, fmt, ap);
	va_end(ap);
}

/* The api-client's log: level numbers as ours (0 error .. 3 debug). */
static void client_log(void *ud, int level, const char *message)
{
	struct egov_app *app = ud;

	if (level < EGOV_LOG_ERROR)
		level = EGOV_LOG_ERROR;
	if (level > EGOV_LOG_DEBUG)
		level = EGOV_LOG_DEBUG;
	egov_log_write(&app->log, (enum egov_log_level)level, "api: %s", message);
}

int egov_app_open_client(struct egov_app *app)
{
	eapi_options o;
	char ua[64];
	char errbuf[256] = "";

	if (app->client)
		return EGOV_EXIT_OK;
	if (!app->config.server) {
		app_fail(app, _("no server configured: set server in %s or EGOV_SERVER"),
			 app->config.path ? app->config.path : "~/.config/egov/config");
		return EGOV_EXIT_USAGE;
	}
	eapi_options_init(&o);
	o.base_url = app->config.server;
	o.ca_file = app->config.ca_file;
	snprintf(ua, sizeof(ua), "egov/%s", PACKAGE_VERSION);
	o.user_agent = ua;
	o.default_deadline_ms = app->config.timeout * 1000;
	/* Few, quick retries: a person at a prompt wants "offline" in a
	 * second, not after minutes of backoff; the sync engine retries
	 * rounds on its own schedule. */
	o.max_retries = 2;
	o.retry_base_ms = 200;
	o.retry_max_ms = 2000;
	if (o.connect_timeout_ms <= 0 || o.connect_timeout_ms > o.default_deadline_ms)
		o.connect_timeout_ms = o.default_deadline_ms;
	o.log = client_log;
	o.log_ud = app;
	o.on_tokens = egov_app_on_tokens;
	o.tokens_ud = app;
	/* Its own refresh after a 401 takes the same turn as session.c's,
	 * so a long console and parallel commands never spend one token
	 * twice. */
	o.refresh_begin = egov_app_refresh_begin;
	o.refresh_end = egov_app_refresh_end;
	o.refresh_ud = app;
	app->client = eapi_client_new(&o, errbuf, sizeof(errbuf));
	if (!app->client) {
		app_fail(app, "%s", errbuf[0] ? errbuf : _("cannot start the API client"));
		return EGOV_EXIT_FAILURE;
	}
	egov_app_log(app, EGOV_LOG_INFO, "client for %s", app->config.server);
	return egov_session_resume(app);
}

int egov_app_open_cache(struct egov_app *app)
{
	char errbuf[512] = "";

	if (app->cache)
		return EGOV_EXIT_OK;
	if (!app->session.known || !app->session.username) {
		app_fail(app, _("not logged in; run 'egov login' first"));
		return EGOV_EXIT_AUTH;
	}
	app->cache = ecache_open(app->session.server, app->session.username,
				 errbuf, sizeof(errbuf));
	if (!app->cache) {
		app_fail(app, _("cannot open the cache: %s"), errbuf);
		return EGOV_EXIT_FAILURE;
	}
	if (ecache_was_recovered(app->cache))
		egov_app_log(app, EGOV_LOG_WARN, "cache was damaged; moved aside, resyncing");
	if (app->session.verified) {
		/* The server has just said who this is: the sync round need not
		 * ask GET /me again (a round trip on a slow link). */
		eapi_user me = {
			.id = app->session.user_id, .username = app->session.username,
			.full_name = app->session.full_name, .agency_id = app->session.agency_id,
			.title = app->session.title, .role = app->session.role
		};

		if (ecache_put_me(app->cache, &me) < 0)
			egov_app_log(app, EGOV_LOG_WARN, "cannot keep who I am: %s",
				     ecache_errmsg(app->cache));
	}
	egov_app_log(app, EGOV_LOG_INFO, "cache %s", ecache_path(app->cache));
	return EGOV_EXIT_OK;
}

int egov_app_exit_for(const eapi_error *e)
{
	switch (e->result) {
	case EAPI_OK:
		return EGOV_EXIT_OK;
	case EAPI_E_NETWORK:
	case EAPI_E_TIMEOUT:
		return EGOV_EXIT_OFFLINE;
	case EAPI_E_AUTH:
		return EGOV_EXIT_AUTH;
	case EAPI_E_USAGE:
		return EGOV_EXIT_USAGE;
	case EAPI_E_HTTP:
		if (e->http_status == 401 || e->http_status == 403)
			return EGOV_EXIT_AUTH;
		if (e->http_status == 404)
			return EGOV_EXIT_NOT_FOUND;
		if (e->http_status == 409 || e->http_status == 412)
			return EGOV_EXIT_CONFLICT;
		if (e->http_status == 422 || e->http_status == 400)
			return EGOV_EXIT_USAGE;
		return EGOV_EXIT_SERVER;
	case EAPI_E_TLS:
	case EAPI_E_PROTOCOL:
	case EAPI_E_TOO_LARGE:
		return EGOV_EXIT_SERVER;
	case EAPI_E_CANCELLED:
	case EAPI_E_NOMEM:
		break;
	}
	return EGOV_EXIT_FAILURE;
}

char *egov_app_state_dir(struct egov_app *app, int create)
{
	char *dir = cli_xdg_path("XDG_STATE_HOME", ".local/state", "egov");

	if (!dir) {
		app_fail(app, _("cannot find a state folder: set HOME or XDG_STATE_HOME"));
		return NULL;
	}
	if (create && cli_mkdir_private(dir) < 0) {
		app_fail(app, "%s: %s", dir, strerror(errno));
		free(dir);
		return NULL;
	}
	return dir;
}
