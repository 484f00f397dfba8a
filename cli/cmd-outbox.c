/*
 * egov outbox: the actions this person took that the server has not yet
 * accepted (queued, in flight, to retry, in conflict, refused), oldest
 * first; --all adds those done and discarded.  Read from the cache only.
 */
#include "config.h"

#include "cmd.h"
#include "cli-util.h"
#include "output.h"

#include <libintl.h>
#include <string.h>

#define _(s) gettext(s)

static json_t *row_json(const ecache_outbox_row *r)
{
	json_t *params = json_loads(r->params_json ? r->params_json : "{}", 0, NULL);

	return json_pack("{s:I, s:s?, s:s?, s:s?, s:o, s:s, s:s, s:I, s:i, s:o, s:o,"
			 " s:I, s:s?, s:s?}",
			 "seq", (json_int_t)r->seq, "dossier_id", r->dossier_id,
			 "dossier_code", r->dossier_code, "action", r->action,
			 "params", params ? params : json_object(),
			 "status", ecache_out_status_name(r->status),
			 "idempotency_key", r->idempotency_key,
			 "base_version", (json_int_t)r->base_version,
			 "attempts", r->attempts,
			 "created_at", out_json_time(r->created_at),
			 "updated_at", out_json_time(r->updated_at),
			 "http_status", (json_int_t)r->http_status,
			 "error_code", r->error_code, "reason", r->reason);
}

static void print_csv(const ecache_outbox_list *l)
{
	char buf[32], at[26];

	fputs("seq,dossier_code,action,status,attempts,created_at,http_status,error_code,reason", stdout);
	out_csv_end(stdout);
	for (size_t i = 0; i < l->n; i++) {
		const ecache_outbox_row *r = &l->rows[i];

		snprintf(buf, sizeof(buf), "%lld", r->seq);
		out_csv_field(stdout, buf, 1);
		out_csv_field(stdout, r->dossier_code, 0);
		out_csv_field(stdout, r->action, 0);
		out_csv_field(stdout, ecache_out_status_name(r->status), 0);
		snprintf(buf, sizeof(buf), "%d", r->attempts);
		out_csv_field(stdout, buf, 0);
		out_rfc3339(r->created_at, at);
		out_csv_field(stdout, at, 0);
		snprintf(buf, sizeof(buf), "%ld", r->http_status);
		out_csv_field(stdout, r->http_status ? buf : "", 0);
		out_csv_field(stdout, r->error_code, 0);
		out_csv_field(stdout, r->reason, 0);
		out_csv_end(stdout);
	}
}

static void print_text(struct egov_app *app, const ecache_outbox_list *l)
{
	char at[20], buf[32];

	if (l->n == 0) {
		printf(_("The outbox is empty: the server has every action.\n"));
		return;
	}
	printf("%s", out_color(app->use_color, OUT_BOLD));
	out_cell(stdout, "#", 5); fputc(' ', stdout);
	out_cell(stdout, _("NUMBER"), 26); fputc(' ', stdout);
	out_cell(stdout, _("ACTION"), 18); fputc(' ', stdout);
	out_cell(stdout, _("STATUS"), 10); fputc(' ', stdout);
	out_cell(stdout, _("TRIES"), 5); fputc(' ', stdout);
	out_cell(stdout, _("SINCE"), 16); fputc(' ', stdout);
	out_text(stdout, _("REASON"));
	printf("%s\n", out_reset(app->use_color));
	for (size_t i = 0; i < l->n; i++) {
		const ecache_outbox_row *r = &l->rows[i];

		snprintf(buf, sizeof(buf), "%lld", r->seq);
		out_cell(stdout, buf, 5); fputc(' ', stdout);
		out_cell(stdout, r->dossier_code ? r->dossier_code : r->dossier_id, 26); fputc(' ', stdout);
		out_cell(stdout, r->action, 18); fputc(' ', stdout);
		out_cell(stdout, ecache_out_status_name(r->status), 10); fputc(' ', stdout);
		snprintf(buf, sizeof(buf), "%d", r->attempts);
		out_cell(stdout, buf, 5); fputc(' ', stdout);
		out_time(r->created_at, at);
		out_cell(stdout, at, 16);
		if (r->reason && *r->reason) {
			fputc(' ', stdout);
			out_text(stdout, r->reason);
		}
		fputc('\n', stdout);
	}
}

static int outbox_exec(struct egov_app *app, int argc, char **argv)
{
	enum { OPT_CSV = 256 };
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'A' },
		{ "json", no_argument, NULL, 'j' },
		{ "csv", no_argument, NULL, OPT_CSV },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	enum cli_format fmt = CLI_TEXT;
	ecache_outbox_list l;
	unsigned mask = ECACHE_OUTBOX_OPEN;
	int c, rc;

	while ((c = cli_getopt(&cmd_outbox, argc, argv, ":Aj", longopts)) != -1) {
		switch (c) {
		case 'A': mask = ECACHE_OUTBOX_ALL; break;
		case 'j': fmt = CLI_JSON; break;
		case OPT_CSV: fmt = CLI_CSV; break;
		default: return EGOV_EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_usage_error(&cmd_outbox, _("unexpected argument '%s'"), argv[optind]);
	rc = cli_open(app, CLI_CLIENT | CLI_CACHE);
	if (rc != EGOV_EXIT_OK)
		return rc;
	ecache_outbox_list_init(&l);
	if (ecache_outbox_list_get(app->cache, mask, NULL, &l) < 0) {
		cli_error("%s", ecache_errmsg(app->cache));
		return EGOV_EXIT_FAILURE;
	}
	if (fmt == CLI_JSON) {
		json_t *arr = json_array();

		for (size_t i = 0; i < l.n; i++)
			json_array_append_new(arr, row_json(&l.rows[i]));
		rc = out_json(arr) < 0 ? EGOV_EXIT_FAILURE : EGOV_EXIT_OK;
	} else if (fmt == CLI_CSV) {
		print_csv(&l);
	} else {
		print_text(app, &l);
	}
	ecache_outbox_list_release(&l);
	return rc;
}

const struct cli_cmd cmd_outbox = {
	.name = "outbox",
	.args = N_("[--all] [--json|--csv]"),
	.summary = N_("list actions not yet accepted by the server"),
	.help = N_("  -A, --all              also those done and discarded\n"
		   "  -j, --json             JSON array of outbox rows\n"
		   "      --csv              CSV (RFC 4180) with a header line\n"),
	.exec = outbox_exec,
};
