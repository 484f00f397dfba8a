/*
 * What egov's subcommands share (cmd.h): opening the context to the level a
 * command needs, option parsing with egov's own messages, finding a dossier
 * in the cache, and one blocking sync round.
 */
#include "config.h"

#include "cmd.h"
#include "cli-util.h"

#include <libintl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define _(s) gettext(s)

int cli_open(struct egov_app *app, unsigned needs)
{
	unsigned flags = 0;
	int rc = EGOV_EXIT_OK;

	if (needs & (CLI_CLIENT | CLI_LOGIN | CLI_SESSION | CLI_CACHE))
		rc = egov_app_open_client(app);
	if (rc == EGOV_EXIT_OK && (needs & (CLI_LOGIN | CLI_SESSION))) {
		/* Prompt only when a person is there to answer. */
		if (isatty(STDIN_FILENO))
			flags |= EGOV_LOGIN_PROMPT;
		if (needs & CLI_SESSION)
			flags |= EGOV_LOGIN_OFFLINE_OK;
		rc = egov_app_login(app, flags);
	} else if (rc == EGOV_EXIT_OK && (needs & CLI_CACHE) && !app->session.known) {
		snprintf(app->err, sizeof(app->err),
			 _("not logged in: run 'egov login' first"));
		rc = EGOV_EXIT_AUTH;
	}
	if (rc == EGOV_EXIT_OK && (needs & CLI_CACHE))
		rc = egov_app_open_cache(app);
	if (rc != EGOV_EXIT_OK)
		cli_error("%s", app->err);
	return rc;
}

void cli_cmd_help(const struct cli_cmd *cmd)
{
	printf(_("Usage: egov %s %s\n"), cmd->name, cmd->args);
	printf("%s\n", _(cmd->summary));
	if (cmd->help && *cmd->help)
		printf("\n%s", _(cmd->help));
	printf(_("  -h, --help             show this help\n"));
	printf(_("\nSee egov(1) for the exit codes and the global options.\n"));
}

int cli_usage_error(const struct cli_cmd *cmd, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cli_error("%s: %s", cmd->name, msg);
	fprintf(stderr, _("Try 'egov %s --help'.\n"), cmd->name);
	return EGOV_EXIT_USAGE;
}

int cli_getopt(const struct cli_cmd *cmd, int argc, char **argv,
	       const char *shortopts, const struct option *longopts)
{
	int c;

	opterr = 0;
	c = getopt_long(argc, argv, shortopts, longopts, NULL);
	if (c == '?') {
		if (optopt && !(optopt & ~0x7f) && optopt != '?')
			cli_usage_error(cmd, _("unknown option '-%c'"), optopt);
		else
			cli_usage_error(cmd, _("unknown option '%s'"), argv[optind - 1]);
		return '?';
	}
	if (c == ':') {
		cli_usage_error(cmd, _("option '%s' needs a value"), argv[optind - 1]);
		return '?';
	}
	return c;
}

eapi_dossier *cli_find_dossier(struct egov_app *app, const char *number, int *pending)
{
	eapi_dossier *d = ecache_dossier_get_by_code(app->cache, number, pending);

	if (!d && !ecache_errmsg(app->cache)[0])
		d = ecache_dossier_get(app->cache, number, pending);
	if (!d) {
		const char *why = ecache_errmsg(app->cache);

		if (why[0])
			cli_error("%s", why);
		else
			cli_error(_("%s: no such dossier in the cache (run 'egov sync')"), number);
	}
	return d;
}

int cli_sync_round(struct egov_app *app, int full, ecache_sync_report *rep)
{
	ecache_sync_options o;
	eapi_link_stats before, ls;
	int rc;

	ecache_sync_options_init(&o);
	/* The engine's default is the full view (the console's detail pane
	 * wants it offline); a command-line round is usually a list or an
	 * action, and on a slow link the full view costs about five times the
	 * bytes.  Full pages also carry each applicant's personal data into
	 * the cache, which only `show` and `sync --full` need. */
	o.full_view = full;
	o.page_limit = 1000;	/* the contract's maximum: fewer round trips */
	memset(rep, 0, sizeof(*rep));
	eapi_client_link_stats(app->client, &before);
	if (ecache_sync_run(app->cache, app->client, &o, rep) == 0) {
		egov_app_log(app, EGOV_LOG_INFO,
			     "sync: pushed %lld (done %lld, retry %lld, conflicts %lld, failed %lld), "
			     "pulled %lld changes in %lld pages (view=%s)",
			     rep->pushed, rep->done, rep->retry, rep->conflicts, rep->failed,
			     rep->changes, rep->pages, full ? "full" : "summary");
		rc = EGOV_EXIT_OK;
	} else {
		egov_app_log(app, EGOV_LOG_WARN, "sync failed: %s", rep->error);
		rc = EGOV_EXIT_FAILURE;
	}
	eapi_client_link_stats(app->client, &ls);
	egov_app_log(app, EGOV_LOG_DEBUG,
		     "sync: %lld requests, %lld bytes in, %lld bytes out, %lld retries",
		     ls.requests - before.requests, ls.bytes_in - before.bytes_in,
		     ls.bytes_out - before.bytes_out, ls.retries - before.retries);
	if (rc != EGOV_EXIT_OK)
		rc = ls.online ? EGOV_EXIT_SERVER : EGOV_EXIT_OFFLINE;
	return rc;
}

void cli_user_name(struct egov_app *app, const char *user_id, char *out, size_t len)
{
	eapi_user *u;

	out[0] = '\0';
	if (!user_id || !app->cache)
		return;
	u = ecache_get_user(app->cache, user_id);
	if (u && u->username)
		snprintf(out, len, "%s", u->username);
	else if (app->session.user_id && strcmp(app->session.user_id, user_id) == 0)
		snprintf(out, len, "%s", app->session.username);
	if (u)
		eapi_user_free(u);
}
