/*
 * Damage at open (recover.c): each cache file is checked before use, and
 * a damaged one is renamed aside and replaced; rows of a damaged outbox are
 * carried over.  Each returns 1 when it moved something aside, 0 when the
 * file was fine (or absent), -1 with err filled when it could do neither.
 */
#ifndef EGOV_CACHE_RECOVER_H
#define EGOV_CACHE_RECOVER_H

#include <stddef.h>

/* Create a file with mode 0600, or tighten an existing one, before SQLite
 * opens it.  0, or -1 with err filled. */
int ecache_prepare_file(const char *path, char *err, size_t errlen);
int ecache_recover_cache(const char *path, char *err, size_t errlen);
int ecache_recover_outbox(const char *path, char *err, size_t errlen);

#endif
