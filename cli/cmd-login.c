/*
 * egov login: ask for the password (or read EGOV_PASSWORD), log in, and
 * keep the session so later commands and the console need no password.
 * The password is never an argument: there is deliberately no option for
 * it, and a stray argument is refused rather than taken as one.
 */
#include "config.h"

#include "cmd.h"
#include "cli-util.h"

#include <libintl.h>
#include <stdio.h>

#define _(s) gettext(s)

static int login_exec(struct egov_app *app, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *role = "";
	int c, rc;

	while ((c = cli_getopt(&cmd_login, argc, argv, ":", longopts)) != -1)
		if (c == '?')
			return EGOV_EXIT_USAGE;
	if (optind < argc)
		return cli_usage_error(&cmd_login,
				       _("no arguments are taken (the password is asked for, "
					 "or read from EGOV_PASSWORD; the user comes from --user "
					 "or EGOV_USER)"));
	rc = cli_open(app, CLI_CLIENT);
	if (rc != EGOV_EXIT_OK)
		return rc;
	rc = egov_app_login(app, EGOV_LOGIN_FORCE | EGOV_LOGIN_PROMPT);
	if (rc != EGOV_EXIT_OK) {
		cli_error("%s", app->err);
		return rc;
	}
	switch (app->session.role) {
	case EAPI_ROLE_OFFICER: role = _("officer"); break;
	case EAPI_ROLE_SUPERVISOR: role = _("supervisor"); break;
	case EAPI_ROLE_SUPPORT: role = _("support"); break;
	}
	printf(_("Logged in as %s (%s) at %s.\n"), app->session.username, role,
	       app->config.server);
	return EGOV_EXIT_OK;
}

const struct cli_cmd cmd_login = {
	.name = "login",
	.args = "",
	.summary = N_("log in and keep the session for later commands"),
	.help = N_("The user name comes from --user, EGOV_USER or the configuration;\n"
		   "the password is asked on the terminal, or read from EGOV_PASSWORD.\n"),
	.exec = login_exec,
};
