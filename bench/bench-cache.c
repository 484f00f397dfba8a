/*
 * bench-cache: how the offline cache holds up with a big city's worth of
 * dossiers (issue 5's budgets).  Fills a fresh cache with synthetic
 * dossiers through the same path the change feed uses (pages of 1,000
 * changes, one transaction each), then measures:
 *   - applying a 1,000-change page to the full cache (budget < 100 ms)
 *   - a queue window of 50 rows, top and deep, in several queues and sorts
 *     (budget < 5 ms)
 *   - search keystrokes as a name and a dossier number are typed
 *     (budget < 30 ms)
 *   - the work counters, and the size on disk per dossier.
 * The fill is a first sync: pages back to back, so their times include
 * waiting for the checkpoint thread when the log is full, and past 50,000
 * dossiers without the sort indexes, which the cache's thread builds after
 * its last page (cache/bulk.c; timed on its own).  Then three kinds of page as a running
 * city sends them, one at a time, each starting with the checkpoints of
 * the one before done (cache/checkpoint.c): 1,000 dossiers filed today;
 * 1,000 changes to cached dossiers; and the mix a city's feed carries,
 * one new dossier to five changes.  Each kind also reports the pages it
 * wrote and read past the page cache, which, unlike its time, does not
 * depend on how busy the machine is.
 * Prints "name: value unit" lines (bench/bench_cache.py reads them) with
 * medians.  Not a test; run by bench/run.  --quick uses 100,000 dossiers,
 * --dossiers N any number, --keep DIR leaves the cache there (and a cache
 * already there is filled up to N, or measured as it is when it holds
 * enough), --updates N pages of updates to time (20).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "internal.h"	/* ecache_checkpointer_drain() */
#include "synth-city.h"

#define N(a) (sizeof a / sizeof a[0])

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double
median(double *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_double);
	return n ? v[n / 2] : 0;
}

static double
maximum(const double *v, size_t n)
{
	double m = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] > m)
			m = v[i];
	return m;
}

/* Apply a page (and free it); its time in ms, or -1 after saying why.
 * With `settled`, the checkpoints of earlier pages finish first: a page of
 * a running city comes alone, a first sync's pages back to back. */
/* Pages each applied page wrote to the log and read from outside the page
 * cache: the machine's speed aside, what a change costs the disk. */
static double written[400], missed[400], page_ms[400];
/* and the cache's thread's work before each (the previous page's
 * checkpoints and merges of fresh keys, cache/fresh.c), which the console
 * does not wait for */
static double settle_ms[400];
static size_t n_io;

static void
page_io(ecache *c, int reset)
{
	int cur = 0, hi = 0;

	sqlite3_db_status(c->db, SQLITE_DBSTATUS_CACHE_WRITE, &cur, &hi, reset);
	if (!reset && n_io < N(written))
		written[n_io] = cur;
	sqlite3_db_status(c->db, SQLITE_DBSTATUS_CACHE_MISS, &cur, &hi, reset);
	if (!reset && n_io < N(missed))
		missed[n_io++] = cur;
}

static void
print_io(const char *what)
{
	if (n_io) {
		double w = 0, m = 0, ms = 0;
		size_t k;
		for (k = 0; k < n_io; k++) {
			w += written[k];
			m += missed[k];
			ms += page_ms[k];
		}
		/* the mean too: a search index merge comes every few pages; and
		 * the time per page written, which is the machine's speed at the
		 * moment (the same pages took 23 to 50 us on one machine) */
		printf("# %s: %.0f pages written, %.0f read past the page cache (median); "
		       "%.0f and %.0f (mean); %.1f us a page written\n", what,
		       median(written, n_io), median(missed, n_io), w / (double)n_io,
		       m / (double)n_io, w > 0 ? ms * 1000 / w : 0);
		for (ms = 0, k = 0; k < n_io; k++)
			ms += settle_ms[k];
		if (ms > 0)
			printf("# %s: the cache's thread worked %.1f ms before each (mean; max %.1f),"
			       " checkpoints and merges\n", what, ms / (double)n_io,
			       maximum(settle_ms, n_io));
	}
	memset(settle_ms, 0, sizeof settle_ms);
	n_io = 0;
}

static double
apply_timed(ecache *c, eapi_change_page *p, int settled)
{
	double s;
	int r;

	if (settled) {
		s = now_ms();
		ecache_checkpointer_drain(c);
		if (n_io < N(settle_ms))
			settle_ms[n_io] = now_ms() - s;
	}
	page_io(c, 1);
	s = now_ms();
	r = ecache_apply_changes(c, p);
	s = now_ms() - s;
	page_io(c, 0);
	if (n_io > 0 && n_io <= N(page_ms))
		page_ms[n_io - 1] = s;
	eapi_change_page_free(p);
	if (r < 0) {
		fprintf(stderr, "apply: %s\n", ecache_errmsg(c));
		return -1;
	}
	return s;
}

static long long
file_size(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? (long long)sb.st_size : 0;
}

int
main(int argc, char **argv)
{
	long total = 1000000, i;
	size_t updates = 20;
	const char *keep = NULL;
	char dir[256] = "", path[320], err[256], cmd[400];
	double t[400], t0;
	size_t n;
	time_t now = time(NULL);
	ecache *c;
	int a, q, k;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--quick"))
			total = 100000;
		else if (!strcmp(argv[a], "--dossiers") && a + 1 < argc)
			total = atol(argv[++a]);
		else if (!strcmp(argv[a], "--keep") && a + 1 < argc)
			keep = argv[++a];
		else if (!strcmp(argv[a], "--updates") && a + 1 < argc)
			updates = (size_t)atol(argv[++a]);
		else {
			fprintf(stderr, "usage: bench-cache [--quick] [--dossiers N] [--keep DIR] [--updates N]\n");
			return 2;
		}
	}
	if (keep)
		snprintf(dir, sizeof dir, "%s", keep);
	else {
		snprintf(dir, sizeof dir, "%s/bench-cache-XXXXXX",
			 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
		if (!mkdtemp(dir))
			return 1;
	}
	snprintf(path, sizeof path, "%s/cache.db", dir);
	t0 = now_ms();
	c = ecache_open_path(path, err, sizeof err);
	if (!c) {
		fprintf(stderr, "open: %s\n", err);
		return 1;
	}
	printf("# %ld synthetic dossiers in %s\n", total, path);
	if (ecache_dossier_count(c) > 0)
		printf("open a filled cache (checks, migrations): %.1f ms\n", now_ms() - t0);
	fflush(stdout);

	/* fill: a first sync, pages back to back, the last one saying the feed
	 * has no more (so it builds the sort indexes a big first sync goes
	 * without, cache/bulk.c); timing the 20 before it, when the cache is
	 * nearly full, and the last on its own */
	n = 0;
	t0 = now_ms();
	/* a kept cache is filled up from what it holds (whole pages) */
	for (i = ecache_dossier_count(c) / 1000 * 1000; i < total; i += 1000) {
		int m = total - i < 1000 ? (int)(total - i) : 1000;
		eapi_change_page *p = synth_page(i, m, 1, now, 0);
		double ms;
		p->more = i + m < total;
		if (i + 21000 < total)
			n_io = 0;	/* the pages' I/O of the last 20 only */
		if (!p->more)
			print_io("a page of new dossiers");
		if ((ms = apply_timed(c, p, 0)) < 0)
			return 1;
		if (i + m >= total) {
			/* which has the cache's thread build the sort indexes */
			double b = now_ms();
			ecache_checkpointer_drain(c);
			printf("the first sync's last page: %.1f ms\n", ms);
			printf("building the sort indexes after it (the cache's thread): %.1f s\n",
			       (now_ms() - b) / 1000);
		} else if (i + 21000 >= total && n < 20) {
			t[n++] = ms;
		}
	}
	if (n) {
		double sum = 0;
		size_t j;
		for (j = 0; j < n; j++)
			sum += t[j];
		printf("fill: %.1f s\n", (now_ms() - t0) / 1000);
		printf("apply 1000-change page, new dossiers (mean of last %zu): %.1f ms (max %.1f)\n",
		       n, sum / (double)n, maximum(t, n));
		printf("apply 1000-change page, new dossiers (median of last %zu): %.1f ms\n", n,
		       median(t, n));
	}
	n_io = 0;
	/* new dossiers filed today, numbered past anything a kept cache
	 * holds from earlier runs */
	{
		long first = 1000000000L + ecache_dossier_count(c);
		for (n = 0; n < 20; n++)
			if ((t[n] = apply_timed(c, synth_page(first + (long)n * 1000, 1000, 1, now, 1),
						1)) < 0)
				return 1;
		printf("apply 1000-change page, dossiers filed today (median of %zu): %.1f ms "
		       "(max %.1f)\n", n, median(t, n), maximum(t, n));
		print_io("a page filed today");
	}
	/* updates of existing dossiers spread over the whole cache */
	if (updates < 1 || updates > N(t))
		updates = 20;
	for (n = 0; n < updates; n++) {
		/* versions above any earlier run's, so a kept cache takes them */
		eapi_change_page *p = synth_page((long)synth_rnd((unsigned)(total > 1000 ? total - 1000 : 1)),
					   1000, (long long)now * 100 + (long long)n, now, 0);
		if ((t[n] = apply_timed(c, p, 1)) < 0)
			return 1;
	}
	printf("apply 1000-change page, updates (median of %zu): %.1f ms (max %.1f)\n",
	       n, median(t, n), maximum(t, n));
	print_io("a page of updates");
	/* a running city's pages: new dossiers and moves together */
	{
		long first = 2000000000L + ecache_dossier_count(c);
		for (n = 0; n < 20; n++)
			if ((t[n] = apply_timed(c, synth_mixed_page(first + (long)n * 1000, total,
							      (long long)now * 100 + 50 + (long long)n,
							      now), 1)) < 0)
				return 1;
		printf("apply 1000-change page, a running city's (median of %zu): %.1f ms "
		       "(max %.1f)\n", n, median(t, n), maximum(t, n));
		print_io("a running city's page");
	}

	/* queue windows: top and 30 windows down, several queues and sorts */
	{
		static const ecache_queue qs[] = { ECACHE_Q_ALL, ECACHE_Q_ACTIVE, ECACHE_Q_OVERDUE,
						   ECACHE_Q_IN_PROGRESS, ECACHE_Q_MINE,
						   ECACHE_Q_DUE_SOON };
		ecache_rows r;
		double worst = 0;
		char worst_at[80] = "";
		n = 0;
		ecache_rows_init(&r);
		for (q = 0; q < (int)N(qs); q++) {
			for (k = 0; k < ECACHE_SORT_COUNT; k++) {
				char *key = NULL;
				int w;
				for (w = 0; w < 10; w++) {
					double s = now_ms();
					int got = ecache_queue_window(c, qs[q], "u-me", k, key, 50, &r);
					double took = now_ms() - s;
					if (n < N(t))
						t[n++] = took;
					if (took > worst) {
						worst = took;
						snprintf(worst_at, sizeof worst_at, "%s, sort %d, window %d",
							 ecache_queue_name(qs[q]), k, w);
					}
					if (got < 0) {
						fprintf(stderr, "window: %s\n", ecache_errmsg(c));
						return 1;
					}
					free(key);
					key = r.n ? strdup(r.rows[r.n - 1].key) : NULL;
					if (got < 50)
						break;
				}
				free(key);
			}
		}
		ecache_rows_release(&r);
		printf("queue window of 50 rows (median of %zu): %.2f ms (max %.2f)\n", n,
		       median(t, n), maximum(t, n));
		printf("# slowest window: %s\n", worst_at);
	}
	/* search as the person types */
	{
		static const char *const typed[] = { "nguyen van duc", "000.00.12.H24-2503", "dong da" };
		ecache_rows r;
		size_t w, l;
		n = 0;
		ecache_rows_init(&r);
		for (w = 0; w < N(typed); w++) {
			for (l = 1; l <= strlen(typed[w]); l++) {
				char prefix[64];
				double s;
				snprintf(prefix, sizeof prefix, "%.*s", (int)l, typed[w]);
				s = now_ms();
				if (ecache_search(c, prefix, 50, &r) < 0) {
					fprintf(stderr, "search: %s\n", ecache_errmsg(c));
					return 1;
				}
				t[n++] = now_ms() - s;
			}
		}
		ecache_rows_release(&r);
		printf("search keystroke, 50 results (median of %zu): %.2f ms (max %.2f)\n", n,
		       median(t, n), maximum(t, n));
	}
	{
		long long counts[ECACHE_Q_COUNT];
		for (n = 0; n < 5; n++) {
			double s = now_ms();
			ecache_queue_counts(c, "u-me", counts);
			t[n] = now_ms() - s;
		}
		printf("all %d work counters (median of 5): %.1f ms\n", ECACHE_Q_COUNT, median(t, n));
	}
	t0 = now_ms();
	ecache_close(c);
	printf("close (the last checkpoint): %.1f ms\n", now_ms() - t0);
	{
		struct rusage ru;
		if (getrusage(RUSAGE_SELF, &ru) == 0)
			printf("peak resident memory: %.1f MB\n", (double)ru.ru_maxrss / 1024);
	}
	{
		char wal[360], ob[360];
		long long size;
		snprintf(wal, sizeof wal, "%s-wal", path);
		snprintf(ob, sizeof ob, "%s.outbox.db", path);
		size = file_size(path) + file_size(wal) + file_size(ob);
		printf("size on disk: %.1f MB\n", (double)size / 1e6);
		printf("size per dossier: %.0f bytes\n", (double)size / (double)total);
	}
	if (!keep) {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
	}
	return 0;
}
