/*
 * The values of the egov configuration (config.h, egov.conf(5)): their
 * defaults, what each profile key accepts, and the EGOV_* environment
 * variables that override the file.  config.c reads the file and hands
 * each value here, so a value means the same from either place.
 */
#include "config.h"

#include "egov-config.h"
#include "config-keys.h"
#include "cli-util.h"

#include <errno.h>
#include <libintl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define _(s) gettext(s)

const char *const egov_config_key_names[K_COUNT] = {
	"server", "ca_file", "user", "lang", "color", "sync_interval",
	"auto_lock", "log_level", "log_file", "timeout"
};

void egov_config_init(struct egov_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->color = EGOV_COLOR_AUTO;
	cfg->sync_interval = 60;
	cfg->auto_lock = 10;
	cfg->log_level = EGOV_LOG_WARN;
	cfg->timeout = 60;
}

static void pairs_free(struct egov_config_pair *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(p[i].name);
		free(p[i].value);
	}
	free(p);
}

void egov_config_release(struct egov_config *cfg)
{
	free(cfg->path);
	free(cfg->profile);
	free(cfg->server);
	free(cfg->ca_file);
	free(cfg->user);
	free(cfg->lang);
	free(cfg->log_file);
	pairs_free(cfg->keys, cfg->n_keys);
	pairs_free(cfg->colors, cfg->n_colors);
	egov_config_init(cfg);
}

int egov_config_set_str(char **slot, const char *value)
{
	char *copy = NULL;

	if (value) {
		copy = strdup(value);
		if (!copy)
			return -1;
	}
	free(*slot);
	*slot = copy;
	return 0;
}

static const char *const level_names[] = { "error", "warn", "info", "debug" };

int egov_log_level_parse(const char *s, enum egov_log_level *out)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (strcmp(s, level_names[i]) == 0) {
			*out = (enum egov_log_level)i;
			return 0;
		}
	}
	if (strcmp(s, "warning") == 0) {
		*out = EGOV_LOG_WARN;
		return 0;
	}
	return -1;
}

const char *egov_log_level_str(enum egov_log_level level)
{
	if ((unsigned)level < sizeof(level_names) / sizeof(level_names[0]))
		return level_names[level];
	return "?";
}

static int parse_int(const char *s, int min, int max, int *out)
{
	long v;

	if (cli_parse_long(s, min, max, &v) < 0)
		return -1;
	*out = (int)v;
	return 0;
}

int egov_config_set_key(struct egov_config *cfg, enum profile_key k,
			   const char *v, char *err, size_t errlen)
{
	int n;

	switch (k) {
	case K_SERVER:
		if (strncmp(v, "http://", 7) != 0 && strncmp(v, "https://", 8) != 0) {
			snprintf(err, errlen, _("server must start with https:// or http://, not '%s'"), v);
			return -1;
		}
		return egov_config_set_str(&cfg->server, v);
	case K_CA_FILE:
		return egov_config_set_str(&cfg->ca_file, *v ? v : NULL);
	case K_USER:
		return egov_config_set_str(&cfg->user, *v ? v : NULL);
	case K_LANG:
		if (*v && strcmp(v, "vi") != 0 && strcmp(v, "en") != 0) {
			snprintf(err, errlen, _("lang must be 'vi' or 'en', not '%s'"), v);
			return -1;
		}
		return egov_config_set_str(&cfg->lang, *v ? v : NULL);
	case K_COLOR:
		if (strcmp(v, "auto") == 0)
			cfg->color = EGOV_COLOR_AUTO;
		else if (strcmp(v, "always") == 0 || strcmp(v, "yes") == 0)
			cfg->color = EGOV_COLOR_ALWAYS;
		else if (strcmp(v, "never") == 0 || strcmp(v, "no") == 0)
			cfg->color = EGOV_COLOR_NEVER;
		else {
			snprintf(err, errlen, _("color must be auto, always or never, not '%s'"), v);
			return -1;
		}
		return 0;
	case K_SYNC_INTERVAL:
		if (parse_int(v, 5, 86400, &n) < 0) {
			snprintf(err, errlen, _("sync_interval must be seconds from 5 to 86400, not '%s'"), v);
			return -1;
		}
		cfg->sync_interval = n;
		return 0;
	case K_AUTO_LOCK:
		if (parse_int(v, 0, 1440, &n) < 0) {
			snprintf(err, errlen, _("auto_lock must be minutes from 0 to 1440, not '%s'"), v);
			return -1;
		}
		cfg->auto_lock = n;
		return 0;
	case K_LOG_LEVEL:
		if (egov_log_level_parse(v, &cfg->log_level) < 0) {
			snprintf(err, errlen, _("log_level must be error, warn, info or debug, not '%s'"), v);
			return -1;
		}
		return 0;
	case K_LOG_FILE:
		return egov_config_set_str(&cfg->log_file, *v ? v : NULL);
	case K_TIMEOUT:
		if (parse_int(v, 1, 3600, &n) < 0) {
			snprintf(err, errlen, _("timeout must be seconds from 1 to 3600, not '%s'"), v);
			return -1;
		}
		cfg->timeout = n;
		return 0;
	case K_COUNT:
		break;
	}
	return -1;
}

int egov_config_apply_env(struct egov_config *cfg, char *err, size_t errlen)
{
	static const struct { const char *var; enum profile_key key; } vars[] = {
		{ "EGOV_SERVER", K_SERVER }, { "EGOV_CA_FILE", K_CA_FILE },
		{ "EGOV_USER", K_USER }, { "EGOV_LANG", K_LANG },
		{ "EGOV_LOG_LEVEL", K_LOG_LEVEL }, { "EGOV_LOG_FILE", K_LOG_FILE },
		{ "EGOV_SYNC_INTERVAL", K_SYNC_INTERVAL },
		{ "EGOV_AUTO_LOCK", K_AUTO_LOCK }, { "EGOV_TIMEOUT", K_TIMEOUT },
	};
	char msg[300];

	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		const char *v = getenv(vars[i].var);

		if (!v || !*v)
			continue;
		msg[0] = '\0';
		if (egov_config_set_key(cfg, vars[i].key, v, msg, sizeof(msg)) < 0) {
			snprintf(err, errlen, "%s: %s", vars[i].var,
				 msg[0] ? msg : strerror(ENOMEM));
			return -1;
		}
	}
	return 0;
}
