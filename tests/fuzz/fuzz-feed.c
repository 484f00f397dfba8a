/*
 * libFuzzer harness for the change-feed applier: what the offline cache
 * does with the pages a server sends (cache/cache.h ecache_apply_changes,
 * fed pages decoded by libegovapi's eapi_decode_answer, as a sync does).
 *
 * The input is up to four answers of GET /changes separated by a line
 * "----".  Each one that decodes is applied to a real SQLite cache in a
 * temporary folder; after an applied page the cache must agree with it:
 * for the last change of each id in the page, an upsert leaves a copy of
 * at least that version, a remove leaves none of that version or older
 * (the cache keys on id and version and never goes back).  The flags in
 * the first byte also queue a comment on a changed dossier (so a pending
 * outbox row is replayed over later pages), read it back through the
 * overlay, count the work queues and search, which are what the console
 * does next.  Any crash, sanitizer report, leak or broken rule is a bug:
 * the pages come from the network.  The cache is reset between inputs
 * (dossiers dropped) and recreated every 512 inputs so the outbox stays
 * small.  Built by tests/fuzz/run-fuzzers.sh with clang
 * -fsanitize=fuzzer,address,undefined; not part of the automake build.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cache.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PAGES 4
#define FLAG_ACT 0x1u
#define FLAG_QUEUES 0x2u
#define FLAG_SEARCH 0x4u

static char dir[64];
static char path[128];
static ecache *cache;
static unsigned inputs;

static void
remove_files(void)
{
	static const char *const suffixes[] = {
		"", "-wal", "-shm", ".outbox.db", ".outbox.db-wal", ".outbox.db-shm",
	};
	char p[192];

	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		snprintf(p, sizeof p, "%s%s", path, suffixes[i]);
		unlink(p);
	}
}

static void
at_exit(void)
{
	ecache_close(cache);
	cache = NULL;
	remove_files();
	rmdir(dir);
}

static ecache *
get_cache(void)
{
	char err[256];

	if (!dir[0]) {
		snprintf(dir, sizeof dir, "%s/egov-fuzz-feed.XXXXXX",
			 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
		if (!mkdtemp(dir))
			abort();
		snprintf(path, sizeof path, "%s/cache.db", dir);
		atexit(at_exit);
	}
	if (cache && ++inputs % 512 == 0) {
		ecache_close(cache);
		cache = NULL;
		remove_files();
	}
	if (!cache) {
		cache = ecache_open_path(path, err, sizeof err);
		if (!cache) {
			fprintf(stderr, "fuzz-feed: %s\n", err);
			abort();
		}
		ecache_set_now(cache, 1764000000);	/* a fixed day: reproducible queues */
	}
	return cache;
}

/* The cache agrees with a page it accepted. */
static void
check_applied(ecache *c, const eapi_change_page *page)
{
	for (size_t i = 0; i < page->n; i++) {
		const eapi_change *ch = &page->changes[i];
		eapi_dossier *d;
		size_t j;

		for (j = i + 1; j < page->n; j++)
			if (strcmp(page->changes[j].id, ch->id) == 0)
				break;
		if (j < page->n)
			continue;	/* not the last change of this id */
		d = ecache_dossier_get_server(c, ch->id);
		if (ch->op == EAPI_CHANGE_UPSERT) {
			if (!d || d->version < ch->dossier->version)
				abort();
		} else if (d && d->version <= ch->version) {
			abort();
		}
		eapi_dossier_free(d);
	}
}

static void
act_on(ecache *c, const eapi_change_page *page)
{
	eapi_action a = { 0 };
	eapi_dossier *d;
	int pending = 0;

	for (size_t i = 0; i < page->n; i++) {
		if (page->changes[i].op != EAPI_CHANGE_UPSERT)
			continue;
		a.dossier_id = page->changes[i].id;
		a.action = "comment";
		a.text = "fuzz";
		if (ecache_act(c, &a, NULL) < 0)
			continue;
		d = ecache_dossier_get(c, a.dossier_id, &pending);
		if (!d || pending < 1)
			abort();
		eapi_dossier_free(d);
		return;
	}
}

static void
look(ecache *c, unsigned flags, const eapi_change_page *page)
{
	long long counts[ECACHE_Q_COUNT];
	ecache_rows rows;

	if (flags & FLAG_QUEUES) {
		if (ecache_queue_counts(c, "u1", counts) < 0)
			abort();
		ecache_rows_init(&rows);
		if (ecache_queue_window(c, ECACHE_Q_ACTIVE, "u1", ECACHE_SORT_DUE, NULL, 50, &rows) < 0)
			abort();
		ecache_rows_release(&rows);
	}
	if ((flags & FLAG_SEARCH) && page->n && page->changes[0].dossier &&
	    page->changes[0].dossier->applicant_name) {
		ecache_rows_init(&rows);
		if (ecache_search(c, page->changes[0].dossier->applicant_name, 20, &rows) < 0)
			abort();
		ecache_rows_release(&rows);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body, *end, *sep;
	ecache *c;
	unsigned flags;
	int pages = 0;

	if (size < 1)
		return 0;
	flags = data[0];
	body = (const char *)data + 1;
	end = (const char *)data + size;
	c = get_cache();
	if (ecache_drop_dossiers(c) < 0)
		abort();
	while (body < end && pages++ < MAX_PAGES) {
		eapi_completion *comp = calloc(1, sizeof *comp);
		size_t len;

		sep = memmem(body, (size_t)(end - body), "\n----\n", 6);
		len = sep ? (size_t)(sep - body) : (size_t)(end - body);
		if (!comp)
			return 0;
		if (eapi_decode_answer(EAPI_OP_CHANGES, body, len, comp) == 0 && comp->u.changes) {
			if (ecache_apply_changes(c, comp->u.changes) >= 0) {
				check_applied(c, comp->u.changes);
				if (flags & FLAG_ACT)
					act_on(c, comp->u.changes);
				look(c, flags, comp->u.changes);
			}
		}
		eapi_completion_free(comp);
		body += len + (sep ? 6 : 0);
	}
	return 0;
}
