/*
 * The sync engine: one round is reference data (when stale), then the
 * outbox, then the change feed to its end.  The same state machine serves
 * the console, which feeds it completions from its poll() loop and ticks it
 * for periodic rounds, and the CLI, whose ecache_sync_run() waits for each
 * request with eapi_wait().
 *
 * Only one request is in flight at a time: the outbox must go out in order
 * per dossier anyway, pages must be applied in order, and one request at a
 * time keeps a slow link free for what the person asks for directly.
 *
 * After a failed round (link down, server refusing) the next one waits
 * with exponential backoff from backoff_min_s to backoff_max_s, with jitter
 * so a room of consoles coming back online does not stampede the server;
 * a successful round waits interval_s.  A newly queued action starts a
 * round at once unless the engine is backing off.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ident.h"
#include "sync.h"

void
ecache_sync_options_init(ecache_sync_options *o)
{
	memset(o, 0, sizeof *o);
	o->page_limit = 500;
	o->full_view = 1;
	o->interval_s = 60;
	o->backoff_min_s = 5;
	o->backoff_max_s = 600;
	o->reference_max_age_s = 3600;
}

ecache_sync *
ecache_sync_new(ecache *c, eapi_client *client, const ecache_sync_options *o)
{
	ecache_sync *s = calloc(1, sizeof *s);

	if (!s)
		return NULL;
	s->c = c;
	s->client = client;
	if (o)
		s->o = *o;
	else
		ecache_sync_options_init(&s->o);
	if (s->o.page_limit <= 0)
		s->o.page_limit = 500;
	if (s->o.backoff_min_s <= 0)
		s->o.backoff_min_s = 5;
	if (s->o.backoff_max_s < s->o.backoff_min_s)
		s->o.backoff_max_s = s->o.backoff_min_s;
	s->phase = SYNC_IDLE;
	return s;
}

void
ecache_sync_free(ecache_sync *s)
{
	if (!s)
		return;
	if (s->inflight)
		eapi_cancel(s->client, s->inflight);
	free(s);
}

void
ecache_sync_fail(ecache_sync *s, const char *fmt, ...)
{
	va_list ap;

	if (s->failed)
		return;		/* the first cause is the one to report */
	s->failed = 1;
	va_start(ap, fmt);
	vsnprintf(s->rep.error, sizeof s->rep.error, fmt, ap);
	va_end(ap);
}

void
ecache_sync_notify(ecache_sync *s, unsigned what)
{
	if (s->o.on_change)
		s->o.on_change(s->o.on_change_ud, what);
}

void
ecache_sync_call(const ecache_sync *s, eapi_call *call)
{
	memset(call, 0, sizeof *call);
	call->deadline_ms = s->o.deadline_ms;
}

static long
jittered(long seconds)
{
	unsigned short r = 0;

	egov_random_bytes(&r, sizeof r);
	/* between half and all of it */
	return seconds / 2 + (long)((double)r / 65535.0 * (double)(seconds - seconds / 2));
}

static void
finish(ecache_sync *s)
{
	time_t now = time(NULL);
	int trouble;

	s->phase = SYNC_IDLE;
	s->rep.ok = !s->failed;
	trouble = s->failed || s->rep.retry > 0;
	if (!s->failed && s->rep.retry > 0)
		snprintf(s->rep.error, sizeof s->rep.error,
			 "%lld action(s) will be sent again later", s->rep.retry);
	if (trouble) {
		s->failures++;
		s->backoff_s = s->backoff_s ? s->backoff_s * 2 : s->o.backoff_min_s;
		if (s->backoff_s > s->o.backoff_max_s)
			s->backoff_s = s->o.backoff_max_s;
		s->next_due = now + jittered(s->backoff_s);
	} else {
		s->failures = 0;
		s->backoff_s = 0;
		s->next_due = now + (s->o.interval_s > 0 ? s->o.interval_s : 60);
	}
	ecache_status_record(s->c, s->started, s->rep.ok, s->rep.error);
	ecache_sync_notify(s, ECACHE_CHANGED_STATUS);
}

/* Run phases until a request is in flight or the round is over. */
static void
advance(ecache_sync *s)
{
	while (s->phase != SYNC_IDLE && !s->inflight) {
		int r = 0;

		if (s->failed) {
			finish(s);
			return;
		}
		switch (s->phase) {
		case SYNC_REF: r = ecache_sync_ref_step(s); break;
		case SYNC_PUSH: r = ecache_sync_push_step(s); break;
		case SYNC_PULL: r = ecache_sync_pull_step(s); break;
		default:
			finish(s);
			return;
		}
		if (r < 0) {
			ecache_sync_fail(s, "%s", ecache_errmsg(s->c));
			finish(s);
			return;
		}
		if (r == 0)
			s->phase = (enum sync_phase)(s->phase + 1);
	}
}

int
ecache_sync_start_full(ecache_sync *s, int force_reference)
{
	if (s->phase != SYNC_IDLE)
		return 1;
	memset(&s->rep, 0, sizeof s->rep);
	s->failed = 0;
	s->started = time(NULL);
	s->ref_step = 0;
	s->ref_force = force_reference;
	s->push_after = 0;
	s->push_seq = 0;
	s->push_stop = 0;
	s->pull_restarted = 0;
	s->pull_end = 0;
	s->phase = SYNC_REF;
	advance(s);
	return 0;
}

int
ecache_sync_start(ecache_sync *s)
{
	return ecache_sync_start_full(s, 0);
}

int
ecache_sync_on_completion(ecache_sync *s, eapi_completion *comp)
{
	if (!comp || !s->inflight || comp->id != s->inflight)
		return 0;
	s->inflight = 0;
	switch (s->phase) {
	case SYNC_REF: ecache_sync_ref_done(s, comp); break;
	case SYNC_PUSH: ecache_sync_push_done(s, comp); break;
	case SYNC_PULL: ecache_sync_pull_done(s, comp); break;
	default: break;
	}
	eapi_completion_free(comp);
	advance(s);
	return 1;
}

int
ecache_sync_busy(const ecache_sync *s)
{
	return s->phase != SYNC_IDLE;
}

/* A queued action that could go out now (not blocked behind a conflict). */
static int
sendable_queued(ecache *c)
{
	ecache_outbox_row row;
	int r;

	if (ecache_outbox_has_queued(c) <= 0)
		return 0;
	r = ecache_outbox_next_sendable(c, 0, &row);
	r = r > 0 && row.status == ECACHE_OUT_QUEUED;
	ecache_outbox_row_release(&row);
	return r;
}

time_t
ecache_sync_tick(ecache_sync *s, time_t now)
{
	if (s->phase == SYNC_IDLE &&
	    (now >= s->next_due || (s->failures == 0 && sendable_queued(s->c))))
		ecache_sync_start(s);
	if (s->phase != SYNC_IDLE)
		return now + 1;
	return s->next_due;
}

void
ecache_sync_last_report(const ecache_sync *s, ecache_sync_report *out)
{
	*out = s->rep;
}

int
ecache_sync_run(ecache *c, eapi_client *client, const ecache_sync_options *o,
		ecache_sync_report *rep)
{
	ecache_sync *s = ecache_sync_new(c, client, o);
	int result;

	if (!s) {
		if (rep) {
			memset(rep, 0, sizeof *rep);
			snprintf(rep->error, sizeof rep->error, "out of memory");
		}
		return -1;
	}
	ecache_sync_start(s);
	while (s->phase != SYNC_IDLE && s->inflight) {
		eapi_completion *comp = eapi_wait(client, s->inflight);
		if (!comp) {
			s->inflight = 0;
			ecache_sync_fail(s, "lost track of a request");
			advance(s);
			break;
		}
		ecache_sync_on_completion(s, comp);
	}
	if (rep)
		*rep = s->rep;
	result = s->rep.ok ? 0 : -1;
	if (!s->rep.ok)
		ecache_seterr(c, "%s", s->rep.error);
	ecache_sync_free(s);
	return result;
}
