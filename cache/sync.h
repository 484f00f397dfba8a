/*
 * The sync engine's private state, shared by its phases: sync.c (the round,
 * the timer, blocking use), sync-ref.c (reference data), sync-push.c (the
 * outbox) and sync-pull.c (the change feed).
 *
 * A round is a small state machine with at most one request in flight: each
 * phase's step() submits the next request (returning 1), or says the phase
 * is over (0) or failed (-1, error set); its on_done() takes the
 * completion.  sync.c drives the phases in order and ends the round.
 */
#ifndef EGOV_CACHE_SYNC_H
#define EGOV_CACHE_SYNC_H

#include <stdint.h>

#include "internal.h"

enum sync_phase { SYNC_IDLE, SYNC_REF, SYNC_PUSH, SYNC_PULL, SYNC_DONE };

struct ecache_sync {
	ecache *c;
	eapi_client *client;
	ecache_sync_options o;
	enum sync_phase phase;
	uint64_t inflight;		/* request id, 0 when none */
	time_t started, next_due;
	long backoff_s;
	int failures;
	int failed;			/* this round; rep.error says why */
	ecache_sync_report rep;

	/* reference phase */
	int ref_step, ref_force;
	char ref_scope[64];		/* agency id or year of the step in flight */
	/* push phase */
	long long push_after, push_seq;
	int push_stop;
	/* pull phase */
	int pull_restarted, pull_end;
};

/* Fail the round with a message (the round ends after the current step). */
void ecache_sync_fail(ecache_sync *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ecache_sync_notify(ecache_sync *s, unsigned what);
void ecache_sync_call(const ecache_sync *s, eapi_call *call);

int ecache_sync_ref_step(ecache_sync *s);
void ecache_sync_ref_done(ecache_sync *s, eapi_completion *comp);
int ecache_sync_push_step(ecache_sync *s);
void ecache_sync_push_done(ecache_sync *s, eapi_completion *comp);
int ecache_sync_pull_step(ecache_sync *s);
void ecache_sync_pull_done(ecache_sync *s, eapi_completion *comp);

#endif
