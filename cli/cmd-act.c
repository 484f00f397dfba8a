/*
 * egov act NUMBER ACTION: act on a dossier the way the console does.  The
 * action goes into the outbox first (durable, with its idempotency key),
 * then, when the server can be reached, one sync round pushes it and the
 * answer decides the exit code.  Offline the action stays queued and the
 * exit code is 3; `egov sync` sends it later, exactly once.
 */
#include "config.h"

#include "cmd.h"
#include "cli-util.h"
#include "output.h"
#include "workdays.h"

#include <libintl.h>
#include <stdlib.h>
#include <string.h>

#define _(s) gettext(s)

/* The contract's actions and what each must have. */
static const struct {
	const char *name;
	unsigned needs;
} actions[] = {
#define NEED_REASON 1u
#define NEED_ASSIGNEE 2u
#define NEED_DAYS 4u
#define NEED_DUE 8u
#define NEED_METHOD 16u
#define NEED_TEXT 32u
	{ "receive", 0 }, { "refuse", NEED_REASON }, { "claim", 0 },
	{ "assign", NEED_ASSIGNEE }, { "request_supplement", NEED_REASON | NEED_DAYS },
	{ "propose", 0 }, { "approve", 0 }, { "send_back", NEED_REASON },
	{ "stop", NEED_REASON }, { "apologize", NEED_REASON | NEED_DUE },
	{ "return_result", NEED_METHOD }, { "comment", NEED_TEXT },
};

static int find_action(const char *name)
{
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (strcmp(actions[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* A user name or id to an id, through the cached users. */
static char *resolve_user(struct egov_app *app, const char *who)
{
	eapi_user_list *users = ecache_get_users(app->cache, NULL);
	char *id = NULL;

	for (size_t i = 0; users && i < users->n && !id; i++)
		if ((users->items[i].username && strcmp(users->items[i].username, who) == 0) ||
		    (users->items[i].id && strcmp(users->items[i].id, who) == 0))
			id = strdup(users->items[i].id);
	if (users)
		eapi_user_list_free(users);
	return id ? id : strdup(who);
}

/* YYYY-MM-DD (17:00 that day, the end of office hours) or RFC 3339. */
static int parse_due(const char *s, char out[26])
{
	egov_day day;
	time_t t;

	if (egov_day_parse(s, &day) == 0)
		t = egov_local_time(day, 17, 0);
	else if (egov_time_parse(s, &t) < 0)
		return -1;
	egov_time_format(t, out);
	return 0;
}

/* After the push: what became of outbox row seq; `offline` when the link
 * was down at the end of the round. */
static int outcome(struct egov_app *app, long long seq, const char *code, int offline)
{
	ecache_outbox_row row;
	int rc;

	memset(&row, 0, sizeof(row));
	if (ecache_outbox_get(app->cache, seq, &row) < 0) {
		cli_error("%s", ecache_errmsg(app->cache));
		return EGOV_EXIT_FAILURE;
	}
	switch (row.status) {
	case ECACHE_OUT_DONE:
		printf(_("%s: %s done.\n"), code, row.action);
		rc = EGOV_EXIT_OK;
		break;
	case ECACHE_OUT_CONFLICT:
		cli_error(_("%s: %s is in conflict (%s); see 'egov conflicts'"), code, row.action,
			  row.reason ? row.reason : _("the dossier changed meanwhile"));
		rc = EGOV_EXIT_CONFLICT;
		break;
	case ECACHE_OUT_FAILED:
		cli_error(_("%s: the server refused %s: %s"), code, row.action,
			  row.reason ? row.reason : "");
		rc = row.http_status == 403 || row.http_status == 401 ? EGOV_EXIT_AUTH
		   : row.http_status == 422 ? EGOV_EXIT_USAGE : EGOV_EXIT_SERVER;
		break;
	default:
		if (offline) {
			cli_error(_("offline: %s on %s is kept in the outbox and will be sent by 'egov sync'"),
				  row.action, code);
			rc = EGOV_EXIT_OFFLINE;
			break;
		}
		cli_error(_("%s: %s is queued and will be sent by 'egov sync' (%s)"), code,
			  row.action, row.reason ? row.reason : _("not sent yet"));
		rc = row.http_status >= 500 ? EGOV_EXIT_SERVER : EGOV_EXIT_OFFLINE;
		break;
	}
	ecache_outbox_row_release(&row);
	return rc;
}

static int act_exec(struct egov_app *app, int argc, char **argv)
{
	enum { OPT_DAYS = 256, OPT_DUE, OPT_NO_PUSH };
	static const struct option longopts[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ "assignee", required_argument, NULL, 'a' },
		{ "deadline-days", required_argument, NULL, OPT_DAYS },
		{ "new-due", required_argument, NULL, OPT_DUE },
		{ "method", required_argument, NULL, 'm' },
		{ "note", required_argument, NULL, 'n' },
		{ "text", required_argument, NULL, 't' },
		{ "no-push", no_argument, NULL, OPT_NO_PUSH },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	eapi_action a = { 0 };
	ecache_sync_report rep;
	eapi_dossier *d = NULL;
	char due[26], *assignee = NULL, *code = NULL;
	const char *who = NULL;
	long days = 0;
	long long seq;
	int c, rc, idx, push = 1;
	unsigned have = 0;

	while ((c = cli_getopt(&cmd_act, argc, argv, ":r:a:m:n:t:", longopts)) != -1) {
		switch (c) {
		case 'r': a.reason = optarg; have |= NEED_REASON; break;
		case 'a': who = optarg; have |= NEED_ASSIGNEE; break;
		case OPT_DAYS:
			if (cli_parse_long(optarg, 1, 365, &days) < 0)
				return cli_usage_error(&cmd_act, _("--deadline-days takes 1 to 365"));
			have |= NEED_DAYS;
			break;
		case OPT_DUE:
			if (parse_due(optarg, due) < 0)
				return cli_usage_error(&cmd_act, _("--new-due takes YYYY-MM-DD or an RFC 3339 time"));
			a.new_due_at = due;
			have |= NEED_DUE;
			break;
		case 'm':
			if (strcmp(optarg, "counter") != 0 && strcmp(optarg, "postal") != 0)
				return cli_usage_error(&cmd_act, _("--method takes counter or postal"));
			a.method = optarg;
			have |= NEED_METHOD;
			break;
		case 'n': a.note = optarg; break;
		case 't': a.text = optarg; have |= NEED_TEXT; break;
		case OPT_NO_PUSH: push = 0; break;
		default: return EGOV_EXIT_USAGE;
		}
	}
	if (argc - optind != 2)
		return cli_usage_error(&cmd_act, _("give a dossier number and an action"));
	idx = find_action(argv[optind + 1]);
	if (idx < 0)
		return cli_usage_error(&cmd_act, _("unknown action '%s'"), argv[optind + 1]);
	if ((actions[idx].needs & have) != actions[idx].needs) {
		unsigned miss = actions[idx].needs & ~have;

		return cli_usage_error(&cmd_act, _("%s needs %s"), actions[idx].name,
				       miss & NEED_REASON ? "--reason" : miss & NEED_ASSIGNEE ? "--assignee"
				       : miss & NEED_DAYS ? "--deadline-days" : miss & NEED_DUE ? "--new-due"
				       : miss & NEED_METHOD ? "--method" : "--text");
	}
	rc = cli_open(app, CLI_SESSION | CLI_CACHE);
	if (rc != EGOV_EXIT_OK)
		return rc;
	d = cli_find_dossier(app, argv[optind], NULL);
	if (!d)
		return EGOV_EXIT_NOT_FOUND;
	if (who)
		a.assignee_id = assignee = resolve_user(app, who);
	a.dossier_id = d->id;
	a.action = actions[idx].name;
	a.deadline_days = (int)days;
	code = strdup(d->code ? d->code : d->id);
	seq = ecache_act(app->cache, &a, NULL);
	if (seq < 0) {
		cli_error("%s: %s", code, ecache_errmsg(app->cache));
		rc = EGOV_EXIT_USAGE;
		goto cleanup;
	}
	egov_app_log(app, EGOV_LOG_INFO, "queued %s on %s as outbox #%lld", a.action, code, seq);
	if (!push) {
		printf(_("%s: %s queued (outbox #%lld).\n"), code, a.action, seq);
		goto cleanup;
	}
	if (!app->session.verified) {
		cli_error(_("offline: %s on %s is kept in the outbox and will be sent by 'egov sync'"),
			  a.action, code);
		rc = EGOV_EXIT_OFFLINE;
		goto cleanup;
	}
	rc = cli_sync_round(app, 0, &rep);
	if (rc == EGOV_EXIT_OK || rep.pushed > 0)
		rc = outcome(app, seq, code, rc == EGOV_EXIT_OFFLINE);
	else
		cli_error(_("offline: %s on %s is kept in the outbox and will be sent by 'egov sync'"),
			  a.action, code);
cleanup:
	free(code);
	free(assignee);
	eapi_dossier_free(d);
	return rc;
}

const struct cli_cmd cmd_act = {
	.name = "act",
	.args = N_("NUMBER ACTION [--reason TEXT] [--assignee USER] [--deadline-days N] [--new-due DATE] [--method counter|postal] [--note TEXT] [--text TEXT]"),
	.summary = N_("act on a dossier (queued, then sent when online)"),
	.help = N_("ACTION is receive, refuse, claim, assign, request_supplement, propose,\n"
		   "approve, send_back, stop, apologize, return_result or comment.\n"
		   "  -r, --reason=TEXT      why (refuse, request_supplement, send_back, stop, apologize)\n"
		   "  -a, --assignee=USER    to whom (assign): a user name or id\n"
		   "      --deadline-days=N  days the applicant has (request_supplement)\n"
		   "      --new-due=DATE     the new due date (apologize)\n"
		   "  -m, --method=HOW       counter or postal (return_result)\n"
		   "  -n, --note=TEXT        a note for the history\n"
		   "  -t, --text=TEXT        the comment (comment)\n"
		   "      --no-push          only queue it; 'egov sync' sends it\n"),
	.exec = act_exec,
};
