/*
 * The client: its options, its lifecycle, the session tokens it holds and
 * the link statistics it measures.
 *
 * eapi_client_new() copies the options, makes the curl multi handle and the
 * completion queue and starts the network thread (netthread.c); from then
 * on the thread owns the multi handle and every transfer, and the caller's
 * side only touches what the client mutex guards: the live requests, the
 * completion queue, the tokens and the statistics.  The tokens never go to
 * the log; a program that wants to keep them gets them through on_tokens.
 */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "ident.h"

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc;

static void
global_init(void)
{
	global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

long long
eai_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
eapi_options_init(eapi_options *o)
{
	memset(o, 0, sizeof *o);
	o->user_agent = "libegovapi/" PACKAGE_VERSION;
	o->connect_timeout_ms = 15000;
	o->low_speed_bytes = 1;
	o->low_speed_seconds = 30;
	o->default_deadline_ms = 120000;
	o->max_retries = 6;
	o->retry_base_ms = 500;
	o->retry_max_ms = 30000;
	o->max_body = 64u << 20;
}

static char *
dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

eapi_client *
eapi_client_new(const eapi_options *o, char *errbuf, size_t errlen)
{
	eapi_client *c = NULL;
	const char *why = NULL;
	size_t n;

	if (!o || !o->base_url || strncmp(o->base_url, "http", 4) != 0) {
		why = "base_url must be an http:// or https:// URL";
		goto fail;
	}
	pthread_once(&global_once, global_init);
	if (global_rc != CURLE_OK) {
		why = "libcurl could not be initialised";
		goto fail;
	}
	c = calloc(1, sizeof *c);
	if (!c) {
		why = "out of memory";
		goto fail;
	}
	c->event_fd = -1;
	c->opt = *o;
	c->base_url = strdup(o->base_url);
	c->ca_file = dup_or_null(o->ca_file);
	c->ca_path = dup_or_null(o->ca_path);
	c->user_agent = dup_or_null(o->user_agent ? o->user_agent : "libegovapi");
	if (!c->base_url || !c->user_agent || (o->ca_file && !c->ca_file) ||
	    (o->ca_path && !c->ca_path)) {
		why = "out of memory";
		goto fail;
	}
	/* The options struct's pointers belong to the caller: keep our copies. */
	c->opt.base_url = c->base_url;
	c->opt.ca_file = c->ca_file;
	c->opt.ca_path = c->ca_path;
	c->opt.user_agent = c->user_agent;
	n = strlen(c->base_url);
	while (n > 0 && c->base_url[n - 1] == '/')
		c->base_url[--n] = '\0';
	if (c->opt.connect_timeout_ms <= 0)
		c->opt.connect_timeout_ms = 15000;
	if (c->opt.default_deadline_ms <= 0)
		c->opt.default_deadline_ms = 120000;
	if (c->opt.max_retries < 0)
		c->opt.max_retries = 0;
	if (c->opt.retry_base_ms <= 0)
		c->opt.retry_base_ms = 500;
	if (c->opt.retry_max_ms < c->opt.retry_base_ms)
		c->opt.retry_max_ms = c->opt.retry_base_ms;
	if (c->opt.max_body == 0)
		c->opt.max_body = 64u << 20;
	c->next_id = 1;
	egov_random_bytes(&c->rng, sizeof c->rng);

	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->done_cond, NULL);
	c->sync_ready = 1;
	if (eai_completion_init(c) < 0) {
		why = "cannot make the completion event fd";
		goto fail;
	}
	c->multi = curl_multi_init();
	if (!c->multi) {
		why = "cannot make a curl multi handle";
		goto fail;
	}
	/* Few connections per host, reused; HTTP/2 streams share one. */
	curl_multi_setopt(c->multi, CURLMOPT_MAX_HOST_CONNECTIONS, 4L);
	curl_multi_setopt(c->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
	if (pthread_create(&c->thread, NULL, eai_net_main, c) != 0) {
		why = "cannot start the network thread";
		goto fail;
	}
	c->thread_started = 1;
	return c;
fail:
	if (errbuf && errlen)
		snprintf(errbuf, errlen, "%s", why);
	eapi_client_free(c);
	return NULL;
}

void
eapi_client_free(eapi_client *c)
{
	if (!c)
		return;
	if (c->thread_started) {
		pthread_mutex_lock(&c->lock);
		c->quit = 1;
		pthread_mutex_unlock(&c->lock);
		eai_net_wake(c);
		pthread_join(c->thread, NULL);
	}
	if (c->multi)
		curl_multi_cleanup(c->multi);
	eai_completion_release(c);
	if (c->sync_ready) {
		pthread_mutex_destroy(&c->lock);
		pthread_cond_destroy(&c->done_cond);
	}
	free(c->access_token);
	free(c->refresh_token);
	free(c->base_url);
	free(c->ca_file);
	free(c->ca_path);
	free(c->user_agent);
	free(c);
}

static void
replace(char **dst, const char *src)
{
	char *copy = dup_or_null(src);

	if (src && !copy)
		return;	/* keep the old one rather than lose the session */
	free(*dst);
	*dst = copy;
}

void
eapi_client_set_session(eapi_client *c, const char *access_token,
			const char *refresh_token, time_t expires_at)
{
	if (!c)
		return;
	pthread_mutex_lock(&c->lock);
	replace(&c->access_token, access_token);
	replace(&c->refresh_token, refresh_token);
	c->expires_at = expires_at;
	c->token_gen++;
	pthread_mutex_unlock(&c->lock);
}

void
eai_set_tokens(eapi_client *c, const eapi_session *s)
{
	pthread_mutex_lock(&c->lock);
	replace(&c->access_token, s->access_token);
	/* A refresh answer may leave the refresh token out: keep ours. */
	if (s->refresh_token)
		replace(&c->refresh_token, s->refresh_token);
	c->expires_at = s->expires_at;
	c->token_gen++;
	pthread_mutex_unlock(&c->lock);
	if (c->opt.on_tokens)
		c->opt.on_tokens(c->opt.tokens_ud, s);
}

int
eapi_client_fd(const eapi_client *c)
{
	return c ? c->event_fd : -1;
}

void
eapi_client_link_stats(eapi_client *c, eapi_link_stats *out)
{
	if (!c || !out)
		return;
	pthread_mutex_lock(&c->lock);
	*out = c->stats;
	pthread_mutex_unlock(&c->lock);
}

void
eai_log(eapi_client *c, int level, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!c->opt.log)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	c->opt.log(c->opt.log_ud, level, line);
}

/* What counts as a slow link: a round trip over 2 s or under 16 KiB/s. */
#define SLOW_RTT_MS 2000.0
#define SLOW_BPS 16384.0

static double
smooth(double old, double sample)
{
	return old > 0 ? 0.75 * old + 0.25 * sample : sample;
}

void
eai_stats_record(eapi_client *c, eai_request *r, int reached)
{
	curl_off_t down = 0, up = 0, pre = 0, start = 0, total = 0;
	long hdr = 0, reqsize = 0, version = 0;
	time_t now = time(NULL);
	eapi_link_stats *s = &c->stats;

	if (r->easy) {
		curl_easy_getinfo(r->easy, CURLINFO_SIZE_DOWNLOAD_T, &down);
		curl_easy_getinfo(r->easy, CURLINFO_SIZE_UPLOAD_T, &up);
		curl_easy_getinfo(r->easy, CURLINFO_HEADER_SIZE, &hdr);
		curl_easy_getinfo(r->easy, CURLINFO_REQUEST_SIZE, &reqsize);
		curl_easy_getinfo(r->easy, CURLINFO_PRETRANSFER_TIME_T, &pre);
		curl_easy_getinfo(r->easy, CURLINFO_STARTTRANSFER_TIME_T, &start);
		curl_easy_getinfo(r->easy, CURLINFO_TOTAL_TIME_T, &total);
		curl_easy_getinfo(r->easy, CURLINFO_HTTP_VERSION, &version);
	}
	pthread_mutex_lock(&c->lock);
	s->requests++;
	s->bytes_in += down + hdr;
	s->bytes_out += up + reqsize;
	if (reached) {
		s->online = 1;
		s->last_success = now;
		if (start > pre)	/* microseconds to the first byte */
			s->rtt_ms = smooth(s->rtt_ms, (double)(start - pre) / 1000.0);
		/* Only bodies big enough to say something about throughput. */
		if (down >= 16384 && total > start)
			s->throughput_bps = smooth(s->throughput_bps,
						   (double)down * 1e6 / (double)(total - start));
		s->http_version = version == CURL_HTTP_VERSION_2_0 ? 2 : 1;
		if (r->resp_date > 0)
			s->clock_skew_s = (long)(r->resp_date - now);
	} else {
		s->online = 0;
		s->last_failure = now;
	}
	s->slow = s->rtt_ms > SLOW_RTT_MS ||
		  (s->throughput_bps > 0 && s->throughput_bps < SLOW_BPS);
	pthread_mutex_unlock(&c->lock);
}
