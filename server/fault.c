/*
 * Injected faults (--fault), so clients can be tested against a bad network
 * and a flaky server: `latency=300ms,jitter=100ms,error=0.1,drop=0.05,
 * drop-after-commit=0.05,stall=0.02:5s`.
 *
 * latency and jitter delay every answer; `error` answers 503 with
 * Retry-After; `drop` closes the connection without answering; `stall`
 * waits a long time before answering; `drop-after-commit` applies only to
 * actions: the action commits, then the connection is closed, so the client
 * never learns it succeeded and must retry with its idempotency key.
 */
#include "config.h"
#include "sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int parse_ms(const char *s, int *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || v < 0)
		return -1;
	if (strcmp(end, "ms") == 0 || *end == '\0')
		*out = (int)v;
	else if (strcmp(end, "s") == 0)
		*out = (int)(v * 1000);
	else
		return -1;
	return 0;
}

static int parse_rate(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || v < 0 || v > 1)
		return -1;
	*out = v;
	return 0;
}

int sim_fault_parse(sim_fault *f, const char *spec, char *err, size_t errlen)
{
	char *copy = strdup(spec), *save = NULL, *item;
	int result = 0;

	if (!copy)
		return -1;
	for (item = strtok_r(copy, ",", &save); item && result == 0;
	     item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '='), *colon;
		if (!eq) {
			result = -1;
			break;
		}
		*eq++ = '\0';
		if (strcmp(item, "latency") == 0)
			result = parse_ms(eq, &f->latency_ms);
		else if (strcmp(item, "jitter") == 0)
			result = parse_ms(eq, &f->jitter_ms);
		else if (strcmp(item, "error") == 0)
			result = parse_rate(eq, &f->error);
		else if (strcmp(item, "hold") == 0)
			result = parse_ms(eq, &f->hold_ms);
		else if (strcmp(item, "drop") == 0)
			result = parse_rate(eq, &f->drop);
		else if (strcmp(item, "drop-after-commit") == 0)
			result = parse_rate(eq, &f->drop_after_commit);
		else if (strcmp(item, "stall") == 0) {
			colon = strchr(eq, ':');
			f->stall_ms = 5000;
			if (colon) {
				*colon++ = '\0';
				result = parse_ms(colon, &f->stall_ms);
			}
			if (result == 0)
				result = parse_rate(eq, &f->stall);
		} else {
			result = -1;
		}
	}
	if (result < 0)
		snprintf(err, errlen, "bad --fault item '%s'", item ? item : spec);
	free(copy);
	return result;
}

static double roll(sim_server *srv)
{
	sim_rng r;
	double v;

	/* One shared sequence, advanced under a lock; these numbers only need
	 * to be spread, not unpredictable. */
	pthread_mutex_lock(&srv->misc_lock);
	if (!srv->fault_rng)
		srv->fault_rng = (uint64_t)time(NULL) ^ 0x5eed;
	srv->fault_rng = sim_mix64(srv->fault_rng);
	sim_rng_seed(&r, srv->fault_rng);
	pthread_mutex_unlock(&srv->misc_lock);
	v = sim_rng_unit(&r);
	return v;
}

static void sleep_ms(int ms)
{
	struct timespec ts;

	if (ms <= 0)
		return;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0)
		;
}

int sim_fault_before(sim_server *srv, sim_response *rs)
{
	const sim_fault *f = &srv->fault;
	int delay = f->latency_ms;

	if (f->jitter_ms > 0)
		delay += (int)((roll(srv) * 2 - 1) * f->jitter_ms);
	sleep_ms(delay);
	if (f->stall > 0 && roll(srv) < f->stall)
		sleep_ms(f->stall_ms);
	if (f->drop > 0 && roll(srv) < f->drop) {
		rs->drop = 1;
		return -1;
	}
	if (f->error > 0 && roll(srv) < f->error) {
		sim_reply_problem(rs, 503, "internal", "injected fault: service unavailable");
		return -1;
	}
	return 0;
}

int sim_fault_drop_after_commit(sim_server *srv)
{
	return srv->fault.drop_after_commit > 0 && roll(srv) < srv->fault.drop_after_commit;
}
