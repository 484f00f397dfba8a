/*
 * The virtual list: 100,000 dossiers drawn as cheaply as 10.
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
 * Tags are kept by row id (a sorted array), so they survive filtering,
 * sorting and refreshes.  The '/' filter is handed to the source, which
 * may run a query per keystroke.  The hardware cursor is left on the
 * selected row for screen readers.
 */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

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

static void mark_dirty(tui_list *l, size_t row)
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
static int moved(tui_list *l, size_t old_sel, int scrolled)
{
	if (scrolled)
		return TUI_REDRAW;
	if (old_sel == l->v.sel)
		return TUI_HANDLED;
	mark_dirty(l, old_sel);
	mark_dirty(l, l->v.sel);
	return TUI_REDRAW_ROWS;
}

/* ---- tags ---------------------------------------------------------------- */

static int tag_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char **tag_find(const tui_list *l, const char *id)
{
	return l->ntags ? bsearch(&id, l->tags, l->ntags, sizeof *l->tags,
				  tag_cmp) : NULL;
}

int tui_list_is_tagged(const tui_list *l, const char *id)
{
	return tag_find(l, id) != NULL;
}

static void tag_toggle(tui_list *l, const char *id)
{
	char **at = tag_find(l, id);
	size_t i;

	if (at != NULL) {
		free(*at);
		i = (size_t)(at - l->tags);
		memmove(at, at + 1, (l->ntags - i - 1) * sizeof *at);
		l->ntags--;
		return;
	}
	if (l->ntags == l->tags_cap) {
		size_t cap = l->tags_cap ? l->tags_cap * 2 : 16;
		char **t = realloc(l->tags, cap * sizeof *t);

		if (t == NULL)
			return;
		l->tags = t;
		l->tags_cap = cap;
	}
	for (i = l->ntags; i > 0 && strcmp(l->tags[i - 1], id) > 0; i--)
		l->tags[i] = l->tags[i - 1];
	l->tags[i] = strdup(id);
	if (l->tags[i] == NULL) {
		memmove(&l->tags[i], &l->tags[i + 1],
			(l->ntags - i) * sizeof *l->tags);
		return;
	}
	l->ntags++;
}

size_t tui_list_tagged_count(const tui_list *l) { return l->ntags; }

const char *tui_list_tagged_id(const tui_list *l, size_t i)
{
	return i < l->ntags ? l->tags[i] : NULL;
}

void tui_list_untag_all(tui_list *l)
{
	size_t i;

	for (i = 0; i < l->ntags; i++)
		free(l->tags[i]);
	l->ntags = 0;
	l->header_dirty = 1;
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

/* ---- keys ---------------------------------------------------------------- */

enum list_action {
	LA_DOWN, LA_UP, LA_PGDN, LA_PGUP, LA_HOME, LA_END, LA_TAG,
	LA_UNTAG_ALL, LA_SORT, LA_SORT_REV, LA_FILTER
};

static void requery(tui_list *l)
{
	if (l->src.set_query != NULL)
		l->src.set_query(l->ud, l->filter, l->sort_col, l->sort_desc);
}

static int list_do(tui_list *l, enum list_action a)
{
	size_t old = l->v.sel;
	int i;

	switch (a) {
	case LA_DOWN: return moved(l, old, tui_view_move(&l->v, 1));
	case LA_UP: return moved(l, old, tui_view_move(&l->v, -1));
	case LA_PGDN: return moved(l, old, tui_view_page(&l->v, 1));
	case LA_PGUP: return moved(l, old, tui_view_page(&l->v, -1));
	case LA_HOME: return moved(l, old, tui_view_home(&l->v));
	case LA_END: return moved(l, old, tui_view_end(&l->v));
	case LA_TAG: {
		const char *id = tui_list_selected_id(l);

		if (id == NULL)
			return TUI_HANDLED;
		tag_toggle(l, id);
		l->header_dirty = 1;
		i = moved(l, old, tui_view_move(&l->v, 1));
		if (i == TUI_HANDLED) {	/* last row: repaint it alone */
			mark_dirty(l, old);
			i = TUI_REDRAW_ROWS;
		}
		return i;
	}
	case LA_UNTAG_ALL:
		tui_list_untag_all(l);
		return TUI_REDRAW;
	case LA_SORT:
		for (i = 0; i < l->ncols; i++) {
			l->sort_col = (l->sort_col + 1 + l->ncols) % l->ncols;
			if (l->widths[l->sort_col] > 0)
				break;
		}
		requery(l);
		tui_list_refresh(l);
		return TUI_REDRAW;
	case LA_SORT_REV:
		l->sort_desc = !l->sort_desc;
		requery(l);
		tui_list_refresh(l);
		return TUI_REDRAW;
	case LA_FILTER:
		l->filtering = 1;
		return TUI_HANDLED | TUI_DIRTY_MSG;
	}
	return TUI_UNHANDLED;
}

#define LIST_KEY(name, act)                                                  \
	static int name(tui_screen *s, int key)                              \
	{                                                                    \
		(void)key;                                                   \
		return tui_screen_list(s) ? list_do(tui_screen_list(s), act) \
					  : TUI_UNHANDLED;                   \
	}
LIST_KEY(k_down, LA_DOWN)
LIST_KEY(k_up, LA_UP)
LIST_KEY(k_pgdn, LA_PGDN)
LIST_KEY(k_pgup, LA_PGUP)
LIST_KEY(k_home, LA_HOME)
LIST_KEY(k_end, LA_END)
LIST_KEY(k_tag, LA_TAG)
LIST_KEY(k_untag, LA_UNTAG_ALL)
LIST_KEY(k_sort, LA_SORT)
LIST_KEY(k_sortrev, LA_SORT_REV)
LIST_KEY(k_filter, LA_FILTER)

const struct tui_key_binding tui_list_keys[] = {
	{ TUI_KEY_DOWN, "list-down", N_("Next row"), k_down },
	{ 'j', "list-down", N_("Next row"), k_down },
	{ TUI_KEY_UP, "list-up", N_("Previous row"), k_up },
	{ 'k', "list-up", N_("Previous row"), k_up },
	{ TUI_KEY_PGDN, "list-page-down", N_("Next page"), k_pgdn },
	{ TUI_KEY_PGUP, "list-page-up", N_("Previous page"), k_pgup },
	{ TUI_KEY_HOME, "list-home", N_("First row"), k_home },
	{ 'g', "list-home", N_("First row"), k_home },
	{ TUI_KEY_END, "list-end", N_("Last row"), k_end },
	{ 'G', "list-end", N_("Last row"), k_end },
	{ ' ', "list-tag", N_("Tag or untag the row"), k_tag },
	{ 't', "list-tag", N_("Tag or untag the row"), k_tag },
	{ 'T', "list-untag-all", N_("Untag every row"), k_untag },
	{ 's', "list-sort", N_("Sort by the next column"), k_sort },
	{ 'S', "list-sort-reverse", N_("Reverse the sort"), k_sortrev },
	{ '/', "list-filter", N_("Filter as you type"), k_filter },
	{ 0, NULL, NULL, NULL }
};

static const enum list_action list_key_actions[] = {
	LA_DOWN, LA_DOWN, LA_UP, LA_UP, LA_PGDN, LA_PGUP, LA_HOME, LA_HOME,
	LA_END, LA_END, LA_TAG, LA_TAG, LA_UNTAG_ALL, LA_SORT, LA_SORT_REV,
	LA_FILTER
};

/* Typing the filter: each change goes to the source at once. */
static int filter_key(tui_list *l, int key)
{
	size_t len = strlen(l->filter);

	if (key == TUI_KEY_ENTER) {
		l->filtering = 0;
		return TUI_HANDLED | TUI_DIRTY_MSG;
	}
	if (key == TUI_KEY_ESC) {
		l->filtering = 0;
		l->filter[0] = '\0';
	} else if (key == TUI_KEY_BACKSPACE) {
		if (len == 0)
			return TUI_HANDLED;
		while (len > 0 && (l->filter[--len] & 0xc0) == 0x80)
			;
		l->filter[len] = '\0';
	} else if (key >= ' ' && key < 0x110000 && key != 127) {
		char mb[MB_LEN_MAX];
		mbstate_t st;
		size_t n;

		memset(&st, 0, sizeof st);
		n = wcrtomb(mb, (wchar_t)key, &st);
		if (n == (size_t)-1 || len + n >= sizeof l->filter)
			return TUI_HANDLED;
		memcpy(l->filter + len, mb, n);
		l->filter[len + n] = '\0';
	} else {
		return TUI_UNHANDLED;	/* arrows still move */
	}
	requery(l);
	l->v.count = l->src.count(l->ud);
	l->v.sel = l->v.top = 0;
	l->win_valid = 0;
	return TUI_REDRAW | TUI_DIRTY_MSG;
}

int tui_list_key(tui_list *l, int key)
{
	size_t i;

	if (l->filtering)
		return filter_key(l, key);
	for (i = 0; tui_list_keys[i].action != NULL; i++)
		if (tui_binding_matches(&tui_list_keys[i], key))
			return list_do(l, list_key_actions[i]);
	return TUI_UNHANDLED;
}
