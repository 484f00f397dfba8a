/*
 * egov report: the QĐ 766 progress figures per agency, from the server
 * (GET /reports/agencies) for dossiers received between --from and --to.
 * A rate with no dossiers behind it is "—" for people, null in JSON and
 * empty in CSV, never 0 %.
 */
#include "config.h"

#include "cmd.h"
#include "cli-util.h"
#include "output.h"
#include "workdays.h"

#include <libintl.h>
#include <string.h>

#define _(s) gettext(s)

static json_t *rate_json(double r)
{
	return r < 0 ? json_null() : json_real(r);
}

static void rate_text(double r, char *buf, size_t len)
{
	if (r < 0)
		snprintf(buf, len, "\xe2\x80\x94");	/* — */
	else
		snprintf(buf, len, "%.1f%%", r * 100.0);
}

static void print_csv(const eapi_report *rep)
{
	char b[32];

	fputs("agency_id,agency_name,received,online,finished_early,finished_on_time,"
	      "finished_late,in_progress,in_progress_overdue,paused,on_time_rate,"
	      "online_rate,digitized_rate,avg_days", stdout);
	out_csv_end(stdout);
	for (size_t i = 0; i < rep->n; i++) {
		const eapi_report_row *r = &rep->rows[i];
		const long long counts[] = { r->received, r->online, r->finished_early,
			r->finished_on_time, r->finished_late, r->in_progress,
			r->in_progress_overdue, r->paused };
		const double rates[] = { r->on_time_rate, r->online_rate, r->digitized_rate,
			r->avg_days };

		out_csv_field(stdout, r->agency_id, 1);
		out_csv_field(stdout, r->agency_name, 0);
		for (size_t k = 0; k < sizeof(counts) / sizeof(counts[0]); k++) {
			snprintf(b, sizeof(b), "%lld", counts[k]);
			out_csv_field(stdout, b, 0);
		}
		for (size_t k = 0; k < sizeof(rates) / sizeof(rates[0]); k++) {
			snprintf(b, sizeof(b), "%.4f", rates[k]);
			out_csv_field(stdout, rates[k] < 0 ? "" : b, 0);
		}
		out_csv_end(stdout);
	}
}

static void print_text(struct egov_app *app, const eapi_report *rep)
{
	char a[16], b[16], c[16], d[16];

	printf("%s", out_color(app->use_color, OUT_BOLD));
	out_cell(stdout, _("AGENCY"), 34);
	printf(" %8s %7s %6s %7s %5s %8s %7s %6s %8s %8s %8s %6s%s\n",
	       _("RECEIVED"), _("ONLINE"), _("EARLY"), _("ONTIME"), _("LATE"), _("WORKING"),
	       _("OVERDUE"), _("PAUSED"), _("ON-TIME%"), _("ONLINE%"), _("DIGITAL%"), _("DAYS"),
	       out_reset(app->use_color));
	for (size_t i = 0; i < rep->n; i++) {
		const eapi_report_row *r = &rep->rows[i];

		rate_text(r->on_time_rate, a, sizeof(a));
		rate_text(r->online_rate, b, sizeof(b));
		rate_text(r->digitized_rate, c, sizeof(c));
		if (r->avg_days < 0)
			snprintf(d, sizeof(d), "\xe2\x80\x94");
		else
			snprintf(d, sizeof(d), "%.1f", r->avg_days);
		out_cell(stdout, r->agency_name, 34);
		printf(" %8lld %7lld %6lld %7lld %5lld %8lld %7lld %6lld ", r->received, r->online,
		       r->finished_early, r->finished_on_time, r->finished_late, r->in_progress,
		       r->in_progress_overdue, r->paused);
		/* Right-align by display width: "—" is one column, three bytes. */
		printf("%*s%s %*s%s %*s%s %*s%s\n", 8 - out_width(a), "", a, 8 - out_width(b), "", b,
		       8 - out_width(c), "", c, 6 - out_width(d), "", d);
	}
}

static int report_exec(struct egov_app *app, int argc, char **argv)
{
	enum { OPT_FROM = 256, OPT_TO, OPT_CSV };
	static const struct option longopts[] = {
		{ "from", required_argument, NULL, OPT_FROM },
		{ "to", required_argument, NULL, OPT_TO },
		{ "json", no_argument, NULL, 'j' },
		{ "csv", no_argument, NULL, OPT_CSV },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	enum cli_format fmt = CLI_TEXT;
	const char *from = NULL, *to = NULL;
	eapi_completion *comp;
	egov_day day = 0, until = 0;
	uint64_t id;
	int c, rc;

	while ((c = cli_getopt(&cmd_report, argc, argv, ":j", longopts)) != -1) {
		switch (c) {
		case OPT_FROM: from = optarg; break;
		case OPT_TO: to = optarg; break;
		case 'j': fmt = CLI_JSON; break;
		case OPT_CSV: fmt = CLI_CSV; break;
		default: return EGOV_EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_usage_error(&cmd_report, _("unexpected argument '%s'"), argv[optind]);
	if ((from && egov_day_parse(from, &day) < 0) || (to && egov_day_parse(to, &until) < 0))
		return cli_usage_error(&cmd_report, _("dates are YYYY-MM-DD"));
	if (from && to && until < day)
		return cli_usage_error(&cmd_report, _("--to %s is before --from %s"), to, from);
	rc = cli_open(app, CLI_LOGIN);
	if (rc != EGOV_EXIT_OK)
		return rc;
	id = eapi_get_report(app->client, from, to, NULL);
	if (!id) {
		cli_error(_("cannot send the request"));
		return EGOV_EXIT_FAILURE;
	}
	comp = eapi_wait(app->client, id);
	rc = egov_app_exit_for(&comp->error);
	if (rc != EGOV_EXIT_OK) {
		cli_error(_("report: %s"), comp->error.message[0] ? comp->error.message
			  : eapi_result_str(comp->error.result));
	} else if (fmt == CLI_JSON) {
		json_t *arr = json_array();

		for (size_t i = 0; i < comp->u.report->n; i++) {
			const eapi_report_row *r = &comp->u.report->rows[i];

			json_array_append_new(arr, json_pack(
				"{s:s?, s:s?, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:o}",
				"agency_id", r->agency_id, "agency_name", r->agency_name,
				"received", (json_int_t)r->received, "online", (json_int_t)r->online,
				"finished_early", (json_int_t)r->finished_early,
				"finished_on_time", (json_int_t)r->finished_on_time,
				"finished_late", (json_int_t)r->finished_late,
				"in_progress", (json_int_t)r->in_progress,
				"in_progress_overdue", (json_int_t)r->in_progress_overdue,
				"paused", (json_int_t)r->paused,
				"on_time_rate", rate_json(r->on_time_rate),
				"online_rate", rate_json(r->online_rate),
				"digitized_rate", rate_json(r->digitized_rate),
				"avg_days", rate_json(r->avg_days)));
		}
		rc = out_json(arr) < 0 ? EGOV_EXIT_FAILURE : EGOV_EXIT_OK;
	} else if (fmt == CLI_CSV) {
		print_csv(comp->u.report);
	} else {
		print_text(app, comp->u.report);
	}
	eapi_completion_free(comp);
	return rc;
}

const struct cli_cmd cmd_report = {
	.name = "report",
	.args = N_("[--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json|--csv]"),
	.summary = N_("QĐ 766 progress figures per agency, from the server"),
	.help = N_("      --from=DATE        dossiers received on or after DATE\n"
		   "      --to=DATE          dossiers received on or before DATE\n"
		   "  -j, --json             JSON array, one object per agency (rates 0..1 or null)\n"
		   "      --csv              CSV (RFC 4180) with a header line\n"),
	.exec = report_exec,
};
