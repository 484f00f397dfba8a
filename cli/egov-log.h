/*
 * The egov log: one file (--log-file, log_file in the configuration),
 * levels error < warn < info < debug, one line per message with a time
 * stamp and the level.
 *
 * What goes in must never hold a password, a token or a citizen's personal
 * data (Decree 13/2023): callers log dossier codes, ids, states, counts and
 * errors, never applicant names, ID numbers, phones or addresses.  As a
 * second line of defence egov_log_write() masks anything that looks like a
 * bearer token, a JWT-like string, a long hex or base64 secret, a phone or
 * ID number (runs of 9 or more digits), so a mistake upstream (say in a
 * server's error text) does not leak.  Writing is safe from the
 * api-client's network thread: each message is one fputs of one line.
 */
#ifndef EGOV_CLI_LOG_H
#define EGOV_CLI_LOG_H

#include <stdarg.h>
#include <stdio.h>

#include "egov-config.h"

struct egov_log {
	FILE *fp;			/* NULL: logging off */
	enum egov_log_level level;
};

void egov_log_init(struct egov_log *log);
/* Open (append) path with mode 0600; 0, or -1 with err. */
int egov_log_open(struct egov_log *log, const char *path, enum egov_log_level level,
		  char *err, size_t errlen);
void egov_log_release(struct egov_log *log);

void egov_log_write(struct egov_log *log, enum egov_log_level level,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void egov_log_vwrite(struct egov_log *log, enum egov_log_level level,
		     const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));

/* Mask secrets and personal-data-looking runs in s, in place (what
 * egov_log_write applies to every message). */
void egov_log_scrub(char *s);

#endif
