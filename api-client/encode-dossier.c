/*
 * A dossier back to the contract's JSON.
 *
 * The cache keeps dossiers as the text this writes, and eapi_dossier_dup()
 * copies by encoding and decoding, so this must write every field the
 * decoder reads, with the same names and the same null conventions (a time
 * of 0 is null; result and apology are null unless present).
 */
#include <config.h>

#include <stdlib.h>

#include "internal.h"

static int
put(json_t *o, const char *key, json_t *v)
{
	return v ? json_object_set_new(o, key, v) : -1;
}

static int
put_summary(json_t *o, const eapi_dossier *x)
{
	int rc = 0;

	rc |= put(o, "id", eai_json_str(x->id));
	rc |= put(o, "code", eai_json_str(x->code));
	rc |= put(o, "version", json_integer(x->version));
	rc |= put(o, "procedure_id", eai_json_str(x->procedure_id));
	rc |= put(o, "procedure_code", eai_json_str(x->procedure_code));
	rc |= put(o, "procedure_name", eai_json_str(x->procedure_name));
	rc |= put(o, "agency_id", eai_json_str(x->agency_id));
	rc |= put(o, "assignee_id", eai_json_str(x->assignee_id));
	rc |= put(o, "state", json_string(eapi_state_str(x->state)));
	rc |= put(o, "status_code", json_integer(x->status_code ? x->status_code
						 : eapi_state_status_code(x->state)));
	rc |= put(o, "channel", eai_json_str(x->channel));
	rc |= put(o, "applicant_name", eai_json_str(x->applicant_name));
	rc |= put(o, "applicant_kind", eai_json_str(x->applicant_kind));
	rc |= put(o, "subject", eai_json_str(x->subject));
	rc |= put(o, "submitted_at", eai_json_time(x->submitted_at));
	rc |= put(o, "received_at", eai_json_time(x->received_at));
	rc |= put(o, "due_at", eai_json_time(x->due_at));
	rc |= put(o, "finished_at", eai_json_time(x->finished_at));
	rc |= put(o, "returned_at", eai_json_time(x->returned_at));
	rc |= put(o, "supplement_count", json_integer(x->supplement_count));
	rc |= put(o, "updated_at", eai_json_time(x->updated_at));
	return rc;
}

static json_t *
applicant_json(const eapi_applicant *a)
{
	json_t *o = json_object();
	int rc = 0;

	if (!o)
		return NULL;
	rc |= put(o, "name", eai_json_str(a->name));
	rc |= put(o, "id_number", eai_json_str(a->id_number));
	rc |= put(o, "id_kind", eai_json_str(a->id_kind));
	rc |= put(o, "phone", eai_json_str(a->phone));
	rc |= put(o, "email", eai_json_str(a->email));
	rc |= put(o, "address", eai_json_str(a->address));
	rc |= put(o, "ward_code", eai_json_str(a->ward_code));
	if (rc) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* Append one object per item; `fill` sets its members. */
static json_t *
array_json(const void *items, size_t n, size_t size, int (*fill)(json_t *, const void *))
{
	json_t *arr = json_array();
	size_t i;

	if (!arr)
		return NULL;
	for (i = 0; i < n; i++) {
		json_t *o = json_object();

		if (!o || fill(o, (const char *)items + i * size) ||
		    json_array_append_new(arr, o)) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

static int
fill_document(json_t *o, const void *p)
{
	const eapi_document *x = p;

	return put(o, "id", eai_json_str(x->id)) | put(o, "name", eai_json_str(x->name)) |
	       put(o, "component_code", eai_json_str(x->component_code)) |
	       put(o, "mime", eai_json_str(x->mime)) | put(o, "size", json_integer(x->size)) |
	       put(o, "sha256", eai_json_str(x->sha256)) |
	       put(o, "digitized", json_boolean(x->digitized));
}

static int
fill_fee(json_t *o, const void *p)
{
	const eapi_fee *x = p;

	return put(o, "name", eai_json_str(x->name)) |
	       put(o, "amount_vnd", json_integer(x->amount_vnd)) |
	       put(o, "paid", json_boolean(x->paid)) |
	       put(o, "paid_online", json_boolean(x->paid_online));
}

static int
fill_history(json_t *o, const void *p)
{
	const eapi_history_entry *x = p;

	return put(o, "at", eai_json_time(x->at)) |
	       put(o, "actor_id", eai_json_str(x->actor_id)) |
	       put(o, "actor_name", eai_json_str(x->actor_name)) |
	       put(o, "action", eai_json_str(x->action)) |
	       put(o, "from_state", eai_json_str(x->from_state)) |
	       put(o, "to_state", eai_json_str(x->to_state)) |
	       put(o, "note", eai_json_str(x->note));
}

static int
fill_comment(json_t *o, const void *p)
{
	const eapi_comment *x = p;

	return put(o, "id", eai_json_str(x->id)) | put(o, "at", eai_json_time(x->at)) |
	       put(o, "author_id", eai_json_str(x->author_id)) |
	       put(o, "author_name", eai_json_str(x->author_name)) |
	       put(o, "text", eai_json_str(x->text));
}

static int
fill_supplement(json_t *o, const void *p)
{
	const eapi_supplement *x = p;

	return put(o, "requested_at", eai_json_time(x->requested_at)) |
	       put(o, "reason", eai_json_str(x->reason)) |
	       put(o, "deadline_days", json_integer(x->deadline_days)) |
	       put(o, "completed_at", eai_json_time(x->completed_at));
}

static int
put_full(json_t *o, const eapi_dossier *x)
{
	int rc = 0;

	rc |= put(o, "applicant", applicant_json(&x->applicant));
	rc |= put(o, "documents", array_json(x->documents, x->n_documents,
					     sizeof *x->documents, fill_document));
	rc |= put(o, "fees", array_json(x->fees, x->n_fees, sizeof *x->fees, fill_fee));
	rc |= put(o, "history", array_json(x->history, x->n_history,
					   sizeof *x->history, fill_history));
	rc |= put(o, "comments", array_json(x->comments, x->n_comments,
					    sizeof *x->comments, fill_comment));
	rc |= put(o, "supplements", array_json(x->supplements, x->n_supplements,
					       sizeof *x->supplements, fill_supplement));
	if (x->has_result) {
		json_t *r = json_object();

		rc |= put(o, "result", r);
		if (r)
			rc |= put(r, "number", eai_json_str(x->result_number)) |
			      put(r, "signer", eai_json_str(x->result_signer)) |
			      put(r, "signed_at", eai_json_time(x->result_signed_at));
	} else {
		rc |= put(o, "result", json_null());
	}
	if (x->has_apology) {
		json_t *a = json_object();

		rc |= put(o, "apology", a);
		if (a)
			rc |= put(a, "issued_at", eai_json_time(x->apology_issued_at)) |
			      put(a, "reason", eai_json_str(x->apology_reason)) |
			      put(a, "new_due_at", eai_json_time(x->apology_new_due_at));
	} else {
		rc |= put(o, "apology", json_null());
	}
	return rc;
}

/* Build the JSON value; the change-feed encoder in tests and callers reuse
 * it through eapi_dossier_encode(). */
static json_t *
dossier_json(const eapi_dossier *x)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	if (put_summary(o, x) || (x->has_full && put_full(o, x))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

char *
eapi_dossier_encode(const eapi_dossier *x)
{
	json_t *o;
	char *text;

	if (!x)
		return NULL;
	o = dossier_json(x);
	if (!o)
		return NULL;
	text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return text;
}
