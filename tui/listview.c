/*
 * The list's arithmetic, kept apart from drawing so it can be tested
 * without a terminal: where the selection and the window go on a move, a
 * page, Home and End (tui_view_*), and which columns fit a width
 * (tui_columns_layout).
 *
 * Scrolling moves the window the least that keeps the selection visible,
 * so a one-row move scrolls one row, which ncurses sends as a scroll.  A
 * page keeps one row of context and the selection's place in the window.
 * Columns are dropped in order of priority (the highest number first)
 * until the rest fit at their minimum widths; the spare cells are then
 * shared out one at a time, so widths depend on the width alone and stay
 * put while data changes.
 */
#include "config.h"

#include "tui-int.h"

void tui_view_clamp(struct tui_list_view *v)
{
	size_t h = v->height > 0 ? (size_t)v->height : 1;

	if (v->count == 0) {
		v->sel = v->top = 0;
		return;
	}
	if (v->sel >= v->count)
		v->sel = v->count - 1;
	if (v->top > v->sel)
		v->top = v->sel;
	if (v->sel >= v->top + h)
		v->top = v->sel - h + 1;
	/* No empty space below the last row when rows could fill it. */
	if (v->count >= h && v->top > v->count - h)
		v->top = v->count - h;
	if (v->count < h)
		v->top = 0;
}

int tui_view_move(struct tui_list_view *v, long delta)
{
	size_t old_top = v->top;

	if (v->count == 0)
		return 0;
	if (delta < 0 && (size_t)-delta > v->sel)
		v->sel = 0;
	else if (delta > 0 && v->sel + (size_t)delta >= v->count)
		v->sel = v->count - 1;
	else
		v->sel = (size_t)((long)v->sel + delta);
	tui_view_clamp(v);
	return v->top != old_top;
}

int tui_view_page(struct tui_list_view *v, int pages)
{
	long h = v->height > 1 ? v->height - 1 : 1;
	size_t old_top = v->top;

	if (v->count == 0)
		return 0;
	/* Scroll the window by a page, keep the selection's place in it. */
	if (pages > 0) {
		size_t off = v->sel - v->top;
		size_t max_top = v->count > (size_t)v->height ?
			v->count - (size_t)v->height : 0;

		v->top = v->top + (size_t)h > max_top ? max_top : v->top + (size_t)h;
		v->sel = v->top + off;
		if (v->top == old_top)
			v->sel = v->count - 1;
	} else {
		size_t off = v->sel - v->top;

		v->top = v->top > (size_t)h ? v->top - (size_t)h : 0;
		v->sel = v->top + off;
		if (v->top == old_top)
			v->sel = 0;
	}
	tui_view_clamp(v);
	return v->top != old_top;
}

int tui_view_home(struct tui_list_view *v)
{
	return tui_view_move(v, -(long)v->sel);
}

int tui_view_end(struct tui_list_view *v)
{
	return tui_view_move(v, (long)v->count);
}

int tui_columns_layout(const struct tui_column *cols, int ncols, int width,
		       int *widths)
{
	int shown = ncols, used, i, grew;

	for (i = 0; i < ncols; i++)
		widths[i] = cols[i].min_width > 0 ? cols[i].min_width : 1;
	for (;;) {
		int worst = -1;

		used = 0;
		for (i = 0; i < ncols; i++)
			if (widths[i] > 0)
				used += widths[i] + 1;
		used -= used > 0;
		if (used <= width || shown <= 1)
			break;
		for (i = 0; i < ncols; i++)
			if (widths[i] > 0 &&
			    (worst < 0 || cols[i].priority >= cols[worst].priority))
				worst = i;
		widths[worst] = 0;
		shown--;
	}
	if (used > width) {	/* one column, still too wide: clip it */
		for (i = 0; i < ncols; i++)
			if (widths[i] > 0)
				widths[i] = width > 1 ? width : 1;
		return shown;
	}
	/* Share the spare cells one at a time among those that may grow. */
	do {
		grew = 0;
		for (i = 0; i < ncols && used < width; i++) {
			if (widths[i] == 0 || (cols[i].max_width > 0 &&
					       widths[i] >= cols[i].max_width))
				continue;
			widths[i]++;
			used++;
			grew = 1;
		}
	} while (grew && used < width);
	return shown;
}

