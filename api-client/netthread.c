/*
 * The network thread: the one owner of the curl multi handle, and where
 * the library decides what to do with each attempt's outcome.
 *
 * Its loop: look at the live requests (new ones, cancelled ones, ones past
 * their deadline, ones whose backoff has run out), drive the multi handle,
 * read back finished attempts, then sleep in curl_multi_poll() until a
 * socket is ready, a timer is due or a caller wakes it with
 * curl_multi_wakeup().  After an attempt: success completes the request;
 * network errors, 5xx and 429 are retried with exponential backoff and full
 * jitter (the delay is uniform in [0, min(max, base * 2^n)], so clients that
 * failed together do not come back together), at least as late as
 * Retry-After says; other 4xx complete at once.  A 401 goes to the
 * refresh round (refresh.c): one refresh of the token, which every request
 * that hit the 401 waits for and is then sent again, or fails with
 * EAPI_E_AUTH when the refresh fails.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void
eai_net_wake(eapi_client *c)
{
	if (c->multi)
		curl_multi_wakeup(c->multi);
}

void
eai_finish(eapi_client *c, eai_request *r)
{
	eapi_completion *comp = r->comp;

	/* Every way the library's own refresh ends comes through here, so the
	 * requests waiting for it, and the program's hook, always hear. */
	if (r->internal && r->op == EAPI_OP_REFRESH)
		eai_refresh_done(c, r, comp->error.result == EAPI_OK);
	r->comp = NULL;
	comp->attempts = r->attempts;
	if (!comp->error.request_id[0])
		eai_strlcpy(comp->error.request_id,
			    r->resp_request_id[0] ? r->resp_request_id : r->request_id,
			    sizeof comp->error.request_id);
	if (comp->error.result != EAPI_OK)
		eai_log(c, 1, "request %llu %s %s failed: %s (%s)", (unsigned long long)r->id,
			r->method, r->op == EAPI_OP_SEARCH ? "/dossiers?..." : r->path,
			eapi_result_str(comp->error.result), comp->error.message);
	if (r->internal) {
		eai_completion_push(c, NULL, r);
		eapi_completion_free(comp);
	} else {
		eai_completion_push(c, comp, r);
	}
	eai_request_free(r);
}

static void
finish_with(eapi_client *c, eai_request *r, eapi_result res, const char *msg)
{
	if (r->state == EAI_REQ_RUNNING)
		eai_transfer_abort(c, r);
	eai_error_set(&r->comp->error, res, "%s", msg);
	eai_finish(c, r);
}

static unsigned
next_random(eapi_client *c)
{
	/* xorshift: jitter needs spread, not secrecy. */
	unsigned x = c->rng ? c->rng : 2463534242u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	c->rng = x;
	return x;
}

/* Try again later, or finish with the error already in r->comp when the
 * retries are spent or the wait would pass the deadline. */
static void
retry_later(eapi_client *c, eai_request *r, long min_delay_ms)
{
	long long now = eai_now_ms(), cap = c->opt.retry_base_ms, delay;
	int i;

	if (r->attempts > c->opt.max_retries) {
		eai_finish(c, r);
		return;
	}
	for (i = 1; i < r->attempts && cap < c->opt.retry_max_ms; i++)
		cap *= 2;
	if (cap > c->opt.retry_max_ms)
		cap = c->opt.retry_max_ms;
	delay = (long long)(next_random(c) % (unsigned)(cap + 1));
	if (delay < min_delay_ms)
		delay = min_delay_ms;
	if (now + delay >= r->deadline) {
		eai_finish(c, r);
		return;
	}
	eai_log(c, 2, "request %llu: attempt %d failed (%s), retrying in %lld ms",
		(unsigned long long)r->id, r->attempts, r->comp->error.message, delay);
	pthread_mutex_lock(&c->lock);
	c->stats.retries++;
	r->state = EAI_REQ_READY;
	r->next_at = now + delay;
	pthread_mutex_unlock(&c->lock);
}

/* The curl error of a failed attempt, as an eapi_error. */
static void
network_error(eai_request *r, CURLcode cc, eapi_error *err)
{
	const char *detail = r->errbuf[0] ? r->errbuf : curl_easy_strerror(cc);

	switch (cc) {
	case CURLE_PEER_FAILED_VERIFICATION:
		if (strstr(detail, "name") || strstr(detail, "host"))
			eai_error_set(err, EAPI_E_TLS, "host name does not match the certificate: %s",
				      detail);
		else
			eai_error_set(err, EAPI_E_TLS, "certificate not trusted: %s", detail);
		break;
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
		eai_error_set(err, EAPI_E_TLS, "certificate not trusted: %s", detail);
		break;
	case CURLE_OPERATION_TIMEDOUT:
		eai_error_set(err, EAPI_E_TIMEOUT, "link stalled or too slow: %s", detail);
		break;
	default:
		eai_error_set(err, EAPI_E_NETWORK, "%s", detail);
		break;
	}
}

static int
download_ok(const eai_request *r)
{
	return r->status == 200 || r->status == 206;
}

/* An attempt ended with curl result cc. */
static void
attempt_done(eapi_client *c, eai_request *r, CURLcode cc)
{
	eapi_error *err = &r->comp->error;
	int success;

	eai_transfer_finish(c, r, cc);
	r->state = EAI_REQ_READY;
	eapi_error_clear(err);
	eai_strlcpy(err->request_id, r->resp_request_id, sizeof err->request_id);
	if (r->too_large) {
		eai_error_set(err, EAPI_E_TOO_LARGE, "response over %zu bytes", c->opt.max_body);
		err->http_status = r->status;
		goto done;
	}
	if (cc == CURLE_WRITE_ERROR && r->write_errno) {
		eai_error_set(err, EAPI_E_USAGE, "cannot write %s: %s",
			      r->dl_path ? r->dl_path : "the answer", strerror(r->write_errno));
		goto done;
	}
	if (cc != CURLE_OK) {
		network_error(r, cc, err);
		if (err->result == EAPI_E_TLS)
			goto done;
		if (err->result == EAPI_E_TIMEOUT && eai_now_ms() >= r->deadline) {
			eai_error_set(err, EAPI_E_TIMEOUT, "deadline passed");
			goto done;
		}
		retry_later(c, r, 0);
		return;
	}
	err->http_status = r->status;
	success = r->dl_path ? download_ok(r) || r->status == 304
			     : (r->status >= 200 && r->status < 300) || r->status == 304;
	if (success) {
		if (eai_transfer_decode(c, r) == 0)
			err->result = EAPI_OK;
		goto done;
	}
	if (r->dl_path && r->status == 416 && r->dl_offset > 0 && !r->dl_no_resume) {
		/* Our part is not a prefix of theirs: start over, now. */
		r->dl_no_resume = 1;
		pthread_mutex_lock(&c->lock);
		r->next_at = 0;
		pthread_mutex_unlock(&c->lock);
		return;
	}
	eai_error_from_http(err, r->status, r->resp.data, r->resp.len, r->content_type);
	err->retry_after = r->retry_after;
	if (r->status == 401 && r->needs_auth) {
		eai_auth_refused(c, r);
		return;
	}
	if (r->status >= 500 || r->status == 429) {
		long min_delay = 0;

		if ((r->status == 429 || r->status == 503) && r->retry_after >= 0)
			min_delay = r->retry_after * 1000;
		retry_later(c, r, min_delay);
		return;
	}
done:
	eai_finish(c, r);
}

/* Look at every live request once; start, cancel or time out what needs
 * it.  Returns the milliseconds until the next timer (capped). */
static long
scan(eapi_client *c)
{
	long long now = eai_now_ms(), next = now + 1000;
	eai_request *r, *pick;
	int quit, start;

	for (;;) {
		pick = NULL;
		start = 0;
		pthread_mutex_lock(&c->lock);
		quit = c->quit;
		for (r = c->live; r; r = r->next) {
			if (r->state == EAI_REQ_QUEUED) {
				r->state = EAI_REQ_READY;
				r->next_at = 0;
			}
			if (r->state == EAI_REQ_DONE)
				continue;
			if (quit || r->cancelled || now >= r->deadline) {
				pick = r;
				break;
			}
			if (r->state == EAI_REQ_READY && r->next_at <= now) {
				pick = r;
				start = 1;
				break;
			}
			if (r->state == EAI_REQ_READY && r->next_at < next)
				next = r->next_at;
			if (r->deadline < next)
				next = r->deadline;
		}
		pthread_mutex_unlock(&c->lock);
		if (!pick)
			break;
		if (start) {
			pick->attempts++;
			if (eai_transfer_start(c, pick) < 0) {
				eai_transfer_abort(c, pick);
				pick->state = EAI_REQ_READY;
				finish_with(c, pick, EAPI_E_NOMEM, "cannot set up the transfer");
			}
		} else if (quit || pick->cancelled) {
			finish_with(c, pick, EAPI_E_CANCELLED, "cancelled");
		} else {
			/* Keep what the last attempt learnt (status, code). */
			if (pick->state == EAI_REQ_RUNNING)
				eai_transfer_abort(c, pick);
			pick->comp->error.result = EAPI_E_TIMEOUT;
			eai_strlcpy(pick->comp->error.message, "deadline passed",
				    sizeof pick->comp->error.message);
			eai_finish(c, pick);
		}
	}
	return next - now > 0 ? (long)(next - now) : 0;
}

void *
eai_net_main(void *arg)
{
	eapi_client *c = arg;
	int running, left, busy;
	CURLMsg *msg;

	for (;;) {
		long timeout = scan(c);

		pthread_mutex_lock(&c->lock);
		if (c->quit && !c->live) {
			pthread_mutex_unlock(&c->lock);
			break;
		}
		pthread_mutex_unlock(&c->lock);
		curl_multi_perform(c->multi, &running);
		busy = 0;
		while ((msg = curl_multi_info_read(c->multi, &left))) {
			eai_request *r = NULL;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&r);
			if (r) {
				attempt_done(c, r, msg->data.result);
				busy = 1;
			}
		}
		if (!busy)
			curl_multi_poll(c->multi, NULL, 0, (int)(timeout > 1000 ? 1000 : timeout),
					NULL);
	}
	return NULL;
}
