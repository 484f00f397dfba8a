/*
 * egov logout: revoke the refresh token on the server and delete the saved
 * session.  The cache and its outbox stay: unsent actions are a person's
 * work and are never thrown away by logging out.
 */
#include "config.h"

#include "cmd.h"
#include "cli-util.h"

#include <libintl.h>
#include <stdio.h>

#define _(s) gettext(s)

static int logout_exec(struct egov_app *app, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c, rc, was;

	while ((c = cli_getopt(&cmd_logout, argc, argv, ":", longopts)) != -1)
		if (c == '?')
			return EGOV_EXIT_USAGE;
	if (optind < argc)
		return cli_usage_error(&cmd_logout, _("no arguments are taken"));
	rc = cli_open(app, CLI_CLIENT);
	if (rc != EGOV_EXIT_OK)
		return rc;
	was = app->session.known;
	rc = egov_app_logout(app);
	if (rc != EGOV_EXIT_OK)
		cli_error("%s", app->err);
	else if (was)
		printf(_("Logged out of %s.\n"), app->config.server);
	else
		printf(_("Not logged in at %s.\n"), app->config.server);
	return rc;
}

const struct cli_cmd cmd_logout = {
	.name = "logout",
	.args = "",
	.summary = N_("end the session: revoke it on the server and forget it here"),
	.help = "",
	.exec = logout_exec,
};
