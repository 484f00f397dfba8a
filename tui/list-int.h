/*
 * The inside of the virtual list (tui_list), shared by list.c (rows,
 * the visible window, drawing) and list-keys.c (keys, tags, the '/'
 * filter), and by nobody else: the rest of the tui and the screens use
 * only tui.h.
 */
#ifndef EGOV_TUI_LIST_INT_H
#define EGOV_TUI_LIST_INT_H

#include "tui-int.h"

#define LIST_MAX_DIRTY 8

struct tui_list {
	struct tui_column cols[TUI_LIST_MAX_COLS];
	int ncols;
	struct tui_list_source src;
	void *ud;
	struct tui_list_view v;
	int width;
	int widths[TUI_LIST_MAX_COLS];
	struct tui_row *rows;	/* the visible window */
	size_t nrows, rows_cap;
	size_t win_first;
	int win_valid;
	/* Rows to repaint in a partial draw: several moves may come in one
	 * batch (held-down keys), so they accumulate until drawn. */
	long dirty[LIST_MAX_DIRTY];
	int ndirty;
	int dirty_overflow;	/* too many: repaint every visible row */
	int header_dirty;
	int cursor_row;
	char filter[256];
	int filtering;
	int sort_col, sort_desc;
	int bar_cols;		/* columns the selection bar covers; 0 all */
	char **tags;
	size_t ntags, tags_cap;
};

/* Repaint row (an index into the data) in the next partial draw. */
void tui_list_mark_dirty(tui_list *l, size_t row);
/* After a change of selection from old_sel: the flags to return (the
 * two rows, or the whole body after a scroll). */
int tui_list_moved(tui_list *l, size_t old_sel, int scrolled);

#endif
