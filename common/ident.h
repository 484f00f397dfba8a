/*
 * Random identifiers: idempotency keys (UUID v4), tokens, request ids.
 * All from getrandom(2), never from rand().
 */
#ifndef EGOV_IDENT_H
#define EGOV_IDENT_H

#include <stddef.h>

/* Fill buf with n cryptographically random bytes; 0, or -1 on failure. */
int egov_random_bytes(void *buf, size_t n);
/* A UUID v4 in lower-case canonical form (36 chars + NUL). */
int egov_uuid4(char out[37]);
/* n random bytes as 2n lower-case hex digits + NUL. */
int egov_random_hex(char *out, size_t n);

#endif
