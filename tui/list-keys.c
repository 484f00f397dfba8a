/*
 * The virtual list's keys: moving, paging, tagging, sorting and the '/'
 * filter typed as you go (list.c holds the rows and draws them).
 *
 * Tags are kept by row id in a sorted array, so they survive filtering,
 * sorting and refreshes.  Each change of the filter goes to the data
 * source at once, which may run a query per keystroke.  Enter ends the
 * filter whether the terminal sent CR, LF or the keypad's Enter: the
 * loop turns all of them into TUI_KEY_ENTER.
 */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "list-int.h"

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
	case LA_DOWN: return tui_list_moved(l, old, tui_view_move(&l->v, 1));
	case LA_UP: return tui_list_moved(l, old, tui_view_move(&l->v, -1));
	case LA_PGDN: return tui_list_moved(l, old, tui_view_page(&l->v, 1));
	case LA_PGUP: return tui_list_moved(l, old, tui_view_page(&l->v, -1));
	case LA_HOME: return tui_list_moved(l, old, tui_view_home(&l->v));
	case LA_END: return tui_list_moved(l, old, tui_view_end(&l->v));
	case LA_TAG: {
		const char *id = tui_list_selected_id(l);

		if (id == NULL)
			return TUI_HANDLED;
		tag_toggle(l, id);
		l->header_dirty = 1;
		i = tui_list_moved(l, old, tui_view_move(&l->v, 1));
		if (i == TUI_HANDLED) {	/* last row: repaint it alone */
			tui_list_mark_dirty(l, old);
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
