/*
 * Where a person's cache lives: one file per server and user under
 * $XDG_DATA_HOME/egov/ (XDG_DATA_HOME defaults to ~/.local/share), so two
 * accounts or two servers never share dossiers.  The folder is made (with
 * missing parents) mode 0700 and tightened to 0700 if it exists: the files
 * hold citizens' personal data.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

/* Copy [A-Za-z0-9._] and replace anything else with '_'. */
static void
append_clean(char *out, size_t outlen, const char *s, size_t n)
{
	size_t len = strlen(out), i;

	for (i = 0; i < n && len + 1 < outlen; i++) {
		char ch = s[i];
		int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			 (ch >= '0' && ch <= '9') || ch == '.' || ch == '_';
		out[len++] = ok ? ch : '_';
	}
	out[len] = '\0';
}

static int
mkdirs(char *path, char *err, size_t errlen)
{
	char *p;

	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) < 0 && errno != EEXIST) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	if (mkdir(path, 0700) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (chmod(path, 0700) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int
ecache_default_path(const char *server_url, const char *username,
		    char *out, size_t outlen, char *err, size_t errlen)
{
	char name[512] = "", dir[4096];
	const char *host, *end, *port = NULL, *xdg = getenv("XDG_DATA_HOME");
	int https;

	if (!server_url || !username || !*username) {
		snprintf(err, errlen, "a server and a user name are needed");
		return -1;
	}
	https = strncmp(server_url, "https://", 8) == 0;
	host = strstr(server_url, "://");
	host = host ? host + 3 : server_url;
	end = host + strcspn(host, "/?#");
	if (*host == '[') {			/* [v6]:port */
		const char *close = memchr(host, ']', (size_t)(end - host));
		if (close && close + 1 < end && close[1] == ':')
			port = close + 2;
		append_clean(name, sizeof name, host + 1,
			     (size_t)((close ? close : end) - host - 1));
	} else {
		const char *colon = memchr(host, ':', (size_t)(end - host));
		if (colon)
			port = colon + 1;
		append_clean(name, sizeof name, host, (size_t)((colon ? colon : end) - host));
	}
	strncat(name, "-", sizeof name - strlen(name) - 1);
	if (port)
		append_clean(name, sizeof name, port, (size_t)(end - port));
	else
		append_clean(name, sizeof name, https ? "443" : "80", https ? 3 : 2);
	strncat(name, "-", sizeof name - strlen(name) - 1);
	append_clean(name, sizeof name, username, strlen(username));

	if (xdg && *xdg == '/') {
		snprintf(dir, sizeof dir, "%s/egov", xdg);
	} else {
		const char *home = getenv("HOME");
		if (!home || !*home) {
			snprintf(err, errlen, "neither XDG_DATA_HOME nor HOME is set");
			return -1;
		}
		snprintf(dir, sizeof dir, "%s/.local/share/egov", home);
	}
	if (mkdirs(dir, err, errlen) < 0)
		return -1;
	if ((size_t)snprintf(out, outlen, "%s/%s.db", dir, name) >= outlen) {
		snprintf(err, errlen, "cache path too long");
		return -1;
	}
	return 0;
}

ecache *
ecache_open(const char *server_url, const char *username, char *err, size_t errlen)
{
	char path[4200];

	if (ecache_default_path(server_url, username, path, sizeof path, err, errlen) < 0)
		return NULL;
	return ecache_open_path(path, err, errlen);
}
