/*
 * What api-probe's two files share: printing completions and decoding
 * files as JSON (probe-json.c) for the driver in api-probe.c.
 */
#ifndef EGOV_TESTS_API_PROBE_H
#define EGOV_TESTS_API_PROBE_H

#include "egov/api.h"

void probe_print_completion(const eapi_completion *c, const eapi_link_stats *st,
			    long long elapsed_ms, int tokens_changed, const char *new_refresh);
/* what: "decode-<kind>" or "roundtrip"; prints one JSON line.  Exit code. */
int probe_decode_file(const char *what, const char *path);

#endif
