/*
 * A table of text held in memory, as a source for the tui's list: the
 * ranking, the workload, an officer's dossiers and the procedures
 * catalogue are a few hundred rows at most, so they are built whole, then
 * filtered and sorted here.
 *
 * Each cell may carry a number beside its text ("87,5 %" sorts as 0.875,
 * "—" as nothing, always last); a column with numbers sorts by them,
 * others sort the Vietnamese way (vn_collate).  The '/' filter matches any
 * cell without case or diacritics (vn_fold: "dong da" finds "Đống Đa").
 * The same table is what export.c writes as CSV, so a list exported is
 * exactly the list seen, in its order, filtered as shown.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screens.h"
#include "table.h"
#include "vntext.h"

struct table_row {
	char *id;
	int style;
	char *cell[TUI_LIST_MAX_COLS];
	double num[TUI_LIST_MAX_COLS];	/* NaN-free: has_num says */
	unsigned has_num;		/* bit per column */
	char *folded;			/* every cell folded, for the filter */
};

void table_init(struct table *tb, const struct tui_column *cols, int ncols)
{
	memset(tb, 0, sizeof *tb);
	tb->cols = cols;
	tb->ncols = ncols > TUI_LIST_MAX_COLS ? TUI_LIST_MAX_COLS : ncols;
	tb->sort_col = -1;
}

static void row_release(struct table_row *r)
{
	int c;

	free(r->id);
	for (c = 0; c < TUI_LIST_MAX_COLS; c++)
		free(r->cell[c]);
	free(r->folded);
}

void table_clear(struct table *tb)
{
	size_t i;

	for (i = 0; i < tb->n; i++)
		row_release(&tb->rows[i]);
	free(tb->rows);
	free(tb->view);
	tb->rows = NULL;
	tb->view = NULL;
	tb->n = tb->cap = tb->nview = 0;
}

void table_release(struct table *tb)
{
	table_clear(tb);
}

long table_add(struct table *tb, const char *id)
{
	struct table_row *r;

	if (tb->n == tb->cap) {
		size_t cap = tb->cap ? tb->cap * 2 : 32;
		struct table_row *grown = realloc(tb->rows, cap * sizeof *grown);

		if (grown == NULL)
			return -1;
		tb->rows = grown;
		tb->cap = cap;
	}
	r = &tb->rows[tb->n];
	memset(r, 0, sizeof *r);
	r->id = strdup(id ? id : "");
	if (r->id == NULL)
		return -1;
	return (long)tb->n++;
}

int table_set(struct table *tb, long row, int col, const char *text)
{
	struct table_row *r = &tb->rows[row];
	char *copy = strdup(text ? text : "");

	if (copy == NULL || col < 0 || col >= tb->ncols) {
		free(copy);
		return -1;
	}
	free(r->cell[col]);
	r->cell[col] = copy;
	return 0;
}

int table_set_num(struct table *tb, long row, int col, const char *text, double num)
{
	if (table_set(tb, row, col, text) < 0)
		return -1;
	if (num >= 0) {
		tb->rows[row].num[col] = num;
		tb->rows[row].has_num |= 1u << col;
	}
	return 0;
}

void table_set_style(struct table *tb, long row, int style)
{
	tb->rows[row].style = style;
}

const char *table_cell(const struct table *tb, size_t vrow, int col)
{
	const char *s = tb->rows[tb->view[vrow]].cell[col];

	return s ? s : "";
}

const char *table_id(const struct table *tb, size_t vrow)
{
	return tb->rows[tb->view[vrow]].id;
}

/* ---- the view: filter and sort -------------------------------------------- */

static const struct table *sorting;	/* qsort has no user pointer */

static int compare_rows(const void *pa, const void *pb)
{
	const struct table *tb = sorting;
	const struct table_row *a = &tb->rows[*(const size_t *)pa];
	const struct table_row *b = &tb->rows[*(const size_t *)pb];
	int c = tb->sort_col, r;
	unsigned bit = 1u << c;

	if ((a->has_num | b->has_num) & bit) {
		/* Rows with nothing to rate go last in either direction. */
		if (!(a->has_num & bit) || !(b->has_num & bit))
			return (a->has_num & bit) ? -1 : 1;
		r = a->num[c] < b->num[c] ? -1 : a->num[c] > b->num[c];
	} else {
		r = vn_collate(a->cell[c] ? a->cell[c] : "", b->cell[c] ? b->cell[c] : "");
	}
	if (tb->sort_desc)
		r = -r;
	if (r == 0)	/* stable: keep the order the rows were built in */
		r = (a > b) - (a < b);
	return r;
}

static char *fold_row(const struct table *tb, const struct table_row *r)
{
	size_t len = 1;
	char *all, *folded;
	int c;

	for (c = 0; c < tb->ncols; c++)
		len += (r->cell[c] ? strlen(r->cell[c]) : 0) + 1;
	all = malloc(len);
	if (all == NULL)
		return NULL;
	all[0] = '\0';
	for (c = 0; c < tb->ncols; c++) {
		strcat(all, r->cell[c] ? r->cell[c] : "");
		strcat(all, "\t");
	}
	folded = vn_fold(all);
	free(all);
	return folded;
}

int table_build_view(struct table *tb)
{
	char *want = vn_fold(tb->filter);
	size_t i;

	free(tb->view);
	tb->nview = 0;
	tb->view = malloc((tb->n ? tb->n : 1) * sizeof *tb->view);
	if (tb->view == NULL || want == NULL) {
		free(want);
		return -1;
	}
	for (i = 0; i < tb->n; i++) {
		struct table_row *r = &tb->rows[i];

		if (*want != '\0') {
			if (r->folded == NULL)
				r->folded = fold_row(tb, r);
			if (r->folded == NULL || strstr(r->folded, want) == NULL)
				continue;
		}
		tb->view[tb->nview++] = i;
	}
	free(want);
	if (tb->sort_col >= 0 && tb->sort_col < tb->ncols) {
		sorting = tb;
		qsort(tb->view, tb->nview, sizeof *tb->view, compare_rows);
		sorting = NULL;
	}
	return 0;
}

void table_sort(struct table *tb, int col, int desc)
{
	tb->sort_col = col;
	tb->sort_desc = desc;
	table_build_view(tb);
}

/* ---- filling from the cache ------------------------------------------------- */

int table_each_queue_row(ecache *c, ecache_queue q, const char *user_id,
			 int (*fn)(const ecache_row *r, void *ud), void *ud)
{
	enum { WINDOW = 500 };
	ecache_rows rows;
	char after[512] = "";
	int got, i, rc = 0;

	ecache_rows_init(&rows);
	do {
		got = ecache_queue_window(c, q, user_id, ECACHE_SORT_DUE, after, WINDOW, &rows);
		if (got < 0)
			rc = -1;
		for (i = 0; i < got && rc == 0; i++)
			rc = fn(&rows.rows[i], ud);
		if (got > 0)
			snprintf(after, sizeof after, "%s", rows.rows[got - 1].key);
	} while (got == WINDOW && rc == 0);
	ecache_rows_release(&rows);
	return rc;
}

/* ---- as a list source ------------------------------------------------------- */

static size_t src_count(void *ud)
{
	return ((struct table *)ud)->nview;
}

static size_t src_fetch(void *ud, size_t first, size_t n, struct tui_row *rows)
{
	struct table *tb = ud;
	size_t k;
	int c;

	for (k = 0; k < n && first + k < tb->nview; k++) {
		const struct table_row *r = &tb->rows[tb->view[first + k]];

		tui_row_set_id(&rows[k], r->id);
		for (c = 0; c < tb->ncols; c++)
			tui_row_set_cell(&rows[k], c, r->cell[c] ? r->cell[c] : "");
		rows[k].style = r->style;
	}
	return k;
}

static void src_set_query(void *ud, const char *filter, int sort_col, int sort_desc)
{
	struct table *tb = ud;

	snprintf(tb->filter, sizeof tb->filter, "%s", filter ? filter : "");
	tb->sort_col = sort_col;
	tb->sort_desc = sort_desc;
	table_build_view(tb);
}

static long src_index_of(void *ud, const char *id)
{
	struct table *tb = ud;
	size_t i;

	for (i = 0; i < tb->nview; i++)
		if (strcmp(tb->rows[tb->view[i]].id, id) == 0)
			return (long)i;
	return -1;
}

const struct tui_list_source table_source = {
	src_count, src_fetch, src_set_query, src_index_of
};
