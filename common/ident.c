/*
 * Random identifiers from the kernel's CSPRNG.
 */
#include "config.h"
#include "ident.h"

#include <errno.h>
#include <stdio.h>
#include <sys/random.h>

int egov_random_bytes(void *buf, size_t n)
{
	unsigned char *p = buf;

	while (n > 0) {
		ssize_t got = getrandom(p, n, 0);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += got;
		n -= (size_t)got;
	}
	return 0;
}

int egov_random_hex(char *out, size_t n)
{
	unsigned char b[64];
	size_t i;

	if (n > sizeof(b) || egov_random_bytes(b, n) < 0)
		return -1;
	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
	out[2 * n] = '\0';
	return 0;
}

int egov_uuid4(char out[37])
{
	unsigned char b[16];

	if (egov_random_bytes(b, sizeof(b)) < 0)
		return -1;
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(out, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10],
		 b[11], b[12], b[13], b[14], b[15]);
	return 0;
}
