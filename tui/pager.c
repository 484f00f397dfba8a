/*
 * The text pager: a document, a dossier's history, or '?' help, as a
 * screen of its own on the stack (so Esc goes back and the breadcrumb
 * says where you are).
 *
 * It is a one-column tui_list over the lines of the text, which gives it
 * scrolling, paging and '/' for nothing: the filter keeps the lines that
 * contain the typed text, compared without case or diacritics (vn_fold),
 * which is how officers search Vietnamese text everywhere else.  Tabs are
 * expanded; lines are cut with "…" rather than wrapped.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tui-int.h"
#include "vntext.h"

struct pager {
	char *title;
	char **lines;		/* the text, tabs expanded */
	char **folded;		/* vn_fold() of each line, for the filter */
	size_t nlines;
	size_t *shown;		/* indexes matching the filter */
	size_t nshown;
	tui_list *list;
};

struct pager_arg {
	const char *title, *text;
};

static char *expand_tabs(const char *s, size_t len)
{
	size_t i, tabs = 0, col = 0, at = 0;
	char *out;

	for (i = 0; i < len; i++)
		tabs += s[i] == '\t';
	out = malloc(len + tabs * 8 + 1);
	if (out == NULL)
		return NULL;
	for (i = 0; i < len; i++) {
		if (s[i] == '\t') {
			do
				out[at++] = ' ';
			while (++col % 8);
			continue;
		}
		out[at++] = s[i];
		if ((s[i] & 0xc0) != 0x80)
			col++;
	}
	out[at] = '\0';
	return out;
}

static size_t pager_count(void *ud)
{
	return ((struct pager *)ud)->nshown;
}

static size_t pager_fetch(void *ud, size_t first, size_t n,
			  struct tui_row *rows)
{
	struct pager *p = ud;
	size_t i;

	for (i = 0; i < n && first + i < p->nshown; i++) {
		char id[32];

		snprintf(id, sizeof id, "%zu", p->shown[first + i]);
		tui_row_set_id(&rows[i], id);
		tui_row_set_cell(&rows[i], 0, p->lines[p->shown[first + i]]);
	}
	return i;
}

static void pager_query(void *ud, const char *filter, int sort_col,
			int sort_desc)
{
	struct pager *p = ud;
	char *f = vn_fold(filter);
	size_t i;

	(void)sort_col;
	(void)sort_desc;
	p->nshown = 0;
	for (i = 0; i < p->nlines; i++)
		if (f == NULL || *f == '\0' || strstr(p->folded[i], f) != NULL)
			p->shown[p->nshown++] = i;
	free(f);
}

static const struct tui_list_source pager_source = {
	pager_count, pager_fetch, pager_query, NULL
};

static const struct tui_column pager_column[] = {
	{ N_("Text"), 10, 0, 0, TUI_ALIGN_LEFT },
};

static void pager_destroy(tui_screen *s)
{
	struct pager *p = tui_screen_data(s);
	size_t i;

	if (p == NULL)
		return;
	tui_list_free(p->list);
	for (i = 0; i < p->nlines; i++) {
		free(p->lines[i]);
		free(p->folded[i]);
	}
	free(p->lines);
	free(p->folded);
	free(p->shown);
	free(p->title);
	free(p);
}

static int pager_create(tui_screen *s, void *arg, char *err, size_t errlen)
{
	const struct pager_arg *a = arg;
	struct pager *p = calloc(1, sizeof *p);
	const char *at = a->text, *nl;
	size_t n = 1, i;

	if (p == NULL)
		goto nomem;
	tui_screen_set_data(s, p);
	for (nl = at; (nl = strchr(nl, '\n')) != NULL; nl++)
		n++;
	p->lines = calloc(n, sizeof *p->lines);
	p->folded = calloc(n, sizeof *p->folded);
	p->shown = calloc(n, sizeof *p->shown);
	if (p->lines == NULL || p->folded == NULL || p->shown == NULL)
		goto nomem;
	for (i = 0; i < n; i++) {
		nl = strchr(at, '\n');
		p->lines[i] = expand_tabs(at, nl ? (size_t)(nl - at) : strlen(at));
		if (p->lines[i] == NULL)
			goto nomem;
		p->folded[i] = vn_fold(p->lines[i]);
		p->nlines++;
		if (p->folded[i] == NULL)
			goto nomem;
		at = nl ? nl + 1 : at + strlen(at);
	}
	/* A trailing newline does not make an empty last line. */
	if (p->nlines > 1 && p->lines[p->nlines - 1][0] == '\0') {
		p->nlines--;
		free(p->lines[p->nlines]);
		free(p->folded[p->nlines]);
	}
	p->list = tui_list_new(pager_column, 1, &pager_source, p);
	if (p->list == NULL)
		goto nomem;
	tui_screen_set_title(s, a->title);
	tui_screen_attach_list(s, p->list);
	return 0;
nomem:
	snprintf(err, errlen, "out of memory");
	pager_destroy(s);
	tui_screen_set_data(s, NULL);
	return -1;
}

const struct tui_screen_entry tui_pager_screen = {
	.name = "pager",
	.title = N_("Text"),
	.keys = NULL,
	.create = pager_create,
	.destroy = pager_destroy,
};

int tui_pager_push(tui *t, const char *title, const char *text)
{
	struct pager_arg a = { title, text ? text : "" };
	char err[128];

	return tui_push(t, &tui_pager_screen, &a, err, sizeof err);
}
