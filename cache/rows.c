/*
 * List rows: what a queue window or a search hands the console for each
 * line, and the keys that mark a position in a sorted queue.
 *
 * A key is "<sort value>:<rowid>": the value of the sort column (a number
 * for dates, hex for the name sort key and the dossier number) and the
 * rowid that breaks ties.  It survives changes to the data: the next window
 * starts after that position even if the row itself has gone.  Working
 * days left are computed here, for the few visible rows only, from the
 * cached calendar.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

_Static_assert(EAPI_STATE_SUBMITTED == 0 && EAPI_STATE_RECEIVED == 1 &&
	       EAPI_STATE_REFUSED == 2 && EAPI_STATE_IN_PROGRESS == 3 &&
	       EAPI_STATE_PENDING_APPROVAL == 4 && EAPI_STATE_SUPPLEMENT_REQUESTED == 5 &&
	       EAPI_STATE_WITHDRAWN == 6 && EAPI_STATE_STOPPED == 7 &&
	       EAPI_STATE_RESULT_READY == 8 && EAPI_STATE_RETURNED == 9,
	       "the SQL state lists assume the contract's order of states");

void
ecache_rows_init(ecache_rows *r)
{
	r->rows = NULL;
	r->n = 0;
}

static void
row_release(ecache_row *w)
{
	free(w->id); free(w->code); free(w->applicant_name); free(w->procedure_name);
	free(w->subject); free(w->assignee_id); free(w->key);
}

void
ecache_rows_release(ecache_rows *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->n; i++)
		row_release(&r->rows[i]);
	free(r->rows);
	ecache_rows_init(r);
}

static char *
hex_key(const unsigned char *p, size_t n, long long rowid)
{
	static const char digits[] = "0123456789abcdef";
	char *out = malloc(n * 2 + 24);
	size_t i;

	if (!out)
		return NULL;
	for (i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	sprintf(out + 2 * n, ":%lld", rowid);
	return out;
}

static char *
make_key(sqlite3_stmt *st, int sort, long long rowid)
{
	char buf[64];

	switch (sort & 0xff) {
	case ECACHE_SORT_APPLICANT:
		return hex_key(sqlite3_column_blob(st, 13),
			       (size_t)sqlite3_column_bytes(st, 13), rowid);
	case ECACHE_SORT_CODE:
		return hex_key(sqlite3_column_text(st, 2),
			       (size_t)sqlite3_column_bytes(st, 2), rowid);
	case ECACHE_SORT_RECEIVED:
		snprintf(buf, sizeof buf, "%lld:%lld", sqlite3_column_int64(st, 8), rowid);
		return strdup(buf);
	default:
		snprintf(buf, sizeof buf, "%lld:%lld", sqlite3_column_int64(st, 9), rowid);
		return strdup(buf);
	}
}

/* Working days from today to a due day, remembered per day for one fill:
 * the calendar sum walks the days between, and a search of a thousand
 * rows has a few hundred due days at most. */
#define WDL_MEMO 128
struct wdl_memo {
	egov_day day[WDL_MEMO];
	int left[WDL_MEMO];
	unsigned char set[WDL_MEMO];
};

static int
days_left(struct wdl_memo *m, const egov_calendar *cal, egov_day today, egov_day due)
{
	unsigned slot = (unsigned)due % WDL_MEMO;

	if (!m->set[slot] || m->day[slot] != due) {
		m->day[slot] = due;
		m->left[slot] = egov_working_days_between(cal, today, due);
		m->set[slot] = 1;
	}
	return m->left[slot];
}

int
ecache_rows_fill(ecache *c, sqlite3_stmt *st, int sort, int reverse, ecache_rows *out)
{
	const egov_calendar *cal = ecache_calendar(c);
	time_t now = ecache_now(c);
	egov_day today = egov_day_of(now);
	struct wdl_memo memo;
	size_t cap = 0, i;
	int rc;

	memset(memo.set, 0, sizeof memo.set);

	ecache_rows_release(out);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ecache_row *w;
		long long rowid = sqlite3_column_int64(st, 0), due;
		if (out->n == cap) {
			ecache_row *more = realloc(out->rows, (cap = cap ? cap * 2 : 64) * sizeof *more);
			if (!more)
				goto nomem;
			out->rows = more;
		}
		w = &out->rows[out->n];
		memset(w, 0, sizeof *w);
		out->n++;
		w->id = ecache_strdup((const char *)sqlite3_column_text(st, 1));
		w->code = ecache_strdup((const char *)sqlite3_column_text(st, 2));
		w->applicant_name = ecache_strdup((const char *)sqlite3_column_text(st, 3));
		w->procedure_name = ecache_strdup((const char *)sqlite3_column_text(st, 4));
		w->subject = ecache_strdup((const char *)sqlite3_column_text(st, 5));
		w->assignee_id = ecache_strdup((const char *)sqlite3_column_text(st, 6));
		w->state = (eapi_state)sqlite3_column_int(st, 7);
		w->received_at = (time_t)sqlite3_column_int64(st, 8);
		due = sqlite3_column_int64(st, 9);
		w->has_due = due != ECACHE_DUE_NONE;
		w->due_at = w->has_due ? (time_t)due : 0;
		if (w->has_due && cal)
			w->working_days_left = days_left(&memo, cal, today, egov_day_of(w->due_at));
		w->overdue = w->has_due && w->due_at < now &&
			     strchr(ECACHE_OVERDUE_STATES, '0' + (int)w->state) != NULL;
		w->pending = sqlite3_column_int(st, 10);
		w->conflict = sqlite3_column_int(st, 11) > 0;
		w->version = sqlite3_column_int64(st, 12);
		w->key = make_key(st, sort, rowid);
		if (!w->id || !w->code || !w->key)
			goto nomem;
	}
	if (rc != SQLITE_DONE) {
		ecache_sqlerr(c, "reading rows");
		ecache_rows_release(out);
		return -1;
	}
	if (reverse) {
		for (i = 0; i < out->n / 2; i++) {
			ecache_row t = out->rows[i];
			out->rows[i] = out->rows[out->n - 1 - i];
			out->rows[out->n - 1 - i] = t;
		}
	}
	return (int)out->n;
nomem:
	ecache_seterr(c, "out of memory");
	ecache_rows_release(out);
	return -1;
}
