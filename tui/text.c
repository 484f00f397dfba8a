/*
 * Safe text: the one way data reaches the terminal.
 *
 * Dossier fields, names and documents come from the server and may carry
 * anything: escape sequences that would retitle the window or move the
 * cursor, C1 controls (U+009B is a CSI on some terminals), right-to-left
 * overrides that make "exe.txt" read as "txt.exe", invalid UTF-8, a
 * megabyte of combining marks.  tui_text_sanitize() turns all of that into
 * visible escapes (^[ \xFF <U+202E>) so the terminal only ever receives
 * printable characters whose width we know.
 *
 * Widths come from utf8proc (the same Unicode tables as the NFC that
 * common/vntext.c uses, and independent of the locale so tests are
 * deterministic): wide CJK is 2, combining marks 0.  Text is put in NFC
 * first so a Vietnamese letter typed as base + marks measures as one
 * cell.  A base character keeps at most TEXT_MAX_MARKS combining marks;
 * more are dropped ("zalgo" text cannot smear over its neighbours).
 *
 * tui_text_fit() sanitises only a window of the input large enough for the
 * columns asked for, so drawing a 1 MB field costs as little as a short
 * one.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "tui-int.h"
#include "vntext.h"

#define TEXT_MAX_MARKS 4
/* Bytes one column can take: a 4-byte base and 4 marks of 3 bytes. */
#define TEXT_BYTES_PER_COL 16

struct sbuf {
	char *p;
	size_t len, cap;
	int oom;
	int marks;		/* marks on the last base; -1: no base */
};

static void sb_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		p = realloc(b->p, cap);
		if (p == NULL) {
			b->oom = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sb_escape(struct sbuf *b, const char *fmt, unsigned v)
{
	char tmp[16];
	int n = snprintf(tmp, sizeof tmp, fmt, v);

	sb_add(b, tmp, (size_t)n);
	b->marks = -1;
}

static int is_mark(utf8proc_int32_t c)
{
	utf8proc_category_t cat = utf8proc_category(c);

	return cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_ME ||
		cat == UTF8PROC_CATEGORY_MC;
}

/* Is c something a terminal would act on or we cannot measure? */
static int needs_escape(utf8proc_int32_t c)
{
	switch (utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_CC:
	case UTF8PROC_CATEGORY_CF:	/* bidi, ZWJ, BOM, soft hyphen */
	case UTF8PROC_CATEGORY_ZL:
	case UTF8PROC_CATEGORY_ZP:
	case UTF8PROC_CATEGORY_CO:
	case UTF8PROC_CATEGORY_CN:
	case UTF8PROC_CATEGORY_CS:
		return 1;
	default:
		return 0;
	}
}

static void emit_char(struct sbuf *b, utf8proc_int32_t c)
{
	utf8proc_uint8_t enc[4];
	utf8proc_ssize_t n;

	if (c == 0x1b) {
		sb_add(b, "^[", 2);
		b->marks = -1;
		return;
	}
	if (c < 0x20 || c == 0x7f) {
		sb_escape(b, "^%c", c == 0x7f ? '?' : (unsigned)c + 0x40);
		return;
	}
	if (needs_escape(c)) {
		sb_escape(b, "<U+%04X>", (unsigned)c);
		return;
	}
	if (is_mark(c) && utf8proc_charwidth(c) == 0) {
		if (b->marks < 0) {
			/* Nothing to sit on: a dotted circle, as fonts do. */
			sb_add(b, "\xe2\x97\x8c", 3);
			b->marks = 0;
		}
		if (b->marks >= TEXT_MAX_MARKS)
			return;
		b->marks++;
	} else if (utf8proc_charwidth(c) == 0) {
		sb_escape(b, "<U+%04X>", (unsigned)c);
		return;
	} else {
		b->marks = 0;
	}
	n = utf8proc_encode_char(c, enc);
	sb_add(b, (const char *)enc, (size_t)n);
}

/* Sanitise one run of valid UTF-8: NFC, then character by character. */
static void emit_run(struct sbuf *b, const char *s, size_t len)
{
	char *run = strndup(s, len);
	char *nfc = run ? vn_nfc(run) : NULL;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)nfc;
	utf8proc_int32_t c;
	utf8proc_ssize_t n;

	if (nfc == NULL) {
		b->oom = 1;
		free(run);
		return;
	}
	while (*p && (n = utf8proc_iterate(p, -1, &c)) > 0) {
		emit_char(b, c);
		p += n;
	}
	free(nfc);
	free(run);
}

static void sanitize_into(struct sbuf *b, const char *s, size_t len)
{
	size_t i = 0, start = 0;

	b->marks = -1;
	while (i < len) {
		utf8proc_int32_t c;
		utf8proc_ssize_t n = utf8proc_iterate(
			(const utf8proc_uint8_t *)s + i,
			(utf8proc_ssize_t)(len - i), &c);

		if (n > 0) {
			i += (size_t)n;
			continue;
		}
		if (i > start)
			emit_run(b, s + start, i - start);
		sb_escape(b, "\\x%02X", (unsigned char)s[i]);
		start = ++i;
	}
	if (i > start)
		emit_run(b, s + start, i - start);
	if (b->p == NULL && !b->oom)
		sb_add(b, "", 0);
}

char *tui_text_sanitize(const char *s)
{
	struct sbuf b = { 0 };

	sanitize_into(&b, s ? s : "", s ? strlen(s) : 0);
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

/* Length of the display unit at p (a character and its marks), and its
 * width. */
static size_t unit_at(const char *p, int *width)
{
	const utf8proc_uint8_t *u = (const utf8proc_uint8_t *)p;
	utf8proc_int32_t c;
	utf8proc_ssize_t n = utf8proc_iterate(u, -1, &c);
	size_t len;

	if (n <= 0) {
		*width = 1;
		return 1;
	}
	*width = utf8proc_charwidth(c);
	len = (size_t)n;
	while (u[len] && (n = utf8proc_iterate(u + len, -1, &c)) > 0 &&
	       utf8proc_charwidth(c) == 0)
		len += (size_t)n;
	return len;
}

int tui_text_width(const char *safe)
{
	int w = 0, uw;

	while (*safe) {
		safe += unit_at(safe, &uw);
		w += uw;
	}
	return w;
}

size_t tui_text_cut(const char *safe, int width, int *used)
{
	const char *p = safe;
	int w = 0, uw;
	size_t n;

	while (*p) {
		n = unit_at(p, &uw);
		if (w + uw > width)
			break;
		p += n;
		w += uw;
	}
	if (used != NULL)
		*used = w;
	return (size_t)(p - safe);
}

static size_t pad(char *buf, size_t at, size_t buflen, int n)
{
	while (n-- > 0 && at + 1 < buflen)
		buf[at++] = ' ';
	buf[at] = '\0';
	return at;
}

static size_t put(char *buf, size_t at, size_t buflen, const char *s,
		  size_t n)
{
	if (at + n + 1 > buflen)
		n = buflen > at + 1 ? buflen - at - 1 : 0;
	memcpy(buf + at, s, n);
	buf[at + n] = '\0';
	return at + n;
}

/* Fit the head of safe text into width columns, "…" at the end if cut. */
static size_t fit_head(const char *safe, int width, int align, char *buf,
		       size_t buflen)
{
	const char *p = safe, *cut = safe;
	int w = 0, cutw = 0, uw, truncated = 0;
	size_t at = 0, n;

	while (*p) {
		n = unit_at(p, &uw);
		if (w + uw > width) {
			truncated = 1;
			break;
		}
		p += n;
		w += uw;
		if (w <= width - 1) {
			cut = p;
			cutw = w;
		}
	}
	if (!truncated) {
		cut = p;
		cutw = w;
	}
	if (align & TUI_ALIGN_RIGHT)
		at = pad(buf, at, buflen, width - cutw - truncated);
	at = put(buf, at, buflen, safe, (size_t)(cut - safe));
	if (truncated)
		at = put(buf, at, buflen, "\xe2\x80\xa6", 3);
	if (!(align & TUI_ALIGN_RIGHT))
		at = pad(buf, at, buflen, width - cutw - truncated);
	return at;
}

/* Keep the tail: "…" first, then the last columns that fit. */
static size_t fit_tail(const char *safe, int width, char *buf, size_t buflen)
{
	int total = tui_text_width(safe), skip, w = 0, uw;
	const char *p = safe;
	size_t at = 0;

	if (total <= width)
		return fit_head(safe, width, TUI_ALIGN_RIGHT, buf, buflen);
	skip = total - (width - 1);
	while (*p && w < skip) {
		p += unit_at(p, &uw);
		w += uw;
	}
	at = put(buf, at, buflen, "\xe2\x80\xa6", 3);
	at = pad(buf, at, buflen, w - skip);
	return put(buf, at, buflen, p, strlen(p));
}

size_t tui_text_fit(const char *s, int width, int align, char *buf,
		    size_t buflen)
{
	struct sbuf b = { 0 };
	size_t len = s ? strlen(s) : 0, window, at;
	const char *from = s ? s : "";

	if (buflen == 0)
		return 0;
	buf[0] = '\0';
	if (width <= 0)
		return 0;
	window = (size_t)width * TEXT_BYTES_PER_COL + 64;
	if (len > window) {
		if (align & TUI_KEEP_TAIL) {
			from += len - window;
			/* Start on a character, not inside one. */
			while ((*from & 0xc0) == 0x80)
				from++;
			len = strlen(from);
		} else {
			/* Stop before a character cut short. */
			while (window > 0 && (from[window] & 0xc0) == 0x80)
				window--;
			len = window;
		}
	}
	sanitize_into(&b, from, len);
	if (b.oom || b.p == NULL) {
		free(b.p);
		return pad(buf, 0, buflen, width);
	}
	if (align & TUI_KEEP_TAIL)
		at = fit_tail(b.p, width, buf, buflen);
	else
		at = fit_head(b.p, width, align, buf, buflen);
	free(b.p);
	return at;
}

int tui_draw_text(WINDOW *w, int y, int x, int width, const char *s,
		  int align, attr_t attr)
{
	char stackbuf[1024];
	size_t need = (size_t)(width > 0 ? width : 0) * 4 + 8;
	char *buf = need <= sizeof stackbuf ? stackbuf : malloc(need);

	if (buf == NULL || width <= 0) {
		if (buf != stackbuf)
			free(buf);
		return 0;
	}
	tui_text_fit(s, width, align, buf, need);
	wattrset(w, attr);
	mvwaddstr(w, y, x, buf);
	wattrset(w, A_NORMAL);
	if (buf != stackbuf)
		free(buf);
	return width;
}
