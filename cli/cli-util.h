/*
 * Small helpers the egov program's files share: XDG folders, private
 * folders and files, a stable short name for a server URL, "egov: " error
 * lines, and reading a number or a date from an option.
 */
#ifndef EGOV_CLI_UTIL_H
#define EGOV_CLI_UTIL_H

#include <stddef.h>

/* $VAR/rel, else $HOME/home_rel/rel (e.g. "XDG_STATE_HOME", ".local/state",
 * "egov").  Caller frees; NULL without memory or without HOME. */
char *cli_xdg_path(const char *var, const char *home_rel, const char *rel);

/* mkdir -p with mode 0700 for the folders created; an existing last folder
 * is tightened to 0700 too (it holds secrets).  0, or -1 with errno. */
int cli_mkdir_private(const char *path);

/* Write data to path atomically (temporary file, fsync, rename) with mode
 * 0600.  0, or -1 with errno. */
int cli_write_private(const char *path, const char *data, size_t len);

/* "egov: " + message + newline on stderr; the one way errors are shown. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* strtol over the whole string within [min, max]; 0 or -1. */
int cli_parse_long(const char *s, long min, long max, long *out);

/* snprintf into a fixed buffer that cannot overflow; returns buf. */
char *cli_fmt(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
