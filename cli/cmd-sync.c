/*
 * egov sync: one full sync round, as the console does in the background:
 * reference data when stale, push the outbox, pull the change feed to its
 * end.  Exit code 3 when the server cannot be reached (nothing is lost:
 * the outbox waits), 5 when actions came back in conflict.
 *
 * The feed is read in its summary view, which is all lists, search and
 * acting need; --full reads it again from the start in the full view, for
 * a person about to work offline who wants every dossier's details (the
 * applicant, documents, history) in the cache.
 */
#include "config.h"

#include "cmd.h"
#include "cli-util.h"
#include "output.h"

#include <libintl.h>
#include <stdio.h>

#define _(s) gettext(s)

static int sync_exec(struct egov_app *app, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "full", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	ecache_sync_report rep;
	ecache_status st;
	int c, rc, json = 0, quiet = 0, full = 0;

	while ((c = cli_getopt(&cmd_sync, argc, argv, ":jqf", longopts)) != -1) {
		if (c == '?')
			return EGOV_EXIT_USAGE;
		if (c == 'j')
			json = 1;
		else if (c == 'q')
			quiet = 1;
		else if (c == 'f')
			full = 1;
	}
	if (optind < argc)
		return cli_usage_error(&cmd_sync, _("no arguments are taken"));
	rc = cli_open(app, CLI_LOGIN | CLI_CACHE);
	if (rc != EGOV_EXIT_OK)
		return rc;
	/* Only the dossiers and the cursor go: the outbox and its local
	 * effects stay, and the feed from the start brings everything back. */
	if (full && ecache_drop_dossiers(app->cache) < 0) {
		cli_error("%s", ecache_errmsg(app->cache));
		return EGOV_EXIT_FAILURE;
	}
	rc = cli_sync_round(app, full, &rep);
	if (rc != EGOV_EXIT_OK) {
		if (rc == EGOV_EXIT_OFFLINE)
			cli_error(_("offline: cannot reach %s (%s); unsent actions stay in the outbox"),
				  app->config.server, rep.error);
		else
			cli_error(_("sync failed: %s"), rep.error);
		return rc;
	}
	if (ecache_status_get(app->cache, &st) < 0) {
		cli_error("%s", ecache_errmsg(app->cache));
		return EGOV_EXIT_FAILURE;
	}
	if (json) {
		out_json(json_pack("{s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:b, s:I, s:I}",
				   "ok", 1, "pushed", (json_int_t)rep.pushed,
				   "done", (json_int_t)rep.done, "retry", (json_int_t)rep.retry,
				   "conflicts", (json_int_t)rep.conflicts,
				   "failed", (json_int_t)rep.failed,
				   "pages", (json_int_t)rep.pages,
				   "changes", (json_int_t)rep.changes,
				   "restarted", rep.restarted,
				   "dossiers", (json_int_t)st.dossiers,
				   "unsent", (json_int_t)(st.outbox[ECACHE_OUT_QUEUED] +
							  st.outbox[ECACHE_OUT_RETRY] +
							  st.outbox[ECACHE_OUT_IN_FLIGHT])));
	} else if (!quiet) {
		printf(_("Sent %lld actions (%lld done, %lld to retry, %lld in conflict, %lld failed).\n"),
		       rep.pushed, rep.done, rep.retry, rep.conflicts, rep.failed);
		printf(_("Received %lld changes; %lld dossiers in the cache.\n"),
		       rep.changes, st.dossiers);
		if (rep.restarted)
			printf(_("The server's change feed restarted: the cache was reloaded.\n"));
	}
	if (rep.conflicts > 0) {
		cli_error(_("%lld actions are in conflict: see 'egov conflicts'"), rep.conflicts);
		return EGOV_EXIT_CONFLICT;
	}
	if (rep.failed > 0) {
		cli_error(_("%lld actions were refused: see 'egov outbox'"), rep.failed);
		return EGOV_EXIT_SERVER;
	}
	return EGOV_EXIT_OK;
}

const struct cli_cmd cmd_sync = {
	.name = "sync",
	.args = N_("[--full] [--json] [--quiet]"),
	.summary = N_("send queued actions and bring the cache up to date"),
	.help = N_("  -j, --json             print the figures as JSON\n"
		   "  -q, --quiet            print nothing when all went well\n"
		   "  -f, --full             read every dossier again in full (applicant,\n"
		   "                         documents, history), for working offline\n"),
	.exec = sync_exec,
};
