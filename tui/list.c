/*
 * The virtual list: 100,000 dossiers drawn as cheaply as 10.  This file
 * holds its rows and drawing; list-keys.c its keys, tags and '/' filter.
 *
 * Rows live in the data source (the SQLite cache, read by offset); the
 * list only asks for the visible window and formats those rows, so
 * memory and time do not grow with the data (k9s#1462, tig#958).
 *
 * Redraw is economical, as htop's Panel is: moving the selection within
 * the window repaints only the old and the new row (TUI_REDRAW_ROWS);
 * scrolling repaints the window after erase(), and ncurses, seeing the
 * lines shifted, sends a scroll instead of the rows.  Column widths depend
 * only on the terminal width, never on the data, so nothing shifts
 * sideways while moving.  Below 80 columns the columns of least priority
 * are dropped, down to 40x12.
 *
 * The hardware cursor is left on the selected row for screen readers.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "list-int.h"

/* ---- rows ---------------------------------------------------------------- */

static int set_str(char **slot, const char *text)
{
	char *copy = text ? strdup(text) : NULL;

	if (text != NULL && copy == NULL)
		return -1;
	free(*slot);
	*slot = copy;
	return 0;
}

int tui_row_set_id(struct tui_row *r, const char *id)
{
	return set_str(&r->id, id);
}

int tui_row_set_cell(struct tui_row *r, int col, const char *text)
{
	if (col < 0 || col >= TUI_LIST_MAX_COLS)
		return -1;
	return set_str(&r->cell[col], text);
}

static void row_clear(struct tui_row *r)
{
	int i;

	free(r->id);
	for (i = 0; i < TUI_LIST_MAX_COLS; i++)
		free(r->cell[i]);
	memset(r, 0, sizeof *r);
}

/* Make rows[] hold the visible window [top, top + height). */
static void fetch_window(tui_list *l)
{
	size_t want, i;

	if (l->win_valid && l->win_first == l->v.top)
		return;
	want = (size_t)l->v.height;
	if (l->v.top + want > l->v.count)
		want = l->v.count > l->v.top ? l->v.count - l->v.top : 0;
	for (i = 0; i < l->nrows; i++)
		row_clear(&l->rows[i]);
	if (want > l->rows_cap) {
		struct tui_row *r = realloc(l->rows, want * sizeof *r);

		if (r == NULL) {
			l->nrows = 0;
			return;
		}
		memset(r + l->rows_cap, 0, (want - l->rows_cap) * sizeof *r);
		l->rows = r;
		l->rows_cap = want;
	}
	l->nrows = want ? l->src.fetch(l->ud, l->v.top, want, l->rows) : 0;
	if (l->nrows > want)
		l->nrows = want;
	l->win_first = l->v.top;
	l->win_valid = 1;
}

tui_list *tui_list_new(const struct tui_column *cols, int ncols,
		       const struct tui_list_source *src, void *src_ud)
{
	tui_list *l;

	if (ncols < 1 || ncols > TUI_LIST_MAX_COLS || src == NULL)
		return NULL;
	l = calloc(1, sizeof *l);
	if (l == NULL)
		return NULL;
	memcpy(l->cols, cols, (size_t)ncols * sizeof *cols);
	l->ncols = ncols;
	l->src = *src;
	l->ud = src_ud;
	l->v.height = 1;
	l->bar_cols = 2;
	l->sort_col = -1;
	if (l->src.set_query != NULL)
		l->src.set_query(l->ud, "", -1, 0);
	l->v.count = l->src.count(l->ud);
	return l;
}

void tui_list_free(tui_list *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->nrows; i++)
		row_clear(&l->rows[i]);
	free(l->rows);
	tui_list_untag_all(l);
	free(l->tags);
	free(l);
}

void tui_list_resize(tui_list *l, int rows, int cols)
{
	l->v.height = rows - 1 > 1 ? rows - 1 : 1;
	l->width = cols;
	tui_columns_layout(l->cols, l->ncols, cols - 1, l->widths);
	tui_view_clamp(&l->v);
	l->win_valid = 0;
}

void tui_list_refresh(tui_list *l)
{
	const char *id = tui_list_selected_id(l);
	char *keep = id ? strdup(id) : NULL;

	l->v.count = l->src.count(l->ud);
	if (keep != NULL && l->src.index_of != NULL) {
		long at = l->src.index_of(l->ud, keep);

		if (at >= 0) {
			size_t off = l->v.sel - l->v.top;

			l->v.sel = (size_t)at;
			l->v.top = l->v.sel >= off ? l->v.sel - off : 0;
		}
	}
	free(keep);
	tui_view_clamp(&l->v);
	l->win_valid = 0;
	l->header_dirty = 1;
}

/* ---- drawing ------------------------------------------------------------- */

static void draw_header(tui_list *l, WINDOW *w)
{
	attr_t attr = tui_style_attr(TUI_STYLE_HEADER);
	char info[96];
	int i, x = 1, n;

	wattrset(w, attr);
	mvwhline(w, 0, 0, ' ', l->width);
	for (i = 0; i < l->ncols; i++) {
		char title[160];

		if (l->widths[i] == 0)
			continue;
		snprintf(title, sizeof title, "%s%s", _(l->cols[i].title),
			 i != l->sort_col ? "" :
			 l->sort_desc ? "\xe2\x96\xbc" : "\xe2\x96\xb2");
		tui_draw_text(w, 0, x, l->widths[i], title, l->cols[i].align,
			      attr);
		x += l->widths[i] + 1;
	}
	if (l->ntags > 0)
		n = snprintf(info, sizeof info, _(" %zu tagged "), l->ntags);
	else
		n = 0;
	if (n > 0 && n < l->width / 2)
		tui_draw_text(w, 0, l->width - n, n, info, 0,
			      tui_style_attr(TUI_STYLE_TAGGED) | A_REVERSE);
	wattrset(w, A_NORMAL);
}

static void draw_row(tui_list *l, WINDOW *w, size_t index)
{
	int y = 1 + (int)(index - l->v.top), i, x = 1, shown = 0;
	struct tui_row *r;
	attr_t attr, plain;
	int tagged;

	if (index < l->win_first || index - l->win_first >= l->nrows) {
		wmove(w, y, 0);
		wclrtoeol(w);
		return;
	}
	r = &l->rows[index - l->win_first];
	plain = tui_style_attr((enum tui_style)r->style);
	attr = plain;
	tagged = r->id != NULL && tui_list_is_tagged(l, r->id);
	if (index == l->v.sel)
		attr = (attr & ~A_COLOR) | tui_style_attr(TUI_STYLE_SELECTED);
	wattrset(w, attr);
	mvwaddstr(w, y, 0, tagged ? "*" : " ");
	for (i = 0; i < l->ncols; i++) {
		if (l->widths[i] == 0)
			continue;
		if (l->bar_cols > 0 && shown++ == l->bar_cols)
			attr = plain;
		tui_draw_text(w, y, x, l->widths[i], r->cell[i],
			      l->cols[i].align, attr);
		x += l->widths[i];
		if (x < l->width) {
			wattrset(w, l->bar_cols > 0 && shown == l->bar_cols ?
				 plain : attr);
			mvwaddch(w, y, x, ' ');
		}
		x++;
	}
	if (x < l->width) {
		wattrset(w, attr);
		mvwhline(w, y, x, ' ', l->width - x);
	}
	wattrset(w, A_NORMAL);
}

void tui_list_draw(tui_list *l, WINDOW *w, int full)
{
	size_t i;

	fetch_window(l);
	if (full || l->header_dirty)
		draw_header(l, w);
	if (full) {
		for (i = l->v.top; i < l->v.top + (size_t)l->v.height; i++)
			if (i < l->v.count)
				draw_row(l, w, i);
		if (l->v.count == 0)
			tui_draw_text(w, 1, 1, l->width - 1,
				      l->filter[0] ? _("(nothing matches the filter)")
				      : _("(empty)"), 0, A_NORMAL);
	} else if (l->dirty_overflow) {
		for (i = l->v.top; i < l->v.top + (size_t)l->v.height; i++)
			if (i < l->v.count)
				draw_row(l, w, i);
	} else {
		for (i = 0; i < (size_t)l->ndirty; i++)
			if ((size_t)l->dirty[i] < l->v.count &&
			    (size_t)l->dirty[i] >= l->v.top &&
			    (size_t)l->dirty[i] < l->v.top + (size_t)l->v.height)
				draw_row(l, w, (size_t)l->dirty[i]);
	}
	l->ndirty = 0;
	l->dirty_overflow = 0;
	l->header_dirty = 0;
	l->cursor_row = 1 + (int)(l->v.sel - l->v.top);
	wmove(w, l->cursor_row, 0);
}

void tui_list_set_bar(tui_list *l, int bar_cols)
{
	l->bar_cols = bar_cols > 0 ? bar_cols : 0;
}

int tui_list_cursor_row(const tui_list *l)
{
	return l->cursor_row;
}

void tui_list_mark_dirty(tui_list *l, size_t row)
{
	int i;

	for (i = 0; i < l->ndirty; i++)
		if (l->dirty[i] == (long)row)
			return;
	if (l->ndirty < LIST_MAX_DIRTY)
		l->dirty[l->ndirty++] = (long)row;
	else
		l->dirty_overflow = 1;
}

/* After a change of selection: the two rows, or all after a scroll. */
int tui_list_moved(tui_list *l, size_t old_sel, int scrolled)
{
	if (scrolled)
		return TUI_REDRAW;
	if (old_sel == l->v.sel)
		return TUI_HANDLED;
	tui_list_mark_dirty(l, old_sel);
	tui_list_mark_dirty(l, l->v.sel);
	return TUI_REDRAW_ROWS;
}

/* ---- state --------------------------------------------------------------- */

size_t tui_list_count(const tui_list *l) { return l->v.count; }
size_t tui_list_selected(const tui_list *l) { return l->v.sel; }
const struct tui_list_view *tui_list_view_of(const tui_list *l)
{
	return &l->v;
}
int tui_list_filtering(const tui_list *l) { return l->filtering; }
const char *tui_list_filter_text(const tui_list *l) { return l->filter; }
int tui_list_sort_col(const tui_list *l) { return l->sort_col; }
int tui_list_sort_desc(const tui_list *l) { return l->sort_desc; }

const char *tui_list_selected_id(tui_list *l)
{
	if (l->v.count == 0)
		return NULL;
	fetch_window(l);
	if (l->v.sel < l->win_first || l->v.sel - l->win_first >= l->nrows)
		return NULL;
	return l->rows[l->v.sel - l->win_first].id;
}

void tui_list_select(tui_list *l, size_t index)
{
	l->v.sel = index;
	tui_view_clamp(&l->v);
}
