/*
 * A successful answer to its completion: which decoder each operation
 * uses, and what a success changes in the client (a login or a refresh
 * stores the new tokens before anyone sees the completion, so a request
 * submitted right after it already uses them).
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "internal.h"

int
eapi_decode_answer(eapi_op op, const char *body, size_t len, eapi_completion *comp)
{
	eapi_error *err;
	int result = 0;

	if (!comp)
		return -1;
	err = &comp->error;
	comp->op = op;
	switch (op) {
	case EAPI_OP_LOGIN:
	case EAPI_OP_REFRESH:
		result = (comp->u.session = eai_decode_session(body, len, err)) ? 0 : -1;
		break;
	case EAPI_OP_ME:
		result = (comp->u.user = eai_decode_user(body, len, err)) ? 0 : -1;
		break;
	case EAPI_OP_AGENCIES:
		result = (comp->u.agencies = eai_decode_agencies(body, len, err)) ? 0 : -1;
		break;
	case EAPI_OP_PROCEDURES:
		result = (comp->u.procedures = eai_decode_procedures(body, len, err)) ? 0 : -1;
		break;
	case EAPI_OP_USERS:
		result = (comp->u.users = eai_decode_users(body, len, err)) ? 0 : -1;
		break;
	case EAPI_OP_CALENDAR:
		result = (comp->u.calendar = eai_decode_calendar(body, len, err)) ? 0 : -1;
		break;
	case EAPI_OP_DOSSIER:
	case EAPI_OP_ACTION:
		result = (comp->u.dossier = eapi_dossier_decode(body, len, err)) ? 0 : -1;
		break;
	case EAPI_OP_SEARCH:
		result = (comp->u.search = eai_decode_search(body, len, err)) ? 0 : -1;
		break;
	case EAPI_OP_CHANGES:
		result = (comp->u.changes = eai_decode_changes(body, len, err)) ? 0 : -1;
		break;
	case EAPI_OP_REPORT:
		result = (comp->u.report = eai_decode_report(body, len, err)) ? 0 : -1;
		break;
	case EAPI_OP_LOGOUT:
	case EAPI_OP_DOCUMENT:
		break;
	default:
		eai_error_set(err, EAPI_E_USAGE, "unknown operation");
		return -1;
	}
	if (result < 0 && err->result == EAPI_OK)
		err->result = EAPI_E_PROTOCOL;
	return result;
}

int
eai_transfer_decode(eapi_client *c, eai_request *r)
{
	eapi_completion *comp = r->comp;
	FILE *f;

	eai_strlcpy(comp->etag, r->resp_etag, sizeof comp->etag);
	if (r->status == 304) {
		comp->not_modified = 1;
		return 0;
	}
	if (eapi_decode_answer(r->op, r->resp.data, r->resp.len, comp) < 0)
		return -1;
	switch (r->op) {
	case EAPI_OP_LOGIN:
	case EAPI_OP_REFRESH:
		eai_set_tokens(c, comp->u.session);
		break;
	case EAPI_OP_LOGOUT:
		/* A logout ends the session here whatever the body says. */
		eapi_client_set_session(c, NULL, NULL, 0);
		break;
	case EAPI_OP_DOCUMENT:
		/* An empty document never opened its file: make it now. */
		if (r->status == 200 && r->dl_written == 0 && (f = fopen(r->dl_path, "wb")))
			fclose(f);
		comp->doc_bytes = r->dl_offset + r->dl_written;
		break;
	default:
		break;
	}
	return 0;
}
