/*
 * Forms: log-in and every action that needs input (a reason, a number of
 * days, an assignee).
 *
 * Fields are edited as UTF-8 with the cursor on character boundaries; a
 * character and the combining marks after it move and delete as one, so
 * Vietnamese typed by an input method that sends base + marks edits as
 * naturally as precomposed text, and values are handed back in NFC.  A
 * password field shows nothing of what is typed, not even its length.  A
 * number field takes digits only; a choice field cycles with Left/Right or
 * Space; a pick field asks the app for candidates on each keystroke
 * (names matched without diacritics, say) and Up/Down/Enter pick one.
 *
 * Keys: Tab/Down next field, BTab/Up previous, Enter submits (or picks),
 * Esc cancels, C-u clears a field, Home/End, Left/Right, Backspace/Delete.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "tui-int.h"
#include "vntext.h"

#define FORM_MAX_FIELDS 16
#define FORM_MAX_VALUE 1024
#define FORM_MAX_PICKS 5

struct field {
	enum tui_field_kind kind;
	char *name, *label;
	char value[FORM_MAX_VALUE];
	char *nfc;		/* value in NFC, made on demand */
	size_t cursor;		/* byte offset */
	const char *const *choices;
	int choice;
	tui_pick_fn pick;
	void *pick_ud;
	char *cands[FORM_MAX_PICKS];
	size_t ncands;
	size_t cand_sel;
};

struct tui_form {
	char *title;
	struct field f[FORM_MAX_FIELDS];
	int n, focus;
	char error[256];
};

tui_form *tui_form_new(const char *title)
{
	tui_form *f = calloc(1, sizeof *f);

	if (f != NULL && (f->title = strdup(title ? title : "")) == NULL) {
		free(f);
		return NULL;
	}
	return f;
}

static void drop_cands(struct field *fl)
{
	size_t i;

	for (i = 0; i < fl->ncands; i++)
		free(fl->cands[i]);
	fl->ncands = fl->cand_sel = 0;
}

void tui_form_free(tui_form *f)
{
	int i;

	if (f == NULL)
		return;
	for (i = 0; i < f->n; i++) {
		free(f->f[i].name);
		free(f->f[i].label);
		free(f->f[i].nfc);
		drop_cands(&f->f[i]);
	}
	free(f->title);
	free(f);
}

int tui_form_add(tui_form *f, enum tui_field_kind kind, const char *name,
		 const char *label, const char *initial)
{
	struct field *fl;

	if (f->n >= FORM_MAX_FIELDS)
		return -1;
	fl = &f->f[f->n];
	memset(fl, 0, sizeof *fl);
	fl->kind = kind;
	fl->name = strdup(name);
	fl->label = strdup(label ? label : name);
	if (fl->name == NULL || fl->label == NULL) {
		free(fl->name);
		free(fl->label);
		return -1;
	}
	snprintf(fl->value, sizeof fl->value, "%s", initial ? initial : "");
	fl->cursor = strlen(fl->value);
	return f->n++;
}

int tui_form_add_choice(tui_form *f, const char *name, const char *label,
			const char *const *choices, int initial)
{
	int i = tui_form_add(f, TUI_FIELD_CHOICE, name, label, NULL);

	if (i >= 0) {
		f->f[i].choices = choices;
		f->f[i].choice = initial;
	}
	return i;
}

int tui_form_add_pick(tui_form *f, const char *name, const char *label,
		      tui_pick_fn pick, void *ud)
{
	int i = tui_form_add(f, TUI_FIELD_PICK, name, label, NULL);

	if (i >= 0) {
		f->f[i].pick = pick;
		f->f[i].pick_ud = ud;
	}
	return i;
}

static struct field *find(tui_form *f, const char *name)
{
	int i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->f[i].name, name) == 0)
			return &f->f[i];
	return NULL;
}

const char *tui_form_value(tui_form *f, const char *name)
{
	struct field *fl = find(f, name);

	if (fl == NULL)
		return NULL;
	if (fl->kind == TUI_FIELD_CHOICE)
		return fl->choices && fl->choices[0] ? fl->choices[fl->choice] : "";
	free(fl->nfc);
	fl->nfc = vn_nfc(fl->value);
	return fl->nfc ? fl->nfc : fl->value;
}

long tui_form_number(tui_form *f, const char *name)
{
	const char *v = tui_form_value(f, name);

	return v ? strtol(v, NULL, 10) : 0;
}

void tui_form_set_error(tui_form *f, const char *msg)
{
	snprintf(f->error, sizeof f->error, "%s", msg ? msg : "");
}

/* ---- editing ------------------------------------------------------------- */

static int is_zero_width_at(const char *s)
{
	utf8proc_int32_t c;

	return *s && utf8proc_iterate((const utf8proc_uint8_t *)s, -1, &c) > 0 &&
		utf8proc_charwidth(c) == 0 && c >= 0x300;
}

/* Next / previous character boundary, marks staying with their base. */
static size_t next_char(const char *s, size_t at)
{
	if (s[at] == '\0')
		return at;
	do
		at++;
	while ((s[at] & 0xc0) == 0x80);
	while (is_zero_width_at(s + at))
		do
			at++;
		while ((s[at] & 0xc0) == 0x80);
	return at;
}

static size_t prev_char(const char *s, size_t at)
{
	size_t p = 0, q;

	while ((q = next_char(s, p)) < at && q != p)
		p = q;
	return at == 0 ? 0 : p;
}

static void refresh_cands(struct field *fl)
{
	drop_cands(fl);
	if (fl->pick != NULL)
		fl->ncands = fl->pick(fl->pick_ud, fl->value, fl->cands,
				      FORM_MAX_PICKS);
	if (fl->ncands > FORM_MAX_PICKS)
		fl->ncands = FORM_MAX_PICKS;
}

static void insert(struct field *fl, int key)
{
	utf8proc_uint8_t enc[4];
	size_t n, len = strlen(fl->value);

	if (fl->kind == TUI_FIELD_NUMBER && (key < '0' || key > '9'))
		return;
	n = (size_t)utf8proc_encode_char(key, enc);
	if (n == 0 || len + n >= sizeof fl->value)
		return;
	memmove(fl->value + fl->cursor + n, fl->value + fl->cursor,
		len - fl->cursor + 1);
	memcpy(fl->value + fl->cursor, enc, n);
	fl->cursor += n;
}

static void delete_range(struct field *fl, size_t from, size_t to)
{
	memmove(fl->value + from, fl->value + to, strlen(fl->value + to) + 1);
	fl->cursor = from;
}

static int choice_count(const struct field *fl)
{
	int n = 0;

	while (fl->choices && fl->choices[n])
		n++;
	return n;
}

static int edit_key(struct field *fl, int key)
{
	size_t len = strlen(fl->value);

	if (fl->kind == TUI_FIELD_CHOICE) {
		int n = choice_count(fl);

		if (n == 0)
			return 0;
		if (key == TUI_KEY_RIGHT || key == ' ')
			fl->choice = (fl->choice + 1) % n;
		else if (key == TUI_KEY_LEFT)
			fl->choice = (fl->choice + n - 1) % n;
		return 1;
	}
	if (key == TUI_KEY_LEFT)
		fl->cursor = prev_char(fl->value, fl->cursor);
	else if (key == TUI_KEY_RIGHT)
		fl->cursor = next_char(fl->value, fl->cursor);
	else if (key == TUI_KEY_HOME || key == TUI_KEY_CTRL('a'))
		fl->cursor = 0;
	else if (key == TUI_KEY_END || key == TUI_KEY_CTRL('e'))
		fl->cursor = len;
	else if (key == TUI_KEY_BACKSPACE)
		delete_range(fl, prev_char(fl->value, fl->cursor), fl->cursor);
	else if (key == TUI_KEY_DELETE)
		delete_range(fl, fl->cursor, next_char(fl->value, fl->cursor));
	else if (key == TUI_KEY_CTRL('u'))
		delete_range(fl, 0, len);
	else if (key >= ' ' && key < 0x110000 && key != 127)
		insert(fl, key);
	else
		return 0;
	if (fl->kind == TUI_FIELD_PICK)
		refresh_cands(fl);
	return 1;
}

int tui_form_key(tui_form *f, int key)
{
	struct field *fl = f->n ? &f->f[f->focus] : NULL;

	if (key == TUI_KEY_ESC)
		return -1;
	if (fl && fl->kind == TUI_FIELD_PICK && fl->ncands > 0) {
		if (key == TUI_KEY_DOWN) {
			fl->cand_sel = (fl->cand_sel + 1) % fl->ncands;
			return 0;
		}
		if (key == TUI_KEY_UP) {
			fl->cand_sel = (fl->cand_sel + fl->ncands - 1) % fl->ncands;
			return 0;
		}
		if (key == TUI_KEY_ENTER) {
			snprintf(fl->value, sizeof fl->value, "%s",
				 fl->cands[fl->cand_sel]);
			fl->cursor = strlen(fl->value);
			drop_cands(fl);
			return 0;
		}
	}
	if (key == TUI_KEY_ENTER)
		return 1;
	if (key == TUI_KEY_TAB || key == TUI_KEY_DOWN) {
		f->focus = (f->focus + 1) % (f->n ? f->n : 1);
		return 0;
	}
	if (key == TUI_KEY_BTAB || key == TUI_KEY_UP) {
		f->focus = (f->focus + f->n - 1) % (f->n ? f->n : 1);
		return 0;
	}
	if (fl != NULL && edit_key(fl, key))
		f->error[0] = '\0';
	return 0;
}

/* ---- drawing ------------------------------------------------------------- */

static int label_width(const tui_form *f)
{
	int i, w = 0;

	for (i = 0; i < f->n; i++) {
		char *safe = tui_text_sanitize(_(f->f[i].label));
		int lw = safe ? tui_text_width(safe) : 10;

		free(safe);
		if (lw > w)
			w = lw;
	}
	return w > 24 ? 24 : w;
}

/* Draw a field's value in width columns from x; returns the cursor x. */
static int draw_value(struct field *fl, WINDOW *w, int y, int x, int width,
		      int focused)
{
	attr_t attr = tui_style_attr(TUI_STYLE_FIELD);
	char *before, *safe;
	int cx;

	wattrset(w, attr);
	mvwhline(w, y, x, ' ', width);
	wattrset(w, A_NORMAL);
	if (fl->kind == TUI_FIELD_PASSWORD)
		return x;	/* nothing typed is ever shown */
	if (fl->kind == TUI_FIELD_CHOICE) {
		char buf[512];

		snprintf(buf, sizeof buf, "< %s >", choice_count(fl) ?
			 _(fl->choices[fl->choice]) : "");
		tui_draw_text(w, y, x, width, buf, 0, attr);
		return x;
	}
	before = strndup(fl->value, fl->cursor);
	safe = before ? tui_text_sanitize(before) : NULL;
	cx = safe ? tui_text_width(safe) : 0;
	if (focused && cx >= width) {
		/* Keep the cursor in view: show the tail before it. */
		tui_draw_text(w, y, x, width - 1, before, TUI_KEEP_TAIL, attr);
		cx = width - 1;
	} else {
		tui_draw_text(w, y, x, width, fl->value, 0, attr);
	}
	free(before);
	free(safe);
	return x + cx;
}

void tui_form_draw(tui_form *f, WINDOW *w)
{
	int rows, cols, lw = label_width(f), i, y = 1, cy = 1, cx = 2;

	getmaxyx(w, rows, cols);
	tui_draw_text(w, 0, 2, cols - 4 > 0 ? cols - 4 : 0, f->title, 0, A_BOLD);
	for (i = 0; i < f->n && y < rows - 2; i++, y++) {
		struct field *fl = &f->f[i];
		int vx = 2 + lw + 2, x;
		size_t c;

		tui_draw_text(w, y, 2, lw, _(fl->label), 0,
			      i == f->focus ? A_BOLD : A_NORMAL);
		x = draw_value(fl, w, y, vx, cols - vx - 2, i == f->focus);
		if (i == f->focus) {
			cy = y;
			cx = x;
		}
		if (i != f->focus || fl->kind != TUI_FIELD_PICK)
			continue;
		for (c = 0; c < fl->ncands && y + 1 < rows - 2; c++)
			tui_draw_text(w, ++y, vx, cols - vx - 2, fl->cands[c], 0,
				      c == fl->cand_sel ? A_REVERSE : A_NORMAL);
	}
	if (f->error[0] != '\0' && y < rows - 1)
		tui_draw_text(w, rows - 2, 2, cols - 4, f->error, 0,
			      tui_style_attr(TUI_STYLE_ERROR));
	else
		tui_draw_text(w, rows - 2, 2, cols - 4,
			      _("Enter: OK  Esc: cancel  Tab: next field"), 0,
			      A_DIM);
	wmove(w, cy, cx);
}

/* ---- as a popup ---------------------------------------------------------- */

struct form_popup {
	struct tui_popup base;
	tui_form *form;
	tui_form_fn done;
	void *ud;
};

static void fp_measure(struct tui_popup *p, int maxrows, int maxcols)
{
	struct form_popup *fp = (struct form_popup *)p;
	int extra = 0, i;

	for (i = 0; i < fp->form->n; i++)
		if (i == fp->form->focus)
			extra = (int)fp->form->f[i].ncands;
	p->rows = fp->form->n + extra + 4;
	p->cols = maxcols > 72 ? 72 : maxcols;
	if (p->rows > maxrows)
		p->rows = maxrows;
}

static void fp_draw(tui *t, struct tui_popup *p, WINDOW *w)
{
	(void)t;
	tui_form_draw(((struct form_popup *)p)->form, w);
}

static int fp_key(tui *t, struct tui_popup *p, int key)
{
	struct form_popup *fp = (struct form_popup *)p;
	int r = tui_form_key(fp->form, key);

	if (r == 0)
		return 0;
	if (fp->done == NULL)
		return 1;
	if (fp->done(t, fp->form, r > 0, fp->ud) != 0 && r > 0)
		return 0;	/* refused: stays open with its error */
	return 1;
}

static void fp_free(struct tui_popup *p)
{
	struct form_popup *fp = (struct form_popup *)p;

	tui_form_free(fp->form);
	free(fp);
}

void tui_form_open(tui *t, tui_form *f, tui_form_fn done, void *ud)
{
	struct form_popup *fp = calloc(1, sizeof *fp);

	if (fp == NULL) {
		tui_form_free(f);
		return;
	}
	fp->base = (struct tui_popup){ fp_draw, fp_key, fp_free, fp_measure,
				       8, 60 };
	fp->form = f;
	fp->done = done;
	fp->ud = ud;
	tui_popup_push(t, &fp->base);
}
