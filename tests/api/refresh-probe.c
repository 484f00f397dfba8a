/*
 * refresh-probe: the api-client's refresh hook (eapi_options.refresh_begin
 * and refresh_end) driven from the command line against a real server, for
 * tests/api/test-api-refresh.py.
 *
 *   refresh-probe --url U [--token A] [--refresh R] [--hook MODE]
 *                 [--hook-access A2] [--hook-refresh R2] [--parallel N]
 *
 * It sends N GET /me at once with the tokens given (the access token is
 * usually one the server refuses, so each is answered 401 and the library
 * needs a refresh), waits for all of them, and prints one JSON line: each
 * request's outcome, how often the hook began and ended and on which
 * thread, the outcome the end was told, whether on_tokens had saved the
 * new tokens by then, and the client's request count.  MODE says what the
 * hook answers:
 *
 *   none        no hook at all (the library as it was)
 *   grant       EAPI_REFRESH_GRANT: send the grant with the client's token
 *   grant-with  replace the refresh token with R2, then grant
 *   retry       hand over A2/R2 (another process refreshed), EAPI_REFRESH_RETRY
 *   fail        EAPI_REFRESH_FAIL with a message of its own
 */
#include <config.h>

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "egov/api.h"

#define MAX_PARALLEL 16

struct probe {
	const char *mode;
	const char *hook_access, *hook_refresh;
	pthread_t main_thread;
	/* written on the network thread, read after the client is freed */
	int begins, ends, off_main, tokens_changed, tokens_before_end;
	eapi_result end_result;
	long end_status;
	char new_refresh[256];
};

static void
on_tokens(void *ud, const eapi_session *s)
{
	struct probe *p = ud;

	p->tokens_changed++;
	snprintf(p->new_refresh, sizeof p->new_refresh, "%s",
		 s->refresh_token ? s->refresh_token : "");
}

static eapi_refresh_plan
begin(void *ud, eapi_client *c, char *errbuf, size_t errlen)
{
	struct probe *p = ud;

	p->begins++;
	if (!pthread_equal(pthread_self(), p->main_thread))
		p->off_main++;
	if (!strcmp(p->mode, "retry")) {
		eapi_client_set_session(c, p->hook_access, p->hook_refresh, 0);
		return EAPI_REFRESH_RETRY;
	}
	if (!strcmp(p->mode, "grant-with")) {
		eapi_client_set_session(c, NULL, p->hook_refresh, 0);
		return EAPI_REFRESH_GRANT;
	}
	if (!strcmp(p->mode, "fail")) {
		snprintf(errbuf, errlen, "the probe keeps its turn");
		return EAPI_REFRESH_FAIL;
	}
	return EAPI_REFRESH_GRANT;
}

static void
end(void *ud, const eapi_error *outcome)
{
	struct probe *p = ud;

	p->ends++;
	if (!pthread_equal(pthread_self(), p->main_thread))
		p->off_main++;
	p->end_result = outcome->result;
	p->end_status = outcome->http_status;
	p->tokens_before_end = p->tokens_changed;
}

static void
usage(void)
{
	fprintf(stderr, "usage: refresh-probe --url U [--token A] [--refresh R] [--hook MODE]\n"
		"  [--hook-access A2] [--hook-refresh R2] [--parallel N]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct probe p = { .mode = "none" };
	const char *token = NULL, *refresh = NULL;
	uint64_t ids[MAX_PARALLEL];
	json_t *out, *results;
	eapi_link_stats st;
	eapi_options o;
	eapi_client *c;
	char errbuf[256], *text;
	int i, n = 1;

	eapi_options_init(&o);
	for (i = 1; i + 1 < argc; i += 2) {
		const char *a = argv[i], *v = argv[i + 1];

		if (!strcmp(a, "--url")) o.base_url = v;
		else if (!strcmp(a, "--token")) token = v;
		else if (!strcmp(a, "--refresh")) refresh = v;
		else if (!strcmp(a, "--hook")) p.mode = v;
		else if (!strcmp(a, "--hook-access")) p.hook_access = v;
		else if (!strcmp(a, "--hook-refresh")) p.hook_refresh = v;
		else if (!strcmp(a, "--parallel")) n = atoi(v);
		else usage();
	}
	if (i != argc || !o.base_url || n < 1 || n > MAX_PARALLEL)
		usage();
	p.main_thread = pthread_self();
	o.retry_base_ms = 20;
	o.retry_max_ms = 200;
	o.on_tokens = on_tokens;
	o.tokens_ud = &p;
	if (strcmp(p.mode, "none") != 0) {
		o.refresh_begin = begin;
		o.refresh_end = end;
		o.refresh_ud = &p;
	}
	c = eapi_client_new(&o, errbuf, sizeof errbuf);
	if (!c) {
		fprintf(stderr, "refresh-probe: %s\n", errbuf);
		return 2;
	}
	eapi_client_set_session(c, token, refresh, 0);
	for (i = 0; i < n; i++)
		if (!(ids[i] = eapi_get_me(c, NULL))) {
			fprintf(stderr, "refresh-probe: cannot submit\n");
			eapi_client_free(c);
			return 2;
		}
	results = json_array();
	for (i = 0; i < n; i++) {
		eapi_completion *comp = eapi_wait(c, ids[i]);

		json_array_append_new(results, json_pack("{s:s, s:I, s:s, s:s?}",
			"result", eapi_result_str(comp->error.result),
			"http_status", (json_int_t)comp->error.http_status,
			"message", comp->error.message,
			"username", comp->error.result == EAPI_OK && comp->u.user
				    ? comp->u.user->username : NULL));
		eapi_completion_free(comp);
	}
	eapi_client_link_stats(c, &st);
	eapi_client_free(c);	/* joins the thread: the counters are final */
	out = json_pack("{s:o, s:i, s:i, s:b, s:s, s:I, s:i, s:i, s:s, s:I}",
			"results", results, "begins", p.begins, "ends", p.ends,
			"hook_off_main", p.off_main == p.begins + p.ends,
			"end_result", p.ends ? eapi_result_str(p.end_result) : "",
			"end_status", (json_int_t)p.end_status,
			"tokens_changed", p.tokens_changed,
			"tokens_before_end", p.tokens_before_end,
			"new_refresh", p.new_refresh, "requests", (json_int_t)st.requests);
	text = json_dumps(out, JSON_COMPACT);
	printf("%s\n", text);
	free(text);
	json_decref(out);
	return 0;
}
