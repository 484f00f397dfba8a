/*
 * The change feed on the store side, and the sync status.
 *
 * A page of changes and the cursor after it are written in one
 * transaction: if the program dies before the commit, neither happened and
 * the page is fetched again; after it, both did.  Applying a page twice is
 * harmless because every change is keyed on id and version (dossiers.c).
 * Dropping the dossiers (410 cursor_expired) clears the cached copies and
 * the cursor but never the outbox, which lives in its own file; the
 * person's pending actions are replayed on the dossiers as they return.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int
ecache_apply_changes(ecache *c, const eapi_change_page *page)
{
	size_t i;
	int changed = 0;

	if (ecache_begin(c) < 0)
		return -1;
	if (ecache_bulk_page_begin(c, page) < 0)
		goto fail;
	for (i = 0; i < page->n; i++) {
		const eapi_change *ch = &page->changes[i];
		int r;
		if (ch->op == EAPI_CHANGE_UPSERT) {
			if (!ch->dossier) {
				ecache_seterr(c, "change %lld: upsert without a dossier", ch->seq);
				goto fail;
			}
			r = ecache_dossier_store(c, ch->dossier);
		} else {
			r = ecache_dossier_delete(c, ch->id, ch->version);
		}
		if (r < 0)
			goto fail;
		changed += r;
	}
	if (page->next_cursor && ecache_meta_set(c, "cursor", page->next_cursor) < 0)
		goto fail;
	if (ecache_commit(c) < 0)
		return -1;
	/* The page is in, whatever happens next: an index build that fails
	 * (a full disk) leaves the queues in arrival order until the next
	 * page asks again, and a merge that fails leaves the fresh keys where
	 * they are (fresh.c); neither fails the page. */
	(void)ecache_bulk_page_end(c);
	(void)ecache_fresh_page_end(c);
	return changed;
fail:
	ecache_rollback(c);
	return -1;
}

int
ecache_drop_dossiers(ecache *c)
{
	if (ecache_begin(c) < 0)
		return -1;
	if (ecache_exec(c, "DELETE FROM dossiers;"
			"INSERT INTO dossier_fts(dossier_fts) VALUES ('delete-all');") < 0 ||
	    ecache_fresh_clear(c) < 0 ||
	    ecache_counts_clear(c) < 0 ||
	    ecache_meta_set(c, "cursor", "") < 0) {
		ecache_rollback(c);
		return -1;
	}
	return ecache_commit(c);
}

static long long
meta_ll(ecache *c, const char *key)
{
	char buf[32];

	if (ecache_meta_get(c, key, buf, sizeof buf) <= 0)
		return 0;
	return strtoll(buf, NULL, 10);
}

int
ecache_status_get(ecache *c, ecache_status *st)
{
	memset(st, 0, sizeof *st);
	if (ecache_meta_get(c, "cursor", st->cursor, sizeof st->cursor) < 0 ||
	    ecache_meta_get(c, "last_error", st->last_error, sizeof st->last_error) < 0)
		return -1;
	st->last_sync = (time_t)meta_ll(c, "last_sync");
	st->last_attempt = (time_t)meta_ll(c, "last_attempt");
	st->last_ok = (int)meta_ll(c, "last_ok");
	st->full_resync = st->cursor[0] == '\0';
	if ((st->dossiers = ecache_dossier_count(c)) < 0)
		return -1;
	return ecache_outbox_counts(c, st->outbox);
}

/* Remember how a round went (sync.c). */
int
ecache_status_record(ecache *c, time_t started, int ok, const char *error)
{
	char buf[32];
	int r = 0;

	if (ecache_begin(c) < 0)
		return -1;
	snprintf(buf, sizeof buf, "%lld", (long long)started);
	r |= ecache_meta_set(c, "last_attempt", buf);
	if (ok) {
		snprintf(buf, sizeof buf, "%lld", (long long)time(NULL));
		r |= ecache_meta_set(c, "last_sync", buf);
	}
	r |= ecache_meta_set(c, "last_ok", ok ? "1" : "0");
	r |= ecache_meta_set(c, "last_error", error ? error : "");
	if (r) {
		ecache_rollback(c);
		return -1;
	}
	return ecache_commit(c);
}
