/*
 * The dossier search, GET /api/v1/dossiers: what the caller may see, the
 * state, agency, assignee and overdue filters, newest first by
 * (submitted_at, n) with a keyset cursor, and `q`.  A dossier matches `q`
 * when vn_fold(q) (no case, no diacritics, đ -> d) is a substring of its
 * `folded` column (folded code, applicant and subject, written by the seed
 * and by activity.c); that test is always `d.folded LIKE '%q%'`, so the
 * answer is the same whichever way the candidates are found.
 *
 * The folded text is also indexed by FTS5's trigram tokenizer
 * (dossiers_fts, kept in step by triggers; see store.c), so a query of three
 * or more characters names trigrams every match must contain.  Two plans
 * give the same rows in the same order:
 *  - the scan plan: walk dossiers newest first and stop at the page's end;
 *    a few rows when matches are dense ("nguyen", "dang ky"), every row the
 *    caller may see when they are rare (a name, a dossier number);
 *  - the index plan: the dossiers holding every trigram of q, fetched by
 *    rowid and sorted; cheap when they are few, but "nguyen" is a third of
 *    the city, all fetched and sorted for a page of 50.
 * Which one wins is not known beforehand (FTS5 cannot count a trigram's
 * dossiers without reading them all), so the scan runs first on a budget
 * of about SCAN_ROWS rows (a progress handler) and the index plan answers
 * when it runs out.  Queries shorter than a trigram can only scan, as
 * before.
 */
#include "config.h"
#include "sim.h"
#include "vntext.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEARCH_DEFAULT 50
#define SEARCH_MAX 500
/* The scan plan's budget: a few milliseconds of rows.  The progress handler
 * runs every PROGRESS_OPS virtual machine instructions; a scanned row costs
 * about OPS_PER_ROW of them (measured with the sqlite3 shell's .progress). */
#define SCAN_ROWS 2000
#define PROGRESS_OPS 100
#define OPS_PER_ROW 5

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

/* `%folded%` for LIKE ... ESCAPE '\', so % and _ in q are literal. */
static char *like_pattern(const char *folded)
{
	char *like = malloc(strlen(folded) * 2 + 3);
	size_t j, k = 0;

	if (!like)
		return NULL;
	like[k++] = '%';
	for (j = 0; folded[j]; j++) {
		if (folded[j] == '%' || folded[j] == '_' || folded[j] == '\\')
			like[k++] = '\\';
		like[k++] = folded[j];
	}
	like[k++] = '%';
	like[k] = '\0';
	return like;
}

/* The trigrams of folded (valid UTF-8, vn_fold's promise) as an FTS5 query
 * of quoted strings, `"ngu" "guy" "uye" "yen"` (an implicit AND).  Quoting,
 * with "" for a quote, makes every byte of the user's text a literal: NEAR,
 * OR, *, -, ^ and : mean nothing inside a string.  NULL when q is shorter
 * than a trigram or memory runs out (*oom says which). */
static char *trigram_match(const char *folded, int *oom)
{
	size_t len = strlen(folded), i, n = 0, *at = malloc((len + 1) * sizeof(*at)), k = 0, t;
	char *match = malloc(len * 9 + 1);

	*oom = !at || !match;
	for (i = 0; at && i < len; i++)
		if (((unsigned char)folded[i] & 0xC0) != 0x80)
			at[n++] = i;
	if (*oom || n < 3) {
		free(at);
		free(match);
		return NULL;
	}
	at[n] = len;
	/* At most 9 bytes per byte of q: each byte is in up to 3 trigrams,
	 * doubled if a quote, and each trigram adds two quotes and a space. */
	for (t = 0; t + 3 <= n; t++) {
		match[k++] = '"';
		for (i = at[t]; i < at[t + 3]; i++) {
			if (folded[i] == '"')
				match[k++] = '"';
			match[k++] = folded[i];
		}
		match[k++] = '"';
		match[k++] = ' ';
	}
	match[k - 1] = '\0';
	free(at);
	return match;
}

static int out_of_budget(void *ud)
{
	long *left = ud;

	return --*left < 0;
}

/* One plan: the page after the cursor, with the index's candidates when
 * match is given.  0 answered, 1 the scan's budget ran out (nothing sent),
 * -1 answered with an error. */
static int run_plan(sim_request *rq, sim_response *rs, const where *w, const char *match,
		    long limit, long budget)
{
	char sql[4096];
	sqlite3_stmt *st = NULL;
	json_t *items = NULL;
	long long ct = 0, cn = 0;
	int i, n = 0, rc, base = match ? 1 : 0, result;

	snprintf(sql, sizeof(sql), "SELECT " SIM_DOSSIER_COLS " FROM dossiers d WHERE %s%s"
		 " ORDER BY d.submitted_at DESC, d.n DESC LIMIT %ld",
		 match ? "d.n IN (SELECT rowid FROM dossiers_fts WHERE dossiers_fts MATCH ?) AND " : "",
		 w->sql, limit + 1);
	if (sqlite3_prepare_v2(rq->db, sql, -1, &st, NULL) != SQLITE_OK) {
		sim_reply_problem(rs, 500, "internal", "%s", sqlite3_errmsg(rq->db));
		result = -1;
		goto cleanup;
	}
	if (match)
		sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
	for (i = 0; i < w->n; i++)
		sqlite3_bind_text(st, base + i + 1, w->binds[i], -1, SQLITE_STATIC);
	if (budget > 0)
		sqlite3_progress_handler(rq->db, PROGRESS_OPS, out_of_budget, &budget);
	items = json_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == limit) {
			char next[48];
			snprintf(next, sizeof(next), "k%llx.%llx", (unsigned long long)ct, (unsigned long long)cn);
			sim_reply_json(rs, 200, json_pack("{s:o, s:s}", "items", items, "next_cursor", next));
			items = NULL;
			result = 0;
			goto cleanup;
		}
		ct = sqlite3_column_int64(st, 12);
		cn = sqlite3_column_int64(st, 0);
		json_array_append_new(items, sim_dossier_json(rq, st, 0));
		n++;
	}
	if (rc == SQLITE_INTERRUPT && budget < 0) {
		result = 1;
		goto cleanup;
	}
	if (rc != SQLITE_DONE) {
		sim_reply_problem(rs, 500, "internal", "%s", sqlite3_errmsg(rq->db));
		result = -1;
		goto cleanup;
	}
	sim_reply_json(rs, 200, json_pack("{s:o, s:n}", "items", items, "next_cursor"));
	items = NULL;
	result = 0;
cleanup:
	/* Connections go back to the pool: never leave the handler behind. */
	sqlite3_progress_handler(rq->db, 0, NULL, NULL);
	sqlite3_finalize(st);
	json_decref(items);
	return result;
}

int sim_h_search(sim_request *rq, sim_response *rs)
{
	const char *q = sim_query(rq, "q"), *state = sim_query(rq, "state");
	const char *agency = sim_query(rq, "agency_id"), *assignee = sim_query(rq, "assignee_id");
	const char *overdue = sim_query(rq, "overdue"), *limit_s = sim_query(rq, "limit");
	const char *cursor = sim_query(rq, "cursor");
	char *vis = NULL, *folded = NULL, *like = NULL, *match = NULL;
	char now_s[24], cur_t[24], cur_n[24];
	long limit = SEARCH_DEFAULT;
	long long ct = 0, cn = 0;
	where w;
	int oom = 0, r;

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
		folded = vn_fold(q);
		like = folded ? like_pattern(folded) : NULL;
		match = like ? trigram_match(folded, &oom) : NULL;
		if (!folded || !like || oom) {
			r = sim_reply_problem(rs, 500, "internal", "out of memory");
			goto cleanup;
		}
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
	r = run_plan(rq, rs, &w, NULL, limit,
		     match ? SCAN_ROWS * OPS_PER_ROW / PROGRESS_OPS : 0);
	if (r == 1)
		r = run_plan(rq, rs, &w, match, limit, 0);
	(void)r;
cleanup:
	free(vis);
	free(folded);
	free(like);
	free(match);
	return rs->status;
}
