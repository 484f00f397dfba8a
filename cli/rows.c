/*
 * Printing dossier rows (ls, search) for people, as CSV or as JSON.  One
 * place, so the two commands agree column for column; the JSON and CSV
 * field names are the contract's where one exists, and stable.
 */
#include "config.h"

#include "cmd.h"
#include "output.h"

#include <libintl.h>
#include <string.h>

#define _(s) gettext(s)

static void due_text(const ecache_row *r, char *buf, size_t len)
{
	if (!r->has_due)
		snprintf(buf, len, "-");
	else if (r->overdue)
		snprintf(buf, len, _("late"));
	else
		snprintf(buf, len, "%d", r->working_days_left);
}

static json_t *row_json(struct egov_app *app, const ecache_row *r)
{
	char who[80];

	cli_user_name(app, r->assignee_id, who, sizeof(who));
	return json_pack("{s:s?, s:s?, s:s, s:i, s:s?, s:s?, s:s?, s:s?, s:s?, s:o, s:o,"
			 " s:o, s:b, s:i, s:b, s:I}",
			 "id", r->id, "code", r->code, "state", eapi_state_str(r->state),
			 "status_code", eapi_state_status_code(r->state),
			 "assignee_id", r->assignee_id, "assignee", who[0] ? who : NULL,
			 "applicant_name", r->applicant_name,
			 "procedure_name", r->procedure_name, "subject", r->subject,
			 "received_at", out_json_time(r->received_at),
			 "due_at", r->has_due ? out_json_time(r->due_at) : json_null(),
			 "working_days_left", r->has_due ? json_integer(r->working_days_left) : json_null(),
			 "overdue", r->overdue, "pending_actions", r->pending,
			 "conflict", r->conflict, "version", (json_int_t)r->version);
}

static void print_csv(struct egov_app *app, const ecache_row *rows, size_t n)
{
	static const char *const head[] = {
		"code", "state", "status_code", "received_at", "due_at", "working_days_left",
		"overdue", "assignee", "applicant_name", "procedure_name", "subject",
		"pending_actions", "conflict", "version", "id"
	};
	char buf[64], who[80], at[26], due[26];

	for (size_t i = 0; i < sizeof(head) / sizeof(head[0]); i++)
		out_csv_field(stdout, head[i], i == 0);
	out_csv_end(stdout);
	for (size_t i = 0; i < n; i++) {
		const ecache_row *r = &rows[i];

		cli_user_name(app, r->assignee_id, who, sizeof(who));
		out_rfc3339(r->received_at, at);
		out_rfc3339(r->has_due ? r->due_at : 0, due);
		out_csv_field(stdout, r->code, 1);
		out_csv_field(stdout, eapi_state_str(r->state), 0);
		snprintf(buf, sizeof(buf), "%d", eapi_state_status_code(r->state));
		out_csv_field(stdout, buf, 0);
		out_csv_field(stdout, at, 0);
		out_csv_field(stdout, due, 0);
		snprintf(buf, sizeof(buf), "%d", r->working_days_left);
		out_csv_field(stdout, r->has_due ? buf : "", 0);
		out_csv_field(stdout, r->overdue ? "1" : "0", 0);
		out_csv_field(stdout, who, 0);
		out_csv_field(stdout, r->applicant_name, 0);
		out_csv_field(stdout, r->procedure_name, 0);
		out_csv_field(stdout, r->subject, 0);
		snprintf(buf, sizeof(buf), "%d", r->pending);
		out_csv_field(stdout, buf, 0);
		out_csv_field(stdout, r->conflict ? "1" : "0", 0);
		snprintf(buf, sizeof(buf), "%lld", r->version);
		out_csv_field(stdout, buf, 0);
		out_csv_field(stdout, r->id, 0);
		out_csv_end(stdout);
	}
}

static void print_text(struct egov_app *app, const ecache_row *rows, size_t n)
{
	int color = app->use_color;
	char due[20], left[32], who[80];

	printf("%s", out_color(color, OUT_BOLD));
	out_cell(stdout, _("NUMBER"), 26); fputc(' ', stdout);
	out_cell(stdout, _("STATE"), 20); fputc(' ', stdout);
	out_cell(stdout, _("DUE"), 10); fputc(' ', stdout);
	out_cell(stdout, _("DAYS"), 4); fputc(' ', stdout);
	out_cell(stdout, _("ASSIGNEE"), 12); fputc(' ', stdout);
	out_cell(stdout, _("APPLICANT"), 22); fputc(' ', stdout);
	out_text(stdout, _("PROCEDURE"));
	printf("%s\n", out_reset(color));
	for (size_t i = 0; i < n; i++) {
		const ecache_row *r = &rows[i];

		out_time(r->has_due ? r->due_at : 0, due);
		due[10] = '\0';
		due_text(r, left, sizeof(left));
		cli_user_name(app, r->assignee_id, who, sizeof(who));
		if (r->overdue)
			printf("%s", out_color(color, OUT_RED));
		out_cell(stdout, r->code, 26); fputc(' ', stdout);
		out_cell(stdout, eapi_state_str(r->state), 20); fputc(' ', stdout);
		out_cell(stdout, due[0] ? due : "-", 10); fputc(' ', stdout);
		out_cell(stdout, left, 4); fputc(' ', stdout);
		out_cell(stdout, who[0] ? who : (r->assignee_id ? r->assignee_id : "-"), 12);
		fputc(' ', stdout);
		out_cell(stdout, r->applicant_name, 22); fputc(' ', stdout);
		out_cell(stdout, r->procedure_name, 0);
		if (r->pending)
			printf(_(" [%d unsent]"), r->pending);
		if (r->conflict)
			printf(_(" [conflict]"));
		printf("%s\n", out_reset(color && r->overdue));
	}
}

int cli_print_rows(struct egov_app *app, const ecache_row *rows, size_t n,
		   enum cli_format fmt)
{
	json_t *arr;

	switch (fmt) {
	case CLI_JSON:
		arr = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, row_json(app, &rows[i]));
		return out_json(arr) < 0 ? EGOV_EXIT_FAILURE : EGOV_EXIT_OK;
	case CLI_CSV:
		print_csv(app, rows, n);
		break;
	case CLI_TEXT:
		print_text(app, rows, n);
		break;
	}
	return EGOV_EXIT_OK;
}
