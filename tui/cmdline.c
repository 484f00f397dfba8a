/*
 * The ':' command line: one line of input on the bottom line, history
 * kept between runs, Tab completion from the app.
 *
 * History is libedit's history(3): loaded from the file the app names,
 * entries unique, saved after every command, so the file format is the
 * one editline users know.  The line editing itself is done here, on the
 * curses bottom line, inside the event loop.  We decided against el_gets():
 * it owns the terminal while it reads (endwin() first), writes its own
 * output, and on Enter prints a newline that scrolls the whole screen, so
 * curses must repaint everything afterwards (about 1,800 bytes) - and the
 * loop, with the api-client's completions and timers, would stand still
 * while the officer types.  Here completions keep arriving and the screen
 * stays intact.
 *
 * Keys: Left/Right/Home/End/C-a/C-e, Backspace (on an empty line: close),
 * Delete, C-u kill line, C-w kill word, Up/Down history, Tab complete (the
 * common prefix of the candidates; when several remain they are listed
 * after the line until the next key), Enter run, Esc / C-c cancel.
 */
#include "config.h"

#include <histedit.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "tui-int.h"

#define CMD_MAX 1024
#define CMD_MAX_CANDS 64

struct tui_cmdline {
	History *hist;
	HistEvent ev;
	char *histfile;
	tui_complete_fn complete;
	tui_command_fn run;
	void *ud;
	int active;
	int browsing;		/* walking the history with Up/Down */
	char line[CMD_MAX];
	size_t cursor;
	char typed[CMD_MAX];	/* the line before Up was pressed */
	char hint[512];		/* candidates after an ambiguous Tab */
};

int tui_cmdline_setup(tui *t, const char *history_file,
		      tui_complete_fn complete, tui_command_fn run, void *ud,
		      char *err, size_t errlen)
{
	struct tui_cmdline *c;

	tui_cmdline_release(t);
	c = calloc(1, sizeof *c);
	if (c == NULL || (c->hist = history_init()) == NULL) {
		free(c);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	history(c->hist, &c->ev, H_SETSIZE, 500);
	history(c->hist, &c->ev, H_SETUNIQUE, 1);
	if (history_file != NULL) {
		c->histfile = strdup(history_file);
		/* A missing file is a first run, not an error. */
		history(c->hist, &c->ev, H_LOAD, history_file);
	}
	c->complete = complete;
	c->run = run;
	c->ud = ud;
	t->cmd = c;
	return 0;
}

void tui_cmdline_release(tui *t)
{
	struct tui_cmdline *c = t->cmd;

	if (c == NULL)
		return;
	history_end(c->hist);
	free(c->histfile);
	free(c);
	t->cmd = NULL;
}

void tui_cmdline_open(tui *t)
{
	char err[64];

	if (t->cmd == NULL &&
	    tui_cmdline_setup(t, NULL, NULL, NULL, NULL, err, sizeof err) < 0)
		return;
	t->cmd->active = 1;
	t->cmd->browsing = 0;
	t->cmd->line[0] = '\0';
	t->cmd->hint[0] = '\0';
	t->cmd->cursor = 0;
	t->dirty |= TUI_DIRTY_MSG;
}

int tui_cmdline_active(tui *t)
{
	return t->cmd != NULL && t->cmd->active;
}

static size_t prev_boundary(const char *s, size_t at)
{
	while (at > 0 && (s[--at] & 0xc0) == 0x80)
		;
	return at;
}

static size_t next_boundary(const char *s, size_t at)
{
	if (s[at] == '\0')
		return at;
	while ((s[++at] & 0xc0) == 0x80)
		;
	return at;
}

static void cut(struct tui_cmdline *c, size_t from, size_t to)
{
	memmove(c->line + from, c->line + to, strlen(c->line + to) + 1);
	c->cursor = from;
}

static void put_text(struct tui_cmdline *c, const char *s, size_t n)
{
	size_t len = strlen(c->line);

	if (len + n >= sizeof c->line)
		return;
	memmove(c->line + c->cursor + n, c->line + c->cursor,
		len - c->cursor + 1);
	memcpy(c->line + c->cursor, s, n);
	c->cursor += n;
}

static void set_line(struct tui_cmdline *c, const char *s)
{
	snprintf(c->line, sizeof c->line, "%s", s);
	/* History lines may end with a newline. */
	c->line[strcspn(c->line, "\n")] = '\0';
	c->cursor = strlen(c->line);
}

static void history_step(struct tui_cmdline *c, int older)
{
	int r;

	if (!c->browsing) {
		if (!older)
			return;
		snprintf(c->typed, sizeof c->typed, "%s", c->line);
		r = history(c->hist, &c->ev, H_FIRST);
		c->browsing = r >= 0;
	} else {
		r = history(c->hist, &c->ev, older ? H_NEXT : H_PREV);
		if (r < 0 && !older) {
			c->browsing = 0;
			set_line(c, c->typed);
			return;
		}
	}
	if (r >= 0)
		set_line(c, c->ev.str);
}

static void complete(tui *t, struct tui_cmdline *c)
{
	char *cands[CMD_MAX_CANDS];
	size_t start = c->cursor, n, i, common;
	char word[CMD_MAX], list[512];

	if (c->complete == NULL)
		return;
	while (start > 0 && c->line[start - 1] != ' ')
		start--;
	memcpy(word, c->line + start, c->cursor - start);
	word[c->cursor - start] = '\0';
	n = c->complete(c->ud, c->line, word, cands, CMD_MAX_CANDS);
	if (n > CMD_MAX_CANDS)
		n = CMD_MAX_CANDS;
	(void)t;
	if (n == 0) {
		snprintf(c->hint, sizeof c->hint, "%s", _("(no completion)"));
		return;
	}
	common = strlen(cands[0]);
	for (i = 1; i < n; i++) {
		size_t k = 0;

		while (k < common && cands[i][k] == cands[0][k])
			k++;
		common = k;
	}
	/* Never stop inside a UTF-8 character. */
	while (common > 0 && (cands[0][common] & 0xc0) == 0x80)
		common--;
	if (common >= c->cursor - start) {
		cut(c, start, c->cursor);
		put_text(c, cands[0], common);
		if (n == 1)
			put_text(c, " ", 1);
	}
	if (n > 1) {
		size_t at = 0;

		list[0] = '\0';
		for (i = 0; i < n && at < sizeof list - 1; i++) {
			int w = snprintf(list + at, sizeof list - at, "%s%s",
					 i ? " " : "", cands[i]);

			if (w < 0)
				break;
			at += (size_t)w;
		}
		snprintf(c->hint, sizeof c->hint, "[%s]", list);
	}
	for (i = 0; i < n; i++)
		free(cands[i]);
}

static int enter(tui *t, struct tui_cmdline *c)
{
	char line[CMD_MAX];

	memcpy(line, c->line, sizeof line);
	c->active = 0;
	if (line[0] == '\0')
		return TUI_HANDLED | TUI_DIRTY_MSG;
	history(c->hist, &c->ev, H_ENTER, line);
	if (c->histfile != NULL)
		history(c->hist, &c->ev, H_SAVE, c->histfile);
	if (c->run == NULL)
		return TUI_HANDLED | TUI_DIRTY_MSG;
	return c->run(t, line, c->ud) | TUI_DIRTY_MSG;
}

int tui_cmdline_key(tui *t, int key)
{
	struct tui_cmdline *c = t->cmd;
	size_t len = strlen(c->line);
	int flags = TUI_HANDLED | TUI_DIRTY_MSG;

	c->hint[0] = '\0';
	if (key == TUI_KEY_ENTER) {
		flags = enter(t, c);
		tui_apply_flags(t, tui_top(t), flags);
		return flags;
	}
	if (key == TUI_KEY_ESC || key == TUI_KEY_CTRL('c') ||
	    (key == TUI_KEY_BACKSPACE && len == 0))
		c->active = 0;
	else if (key == TUI_KEY_LEFT)
		c->cursor = prev_boundary(c->line, c->cursor);
	else if (key == TUI_KEY_RIGHT)
		c->cursor = next_boundary(c->line, c->cursor);
	else if (key == TUI_KEY_HOME || key == TUI_KEY_CTRL('a'))
		c->cursor = 0;
	else if (key == TUI_KEY_END || key == TUI_KEY_CTRL('e'))
		c->cursor = len;
	else if (key == TUI_KEY_BACKSPACE)
		cut(c, prev_boundary(c->line, c->cursor), c->cursor);
	else if (key == TUI_KEY_DELETE)
		cut(c, c->cursor, next_boundary(c->line, c->cursor));
	else if (key == TUI_KEY_CTRL('u'))
		cut(c, 0, c->cursor);
	else if (key == TUI_KEY_CTRL('w')) {
		size_t p = c->cursor;

		while (p > 0 && c->line[p - 1] == ' ')
			p--;
		while (p > 0 && c->line[p - 1] != ' ')
			p--;
		cut(c, p, c->cursor);
	} else if (key == TUI_KEY_UP || key == TUI_KEY_DOWN)
		history_step(c, key == TUI_KEY_UP);
	else if (key == TUI_KEY_TAB)
		complete(t, c);
	else if (key >= ' ' && key < 0x110000 && key != 127) {
		utf8proc_uint8_t enc[4];
		utf8proc_ssize_t n = utf8proc_encode_char(key, enc);

		put_text(c, (const char *)enc, (size_t)n);
	}
	t->dirty |= TUI_DIRTY_MSG;
	return flags;
}

void tui_cmdline_draw(tui *t, WINDOW *w)
{
	struct tui_cmdline *c = t->cmd;
	char before[CMD_MAX];
	char *safe;
	int cx;

	werase(w);
	mvwaddstr(w, 0, 0, ":");
	memcpy(before, c->line, c->cursor);
	before[c->cursor] = '\0';
	safe = tui_text_sanitize(before);
	cx = safe ? tui_text_width(safe) : 0;
	free(safe);
	if (cx >= t->cols - 2) {
		tui_draw_text(w, 0, 1, t->cols - 2, before, TUI_KEEP_TAIL,
			      A_NORMAL);
		cx = t->cols - 2;
	} else {
		tui_draw_text(w, 0, 1, t->cols - 1, c->line, 0, A_NORMAL);
	}
	if (c->hint[0] != '\0') {
		/* Candidates to the right of the line, where there is room. */
		char *line = tui_text_sanitize(c->line);
		int used = line ? tui_text_width(line) + 3 : t->cols;

		free(line);
		if (used < t->cols - 4)
			tui_draw_text(w, 0, used, t->cols - used, c->hint, 0,
				      A_BOLD);
	}
	wmove(w, 0, 1 + cx);
}
