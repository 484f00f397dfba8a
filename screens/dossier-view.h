/*
 * The lines of the dossier screen (dossier-view.c): what the server knows
 * of a dossier, section by section, plus this person's unsent actions.
 */
#ifndef EGOV_SCREENS_DOSSIER_VIEW_H
#define EGOV_SCREENS_DOSSIER_VIEW_H

#include "screens.h"

struct dview_line {
	char *text;			/* untrusted: draw with tui_draw_text */
	int style;			/* enum tui_style */
};

struct dview {
	struct dview_line *lines;
	size_t n, cap;
};

void dview_init(struct dview *v);
void dview_release(struct dview *v);
/* Rebuild the lines for d (pending: its unsent actions; out may be NULL). */
void dview_build(struct dview *v, const eapi_dossier *d, int pending,
		 const ecache_outbox_list *out);
/* All lines joined with newlines, for the pager.  Caller frees. */
char *dview_join(const struct dview *v);

#endif
