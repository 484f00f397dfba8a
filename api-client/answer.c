/*
 * A successful answer to its completion: which decoder each operation
 * uses, and what a success changes in the client (a login or a refresh
 * stores the new tokens before anyone sees the completion, so a request
 * submitted right after it already uses them).
 */
#include <config.h>

#include <string.h>

#include "internal.h"

int
eai_transfer_decode(eapi_client *c, eai_request *r)
{
	eapi_completion *comp = r->comp;
	eapi_error *err = &comp->error;
	const char *body = r->resp.data;
	size_t len = r->resp.len;
	int result = 0;

	eai_strlcpy(comp->etag, r->resp_etag, sizeof comp->etag);
	if (r->status == 304) {
		comp->not_modified = 1;
		return 0;
	}
	switch (r->op) {
	case EAPI_OP_LOGIN:
	case EAPI_OP_REFRESH:
		comp->u.session = eai_decode_session(body, len, err);
		if (comp->u.session)
			eai_set_tokens(c, comp->u.session);
		result = comp->u.session ? 0 : -1;
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
		/* A logout ends the session here whatever the body says. */
		eapi_client_set_session(c, NULL, NULL, 0);
		break;
	case EAPI_OP_DOCUMENT:
		comp->doc_bytes = r->dl_offset + r->dl_written;
		break;
	}
	return result;
}
