/*
 * The screen stack: push and pop, key dispatch, layout, the breadcrumb,
 * '?' help generated from key tables, and the one render per batch.
 *
 * A key goes, in order, to: an open popup, the ':' command line, a list
 * filter being typed, the top screen's key table, its attached list's key
 * table, its on_key hook, and last the global keys.  The first that does
 * not answer TUI_UNHANDLED wins; its flags say what to repaint.
 *
 * tui_render() repaints only what is dirty, into separate windows (crumb,
 * body, status, message, popup), and ends with one doupdate(): ncurses
 * then sends only the cells that differ from what the terminal shows.
 * The window refreshed last owns the hardware cursor: the body (so the
 * cursor rests on the selected row), or the line being typed, or a popup.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tui-int.h"

static int key_help(tui_screen *s, int key);
static int key_back(tui_screen *s, int key);
static int key_repaint(tui_screen *s, int key);
static int key_command(tui_screen *s, int key);
static int key_quit(tui_screen *s, int key);

const struct tui_key_binding tui_global_keys[] = {
	{ '?', "help", N_("Show the keys of this screen"), key_help },
	{ TUI_KEY_F(1), "help", N_("Show the keys of this screen"), key_help },
	{ TUI_KEY_ESC, "back", N_("Go back"), key_back },
	{ 'q', "back", N_("Go back"), key_back },
	{ TUI_KEY_CTRL('l'), "repaint", N_("Repaint the screen"), key_repaint },
	{ ':', "command", N_("Open the command line"), key_command },
	{ TUI_KEY_CTRL('c'), "quit", N_("Quit"), key_quit },
	{ 0, NULL, NULL, NULL }
};

static void body_size(tui *t, int *rows, int *cols)
{
	*rows = t->rows - 3 > 1 ? t->rows - 3 : 1;
	*cols = t->cols;
}

/* Tell a screen (and its attached list) its body size. */
static void screen_fit(tui *t, tui_screen *s)
{
	int rows, cols;

	body_size(t, &rows, &cols);
	if (s->list != NULL)
		tui_list_resize(s->list, rows, cols);
	if (s->e->on_resize != NULL)
		s->e->on_resize(s, rows, cols);
}

/* Every layer (breadcrumb, body, status, message, popups) repainted
 * whole in the next render.  The windows are touched too, so each
 * wnoutrefresh() copies all of its lines to ncurses' virtual screen:
 * nothing another screen or a popup left there survives.  ncurses still
 * sends only the cells that differ, so this costs bytes only where the
 * terminal really changes. */
void tui_repaint_layers(tui *t)
{
	if (t->crumb != NULL) {
		touchwin(t->crumb);
		touchwin(t->body);
		touchwin(t->status);
		touchwin(t->msgw);
	}
	t->dirty |= TUI_DIRTY_ALL & ~TUI_DIRTY_LAYOUT;
}

/* The windows for the terminal's size now.  On a resize (SIGWINCH) the
 * terminal is cleared and everything drawn again, once, in the next
 * doupdate(): terminals differ in what they keep of the old picture
 * (reflowed lines, a stale right margin), so none of it is trusted.
 * Screens need nothing in on_resize for that. */
void tui_layout(tui *t)
{
	int rows, cols, brows, bcols;
	size_t i;

	tui_term_size(t, &rows, &cols);
	if (rows != LINES || cols != COLS)
		resize_term(rows, cols);
	t->rows = LINES;
	t->cols = COLS;
	if (t->crumb != NULL) {
		delwin(t->crumb);
		delwin(t->body);
		delwin(t->status);
		delwin(t->msgw);
		t->clear_next = 1;
	}
	body_size(t, &brows, &bcols);
	t->crumb = newwin(1, t->cols, 0, 0);
	t->body = newwin(brows, bcols, 1, 0);
	t->status = newwin(1, t->cols, t->rows > 2 ? t->rows - 2 : 0, 0);
	t->msgw = newwin(1, t->cols, t->rows - 1, 0);
	leaveok(t->body, FALSE);
	/* resize_term() touched stdscr; it only reads keys. */
	wnoutrefresh(stdscr);
	for (i = 0; i < t->depth; i++)
		screen_fit(t, t->stack[i]);
	t->dirty &= ~TUI_DIRTY_LAYOUT;
	tui_repaint_layers(t);
}

static void draw_crumb(tui *t)
{
	char line[1024];
	size_t i, at = 0, from = 0;

	for (i = 0; i < t->depth; i++)
		if (t->stack[i]->e->opaque)
			from = i;
	for (i = from; i < t->depth && at < sizeof line - 1; i++) {
		int n = snprintf(line + at, sizeof line - at, "%s%s",
				 i > from ? " \xe2\x80\xba " : " ",
				 tui_screen_title(t->stack[i]));

		if (n < 0)
			break;
		at += (size_t)n;
	}
	if (at >= sizeof line)
		at = sizeof line - 1;
	line[at] = '\0';
	werase(t->crumb);
	/* A deep stack keeps its tail: where you are matters most. */
	tui_draw_text(t->crumb, 0, 0, t->cols, line,
		      (int)strlen(line) > t->cols ? TUI_KEEP_TAIL : 0,
		      tui_style_attr(TUI_STYLE_CRUMB));
}

void tui_render(tui *t)
{
	tui_screen *s = tui_top(t);
	int d = t->dirty;
	int typing;

	if (d == 0 || t->ended)
		return;
	if ((d & TUI_DIRTY_LAYOUT) || t->crumb == NULL) {
		tui_layout(t);
		d = t->dirty;
	}
	t->dirty = 0;
	if (t->clear_next) {
		clearok(curscr, TRUE);
		t->clear_next = 0;
	}
	if (d & TUI_REDRAW_CHROME) {
		draw_crumb(t);
		wnoutrefresh(t->crumb);
	}
	if (d & TUI_DIRTY_STATUS) {
		tui_statusbar_draw(t, t->status);
		wnoutrefresh(t->status);
	}
	if (s != NULL && (d & (TUI_REDRAW | TUI_REDRAW_ROWS))) {
		int full = (d & TUI_REDRAW) != 0;

		if (full)
			werase(t->body);
		if (s->e->draw != NULL)
			s->e->draw(s, t->body, full);
		else if (s->list != NULL)
			tui_list_draw(s->list, t->body, full);
	}
	typing = tui_cmdline_active(t) ||
		(s != NULL && s->list != NULL && tui_list_filtering(s->list));
	if (d & TUI_DIRTY_MSG) {
		if (tui_cmdline_active(t))
			tui_cmdline_draw(t, t->msgw);
		else
			tui_msgline_draw(t, t->msgw);
		wnoutrefresh(t->msgw);
	}
	/* The last window refreshed places the hardware cursor. */
	wnoutrefresh(t->body);
	if (typing)
		wnoutrefresh(t->msgw);
	if (t->npopups > 0)
		tui_popups_draw(t);
	doupdate();
	t->updates++;
}

void tui_invalidate(tui *t, int flags)
{
	t->dirty |= flags & ~(TUI_QUIT | TUI_POP | TUI_HANDLED);
}

void tui_repaint_all(tui *t)
{
	t->clear_next = 1;
	tui_repaint_layers(t);
}

tui_screen *tui_top(tui *t)
{
	return t->depth ? t->stack[t->depth - 1] : NULL;
}

size_t tui_depth(tui *t)
{
	return t->depth;
}

int tui_push(tui *t, const struct tui_screen_entry *e, void *arg,
	     char *err, size_t errlen)
{
	tui_screen *s;

	if (t->depth == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 8;
		tui_screen **st = realloc(t->stack, cap * sizeof *st);

		if (st == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		t->stack = st;
		t->cap = cap;
	}
	s = calloc(1, sizeof *s);
	if (s == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	s->t = t;
	s->e = e;
	if (e->create != NULL && e->create(s, arg, err, errlen) != 0) {
		free(s->title);
		free(s);
		return -1;
	}
	t->stack[t->depth++] = s;
	if (t->crumb != NULL)
		screen_fit(t, s);
	/* A new screen owns the whole picture: nothing of the one below. */
	tui_repaint_layers(t);
	return 0;
}

static void screen_free(tui_screen *s)
{
	if (s->e->destroy != NULL)
		s->e->destroy(s);
	free(s->title);
	free(s);
}

void tui_pop(tui *t)
{
	tui_screen *s;

	if (t->depth == 0)
		return;
	screen_free(t->stack[--t->depth]);
	tui_repaint_layers(t);
	s = tui_top(t);
	if (s == NULL) {
		tui_quit(t, t->exit_code);
		return;
	}
	if (s->e->on_show != NULL)
		s->e->on_show(s);
}

void tui_screens_release(tui *t)
{
	while (t->depth > 0)
		screen_free(t->stack[--t->depth]);
	free(t->stack);
	t->stack = NULL;
	t->cap = 0;
	if (t->crumb != NULL) {
		delwin(t->crumb);
		delwin(t->body);
		delwin(t->status);
		delwin(t->msgw);
		t->crumb = NULL;
	}
}

void tui_apply_flags(tui *t, tui_screen *s, int flags)
{
	tui_invalidate(t, flags);
	if (flags & TUI_POP) {
		if (s == tui_top(t))
			tui_pop(t);
	}
	if (flags & TUI_QUIT)
		tui_quit(t, 0);
}

int tui_dispatch_key(tui *t, int key)
{
	tui_screen *s = tui_top(t);
	int flags = TUI_UNHANDLED;

	/* Ctrl-C cancels whatever is being typed or asked, like Esc. */
	if (key == TUI_KEY_CTRL('c') &&
	    (t->npopups > 0 || tui_cmdline_active(t) ||
	     (s != NULL && s->list != NULL && tui_list_filtering(s->list))))
		key = TUI_KEY_ESC;
	if (t->npopups > 0)
		return tui_popups_key(t, key);
	if (tui_cmdline_active(t))
		return tui_cmdline_key(t, key);
	if (s != NULL && s->list != NULL && tui_list_filtering(s->list))
		flags = tui_list_key(s->list, key);
	if (s != NULL && flags == TUI_UNHANDLED)
		flags = tui_run_bindings(s->e->keys, s, key);
	if (s != NULL && flags == TUI_UNHANDLED && s->list != NULL)
		flags = tui_run_bindings(tui_list_keys, s, key);
	if (s != NULL && flags == TUI_UNHANDLED && s->e->on_key != NULL)
		flags = s->e->on_key(s, key);
	if (flags == TUI_UNHANDLED)
		flags = tui_run_bindings(tui_global_keys, s, key);
	if (s != NULL && s->list != NULL && tui_list_filtering(s->list))
		flags |= TUI_DIRTY_MSG;
	tui_apply_flags(t, s, flags);
	return flags;
}

void tui_notify(tui *t, int event, void *data)
{
	size_t i = t->depth;

	while (i-- > 0) {
		tui_screen *s = t->stack[i];
		int flags;

		if (s->e->on_event == NULL)
			continue;
		flags = s->e->on_event(s, event, data);
		/* Hidden screens repaint when shown again anyway. */
		if (s == tui_top(t))
			tui_apply_flags(t, s, flags);
		else if (flags & TUI_QUIT)
			tui_quit(t, 0);
	}
}

/* ---- the global keys ----------------------------------------------------- */

static void help_table(char **text, size_t *len, const char *heading,
		       const struct tui_key_binding *table)
{
	FILE *f;
	char *add = NULL;
	size_t addlen = 0;
	char *grown;

	if (table == NULL || table->action == NULL)
		return;
	f = open_memstream(&add, &addlen);
	if (f == NULL)
		return;
	fprintf(f, "%s\n", heading);
	for (; table->action != NULL; table++) {
		char name[32];

		fprintf(f, "  %-10s %s\n",
			tui_key_name(tui_binding_key(table), name, sizeof name),
			table->help ? _(table->help) : table->action);
	}
	fputc('\n', f);
	fclose(f);
	grown = realloc(*text, *len + addlen + 1);
	if (grown != NULL) {
		memcpy(grown + *len, add, addlen + 1);
		*text = grown;
		*len += addlen;
	}
	free(add);
}

static int key_help(tui_screen *s, int key)
{
	char *text = calloc(1, 1);
	size_t len = 0;
	char title[256];
	tui *t;

	(void)key;
	if (s == NULL || text == NULL) {
		free(text);
		return TUI_HANDLED;
	}
	t = s->t;
	help_table(&text, &len, _("Keys of this screen:"), s->e->keys);
	if (s->list != NULL)
		help_table(&text, &len, _("Keys of the list:"), tui_list_keys);
	help_table(&text, &len, _("Keys everywhere:"), tui_global_keys);
	snprintf(title, sizeof title, _("Help: %s"), tui_screen_title(s));
	tui_pager_push(t, title, text);
	free(text);
	return TUI_REDRAW | TUI_REDRAW_CHROME;
}

static int key_back(tui_screen *s, int key)
{
	(void)key;
	return s != NULL ? TUI_POP : TUI_QUIT;
}

static int key_repaint(tui_screen *s, int key)
{
	(void)key;
	if (s != NULL)
		tui_repaint_all(s->t);
	return TUI_HANDLED;
}

static int key_quit(tui_screen *s, int key)
{
	(void)s;
	(void)key;
	return TUI_QUIT;
}

static int key_command(tui_screen *s, int key)
{
	(void)key;
	if (s == NULL)
		return TUI_UNHANDLED;
	tui_cmdline_open(s->t);
	return TUI_HANDLED | TUI_DIRTY_MSG;
}

/* ---- accessors ----------------------------------------------------------- */

tui *tui_screen_tui(tui_screen *s) { return s->t; }
const struct tui_screen_entry *tui_screen_entry_of(tui_screen *s)
{
	return s->e;
}
void *tui_screen_data(tui_screen *s) { return s->data; }
void tui_screen_set_data(tui_screen *s, void *data) { s->data = data; }
tui_list *tui_screen_list(tui_screen *s) { return s->list; }

void tui_screen_set_title(tui_screen *s, const char *title)
{
	char *copy = title ? strdup(title) : NULL;

	free(s->title);
	s->title = copy;
	s->t->dirty |= TUI_REDRAW_CHROME;
}

const char *tui_screen_title(tui_screen *s)
{
	if (s->title != NULL)
		return s->title;
	return s->e->title ? _(s->e->title) : s->e->name;
}

void tui_screen_attach_list(tui_screen *s, tui_list *l)
{
	s->list = l;
	if (l != NULL && s->t->crumb != NULL)
		screen_fit(s->t, s);
}

void tui_screen_size(tui_screen *s, int *rows, int *cols)
{
	body_size(s->t, rows, cols);
}
