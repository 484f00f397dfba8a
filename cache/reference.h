/*
 * Between the reference-data store (reference.c, calendar.c, procedures.c)
 * and the sync engine: when each kind was last confirmed by the server.
 */
#ifndef EGOV_CACHE_REFERENCE_H
#define EGOV_CACHE_REFERENCE_H

#include "internal.h"

/* When the server last confirmed this kind (200 or 304); 0 never. */
time_t ecache_ref_fetched_at(ecache *c, ecache_ref kind, const char *scope);
/* Record a confirmation now; etag NULL keeps the stored ETag (a 304). */
int ecache_ref_touch(ecache *c, ecache_ref kind, const char *scope, const char *etag);

#endif
