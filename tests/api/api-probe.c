/*
 * api-probe: one libegovapi call from the command line, its completion
 * printed as one line of JSON.  The driver of the tests/api Python scripts.
 *
 *   api-probe [options] OP [ARGS...]
 *
 * Network operations (login, me, dossier, action, document, ...) go
 * through a real eapi_client against --url; the probe waits by poll()ing
 * eapi_client_fd() and then takes the completion with
 * eapi_next_completion(), as the console does (--use-wait uses eapi_wait()
 * instead).  The decode-* operations run a decoder on a file without any
 * network, and roundtrip checks encode/decode/dup of a dossier.  What is
 * printed is the library's decoded view (probe-json.c), so a test compares
 * what reached the structs, not what was on the wire.
 */
#include <config.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "egov/api.h"
#include "probe.h"

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int tokens_changed;
static char new_refresh[256];

static void
on_tokens(void *ud, const eapi_session *s)
{
	(void)ud;
	tokens_changed++;
	snprintf(new_refresh, sizeof new_refresh, "%s", s->refresh_token ? s->refresh_token : "");
}

static void
usage(void)
{
	fprintf(stderr, "usage: api-probe [--url U] [--token T] [--refresh R] [--deadline-ms N]\n"
		"  [--max-retries N] [--retry-base-ms N] [--retry-max-ms N] [--max-body N]\n"
		"  [--etag E] [--request-id ID] [--cancel-after-ms N] [--ca-file F]\n"
		"  [--low-speed-seconds N] [--use-wait] [--repeat N] OP [ARGS...]\n");
	exit(2);
}

typedef struct probe_opts {
	eapi_options o;
	eapi_call call;
	const char *token, *refresh;
	long cancel_after_ms;
	int use_wait, repeat;
} probe_opts;

/* key=value arguments for search and actions. */
static const char *
kv(int argc, char **argv, const char *key)
{
	size_t k = strlen(key);
	int i;

	for (i = 0; i < argc; i++)
		if (strncmp(argv[i], key, k) == 0 && argv[i][k] == '=')
			return argv[i] + k + 1;
	return NULL;
}

static uint64_t
submit(eapi_client *c, const probe_opts *po, const char *op, int argc, char **argv)
{
	const eapi_call *call = &po->call;

	if (!strcmp(op, "login") && argc >= 2)
		return eapi_login(c, argv[0], argv[1], call);
	if (!strcmp(op, "refresh"))
		return eapi_refresh(c, call);
	if (!strcmp(op, "logout"))
		return eapi_logout(c, call);
	if (!strcmp(op, "me"))
		return eapi_get_me(c, call);
	if (!strcmp(op, "agencies"))
		return eapi_get_agencies(c, call);
	if (!strcmp(op, "procedures"))
		return eapi_get_procedures(c, call);
	if (!strcmp(op, "users"))
		return eapi_get_users(c, argc > 0 ? argv[0] : NULL, call);
	if (!strcmp(op, "calendar"))
		return eapi_get_calendar(c, argc > 0 ? atoi(argv[0]) : 0, call);
	if (!strcmp(op, "dossier") && argc >= 1)
		return eapi_get_dossier(c, argv[0], call);
	if (!strcmp(op, "search")) {
		eapi_search_params p = { 0 };
		const char *ov = kv(argc, argv, "overdue"), *lim = kv(argc, argv, "limit");

		p.q = kv(argc, argv, "q");
		p.state = kv(argc, argv, "state");
		p.agency_id = kv(argc, argv, "agency_id");
		p.assignee_id = kv(argc, argv, "assignee_id");
		p.cursor = kv(argc, argv, "cursor");
		p.overdue = ov ? atoi(ov) : -1;
		p.limit = lim ? atoi(lim) : 0;
		return eapi_search_dossiers(c, &p, call);
	}
	if (!strcmp(op, "changes")) {
		const char *since = kv(argc, argv, "since"), *lim = kv(argc, argv, "limit");
		const char *full = kv(argc, argv, "full");

		return eapi_get_changes(c, since, lim ? atoi(lim) : 0, full && atoi(full), call);
	}
	if (!strcmp(op, "action") && argc >= 4) {
		eapi_action a = { 0 };
		const char *dd = kv(argc - 4, argv + 4, "deadline_days");

		a.dossier_id = argv[0];
		a.action = argv[1];
		a.idempotency_key = argv[2];
		a.if_match = atoll(argv[3]);
		a.note = kv(argc - 4, argv + 4, "note");
		a.reason = kv(argc - 4, argv + 4, "reason");
		a.assignee_id = kv(argc - 4, argv + 4, "assignee_id");
		a.method = kv(argc - 4, argv + 4, "method");
		a.text = kv(argc - 4, argv + 4, "text");
		a.new_due_at = kv(argc - 4, argv + 4, "new_due_at");
		a.deadline_days = dd ? atoi(dd) : 0;
		return eapi_post_action(c, &a, call);
	}
	if (!strcmp(op, "document") && argc >= 3)
		return eapi_download_document(c, argv[0], argv[1], argv[2], call);
	if (!strcmp(op, "report"))
		return eapi_get_report(c, kv(argc, argv, "from"), kv(argc, argv, "to"), call);
	return 0;
}

/* Wait the console's way: poll the completion fd, then take what is there. */
static eapi_completion *
wait_poll(eapi_client *c, uint64_t id, const probe_opts *po)
{
	long long start = now_ms();
	int cancelled = 0;

	for (;;) {
		struct pollfd pfd = { eapi_client_fd(c), POLLIN, 0 };
		long timeout = -1;
		eapi_completion *comp;

		if (po->cancel_after_ms > 0 && !cancelled) {
			timeout = (long)(start + po->cancel_after_ms - now_ms());
			if (timeout <= 0) {
				if (eapi_cancel(c, id) != 0)
					fprintf(stderr, "api-probe: cancel refused\n");
				cancelled = 1;
				timeout = -1;
			}
		}
		if (poll(&pfd, 1, (int)timeout) < 0 && errno != EINTR)
			return NULL;
		while ((comp = eapi_next_completion(c))) {
			if (comp->id == id)
				return comp;
			eapi_completion_free(comp);
		}
	}
}

static int
run_network(probe_opts *po, const char *op, int argc, char **argv)
{
	char errbuf[256];
	eapi_client *c;
	eapi_completion *comp = NULL;
	eapi_link_stats st;
	long long start;
	int i, rc = 0;

	po->o.on_tokens = on_tokens;
	c = eapi_client_new(&po->o, errbuf, sizeof errbuf);
	if (!c) {
		fprintf(stderr, "api-probe: %s\n", errbuf);
		return 2;
	}
	if (po->token || po->refresh)
		eapi_client_set_session(c, po->token, po->refresh, 0);
	for (i = 0; i < po->repeat; i++) {
		uint64_t id;

		start = now_ms();
		id = submit(c, po, op, argc, argv);
		if (!id) {
			printf("{\"submitted\":false}\n");
			rc = 1;
			break;
		}
		comp = po->use_wait ? eapi_wait(c, id) : wait_poll(c, id, po);
		if (!comp) {
			fprintf(stderr, "api-probe: no completion\n");
			rc = 1;
			break;
		}
		eapi_client_link_stats(c, &st);
		probe_print_completion(comp, &st, now_ms() - start, tokens_changed, new_refresh);
		eapi_completion_free(comp);
	}
	eapi_client_free(c);
	return rc;
}

int
main(int argc, char **argv)
{
	probe_opts po;
	int i;

	memset(&po, 0, sizeof po);
	eapi_options_init(&po.o);
	po.o.base_url = "http://127.0.0.1:1";
	po.repeat = 1;
	for (i = 1; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--use-wait")) {
			po.use_wait = 1;
			continue;
		}
		if (!v)
			usage();
		i++;
		if (!strcmp(a, "--url")) po.o.base_url = v;
		else if (!strcmp(a, "--token")) po.token = v;
		else if (!strcmp(a, "--refresh")) po.refresh = v;
		else if (!strcmp(a, "--deadline-ms")) po.call.deadline_ms = atol(v);
		else if (!strcmp(a, "--max-retries")) po.o.max_retries = atoi(v);
		else if (!strcmp(a, "--retry-base-ms")) po.o.retry_base_ms = atol(v);
		else if (!strcmp(a, "--retry-max-ms")) po.o.retry_max_ms = atol(v);
		else if (!strcmp(a, "--max-body")) po.o.max_body = (size_t)atoll(v);
		else if (!strcmp(a, "--etag")) po.call.etag = v;
		else if (!strcmp(a, "--request-id")) po.call.request_id = v;
		else if (!strcmp(a, "--cancel-after-ms")) po.cancel_after_ms = atol(v);
		else if (!strcmp(a, "--ca-file")) po.o.ca_file = v;
		else if (!strcmp(a, "--low-speed-seconds")) po.o.low_speed_seconds = atol(v);
		else if (!strcmp(a, "--repeat")) po.repeat = atoi(v);
		else usage();
	}
	if (i >= argc)
		usage();
	if (!strncmp(argv[i], "decode-", 7) || !strcmp(argv[i], "roundtrip")) {
		if (i + 1 >= argc)
			usage();
		return probe_decode_file(argv[i], argv[i + 1]);
	}
	return run_network(&po, argv[i], argc - i - 1, argv + i + 1);
}
