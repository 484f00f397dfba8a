/*
 * Reading dossiers: one dossier in full (ETag "<version>", If-None-Match),
 * the search within what the caller may see (newest first, keyset cursor,
 * `q` folded like common/vntext.h folds so `duc` finds `Đức`), and a
 * document's bytes with ETag, Accept-Ranges, Range and If-Range so an
 * interrupted download resumes.
 */
#include "config.h"
#include "sim.h"
#include "vntext.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEARCH_DEFAULT 50
#define SEARCH_MAX 500

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

static int valid_state_list(const char *s)
{
	char buf[256], *save = NULL, *tok;

	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (!sim_status_code(tok))
			return 0;
	return 1;
}

/* Append `AND ...` with one bound text per '?'; binds are collected. */
typedef struct where { char sql[2048]; const char *binds[16]; int n; } where;

static void cond(where *w, const char *sql, const char *bind)
{
	size_t len = strlen(w->sql);

	snprintf(w->sql + len, sizeof(w->sql) - len, " AND %s", sql);
	if (bind && w->n < 16)
		w->binds[w->n++] = bind;
}

int sim_h_search(sim_request *rq, sim_response *rs)
{
	const char *q = sim_query(rq, "q"), *state = sim_query(rq, "state");
	const char *agency = sim_query(rq, "agency_id"), *assignee = sim_query(rq, "assignee_id");
	const char *overdue = sim_query(rq, "overdue"), *limit_s = sim_query(rq, "limit");
	const char *cursor = sim_query(rq, "cursor");
	char *vis = NULL, *folded = NULL, *like = NULL, sql[4096], now_s[24], cur_t[24], cur_n[24];
	long limit = SEARCH_DEFAULT;
	long long ct = 0, cn = 0;
	sqlite3_stmt *st = NULL;
	json_t *items = NULL;
	where w;
	int i, n = 0, result;

	memset(&w, 0, sizeof(w));
	if (limit_s) {
		char *end;
		limit = strtol(limit_s, &end, 10);
		if (*end || limit < 1 || limit > SEARCH_MAX)
			return sim_reply_field(rs, "limit", "limit must be 1-%d", SEARCH_MAX);
	}
	if (state && !valid_state_list(state))
		return sim_reply_field(rs, "state", "unknown state in '%s'", state);
	if (overdue && strcmp(overdue, "true") && strcmp(overdue, "false") &&
	    strcmp(overdue, "1") && strcmp(overdue, "0"))
		return sim_reply_field(rs, "overdue", "overdue must be true or false");
	if (cursor && (sscanf(cursor, "k%llx.%llx", &ct, &cn) != 2))
		return sim_reply_field(rs, "cursor", "not a cursor this server issued");
	vis = sim_visibility_sql(&rq->caller, &rq->srv->ref, "d");
	snprintf(w.sql, sizeof(w.sql), "%s", vis ? vis : "0");
	if (state) {
		/* instr() over ",a,b," keeps the list one bound parameter. */
		cond(&w, "instr(',' || ? || ',', ',' || d.state || ',') > 0", state);
	}
	if (agency)
		cond(&w, "d.agency_id = ?", agency);
	if (assignee && strcmp(assignee, "none") == 0)
		cond(&w, "d.assignee_id IS NULL", NULL);
	else if (assignee)
		cond(&w, "d.assignee_id = ?", assignee);
	snprintf(now_s, sizeof(now_s), "%lld", (long long)time(NULL));
	if (overdue && (strcmp(overdue, "true") == 0 || strcmp(overdue, "1") == 0))
		cond(&w, "d.state IN ('submitted','received','in_progress','pending_approval',"
			 "'supplement_requested') AND d.due_at < CAST(? AS INTEGER)", now_s);
	else if (overdue)
		cond(&w, "NOT (d.state IN ('submitted','received','in_progress','pending_approval',"
			 "'supplement_requested') AND coalesce(d.due_at, 1e12) < CAST(? AS INTEGER))", now_s);
	if (q && *q) {
		size_t j, k = 0;
		folded = vn_fold(q);
		like = malloc(strlen(folded ? folded : "") * 2 + 3);
		if (!folded || !like) {
			result = sim_reply_problem(rs, 500, "internal", "out of memory");
			goto cleanup;
		}
		like[k++] = '%';
		for (j = 0; folded[j]; j++) {
			if (folded[j] == '%' || folded[j] == '_' || folded[j] == '\\')
				like[k++] = '\\';
			like[k++] = folded[j];
		}
		like[k++] = '%';
		like[k] = '\0';
		cond(&w, "d.folded LIKE ? ESCAPE '\\'", like);
	}
	if (cursor) {
		snprintf(cur_t, sizeof(cur_t), "%lld", ct);
		snprintf(cur_n, sizeof(cur_n), "%lld", cn);
		cond(&w, "(d.submitted_at < CAST(? AS INTEGER) OR (d.submitted_at = CAST(? AS INTEGER)"
			 " AND d.n < CAST(? AS INTEGER)))", cur_t);
		w.binds[w.n++] = cur_t;
		w.binds[w.n++] = cur_n;
	}
	snprintf(sql, sizeof(sql), "SELECT " SIM_DOSSIER_COLS " FROM dossiers d WHERE %s"
		 " ORDER BY d.submitted_at DESC, d.n DESC LIMIT %ld", w.sql, limit + 1);
	if (sqlite3_prepare_v2(rq->db, sql, -1, &st, NULL) != SQLITE_OK) {
		result = sim_reply_problem(rs, 500, "internal", "%s", sqlite3_errmsg(rq->db));
		goto cleanup;
	}
	for (i = 0; i < w.n; i++)
		sqlite3_bind_text(st, i + 1, w.binds[i], -1, SQLITE_STATIC);
	items = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n == limit) {
			char next[48];
			snprintf(next, sizeof(next), "k%llx.%llx", (unsigned long long)ct, (unsigned long long)cn);
			result = sim_reply_json(rs, 200, json_pack("{s:o, s:s}", "items", items,
								   "next_cursor", next));
			items = NULL;
			goto cleanup;
		}
		ct = sqlite3_column_int64(st, 12);
		cn = sqlite3_column_int64(st, 0);
		json_array_append_new(items, sim_dossier_json(rq, st, 0));
		n++;
	}
	result = sim_reply_json(rs, 200, json_pack("{s:o, s:n}", "items", items, "next_cursor"));
	items = NULL;
cleanup:
	sqlite3_finalize(st);
	json_decref(items);
	free(vis);
	free(folded);
	free(like);
	return result;
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
