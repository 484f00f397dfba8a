/*
 * How egov writes results: for people (aligned columns, dates in local
 * time, colour only when allowed, text from the server made harmless), as
 * CSV (RFC 4180) or as JSON (jansson, stable key order).
 *
 * Server text is never written raw: control characters, escape sequences,
 * C1 controls, bidirectional overrides and invalid UTF-8 are shown as
 * visible escapes (\x1b, \u202e), so a dossier subject cannot move the
 * cursor, retitle the terminal or reorder what a person reads.
 */
#ifndef EGOV_CLI_OUTPUT_H
#define EGOV_CLI_OUTPUT_H

#include <stdio.h>
#include <time.h>

#include <jansson.h>

/* s made safe for a terminal (see above); caller frees.  NULL gives "". */
char *out_safe(const char *s);
/* Display columns s takes once made safe. */
int out_width(const char *s);

/* Write s safe, padded with spaces or cut (with "…") to exactly width
 * columns; width <= 0 writes it whole. */
void out_cell(FILE *fp, const char *s, int width);
/* Write s safe. */
void out_text(FILE *fp, const char *s);

/* One CSV field, RFC 4180: quoted when it holds , " CR or LF, quotes
 * doubled.  A field starting with = + - @ TAB CR gets a leading ' so a
 * spreadsheet does not run it as a formula (OWASP CSV injection); a plain
 * number such as -3 is left as it is. */
void out_csv_field(FILE *fp, const char *s, int first);
/* End a CSV record: CRLF, as RFC 4180 says. */
void out_csv_end(FILE *fp);

/* JSON to stdout, two-space indent, keys in insertion order, newline.
 * Steals the reference.  0, or -1 on a write error. */
int out_json(json_t *root);

/* "2024-11-21 08:30" in the city's zone, "" for 0. */
void out_time(time_t t, char buf[20]);
/* RFC 3339 for JSON/CSV, or JSON null / "" for 0. */
json_t *out_json_time(time_t t);
void out_rfc3339(time_t t, char buf[26]);

/* An SGR sequence when colour is on, else "" (so format strings stay
 * simple); out_reset() ends it. */
const char *out_color(int on, const char *sgr);
const char *out_reset(int on);
#define OUT_BOLD "\x1b[1m"
#define OUT_DIM "\x1b[2m"
#define OUT_RED "\x1b[31m"
#define OUT_GREEN "\x1b[32m"
#define OUT_YELLOW "\x1b[33m"

#endif
