/*
 * Between config.c (reading the file) and config-values.c (what each value
 * may be): the keys of a profile section, their names in the file, and
 * the one place a value is checked and stored.
 */
#ifndef EGOV_CLI_CONFIG_KEYS_H
#define EGOV_CLI_CONFIG_KEYS_H

#include <stddef.h>

#include "egov-config.h"

/* The keys a profile section may hold. */
enum profile_key {
	K_SERVER, K_CA_FILE, K_USER, K_LANG, K_COLOR, K_SYNC_INTERVAL,
	K_AUTO_LOCK, K_LOG_LEVEL, K_LOG_FILE, K_TIMEOUT, K_COUNT
};

extern const char *const egov_config_key_names[K_COUNT];

/* Check one profile value and store it.  0, or -1 with a message (without
 * the FILE:LINE prefix) in err (empty: out of memory). */
int egov_config_set_key(struct egov_config *cfg, enum profile_key k,
			const char *v, char *err, size_t errlen);

#endif
