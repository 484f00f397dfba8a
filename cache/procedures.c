/*
 * The procedure catalogue in the cache (GET /procedures).  Fees and
 * required documents are small nested lists, stored as JSON text next to
 * the procedure's columns; the catalogue is replaced whole on each 200.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "internal.h"
#include "reference.h"

static char *
fees_json(const eapi_procedure *p)
{
	json_t *a = json_array();
	char *s;
	size_t i;

	for (i = 0; a && i < p->n_fees; i++)
		json_array_append_new(a, json_pack("{s:s?, s:I, s:I}", "name", p->fees[i].name,
						   "amount_vnd", (json_int_t)p->fees[i].amount_vnd,
						   "online_amount_vnd",
						   (json_int_t)p->fees[i].online_amount_vnd));
	s = a ? json_dumps(a, JSON_COMPACT) : NULL;
	json_decref(a);
	return s;
}

static char *
docs_json(const eapi_procedure *p)
{
	json_t *a = json_array();
	char *s;
	size_t i;

	for (i = 0; a && i < p->n_documents; i++)
		json_array_append_new(a, json_pack("{s:s?, s:s?, s:b}", "code", p->documents[i].code,
						   "name", p->documents[i].name,
						   "required", p->documents[i].required));
	s = a ? json_dumps(a, JSON_COMPACT) : NULL;
	json_decref(a);
	return s;
}

static int
put_one(ecache *c, const eapi_procedure *p)
{
	sqlite3_stmt *st = ecache_stmt(c,
		"INSERT OR REPLACE INTO procedures(id, code, name, field, agency_level, online_level,"
		" processing_days, calendar_days, fees, documents)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
	char *fees = fees_json(p), *docs = docs_json(p);
	int rc, result = -1;

	if (!st)
		goto cleanup;
	if (!fees || !docs) {
		ecache_seterr(c, "out of memory");
		goto cleanup;
	}
	sqlite3_bind_text(st, 1, p->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, p->code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, p->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, p->field, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, p->agency_level);
	sqlite3_bind_text(st, 6, p->online_level, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 7, p->processing_days);
	sqlite3_bind_int(st, 8, p->calendar_days);
	sqlite3_bind_text(st, 9, fees, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, docs, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	result = rc == SQLITE_DONE ? 0 : ecache_sqlerr(c, "procedures");
cleanup:
	free(fees);
	free(docs);
	return result;
}

int
ecache_put_procedures(ecache *c, const eapi_procedure_list *l, const char *etag)
{
	size_t i;

	if (ecache_begin(c) < 0)
		return -1;
	if (ecache_exec(c, "DELETE FROM procedures") < 0)
		goto fail;
	for (i = 0; i < l->n; i++)
		if (put_one(c, &l->items[i]) < 0)
			goto fail;
	if (ecache_ref_touch(c, ECACHE_REF_PROCEDURES, NULL, etag ? etag : "") < 0)
		goto fail;
	return ecache_commit(c);
fail:
	ecache_rollback(c);
	return -1;
}

static char *
str_at(json_t *o, const char *key)
{
	return ecache_strdup(json_string_value(json_object_get(o, key)));
}

static void
fill(sqlite3_stmt *st, void *item)
{
	eapi_procedure *p = item;
	json_t *fees, *docs, *v;
	size_t i;

	memset(p, 0, sizeof *p);
	p->id = ecache_strdup((const char *)sqlite3_column_text(st, 0));
	p->code = ecache_strdup((const char *)sqlite3_column_text(st, 1));
	p->name = ecache_strdup((const char *)sqlite3_column_text(st, 2));
	p->field = ecache_strdup((const char *)sqlite3_column_text(st, 3));
	p->agency_level = (eapi_agency_level)sqlite3_column_int(st, 4);
	p->online_level = ecache_strdup((const char *)sqlite3_column_text(st, 5));
	p->processing_days = sqlite3_column_int(st, 6);
	p->calendar_days = sqlite3_column_int(st, 7);
	fees = json_loads((const char *)sqlite3_column_text(st, 8), 0, NULL);
	docs = json_loads((const char *)sqlite3_column_text(st, 9), 0, NULL);
	if (json_array_size(fees) && (p->fees = calloc(json_array_size(fees), sizeof *p->fees))) {
		json_array_foreach(fees, i, v) {
			p->fees[i].name = str_at(v, "name");
			p->fees[i].amount_vnd = json_integer_value(json_object_get(v, "amount_vnd"));
			p->fees[i].online_amount_vnd =
				json_integer_value(json_object_get(v, "online_amount_vnd"));
		}
		p->n_fees = json_array_size(fees);
	}
	if (json_array_size(docs) &&
	    (p->documents = calloc(json_array_size(docs), sizeof *p->documents))) {
		json_array_foreach(docs, i, v) {
			p->documents[i].code = str_at(v, "code");
			p->documents[i].name = str_at(v, "name");
			p->documents[i].required = json_is_true(json_object_get(v, "required"));
		}
		p->n_documents = json_array_size(docs);
	}
	json_decref(fees);
	json_decref(docs);
}

void
ecache_procedure_free(eapi_procedure *p)
{
	if (!p)
		return;
	eapi_procedure_release(p);
	free(p);
}

#define PROC_COLUMNS "id, code, name, field, agency_level, online_level, " \
	"processing_days, calendar_days, fees, documents"

eapi_procedure_list *
ecache_get_procedures(ecache *c)
{
	sqlite3_stmt *st = ecache_stmt(c, "SELECT " PROC_COLUMNS " FROM procedures ORDER BY code, id");
	eapi_procedure_list *l = calloc(1, sizeof *l);

	c->errmsg[0] = '\0';
	if (!st || !l ||
	    ecache_step_rows(c, st, &l->items, &l->n, sizeof *l->items, fill, "procedures") < 0 ||
	    l->n == 0) {
		eapi_procedure_list_free(l);
		return NULL;
	}
	return l;
}

eapi_procedure *
ecache_get_procedure(ecache *c, const char *id)
{
	sqlite3_stmt *st = ecache_stmt(c, "SELECT " PROC_COLUMNS " FROM procedures WHERE id = ?1");
	eapi_procedure *p = NULL;
	int rc;

	c->errmsg[0] = '\0';
	if (!st)
		return NULL;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && (p = malloc(sizeof *p)))
		fill(st, p);
	else if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		ecache_sqlerr(c, "procedures");
	sqlite3_reset(st);
	return p;
}
