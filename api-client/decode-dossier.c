/*
 * The dossier: its states, and decoding and encoding its JSON.
 *
 * A dossier arrives in summary form (search, change feed) or full form
 * (GET /dossiers/{id}, actions, a 412's "current").  Decoding checks every
 * field through json-util.c; the state and status_code must agree with the
 * contract's table so a console never shows a state the server did not
 * mean.  Encoding writes the contract's JSON back (the cache stores it), so
 * decode(encode(d)) gives d again; eapi_dossier_dup() is built on that
 * round trip, which keeps one definition of what a dossier holds.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char *const state_words[EAPI_STATE_COUNT] = {
	"submitted", "received", "refused", "in_progress", "pending_approval",
	"supplement_requested", "withdrawn", "stopped", "result_ready", "returned"
};
static const int state_codes[EAPI_STATE_COUNT] = { 1, 2, 3, 4, 4, 5, 7, 8, 9, 10 };

const char *
eapi_state_str(eapi_state s)
{
	return (unsigned)s < EAPI_STATE_COUNT ? state_words[s] : "unknown";
}

int
eapi_state_parse(const char *s, eapi_state *out)
{
	int i;

	for (i = 0; s && i < EAPI_STATE_COUNT; i++)
		if (strcmp(s, state_words[i]) == 0) {
			*out = (eapi_state)i;
			return 0;
		}
	return -1;
}

int
eapi_state_status_code(eapi_state s)
{
	return (unsigned)s < EAPI_STATE_COUNT ? state_codes[s] : 0;
}

int
eapi_state_is_terminal(eapi_state s)
{
	return s == EAPI_STATE_REFUSED || s == EAPI_STATE_WITHDRAWN ||
	       s == EAPI_STATE_STOPPED || s == EAPI_STATE_RETURNED;
}

/* ---- decoding ------------------------------------------------------------ */

#define BIG 1000000000000000LL	/* amounts and sizes: 10^15 is plenty */

static int
decode_applicant(eai_dec *d, const json_t *o, eapi_applicant *a)
{
	if (eai_get_str(d, o, "name", &a->name, 0) < 0 ||
	    eai_get_str(d, o, "id_number", &a->id_number, 0) < 0 ||
	    eai_get_str(d, o, "id_kind", &a->id_kind, 0) < 0 ||
	    eai_get_str(d, o, "phone", &a->phone, 0) < 0 ||
	    eai_get_str(d, o, "email", &a->email, 0) < 0 ||
	    eai_get_str(d, o, "address", &a->address, 0) < 0 ||
	    eai_get_str(d, o, "ward_code", &a->ward_code, 0) < 0)
		return -1;
	return 0;
}

static int
decode_document(eai_dec *d, const json_t *o, void *item)
{
	eapi_document *x = item;

	return (eai_get_str(d, o, "id", &x->id, EAI_REQUIRED) < 0 ||
		eai_get_str(d, o, "name", &x->name, 0) < 0 ||
		eai_get_str(d, o, "component_code", &x->component_code, 0) < 0 ||
		eai_get_str(d, o, "mime", &x->mime, 0) < 0 ||
		eai_get_str(d, o, "sha256", &x->sha256, 0) < 0 ||
		eai_get_int(d, o, "size", &x->size, 0, BIG, 0) < 0 ||
		eai_get_bool(d, o, "digitized", &x->digitized, 0) < 0) ? -1 : 0;
}

static int
decode_fee(eai_dec *d, const json_t *o, void *item)
{
	eapi_fee *x = item;

	return (eai_get_str(d, o, "name", &x->name, 0) < 0 ||
		eai_get_int(d, o, "amount_vnd", &x->amount_vnd, 0, BIG, 0) < 0 ||
		eai_get_bool(d, o, "paid", &x->paid, 0) < 0 ||
		eai_get_bool(d, o, "paid_online", &x->paid_online, 0) < 0) ? -1 : 0;
}

static int
decode_history(eai_dec *d, const json_t *o, void *item)
{
	eapi_history_entry *x = item;

	return (eai_get_time(d, o, "at", &x->at, 0) < 0 ||
		eai_get_str(d, o, "actor_id", &x->actor_id, 0) < 0 ||
		eai_get_str(d, o, "actor_name", &x->actor_name, 0) < 0 ||
		eai_get_str(d, o, "action", &x->action, 0) < 0 ||
		eai_get_str(d, o, "from_state", &x->from_state, 0) < 0 ||
		eai_get_str(d, o, "to_state", &x->to_state, 0) < 0 ||
		eai_get_str(d, o, "note", &x->note, 0) < 0) ? -1 : 0;
}

static int
decode_comment(eai_dec *d, const json_t *o, void *item)
{
	eapi_comment *x = item;

	return (eai_get_str(d, o, "id", &x->id, 0) < 0 ||
		eai_get_time(d, o, "at", &x->at, 0) < 0 ||
		eai_get_str(d, o, "author_id", &x->author_id, 0) < 0 ||
		eai_get_str(d, o, "author_name", &x->author_name, 0) < 0 ||
		eai_get_str(d, o, "text", &x->text, 0) < 0) ? -1 : 0;
}

static int
decode_supplement(eai_dec *d, const json_t *o, void *item)
{
	eapi_supplement *x = item;

	return (eai_get_time(d, o, "requested_at", &x->requested_at, 0) < 0 ||
		eai_get_time(d, o, "completed_at", &x->completed_at, 0) < 0 ||
		eai_get_str(d, o, "reason", &x->reason, 0) < 0 ||
		eai_get_intv(d, o, "deadline_days", &x->deadline_days, 0, 3650, 0) < 0) ? -1 : 0;
}

/* Decode an optional array of objects into a calloc'd array of `size`. */
static int
decode_array(eai_dec *d, const json_t *o, const char *key, size_t size,
	     int (*one)(eai_dec *, const json_t *, void *), void **items, size_t *n)
{
	json_t *arr, *v;
	eai_dec sub, elem;
	size_t i;

	*items = NULL;
	*n = 0;
	if (eai_get_array(d, o, key, &arr, 0) < 0)
		return -1;
	if (!arr || json_array_size(arr) == 0)
		return 0;
	*items = calloc(json_array_size(arr), size);
	if (!*items) {
		eai_error_set(d->err, EAPI_E_NOMEM, "out of memory");
		return -1;
	}
	eai_dec_child(&sub, d, key, 0);
	json_array_foreach(arr, i, v) {
		eai_dec_child(&elem, &sub, NULL, i);
		if (!json_is_object(v))
			return eai_dec_fail(&elem, NULL, "expected an object");
		/* Count it first so a half-decoded item is released too. */
		(*n)++;
		if (one(&elem, v, (char *)*items + i * size) < 0)
			return -1;
	}
	return 0;
}

static const char *const applicant_kinds[] = { "citizen", "business", "organization" };
static const char *const channels[] = { "counter", "online", "postal" };

static int
decode_word(eai_dec *d, const json_t *o, const char *key, const char *const *words,
	    size_t n, char **out)
{
	int idx;

	*out = NULL;
	if (eai_get_enum(d, o, key, words, n, &idx, 0) < 0)
		return -1;
	if (json_is_string(json_object_get(o, key)) && !(*out = strdup(words[idx]))) {
		eai_error_set(d->err, EAPI_E_NOMEM, "out of memory");
		return -1;
	}
	return 0;
}

static int
decode_summary(eai_dec *d, const json_t *o, eapi_dossier *x)
{
	int st;

	if (eai_get_str(d, o, "id", &x->id, EAI_REQUIRED) < 0 ||
	    eai_get_str(d, o, "code", &x->code, 0) < 0 ||
	    eai_get_int(d, o, "version", &x->version, 0, BIG, EAI_REQUIRED) < 0 ||
	    eai_get_str(d, o, "procedure_id", &x->procedure_id, 0) < 0 ||
	    eai_get_str(d, o, "procedure_code", &x->procedure_code, 0) < 0 ||
	    eai_get_str(d, o, "procedure_name", &x->procedure_name, 0) < 0 ||
	    eai_get_str(d, o, "agency_id", &x->agency_id, 0) < 0 ||
	    eai_get_str(d, o, "assignee_id", &x->assignee_id, 0) < 0 ||
	    eai_get_enum(d, o, "state", state_words, EAPI_STATE_COUNT, &st, EAI_REQUIRED) < 0 ||
	    eai_get_intv(d, o, "status_code", &x->status_code, 1, 10, 0) < 0 ||
	    decode_word(d, o, "channel", channels, 3, &x->channel) < 0 ||
	    eai_get_str(d, o, "applicant_name", &x->applicant_name, 0) < 0 ||
	    decode_word(d, o, "applicant_kind", applicant_kinds, 3, &x->applicant_kind) < 0 ||
	    eai_get_str(d, o, "subject", &x->subject, 0) < 0 ||
	    eai_get_time(d, o, "submitted_at", &x->submitted_at, 0) < 0 ||
	    eai_get_time(d, o, "received_at", &x->received_at, 0) < 0 ||
	    eai_get_time(d, o, "due_at", &x->due_at, 0) < 0 ||
	    eai_get_time(d, o, "finished_at", &x->finished_at, 0) < 0 ||
	    eai_get_time(d, o, "returned_at", &x->returned_at, 0) < 0 ||
	    eai_get_time(d, o, "updated_at", &x->updated_at, 0) < 0 ||
	    eai_get_intv(d, o, "supplement_count", &x->supplement_count, 0, 1000000, 0) < 0)
		return -1;
	x->state = (eapi_state)st;
	if (!json_object_get(o, "status_code") || json_is_null(json_object_get(o, "status_code")))
		x->status_code = state_codes[st];
	else if (x->status_code != state_codes[st])
		return eai_dec_fail(d, "status_code", "does not match state");
	return 0;
}

static int
decode_full(eai_dec *d, const json_t *o, eapi_dossier *x)
{
	json_t *sub;
	eai_dec child;

	if (eai_get_object(d, o, "applicant", &sub, 0) < 0)
		return -1;
	if (sub) {
		eai_dec_child(&child, d, "applicant", 0);
		if (decode_applicant(&child, sub, &x->applicant) < 0)
			return -1;
	}
	if (decode_array(d, o, "documents", sizeof *x->documents, decode_document,
			 (void **)&x->documents, &x->n_documents) < 0 ||
	    decode_array(d, o, "fees", sizeof *x->fees, decode_fee,
			 (void **)&x->fees, &x->n_fees) < 0 ||
	    decode_array(d, o, "history", sizeof *x->history, decode_history,
			 (void **)&x->history, &x->n_history) < 0 ||
	    decode_array(d, o, "comments", sizeof *x->comments, decode_comment,
			 (void **)&x->comments, &x->n_comments) < 0 ||
	    decode_array(d, o, "supplements", sizeof *x->supplements, decode_supplement,
			 (void **)&x->supplements, &x->n_supplements) < 0)
		return -1;
	if (eai_get_object(d, o, "result", &sub, 0) < 0)
		return -1;
	if (sub) {
		eai_dec_child(&child, d, "result", 0);
		x->has_result = 1;
		if (eai_get_str(&child, sub, "number", &x->result_number, 0) < 0 ||
		    eai_get_str(&child, sub, "signer", &x->result_signer, 0) < 0 ||
		    eai_get_time(&child, sub, "signed_at", &x->result_signed_at, 0) < 0)
			return -1;
	}
	if (eai_get_object(d, o, "apology", &sub, 0) < 0)
		return -1;
	if (sub) {
		eai_dec_child(&child, d, "apology", 0);
		x->has_apology = 1;
		if (eai_get_str(&child, sub, "reason", &x->apology_reason, 0) < 0 ||
		    eai_get_time(&child, sub, "issued_at", &x->apology_issued_at, 0) < 0 ||
		    eai_get_time(&child, sub, "new_due_at", &x->apology_new_due_at, 0) < 0)
			return -1;
	}
	return 0;
}

int
eai_decode_dossier_obj(eai_dec *d, const json_t *o, eapi_dossier *x)
{
	memset(x, 0, sizeof *x);
	if (!json_is_object(o))
		return eai_dec_fail(d, NULL, "expected an object");
	if (decode_summary(d, o, x) < 0)
		return -1;
	/* The full form is recognised by any of its parts being present. */
	x->has_full = json_object_get(o, "applicant") || json_object_get(o, "history") ||
		      json_object_get(o, "documents");
	if (x->has_full && decode_full(d, o, x) < 0)
		return -1;
	return 0;
}

eapi_dossier *
eapi_dossier_decode(const char *json, size_t len, eapi_error *err)
{
	eapi_dossier *x = NULL;
	json_t *root = eai_parse_object(json, len, "dossier", err);
	eai_dec d;

	if (!root)
		return NULL;
	x = calloc(1, sizeof *x);
	if (!x) {
		eai_error_set(err, EAPI_E_NOMEM, "out of memory");
		goto cleanup;
	}
	eai_dec_init(&d, err, "");
	if (eai_decode_dossier_obj(&d, root, x) < 0) {
		eapi_dossier_free(x);
		x = NULL;
	}
cleanup:
	json_decref(root);
	return x;
}

void
eai_dossier_release(eapi_dossier *x)
{
	size_t i;

	free(x->id); free(x->code); free(x->procedure_id); free(x->procedure_code);
	free(x->procedure_name); free(x->agency_id); free(x->assignee_id);
	free(x->channel); free(x->applicant_name); free(x->applicant_kind);
	free(x->subject);
	free(x->applicant.name); free(x->applicant.id_number); free(x->applicant.id_kind);
	free(x->applicant.phone); free(x->applicant.email); free(x->applicant.address);
	free(x->applicant.ward_code);
	for (i = 0; i < x->n_documents; i++) {
		eapi_document *p = &x->documents[i];
		free(p->id); free(p->name); free(p->component_code); free(p->mime); free(p->sha256);
	}
	free(x->documents);
	for (i = 0; i < x->n_fees; i++)
		free(x->fees[i].name);
	free(x->fees);
	for (i = 0; i < x->n_history; i++) {
		eapi_history_entry *h = &x->history[i];
		free(h->actor_id); free(h->actor_name); free(h->action);
		free(h->from_state); free(h->to_state); free(h->note);
	}
	free(x->history);
	for (i = 0; i < x->n_comments; i++) {
		eapi_comment *m = &x->comments[i];
		free(m->id); free(m->author_id); free(m->author_name); free(m->text);
	}
	free(x->comments);
	for (i = 0; i < x->n_supplements; i++)
		free(x->supplements[i].reason);
	free(x->supplements);
	free(x->result_number); free(x->result_signer); free(x->apology_reason);
	memset(x, 0, sizeof *x);
}

void
eapi_dossier_free(eapi_dossier *x)
{
	if (!x)
		return;
	eai_dossier_release(x);
	free(x);
}

eapi_dossier *
eapi_dossier_dup(const eapi_dossier *x)
{
	char *text;
	eapi_dossier *copy;
	eapi_error err = { 0 };

	if (!x)
		return NULL;
	text = eapi_dossier_encode(x);
	if (!text)
		return NULL;
	copy = eapi_dossier_decode(text, strlen(text), &err);
	eapi_error_clear(&err);
	free(text);
	return copy;
}
