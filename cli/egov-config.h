/*
 * The egov configuration: one INI file, $XDG_CONFIG_HOME/egov/config
 * (egov.conf(5)), read with libinih, then EGOV_* environment overrides.
 *
 * The file holds profiles: [default] applies always, [profile NAME] on top
 * of it when NAME is chosen (--profile, EGOV_PROFILE, else "default").
 * [keys] maps console actions to keys and [colors] console elements to
 * colours; both are handed to the terminal framework as (name, value) pairs
 * without interpretation here, because only the tui knows which actions and
 * elements exist.  Anything unknown in the file is an error naming the file,
 * the line and the key, so a typo never silently does nothing.
 *
 * Precedence, lowest first: built-in defaults, [default], [profile NAME],
 * the environment, command-line options (applied by the caller).
 */
#ifndef EGOV_CLI_CONFIG_H
#define EGOV_CLI_CONFIG_H

/* (Named egov-config.h because config.h is autoconf's.) */

#include <stddef.h>

enum egov_color_mode { EGOV_COLOR_AUTO, EGOV_COLOR_ALWAYS, EGOV_COLOR_NEVER };

/* Log levels, most severe first: a message is written when its level is <=
 * the configured one. */
enum egov_log_level {
	EGOV_LOG_ERROR = 0, EGOV_LOG_WARN, EGOV_LOG_INFO, EGOV_LOG_DEBUG
};

/* One "name = value" line of [keys] or [colors], in file order. */
struct egov_config_pair {
	char *name;
	char *value;
	int line;			/* where it was set, for later messages */
};

struct egov_config {
	char *path;			/* the file read (NULL if none existed) */
	char *profile;			/* the profile chosen */

	char *server;			/* base URL, "https://host:port" */
	char *ca_file;			/* extra CA bundle, or NULL */
	char *user;			/* user name to log in as, or NULL */
	char *lang;			/* "vi", "en", or NULL: the locale decides */
	enum egov_color_mode color;
	int sync_interval;		/* seconds between background syncs */
	int auto_lock;			/* minutes idle before the console locks;
					 * 0: never */
	enum egov_log_level log_level;
	char *log_file;			/* NULL: no log */
	long timeout;			/* seconds a command-line request may take */

	struct egov_config_pair *keys;	/* [keys]: action = key */
	size_t n_keys;
	struct egov_config_pair *colors; /* [colors]: element = fg[,bg] */
	size_t n_colors;
};

/* Built-in defaults, nothing allocated. */
void egov_config_init(struct egov_config *cfg);
void egov_config_release(struct egov_config *cfg);

/* Read `path` (NULL: $EGOV_CONFIG, else $XDG_CONFIG_HOME/egov/config, else
 * ~/.config/egov/config) for profile `profile` (NULL: $EGOV_PROFILE, else
 * "default"), then apply the environment.  A missing file is fine unless a
 * path was given explicitly or a profile other than "default" was asked
 * for.  0, or -1 with one line in err ("FILE:LINE: unknown key 'x' in
 * [default]"). */
int egov_config_load(struct egov_config *cfg, const char *path,
		     const char *profile, char *err, size_t errlen);

/* The same from a string, for tests; `name` is used in messages. */
int egov_config_load_string(struct egov_config *cfg, const char *text,
			    const char *name, const char *profile,
			    char *err, size_t errlen);

/* Apply EGOV_SERVER, EGOV_USER, EGOV_LANG, EGOV_CA_FILE, EGOV_LOG_LEVEL,
 * EGOV_LOG_FILE (egov_config_load calls it).  0, or -1 with err. */
int egov_config_apply_env(struct egov_config *cfg, char *err, size_t errlen);

/* "error", "warn", "info", "debug" -> level; 0 or -1. */
int egov_log_level_parse(const char *s, enum egov_log_level *out);
const char *egov_log_level_str(enum egov_log_level level);

/* Replace *slot with a copy of value (NULL clears it); 0 or -1 (memory). */
int egov_config_set_str(char **slot, const char *value);

#endif
