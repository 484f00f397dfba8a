/*
 * The push phase of a sync round: send the outbox, oldest first, never a
 * row while an older row of the same dossier is unsent or stuck.
 *
 * Each row is marked in flight (durably) before the request is queued and
 * always carries its own idempotency key, so whatever happens to the
 * program or the link, sending it again cannot make it take effect twice.
 * The answer is classified as backend-contract.md says:
 *   200                        done: the returned dossier is stored
 *   412 version_conflict       conflict, with the server's current dossier
 *   409 invalid_transition     conflict (the state moved under the person)
 *   network, 5xx, 429, 503,
 *   409 key in flight          retry later (same key); the phase stops, as
 *                              the link or the server is struggling
 *   403, 404, 422 ...          failed, with the server's reason
 * An answer that cannot be read (protocol error) may hide a success, so it
 * is retried too: the key makes that safe.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "sync.h"

static const char *
param(json_t *params, const char *key)
{
	return json_string_value(json_object_get(params, key));
}

int
ecache_sync_push_step(ecache_sync *s)
{
	ecache_outbox_row row;
	eapi_action a;
	eapi_call call;
	json_t *params;
	int r;

	if (s->push_stop)
		return 0;
	r = ecache_outbox_next_sendable(s->c, s->push_after, &row);
	if (r <= 0)
		return r;
	s->push_seq = row.seq;
	s->push_after = row.seq;
	if (ecache_outbox_mark_in_flight(s->c, row.seq) < 0) {
		ecache_outbox_row_release(&row);
		return -1;
	}
	params = json_loads(row.params_json ? row.params_json : "{}", 0, NULL);
	memset(&a, 0, sizeof a);
	a.dossier_id = row.dossier_id;
	a.action = row.action;
	a.idempotency_key = row.idempotency_key;
	a.if_match = row.if_match;
	a.note = param(params, "note");
	a.reason = param(params, "reason");
	a.assignee_id = param(params, "assignee_id");
	a.method = param(params, "method");
	a.text = param(params, "text");
	a.new_due_at = param(params, "new_due_at");
	a.deadline_days = (int)json_integer_value(json_object_get(params, "deadline_days"));
	ecache_sync_call(s, &call);
	s->inflight = eapi_post_action(s->client, &a, &call);
	json_decref(params);
	ecache_outbox_row_release(&row);
	s->rep.pushed++;
	if (!s->inflight) {
		ecache_sync_fail(s, "could not queue an action");
		return -1;
	}
	ecache_sync_notify(s, ECACHE_CHANGED_OUTBOX);
	return 1;
}

static ecache_out_status
classify(const eapi_error *e)
{
	if (e->result == EAPI_OK)
		return ECACHE_OUT_DONE;
	if (e->http_status == 412)
		return ECACHE_OUT_CONFLICT;
	if (e->http_status == 409 && strcmp(e->code, "invalid_transition") == 0)
		return ECACHE_OUT_CONFLICT;
	if (eapi_error_is_transient(e))
		return ECACHE_OUT_RETRY;
	switch (e->result) {
	case EAPI_E_NETWORK: case EAPI_E_TIMEOUT: case EAPI_E_TLS: case EAPI_E_AUTH:
	case EAPI_E_CANCELLED: case EAPI_E_NOMEM: case EAPI_E_PROTOCOL:
	case EAPI_E_TOO_LARGE:
		return ECACHE_OUT_RETRY;
	case EAPI_E_HTTP:
		return e->http_status == 401 ? ECACHE_OUT_RETRY : ECACHE_OUT_FAILED;
	default:
		return ECACHE_OUT_FAILED;
	}
}

void
ecache_sync_push_done(ecache_sync *s, eapi_completion *comp)
{
	ecache_out_status st = classify(&comp->error);
	const eapi_dossier *result = st == ECACHE_OUT_DONE ? comp->u.dossier : NULL;

	if (st == ECACHE_OUT_DONE && !result) {
		/* a 200 without a dossier: the action happened, the pull will
		 * bring its effect */
		st = ECACHE_OUT_DONE;
	}
	if (ecache_outbox_record(s->c, s->push_seq, st,
				 st == ECACHE_OUT_DONE ? NULL : &comp->error, result) < 0) {
		ecache_sync_fail(s, "%s", ecache_errmsg(s->c));
		return;
	}
	switch (st) {
	case ECACHE_OUT_DONE: s->rep.done++; break;
	case ECACHE_OUT_CONFLICT: s->rep.conflicts++; break;
	case ECACHE_OUT_FAILED: s->rep.failed++; break;
	default:
		s->rep.retry++;
		s->push_stop = 1;
		if (comp->error.result == EAPI_E_AUTH || comp->error.http_status == 401)
			ecache_sync_fail(s, "login needed: %s", comp->error.message);
		break;
	}
	ecache_sync_notify(s, ECACHE_CHANGED_OUTBOX | ECACHE_CHANGED_DOSSIERS);
}
