/*
 * A cache queue as a tui list source, read by keyset windows
 * (queue-source.c).  The queue screen owns one; the screen formats rows.
 */
#ifndef EGOV_SCREENS_QUEUE_SOURCE_H
#define EGOV_SCREENS_QUEUE_SOURCE_H

#include "screens.h"

struct qsrc {
	ecache *cache;
	ecache_queue queue;
	const char *user_id;		/* borrowed from the session */
	int sort;			/* ecache_sort | ECACHE_SORT_DESC */
	char filter[256];
	long long count;		/* -1: count again */
	ecache_row *rows;		/* the window: rows first .. first+n-1 */
	size_t first, n;
	ecache_rows found;		/* filter matches in this queue, sorted */
	/* How a row becomes list cells (the screen decides). */
	void (*format)(void *ud, const ecache_row *r, struct tui_row *out);
	void *format_ud;
};

void qsrc_init(struct qsrc *q, ecache_queue queue, const char *user_id);
void qsrc_release(struct qsrc *q);
extern const struct tui_list_source qsrc_source;
/* The cache changed: count again (the list's refresh refetches). */
void qsrc_changed(struct qsrc *q);
/* Forget the window (after the changes moved rows around). */
void qsrc_reload(struct qsrc *q);
/* The cached row with id, if it is in the window or the matches. */
const ecache_row *qsrc_row(const struct qsrc *q, const char *id);
/* The cache sort a list column stands for. */
int qsrc_sort_of_column(int col);

#endif
