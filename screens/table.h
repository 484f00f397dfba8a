/*
 * A table of text in memory as a tui list source (table.c), and writing
 * any table, queue or report as CSV (export.c).
 */
#ifndef EGOV_SCREENS_TABLE_H
#define EGOV_SCREENS_TABLE_H

#include "screens.h"

struct table_row;

struct table {
	const struct tui_column *cols;
	int ncols;
	struct table_row *rows;
	size_t n, cap;
	size_t *view;			/* rows shown: filtered, sorted */
	size_t nview;
	char filter[256];
	int sort_col, sort_desc;
};

void table_init(struct table *tb, const struct tui_column *cols, int ncols);
void table_release(struct table *tb);
/* Drop every row (before building the table again). */
void table_clear(struct table *tb);
/* A new row; returns its index or -1 (no memory). */
long table_add(struct table *tb, const char *id);
int table_set(struct table *tb, long row, int col, const char *text);
/* A cell with a number to sort by (num < 0: nothing, sorts last). */
int table_set_num(struct table *tb, long row, int col, const char *text, double num);
void table_set_style(struct table *tb, long row, int style);
/* Apply the filter and sort again (after adding rows). */
int table_build_view(struct table *tb);
void table_sort(struct table *tb, int col, int desc);
/* Cells of the view (what the person sees, in order). */
const char *table_cell(const struct table *tb, size_t vrow, int col);
const char *table_id(const struct table *tb, size_t vrow);
extern const struct tui_list_source table_source;

/* Call fn on every row of a cache queue, in due order, reading it by
 * keyset windows; fn returns 0 to go on, -1 to stop.  0, or -1 when the
 * cache failed or fn stopped. */
int table_each_queue_row(ecache *c, ecache_queue q, const char *user_id,
			 int (*fn)(const ecache_row *r, void *ud), void *ud);

/* ---- export.c ----------------------------------------------------------- */

/* Write tb's view as RFC 4180 CSV (header of column titles, translated).
 * 0, or -1 with errno set. */
int export_table_csv(const struct table *tb, const char *path);
/* Ask for a path (proposed: ~/egov-NAME-YYYYMMDD.csv), then write tb
 * there; messages say what happened.  tb must stay while the form is open
 * (a popup: nothing can pop its screen meanwhile).  With `owned` the
 * export takes tb and frees it when done. */
void export_ask(struct console *con, struct table *tb, const char *name, int owned);

#endif
