/*
 * One attempt of one request: setting up its curl easy handle, catching
 * the answer's headers and body, and reading it back.
 *
 * Every attempt gets a fresh easy handle, but all of them go through the
 * one multi handle, whose connection cache is what reuses connections.  The
 * options are the list for slow, lossy links: HTTP/2 over TLS when
 * offered, any Accept-Encoding libcurl has, TCP keepalive, a connect
 * timeout, stall detection by minimum speed and no total timeout but the
 * request's own deadline.  TLS verification is always on.  The headers that
 * make a retry safe (Idempotency-Key, If-Match) are the request's, so every
 * attempt sends the same ones.  Bodies are capped at max_body; a document
 * goes straight to its file, resuming with Range/If-Range.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

/* The client is reached from callbacks through the request. */
typedef struct attempt_ctx {
	eapi_client *c;
	eai_request *r;
} attempt_ctx;

static int
add_header(eai_request *r, const char *fmt, const char *value)
{
	char line[1024];
	struct curl_slist *n;

	snprintf(line, sizeof line, fmt, value);
	n = curl_slist_append(r->headers, line);
	if (!n)
		return -1;
	r->headers = n;
	return 0;
}

static void
trim_copy(char *dst, size_t size, const char *v, size_t n)
{
	while (n && (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' '))
		n--;
	while (n && (*v == ' ' || *v == '\t')) {
		v++;
		n--;
	}
	if (n >= size)
		n = size - 1;
	memcpy(dst, v, n);
	dst[n] = '\0';
}

/* Does header line h (length n) start with name (case-insensitive)? Then
 * return the value. */
static const char *
header_value(const char *h, size_t n, const char *name, size_t *vlen)
{
	size_t k = strlen(name);

	if (n <= k || strncasecmp(h, name, k) != 0 || h[k] != ':')
		return NULL;
	*vlen = n - k - 1;
	return h + k + 1;
}

static size_t
on_header(char *h, size_t size, size_t nitems, void *ud)
{
	eai_request *r = ud;
	size_t n = size * nitems, vl;
	const char *v;
	char tmp[128];

	if (n >= 5 && strncmp(h, "HTTP/", 5) == 0) {
		/* A new answer (after a 100 Continue, say): forget the last. */
		r->resp_etag[0] = r->resp_request_id[0] = r->content_type[0] = '\0';
		r->retry_after = -1;
		r->resp_date = 0;
		return n;
	}
	if ((v = header_value(h, n, "etag", &vl)))
		trim_copy(r->resp_etag, sizeof r->resp_etag, v, vl);
	else if ((v = header_value(h, n, "x-request-id", &vl)))
		trim_copy(r->resp_request_id, sizeof r->resp_request_id, v, vl);
	else if ((v = header_value(h, n, "content-type", &vl)))
		trim_copy(r->content_type, sizeof r->content_type, v, vl);
	else if ((v = header_value(h, n, "retry-after", &vl))) {
		trim_copy(tmp, sizeof tmp, v, vl);
		if (tmp[0] >= '0' && tmp[0] <= '9') {
			long s = strtol(tmp, NULL, 10);
			r->retry_after = s < 0 ? 0 : s > 86400 ? 86400 : s;
		} else {
			time_t t = curl_getdate(tmp, NULL);
			if (t > 0)
				r->retry_after = t > time(NULL) ? (long)(t - time(NULL)) : 0;
		}
	} else if ((v = header_value(h, n, "date", &vl))) {
		trim_copy(tmp, sizeof tmp, v, vl);
		r->resp_date = curl_getdate(tmp, NULL);
	} else if ((v = header_value(h, n, "content-range", &vl))) {
		const char *slash;

		trim_copy(tmp, sizeof tmp, v, vl);
		slash = strchr(tmp, '/');
		if (slash && slash[1] >= '0' && slash[1] <= '9')
			r->range_total = strtoll(slash + 1, NULL, 10);
	} else if ((v = header_value(h, n, "content-length", &vl))) {
		trim_copy(tmp, sizeof tmp, v, vl);
		if (tmp[0] >= '0' && tmp[0] <= '9')
			r->content_length = strtoll(tmp, NULL, 10);
	}
	return n;
}

/* The first body bytes of a 2xx download: open the file, appending on 206
 * and starting over on 200. */
static int
open_download(attempt_ctx *a, long status)
{
	eai_request *r = a->r;
	long long total = -1;

	if (status == 206) {
		r->dl_file = fopen(r->dl_path, "ab");
		total = r->range_total;
	} else {
		r->dl_file = fopen(r->dl_path, "wb");
		r->dl_offset = 0;
		total = r->content_length;
	}
	pthread_mutex_lock(&a->c->lock);
	r->dl_total = total;
	pthread_mutex_unlock(&a->c->lock);
	if (!r->dl_file) {
		r->write_errno = errno ? errno : EIO;
		return -1;
	}
	return 0;
}

static size_t
on_body(char *p, size_t size, size_t nmemb, void *ud)
{
	attempt_ctx *a = ud;
	eai_request *r = a->r;
	size_t n = size * nmemb;
	long status = 0;

	curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
	if (r->dl_path && (status == 200 || status == 206)) {
		if (!r->dl_file && open_download(a, status) < 0)
			return 0;
		if (fwrite(p, 1, n, r->dl_file) != n) {
			r->write_errno = errno ? errno : EIO;
			return 0;
		}
		r->dl_written += (long long)n;
		pthread_mutex_lock(&a->c->lock);
		r->dl_done = r->dl_offset + r->dl_written;
		pthread_mutex_unlock(&a->c->lock);
		return n;
	}
	if (r->resp.len + n > a->c->opt.max_body) {
		r->too_large = 1;
		return 0;
	}
	if (eai_buf_append(&r->resp, p, n) < 0) {
		r->write_errno = ENOMEM;
		return 0;
	}
	return n;
}

/* Range and If-Range for a document that is partly on disk already. */
static int
download_headers(eai_request *r)
{
	struct stat st;
	char range[64];

	r->dl_offset = 0;
	r->dl_written = 0;
	if (!r->dl_no_resume && r->etag && stat(r->dl_path, &st) == 0 && st.st_size > 0) {
		r->dl_offset = (long long)st.st_size;
		snprintf(range, sizeof range, "Range: bytes=%lld-", r->dl_offset);
		if (add_header(r, "%s", range) < 0 || add_header(r, "If-Range: %s", r->etag) < 0)
			return -1;
	}
	return 0;
}

int
eai_transfer_start(eapi_client *c, eai_request *r)
{
	char url[4096], ifmatch[40];
	long long remaining = r->deadline - eai_now_ms();
	attempt_ctx *a;
	CURL *e;

	r->resp.len = 0;
	r->too_large = 0;
	r->write_errno = 0;
	r->status = 0;
	r->errbuf[0] = '\0';
	r->content_length = r->range_total = -1;
	snprintf(url, sizeof url, "%s/api/v1%s", c->base_url, r->path);
	a = calloc(1, sizeof *a);
	e = curl_easy_init();
	if (!a || !e) {
		free(a);
		if (e)
			curl_easy_cleanup(e);
		return -1;
	}
	a->c = c;
	a->r = r;
	r->easy = e;
	r->ctx = a;

	if (add_header(r, "X-Request-Id: %s", r->request_id) < 0 ||
	    add_header(r, "Expect:%s", "") < 0)
		return -1;
	if (r->dl_path) {
		if (download_headers(r) < 0)
			return -1;
	} else if (add_header(r, "Accept: %s", "application/json, application/problem+json") < 0)
		return -1;
	if (r->needs_auth) {
		pthread_mutex_lock(&c->lock);
		r->token_gen = c->token_gen;
		if (c->access_token && add_header(r, "Authorization: Bearer %s", c->access_token) < 0) {
			pthread_mutex_unlock(&c->lock);
			return -1;
		}
		pthread_mutex_unlock(&c->lock);
	}
	if (r->body && add_header(r, "Content-Type: %s", "application/json") < 0)
		return -1;
	if (r->idempotency_key && add_header(r, "Idempotency-Key: %s", r->idempotency_key) < 0)
		return -1;
	if (r->if_match > 0) {
		snprintf(ifmatch, sizeof ifmatch, "\"%lld\"", r->if_match);
		if (add_header(r, "If-Match: %s", ifmatch) < 0)
			return -1;
	}
	if (!r->dl_path && r->etag && strcmp(r->method, "GET") == 0 &&
	    add_header(r, "If-None-Match: %s", r->etag) < 0)
		return -1;

	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, r);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->headers);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, c->user_agent);
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, r->dl_path ? NULL : "");
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPIDLE, 30L);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPINTVL, 15L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, c->opt.connect_timeout_ms);
	if (c->opt.low_speed_seconds > 0) {
		curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT,
				 c->opt.low_speed_bytes > 0 ? c->opt.low_speed_bytes : 1L);
		curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, c->opt.low_speed_seconds);
	}
	/* The only total limit is the caller's deadline. */
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, remaining > 1 ? (long)remaining : 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	if (c->ca_file)
		curl_easy_setopt(e, CURLOPT_CAINFO, c->ca_file);
	if (c->ca_path)
		curl_easy_setopt(e, CURLOPT_CAPATH, c->ca_path);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, a);
	if (strcmp(r->method, "POST") == 0) {
		curl_easy_setopt(e, CURLOPT_POST, 1L);
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->body ? r->body : "");
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)(r->body ? strlen(r->body) : 0));
	} else {
		curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
	}
	if (curl_multi_add_handle(c->multi, e) != CURLM_OK)
		return -1;
	r->state = EAI_REQ_RUNNING;
	return 0;
}

void
eai_transfer_abort(eapi_client *c, eai_request *r)
{
	if (r->easy) {
		curl_multi_remove_handle(c->multi, r->easy);
		curl_easy_cleanup(r->easy);
		r->easy = NULL;
	}
	free(r->ctx);
	r->ctx = NULL;
	if (r->headers) {
		curl_slist_free_all(r->headers);
		r->headers = NULL;
	}
	if (r->dl_file) {
		if (fclose(r->dl_file) != 0 && !r->write_errno)
			r->write_errno = errno ? errno : EIO;
		r->dl_file = NULL;
	}
}

void
eai_transfer_finish(eapi_client *c, eai_request *r, CURLcode cc)
{
	long status = 0;

	if (r->easy)
		curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
	r->status = status;
	eai_stats_record(c, r, status > 0);
	(void)cc;
	eai_transfer_abort(c, r);
}
