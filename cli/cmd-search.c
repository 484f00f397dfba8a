/*
 * egov search: full-text search over the cache, ignoring case and
 * Vietnamese diacritics ("nguyen van duc" finds Nguyễn Văn Đức).  Offline
 * by design: it searches what the cache holds.
 */
#include "config.h"

#include "cmd.h"
#include "cli-util.h"

#include <libintl.h>
#include <stdlib.h>
#include <string.h>

#define _(s) gettext(s)

static int search_exec(struct egov_app *app, int argc, char **argv)
{
	enum { OPT_CSV = 256, OPT_LIMIT };
	static const struct option longopts[] = {
		{ "limit", required_argument, NULL, OPT_LIMIT },
		{ "json", no_argument, NULL, 'j' },
		{ "csv", no_argument, NULL, OPT_CSV },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	enum cli_format fmt = CLI_TEXT;
	ecache_rows rows;
	char *text = NULL;
	size_t len = 0;
	long limit = 100;
	int c, rc, n;

	while ((c = cli_getopt(&cmd_search, argc, argv, ":j", longopts)) != -1) {
		switch (c) {
		case OPT_LIMIT:
			if (cli_parse_long(optarg, 1, 100000, &limit) < 0)
				return cli_usage_error(&cmd_search, _("--limit takes a positive number"));
			break;
		case 'j': fmt = CLI_JSON; break;
		case OPT_CSV: fmt = CLI_CSV; break;
		default: return EGOV_EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return cli_usage_error(&cmd_search, _("what to search for?"));
	/* The words may come as one argument or several. */
	for (int i = optind; i < argc; i++)
		len += strlen(argv[i]) + 1;
	text = calloc(1, len + 1);
	if (!text)
		return EGOV_EXIT_FAILURE;
	for (int i = optind; i < argc; i++) {
		if (i > optind)
			strcat(text, " ");
		strcat(text, argv[i]);
	}
	rc = cli_open(app, CLI_CLIENT | CLI_CACHE);
	if (rc != EGOV_EXIT_OK) {
		free(text);
		return rc;
	}
	ecache_rows_init(&rows);
	n = ecache_search(app->cache, text, (int)limit, &rows);
	if (n < 0) {
		cli_error("%s", ecache_errmsg(app->cache));
		rc = EGOV_EXIT_FAILURE;
	} else {
		rc = cli_print_rows(app, rows.rows, rows.n, fmt);
	}
	ecache_rows_release(&rows);
	free(text);
	return rc;
}

const struct cli_cmd cmd_search = {
	.name = "search",
	.args = N_("[--json|--csv] [--limit N] TEXT..."),
	.summary = N_("search the cache by number, applicant, subject or procedure"),
	.help = N_("Case and Vietnamese diacritics are ignored; each word matches as a prefix.\n"
		   "      --limit=N          at most N dossiers (default 100)\n"
		   "  -j, --json             JSON array of dossiers\n"
		   "      --csv              CSV (RFC 4180) with a header line\n"),
	.exec = search_exec,
};
