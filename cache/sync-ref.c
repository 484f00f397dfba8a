/*
 * The reference-data phase of a sync round: who I am, agencies, the
 * procedure catalogue, the users of my agency and the calendar for this
 * year and the next (due dates cross New Year).  Each is asked only when
 * older than reference_max_age_s (or when the round was started with
 * force_reference), and always with If-None-Match, so the usual answer is
 * a bodiless 304.
 *
 * A failure that says the link or the login is gone ends the round; a
 * refusal for one kind (a year the server has no calendar for) is skipped.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reference.h"
#include "sync.h"

enum { REF_ME, REF_AGENCIES, REF_PROCEDURES, REF_USERS, REF_CAL_THIS, REF_CAL_NEXT, REF_END };

static ecache_ref
kind_of(int step)
{
	switch (step) {
	case REF_ME: return ECACHE_REF_ME;
	case REF_AGENCIES: return ECACHE_REF_AGENCIES;
	case REF_PROCEDURES: return ECACHE_REF_PROCEDURES;
	case REF_USERS: return ECACHE_REF_USERS;
	default: return ECACHE_REF_CALENDAR;
	}
}

static int
this_year(void)
{
	int y, m, d;

	egov_day_to_ymd(egov_day_of(time(NULL)), &y, &m, &d);
	return y;
}

/* The scope of a step: my agency for users, the year for the calendar. */
static int
scope_of(ecache_sync *s, int step, char *out, size_t outlen)
{
	out[0] = '\0';
	if (step == REF_USERS) {
		eapi_user *me = ecache_get_me(s->c);
		if (!me || !me->agency_id) {
			eapi_user_free(me);
			return -1;	/* nobody to ask about */
		}
		snprintf(out, outlen, "%s", me->agency_id);
		eapi_user_free(me);
	} else if (step == REF_CAL_THIS || step == REF_CAL_NEXT) {
		snprintf(out, outlen, "%d", this_year() + (step == REF_CAL_NEXT));
	}
	return 0;
}

int
ecache_sync_ref_step(ecache_sync *s)
{
	for (; s->ref_step < REF_END; s->ref_step++) {
		char etag[128];
		eapi_call call;
		ecache_ref kind = kind_of(s->ref_step);
		time_t fetched;

		if (scope_of(s, s->ref_step, s->ref_scope, sizeof s->ref_scope) < 0)
			continue;
		fetched = ecache_ref_fetched_at(s->c, kind, s->ref_scope);
		if (!s->ref_force && fetched &&
		    time(NULL) - fetched < s->o.reference_max_age_s)
			continue;
		if (ecache_ref_etag(s->c, kind, s->ref_scope[0] ? s->ref_scope : NULL,
				    etag, sizeof etag) < 0)
			return -1;
		ecache_sync_call(s, &call);
		call.etag = etag[0] && kind != ECACHE_REF_ME ? etag : NULL;
		switch (s->ref_step) {
		case REF_ME: s->inflight = eapi_get_me(s->client, &call); break;
		case REF_AGENCIES: s->inflight = eapi_get_agencies(s->client, &call); break;
		case REF_PROCEDURES: s->inflight = eapi_get_procedures(s->client, &call); break;
		case REF_USERS:
			s->inflight = eapi_get_users(s->client, s->ref_scope, &call);
			break;
		default:
			s->inflight = eapi_get_calendar(s->client, atoi(s->ref_scope), &call);
			break;
		}
		if (!s->inflight) {
			ecache_sync_fail(s, "could not queue a request");
			return -1;
		}
		return 1;
	}
	return 0;
}

static int
link_gone(const eapi_error *e)
{
	return e->result == EAPI_E_NETWORK || e->result == EAPI_E_TIMEOUT ||
	       e->result == EAPI_E_TLS || e->result == EAPI_E_AUTH ||
	       e->result == EAPI_E_CANCELLED || e->http_status == 401 ||
	       e->http_status >= 500 || e->http_status == 429;
}

void
ecache_sync_ref_done(ecache_sync *s, eapi_completion *comp)
{
	int step = s->ref_step++;
	const char *scope = s->ref_scope[0] ? s->ref_scope : NULL;
	const char *etag = comp->etag;
	int r = 0;

	if (comp->error.result != EAPI_OK) {
		if (link_gone(&comp->error))
			ecache_sync_fail(s, "%s", comp->error.message[0] ? comp->error.message
					 : eapi_result_str(comp->error.result));
		return;		/* otherwise skip this kind */
	}
	if (comp->not_modified) {
		ecache_ref_touch(s->c, kind_of(step), scope, NULL);
		return;
	}
	switch (step) {
	case REF_ME:
		r = comp->u.user ? ecache_put_me(s->c, comp->u.user) : 0;
		break;
	case REF_AGENCIES:
		r = comp->u.agencies ? ecache_put_agencies(s->c, comp->u.agencies, etag) : 0;
		break;
	case REF_PROCEDURES:
		r = comp->u.procedures ? ecache_put_procedures(s->c, comp->u.procedures, etag) : 0;
		break;
	case REF_USERS:
		r = comp->u.users ? ecache_put_users(s->c, scope, comp->u.users, etag) : 0;
		break;
	default:
		r = comp->u.calendar ? ecache_put_calendar(s->c, comp->u.calendar, etag) : 0;
		break;
	}
	if (r < 0)
		ecache_sync_fail(s, "%s", ecache_errmsg(s->c));
	else
		ecache_sync_notify(s, ECACHE_CHANGED_REFERENCE);
}
