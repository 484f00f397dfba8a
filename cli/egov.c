/*
 * egov: the console for Hải Phòng's one-stop-shop back office, and its
 * command-line mode.
 *
 * Run bare, egov opens the application context (app.h), logs in (saved
 * session, EGOV_PASSWORD, or a prompt) and hands over to the full-screen
 * console (console_main).  With a subcommand it runs that command from the
 * table below (one cmd-*.c file each) and exits with a code from
 * exit-codes.h.  This file owns the global options, --help and --version;
 * everything else belongs to the commands.
 */
#include "config.h"

#include "app.h"
#include "cmd.h"
#include "cli-util.h"
#include "console.h"

#include <getopt.h>
#include <libintl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define _(s) gettext(s)

static const struct cli_cmd *const commands[] = {
	&cmd_login, &cmd_logout, &cmd_sync, &cmd_ls, &cmd_show, &cmd_search,
	&cmd_act, &cmd_outbox, &cmd_conflicts, &cmd_report, &cmd_doctor,
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *fp)
{
	fprintf(fp, _("Usage: egov [OPTION]... [COMMAND [ARG]...]\n"
		      "With no command, open the full-screen console.\n\n"));
	fprintf(fp, _("Commands:\n"));
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(fp, "  %-11s %s\n", commands[i]->name, _(commands[i]->summary));
	fprintf(fp, _("\nOptions:\n"
		      "  -p, --profile=NAME     use [profile NAME] of the configuration\n"
		      "  -c, --config=FILE      read FILE instead of ~/.config/egov/config\n"
		      "  -s, --server=URL       the city server (overrides the profile)\n"
		      "  -u, --user=NAME        the user to log in as\n"
		      "      --log-file=FILE    append a log to FILE\n"
		      "      --log-level=LEVEL  error, warn, info or debug\n"
		      "      --color[=WHEN]     auto, always or never\n"
		      "      --no-color         the same as --color=never\n"
		      "  -h, --help             show this help (egov COMMAND --help for a command)\n"
		      "  -V, --version          show the version\n\n"
		      "The password is never taken as an argument: egov asks for it, or reads\n"
		      "EGOV_PASSWORD.  See egov(1) and egov.conf(5).\n"));
}

static const struct cli_cmd *find_command(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
	return NULL;
}

/* Whether a command's arguments ask for its help (before any "--"). */
static int wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return 0;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
	}
	return 0;
}

/* Help is printed before the context opens (a broken configuration must
 * not hide it), but in the configured language when the file reads. */
static void help_language(const struct egov_app_options *opts)
{
	struct egov_config cfg;
	char err[256];

	egov_config_init(&cfg);
	if (egov_config_load(&cfg, opts->config_path, opts->profile, err, sizeof(err)) == 0)
		egov_app_set_language(cfg.lang);
	else
		egov_app_set_language(getenv("EGOV_LANG"));
	egov_config_release(&cfg);
}

static int parse_color(const char *s)
{
	if (!s || strcmp(s, "always") == 0)
		return EGOV_COLOR_ALWAYS;
	if (strcmp(s, "never") == 0)
		return EGOV_COLOR_NEVER;
	if (strcmp(s, "auto") == 0)
		return EGOV_COLOR_AUTO;
	return -2;
}

/* The console: resume the saved session or log in with EGOV_PASSWORD
 * (./demo), open the cache, run it.  When nobody can be logged in yet, or
 * the server cannot be reached without a saved session, the console still
 * starts and asks on its own login screen (app->session.known is 0 and
 * app->cache NULL then). */
static int run_console(struct egov_app *app)
{
	int rc = egov_app_open_client(app);

	if (rc == EGOV_EXIT_OK)
		rc = egov_app_login(app, EGOV_LOGIN_OFFLINE_OK);
	if (rc == EGOV_EXIT_OK)
		rc = egov_app_open_cache(app);
	else if (rc == EGOV_EXIT_AUTH || rc == EGOV_EXIT_OFFLINE)
		rc = app->client ? EGOV_EXIT_OK : rc;
	if (rc != EGOV_EXIT_OK) {
		cli_error("%s", app->err);
		return rc;
	}
	egov_app_log(app, EGOV_LOG_INFO, "console start (%s)",
		     app->session.known ? "logged in" : "login screen");
	return console_main(app);
}

int main(int argc, char **argv)
{
	enum { OPT_LOG_FILE = 256, OPT_LOG_LEVEL, OPT_COLOR, OPT_NO_COLOR };
	static const struct option longopts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "config", required_argument, NULL, 'c' },
		{ "server", required_argument, NULL, 's' },
		{ "user", required_argument, NULL, 'u' },
		{ "log-file", required_argument, NULL, OPT_LOG_FILE },
		{ "log-level", required_argument, NULL, OPT_LOG_LEVEL },
		{ "color", optional_argument, NULL, OPT_COLOR },
		{ "colour", optional_argument, NULL, OPT_COLOR },
		{ "no-color", no_argument, NULL, OPT_NO_COLOR },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct egov_app_options opts = { .color = -1 };
	const struct cli_cmd *cmd = NULL;
	const char *localedir = getenv("EGOV_LOCALEDIR");
	struct egov_app app;
	int c, rc, help = 0;

	setlocale(LC_ALL, "");
	/* EGOV_LOCALEDIR lets the tests use the build's catalogs. */
	bindtextdomain(PACKAGE, localedir && *localedir ? localedir : LOCALEDIR);
	bind_textdomain_codeset(PACKAGE, "UTF-8");
	textdomain(PACKAGE);

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:p:c:s:u:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': opts.profile = optarg; break;
		case 'c': opts.config_path = optarg; break;
		case 's': opts.server = optarg; break;
		case 'u': opts.user = optarg; break;
		case OPT_LOG_FILE: opts.log_file = optarg; break;
		case OPT_LOG_LEVEL: opts.log_level = optarg; break;
		case OPT_COLOR:
			opts.color = parse_color(optarg);
			if (opts.color == -2) {
				cli_error(_("--color must be auto, always or never"));
				return EGOV_EXIT_USAGE;
			}
			break;
		case OPT_NO_COLOR: opts.color = EGOV_COLOR_NEVER; break;
		case 'h':
			help = 1;
			break;
		case 'V':
			printf("egov (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
			return EGOV_EXIT_OK;
		case ':':
			cli_error(_("option '%s' needs a value"), argv[optind - 1]);
			fprintf(stderr, _("Try 'egov --help'.\n"));
			return EGOV_EXIT_USAGE;
		default:
			cli_error(_("unknown option '%s'"), argv[optind - 1]);
			fprintf(stderr, _("Try 'egov --help'.\n"));
			return EGOV_EXIT_USAGE;
		}
	}
	if (help) {
		help_language(&opts);
		usage(stdout);
		return EGOV_EXIT_OK;
	}
	if (optind < argc) {
		cmd = find_command(argv[optind]);
		if (!cmd) {
			cli_error(_("unknown command '%s'"), argv[optind]);
			fprintf(stderr, _("Try 'egov --help'.\n"));
			return EGOV_EXIT_USAGE;
		}
		if (wants_help(argc - optind, argv + optind)) {
			help_language(&opts);
			cli_cmd_help(cmd);
			return EGOV_EXIT_OK;
		}
	}

	rc = egov_app_init(&app, &opts);
	if (rc != EGOV_EXIT_OK) {
		cli_error("%s", app.err);
	} else if (cmd) {
		int first = optind;

		egov_app_log(&app, EGOV_LOG_INFO, "command %s", cmd->name);
		optind = 0;	/* GNU getopt: start afresh for the command */
		rc = cmd->exec(&app, argc - first, argv + first);
	} else {
		rc = run_console(&app);
	}
	egov_app_log(&app, EGOV_LOG_INFO, "exit %d", rc);
	egov_app_release(&app);
	if (fflush(stdout) == EOF && rc == EGOV_EXIT_OK) {
		cli_error(_("cannot write the output"));
		rc = EGOV_EXIT_FAILURE;
	}
	return rc;
}
