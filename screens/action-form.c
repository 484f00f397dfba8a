/*
 * Acting on dossiers: which actions a person may take, the form of each
 * (a reason in Vietnamese, a supplement deadline in days, an assignee
 * picked by searching names, a return method, a new due date), the
 * confirmation, and the queuing into the cache's outbox.
 *
 * The server enforces roles and states (backend-contract.md, "Actions");
 * the console only offers what can work, per the contract's table.  An
 * action is local first: ecache_act() records it with its idempotency key
 * and shows its effect at once (marked pending); the sync engine pushes
 * it when the link allows.  One flow serves the dossier screen (one id)
 * and the queue's tagged rows (many ids): one form, one confirmation,
 * then one outbox row per dossier.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screens.h"
#include "vntext.h"
#include "workdays.h"

const char *const console_actions[] = {
	"receive", "refuse", "claim", "assign", "request_supplement",
	"propose", "approve", "send_back", "stop", "apologize",
	"return_result", "comment", NULL
};

static int is(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

int action_allowed(const char *action, const eapi_dossier *d,
		   const struct egov_session *me)
{
	int officer = me->role == EAPI_ROLE_OFFICER;
	int supervisor = me->role == EAPI_ROLE_SUPERVISOR;
	int mine = d->assignee_id && me->user_id && is(d->assignee_id, me->user_id);
	eapi_state st = d->state;

	if (is(action, "comment"))
		return 1;
	if (!officer && !supervisor)
		return 0;
	if (is(action, "receive") || is(action, "refuse"))
		return st == EAPI_STATE_SUBMITTED;
	if (is(action, "claim"))
		return officer && d->assignee_id == NULL &&
			(st == EAPI_STATE_RECEIVED || st == EAPI_STATE_IN_PROGRESS);
	if (is(action, "assign"))
		return supervisor && (st == EAPI_STATE_RECEIVED ||
				      st == EAPI_STATE_IN_PROGRESS ||
				      st == EAPI_STATE_PENDING_APPROVAL);
	if (is(action, "request_supplement"))
		return st == EAPI_STATE_RECEIVED || st == EAPI_STATE_IN_PROGRESS;
	if (is(action, "propose"))
		return officer && mine && st == EAPI_STATE_IN_PROGRESS;
	if (is(action, "approve") || is(action, "send_back"))
		return supervisor && st == EAPI_STATE_PENDING_APPROVAL;
	if (is(action, "stop") || is(action, "apologize"))
		return supervisor && !eapi_state_is_terminal(st);
	if (is(action, "return_result"))
		return st == EAPI_STATE_RESULT_READY;
	return 0;
}

/* One flow: chooser (maybe), form, confirmation, queuing. */
struct act {
	struct console *con;
	char *action;
	char **ids;
	size_t nids;
	const char *choices[16];	/* the chooser's msgids */
	const char *codes[16];		/* their action codes */
	eapi_user_list *users;		/* for the assignee pick */
	char *note, *reason, *assignee_id, *text, *new_due_at;
	const char *method;
	int deadline_days;
};

static void act_free(struct act *a)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < a->nids; i++)
		free(a->ids[i]);
	free(a->ids);
	free(a->action);
	eapi_user_list_free(a->users);
	free(a->note);
	free(a->reason);
	free(a->assignee_id);
	free(a->text);
	free(a->new_due_at);
	free(a);
}

static struct act *act_new(struct console *con, const char *const *ids, size_t nids)
{
	struct act *a = calloc(1, sizeof *a);
	size_t i;

	if (a == NULL)
		return NULL;
	a->con = con;
	a->ids = calloc(nids ? nids : 1, sizeof *a->ids);
	if (a->ids == NULL) {
		free(a);
		return NULL;
	}
	for (i = 0; i < nids; i++) {
		a->ids[i] = strdup(ids[i]);
		if (a->ids[i] == NULL) {
			act_free(a);
			return NULL;
		}
		a->nids++;
	}
	return a;
}

static void enqueue(struct act *a)
{
	tui *t = a->con->t;
	size_t i, ok = 0, bad = 0;

	for (i = 0; i < a->nids; i++) {
		eapi_action ea;

		memset(&ea, 0, sizeof ea);
		ea.dossier_id = a->ids[i];
		ea.action = a->action;
		ea.note = a->note;
		ea.reason = a->reason;
		ea.assignee_id = a->assignee_id;
		ea.method = a->method;
		ea.text = a->text;
		ea.new_due_at = a->new_due_at;
		ea.deadline_days = a->deadline_days;
		if (ecache_act(a->con->app->cache, &ea, NULL) > 0)
			ok++;
		else
			bad++;
	}
	if (bad == 0)
		tui_message(t, TUI_MSG_INFO, _("%s: %zu queued in the outbox."),
			    label_action(a->action), ok);
	else
		tui_message(t, TUI_MSG_ERROR, _("%s: %zu queued, %zu refused: %s"),
			    label_action(a->action), ok, bad,
			    ecache_errmsg(a->con->app->cache));
	console_acted(a->con);
}

static void confirmed(tui *t, int yes, void *ud)
{
	struct act *a = ud;

	(void)t;
	if (yes)
		enqueue(a);
	act_free(a);
}

static int needs_confirm(const struct act *a)
{
	return a->nids > 1 || is(a->action, "refuse") || is(a->action, "stop") ||
		is(a->action, "send_back") || is(a->action, "claim");
}

static void proceed(struct act *a)
{
	char q[256];

	if (!needs_confirm(a)) {
		enqueue(a);
		act_free(a);
		return;
	}
	snprintf(q, sizeof q, _("%s: apply to %zu dossier(s)?"),
		 label_action(a->action), a->nids);
	tui_confirm(a->con->t, label_action(a->action), q, confirmed, a);
}

/* ---- the assignee pick --------------------------------------------------- */

static void user_label(const eapi_user *u, char *buf, size_t len)
{
	snprintf(buf, len, "%s (%s)", u->full_name ? u->full_name : "",
		 u->username ? u->username : "");
}

static size_t pick_user(void *ud, const char *typed, char **out, size_t max)
{
	struct act *a = ud;
	char *want = vn_fold(typed ? typed : "");
	size_t i, n = 0;

	if (a->users == NULL || want == NULL) {
		free(want);
		return 0;
	}
	for (i = 0; i < a->users->n && n < max; i++) {
		char label[512];
		char *folded;

		user_label(&a->users->items[i], label, sizeof label);
		folded = vn_fold(label);
		if (folded != NULL && strstr(folded, want) != NULL)
			out[n] = strdup(label), n += out[n] != NULL;
		free(folded);
	}
	free(want);
	return n;
}

static const char *user_id_of(struct act *a, const char *label)
{
	size_t i;

	for (i = 0; a->users && label && i < a->users->n; i++) {
		char l[512];

		user_label(&a->users->items[i], l, sizeof l);
		if (strcmp(l, label) == 0)
			return a->users->items[i].id;
	}
	return NULL;
}

/* ---- the form ------------------------------------------------------------ */

static int dup_field(tui_form *f, const char *name, char **slot)
{
	const char *v = tui_form_value(f, name);

	free(*slot);
	*slot = v && *v ? strdup(v) : NULL;
	return 0;
}

/* "25/12/2025" or "2025-12-25" -> RFC 3339 at the end of office hours. */
static char *due_from_text(const char *s)
{
	int d, m, y;
	egov_day day;
	char out[26];

	if (s == NULL)
		return NULL;
	if (sscanf(s, "%d/%d/%d", &d, &m, &y) == 3 && d >= 1 && d <= 31 &&
	    m >= 1 && m <= 12 && y >= 2000 && y <= 2100)
		day = egov_day_from_ymd(y, m, d);
	else if (egov_day_parse(s, &day) != 0)
		return NULL;
	egov_time_format(egov_local_time(day, 17, 0), out);
	return strdup(out);
}

static const char *const methods[] = { N_("at the counter"), N_("by post"), NULL };

static int form_done(tui *t, tui_form *f, int ok, void *ud)
{
	struct act *a = ud;
	const char *v;

	(void)t;
	if (!ok) {
		act_free(a);
		return 0;
	}
	dup_field(f, "note", &a->note);
	dup_field(f, "reason", &a->reason);
	dup_field(f, "text", &a->text);
	if (tui_form_value(f, "reason") != NULL && a->reason == NULL) {
		tui_form_set_error(f, _("Give a reason."));
		return 1;
	}
	if (tui_form_value(f, "text") != NULL && a->text == NULL) {
		tui_form_set_error(f, _("Write the comment."));
		return 1;
	}
	if (tui_form_value(f, "days") != NULL) {
		a->deadline_days = (int)tui_form_number(f, "days");
		if (a->deadline_days < 1 || a->deadline_days > 90) {
			tui_form_set_error(f, _("The deadline is 1 to 90 days."));
			return 1;
		}
	}
	if ((v = tui_form_value(f, "assignee")) != NULL) {
		const char *id = user_id_of(a, v);

		if (id == NULL) {
			tui_form_set_error(f, _("Pick an officer from the list."));
			return 1;
		}
		free(a->assignee_id);
		a->assignee_id = strdup(id);
	}
	if ((v = tui_form_value(f, "method")) != NULL)
		a->method = strcmp(v, methods[1]) == 0 ? "postal" : "counter";
	if ((v = tui_form_value(f, "due")) != NULL) {
		free(a->new_due_at);
		a->new_due_at = due_from_text(v);
		if (a->new_due_at == NULL) {
			tui_form_set_error(f, _("Write the date as DD/MM/YYYY."));
			return 1;
		}
	}
	proceed(a);
	return 0;
}

static void open_form(struct act *a)
{
	const char *act = a->action;
	tui_form *f;

	if (is(act, "claim")) {
		proceed(a);
		return;
	}
	f = tui_form_new(label_action(act));
	if (f == NULL) {
		act_free(a);
		return;
	}
	if (is(act, "refuse") || is(act, "send_back") || is(act, "stop") ||
	    is(act, "request_supplement") || is(act, "apologize"))
		tui_form_add(f, TUI_FIELD_TEXT, "reason", _("Reason"), "");
	if (is(act, "request_supplement"))
		tui_form_add(f, TUI_FIELD_NUMBER, "days", _("Deadline (days)"), "5");
	if (is(act, "apologize"))
		tui_form_add_pick(f, "due", _("New due date (working days ahead, or DD/MM/YYYY)"),
				  date_pick_working_day, a->con);
	if (is(act, "assign")) {
		a->users = ecache_get_users(a->con->app->cache, NULL);
		tui_form_add_pick(f, "assignee", _("Assignee (type a name)"), pick_user, a);
	}
	if (is(act, "return_result"))
		tui_form_add_choice(f, "method", _("Returned"), methods, 0);
	if (is(act, "comment"))
		tui_form_add(f, TUI_FIELD_TEXT, "text", _("Comment"), "");
	if (is(act, "receive") || is(act, "assign") || is(act, "propose") ||
	    is(act, "approve"))
		tui_form_add(f, TUI_FIELD_TEXT, "note", _("Note (optional)"), "");
	tui_form_open(a->con->t, f, form_done, a);
}

void action_start(struct console *con, const char *action,
		  const char *const *ids, size_t nids)
{
	struct act *a;

	if (con->app->cache == NULL || nids == 0)
		return;
	a = act_new(con, ids, nids);
	if (a == NULL || (a->action = strdup(action)) == NULL) {
		act_free(a);
		tui_message(con->t, TUI_MSG_ERROR, "%s", _("Out of memory."));
		return;
	}
	open_form(a);
}

static int chooser_done(tui *t, tui_form *f, int ok, void *ud)
{
	struct act *a = ud;
	const char *v = ok ? tui_form_value(f, "action") : NULL;
	size_t i;

	(void)t;
	for (i = 0; v != NULL && a->choices[i] != NULL; i++) {
		if (strcmp(a->choices[i], v) == 0) {
			a->action = strdup(a->codes[i]);
			break;
		}
	}
	if (a->action == NULL) {
		act_free(a);
		return 0;
	}
	/* The chooser closes first; the action's own form opens after. */
	open_form(a);
	return 0;
}

void action_choose(struct console *con, const char *const *actions, size_t n,
		   const char *const *ids, size_t nids)
{
	struct act *a;
	tui_form *f;
	size_t i;
	char title[128];

	if (n == 0 || nids == 0)
		return;
	if (n == 1) {
		action_start(con, actions[0], ids, nids);
		return;
	}
	a = act_new(con, ids, nids);
	if (a == NULL)
		return;
	for (i = 0; i < n && i < 15; i++) {
		a->codes[i] = actions[i];
		a->choices[i] = label_action_msgid(actions[i]);
	}
	snprintf(title, sizeof title, _("Act on %zu dossier(s)"), nids);
	f = tui_form_new(title);
	if (f == NULL) {
		act_free(a);
		return;
	}
	tui_form_add_choice(f, "action", _("Action"), a->choices, 0);
	tui_form_open(con->t, f, chooser_done, a);
}
