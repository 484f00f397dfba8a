/*
 * Typed, checked access to JSON fields, for every decoder in libegovapi.
 *
 * The server is not trusted: each getter checks the JSON type and the
 * range before anything reaches a struct, and on a mismatch reports
 * EAPI_E_PROTOCOL naming the field by its path ("history[2].at").  Null
 * and missing fields give 0 / NULL unless the field is required.  Strings
 * must be valid UTF-8 (jansson already refuses invalid UTF-8 in the text,
 * but \u escapes can still produce lone surrogates or NULs, so we check
 * again), are capped in length and are normalised to NFC as the contract
 * promises but the library does not assume.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "vntext.h"
#include "workdays.h"

void
eai_dec_init(eai_dec *d, eapi_error *err, const char *where)
{
	d->err = err;
	eai_strlcpy(d->where, where ? where : "", sizeof d->where);
}

void
eai_dec_child(eai_dec *child, const eai_dec *parent, const char *key, size_t index)
{
	char part[80];
	size_t used;

	child->err = parent->err;
	if (child != parent)
		eai_strlcpy(child->where, parent->where, sizeof child->where);
	if (key)
		snprintf(part, sizeof part, "%s%.70s", child->where[0] ? "." : "", key);
	else
		snprintf(part, sizeof part, "[%zu]", index);
	/* A path too deep to name is cut; the message still says where. */
	used = strlen(child->where);
	eai_strlcpy(child->where + used, part, sizeof child->where - used);
}

int
eai_dec_fail(eai_dec *d, const char *key, const char *what)
{
	if (key)
		eai_error_set(d->err, EAPI_E_PROTOCOL, "bad field '%s%s%s': %s", d->where,
			      d->where[0] ? "." : "", key, what);
	else
		eai_error_set(d->err, EAPI_E_PROTOCOL, "bad field '%s': %s", d->where, what);
	if (d->err) {
		const char *f = key ? key : d->where;
		eai_strlcpy(d->err->field, f, sizeof d->err->field);
	}
	return -1;
}

json_t *
eai_parse(const char *text, size_t len, eapi_error *err)
{
	json_error_t je;
	json_t *root;

	if (!text) {
		eai_error_set(err, EAPI_E_PROTOCOL, "empty response body");
		return NULL;
	}
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		eai_error_set(err, EAPI_E_PROTOCOL, "malformed JSON at line %d column %d: %s",
			      je.line, je.column, je.text);
	return root;
}

/* A bare array, or an object's `key` (else "items") member. */
json_t *
eai_list_of(json_t *root, const char *key, eai_dec *d)
{
	json_t *arr = NULL;

	if (json_is_array(root))
		arr = root;
	else if (json_is_object(root)) {
		if (eai_get_array(d, root, json_object_get(root, key) ? key : "items", &arr,
				  EAI_REQUIRED) < 0)
			return NULL;
	} else {
		eai_dec_fail(d, NULL, "expected an array or an object");
		return NULL;
	}
	if (json_array_size(arr) > EAI_MAX_ITEMS) {
		eai_dec_fail(d, NULL, "too many items");
		return NULL;
	}
	return arr;
}

json_t *
eai_parse_object(const char *text, size_t len, const char *what, eapi_error *err)
{
	json_t *root = eai_parse(text, len, err);

	if (root && !json_is_object(root)) {
		eai_error_set(err, EAPI_E_PROTOCOL, "%s: expected a JSON object", what);
		json_decref(root);
		return NULL;
	}
	return root;
}

/* The member, or NULL when missing or null; -1 when required and absent. */
static int
member(eai_dec *d, const json_t *obj, const char *key, int flags, json_t **out)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (!v || json_is_null(v)) {
		if (flags & EAI_REQUIRED)
			return eai_dec_fail(d, key, v ? "must not be null" : "missing");
		return 0;
	}
	*out = v;
	return 0;
}

int
eai_check_str(eai_dec *d, const char *key, const json_t *v, char **out)
{
	const char *s;
	size_t len;

	if (!json_is_string(v))
		return eai_dec_fail(d, key, "expected a string");
	s = json_string_value(v);
	len = json_string_length(v);
	if (len > EAI_MAX_STRING)
		return eai_dec_fail(d, key, "string too long");
	/* An embedded NUL (from \u0000) would silently cut the text. */
	if (strlen(s) != len)
		return eai_dec_fail(d, key, "string contains NUL");
	if (!vn_utf8_valid(s, len))
		return eai_dec_fail(d, key, "invalid UTF-8");
	*out = vn_nfc(s);
	if (!*out) {
		eai_error_set(d->err, EAPI_E_NOMEM, "out of memory");
		return -1;
	}
	return 0;
}

int
eai_get_str(eai_dec *d, const json_t *obj, const char *key, char **out, int flags)
{
	json_t *v;

	*out = NULL;
	if (member(d, obj, key, flags, &v) < 0)
		return -1;
	if (!v)
		return 0;
	return eai_check_str(d, key, v, out);
}

int
eai_get_int(eai_dec *d, const json_t *obj, const char *key, long long *out,
	    long long min, long long max, int flags)
{
	json_t *v;
	long long n;

	*out = 0;
	if (member(d, obj, key, flags, &v) < 0)
		return -1;
	if (!v)
		return 0;
	if (!json_is_integer(v))
		return eai_dec_fail(d, key, "expected an integer");
	n = json_integer_value(v);
	if (n < min || n > max)
		return eai_dec_fail(d, key, "out of range");
	*out = n;
	return 0;
}

int
eai_get_intv(eai_dec *d, const json_t *obj, const char *key, int *out,
	     int min, int max, int flags)
{
	long long n;
	int rc = eai_get_int(d, obj, key, &n, min, max, flags);

	*out = rc == 0 ? (int)n : 0;
	return rc;
}

int
eai_get_bool(eai_dec *d, const json_t *obj, const char *key, int *out, int flags)
{
	json_t *v;

	*out = 0;
	if (member(d, obj, key, flags, &v) < 0)
		return -1;
	if (!v)
		return 0;
	if (!json_is_boolean(v))
		return eai_dec_fail(d, key, "expected true or false");
	*out = json_is_true(v);
	return 0;
}

int
eai_get_real(eai_dec *d, const json_t *obj, const char *key, double *out,
	     double min, double max, double if_null)
{
	json_t *v;
	double x;

	*out = if_null;
	if (member(d, obj, key, EAI_OPTIONAL, &v) < 0)
		return -1;
	if (!v)
		return 0;
	if (!json_is_number(v))
		return eai_dec_fail(d, key, "expected a number");
	x = json_number_value(v);
	/* NaN fails both comparisons' negation: written to catch it. */
	if (!(x >= min && x <= max))
		return eai_dec_fail(d, key, "out of range");
	*out = x;
	return 0;
}

int
eai_get_time(eai_dec *d, const json_t *obj, const char *key, time_t *out, int flags)
{
	json_t *v;
	time_t t;

	*out = 0;
	if (member(d, obj, key, flags, &v) < 0)
		return -1;
	if (!v)
		return 0;
	if (!json_is_string(v))
		return eai_dec_fail(d, key, "expected an RFC 3339 time");
	if (json_string_length(v) > 64 || egov_time_parse(json_string_value(v), &t) < 0)
		return eai_dec_fail(d, key, "not an RFC 3339 time");
	*out = t;
	return 0;
}

int
eai_get_date(eai_dec *d, const json_t *obj, const char *key, char out[11], int flags)
{
	json_t *v;
	egov_day day;

	out[0] = '\0';
	if (member(d, obj, key, flags, &v) < 0)
		return -1;
	if (!v)
		return 0;
	if (!json_is_string(v) || json_string_length(v) != 10 ||
	    egov_day_parse(json_string_value(v), &day) < 0)
		return eai_dec_fail(d, key, "expected a date YYYY-MM-DD");
	egov_day_format(day, out);
	return 0;
}

int
eai_get_array(eai_dec *d, const json_t *obj, const char *key, json_t **out, int flags)
{
	json_t *v;

	*out = NULL;
	if (member(d, obj, key, flags, &v) < 0)
		return -1;
	if (!v)
		return 0;
	if (!json_is_array(v))
		return eai_dec_fail(d, key, "expected an array");
	if (json_array_size(v) > EAI_MAX_ITEMS)
		return eai_dec_fail(d, key, "too many items");
	*out = v;
	return 0;
}

int
eai_get_object(eai_dec *d, const json_t *obj, const char *key, json_t **out, int flags)
{
	json_t *v;

	*out = NULL;
	if (member(d, obj, key, flags, &v) < 0)
		return -1;
	if (!v)
		return 0;
	if (!json_is_object(v))
		return eai_dec_fail(d, key, "expected an object");
	*out = v;
	return 0;
}

int
eai_get_enum(eai_dec *d, const json_t *obj, const char *key, const char *const *words,
	     size_t n_words, int *out, int flags)
{
	json_t *v;
	size_t i;

	*out = 0;
	if (member(d, obj, key, flags, &v) < 0)
		return -1;
	if (!v)
		return 0;
	if (!json_is_string(v))
		return eai_dec_fail(d, key, "expected a string");
	for (i = 0; i < n_words; i++)
		if (strcmp(json_string_value(v), words[i]) == 0) {
			*out = (int)i;
			return 0;
		}
	return eai_dec_fail(d, key, "unknown value");
}

json_t *
eai_json_str(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *
eai_json_time(time_t t)
{
	char buf[26];

	if (t == 0)
		return json_null();
	egov_time_format(t, buf);
	return json_string(buf);
}

int
eai_buf_append(eai_buf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *nd;

		while (cap < b->len + n + 1)
			cap *= 2;
		nd = realloc(b->data, cap);
		if (!nd)
			return -1;
		b->data = nd;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

void
eai_buf_release(eai_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}
