/*
 * Numbers for people, the Vietnamese way, and small charts drawn with
 * text: money as "1.000.000 đ", counts with dot thousands, rates as
 * percentages ("—" when there was nothing to rate, never 0 %), and bars
 * and sparklines made of Unicode block characters.
 *
 * The dashboard, the ranking, the workload and the procedures catalogue
 * all use these, so one figure always looks the same.  A terminal that
 * cannot show the block characters (a locale that is not UTF-8, a
 * fallback terminal type, NO_COLOR asking for plain output) gets ASCII
 * bars ("#") and sparklines (" .-=+*#") instead: the chart still reads.
 */
#include "config.h"

#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screens.h"
#include "format.h"

void fmt_count(long long n, char *buf, size_t len)
{
	char digits[32], out[48];
	size_t nd, i, at = 0;
	int neg = n < 0;

	snprintf(digits, sizeof digits, "%llu",
		 neg ? 0ULL - (unsigned long long)n : (unsigned long long)n);
	nd = strlen(digits);
	if (neg)
		out[at++] = '-';
	for (i = 0; i < nd; i++) {
		if (i > 0 && (nd - i) % 3 == 0)
			out[at++] = '.';
		out[at++] = digits[i];
	}
	out[at] = '\0';
	snprintf(buf, len, "%s", out);
}

void fmt_money(long long vnd, char *buf, size_t len)
{
	char n[48];

	fmt_count(vnd, n, sizeof n);
	snprintf(buf, len, "%s đ", n);
}

/* One decimal with the language's separator ("87,5" in Vietnamese). */
static void fmt_decimal(double v, char *buf, size_t len)
{
	/* TRANSLATORS: the decimal separator ("," in Vietnamese). */
	const char *sep = _(".");
	long long tenths = (long long)(v * 10.0 + (v < 0 ? -0.5 : 0.5));
	long long whole = tenths / 10, frac = tenths % 10;

	if (frac < 0)
		frac = -frac;
	snprintf(buf, len, "%lld%s%lld", whole, sep, frac);
}

void fmt_rate(double rate, char *buf, size_t len)
{
	char d[32];

	if (rate < 0) {
		snprintf(buf, len, "—");
		return;
	}
	fmt_decimal(rate * 100.0, d, sizeof d);
	snprintf(buf, len, "%s %%", d);
}

void fmt_days(double days, char *buf, size_t len)
{
	if (days < 0)
		snprintf(buf, len, "—");
	else
		fmt_decimal(days, buf, len);
}

double fmt_ratio(long long num, long long den)
{
	return den > 0 ? (double)num / (double)den : -1.0;
}

int fmt_blocks_ok(void)
{
	const char *nc = getenv("NO_COLOR");
	struct console *con = console_get();

	if (nc != NULL && *nc != '\0')
		return 0;
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		return 0;
	if (con != NULL && con->t != NULL && !tui_has_color(con->t))
		return 0;
	return 1;
}

void fmt_bar(double frac, int width, int blocks, char *buf, size_t len)
{
	static const char *const eighths[8] = {
		"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"
	};
	size_t at = 0;
	int cells, i, part;

	if (len == 0)
		return;
	buf[0] = '\0';
	if (width <= 0 || frac < 0)
		return;
	if (frac > 1)
		frac = 1;
	cells = (int)(frac * width * 8 + 0.5);
	for (i = 0; i < cells / 8 && at + 4 < len; i++)
		at += (size_t)snprintf(buf + at, len - at, "%s", blocks ? "█" : "#");
	part = cells % 8;
	if (part > 0 && at + 4 < len) {
		if (blocks)
			at += (size_t)snprintf(buf + at, len - at, "%s", eighths[part]);
		else if (part >= 4)
			at += (size_t)snprintf(buf + at, len - at, "+");
	}
}

void fmt_sparkline(const double *v, size_t n, int blocks, char *buf, size_t len)
{
	static const char *const levels[8] = {
		"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"
	};
	static const char ascii[] = "_.-=+*#@";
	double lo = 0, hi = 0;
	size_t i, at = 0;
	int any = 0;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		if (v[i] < 0)
			continue;
		if (!any || v[i] < lo)
			lo = v[i];
		if (!any || v[i] > hi)
			hi = v[i];
		any = 1;
	}
	/* A flat series sits in the middle; a missing point is a blank. */
	for (i = 0; i < n && at + 4 < len; i++) {
		int k;

		if (v[i] < 0) {
			buf[at++] = ' ';
			buf[at] = '\0';
			continue;
		}
		k = hi > lo ? (int)((v[i] - lo) / (hi - lo) * 7 + 0.5) : 3;
		if (blocks)
			at += (size_t)snprintf(buf + at, len - at, "%s", levels[k]);
		else {
			buf[at++] = ascii[k];
			buf[at] = '\0';
		}
	}
}
