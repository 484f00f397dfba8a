/*
 * egov's subcommands, tmux style: each lives in its own cmd-*.c file and
 * exports one declarative entry; egov.c keeps the table, parses the global
 * options, prints --help from the entry and runs exec().
 *
 * exec() gets the application context already initialised (configuration,
 * log, language) and argv starting at the subcommand's name; it parses its
 * own options (cli_getopt), opens what it needs (cli_open), and returns an
 * exit code from exit-codes.h.  Errors go to stderr through cli_error() in
 * one line; results go to stdout.
 */
#ifndef EGOV_CLI_CMD_H
#define EGOV_CLI_CMD_H

#include <getopt.h>
#include <stdio.h>

#include "app.h"
#include "cache.h"

#define N_(s) (s)

struct cli_cmd {
	const char *name;
	const char *args;		/* after the name in the usage line */
	const char *summary;		/* N_(): one line */
	const char *help;		/* N_(): the options, one per line */
	int (*exec)(struct egov_app *app, int argc, char **argv);
};

extern const struct cli_cmd cmd_login, cmd_logout, cmd_sync, cmd_ls, cmd_show,
	cmd_search, cmd_act, cmd_outbox, cmd_conflicts, cmd_report, cmd_doctor;

/* What a command needs opened (cli_open). */
enum {
	CLI_CLIENT = 1 << 0,		/* the api client and the saved session */
	CLI_LOGIN = 1 << 1,		/* a verified login (prompting on a tty) */
	CLI_SESSION = 1 << 2,		/* a known user; offline is fine */
	CLI_CACHE = 1 << 3		/* the cache of that user */
};

/* Open what `needs` says; on failure print the error and return its exit
 * code. */
int cli_open(struct egov_app *app, unsigned needs);

/* Output formats every listing command accepts. */
enum cli_format { CLI_TEXT, CLI_JSON, CLI_CSV };

/* getopt_long over a subcommand's arguments with egov's messages: returns
 * getopt's value, -1 at the end, or '?' after printing the problem and the
 * "Try 'egov NAME --help'" hint (return EGOV_EXIT_USAGE then). */
int cli_getopt(const struct cli_cmd *cmd, int argc, char **argv,
	       const char *shortopts, const struct option *longopts);

/* Print "egov: message" and the --help hint; returns EGOV_EXIT_USAGE. */
int cli_usage_error(const struct cli_cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The usage and help text of a command, to stdout. */
void cli_cmd_help(const struct cli_cmd *cmd);

/* A dossier from the cache by number (code) or id, as the person sees it
 * (local effects applied); NULL after printing "not in the cache". */
eapi_dossier *cli_find_dossier(struct egov_app *app, const char *number, int *pending);

/* Run one blocking sync round; fills rep; returns an exit code (OFFLINE
 * when the server could not be reached) without printing.  The change feed
 * is read in its summary view (what lists, search and acting need: about a
 * fifth of the bytes of the full view) unless `full`; `egov show` fetches a
 * dossier's full form when it needs it. */
int cli_sync_round(struct egov_app *app, int full, ecache_sync_report *rep);

/* A user's user name from the cache by id ("" when unknown). */
void cli_user_name(struct egov_app *app, const char *user_id, char *out, size_t len);

/* Rows (ls, search) in the chosen format. */
int cli_print_rows(struct egov_app *app, const ecache_row *rows, size_t n,
		   enum cli_format fmt);

#endif
