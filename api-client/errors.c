/*
 * eapi_error: how every failure in libegovapi is told to the caller.
 *
 * An HTTP error answer is decoded from the contract's problem+json
 * (RFC 9457): "code" and "detail" become code and message, a 422 names its
 * field, and a 412 carries "current", the dossier as the server has it,
 * which the console shows beside the person's change.  The body is not
 * trusted either: anything malformed in it is ignored rather than reported,
 * so the caller still learns the HTTP status.
 */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void
eai_strlcpy(char *dst, const char *src, size_t size)
{
	size_t n;

	if (size == 0)
		return;
	n = src ? strlen(src) : 0;
	if (n >= size)
		n = size - 1;
	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

void
eapi_error_clear(eapi_error *err)
{
	if (!err)
		return;
	eapi_dossier_free(err->current);
	memset(err, 0, sizeof *err);
	err->retry_after = -1;
}

const char *
eapi_result_str(eapi_result r)
{
	switch (r) {
	case EAPI_OK: return "ok";
	case EAPI_E_NETWORK: return "network error";
	case EAPI_E_TIMEOUT: return "timed out";
	case EAPI_E_TLS: return "TLS error";
	case EAPI_E_HTTP: return "HTTP error";
	case EAPI_E_PROTOCOL: return "protocol error";
	case EAPI_E_TOO_LARGE: return "response too large";
	case EAPI_E_CANCELLED: return "cancelled";
	case EAPI_E_AUTH: return "login needed";
	case EAPI_E_NOMEM: return "out of memory";
	case EAPI_E_USAGE: return "bad arguments";
	}
	return "unknown error";
}

int
eapi_error_is_transient(const eapi_error *err)
{
	if (!err)
		return 0;
	switch (err->result) {
	case EAPI_E_NETWORK:
	case EAPI_E_TIMEOUT:
		return 1;
	case EAPI_E_HTTP:
		if (err->http_status >= 500 || err->http_status == 429)
			return 1;
		return err->http_status == 409 &&
		       strcmp(err->code, "idempotency_key_in_flight") == 0;
	default:
		return 0;
	}
}

void
eai_error_set(eapi_error *err, eapi_result r, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	err->result = r;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
}

/* Copy a short string member if it is one and is clean UTF-8. */
static void
copy_member(const json_t *o, const char *key, char *dst, size_t size)
{
	json_t *v = json_object_get(o, key);
	eai_dec d;
	char *s = NULL;

	if (!v || !json_is_string(v))
		return;
	eai_dec_init(&d, NULL, "");
	if (eai_check_str(&d, key, v, &s) == 0) {
		/* Never cut a UTF-8 sequence in half. */
		size_t n = strlen(s);

		if (n >= size) {
			n = size - 1;
			while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
				n--;
			s[n] = '\0';
		}
		eai_strlcpy(dst, s, size);
	}
	free(s);
}

/* A 422's field: "field", or the first of "errors"/"invalid_params". */
static void
find_field(const json_t *root, char *dst, size_t size)
{
	static const char *const lists[] = { "errors", "invalid_params" };
	size_t i;

	copy_member(root, "field", dst, size);
	for (i = 0; !dst[0] && i < 2; i++) {
		json_t *first = json_array_get(json_object_get(root, lists[i]), 0);

		if (json_is_object(first)) {
			copy_member(first, "field", dst, size);
			if (!dst[0])
				copy_member(first, "name", dst, size);
		}
	}
}

void
eai_error_from_http(eapi_error *err, long status, const char *body, size_t len,
		    const char *content_type)
{
	json_t *root = NULL, *cur;

	err->result = status == 401 ? EAPI_E_AUTH : EAPI_E_HTTP;
	err->http_status = status;
	snprintf(err->message, sizeof err->message, "the server answered %ld", status);
	if (body && len && content_type && strstr(content_type, "json")) {
		json_error_t je;

		root = json_loadb(body, len, 0, &je);
	}
	if (!json_is_object(root))
		goto cleanup;
	copy_member(root, "code", err->code, sizeof err->code);
	copy_member(root, "title", err->message, sizeof err->message);
	copy_member(root, "detail", err->message, sizeof err->message);
	if (status == 422)
		find_field(root, err->field, sizeof err->field);
	cur = json_object_get(root, "current");
	if (status == 412 && json_is_object(cur)) {
		eapi_error scratch;
		eai_dec d;
		eapi_dossier *x = calloc(1, sizeof *x);

		memset(&scratch, 0, sizeof scratch);
		eai_dec_init(&d, &scratch, "current");
		if (x && eai_decode_dossier_obj(&d, cur, x) == 0) {
			eapi_dossier_free(err->current);
			err->current = x;
		} else {
			eapi_dossier_free(x);
		}
	}
cleanup:
	json_decref(root);
}
