/*
 * Decoders for the session and the reference data: the token answer,
 * /me, /agencies, /procedures, /users and /calendar.
 *
 * Each list endpoint may answer with a bare array or with {"items": [...]}
 * (the contract names the fields but not the wrapper), so both are taken.
 * Every field is checked through json-util.c; enums must be one of the
 * contract's words.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char *const level_words[] = { "city", "department", "ward" };
static const char *const role_words[] = { "officer", "supervisor", "support" };
static const char *const online_words[] = { "full", "partial", "none" };
static const char *const day_kinds[] = { "working", "calendar" };

#define BIG 1000000000000000LL

void
eai_user_release(eapi_user *u)
{
	free(u->id); free(u->username); free(u->full_name); free(u->agency_id); free(u->title);
	memset(u, 0, sizeof *u);
}

void
eapi_user_free(eapi_user *u)
{
	if (!u)
		return;
	eai_user_release(u);
	free(u);
}

int
eai_decode_user_obj(eai_dec *d, const json_t *o, eapi_user *u)
{
	int role;

	memset(u, 0, sizeof *u);
	if (!json_is_object(o))
		return eai_dec_fail(d, NULL, "expected an object");
	if (eai_get_str(d, o, "id", &u->id, EAI_REQUIRED) < 0 ||
	    eai_get_str(d, o, "username", &u->username, 0) < 0 ||
	    eai_get_str(d, o, "full_name", &u->full_name, 0) < 0 ||
	    eai_get_str(d, o, "agency_id", &u->agency_id, 0) < 0 ||
	    eai_get_str(d, o, "title", &u->title, 0) < 0 ||
	    eai_get_enum(d, o, "role", role_words, 3, &role, EAI_REQUIRED) < 0)
		return -1;
	u->role = (eapi_role)role;
	return 0;
}

eapi_user *
eai_decode_user(const char *body, size_t len, eapi_error *err)
{
	json_t *root = eai_parse_object(body, len, "user", err);
	eapi_user *u = NULL;
	eai_dec d;

	if (!root)
		return NULL;
	eai_dec_init(&d, err, "");
	u = calloc(1, sizeof *u);
	if (!u)
		eai_error_set(err, EAPI_E_NOMEM, "out of memory");
	else if (eai_decode_user_obj(&d, root, u) < 0) {
		eapi_user_free(u);
		u = NULL;
	}
	json_decref(root);
	return u;
}

void
eapi_session_free(eapi_session *s)
{
	if (!s)
		return;
	free(s->access_token);
	free(s->refresh_token);
	eapi_user_free(s->user);
	free(s);
}

eapi_session *
eai_decode_session(const char *body, size_t len, eapi_error *err)
{
	json_t *root = eai_parse_object(body, len, "token answer", err);
	json_t *user;
	eapi_session *s = NULL;
	long long expires_in;
	eai_dec d, child;
	int ok = 0;

	if (!root)
		return NULL;
	eai_dec_init(&d, err, "");
	s = calloc(1, sizeof *s);
	if (!s) {
		eai_error_set(err, EAPI_E_NOMEM, "out of memory");
		goto cleanup;
	}
	if (eai_get_str(&d, root, "access_token", &s->access_token, EAI_REQUIRED) < 0 ||
	    eai_get_str(&d, root, "refresh_token", &s->refresh_token, 0) < 0 ||
	    eai_get_int(&d, root, "expires_in", &expires_in, 0, 10LL * 365 * 86400, 0) < 0 ||
	    eai_get_object(&d, root, "user", &user, 0) < 0)
		goto cleanup;
	s->expires_at = expires_in > 0 ? time(NULL) + (time_t)expires_in : 0;
	if (user) {
		eai_dec_child(&child, &d, "user", 0);
		s->user = calloc(1, sizeof *s->user);
		if (!s->user) {
			eai_error_set(err, EAPI_E_NOMEM, "out of memory");
			goto cleanup;
		}
		if (eai_decode_user_obj(&child, user, s->user) < 0)
			goto cleanup;
	}
	ok = 1;
cleanup:
	json_decref(root);
	if (!ok) {
		eapi_session_free(s);
		s = NULL;
	}
	return s;
}

/* ---- agencies ------------------------------------------------------------ */

void
eapi_agency_list_free(eapi_agency_list *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++) {
		eapi_agency *a = &l->items[i];
		free(a->id); free(a->code); free(a->name); free(a->short_name); free(a->parent_id);
	}
	free(l->items);
	free(l);
}

static int
decode_agency(eai_dec *d, const json_t *o, eapi_agency *a)
{
	int level;

	if (!json_is_object(o))
		return eai_dec_fail(d, NULL, "expected an object");
	if (eai_get_str(d, o, "id", &a->id, EAI_REQUIRED) < 0 ||
	    eai_get_str(d, o, "code", &a->code, 0) < 0 ||
	    eai_get_str(d, o, "name", &a->name, 0) < 0 ||
	    eai_get_str(d, o, "short_name", &a->short_name, 0) < 0 ||
	    eai_get_str(d, o, "parent_id", &a->parent_id, 0) < 0 ||
	    eai_get_enum(d, o, "level", level_words, 3, &level, 0) < 0)
		return -1;
	a->level = (eapi_agency_level)level;
	return 0;
}

EAI_DECODE_LIST(eai_decode_agencies, eapi_agency_list, eapi_agency, items, "agencies",
		"agencies", decode_agency, eapi_agency_list_free)

/* ---- users --------------------------------------------------------------- */

void
eapi_user_list_free(eapi_user_list *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++)
		eai_user_release(&l->items[i]);
	free(l->items);
	free(l);
}

EAI_DECODE_LIST(eai_decode_users, eapi_user_list, eapi_user, items, "users", "users",
		eai_decode_user_obj, eapi_user_list_free)

/* ---- procedures ---------------------------------------------------------- */

void
eapi_procedure_release(eapi_procedure *p)
{
	size_t j;

	free(p->id); free(p->code); free(p->name); free(p->field); free(p->online_level);
	for (j = 0; j < p->n_fees; j++)
		free(p->fees[j].name);
	free(p->fees);
	for (j = 0; j < p->n_documents; j++) {
		free(p->documents[j].code);
		free(p->documents[j].name);
	}
	free(p->documents);
}

void
eapi_procedure_list_free(eapi_procedure_list *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++)
		eapi_procedure_release(&l->items[i]);
	free(l->items);
	free(l);
}

static int
decode_procedure(eai_dec *d, const json_t *o, eapi_procedure *p)
{
	json_t *arr, *v;
	eai_dec sub, elem;
	int level, online, kind;
	size_t i;

	if (!json_is_object(o))
		return eai_dec_fail(d, NULL, "expected an object");
	if (eai_get_str(d, o, "id", &p->id, EAI_REQUIRED) < 0 ||
	    eai_get_str(d, o, "code", &p->code, 0) < 0 ||
	    eai_get_str(d, o, "name", &p->name, 0) < 0 ||
	    eai_get_str(d, o, "field", &p->field, 0) < 0 ||
	    eai_get_enum(d, o, "agency_level", level_words, 3, &level, 0) < 0 ||
	    eai_get_enum(d, o, "online_level", online_words, 3, &online, 0) < 0 ||
	    eai_get_intv(d, o, "processing_days", &p->processing_days, 0, 3650, 0) < 0 ||
	    eai_get_enum(d, o, "day_kind", day_kinds, 2, &kind, 0) < 0)
		return -1;
	p->agency_level = (eapi_agency_level)level;
	p->calendar_days = kind == 1;
	if (json_is_string(json_object_get(o, "online_level")) &&
	    !(p->online_level = strdup(online_words[online])))
		return eai_dec_fail(d, "online_level", "out of memory");

	if (eai_get_array(d, o, "fees", &arr, 0) < 0)
		return -1;
	if (arr && json_array_size(arr)) {
		eai_dec_child(&sub, d, "fees", 0);
		if (!(p->fees = calloc(json_array_size(arr), sizeof *p->fees)))
			return eai_dec_fail(d, "fees", "out of memory");
		json_array_foreach(arr, i, v) {
			eapi_fee_rule *f = &p->fees[i];

			eai_dec_child(&elem, &sub, NULL, i);
			p->n_fees++;
			if (!json_is_object(v))
				return eai_dec_fail(&elem, NULL, "expected an object");
			if (eai_get_str(&elem, v, "name", &f->name, 0) < 0 ||
			    eai_get_int(&elem, v, "amount_vnd", &f->amount_vnd, 0, BIG, 0) < 0 ||
			    eai_get_int(&elem, v, "online_amount_vnd", &f->online_amount_vnd,
					0, BIG, 0) < 0)
				return -1;
		}
	}
	if (eai_get_array(d, o, "documents", &arr, 0) < 0)
		return -1;
	if (arr && json_array_size(arr)) {
		eai_dec_child(&sub, d, "documents", 0);
		if (!(p->documents = calloc(json_array_size(arr), sizeof *p->documents)))
			return eai_dec_fail(d, "documents", "out of memory");
		json_array_foreach(arr, i, v) {
			eapi_required_doc *r = &p->documents[i];

			eai_dec_child(&elem, &sub, NULL, i);
			p->n_documents++;
			if (!json_is_object(v))
				return eai_dec_fail(&elem, NULL, "expected an object");
			if (eai_get_str(&elem, v, "code", &r->code, 0) < 0 ||
			    eai_get_str(&elem, v, "name", &r->name, 0) < 0 ||
			    eai_get_bool(&elem, v, "required", &r->required, 0) < 0)
				return -1;
		}
	}
	return 0;
}

EAI_DECODE_LIST(eai_decode_procedures, eapi_procedure_list, eapi_procedure, items,
		"procedures", "procedures", decode_procedure, eapi_procedure_list_free)
