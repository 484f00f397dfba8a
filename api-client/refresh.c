/*
 * The refresh round: what the network thread does when a request that
 * carried the access token is answered 401, and when the library's own
 * refresh grant ends (netthread.c calls both; request.c builds the grant).
 *
 * One round serves every request refused meanwhile: the first 401 starts
 * it, later ones wait in EAI_REQ_AUTH_WAIT, and the round's end sends them
 * again or fails them with EAPI_E_AUTH.  Before the grant is sent the
 * program's refresh hook (eapi_options.refresh_begin, api.h) may say that
 * another process has refreshed already and hand over its tokens: then no
 * grant is sent, because the server rotates the refresh token on every use
 * and a second grant with a token another process spent logs the person
 * out.  When the hook lets the grant go, refresh_end tells it the outcome
 * exactly once, from eai_refresh_done(), which every way a grant can end
 * (answer, retries spent, deadline, cancel, client freed) goes through.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "internal.h"

/* A request may be sent again this many times on tokens a hook handed
 * over, so a hook that keeps answering RETRY cannot loop forever. */
#define MAX_ADOPTED 2

/* Fail a refused request now. */
static void
refuse(eapi_client *c, eai_request *r, const char *why)
{
	eai_error_set(&r->comp->error, EAPI_E_AUTH, "login needed: %s", why);
	eai_finish(c, r);
}

/* Ask the program what to do; EAPI_REFRESH_GRANT without a hook. */
static eapi_refresh_plan
ask_hook(eapi_client *c, char *why, size_t whylen)
{
	eapi_refresh_plan plan;

	why[0] = '\0';
	if (!c->opt.refresh_begin)
		return EAPI_REFRESH_GRANT;
	plan = c->opt.refresh_begin(c->opt.refresh_ud, c, why, whylen);
	if (plan != EAPI_REFRESH_GRANT && plan != EAPI_REFRESH_RETRY)
		plan = EAPI_REFRESH_FAIL;
	eai_log(c, 3, "refresh hook: %s", plan == EAPI_REFRESH_GRANT ? "send the grant"
		: plan == EAPI_REFRESH_RETRY ? "newer tokens, no grant" : "no refresh");
	return plan;
}

/* Tell the hook how a grant it let go ended. */
static void
end_hook(eapi_client *c, const eapi_error *outcome)
{
	if (c->opt.refresh_begin && c->opt.refresh_end)
		c->opt.refresh_end(c->opt.refresh_ud, outcome);
}

/* Start a round for r: ask the hook, then resend r, fail it, or send the
 * grant and make r wait for it. */
static void
start_round(eapi_client *c, eai_request *r)
{
	eapi_refresh_plan plan;
	eapi_error outcome;
	char why[300];
	uint64_t id;

	plan = ask_hook(c, why, sizeof why);
	if (plan == EAPI_REFRESH_FAIL) {
		refuse(c, r, why[0] ? why : "the program refused to refresh");
		return;
	}
	if (plan == EAPI_REFRESH_RETRY) {
		pthread_mutex_lock(&c->lock);
		r->adopted++;
		r->state = EAI_REQ_READY;
		r->next_at = 0;
		pthread_mutex_unlock(&c->lock);
		return;
	}
	/* After the hook: it may have replaced the refresh token. */
	id = eai_submit_internal_refresh(c);
	if (!id) {
		memset(&outcome, 0, sizeof outcome);
		eai_error_set(&outcome, EAPI_E_AUTH, "login needed: cannot refresh");
		end_hook(c, &outcome);
		refuse(c, r, "cannot refresh");
		return;
	}
	pthread_mutex_lock(&c->lock);
	c->refresh_id = id;
	r->state = EAI_REQ_AUTH_WAIT;
	pthread_mutex_unlock(&c->lock);
}

void
eai_auth_refused(eapi_client *c, eai_request *r)
{
	int have_refresh, stale, in_flight, dead;

	pthread_mutex_lock(&c->lock);
	stale = r->token_gen != c->token_gen;
	in_flight = c->refresh_id != 0;
	have_refresh = c->refresh_token != NULL;
	dead = c->refused && c->refused_gen == c->token_gen;
	if (stale) {
		/* The tokens changed while it was on its way: just send it again. */
		r->state = EAI_REQ_READY;
		r->next_at = 0;
	} else if (in_flight && !r->refreshed) {
		r->state = EAI_REQ_AUTH_WAIT;
	}
	pthread_mutex_unlock(&c->lock);
	if (stale || (in_flight && !r->refreshed))
		return;
	if (dead) {
		/* Requests that were on their way when the server refused the
		 * grant: the same refresh token would be refused again. */
		refuse(c, r, "the server refused to refresh the session");
		return;
	}
	if (r->refreshed || r->adopted >= MAX_ADOPTED) {
		refuse(c, r, "the refreshed session was refused too");
		return;
	}
	/* With a hook the program may know a session the client does not. */
	if (!have_refresh && !c->opt.refresh_begin) {
		refuse(c, r, "no session to refresh");
		return;
	}
	start_round(c, r);
}

void
eai_refresh_done(eapi_client *c, eai_request *refresh, int ok)
{
	eai_request *r, *next, *failed = NULL;
	char why[600];

	end_hook(c, &refresh->comp->error);
	snprintf(why, sizeof why, "login needed: refreshing the session failed (%.400s)",
		 refresh->comp->error.message);
	pthread_mutex_lock(&c->lock);
	c->refresh_id = 0;
	if (!ok && refresh->comp->error.http_status == 401) {
		/* Until new tokens are set (a login, the hook, the program). */
		c->refused = 1;
		c->refused_gen = c->token_gen;
	}
	for (r = c->live; r; r = r->next) {
		if (r->state != EAI_REQ_AUTH_WAIT)
			continue;
		r->refreshed = 1;
		if (ok) {
			r->state = EAI_REQ_READY;
			r->next_at = 0;
		} else {
			r->state = EAI_REQ_DONE;	/* picked off below */
		}
	}
	pthread_mutex_unlock(&c->lock);
	if (ok)
		return;
	/* eai_finish() edits the live list, so find one, finish it, look again. */
	for (;;) {
		failed = NULL;
		pthread_mutex_lock(&c->lock);
		for (r = c->live; r; r = next) {
			next = r->next;
			if (r->state == EAI_REQ_DONE && r != refresh) {
				failed = r;
				break;
			}
		}
		pthread_mutex_unlock(&c->lock);
		if (!failed)
			break;
		failed->state = EAI_REQ_AUTH_WAIT;
		eai_error_set(&failed->comp->error, EAPI_E_AUTH, "%s", why);
		eai_finish(c, failed);
	}
}
