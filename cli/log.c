/*
 * The egov log file (egov-log.h): levels, time stamps, and a scrubber that
 * masks anything shaped like a secret or a personal number before it is
 * written.  The scrubber is a safety net, not the rule: callers must still
 * keep applicant names, addresses and passwords out of their messages,
 * because no pattern can recognise a name.
 */
#include "config.h"

#include "egov-log.h"
#include "workdays.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* A run of token characters this long is taken as a secret (tokens, keys,
 * long base64); dossier numbers break into short runs at their dots. */
#define SECRET_RUN 20
/* A run of digits this long is taken as an ID or phone number. */
#define DIGIT_RUN 9

void egov_log_init(struct egov_log *log)
{
	log->fp = NULL;
	log->level = EGOV_LOG_WARN;
}

int egov_log_open(struct egov_log *log, const char *path, enum egov_log_level level,
		  char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	log->fp = fdopen(fd, "a");
	if (!log->fp) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	setvbuf(log->fp, NULL, _IOLBF, 0);
	log->level = level;
	return 0;
}

void egov_log_release(struct egov_log *log)
{
	if (log->fp)
		fclose(log->fp);
	log->fp = NULL;
}

static int token_char(unsigned char c)
{
	/* Not '/': paths would look like secrets.  Tokens here are hex or
	 * base64url, which never hold one. */
	return isalnum(c) || c == '_' || c == '-' || c == '+' || c == '=';
}

static void mask(char *s, size_t n)
{
	memset(s, '*', n < 3 ? n : 3);
	if (n > 3)
		memmove(s + 3, s + n, strlen(s + n) + 1);
}

void egov_log_scrub(char *s)
{
	char *p = s;

	while (*p) {
		size_t run = 0, digits = 0;

		if (strncasecmp(p, "bearer ", 7) == 0) {
			p += 7;
			run = strcspn(p, " \t,;\"'");
			if (run)
				mask(p, run);
			p += run < 3 ? run : 3;
			continue;
		}
		while (token_char((unsigned char)p[run]))
			run++;
		if (run >= SECRET_RUN) {
			mask(p, run);
			p += 3;
			continue;
		}
		while (isdigit((unsigned char)p[digits]))
			digits++;
		if (digits >= DIGIT_RUN) {
			mask(p, digits);
			p += 3;
			continue;
		}
		p += run ? run : 1;
	}
}

void egov_log_vwrite(struct egov_log *log, enum egov_log_level level,
		     const char *fmt, va_list ap)
{
	char msg[1024], stamp[26], line[1100];

	if (!log || !log->fp || level > log->level)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	for (char *q = msg; *q; q++)
		if ((unsigned char)*q < 0x20)
			*q = ' ';
	egov_log_scrub(msg);
	egov_time_format(time(NULL), stamp);
	snprintf(line, sizeof(line), "%s %s[%ld] %s: %s\n", stamp, "egov", (long)getpid(),
		 egov_log_level_str(level), msg);
	/* One fputs per line: stdio locks the stream, so lines from the
	 * api-client's thread never interleave with ours. */
	fputs(line, log->fp);
}

void egov_log_write(struct egov_log *log, enum egov_log_level level,
		    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	egov_log_vwrite(log, level, fmt, ap);
	va_end(ap);
}
