/*
 * The status bar and the message line.
 *
 * The status bar says what an officer must always know: is the link up,
 * how old is what I see, how much of my work waits in the outbox, are
 * there conflicts, and who am I.  The app feeds it a struct whenever a
 * value changes; it repaints only when the text it would show changes.
 * The age of the last sync is shown in minutes, hours or days and a
 * one-shot timer wakes the loop exactly when that text next changes, so
 * nothing ticks on screen (htop repaints every second, 1 KB each time).
 *
 * Messages (info, warn, error) sit on the bottom line and clear themselves
 * after a few seconds, again with a one-shot timer.  While '/' filter text
 * is typed the bottom line shows it, with the cursor at its end.
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "tui-int.h"

/* How long ago, in the largest whole unit: 0 "just now", then minutes,
 * hours or days; and the seconds until the count next changes. */
enum age_unit { AGE_NEVER, AGE_NOW, AGE_MIN, AGE_HOUR, AGE_DAY };

static enum age_unit age_of(time_t last, time_t now, long *count,
			    long *next_change_s)
{
	long d = (long)(now - last);
	enum age_unit u;

	*count = 0;
	*next_change_s = -1;
	if (last == 0)
		return AGE_NEVER;
	if (d < 0)
		d = 0;
	if (d < 60) {
		u = AGE_NOW;
		*next_change_s = 60 - d;
	} else if (d < 3600) {
		u = AGE_MIN;
		*count = d / 60;
		*next_change_s = 60 - d % 60;
	} else if (d < 86400) {
		u = AGE_HOUR;
		*count = d / 3600;
		*next_change_s = 3600 - d % 3600;
	} else {
		u = AGE_DAY;
		*count = d / 86400;
		*next_change_s = 86400 - d % 86400;
	}
	return u;
}

void tui_status_age(time_t last, time_t now, char *buf, size_t len,
		    long *next_change_s)
{
	long n, next;
	unsigned long un;

	switch (age_of(last, now, &n, &next)) {
	case AGE_NEVER:
		snprintf(buf, len, "%s", _("never"));
		break;
	case AGE_NOW:
		snprintf(buf, len, "%s", _("just now"));
		break;
	case AGE_MIN:
		un = (unsigned long)n;
		snprintf(buf, len, ngettext("%ld min ago", "%ld min ago", un), n);
		break;
	case AGE_HOUR:
		un = (unsigned long)n;
		snprintf(buf, len, ngettext("%ld h ago", "%ld h ago", un), n);
		break;
	case AGE_DAY:
		un = (unsigned long)n;
		snprintf(buf, len, ngettext("%ld d ago", "%ld d ago", un), n);
		break;
	}
	if (next_change_s != NULL)
		*next_change_s = next;
}

/* The whole phrase is one message, so a language can order its words:
 * Vietnamese says "vừa đồng bộ" and "đồng bộ 5 phút trước". */
static void sync_text(time_t last, time_t now, char *buf, size_t len)
{
	long n, next;
	unsigned long un;

	switch (age_of(last, now, &n, &next)) {
	case AGE_NEVER:
		snprintf(buf, len, "%s", _("never synced"));
		break;
	case AGE_NOW:
		snprintf(buf, len, "%s", _("synced just now"));
		break;
	case AGE_MIN:
		un = (unsigned long)n;
		snprintf(buf, len, ngettext("synced %ld min ago",
					    "synced %ld min ago", un), n);
		break;
	case AGE_HOUR:
		un = (unsigned long)n;
		snprintf(buf, len, ngettext("synced %ld h ago",
					    "synced %ld h ago", un), n);
		break;
	case AGE_DAY:
		un = (unsigned long)n;
		snprintf(buf, len, ngettext("synced %ld d ago",
					    "synced %ld d ago", un), n);
		break;
	}
}

static const char *link_text(enum tui_link link)
{
	switch (link) {
	case TUI_LINK_ONLINE: return _("online");
	case TUI_LINK_SLOW: return _("slow");
	/* Capitals: the one state that must catch the eye. */
	case TUI_LINK_OFFLINE: return _("OFFLINE");
	}
	return "?";
}

size_t tui_status_format(const struct tui_status *st, time_t now, int width,
			 char *buf, size_t len)
{
	char synced[128], outbox[64], raw[1024], conflicts[64] = "";
	unsigned long un;
	int n;

	sync_text(st->last_sync, now, synced, sizeof synced);
	un = (unsigned long)(st->outbox > 0 ? st->outbox : 0);
	snprintf(outbox, sizeof outbox,
		 ngettext("outbox %ld", "outbox %ld", un), st->outbox);
	if (st->conflicts > 0) {
		char c[48];

		un = (unsigned long)st->conflicts;
		snprintf(c, sizeof c, ngettext("conflicts %ld", "conflicts %ld",
					       un), st->conflicts);
		snprintf(conflicts, sizeof conflicts, " \xc2\xb7 %s", c);
	}
	/* What matters most first: a narrow terminal cuts the tail.  The
	 * separators are not words; tests and people find the fields by
	 * them in every language. */
	n = snprintf(raw, sizeof raw,
		     " %s \xc2\xb7 %s \xc2\xb7 %s%s \xe2\x94\x82 %s (%s, %s)",
		     link_text(st->link), synced, outbox, conflicts,
		     st->user ? st->user : "", st->role ? st->role : "",
		     st->agency ? st->agency : "");
	if (n < 0)
		raw[0] = '\0';
	if (len < (size_t)width * 4 + 8) {
		snprintf(buf, len, "%s", "");
		return 0;
	}
	return tui_text_fit(raw, width, TUI_ALIGN_LEFT, buf, len);
}

static void status_view(tui *t, struct tui_status *st)
{
	st->user = t->st.user;
	st->role = t->st.role;
	st->agency = t->st.agency;
	st->link = t->st.link;
	st->last_sync = t->st.last_sync;
	st->outbox = t->st.outbox;
	st->conflicts = t->st.conflicts;
}

static void arm_age_timer(tui *t);

/* Recompute the line; returns 1 if it differs from the last one. */
static int status_compose(tui *t)
{
	struct tui_status st;
	char line[sizeof t->status_line];

	status_view(t, &st);
	tui_status_format(&st, time(NULL), t->cols > 0 ? t->cols : COLS, line,
			  sizeof line);
	if (strcmp(line, t->status_line) == 0)
		return 0;
	memcpy(t->status_line, line, sizeof line);
	return 1;
}

static void status_update(tui *t)
{
	if (status_compose(t))
		t->dirty |= TUI_DIRTY_STATUS;
	arm_age_timer(t);
}

static void age_tick(tui *t, void *ud)
{
	(void)ud;
	t->age_timer = 0;
	status_update(t);
}

static void arm_age_timer(tui *t)
{
	long count, next;

	tui_timer_cancel(t, t->age_timer);
	t->age_timer = 0;
	age_of(t->st.last_sync, time(NULL), &count, &next);
	if (next > 0)
		t->age_timer = tui_timer_add(t, next * 1000 + 50, 0, age_tick,
					     NULL);
}

static void replace(char **slot, const char *s)
{
	char *copy = s ? strdup(s) : NULL;

	free(*slot);
	*slot = copy;
}

void tui_set_status(tui *t, const struct tui_status *st)
{
	replace(&t->st.user, st->user);
	replace(&t->st.role, st->role);
	replace(&t->st.agency, st->agency);
	t->st.link = st->link;
	t->st.last_sync = st->last_sync;
	t->st.outbox = st->outbox;
	t->st.conflicts = st->conflicts;
	t->have_status = 1;
	status_update(t);
}

void tui_statusbar_draw(tui *t, WINDOW *w)
{
	attr_t attr = tui_style_attr(TUI_STYLE_STATUS);

	/* The width may have changed since the last format. */
	if (t->have_status)
		status_compose(t);
	wattrset(w, attr);
	mvwhline(w, 0, 0, ' ', t->cols);
	/* Already sanitised and fitted by tui_status_format(). */
	mvwaddstr(w, 0, 0, t->status_line);
	wattrset(w, A_NORMAL);
}

void tui_statusbar_release(tui *t)
{
	free(t->st.user);
	free(t->st.role);
	free(t->st.agency);
	memset(&t->st, 0, sizeof t->st);
}

static void msg_expire(tui *t, void *ud)
{
	(void)ud;
	t->msg_timer = 0;
	t->msg[0] = '\0';
	t->dirty |= TUI_DIRTY_MSG;
}

void tui_message(tui *t, enum tui_msg_level lv, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->msg, sizeof t->msg, fmt, ap);
	va_end(ap);
	t->msg_level = lv;
	t->dirty |= TUI_DIRTY_MSG;
	tui_timer_cancel(t, t->msg_timer);
	t->msg_timer = tui_timer_add(t, lv == TUI_MSG_INFO ? 4000 : 8000, 0,
				     msg_expire, NULL);
}

const char *tui_message_text(tui *t)
{
	return t->msg;
}

void tui_msgline_draw(tui *t, WINDOW *w)
{
	static const enum tui_style level_style[] = {
		TUI_STYLE_INFO, TUI_STYLE_WARN, TUI_STYLE_ERROR
	};
	tui_screen *s = tui_top(t);
	tui_list *l = s ? tui_screen_list(s) : NULL;

	werase(w);
	if (l != NULL && (tui_list_filtering(l) ||
			  (t->msg[0] == '\0' && tui_list_filter_text(l)[0]))) {
		char *safe = tui_text_sanitize(tui_list_filter_text(l));
		int x = safe ? tui_text_width(safe) + 1 : 1;

		mvwaddstr(w, 0, 0, "/");
		tui_draw_text(w, 0, 1, t->cols - 1, tui_list_filter_text(l), 0,
			      A_NORMAL);
		wmove(w, 0, x < t->cols ? x : t->cols - 1);
		free(safe);
		return;
	}
	if (t->msg[0] != '\0')
		tui_draw_text(w, 0, 0, t->cols, t->msg, 0,
			      tui_style_attr(level_style[t->msg_level]));
}
