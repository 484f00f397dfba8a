/*
 * egov ls: the work queue from the cache, filtered, for people or as
 * JSON/CSV.  It reads only the local cache (run `egov sync` to refresh), so
 * it answers instantly and works offline.  Rows are read a window at a time
 * (keyset pagination) and filtered here; only --agency needs the dossier
 * itself, because queue rows do not carry the agency.
 */
#include "config.h"

#include "cmd.h"
#include "cli-util.h"

#include <libintl.h>
#include <stdlib.h>
#include <string.h>

#define _(s) gettext(s)

#define WINDOW 500

struct ls_filter {
	int has_state;
	eapi_state state;
	const char *assignee;		/* "me", "none", a user name or an id */
	char *assignee_id;		/* resolved */
	int none;
	long due_within;		/* -1: no filter */
	const char *agency;		/* code or id */
	char *agency_id;		/* resolved */
};

static int resolve(struct egov_app *app, struct ls_filter *f)
{
	if (f->assignee) {
		if (strcmp(f->assignee, "none") == 0) {
			f->none = 1;
		} else if (strcmp(f->assignee, "me") == 0) {
			f->assignee_id = strdup(app->session.user_id ? app->session.user_id : "");
		} else {
			eapi_user_list *users = ecache_get_users(app->cache, NULL);

			for (size_t i = 0; users && i < users->n && !f->assignee_id; i++)
				if (users->items[i].username &&
				    strcmp(users->items[i].username, f->assignee) == 0)
					f->assignee_id = strdup(users->items[i].id);
			if (users)
				eapi_user_list_free(users);
			if (!f->assignee_id)
				f->assignee_id = strdup(f->assignee);
		}
	}
	if (f->agency) {
		eapi_agency_list *ag = ecache_get_agencies(app->cache);

		for (size_t i = 0; ag && i < ag->n && !f->agency_id; i++)
			if ((ag->items[i].code && strcmp(ag->items[i].code, f->agency) == 0) ||
			    (ag->items[i].short_name && strcmp(ag->items[i].short_name, f->agency) == 0))
				f->agency_id = strdup(ag->items[i].id);
		if (ag)
			eapi_agency_list_free(ag);
		if (!f->agency_id)
			f->agency_id = strdup(f->agency);
	}
	return 0;
}

static int keep(struct egov_app *app, const struct ls_filter *f, const ecache_row *r)
{
	if (f->has_state && r->state != f->state)
		return 0;
	if (f->none && r->assignee_id)
		return 0;
	if (f->assignee_id && (!r->assignee_id || strcmp(r->assignee_id, f->assignee_id) != 0))
		return 0;
	/* Due within N days: from today (0) to N, so neither the late ones
	 * nor a result waiting to be returned past its date (not late, but
	 * not due either). */
	if (f->due_within >= 0 &&
	    (!r->has_due || r->overdue || r->working_days_left < 0 ||
	     r->working_days_left > f->due_within))
		return 0;
	if (f->agency_id) {
		eapi_dossier *d = ecache_dossier_get(app->cache, r->id, NULL);
		int same = d && d->agency_id && strcmp(d->agency_id, f->agency_id) == 0;

		eapi_dossier_free(d);
		return same;
	}
	return 1;
}

/* Move row src into dst (both ecache_row; the strings change owner). */
static void take_row(ecache_row *dst, ecache_row *src)
{
	*dst = *src;
	memset(src, 0, sizeof(*src));
}

static int ls_exec(struct egov_app *app, int argc, char **argv)
{
	enum { OPT_DUE = 256, OPT_AGENCY, OPT_CSV, OPT_QUEUE, OPT_SORT, OPT_LIMIT };
	static const struct option longopts[] = {
		{ "state", required_argument, NULL, 's' },
		{ "assignee", required_argument, NULL, 'a' },
		{ "due-within", required_argument, NULL, OPT_DUE },
		{ "overdue", no_argument, NULL, 'o' },
		{ "agency", required_argument, NULL, OPT_AGENCY },
		{ "queue", required_argument, NULL, OPT_QUEUE },
		{ "all", no_argument, NULL, 'A' },
		{ "sort", required_argument, NULL, OPT_SORT },
		{ "limit", required_argument, NULL, OPT_LIMIT },
		{ "json", no_argument, NULL, 'j' },
		{ "csv", no_argument, NULL, OPT_CSV },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const sorts[] = { "due", "received", "applicant", "code" };
	struct ls_filter f = { .due_within = -1 };
	enum cli_format fmt = CLI_TEXT;
	ecache_queue queue = ECACHE_Q_ACTIVE;
	ecache_rows win, out;
	char *after = NULL;
	long limit = -1;
	int c, rc, sort = ECACHE_SORT_DUE, got;

	ecache_rows_init(&win);
	ecache_rows_init(&out);
	while ((c = cli_getopt(&cmd_ls, argc, argv, ":s:a:oAj", longopts)) != -1) {
		switch (c) {
		case 's':
			if (eapi_state_parse(optarg, &f.state) < 0)
				return cli_usage_error(&cmd_ls, _("unknown state '%s'"), optarg);
			f.has_state = 1;
			queue = ECACHE_Q_ALL;
			break;
		case 'a': f.assignee = optarg; break;
		case OPT_DUE:
			if (cli_parse_long(optarg, 0, 1000, &f.due_within) < 0)
				return cli_usage_error(&cmd_ls, _("--due-within takes working days, not '%s'"), optarg);
			break;
		case 'o': queue = ECACHE_Q_OVERDUE; break;
		case OPT_AGENCY: f.agency = optarg; break;
		case OPT_QUEUE:
			if (ecache_queue_parse(optarg, &queue) < 0)
				return cli_usage_error(&cmd_ls, _("unknown queue '%s'"), optarg);
			break;
		case 'A': queue = ECACHE_Q_ALL; break;
		case OPT_SORT:
			for (sort = 0; sort < 4 && strcmp(optarg, sorts[sort]) != 0; sort++)
				;
			if (sort == 4)
				return cli_usage_error(&cmd_ls, _("--sort takes due, received, applicant or code"));
			break;
		case OPT_LIMIT:
			if (cli_parse_long(optarg, 1, 1000000, &limit) < 0)
				return cli_usage_error(&cmd_ls, _("--limit takes a positive number"));
			break;
		case 'j': fmt = CLI_JSON; break;
		case OPT_CSV: fmt = CLI_CSV; break;
		default: return EGOV_EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_usage_error(&cmd_ls, _("unexpected argument '%s'"), argv[optind]);
	rc = cli_open(app, CLI_CLIENT | CLI_CACHE);
	if (rc != EGOV_EXIT_OK)
		return rc;
	resolve(app, &f);
	do {
		got = ecache_queue_window(app->cache, queue, app->session.user_id, sort,
					  after, WINDOW, &win);
		if (got < 0) {
			cli_error("%s", ecache_errmsg(app->cache));
			rc = EGOV_EXIT_FAILURE;
			goto cleanup;
		}
		/* The next window starts after this one's last row, whatever the
		 * filter keeps (kept rows are moved out below). */
		free(after);
		after = win.n && win.rows[win.n - 1].key ? strdup(win.rows[win.n - 1].key) : NULL;
		for (size_t i = 0; i < win.n && (limit < 0 || (long)out.n < limit); i++) {
			ecache_row *grown;

			if (!keep(app, &f, &win.rows[i]))
				continue;
			grown = realloc(out.rows, (out.n + 1) * sizeof(*grown));
			if (!grown) {
				rc = EGOV_EXIT_FAILURE;
				goto cleanup;
			}
			out.rows = grown;
			take_row(&out.rows[out.n++], &win.rows[i]);
		}
	} while (got == WINDOW && (limit < 0 || (long)out.n < limit) && after);
	if (fmt == CLI_TEXT && out.n == 0 && ecache_dossier_count(app->cache) == 0)
		cli_error(_("the cache is empty: run 'egov sync' first"));
	rc = cli_print_rows(app, out.rows, out.n, fmt);
cleanup:
	free(after);
	free(f.assignee_id);
	free(f.agency_id);
	ecache_rows_release(&win);
	ecache_rows_release(&out);
	return rc;
}

const struct cli_cmd cmd_ls = {
	.name = "ls",
	.args = N_("[--state STATE] [--assignee USER] [--due-within DAYS] [--overdue] [--agency CODE] [--json|--csv]"),
	.summary = N_("list dossiers from the cache (the work queue)"),
	.help = N_("  -s, --state=STATE      only dossiers in STATE (received, in_progress, ...)\n"
		   "  -a, --assignee=USER    only those assigned to USER (a user name, 'me' or 'none')\n"
		   "      --due-within=DAYS  only those due within DAYS working days, not yet late\n"
		   "  -o, --overdue          only overdue dossiers\n"
		   "      --agency=CODE      only those handled by the agency CODE (or id)\n"
		   "      --queue=QUEUE      a work queue: active, mine, due_soon, unassigned, ...\n"
		   "  -A, --all              finished dossiers too (default: active ones)\n"
		   "      --sort=KEY         due (default), received, applicant or code\n"
		   "      --limit=N          at most N dossiers\n"
		   "  -j, --json             JSON array of dossiers\n"
		   "      --csv              CSV (RFC 4180) with a header line\n"),
	.exec = ls_exec,
};
