/*
 * Popups, and the confirm dialog built on them.
 *
 * A popup floats over the body, takes every key while open and is drawn
 * after the body in each render, so a body repaint underneath (data
 * arriving) never hides it.  When the last popup closes the body is
 * repainted to wipe it.  The confirm dialog guards every destructive
 * action: it answers "no" to Esc, q, n and Enter, "yes" only to y.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tui-int.h"

void tui_popup_push(tui *t, struct tui_popup *p)
{
	struct tui_popup **ps = realloc(t->popups,
					(t->npopups + 1) * sizeof *ps);

	if (ps == NULL) {
		p->free(p);
		return;
	}
	t->popups = ps;
	t->popups[t->npopups++] = p;
	t->dirty |= TUI_DIRTY_POPUP;
}

static void popup_close_top(tui *t)
{
	struct tui_popup *p = t->popups[--t->npopups];

	p->free(p);
	/* What the popup covered comes back, whatever layer it was. */
	tui_repaint_layers(t);
}

int tui_popup_open(tui *t)
{
	return t->npopups > 0;
}

void tui_popups_draw(tui *t)
{
	size_t i;
	int maxr = t->rows - 3 > 3 ? t->rows - 3 : 3, maxc = t->cols;

	for (i = 0; i < t->npopups; i++) {
		struct tui_popup *p = t->popups[i];
		int r, c;
		WINDOW *w;

		if (p->measure != NULL)
			p->measure(p, maxr, maxc);
		r = p->rows < maxr ? p->rows : maxr;
		c = p->cols < maxc ? p->cols : maxc;
		w = newwin(r, c, 1 + (maxr - r) / 2, (maxc - c) / 2);
		if (w == NULL)
			continue;
		leaveok(w, FALSE);
		wbkgdset(w, ' ' | tui_style_attr(TUI_STYLE_DIALOG));
		werase(w);
		box(w, 0, 0);
		p->draw(t, p, w);
		wnoutrefresh(w);
		delwin(w);
	}
}

int tui_popups_key(tui *t, int key)
{
	struct tui_popup *p = t->popups[t->npopups - 1];

	if (key == TUI_KEY_CTRL('l')) {
		tui_repaint_all(t);
		return TUI_HANDLED;
	}
	if (p->key(t, p, key)) {
		/* The callback may have opened another popup on top. */
		size_t i;

		for (i = 0; i < t->npopups; i++)
			if (t->popups[i] == p) {
				memmove(&t->popups[i], &t->popups[i + 1],
					(t->npopups - i - 1) * sizeof *t->popups);
				t->popups[t->npopups - 1] = p;
				popup_close_top(t);
				break;
			}
	}
	t->dirty |= TUI_DIRTY_POPUP;
	return TUI_HANDLED;
}

void tui_popups_release(tui *t)
{
	while (t->npopups > 0) {
		struct tui_popup *p = t->popups[--t->npopups];

		p->free(p);
	}
	free(t->popups);
	t->popups = NULL;
}

/* Draw untrusted text word-wrapped in the box from line y; returns the
 * next free line. */
int tui_popup_wrap(WINDOW *w, int y, int maxy, int width, const char *text,
		   attr_t attr)
{
	char *safe = tui_text_sanitize(text);
	const char *p = safe;

	while (p != NULL && *p && y < maxy) {
		int used;
		size_t n = tui_text_cut(p, width, &used), brk = n;
		char *line;

		if (n == 0)
			break;
		if (p[n] != '\0')
			while (brk > 0 && p[brk - 1] != ' ')
				brk--;
		if (brk == 0 || p[n] == '\0')
			brk = n;
		line = strndup(p, brk);
		if (line != NULL) {
			wattrset(w, attr);
			mvwaddstr(w, y, 2, line);
			wattrset(w, A_NORMAL);
		}
		free(line);
		y++;
		p += brk;
		while (*p == ' ')
			p++;
	}
	free(safe);
	return y;
}

/* ---- confirm ------------------------------------------------------------- */

struct confirm {
	struct tui_popup base;
	char *title, *question;
	tui_confirm_fn done;
	void *ud;
};

static void confirm_measure(struct tui_popup *p, int maxrows, int maxcols)
{
	struct confirm *c = (struct confirm *)p;
	char *safe = tui_text_sanitize(c->question);
	int w = safe ? tui_text_width(safe) : 20;

	free(safe);
	p->cols = w + 6 < 50 ? (w + 6 > 30 ? w + 6 : 30) : 50;
	if (p->cols > maxcols)
		p->cols = maxcols;
	p->rows = 4 + (w + p->cols - 5) / (p->cols - 4 > 1 ? p->cols - 4 : 1);
	if (p->rows > maxrows)
		p->rows = maxrows;
}

static void confirm_draw(tui *t, struct tui_popup *p, WINDOW *w)
{
	struct confirm *c = (struct confirm *)p;
	int rows, cols, y;
	const char *keys = _("[y] yes   [n] no");

	(void)t;
	getmaxyx(w, rows, cols);
	tui_draw_text(w, 0, 2, cols - 4 > 0 ? cols - 4 : 0, c->title, 0,
		      A_BOLD);
	y = tui_popup_wrap(w, 1, rows - 2, cols - 4, c->question, A_NORMAL);
	(void)y;
	tui_draw_text(w, rows - 2, 2, cols - 4, keys, 0, A_BOLD);
	wmove(w, rows - 2, 2);
}

static int confirm_key(tui *t, struct tui_popup *p, int key)
{
	struct confirm *c = (struct confirm *)p;
	int yes;

	if (key == 'y' || key == 'Y')
		yes = 1;
	else if (key == 'n' || key == 'N' || key == 'q' ||
		 key == TUI_KEY_ESC || key == TUI_KEY_ENTER)
		yes = 0;
	else
		return 0;
	if (c->done != NULL)
		c->done(t, yes, c->ud);
	return 1;
}

static void confirm_free(struct tui_popup *p)
{
	struct confirm *c = (struct confirm *)p;

	free(c->title);
	free(c->question);
	free(c);
}

void tui_confirm(tui *t, const char *title, const char *question,
		 tui_confirm_fn done, void *ud)
{
	struct confirm *c = calloc(1, sizeof *c);

	if (c == NULL)
		return;
	c->base = (struct tui_popup){ confirm_draw, confirm_key, confirm_free,
				      confirm_measure, 5, 40 };
	c->title = strdup(title ? title : "");
	c->question = strdup(question ? question : "");
	c->done = done;
	c->ud = ud;
	if (c->title == NULL || c->question == NULL) {
		confirm_free(&c->base);
		return;
	}
	tui_popup_push(t, &c->base);
}
