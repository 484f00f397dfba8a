/*
 * A dossier back to the contract's JSON.
 *
 * The cache keeps dossiers as the text this writes, and eapi_dossier_dup()
 * copies by encoding and decoding, so this must write every field the
 * decoder reads, with the same names and the same null conventions (a time
 * of 0 is null; result and apology are null unless present).
 *
 * The text is written straight into a buffer, in the form jansson's
 * compact dump gives (the same keys in the same order, the same escapes),
 * without building a jansson tree first: the cache encodes every dossier
 * a change-feed page brings, and building and dumping the tree was half
 * of what applying a page of 1,000 changes cost.  A string that is not
 * valid UTF-8 fails the encoding, as jansson's json_string() does.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "workdays.h"

typedef struct writer {
	eai_buf b;
	int failed;
	int comma;		/* a value was written at this level: "," before the next */
} writer;

static void
raw(writer *w, const char *s, size_t n)
{
	if (!w->failed && eai_buf_append(&w->b, s, n) < 0)
		w->failed = 1;
}

static void
before_value(writer *w)
{
	if (w->comma)
		raw(w, ",", 1);
	w->comma = 1;
}

static void
open_(writer *w, char c)
{
	before_value(w);
	raw(w, &c, 1);
	w->comma = 0;
}

static void
close_(writer *w, char c)
{
	raw(w, &c, 1);
	w->comma = 1;
}

/* The length of the UTF-8 sequence at p (at most `left` bytes), or 0 when
 * it is not one (RFC 3629: no overlong forms, no surrogates, nothing past
 * U+10FFFF). */
static size_t
utf8_len(const unsigned char *p, size_t left)
{
	size_t n, i;
	unsigned long cp;

	if (p[0] < 0xC2 || p[0] > 0xF4)
		return 0;
	n = p[0] < 0xE0 ? 2 : p[0] < 0xF0 ? 3 : 4;
	if (left < n)
		return 0;
	cp = p[0] & (0x7F >> n);
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3F);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;
	return n;
}

static void
string(writer *w, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)s, *run;
	size_t left;

	before_value(w);
	if (!s) {
		raw(w, "null", 4);
		return;
	}
	left = strlen(s);
	raw(w, "\"", 1);
	run = p;
	while (left > 0) {
		char esc[6] = { '\\', 0, '0', '0', 0, 0 };
		size_t n = 1, elen = 2;

		if (*p >= 0x80) {
			if (!(n = utf8_len(p, left))) {
				w->failed = 1;
				return;
			}
			p += n;
			left -= n;
			continue;
		}
		if (*p >= 0x20 && *p != '"' && *p != '\\') {
			p++;
			left--;
			continue;
		}
		raw(w, (const char *)run, (size_t)(p - run));
		switch (*p) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			esc[1] = 'u';
			esc[4] = hex[*p >> 4];
			esc[5] = hex[*p & 15];
			elen = 6;
		}
		raw(w, esc, elen);
		p++;
		left--;
		run = p;
	}
	raw(w, (const char *)run, (size_t)(p - run));
	raw(w, "\"", 1);
}

static void
key(writer *w, const char *k)
{
	before_value(w);
	raw(w, "\"", 1);
	raw(w, k, strlen(k));
	raw(w, "\":", 2);
	w->comma = 0;
}

static void
integer(writer *w, long long v)
{
	char buf[24], *e = buf + sizeof buf, *p = e;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	before_value(w);
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	raw(w, p, (size_t)(e - p));
}

static void
boolean(writer *w, int v)
{
	before_value(w);
	raw(w, v ? "true" : "false", v ? 4 : 5);
}

static void
time_(writer *w, time_t t)
{
	char buf[26];

	if (t == 0) {
		before_value(w);
		raw(w, "null", 4);
		return;
	}
	egov_time_format(t, buf);
	string(w, buf);
}

/* "key": value, for each kind of value */
static void put_str(writer *w, const char *k, const char *v) { key(w, k); string(w, v); }
static void put_int(writer *w, const char *k, long long v) { key(w, k); integer(w, v); }
static void put_bool(writer *w, const char *k, int v) { key(w, k); boolean(w, v); }
static void put_time(writer *w, const char *k, time_t v) { key(w, k); time_(w, v); }

static void
put_summary(writer *w, const eapi_dossier *x)
{
	put_str(w, "id", x->id);
	put_str(w, "code", x->code);
	put_int(w, "version", x->version);
	put_str(w, "procedure_id", x->procedure_id);
	put_str(w, "procedure_code", x->procedure_code);
	put_str(w, "procedure_name", x->procedure_name);
	put_str(w, "agency_id", x->agency_id);
	put_str(w, "assignee_id", x->assignee_id);
	if (!eapi_state_str(x->state))
		w->failed = 1;	/* no name for it: jansson refused a NULL string too */
	put_str(w, "state", eapi_state_str(x->state));
	put_int(w, "status_code", x->status_code ? x->status_code
					   : eapi_state_status_code(x->state));
	put_str(w, "channel", x->channel);
	put_str(w, "applicant_name", x->applicant_name);
	put_str(w, "applicant_kind", x->applicant_kind);
	put_str(w, "subject", x->subject);
	put_time(w, "submitted_at", x->submitted_at);
	put_time(w, "received_at", x->received_at);
	put_time(w, "due_at", x->due_at);
	put_time(w, "finished_at", x->finished_at);
	put_time(w, "returned_at", x->returned_at);
	put_int(w, "supplement_count", x->supplement_count);
	put_time(w, "updated_at", x->updated_at);
}

static void
put_applicant(writer *w, const eapi_applicant *a)
{
	key(w, "applicant");
	open_(w, '{');
	put_str(w, "name", a->name);
	put_str(w, "id_number", a->id_number);
	put_str(w, "id_kind", a->id_kind);
	put_str(w, "phone", a->phone);
	put_str(w, "email", a->email);
	put_str(w, "address", a->address);
	put_str(w, "ward_code", a->ward_code);
	close_(w, '}');
}

/* "key": [ {...}, ... ], one object per item written by `fill`. */
static void
put_array(writer *w, const char *k, const void *items, size_t n, size_t size,
	  void (*fill)(writer *, const void *))
{
	size_t i;

	key(w, k);
	open_(w, '[');
	for (i = 0; i < n; i++) {
		open_(w, '{');
		fill(w, (const char *)items + i * size);
		close_(w, '}');
	}
	close_(w, ']');
}

static void
fill_document(writer *w, const void *p)
{
	const eapi_document *x = p;

	put_str(w, "id", x->id);
	put_str(w, "name", x->name);
	put_str(w, "component_code", x->component_code);
	put_str(w, "mime", x->mime);
	put_int(w, "size", x->size);
	put_str(w, "sha256", x->sha256);
	put_bool(w, "digitized", x->digitized);
}

static void
fill_fee(writer *w, const void *p)
{
	const eapi_fee *x = p;

	put_str(w, "name", x->name);
	put_int(w, "amount_vnd", x->amount_vnd);
	put_bool(w, "paid", x->paid);
	put_bool(w, "paid_online", x->paid_online);
}

static void
fill_history(writer *w, const void *p)
{
	const eapi_history_entry *x = p;

	put_time(w, "at", x->at);
	put_str(w, "actor_id", x->actor_id);
	put_str(w, "actor_name", x->actor_name);
	put_str(w, "action", x->action);
	put_str(w, "from_state", x->from_state);
	put_str(w, "to_state", x->to_state);
	put_str(w, "note", x->note);
}

static void
fill_comment(writer *w, const void *p)
{
	const eapi_comment *x = p;

	put_str(w, "id", x->id);
	put_time(w, "at", x->at);
	put_str(w, "author_id", x->author_id);
	put_str(w, "author_name", x->author_name);
	put_str(w, "text", x->text);
}

static void
fill_supplement(writer *w, const void *p)
{
	const eapi_supplement *x = p;

	put_time(w, "requested_at", x->requested_at);
	put_str(w, "reason", x->reason);
	put_int(w, "deadline_days", x->deadline_days);
	put_time(w, "completed_at", x->completed_at);
}

static void
put_full(writer *w, const eapi_dossier *x)
{
	put_applicant(w, &x->applicant);
	put_array(w, "documents", x->documents, x->n_documents, sizeof *x->documents,
		  fill_document);
	put_array(w, "fees", x->fees, x->n_fees, sizeof *x->fees, fill_fee);
	put_array(w, "history", x->history, x->n_history, sizeof *x->history, fill_history);
	put_array(w, "comments", x->comments, x->n_comments, sizeof *x->comments, fill_comment);
	put_array(w, "supplements", x->supplements, x->n_supplements, sizeof *x->supplements,
		  fill_supplement);
	key(w, "result");
	if (x->has_result) {
		open_(w, '{');
		put_str(w, "number", x->result_number);
		put_str(w, "signer", x->result_signer);
		put_time(w, "signed_at", x->result_signed_at);
		close_(w, '}');
	} else {
		string(w, NULL);
	}
	key(w, "apology");
	if (x->has_apology) {
		open_(w, '{');
		put_time(w, "issued_at", x->apology_issued_at);
		put_str(w, "reason", x->apology_reason);
		put_time(w, "new_due_at", x->apology_new_due_at);
		close_(w, '}');
	} else {
		string(w, NULL);
	}
}

char *
eapi_dossier_encode(const eapi_dossier *x)
{
	writer w;

	if (!x)
		return NULL;
	memset(&w, 0, sizeof w);
	open_(&w, '{');
	put_summary(&w, x);
	if (x->has_full)
		put_full(&w, x);
	close_(&w, '}');
	raw(&w, "", 0);		/* eai_buf_append keeps the text terminated */
	if (w.failed || !w.b.data) {
		eai_buf_release(&w.b);
		return NULL;
	}
	return w.b.data;
}
