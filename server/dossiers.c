/*
 * Reading dossiers: one dossier in full (ETag "<version>", If-None-Match)
 * and a document's bytes with ETag, Accept-Ranges, Range and If-Range so an
 * interrupted download resumes.  The search is in search.c.
 */
#include "config.h"
#include "sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sim_dossier_load(sim_request *rq, sim_response *rs, const char *id, sqlite3_stmt **out)
{
	sqlite3_stmt *st = NULL;

	*out = NULL;
	if (sqlite3_prepare_v2(rq->db, "SELECT " SIM_DOSSIER_COLS " FROM dossiers WHERE id = ?", -1,
			       &st, NULL) != SQLITE_OK)
		return sim_reply_problem(rs, 500, "internal", "%s", sqlite3_errmsg(rq->db)), -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_ROW ||
	    !sim_visible(&rq->caller, &rq->srv->ref, (const char *)sqlite3_column_text(st, 5),
			 (const char *)sqlite3_column_text(st, 6))) {
		sqlite3_finalize(st);
		/* Invisible and absent answer alike: existence is not confirmed. */
		return sim_reply_problem(rs, 404, "not_found", "no dossier %s", id), -1;
	}
	*out = st;
	return 0;
}

int sim_h_dossier(sim_request *rq, sim_response *rs)
{
	sqlite3_stmt *st;

	if (sim_dossier_load(rq, rs, rq->args[0], &st) < 0)
		return rs->status;
	snprintf(rs->etag, sizeof(rs->etag), "\"%lld\"", (long long)sqlite3_column_int64(st, 3));
	sim_reply_json(rs, 200, sim_dossier_json(rq, st, 1));
	sqlite3_finalize(st);
	sim_etag_content(rq, rs);
	return rs->status;
}

/* "bytes=a-b", "bytes=a-", "bytes=-n"; 0 ok, -1 unsatisfiable, 1 ignore. */
static int parse_range(const char *h, size_t len, size_t *from, size_t *to)
{
	unsigned long long a = 0, b = 0;
	const char *p;
	char *end;

	if (strncmp(h, "bytes=", 6) != 0 || strchr(h, ','))
		return 1;
	p = h + 6;
	if (*p == '-') {
		b = strtoull(p + 1, &end, 10);
		if (end == p + 1 || *end)
			return 1;
		if (b == 0 || len == 0)
			return -1;
		*from = b >= len ? 0 : len - (size_t)b;
		*to = len - 1;
		return 0;
	}
	a = strtoull(p, &end, 10);
	if (end == p || *end != '-')
		return 1;
	p = end + 1;
	if (*p) {
		b = strtoull(p, &end, 10);
		if (*end || b < a)
			return 1;
	} else {
		b = len ? len - 1 : 0;
	}
	if (a >= len)
		return -1;
	*from = (size_t)a;
	*to = b >= len ? len - 1 : (size_t)b;
	return 0;
}

int sim_h_document(sim_request *rq, sim_response *rs)
{
	sqlite3_stmt *st;
	json_t *docs, *d, *found = NULL;
	const char *range = sim_header(rq, "Range"), *if_range = sim_header(rq, "If-Range");
	char *bytes = NULL, hex[65];
	size_t i, len = 0, from = 0, to = 0;
	int r;

	if (sim_dossier_load(rq, rs, rq->args[0], &st) < 0)
		return rs->status;
	if (rq->caller.role == SIM_ROLE_SUPPORT) {
		sqlite3_finalize(st);
		return sim_reply_problem(rs, 403, "forbidden", "support may not read documents");
	}
	docs = json_loads((const char *)sqlite3_column_text(st, 20), 0, NULL);
	json_array_foreach(docs, i, d)
		if (strcmp(json_string_value(json_object_get(d, "id")) ?: "", rq->args[1]) == 0)
			found = d;
	if (found)
		bytes = sim_document_bytes(rq->args[0], rq->args[1],
					   json_string_value(json_object_get(found, "name")) ?: "", &len);
	sqlite3_finalize(st);
	if (!found || !bytes) {
		json_decref(docs);
		free(bytes);
		return sim_reply_problem(rs, 404, "not_found", "no document %s", rq->args[1]);
	}
	sim_sha256_hex(bytes, len, hex);
	snprintf(rs->etag, sizeof(rs->etag), "\"%.32s\"", hex);
	rs->accept_ranges = 1;
	rs->no_gzip = 1;
	rs->status = 200;
	rs->content_type = "application/pdf";
	rs->body = bytes;
	rs->len = len;
	json_decref(docs);
	if (range && (!if_range || strcmp(if_range, rs->etag) == 0)) {
		r = parse_range(range, len, &from, &to);
		if (r < 0) {
			rs->body = NULL;
			free(bytes);
			snprintf(rs->content_range, sizeof(rs->content_range), "bytes */%zu", len);
			return sim_reply_problem(rs, 416, "validation", "range %s is outside the %zu bytes",
						 range, len);
		}
		if (r == 0) {
			memmove(bytes, bytes + from, to - from + 1);
			rs->len = to - from + 1;
			rs->status = 206;
			snprintf(rs->content_range, sizeof(rs->content_range), "bytes %zu-%zu/%zu", from,
				 to, len);
			return 206;
		}
	}
	sim_etag_content(rq, rs);
	return rs->status;
}
