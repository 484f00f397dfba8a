/*
 * Output formatting for egov's subcommands (output.h): safe text, aligned
 * cells by display width (utf8proc, so Vietnamese with combining marks and
 * wide characters line up), RFC 4180 CSV, stable JSON, times in the city's
 * zone.
 */
#include "config.h"

#include "output.h"
#include "vntext.h"
#include "workdays.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* Code points shown escaped: C0, DEL, C1, and the bidi controls. */
static int must_escape(utf8proc_int32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) ||
	       (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
	       cp == 0x200e || cp == 0x200f || cp == 0x061c;
}

char *out_safe(const char *s)
{
	char *nfc, *out, *w;
	const utf8proc_uint8_t *p;
	size_t len;

	/* vn_nfc replaces invalid UTF-8 with U+FFFD. */
	nfc = vn_nfc(s ? s : "");
	if (!nfc)
		return NULL;
	len = strlen(nfc);
	out = malloc(len * 6 + 1);	/* "\u202e" is 6 bytes for at most 3 */
	if (!out) {
		free(nfc);
		return NULL;
	}
	w = out;
	p = (const utf8proc_uint8_t *)nfc;
	while (*p) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate(p, -1, &cp);

		if (n <= 0) {		/* cannot happen after vn_nfc; be safe */
			*w++ = '?';
			p++;
			continue;
		}
		if (must_escape(cp))
			w += cp < 0x100 ? sprintf(w, "\\x%02x", (unsigned)cp)
					: sprintf(w, "\\u%04x", (unsigned)cp);
		else {
			memcpy(w, p, (size_t)n);
			w += n;
		}
		p += n;
	}
	*w = '\0';
	free(nfc);
	return out;
}

static int cp_width(utf8proc_int32_t cp)
{
	int w = utf8proc_charwidth(cp);

	return w < 0 ? 0 : w;
}

int out_width(const char *s)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	int width = 0;

	while (*p) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate(p, -1, &cp);

		if (n <= 0) {
			p++;
			width++;
			continue;
		}
		width += cp_width(cp);
		p += n;
	}
	return width;
}

void out_cell(FILE *fp, const char *s, int width)
{
	char *safe = out_safe(s);
	const utf8proc_uint8_t *p;
	int used = 0;

	if (!safe)
		return;
	if (width <= 0) {
		fputs(safe, fp);
		free(safe);
		return;
	}
	if (out_width(safe) <= width) {
		fputs(safe, fp);
		used = out_width(safe);
	} else {
		p = (const utf8proc_uint8_t *)safe;
		while (*p) {
			utf8proc_int32_t cp;
			utf8proc_ssize_t n = utf8proc_iterate(p, -1, &cp);

			if (n <= 0)
				break;
			if (used + cp_width(cp) > width - 1)
				break;
			fwrite(p, 1, (size_t)n, fp);
			used += cp_width(cp);
			p += n;
		}
		fputs("\xe2\x80\xa6", fp);	/* … */
		used++;
	}
	for (; used < width; used++)
		fputc(' ', fp);
	free(safe);
}

void out_text(FILE *fp, const char *s)
{
	out_cell(fp, s, 0);
}

/* -12 or -0.5: a plain number, which a spreadsheet reads as that number
 * and never as a formula, so it needs no guard (and a guard would turn a
 * negative count of days into text). */
static int plain_number(const char *s)
{
	int digits = 0;

	if (*s == '-')
		s++;
	for (; *s >= '0' && *s <= '9'; s++)
		digits++;
	if (*s == '.' && digits)
		for (s++, digits = 0; *s >= '0' && *s <= '9'; s++)
			digits++;
	return digits > 0 && *s == '\0';
}

void out_csv_field(FILE *fp, const char *s, int first)
{
	const char *text = s ? s : "";
	int formula = text[0] != '\0' && strchr("=+-@\t\r", text[0]) != NULL &&
		      !plain_number(text);

	if (!first)
		fputc(',', fp);
	if (!formula && !strpbrk(text, ",\"\r\n")) {
		fputs(text, fp);
		return;
	}
	fputc('"', fp);
	if (formula)
		fputc('\'', fp);
	for (; *text; text++) {
		if (*text == '"')
			fputc('"', fp);
		fputc(*text, fp);
	}
	fputc('"', fp);
}

void out_csv_end(FILE *fp)
{
	fputs("\r\n", fp);
}

int out_json(json_t *root)
{
	int rc;

	if (!root)
		return -1;
	rc = json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (rc == 0 && fputc('\n', stdout) == EOF)
		rc = -1;
	return rc;
}

void out_time(time_t t, char buf[20])
{
	char full[26];

	if (!t) {
		buf[0] = '\0';
		return;
	}
	egov_time_format(t, full);	/* 2024-11-21T08:30:00+07:00 */
	memcpy(buf, full, 16);
	buf[10] = ' ';
	buf[16] = '\0';
}

void out_rfc3339(time_t t, char buf[26])
{
	if (!t)
		buf[0] = '\0';
	else
		egov_time_format(t, buf);
}

json_t *out_json_time(time_t t)
{
	char buf[26];

	if (!t)
		return json_null();
	egov_time_format(t, buf);
	return json_string(buf);
}

const char *out_color(int on, const char *sgr)
{
	return on ? sgr : "";
}

const char *out_reset(int on)
{
	return on ? "\x1b[0m" : "";
}
