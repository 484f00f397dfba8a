/*
 * The text of a dossier as the dossier screen shows it: summary,
 * applicant, documents, history as a timeline, comments, supplements,
 * fees, result, apology, and the actions of this person still waiting in
 * the outbox.  One line each, with a style; the screen scrolls them and
 * draws every one through tui_draw_text(), so nothing from the server
 * reaches the terminal unescaped.  The same lines, joined, feed the pager
 * (v) where long texts can be read whole.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dossier-view.h"

void dview_init(struct dview *v)
{
	memset(v, 0, sizeof *v);
}

void dview_release(struct dview *v)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		free(v->lines[i].text);
	free(v->lines);
	dview_init(v);
}

static void add(struct dview *v, int style, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void add(struct dview *v, int style, const char *fmt, ...)
{
	va_list ap;
	char *text = NULL;

	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 64;
		struct dview_line *grown = realloc(v->lines, cap * sizeof *grown);

		if (grown == NULL)
			return;
		v->lines = grown;
		v->cap = cap;
	}
	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	va_end(ap);
	if (text == NULL)
		return;
	v->lines[v->n].text = text;
	v->lines[v->n].style = style;
	v->n++;
}

static const char *s_or(const char *s, const char *dflt)
{
	return s && *s ? s : dflt;
}

static void heading(struct dview *v, const char *title)
{
	add(v, TUI_STYLE_NORMAL, "%s", "");
	add(v, TUI_STYLE_HEADER, "%s", title);
}

static void section_summary(struct dview *v, const eapi_dossier *d, int pending)
{
	char a[32], b[32];

	add(v, TUI_STYLE_HEADER, "%s %s", _("Dossier"), s_or(d->code, "?"));
	add(v, pending ? TUI_STYLE_PENDING : TUI_STYLE_NORMAL, "  %s: %s%s",
	    _("State"), label_state(d->state),
	    pending ? _(" (pending: not yet sent)") : "");
	add(v, TUI_STYLE_NORMAL, "  %s: %s %s", _("Procedure"),
	    s_or(d->procedure_code, ""), s_or(d->procedure_name, ""));
	add(v, TUI_STYLE_NORMAL, "  %s: %s", _("Subject"), s_or(d->subject, ""));
	label_datetime(d->received_at ? d->received_at : d->submitted_at, a, sizeof a);
	label_datetime(d->due_at, b, sizeof b);
	add(v, TUI_STYLE_NORMAL, "  %s: %s   %s: %s", _("Received"), s_or(a, "—"),
	    _("Due"), s_or(b, "—"));
	add(v, TUI_STYLE_NORMAL, "  %s: %s   %s: %d", _("Channel"),
	    s_or(d->channel, ""), _("Supplements asked"), d->supplement_count);
}

static void section_applicant(struct dview *v, const eapi_dossier *d)
{
	heading(v, _("Applicant"));
	add(v, TUI_STYLE_NORMAL, "  %s (%s)", s_or(d->applicant_name, ""),
	    s_or(d->applicant_kind, ""));
	if (!d->has_full)
		return;
	if (d->applicant.id_number)
		add(v, TUI_STYLE_NORMAL, "  %s: %s %s", _("ID"),
		    s_or(d->applicant.id_kind, ""), d->applicant.id_number);
	if (d->applicant.phone)
		add(v, TUI_STYLE_NORMAL, "  %s: %s", _("Phone"), d->applicant.phone);
	if (d->applicant.email)
		add(v, TUI_STYLE_NORMAL, "  %s: %s", _("Email"), d->applicant.email);
	if (d->applicant.address)
		add(v, TUI_STYLE_NORMAL, "  %s: %s", _("Address"), d->applicant.address);
}

static void section_lists(struct dview *v, const eapi_dossier *d)
{
	char when[32];
	size_t i;

	heading(v, _("Documents (d: download)"));
	for (i = 0; i < d->n_documents; i++)
		add(v, TUI_STYLE_NORMAL, "  %zu. %s  [%s, %lld B]%s", i + 1,
		    s_or(d->documents[i].name, ""), s_or(d->documents[i].mime, ""),
		    d->documents[i].size, d->documents[i].digitized ? "" : " *");
	if (d->n_documents == 0)
		add(v, TUI_STYLE_NORMAL, "  %s", _("none"));
	heading(v, _("History"));
	for (i = 0; i < d->n_history; i++) {
		const eapi_history_entry *h = &d->history[i];

		label_datetime(h->at, when, sizeof when);
		add(v, TUI_STYLE_NORMAL, "  %s  %s  %s  %s → %s%s%s", when,
		    s_or(h->actor_name, ""), label_action(s_or(h->action, "")),
		    s_or(h->from_state, "·"), s_or(h->to_state, "·"),
		    h->note && *h->note ? "  " : "", s_or(h->note, ""));
	}
	heading(v, _("Comments"));
	for (i = 0; i < d->n_comments; i++) {
		label_datetime(d->comments[i].at, when, sizeof when);
		add(v, TUI_STYLE_NORMAL, "  %s  %s: %s", when,
		    s_or(d->comments[i].author_name, ""), s_or(d->comments[i].text, ""));
	}
	if (d->n_supplements > 0)
		heading(v, _("Supplements"));
	for (i = 0; i < d->n_supplements; i++) {
		char done[32];

		label_date(d->supplements[i].requested_at, when, sizeof when);
		label_date(d->supplements[i].completed_at, done, sizeof done);
		add(v, TUI_STYLE_NORMAL, _("  %s  %d days: %s  (completed: %s)"), when,
		    d->supplements[i].deadline_days, s_or(d->supplements[i].reason, ""),
		    s_or(done, "—"));
	}
	if (d->n_fees > 0)
		heading(v, _("Fees"));
	for (i = 0; i < d->n_fees; i++)
		add(v, TUI_STYLE_NORMAL, "  %s: %lld đ  %s", s_or(d->fees[i].name, ""),
		    d->fees[i].amount_vnd, d->fees[i].paid ?
		    (d->fees[i].paid_online ? _("paid online") : _("paid")) : _("unpaid"));
}

static void section_result(struct dview *v, const eapi_dossier *d)
{
	char when[32];

	if (d->has_result) {
		heading(v, _("Result"));
		label_datetime(d->result_signed_at, when, sizeof when);
		add(v, TUI_STYLE_NORMAL, "  %s  %s  %s", s_or(d->result_number, ""),
		    s_or(d->result_signer, ""), when);
	}
	if (d->has_apology) {
		char due[32];

		heading(v, _("Apology"));
		label_datetime(d->apology_issued_at, when, sizeof when);
		label_date(d->apology_new_due_at, due, sizeof due);
		add(v, TUI_STYLE_NORMAL, _("  %s  new due date %s: %s"), when, due,
		    s_or(d->apology_reason, ""));
	}
}

static void section_outbox(struct dview *v, const ecache_outbox_list *out)
{
	size_t i;

	if (out == NULL || out->n == 0)
		return;
	heading(v, _("My actions not yet accepted"));
	for (i = 0; i < out->n; i++) {
		const ecache_outbox_row *r = &out->rows[i];
		int st = r->status == ECACHE_OUT_CONFLICT || r->status == ECACHE_OUT_FAILED ?
			TUI_STYLE_ERROR : TUI_STYLE_PENDING;

		add(v, st, "  %s: %s%s%s", label_action(r->action),
		    label_out_status(r->status), r->reason ? " — " : "",
		    s_or(r->reason, ""));
	}
}

void dview_build(struct dview *v, const eapi_dossier *d, int pending,
		 const ecache_outbox_list *out)
{
	dview_release(v);
	section_summary(v, d, pending);
	section_outbox(v, out);
	section_applicant(v, d);
	if (!d->has_full) {
		heading(v, _("Only the summary is cached; the rest comes with the next sync."));
		return;
	}
	section_lists(v, d);
	section_result(v, d);
}

char *dview_join(const struct dview *v)
{
	size_t i, len = 1;
	char *all, *p;

	for (i = 0; i < v->n; i++)
		len += strlen(v->lines[i].text) + 1;
	all = malloc(len);
	if (all == NULL)
		return NULL;
	p = all;
	for (i = 0; i < v->n; i++) {
		size_t k = strlen(v->lines[i].text);

		memcpy(p, v->lines[i].text, k);
		p += k;
		*p++ = '\n';
	}
	*p = '\0';
	return all;
}
