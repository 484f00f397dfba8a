/*
 * The pull phase of a sync round: read the change feed from the stored
 * cursor, page by page, until the server says there is no more.
 *
 * Each page is applied together with its cursor in one transaction
 * (ecache_apply_changes), so a crash replays at most one page, harmlessly.
 * A 410 cursor_expired drops the cached dossiers (never the outbox) and
 * reads the feed again from the start, once per round.
 */
#include "config.h"

#include <string.h>

#include "sync.h"

int
ecache_sync_pull_step(ecache_sync *s)
{
	char cursor[256];
	eapi_call call;

	if (s->pull_end)
		return 0;
	if (ecache_meta_get(s->c, "cursor", cursor, sizeof cursor) < 0)
		return -1;
	ecache_sync_call(s, &call);
	s->inflight = eapi_get_changes(s->client, cursor[0] ? cursor : NULL,
				       s->o.page_limit, s->o.full_view, &call);
	if (!s->inflight) {
		ecache_sync_fail(s, "could not queue a request");
		return -1;
	}
	return 1;
}

void
ecache_sync_pull_done(ecache_sync *s, eapi_completion *comp)
{
	const eapi_error *e = &comp->error;
	int n;

	if (e->result != EAPI_OK) {
		if ((e->http_status == 410 || strcmp(e->code, "cursor_expired") == 0) &&
		    !s->pull_restarted) {
			s->pull_restarted = 1;
			s->rep.restarted = 1;
			if (ecache_drop_dossiers(s->c) < 0)
				ecache_sync_fail(s, "%s", ecache_errmsg(s->c));
			ecache_sync_notify(s, ECACHE_CHANGED_DOSSIERS);
			return;		/* the next step reads from the start */
		}
		ecache_sync_fail(s, "%s", e->message[0] ? e->message : eapi_result_str(e->result));
		return;
	}
	if (!comp->u.changes) {
		ecache_sync_fail(s, "empty change feed answer");
		return;
	}
	n = ecache_apply_changes(s->c, comp->u.changes);
	if (n < 0) {
		ecache_sync_fail(s, "%s", ecache_errmsg(s->c));
		return;
	}
	s->rep.pages++;
	s->rep.changes += (long long)comp->u.changes->n;
	if (n > 0)
		ecache_sync_notify(s, ECACHE_CHANGED_DOSSIERS);
	if (!comp->u.changes->more)
		s->pull_end = 1;
}
