/*
 * Helpers shared by the egov program's files (cli-util.h): where files go
 * (XDG base directories), how private files are written (0600 in 0700
 * folders, atomically, because the session file holds a refresh token), and
 * the one-line "egov: ..." error form.
 */
#include "config.h"

#include "cli-util.h"
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *cli_xdg_path(const char *var, const char *home_rel, const char *rel)
{
	const char *base = getenv(var);
	const char *home = getenv("HOME");
	char *out = NULL;
	int n;

	/* The XDG spec says a relative value is to be ignored. */
	if (base && base[0] == '/')
		n = asprintf(&out, "%s/%s", base, rel);
	else if (home && *home)
		n = asprintf(&out, "%s/%s/%s", home, home_rel, rel);
	else
		return NULL;
	return n < 0 ? NULL : out;
}

int cli_mkdir_private(const char *path)
{
	char *copy = strdup(path);
	int result = -1;

	if (!copy)
		return -1;
	for (char *p = copy + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char saved = *p;

			*p = '\0';
			if (mkdir(copy, 0700) < 0 && errno != EEXIST)
				goto cleanup;
			*p = saved;
			if (!saved)
				break;
		}
	}
	if (chmod(path, 0700) < 0)
		goto cleanup;
	result = 0;
cleanup:
	free(copy);
	return result;
}

int cli_write_private(const char *path, const char *data, size_t len)
{
	char *tmp = NULL;
	int fd = -1, result = -1, saved;

	if (asprintf(&tmp, "%s.tmp.%ld", path, (long)getpid()) < 0) {
		tmp = NULL;
		goto cleanup;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		goto cleanup;
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto cleanup;
		}
		data += n;
		len -= (size_t)n;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		fd = -1;
		goto cleanup;
	}
	fd = -1;
	if (rename(tmp, path) < 0)
		goto cleanup;
	result = 0;
cleanup:
	saved = errno;
	if (fd >= 0)
		close(fd);
	if (result < 0 && tmp)
		unlink(tmp);
	free(tmp);
	errno = saved;
	return result;
}

void cli_error(const char *fmt, ...)
{
	char msg[1024], *safe;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* One line, whatever the message held, and no escape sequences: a
	 * message may quote the server (a refusal's reason). */
	for (char *p = msg; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	safe = out_safe(msg);
	fprintf(stderr, "egov: %s\n", safe ? safe : msg);
	free(safe);
}

int cli_parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

char *cli_fmt(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return buf;
}
