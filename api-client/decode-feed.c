/*
 * Decoders for the answers that carry many dossiers or figures: search
 * (/dossiers), the change feed (/changes), the agency report and the
 * calendar.
 *
 * The change feed is what offline sync is built on, so it is the strictest:
 * every change needs seq, op, id and version, an upsert needs its dossier
 * and the dossier's id and version must agree with the change's.  A cursor
 * is opaque text and is kept as the server wrote it.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define BIG 1000000000000000LL

/* ---- search -------------------------------------------------------------- */

void
eapi_dossier_list_free(eapi_dossier_list *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++)
		eapi_dossier_free(l->items[i]);
	free(l->items);
	free(l->next_cursor);
	free(l);
}

eapi_dossier_list *
eai_decode_search(const char *body, size_t len, eapi_error *err)
{
	json_t *root = eai_parse_object(body, len, "search answer", err), *arr, *v;
	eapi_dossier_list *l = NULL;
	eai_dec d, sub, elem;
	size_t i;
	int ok = 0;

	if (!root)
		return NULL;
	eai_dec_init(&d, err, "");
	l = calloc(1, sizeof *l);
	if (!l) {
		eai_error_set(err, EAPI_E_NOMEM, "out of memory");
		goto cleanup;
	}
	if (eai_get_array(&d, root, "items", &arr, EAI_REQUIRED) < 0 ||
	    eai_get_str(&d, root, "next_cursor", &l->next_cursor, 0) < 0)
		goto cleanup;
	if (json_array_size(arr) &&
	    !(l->items = calloc(json_array_size(arr), sizeof *l->items))) {
		eai_error_set(err, EAPI_E_NOMEM, "out of memory");
		goto cleanup;
	}
	eai_dec_child(&sub, &d, "items", 0);
	json_array_foreach(arr, i, v) {
		eai_dec_child(&elem, &sub, NULL, i);
		if (!(l->items[i] = calloc(1, sizeof **l->items))) {
			eai_error_set(err, EAPI_E_NOMEM, "out of memory");
			goto cleanup;
		}
		l->n++;
		if (eai_decode_dossier_obj(&elem, v, l->items[i]) < 0)
			goto cleanup;
	}
	ok = 1;
cleanup:
	json_decref(root);
	if (!ok) {
		eapi_dossier_list_free(l);
		l = NULL;
	}
	return l;
}

/* ---- the change feed ----------------------------------------------------- */

void
eapi_change_page_free(eapi_change_page *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->n; i++) {
		free(p->changes[i].id);
		eapi_dossier_free(p->changes[i].dossier);
	}
	free(p->changes);
	free(p->next_cursor);
	free(p);
}

static const char *const op_words[] = { "upsert", "remove" };

static int
decode_change(eai_dec *d, const json_t *o, eapi_change *ch)
{
	json_t *dj;
	eai_dec sub;
	int op;

	if (!json_is_object(o))
		return eai_dec_fail(d, NULL, "expected an object");
	if (eai_get_int(d, o, "seq", &ch->seq, 0, INT64_MAX, EAI_REQUIRED) < 0 ||
	    eai_get_enum(d, o, "op", op_words, 2, &op, EAI_REQUIRED) < 0 ||
	    eai_get_str(d, o, "id", &ch->id, EAI_REQUIRED) < 0 ||
	    eai_get_int(d, o, "version", &ch->version, 0, BIG, 0) < 0 ||
	    eai_get_object(d, o, "dossier", &dj, 0) < 0)
		return -1;
	ch->op = (eapi_change_op)op;
	if (ch->op == EAPI_CHANGE_REMOVE)
		return 0;	/* a dossier alongside a remove is ignored */
	if (!dj)
		return eai_dec_fail(d, "dossier", "missing for an upsert");
	eai_dec_child(&sub, d, "dossier", 0);
	if (!(ch->dossier = calloc(1, sizeof *ch->dossier)))
		return eai_dec_fail(d, "dossier", "out of memory");
	if (eai_decode_dossier_obj(&sub, dj, ch->dossier) < 0)
		return -1;
	if (strcmp(ch->dossier->id, ch->id) != 0)
		return eai_dec_fail(d, "dossier", "id differs from the change's id");
	if (!json_object_get(o, "version") || json_is_null(json_object_get(o, "version")))
		ch->version = ch->dossier->version;
	else if (ch->dossier->version != ch->version)
		return eai_dec_fail(d, "dossier", "version differs from the change's version");
	return 0;
}

eapi_change_page *
eai_decode_changes(const char *body, size_t len, eapi_error *err)
{
	json_t *root = eai_parse_object(body, len, "change feed", err), *arr, *v;
	eapi_change_page *p = NULL;
	eai_dec d, sub, elem;
	size_t i;
	int ok = 0;

	if (!root)
		return NULL;
	eai_dec_init(&d, err, "");
	p = calloc(1, sizeof *p);
	if (!p) {
		eai_error_set(err, EAPI_E_NOMEM, "out of memory");
		goto cleanup;
	}
	if (eai_get_array(&d, root, "changes", &arr, EAI_REQUIRED) < 0 ||
	    eai_get_str(&d, root, "next_cursor", &p->next_cursor, EAI_REQUIRED) < 0 ||
	    eai_get_bool(&d, root, "more", &p->more, 0) < 0)
		goto cleanup;
	if (json_array_size(arr) &&
	    !(p->changes = calloc(json_array_size(arr), sizeof *p->changes))) {
		eai_error_set(err, EAPI_E_NOMEM, "out of memory");
		goto cleanup;
	}
	eai_dec_child(&sub, &d, "changes", 0);
	json_array_foreach(arr, i, v) {
		eai_dec_child(&elem, &sub, NULL, i);
		p->n++;
		if (decode_change(&elem, v, &p->changes[i]) < 0)
			goto cleanup;
	}
	ok = 1;
cleanup:
	json_decref(root);
	if (!ok) {
		eapi_change_page_free(p);
		p = NULL;
	}
	return p;
}

/* ---- the agency report --------------------------------------------------- */

void
eapi_report_free(eapi_report *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->n; i++) {
		free(r->rows[i].agency_id);
		free(r->rows[i].agency_name);
	}
	free(r->rows);
	free(r);
}

static int
decode_row(eai_dec *d, const json_t *o, eapi_report_row *row)
{
	if (!json_is_object(o))
		return eai_dec_fail(d, NULL, "expected an object");
	return (eai_get_str(d, o, "agency_id", &row->agency_id, EAI_REQUIRED) < 0 ||
		eai_get_str(d, o, "agency_name", &row->agency_name, 0) < 0 ||
		eai_get_int(d, o, "received", &row->received, 0, BIG, 0) < 0 ||
		eai_get_int(d, o, "online", &row->online, 0, BIG, 0) < 0 ||
		eai_get_int(d, o, "finished_early", &row->finished_early, 0, BIG, 0) < 0 ||
		eai_get_int(d, o, "finished_on_time", &row->finished_on_time, 0, BIG, 0) < 0 ||
		eai_get_int(d, o, "finished_late", &row->finished_late, 0, BIG, 0) < 0 ||
		eai_get_int(d, o, "in_progress", &row->in_progress, 0, BIG, 0) < 0 ||
		eai_get_int(d, o, "in_progress_overdue", &row->in_progress_overdue, 0, BIG, 0) < 0 ||
		eai_get_int(d, o, "paused", &row->paused, 0, BIG, 0) < 0 ||
		eai_get_real(d, o, "on_time_rate", &row->on_time_rate, 0, 1, -1) < 0 ||
		eai_get_real(d, o, "online_rate", &row->online_rate, 0, 1, -1) < 0 ||
		eai_get_real(d, o, "digitized_rate", &row->digitized_rate, 0, 1, -1) < 0 ||
		eai_get_real(d, o, "avg_days", &row->avg_days, 0, 1e6, -1) < 0) ? -1 : 0;
}

EAI_DECODE_LIST(eai_decode_report, eapi_report, eapi_report_row, rows, "rows", "",
		decode_row, eapi_report_free)

/* ---- the calendar -------------------------------------------------------- */

void
eapi_calendar_free(eapi_calendar *cal)
{
	size_t i;

	if (!cal)
		return;
	for (i = 0; i < cal->n_holidays; i++)
		free(cal->holidays[i].name);
	free(cal->holidays);
	free(cal->working_saturdays);
	free(cal->office_hours);
	free(cal);
}

eapi_calendar *
eai_decode_calendar(const char *body, size_t len, eapi_error *err)
{
	json_t *root = eai_parse_object(body, len, "calendar", err), *hol, *sat, *v, *oh;
	eapi_calendar *cal = NULL;
	eai_dec d, sub, elem;
	size_t i;
	int ok = 0;

	if (!root)
		return NULL;
	eai_dec_init(&d, err, "");
	cal = calloc(1, sizeof *cal);
	if (!cal) {
		eai_error_set(err, EAPI_E_NOMEM, "out of memory");
		goto cleanup;
	}
	if (eai_get_intv(&d, root, "year", &cal->year, 1900, 9999, 0) < 0 ||
	    eai_get_array(&d, root, "holidays", &hol, 0) < 0 ||
	    eai_get_array(&d, root, "working_saturdays", &sat, 0) < 0)
		goto cleanup;
	/* office_hours is words to show; a structured value is kept as JSON. */
	oh = json_object_get(root, "office_hours");
	if (json_is_string(oh) || !oh || json_is_null(oh)) {
		if (eai_get_str(&d, root, "office_hours", &cal->office_hours, 0) < 0)
			goto cleanup;
	} else if (!(cal->office_hours = json_dumps(oh, JSON_COMPACT | JSON_PRESERVE_ORDER))) {
		eai_error_set(err, EAPI_E_NOMEM, "out of memory");
		goto cleanup;
	}
	if (json_array_size(hol) &&
	    !(cal->holidays = calloc(json_array_size(hol), sizeof *cal->holidays)))
		goto nomem;
	if (json_array_size(sat) &&
	    !(cal->working_saturdays = calloc(json_array_size(sat), sizeof *cal->working_saturdays)))
		goto nomem;
	eai_dec_child(&sub, &d, "holidays", 0);
	json_array_foreach(hol, i, v) {
		eai_dec_child(&elem, &sub, NULL, i);
		cal->n_holidays++;
		if (!json_is_object(v)) {
			eai_dec_fail(&elem, NULL, "expected an object");
			goto cleanup;
		}
		if (eai_get_date(&elem, v, "date", cal->holidays[i].date, EAI_REQUIRED) < 0 ||
		    eai_get_str(&elem, v, "name", &cal->holidays[i].name, 0) < 0)
			goto cleanup;
	}
	eai_dec_child(&sub, &d, "working_saturdays", 0);
	json_array_foreach(sat, i, v) {
		json_t *wrap = json_pack("{sO}", "date", v);

		eai_dec_child(&elem, &sub, NULL, i);
		if (!wrap)
			goto nomem;
		cal->n_working_saturdays++;
		if (eai_get_date(&elem, wrap, "date", cal->working_saturdays[i],
				 EAI_REQUIRED) < 0) {
			json_decref(wrap);
			goto cleanup;
		}
		json_decref(wrap);
	}
	ok = 1;
	goto cleanup;
nomem:
	eai_error_set(err, EAPI_E_NOMEM, "out of memory");
cleanup:
	json_decref(root);
	if (!ok) {
		eapi_calendar_free(cal);
		cal = NULL;
	}
	return cal;
}
