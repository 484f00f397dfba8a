/*
 * egov conflicts: actions the server refused because the dossier had
 * changed (412) or was no longer in a state that allows them (409), with
 * both versions side by side; `egov conflicts resolve NUMBER --redo` sends
 * the action again on the server's version (a new idempotency key), and
 * --discard drops it and its local effect.  Refused actions (403/422) are
 * listed too, after the conflicts, and can only be discarded: sent again
 * they would be refused again.
 */
#include "config.h"

#include "cmd.h"
#include "cli-util.h"
#include "output.h"

#include <libintl.h>
#include <string.h>

#define _(s) gettext(s)

static json_t *side_json(const eapi_dossier *d)
{
	if (!d)
		return json_null();
	return json_pack("{s:I, s:s, s:s?, s:o}", "version", (json_int_t)d->version,
			 "state", eapi_state_str(d->state), "assignee_id", d->assignee_id,
			 "due_at", out_json_time(d->due_at));
}

static void side_text(const char *label, const eapi_dossier *d)
{
	char due[20];

	printf("    ");
	out_cell(stdout, label, 8);
	if (!d) {
		printf("-\n");
		return;
	}
	out_time(d->due_at, due);
	printf(_("version %lld, %s, due %s\n"), d->version, eapi_state_str(d->state),
	       due[0] ? due : "-");
}

/* One row, with both versions for a conflict (NULL for a refusal). */
static void list_row(json_t *arr, const ecache_outbox_row *row, const ecache_conflict *k)
{
	if (arr) {
		json_array_append_new(arr, json_pack(
			"{s:I, s:s?, s:s?, s:s, s:I, s:s?, s:s?, s:o, s:o}",
			"seq", (json_int_t)row->seq, "dossier_code", row->dossier_code,
			"action", row->action, "status", ecache_out_status_name(row->status),
			"http_status", (json_int_t)row->http_status,
			"error_code", row->error_code, "reason", row->reason,
			"mine", side_json(k ? k->mine : NULL),
			"theirs", side_json(k ? k->theirs : NULL)));
		return;
	}
	printf("#%lld ", row->seq);
	out_text(stdout, row->dossier_code);
	printf("  ");
	out_text(stdout, row->action);
	printf("  %s", ecache_out_status_name(row->status));
	if (row->reason) {
		printf(": ");
		out_text(stdout, row->reason);
	}
	printf("\n");
	if (k) {
		side_text(_("mine"), k->mine);
		side_text(_("server"), k->theirs);
	}
}

static int list(struct egov_app *app, enum cli_format fmt)
{
	ecache_conflict_list l;
	ecache_outbox_list refused;
	json_t *arr = NULL;
	int rc = EGOV_EXIT_OK;

	ecache_conflict_list_init(&l);
	ecache_outbox_list_init(&refused);
	if (ecache_conflicts(app->cache, &l) < 0 ||
	    ecache_outbox_list_get(app->cache, 1u << ECACHE_OUT_FAILED, NULL, &refused) < 0) {
		cli_error("%s", ecache_errmsg(app->cache));
		rc = EGOV_EXIT_FAILURE;
		goto cleanup;
	}
	if (fmt == CLI_JSON)
		arr = json_array();
	else if (l.n == 0 && refused.n == 0)
		printf(_("No conflicts.\n"));
	for (size_t i = 0; i < l.n; i++)
		list_row(arr, &l.items[i].row, &l.items[i]);
	for (size_t i = 0; i < refused.n; i++)
		list_row(arr, &refused.rows[i], NULL);
	if (arr)
		rc = out_json(arr) < 0 ? EGOV_EXIT_FAILURE : EGOV_EXIT_OK;
cleanup:
	ecache_conflict_list_release(&l);
	ecache_outbox_list_release(&refused);
	return rc;
}

static int resolve(struct egov_app *app, const char *number, ecache_resolution how)
{
	ecache_outbox_list l;
	ecache_sync_report rep;
	int rc = EGOV_EXIT_NOT_FOUND, done = 0;

	ecache_outbox_list_init(&l);
	if (ecache_outbox_list_get(app->cache, (1u << ECACHE_OUT_CONFLICT) | (1u << ECACHE_OUT_FAILED),
				   NULL, &l) < 0) {
		cli_error("%s", ecache_errmsg(app->cache));
		return EGOV_EXIT_FAILURE;
	}
	for (size_t i = 0; i < l.n; i++) {
		const ecache_outbox_row *r = &l.rows[i];

		if (!(r->dossier_code && strcmp(r->dossier_code, number) == 0) &&
		    !(r->dossier_id && strcmp(r->dossier_id, number) == 0))
			continue;
		if (r->status == ECACHE_OUT_FAILED && how == ECACHE_RESOLVE_REDO) {
			cli_error(_("#%lld %s was refused by the server (%s): it can only be discarded"),
				  r->seq, r->action, r->reason ? r->reason : "");
			rc = EGOV_EXIT_USAGE;
			goto cleanup;
		}
		if (ecache_resolve(app->cache, r->seq, how) < 0) {
			cli_error("#%lld: %s", r->seq, ecache_errmsg(app->cache));
			rc = EGOV_EXIT_USAGE;
			goto cleanup;
		}
		printf(how == ECACHE_RESOLVE_REDO ? _("#%lld %s: queued again.\n")
						  : _("#%lld %s: discarded.\n"), r->seq, r->action);
		done++;
	}
	if (!done) {
		cli_error(_("%s: no conflict for this dossier"), number);
		goto cleanup;
	}
	rc = EGOV_EXIT_OK;
	if (how == ECACHE_RESOLVE_REDO) {
		/* Send at once when we can; offline the redo simply waits. */
		if (egov_app_login(app, EGOV_LOGIN_OFFLINE_OK) == EGOV_EXIT_OK && app->session.verified) {
			rc = cli_sync_round(app, 0, &rep);
			if (rc == EGOV_EXIT_OK && rep.conflicts > 0)
				rc = EGOV_EXIT_CONFLICT;
			else if (rc == EGOV_EXIT_OK && rep.failed > 0)
				rc = EGOV_EXIT_SERVER;
		} else {
			rc = EGOV_EXIT_OFFLINE;
		}
		if (rc == EGOV_EXIT_OFFLINE)
			cli_error(_("offline: the action waits in the outbox for 'egov sync'"));
		else if (rc != EGOV_EXIT_OK)
			cli_error(_("the action did not go through again: see 'egov conflicts'"));
	}
cleanup:
	ecache_outbox_list_release(&l);
	return rc;
}

static int conflicts_exec(struct egov_app *app, int argc, char **argv)
{
	enum { OPT_REDO = 256, OPT_DISCARD };
	static const struct option longopts[] = {
		{ "redo", no_argument, NULL, OPT_REDO },
		{ "discard", no_argument, NULL, OPT_DISCARD },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	enum cli_format fmt = CLI_TEXT;
	int c, rc, how = -1;

	while ((c = cli_getopt(&cmd_conflicts, argc, argv, ":j", longopts)) != -1) {
		switch (c) {
		case OPT_REDO: how = ECACHE_RESOLVE_REDO; break;
		case OPT_DISCARD: how = ECACHE_RESOLVE_DISCARD; break;
		case 'j': fmt = CLI_JSON; break;
		default: return EGOV_EXIT_USAGE;
		}
	}
	if (optind == argc) {
		if (how >= 0)
			return cli_usage_error(&cmd_conflicts, _("--redo and --discard go with 'resolve NUMBER'"));
		rc = cli_open(app, CLI_CLIENT | CLI_CACHE);
		return rc != EGOV_EXIT_OK ? rc : list(app, fmt);
	}
	if (strcmp(argv[optind], "resolve") != 0 || argc - optind != 2)
		return cli_usage_error(&cmd_conflicts, _("use 'egov conflicts' or 'egov conflicts resolve NUMBER --redo|--discard'"));
	if (how < 0)
		return cli_usage_error(&cmd_conflicts, _("resolve needs --redo or --discard"));
	rc = cli_open(app, CLI_CLIENT | CLI_CACHE);
	return rc != EGOV_EXIT_OK ? rc : resolve(app, argv[optind + 1], (ecache_resolution)how);
}

const struct cli_cmd cmd_conflicts = {
	.name = "conflicts",
	.args = N_("[--json] | resolve NUMBER --redo|--discard"),
	.summary = N_("list actions in conflict or refused, or resolve one"),
	.help = N_("      --redo             send the action again on the server's version\n"
		   "      --discard          drop the action and its local effect\n"
		   "  -j, --json             JSON array of conflicts\n"),
	.exec = conflicts_exec,
};
