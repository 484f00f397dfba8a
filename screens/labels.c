/*
 * Words for people: the names of states, queues, roles, actions and outbox
 * statuses as the console shows them (translated through gettext), dates
 * in the Vietnamese day/month/year order, and the urgency of a due date.
 *
 * Every screen uses these so that one thing is always called the same
 * way; the codes themselves ("in_progress") stay the contract's and are
 * never shown.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "screens.h"

const char *label_state(eapi_state st)
{
	static const char *const names[EAPI_STATE_COUNT] = {
		N_("submitted"), N_("received"), N_("refused"),
		N_("in progress"), N_("awaiting approval"),
		N_("supplement asked"), N_("withdrawn"), N_("stopped"),
		N_("result ready"), N_("returned")
	};

	if ((unsigned)st >= EAPI_STATE_COUNT)
		return "?";
	return _(names[st]);
}

const char *label_queue(ecache_queue q)
{
	static const char *const names[ECACHE_Q_COUNT] = {
		N_("All dossiers"), N_("Active"), N_("New online submissions"),
		N_("Received"), N_("In progress"), N_("Due soon"),
		N_("Overdue"), N_("Waiting for supplement"),
		N_("Supplement received"), N_("Waiting for approval"),
		N_("Result to return"), N_("Mine"), N_("Unassigned"),
		N_("Not yet sent")
	};

	if ((unsigned)q >= ECACHE_Q_COUNT)
		return "?";
	return _(names[q]);
}

const char *label_role(eapi_role r)
{
	switch (r) {
	case EAPI_ROLE_OFFICER: return _("officer");
	case EAPI_ROLE_SUPERVISOR: return _("supervisor");
	case EAPI_ROLE_SUPPORT: return _("support");
	}
	return "?";
}

const char *label_action_msgid(const char *action)
{
	static const struct { const char *code, *label; } names[] = {
		{ "receive", N_("Receive") }, { "refuse", N_("Refuse") },
		{ "claim", N_("Claim") }, { "assign", N_("Assign") },
		{ "request_supplement", N_("Request a supplement") },
		{ "propose", N_("Propose the result") },
		{ "approve", N_("Approve") }, { "send_back", N_("Send back") },
		{ "stop", N_("Stop") }, { "apologize", N_("Apologize") },
		{ "return_result", N_("Return the result") },
		{ "comment", N_("Comment") },
	};
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(names[i].code, action) == 0)
			return names[i].label;
	return action;
}

const char *label_action(const char *action)
{
	return _(label_action_msgid(action));
}

const char *label_out_status(ecache_out_status s)
{
	static const char *const names[ECACHE_OUT_COUNT] = {
		N_("waiting"), N_("in flight"), N_("will retry"), N_("done"),
		N_("conflict"), N_("failed"), N_("discarded")
	};

	if ((unsigned)s >= ECACHE_OUT_COUNT)
		return "?";
	return _(names[s]);
}

static void format_time(time_t t, const char *fmt, char *buf, size_t len)
{
	struct tm tm;

	if (t == 0 || localtime_r(&t, &tm) == NULL) {
		if (len > 0)
			buf[0] = '\0';
		return;
	}
	if (strftime(buf, len, fmt, &tm) == 0 && len > 0)
		buf[0] = '\0';
}

void label_date(time_t t, char *buf, size_t len)
{
	format_time(t, "%d/%m/%Y", buf, len);
}

void label_datetime(time_t t, char *buf, size_t len)
{
	format_time(t, "%d/%m/%Y %H:%M", buf, len);
}

void label_due(const ecache_row *r, char *buf, size_t len)
{
	char day[16];

	if (!r->has_due || r->due_at == 0) {
		snprintf(buf, len, "—");
		return;
	}
	format_time(r->due_at, "%d/%m/%y", day, sizeof day);
	snprintf(buf, len, "%s %+d", day, r->working_days_left);
}

int row_urgency_style(const ecache_row *r)
{
	if (r->conflict)
		return TUI_STYLE_ERROR;
	if (!r->has_due || eapi_state_is_terminal(r->state) ||
	    r->state == EAPI_STATE_RESULT_READY)
		return r->pending ? TUI_STYLE_PENDING : TUI_STYLE_NORMAL;
	if (r->overdue || r->working_days_left < 0)
		return TUI_STYLE_OVERDUE;
	if (r->working_days_left == 0)
		return TUI_STYLE_DUE_TODAY;
	if (r->working_days_left <= 2)
		return TUI_STYLE_DUE_SOON;
	return r->pending ? TUI_STYLE_PENDING : TUI_STYLE_NORMAL;
}
