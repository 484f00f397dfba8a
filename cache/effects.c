/*
 * What an action does to a dossier, as far as the work queues can see:
 * state, assignee and due date, following the table of actions in
 * backend-contract.md.  The cache uses it to show an action the moment the
 * person takes it (the optimistic effect, marked pending) and to replay
 * still-unsent actions on top of a newer server copy.  The server remains
 * the judge: when it answers, its dossier replaces the guess.
 *
 * Also which parameters each action requires, so a console or CLI gets
 * "reason is required" at once instead of a 422 an hour later.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "internal.h"

typedef struct action_rule {
	const char *name;
	int to_state;		/* -1: unchanged */
	const char *required;	/* a parameter name, or NULL */
	const char *required2;
} action_rule;

static const action_rule rules[] = {
	{ "receive", EAPI_STATE_RECEIVED, NULL, NULL },
	{ "refuse", EAPI_STATE_REFUSED, "reason", NULL },
	{ "claim", EAPI_STATE_IN_PROGRESS, NULL, NULL },
	{ "assign", -1, "assignee_id", NULL },
	{ "request_supplement", EAPI_STATE_SUPPLEMENT_REQUESTED, "reason", "deadline_days" },
	{ "propose", EAPI_STATE_PENDING_APPROVAL, NULL, NULL },
	{ "approve", EAPI_STATE_RESULT_READY, NULL, NULL },
	{ "send_back", EAPI_STATE_IN_PROGRESS, "reason", NULL },
	{ "stop", EAPI_STATE_STOPPED, "reason", NULL },
	{ "apologize", -1, "reason", "new_due_at" },
	{ "return_result", EAPI_STATE_RETURNED, "method", NULL },
	{ "comment", -1, "text", NULL },
};

static const action_rule *
find_rule(const char *action)
{
	size_t i;

	if (!action)
		return NULL;
	for (i = 0; i < sizeof rules / sizeof rules[0]; i++)
		if (strcmp(rules[i].name, action) == 0)
			return &rules[i];
	return NULL;
}

int
ecache_effect_known_action(const char *action)
{
	return find_rule(action) != NULL;
}

static int
param_present(const eapi_action *a, const char *name)
{
	const char *v = NULL;

	if (strcmp(name, "deadline_days") == 0)
		return a->deadline_days > 0;
	if (strcmp(name, "reason") == 0)
		v = a->reason;
	else if (strcmp(name, "assignee_id") == 0)
		v = a->assignee_id;
	else if (strcmp(name, "method") == 0)
		v = a->method;
	else if (strcmp(name, "text") == 0)
		v = a->text;
	else if (strcmp(name, "new_due_at") == 0)
		v = a->new_due_at;
	return v && *v;
}

const char *
ecache_effect_missing_param(const char *action, const eapi_action *a)
{
	const action_rule *r = find_rule(action);

	if (!r)
		return NULL;
	if (r->required && !param_present(a, r->required))
		return r->required;
	if (r->required2 && !param_present(a, r->required2))
		return r->required2;
	return NULL;
}

static void
set_assignee(char **assignee_id, const char *v)
{
	char *copy = v ? strdup(v) : NULL;

	if (v && !copy)
		return;		/* out of memory: keep the old guess */
	free(*assignee_id);
	*assignee_id = copy;
}

void
ecache_effect_apply(const char *action, const char *params_json,
		    const char *actor_id, eapi_state *state,
		    char **assignee_id, long long *due_at)
{
	const action_rule *r = find_rule(action);
	json_t *params = params_json ? json_loads(params_json, 0, NULL) : NULL;
	const char *s;

	if (!r)
		goto cleanup;
	if (strcmp(action, "claim") == 0) {
		set_assignee(assignee_id, actor_id);
	} else if (strcmp(action, "assign") == 0) {
		s = json_string_value(json_object_get(params, "assignee_id"));
		if (s)
			set_assignee(assignee_id, s);
		if (*state == EAPI_STATE_RECEIVED)
			*state = EAPI_STATE_IN_PROGRESS;
	} else if (strcmp(action, "apologize") == 0) {
		time_t t;
		s = json_string_value(json_object_get(params, "new_due_at"));
		if (s && egov_time_parse(s, &t) == 0)
			*due_at = (long long)t;
	}
	if (r->to_state >= 0)
		*state = (eapi_state)r->to_state;
cleanup:
	json_decref(params);
}
