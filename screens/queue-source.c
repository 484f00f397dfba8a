/*
 * A cache queue as a source for the tui's virtual list, by keyset windows.
 *
 * The list asks for rows by position ("rows 4,980 to 5,000"); the cache
 * reads by keyset ("the 20 rows after this key"), whose cost does not grow
 * with the queue or the depth.  This file keeps a window of at most
 * QS_CAP consecutive rows with their keys and moves it: a step or a page
 * extends it forward or backward from its edge keys, Home reads from the
 * top, End reads the last rows backwards.  Only a jump far into the middle
 * walks there in chunks, which the list's keys never ask for.  So a queue
 * of 100,000 dossiers costs what a queue of 10 does.
 *
 * The '/' filter runs the cache's diacritic-free search (at most
 * QS_FILTER_MAX matches), keeps the rows that belong to this queue and
 * sorts them here; a filter is there to narrow, so a bounded answer is
 * what a person needs.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "queue-source.h"
#include "vntext.h"

#define QS_CHUNK 64
#define QS_CAP 512
#define QS_FAR 2048
#define QS_FILTER_MAX 1000

void qsrc_init(struct qsrc *q, ecache_queue queue, const char *user_id)
{
	memset(q, 0, sizeof *q);
	q->queue = queue;
	q->user_id = user_id;
	q->sort = ECACHE_SORT_DUE;
	q->count = -1;
}

/* The strings of one row (cache.h: a row owns them). */
static void row_free(ecache_row *r)
{
	free(r->id);
	free(r->code);
	free(r->applicant_name);
	free(r->procedure_name);
	free(r->subject);
	free(r->assignee_id);
	free(r->key);
}

static void window_drop(struct qsrc *q)
{
	ecache_rows tmp = { q->rows, q->n };

	ecache_rows_release(&tmp);
	q->rows = NULL;
	q->n = 0;
	q->first = 0;
}

void qsrc_release(struct qsrc *q)
{
	window_drop(q);
	ecache_rows_release(&q->found);
}

static int filtering(const struct qsrc *q)
{
	return q->filter[0] != '\0';
}

/* Move the rows of got into the window, before or after it. */
static int window_add(struct qsrc *q, ecache_rows *got, int at_front)
{
	ecache_row *grown;

	if (got->n == 0)
		return 0;
	grown = realloc(q->rows, (q->n + got->n) * sizeof *grown);
	if (grown == NULL)
		return -1;
	q->rows = grown;
	if (at_front) {
		memmove(q->rows + got->n, q->rows, q->n * sizeof *q->rows);
		memcpy(q->rows, got->rows, got->n * sizeof *q->rows);
		q->first -= got->n;
	} else {
		memcpy(q->rows + q->n, got->rows, got->n * sizeof *q->rows);
	}
	q->n += got->n;
	got->n = 0;		/* the strings now belong to the window */
	return 0;
}

/* Free rows [from, from+k) of the window and close the gap. */
static void window_cut(struct qsrc *q, size_t from, size_t k)
{
	size_t i;

	for (i = from; i < from + k; i++)
		row_free(&q->rows[i]);
	memmove(q->rows + from, q->rows + from + k,
		(q->n - from - k) * sizeof *q->rows);
	q->n -= k;
	if (from == 0)
		q->first += k;
}

static int read_after(struct qsrc *q, const char *key, int limit, ecache_rows *out)
{
	return ecache_queue_window(q->cache, q->queue, q->user_id, q->sort,
				   key, limit, out);
}

static int read_before(struct qsrc *q, const char *key, int limit, ecache_rows *out)
{
	return ecache_queue_window_before(q->cache, q->queue, q->user_id,
					  q->sort, key, limit, out);
}

/* Make the window cover [first, first+n) as far as the queue goes. */
static void window_cover(struct qsrc *q, size_t first, size_t n)
{
	size_t count = q->count > 0 ? (size_t)q->count : 0;
	size_t end = first + n < count ? first + n : count;
	ecache_rows got;

	ecache_rows_init(&got);
	if (q->n > 0 && (first > q->first + q->n + QS_FAR ||
			 first + QS_FAR < q->first))
		window_drop(q);
	if (q->n == 0) {
		if (first <= count / 2 || first < QS_FAR) {
			if (read_after(q, NULL, (int)(end < QS_CHUNK ? QS_CHUNK : end),
				       &got) > 0) {
				q->first = 0;
				window_add(q, &got, 0);
			}
		} else {
			int lim = (int)(count - first < QS_CHUNK ? QS_CHUNK : count - first);

			if (read_before(q, NULL, lim, &got) > 0) {
				q->first = count >= got.n ? count - got.n : 0;
				window_add(q, &got, 0);
			}
		}
	}
	while (q->n > 0 && q->first + q->n < end) {
		size_t want = end - (q->first + q->n);
		int r = read_after(q, q->rows[q->n - 1].key,
				   (int)(want < QS_CHUNK ? QS_CHUNK : want), &got);

		if (r <= 0 || window_add(q, &got, 0) < 0)
			break;
		if (q->n > QS_CAP && q->first + QS_CHUNK < first)
			window_cut(q, 0, q->n - QS_CAP < first - q->first ?
				   q->n - QS_CAP : first - q->first);
	}
	while (q->n > 0 && q->first > first) {
		size_t want = q->first - first;
		int r = read_before(q, q->rows[0].key,
				    (int)(want < QS_CHUNK ? QS_CHUNK : want), &got);

		if (r <= 0 || got.n > q->first || window_add(q, &got, 1) < 0)
			break;
		if (q->n > QS_CAP && q->first + q->n > end + QS_CHUNK) {
			size_t extra = q->first + q->n - end;

			if (extra > q->n - QS_CAP)
				extra = q->n - QS_CAP;
			window_cut(q, q->n - extra, extra);
		}
	}
	ecache_rows_release(&got);
}

static size_t src_count(void *ud)
{
	struct qsrc *q = ud;

	if (filtering(q))
		return q->found.n;
	if (q->count < 0)
		q->count = q->cache ? ecache_queue_count(q->cache, q->queue, q->user_id) : 0;
	return q->count > 0 ? (size_t)q->count : 0;
}

static void fill_row(struct qsrc *q, const ecache_row *r, struct tui_row *out)
{
	q->format(q->format_ud, r, out);
}

static size_t src_fetch(void *ud, size_t first, size_t n, struct tui_row *rows)
{
	struct qsrc *q = ud;
	size_t k = 0;

	if (filtering(q)) {
		for (; k < n && first + k < q->found.n; k++)
			fill_row(q, &q->found.rows[first + k], &rows[k]);
		return k;
	}
	if (q->cache == NULL)
		return 0;
	window_cover(q, first, n);
	for (; k < n; k++) {
		size_t i = first + k;

		if (i < q->first || i >= q->first + q->n)
			break;
		fill_row(q, &q->rows[i - q->first], &rows[k]);
	}
	return k;
}

/* Queue membership of a search hit, as the cache's queues define it. */
static int row_in_queue(const struct qsrc *q, const ecache_row *r)
{
	int active = !eapi_state_is_terminal(r->state);
	int mine = r->assignee_id && q->user_id && strcmp(r->assignee_id, q->user_id) == 0;

	switch (q->queue) {
	case ECACHE_Q_ALL: return 1;
	case ECACHE_Q_ACTIVE: return active;
	case ECACHE_Q_NEW_ONLINE: return r->state == EAPI_STATE_SUBMITTED;
	case ECACHE_Q_RECEIVED: return r->state == EAPI_STATE_RECEIVED;
	case ECACHE_Q_IN_PROGRESS:
	case ECACHE_Q_SUPPLEMENT_RECEIVED: return r->state == EAPI_STATE_IN_PROGRESS;
	case ECACHE_Q_DUE_SOON:
		return active && r->state != EAPI_STATE_RESULT_READY && r->has_due &&
			!r->overdue && r->working_days_left >= 0 && r->working_days_left <= 2;
	case ECACHE_Q_OVERDUE: return r->overdue;
	case ECACHE_Q_SUPPLEMENT_WAIT: return r->state == EAPI_STATE_SUPPLEMENT_REQUESTED;
	case ECACHE_Q_PENDING_APPROVAL: return r->state == EAPI_STATE_PENDING_APPROVAL;
	case ECACHE_Q_RESULT_READY: return r->state == EAPI_STATE_RESULT_READY;
	case ECACHE_Q_MINE: return mine && active;
	case ECACHE_Q_UNASSIGNED:
		return r->assignee_id == NULL && (r->state == EAPI_STATE_RECEIVED ||
						  r->state == EAPI_STATE_IN_PROGRESS);
	case ECACHE_Q_UNSENT: return r->pending;
	case ECACHE_Q_COUNT: break;
	}
	return 0;
}

static int sort_mode;

static int cmp_rows(const void *pa, const void *pb)
{
	const ecache_row *a = pa, *b = pb;
	int desc = sort_mode & ECACHE_SORT_DESC, r = 0;

	switch (sort_mode & 0xff) {
	case ECACHE_SORT_DUE:
		if (a->has_due != b->has_due)
			return a->has_due ? -1 : 1;	/* none last, both ways */
		r = (a->due_at > b->due_at) - (a->due_at < b->due_at);
		break;
	case ECACHE_SORT_RECEIVED:
		r = (a->received_at > b->received_at) - (a->received_at < b->received_at);
		break;
	case ECACHE_SORT_APPLICANT:
		r = vn_name_collate(a->applicant_name ? a->applicant_name : "",
				    b->applicant_name ? b->applicant_name : "");
		break;
	default:
		break;
	}
	if (r == 0)
		r = strcmp(a->code ? a->code : "", b->code ? b->code : "");
	return desc ? -r : r;
}

static void run_filter(struct qsrc *q)
{
	ecache_rows all;
	size_t i, kept = 0;

	ecache_rows_release(&q->found);
	ecache_rows_init(&all);
	if (q->cache == NULL ||
	    ecache_search(q->cache, q->filter, QS_FILTER_MAX, &all) < 0) {
		ecache_rows_release(&all);
		return;
	}
	for (i = 0; i < all.n; i++) {
		if (row_in_queue(q, &all.rows[i])) {
			if (kept != i) {
				ecache_row tmp = all.rows[kept];

				all.rows[kept] = all.rows[i];
				all.rows[i] = tmp;
			}
			kept++;
		}
	}
	for (i = kept; i < all.n; i++)
		row_free(&all.rows[i]);
	all.n = kept;
	sort_mode = q->sort;
	qsort(all.rows, kept, sizeof *all.rows, cmp_rows);
	q->found = all;
}

int qsrc_sort_of_column(int col)
{
	switch (col) {
	case 0: return ECACHE_SORT_DUE;
	case 1: return ECACHE_SORT_CODE;
	case 2: return ECACHE_SORT_APPLICANT;
	default: return ECACHE_SORT_RECEIVED;
	}
}

static void src_query(void *ud, const char *filter, int sort_col, int sort_desc)
{
	struct qsrc *q = ud;

	q->sort = qsrc_sort_of_column(sort_col) | (sort_desc ? ECACHE_SORT_DESC : 0);
	snprintf(q->filter, sizeof q->filter, "%s", filter ? filter : "");
	window_drop(q);
	q->count = -1;
	if (filtering(q))
		run_filter(q);
}

static long src_index_of(void *ud, const char *id)
{
	struct qsrc *q = ud;
	size_t i;

	if (filtering(q)) {
		for (i = 0; i < q->found.n; i++)
			if (strcmp(q->found.rows[i].id, id) == 0)
				return (long)i;
		return -1;
	}
	for (i = 0; i < q->n; i++)
		if (strcmp(q->rows[i].id, id) == 0)
			return (long)(q->first + i);
	return -1;
}

const struct tui_list_source qsrc_source = {
	src_count, src_fetch, src_query, src_index_of
};

void qsrc_changed(struct qsrc *q)
{
	/* Keep the window's edge for index_of, then read afresh: the list
	 * asks index_of before fetching again. */
	q->count = -1;
	if (filtering(q))
		run_filter(q);
}

void qsrc_reload(struct qsrc *q)
{
	window_drop(q);
}

const ecache_row *qsrc_row(const struct qsrc *q, const char *id)
{
	size_t i;

	if (id == NULL)
		return NULL;
	if (filtering(q)) {
		for (i = 0; i < q->found.n; i++)
			if (strcmp(q->found.rows[i].id, id) == 0)
				return &q->found.rows[i];
		return NULL;
	}
	for (i = 0; i < q->n; i++)
		if (strcmp(q->rows[i].id, id) == 0)
			return &q->rows[i];
	return NULL;
}
