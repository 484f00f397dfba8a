/*
 * The work counters as the dossiers change: what schema v3's queue_counts
 * and due_counts hold, kept here rather than counted over the whole cache.
 *
 * Every place that inserts, deletes or changes the counted columns of a
 * dossier (state, assignee, supplement flag, due date; the optimistic ones)
 * tells this file what the row was and what it became (ecache_count_row).
 * The differences are summed in memory per key for the length of the
 * transaction and written to the two small tables once, just before the
 * outermost COMMIT (store.c), so a page of 1,000 changes costs a few
 * hundred small upserts instead of four per change; a rollback forgets
 * them with the rest.  SQL triggers would do the same but cost ten
 * microseconds per changed row, a tenth of the budget of a page.
 *
 * Only libegovcache writes dossiers; a person changing the file by hand
 * would make the counters wrong until the next resync (ecache_drop_dossiers
 * clears both).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* One key: a (state, supplement flag, assignee) of queue_counts, or a day
 * of due_counts (supp < 0). */
struct ecache_count_slot {
	long long k;
	int supp;
	char *assignee;
	long long n;
	unsigned hash;
	int used;
};

static unsigned
hash_of(long long k, int supp, const char *assignee)
{
	unsigned long long x = (unsigned long long)k * 0x9E3779B97F4A7C15ULL;
	unsigned h = 2166136261u ^ (unsigned)(x >> 32) ^ (unsigned)(supp + 7) * 40503u;

	for (; assignee && *assignee; assignee++)
		h = (h ^ (unsigned char)*assignee) * 16777619u;
	return h ? h : 1;
}

static int
same_key(const struct ecache_count_slot *s, long long k, int supp, const char *assignee)
{
	return s->k == k && s->supp == supp &&
	       (supp < 0 || strcmp(s->assignee, assignee) == 0);
}

static int
grow(ecache *c)
{
	size_t cap = c->count_cap ? c->count_cap * 2 : 256, i;
	struct ecache_count_slot *old = c->count_slots, *slots = calloc(cap, sizeof *slots);

	if (!slots)
		return -1;
	for (i = 0; i < c->count_cap; i++) {
		size_t j;
		if (!old[i].used)
			continue;
		for (j = old[i].hash & (cap - 1); slots[j].used; j = (j + 1) & (cap - 1))
			;
		slots[j] = old[i];
	}
	free(old);
	c->count_slots = slots;
	c->count_cap = cap;
	return 0;
}

static int
add(ecache *c, long long k, int supp, const char *assignee, long long by)
{
	unsigned h = hash_of(k, supp, assignee);
	size_t j;

	if ((c->count_used + 1) * 2 > c->count_cap && grow(c) < 0)
		return -1;
	for (j = h & (c->count_cap - 1); c->count_slots[j].used; j = (j + 1) & (c->count_cap - 1)) {
		struct ecache_count_slot *s = &c->count_slots[j];
		if (s->hash == h && same_key(s, k, supp, assignee)) {
			s->n += by;
			return 0;
		}
	}
	if (supp >= 0 && !(c->count_slots[j].assignee = strdup(assignee)))
		return -1;
	c->count_slots[j].k = k;
	c->count_slots[j].supp = supp;
	c->count_slots[j].n = by;
	c->count_slots[j].hash = h;
	c->count_slots[j].used = 1;
	c->count_used++;
	return 0;
}

int
ecache_count_row(ecache *c, int state, int supplements, const char *assignee,
		 long long due_at, int sign)
{
	int r = add(c, state, supplements > 0, assignee ? assignee : "", sign);

	if (r == 0 && state >= 0 && state <= 9 && strchr(ECACHE_OVERDUE_STATES, '0' + state))
		r = add(c, due_at / 86400, -1, NULL, sign);
	if (r < 0) {
		/* The counters would be wrong: fail the transaction. */
		c->tx_failed = 1;
		ecache_seterr(c, "out of memory");
	}
	return r;
}

void
ecache_counts_discard(ecache *c)
{
	size_t i;

	for (i = 0; i < c->count_cap; i++)
		free(c->count_slots[i].assignee);
	free(c->count_slots);
	c->count_slots = NULL;
	c->count_cap = c->count_used = 0;
}

int
ecache_counts_flush(ecache *c)
{
	sqlite3_stmt *q = NULL, *d = NULL;
	size_t i;
	int result = -1;

	if (c->count_used == 0)
		return 0;
	q = ecache_stmt(c, "INSERT INTO queue_counts(state, supp, assignee, n) "
			"VALUES (?1, ?2, ?3, ?4) "
			"ON CONFLICT(state, supp, assignee) DO UPDATE SET n = n + excluded.n");
	d = ecache_stmt(c, "INSERT INTO due_counts(day, n) VALUES (?1, ?2) "
			"ON CONFLICT(day) DO UPDATE SET n = n + excluded.n");
	if (!q || !d)
		goto cleanup;
	for (i = 0; i < c->count_cap; i++) {
		const struct ecache_count_slot *s = &c->count_slots[i];
		sqlite3_stmt *st = s->supp < 0 ? d : q;
		if (!s->used || s->n == 0)
			continue;
		sqlite3_bind_int64(st, 1, s->k);
		if (s->supp < 0) {
			sqlite3_bind_int64(st, 2, s->n);
		} else {
			sqlite3_bind_int(st, 2, s->supp);
			sqlite3_bind_text(st, 3, s->assignee, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 4, s->n);
		}
		if (ecache_step_done(c, st, "work counters") < 0)
			goto cleanup;
	}
	result = 0;
cleanup:
	ecache_counts_discard(c);
	return result;
}

int
ecache_counts_clear(ecache *c)
{
	ecache_counts_discard(c);
	return ecache_exec(c, "DELETE FROM queue_counts; DELETE FROM due_counts;");
}
