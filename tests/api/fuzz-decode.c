/*
 * libFuzzer harness for every libegovapi decoder.
 *
 * The first input byte picks the decoder (the answer of one operation, the
 * problem+json of an error, or a dossier round trip), the rest is the body.
 * Any crash, sanitizer report or leak is a bug: the decoders read what an
 * untrusted server sends.  Built only by tests/api/run-fuzz.sh with
 * clang -fsanitize=fuzzer,address,undefined; not part of the automake build.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "egov/api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const eapi_op ops[] = {
	EAPI_OP_LOGIN, EAPI_OP_ME, EAPI_OP_AGENCIES, EAPI_OP_PROCEDURES,
	EAPI_OP_USERS, EAPI_OP_CALENDAR, EAPI_OP_DOSSIER, EAPI_OP_SEARCH,
	EAPI_OP_CHANGES, EAPI_OP_REPORT,
};
#define N_OPS (sizeof ops / sizeof ops[0])

/* decode(encode(d)) must succeed and encode to the same text. */
static void
roundtrip(const char *body, size_t len)
{
	eapi_error err = { 0 };
	eapi_dossier *d = eapi_dossier_decode(body, len, &err), *d2;
	char *e1, *e2;

	eapi_error_clear(&err);
	if (!d)
		return;
	e1 = eapi_dossier_encode(d);
	d2 = eapi_dossier_dup(d);
	e2 = d2 ? eapi_dossier_encode(d2) : NULL;
	if (!e1 || !e2 || strcmp(e1, e2) != 0)
		abort();
	free(e1);
	free(e2);
	eapi_dossier_free(d);
	eapi_dossier_free(d2);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	eapi_completion *comp;
	unsigned pick;

	if (size < 1)
		return 0;
	pick = data[0] % (N_OPS + 1);
	data++;
	size--;
	if (pick == N_OPS) {
		roundtrip((const char *)data, size);
		return 0;
	}
	comp = calloc(1, sizeof *comp);
	if (!comp)
		return 0;
	if (eapi_decode_answer(ops[pick], (const char *)data, size, comp) == 0 &&
	    comp->error.result != EAPI_OK)
		abort();
	eapi_completion_free(comp);
	return 0;
}
