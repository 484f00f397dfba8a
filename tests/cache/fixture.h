/*
 * Shared by the cache's unit tests: a fresh temporary folder per test, a
 * cache opened in it, and synthetic dossiers built the way the api-client
 * would decode them (malloc'd strings, freed with eapi_dossier_free).
 */
#ifndef EGOV_TESTS_CACHE_FIXTURE_H
#define EGOV_TESTS_CACHE_FIXTURE_H

#include "cache.h"

typedef struct fx {
	char dir[256];
	char path[320];
	ecache *c;
} fx;

/* Make the folder and open <dir>/cache.db; aborts the test on failure. */
fx *fx_new(void);
void fx_free(fx *f);
/* Close and open the cache again. */
void fx_reopen(fx *f);

eapi_dossier *fx_dossier(const char *id, long long version, const char *applicant,
			 eapi_state state, const char *assignee, time_t due_at);
/* Store a dossier (asserting it was stored) and free it. */
void fx_put(fx *f, eapi_dossier *d);
/* Walk queue q in `sort` order `window` rows at a time forwards, then
 * backwards from the end, asserting the way back meets the rows of the
 * way forth in reverse.  The ids, in order, go to seen (strdup'd, at most
 * max); their number is returned. */
size_t fx_walk_queue(fx *f, ecache_queue q, int sort, int window, char **seen, size_t max);
/* The first column of the first row of `sql` on the cache's connection
 * (a count); -1 when there is none. */
long long fx_count(fx *f, const char *sql);
/* A fixed "now": Thursday 2025-03-13 10:00 in Hải Phòng. */
time_t fx_now(void);

#endif
