/*
 * egov show NUMBER: one dossier from the cache, in full: who applied, what
 * for, where it stands, its documents, fees, history and comments.  `egov
 * sync` caches summaries (the change feed's light view), so when the cache
 * has no full form show fetches it once (GET /dossiers/{id}) and keeps it;
 * offline it shows the summary and says so.  --json prints the contract's
 * JSON for the dossier (what the server sent, with unsent local effects
 * applied) plus "pending_actions".  Every string from the server goes
 * through out_safe.
 */
#include "config.h"

#include "cmd.h"
#include "cli-util.h"
#include "output.h"

#include <libintl.h>
#include <stdlib.h>
#include <string.h>

#define _(s) gettext(s)

static void field(const char *label, const char *value)
{
	if (!value || !*value)
		return;
	out_cell(stdout, label, 14);
	out_text(stdout, value);
	fputc('\n', stdout);
}

static void time_field(const char *label, time_t t)
{
	char buf[20];

	out_time(t, buf);
	field(label, buf);
}

static void heading(struct egov_app *app, const char *title)
{
	printf("\n%s", out_color(app->use_color, OUT_BOLD));
	out_text(stdout, title);
	printf("%s\n", out_reset(app->use_color));
}

static void print_lists(struct egov_app *app, const eapi_dossier *d)
{
	char when[20], buf[64];

	if (d->n_documents) {
		heading(app, _("Documents"));
		for (size_t i = 0; i < d->n_documents; i++) {
			printf("  ");
			out_cell(stdout, d->documents[i].name, 50);
			printf(" %8lld B%s\n", d->documents[i].size,
			       d->documents[i].digitized ? _("  digitized") : "");
		}
	}
	if (d->n_fees) {
		heading(app, _("Fees"));
		for (size_t i = 0; i < d->n_fees; i++) {
			printf("  ");
			out_cell(stdout, d->fees[i].name, 50);
			printf(" %12lld đ  %s\n", d->fees[i].amount_vnd,
			       d->fees[i].paid ? (d->fees[i].paid_online ? _("paid online") : _("paid"))
					       : _("not paid"));
		}
	}
	if (d->n_supplements) {
		heading(app, _("Supplements"));
		for (size_t i = 0; i < d->n_supplements; i++) {
			out_time(d->supplements[i].requested_at, when);
			printf("  %s  ", when);
			snprintf(buf, sizeof(buf), _("%d days"), d->supplements[i].deadline_days);
			out_cell(stdout, buf, 9);
			out_text(stdout, d->supplements[i].reason);
			printf("%s\n", d->supplements[i].completed_at ? _("  (completed)") : "");
		}
	}
	if (d->n_history) {
		heading(app, _("History"));
		for (size_t i = 0; i < d->n_history; i++) {
			const eapi_history_entry *h = &d->history[i];

			out_time(h->at, when);
			printf("  %s  ", when);
			out_cell(stdout, h->action, 18);
			printf(" ");
			/* Padded only when a note follows: no trailing blanks. */
			if (h->note && *h->note) {
				out_cell(stdout, h->actor_name, 24);
				printf(" ");
				out_text(stdout, h->note);
			} else {
				out_text(stdout, h->actor_name);
			}
			printf("\n");
		}
	}
	if (d->n_comments) {
		heading(app, _("Comments"));
		for (size_t i = 0; i < d->n_comments; i++) {
			out_time(d->comments[i].at, when);
			printf("  %s  ", when);
			out_cell(stdout, d->comments[i].author_name, 24);
			printf(" ");
			out_text(stdout, d->comments[i].text);
			printf("\n");
		}
	}
}

static void print_text(struct egov_app *app, const eapi_dossier *d, int pending)
{
	char buf[160], who[80];

	printf("%s", out_color(app->use_color, OUT_BOLD));
	out_text(stdout, d->code);
	printf("%s  ", out_reset(app->use_color));
	snprintf(buf, sizeof(buf), "%s (%d)", eapi_state_str(d->state), d->status_code);
	out_text(stdout, buf);
	if (pending)
		printf(_("  [%d unsent actions]"), pending);
	printf("\n");
	field(_("Procedure"), d->procedure_name);
	field(_("Subject"), d->subject);
	field(_("Applicant"), d->applicant_name);
	if (d->has_full) {
		field(_("ID number"), d->applicant.id_number);
		field(_("Phone"), d->applicant.phone);
		field(_("Email"), d->applicant.email);
		field(_("Address"), d->applicant.address);
	}
	field(_("Channel"), d->channel);
	cli_user_name(app, d->assignee_id, who, sizeof(who));
	field(_("Assignee"), who[0] ? who : d->assignee_id);
	time_field(_("Submitted"), d->submitted_at);
	time_field(_("Received"), d->received_at);
	time_field(_("Due"), d->due_at);
	time_field(_("Finished"), d->finished_at);
	time_field(_("Returned"), d->returned_at);
	snprintf(buf, sizeof(buf), "%lld", d->version);
	field(_("Version"), buf);
	if (d->has_result) {
		field(_("Result"), d->result_number);
		field(_("Signed by"), d->result_signer);
	}
	if (d->has_apology) {
		field(_("Apology"), d->apology_reason);
		time_field(_("New due"), d->apology_new_due_at);
	}
	if (!d->has_full)
		printf(_("(summary only: the server could not be reached for the full dossier)\n"));
	print_lists(app, d);
}

/* Replace *d, a summary, by the full form from the server when it can be
 * reached; quietly keeps the summary otherwise (offline is normal). */
static void fetch_full(struct egov_app *app, eapi_dossier **d, int *pending)
{
	eapi_completion *comp;
	eapi_dossier *full;
	uint64_t id;

	if (egov_app_login(app, EGOV_LOGIN_OFFLINE_OK) != EGOV_EXIT_OK ||
	    !app->session.verified)
		return;
	id = eapi_get_dossier(app->client, (*d)->id, NULL);
	if (!id)
		return;
	comp = eapi_wait(app->client, id);
	if (comp->error.result != EAPI_OK || !comp->u.dossier) {
		egov_app_log(app, EGOV_LOG_WARN, "full dossier not fetched: %s",
			     eapi_result_str(comp->error.result));
	} else if (ecache_dossier_upsert(app->cache, comp->u.dossier) < 0) {
		egov_app_log(app, EGOV_LOG_WARN, "full dossier not kept: %s",
			     ecache_errmsg(app->cache));
	} else {
		/* Read back through the cache so unsent actions still show. */
		full = ecache_dossier_get(app->cache, (*d)->id, pending);
		if (full) {
			eapi_dossier_free(*d);
			*d = full;
		}
	}
	eapi_completion_free(comp);
}

static int show_exec(struct egov_app *app, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	eapi_dossier *d;
	int c, rc, json = 0, pending = 0;

	while ((c = cli_getopt(&cmd_show, argc, argv, ":j", longopts)) != -1) {
		if (c != 'j')
			return EGOV_EXIT_USAGE;
		json = 1;
	}
	if (argc - optind != 1)
		return cli_usage_error(&cmd_show, _("give one dossier number"));
	rc = cli_open(app, CLI_CLIENT | CLI_CACHE);
	if (rc != EGOV_EXIT_OK)
		return rc;
	d = cli_find_dossier(app, argv[optind], &pending);
	if (!d)
		return EGOV_EXIT_NOT_FOUND;
	if (!d->has_full)
		fetch_full(app, &d, &pending);
	if (json) {
		char *text = eapi_dossier_encode(d);
		json_t *obj = text ? json_loads(text, 0, NULL) : NULL;

		free(text);
		if (!obj) {
			cli_error(_("cannot encode the dossier"));
			rc = EGOV_EXIT_FAILURE;
		} else {
			json_object_set_new(obj, "pending_actions", json_integer(pending));
			rc = out_json(obj) < 0 ? EGOV_EXIT_FAILURE : EGOV_EXIT_OK;
		}
	} else {
		print_text(app, d, pending);
	}
	eapi_dossier_free(d);
	return rc;
}

const struct cli_cmd cmd_show = {
	.name = "show",
	.args = N_("[--json] NUMBER"),
	.summary = N_("show one dossier (from the cache; its details fetched once when online)"),
	.help = N_("NUMBER is the dossier number (000.00.12.H24-241121-0001) or its id.\n"
		   "  -j, --json             the dossier as the contract's JSON\n"),
	.exec = show_exec,
};
