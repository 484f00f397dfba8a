/*
 * Numbers for people and charts in text (format.c): money "1.000.000 đ",
 * rates "87,5 %" or "—", bars and sparklines in block characters with an
 * ASCII fallback.
 */
#ifndef EGOV_SCREENS_FORMAT_H
#define EGOV_SCREENS_FORMAT_H

#include <stddef.h>

/* "1.234.567" */
void fmt_count(long long n, char *buf, size_t len);
/* "1.000.000 đ" */
void fmt_money(long long vnd, char *buf, size_t len);
/* rate in 0..1 as "87,5 %" (the language's decimal sign); negative: "—". */
void fmt_rate(double rate, char *buf, size_t len);
/* "3,2"; negative: "—". */
void fmt_days(double days, char *buf, size_t len);
/* num / den, or -1 ("—") when den is 0. */
double fmt_ratio(long long num, long long den);
/* May charts use Unicode blocks here (UTF-8, colour, no NO_COLOR)? */
int fmt_blocks_ok(void);
/* A bar of frac (0..1) of width cells: blocks with eighths, or '#'. */
void fmt_bar(double frac, int width, int blocks, char *buf, size_t len);
/* One cell per value, scaled between the series' least and greatest;
 * negative values (no data) are blanks. */
void fmt_sparkline(const double *v, size_t n, int blocks, char *buf, size_t len);

#endif
