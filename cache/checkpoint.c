/*
 * Checkpoints of the cache file, on a thread of their own.
 *
 * In WAL mode every commit appends the pages it changed to "<name>.db-wal";
 * a checkpoint copies them back into the database file and syncs it.  By
 * default SQLite runs the checkpoint inside the commit that crosses the
 * threshold, on the thread that committed: the console's, in the middle of
 * a sync.  A change-feed page of 1,000 dossiers written into a million
 * dirties some 4,000 pages, and copying plus syncing them took about as
 * long again as applying the page (bench/bench-cache).
 *
 * So the connection's WAL hook (which replaces SQLite's automatic
 * checkpoint) only wakes a thread that holds a second connection to the
 * same file and runs PASSIVE checkpoints there.  A passive checkpoint never
 * waits for the writer and the writer never waits for it: both run at once
 * on a machine with two cores.  SQLite restarts the log from its beginning
 * at the first write after a checkpoint has copied all of it.
 *
 * A writer that keeps committing faster than the thread copies would grow
 * the log without end, so past ECACHE_WAL_HARD_FRAMES the committing thread
 * waits for the round in progress and checkpoints the rest itself, with
 * the thread's own writes (merges, below) held meanwhile, which bounds the
 * log at a few hundred megabytes in the worst case.  The outbox
 * file stays checkpointed inline: its commits are a row or two.
 *
 * Durability is unchanged: a checkpoint moves committed pages from one
 * file to the other, and with synchronous=NORMAL it syncs both as SQLite's
 * own would.  Without threads (or when the second connection cannot open)
 * the cache checkpoints inline as before.
 *
 * The same thread builds the sort indexes a big first sync went without
 * (bulk.c): seconds of work the console would otherwise wait for.  The
 * build writes on this connection, so the console's writes wait for it an
 * index at a time (busy timeout); its reads go on through the log.
 * Closing waits for a build asked for or running: `egov sync` ends right
 * after the first sync's last page, and an interrupted build would be
 * asked for again, and interrupted again, at every command.
 *
 * And it does the merging a page leaves behind: the search index's new
 * segments (search.c) and, when enough have gathered, the fresh id and
 * name keys into their main tables (fresh.c), a chunk per transaction,
 * checkpointing between chunks when asked to and once at the end (its
 * own commits do not wake it: the hook is on the console's connection).
 * Closing waits for a sweep of the fresh keys that was asked for (about a
 * second at a million dossiers), as it does for a build: `egov sync` run
 * now and then would otherwise never merge them.  It does not wait for
 * the search index's merging beyond the step in hand; FTS5 bounds its
 * segments on its own if nobody merges them.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Frames (pages) in the log: wake the thread, or checkpoint in the writer.
 * 8,192 frames are 32 MiB with 4 KiB pages: about one change-feed page of
 * new dossiers in a big cache. */
#define ECACHE_WAL_SOFT_FRAMES 8192
#define ECACHE_WAL_HARD_FRAMES 65536
#define ECACHE_OUTBOX_FRAMES 1000

struct ecache_checkpointer {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t wake, done;
	sqlite3 *db;			/* the thread's own connection */
	int wanted, busy, stop;
	int build_wanted, building;	/* the sort indexes (bulk.c) */
	int merge_wanted, merging;	/* the search index's segments (search.c) */
	int merge_fresh;		/* and the fresh keys (fresh.c) */
	int hold;			/* no merging: the writer empties the log */
	int last_job;			/* the kind of work done last (next_job) */
	ecache_fresh_sweep *sweep;	/* where the thread's merging of them is */
	int soft, hard;			/* frames; tests lower them */
	unsigned long rounds;		/* finished, for waiters */
};

static void
run_checkpoint(sqlite3 *db, const char *schema)
{
	/* SQLITE_BUSY (another checkpoint is running) and I/O errors are left
	 * for the next round; a commit never fails for a checkpoint. */
	(void)sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
}

enum { JOB_NONE, JOB_CHECKPOINT, JOB_FRESH, JOB_SEARCH, JOB_KINDS };

/* The kind of work due after the one done last, round the three kinds;
 * JOB_NONE when none is.  Called with the mutex held. */
static int
next_job(ecache_checkpointer *k)
{
	int i;

	for (i = 1; i < JOB_KINDS; i++) {
		int job = (k->last_job + i - 1) % (JOB_KINDS - 1) + 1;
		if ((job == JOB_CHECKPOINT && k->wanted) ||
		    (job == JOB_FRESH && k->merge_fresh && !k->hold) ||
		    (job == JOB_SEARCH && k->merge_wanted && !k->hold)) {
			k->last_job = job;
			return job;
		}
	}
	return JOB_NONE;
}

static void *
checkpointer_main(void *arg)
{
	ecache_checkpointer *k = arg;
	int job;

	pthread_mutex_lock(&k->mu);
	for (;;) {
		while (!k->wanted && !k->build_wanted && !k->stop &&
		       ((!k->merge_wanted && !k->merge_fresh) || k->hold))
			pthread_cond_wait(&k->wake, &k->mu);
		if (k->stop)
			break;
		if (k->build_wanted) {
			k->build_wanted = 0;
			k->building = 1;
			pthread_mutex_unlock(&k->mu);
			/* a failure leaves indexes missing: the next page asks again */
			(void)ecache_sort_indexes_build(k->db);
			/* back to a small page cache for checkpoints and merges
			 * (the build left the console's size) */
			(void)sqlite3_exec(k->db, "PRAGMA cache_size = -" ECACHE_THREAD_CACHE_KB,
					   NULL, NULL, NULL);
			pthread_mutex_lock(&k->mu);
			k->building = 0;
			pthread_cond_broadcast(&k->done);
			continue;
		}
		/* Checkpoints, fresh-key sweeps and search merges take turns.
		 * Past the soft limit every commit asks for a round, and a log
		 * that two writers keep adding to never starts over: with a
		 * fixed order the first job would starve the others for a whole
		 * first sync (the fresh tables grew, and FTS5 fell back to
		 * merging inside the console's commits). */
		job = next_job(k);
		if (job == JOB_FRESH || job == JOB_SEARCH) {
			int r;
			k->merging = 1;
			pthread_mutex_unlock(&k->mu);
			r = job == JOB_FRESH
				? ecache_fresh_sweep_step(k->db, k->sweep, ECACHE_FRESH_CHUNK)
				: ecache_search_merge_step(k->db);
			pthread_mutex_lock(&k->mu);
			k->merging = 0;
			/* done, or failed (a full disk): the next page asks again */
			if (r <= 0 && job == JOB_FRESH)
				k->merge_fresh = 0;
			else if (r <= 0)
				k->merge_wanted = 0;
			/* the log now holds the merges' pages */
			if (!k->merge_fresh && !k->merge_wanted)
				k->wanted = 1;
			pthread_cond_broadcast(&k->done);
			continue;
		}
		k->wanted = 0;
		k->busy = 1;
		pthread_mutex_unlock(&k->mu);
		run_checkpoint(k->db, "main");
		pthread_mutex_lock(&k->mu);
		k->busy = 0;
		k->rounds++;
		pthread_cond_broadcast(&k->done);
	}
	pthread_mutex_unlock(&k->mu);
	return NULL;
}

/* The WAL hook of the cache's connection: runs after each commit, with the
 * number of frames now in that file's log. */
static int
on_wal_commit(void *ud, sqlite3 *db, const char *schema, int frames)
{
	ecache_checkpointer *k = ud;

	if (strcmp(schema, "main") != 0) {
		if (frames >= ECACHE_OUTBOX_FRAMES)
			run_checkpoint(db, schema);
		return SQLITE_OK;
	}
	pthread_mutex_lock(&k->mu);
	if (frames < k->soft && frames < k->hard) {
		pthread_mutex_unlock(&k->mu);
		return SQLITE_OK;
	}
	if (frames >= k->hard) {
		unsigned long seen = k->rounds;
		/* The log starts over only after a checkpoint that copied all
		 * of it, which cannot happen while the thread's merges commit
		 * between pages: hold them, wait for the one in hand and the
		 * round in progress, and copy the rest with nobody writing. */
		k->hold = 1;
		while ((k->busy && k->rounds == seen) || k->merging)
			pthread_cond_wait(&k->done, &k->mu);
		pthread_mutex_unlock(&k->mu);
		run_checkpoint(db, "main");
		pthread_mutex_lock(&k->mu);
		k->hold = 0;
		pthread_cond_signal(&k->wake);
		pthread_mutex_unlock(&k->mu);
		return SQLITE_OK;
	}
	k->wanted = 1;
	pthread_cond_signal(&k->wake);
	pthread_mutex_unlock(&k->mu);
	return SQLITE_OK;
}

static void
checkpointer_free(ecache_checkpointer *k)
{
	if (!k)
		return;
	sqlite3_close(k->db);
	ecache_fresh_sweep_free(k->sweep);
	pthread_cond_destroy(&k->done);
	pthread_cond_destroy(&k->wake);
	pthread_mutex_destroy(&k->mu);
	free(k);
}

int
ecache_checkpointer_start(ecache *c)
{
	ecache_checkpointer *k;

	if (c->checkpointer)
		return 0;
	/* SQLite's own checkpoints at the same size, until the hook below
	 * replaces them (and for good if the thread cannot start) */
	sqlite3_wal_autocheckpoint(c->db, ECACHE_WAL_SOFT_FRAMES);
	k = calloc(1, sizeof *k);
	if (!k)
		return -1;
	pthread_mutex_init(&k->mu, NULL);
	pthread_cond_init(&k->wake, NULL);
	pthread_cond_init(&k->done, NULL);
	k->soft = ECACHE_WAL_SOFT_FRAMES;
	k->hard = ECACHE_WAL_HARD_FRAMES;
	if (!(k->sweep = ecache_fresh_sweep_new()) ||
	    sqlite3_open_v2(c->path, &k->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK ||
	    /* a build waits for the console's transactions as they wait for it */
	    sqlite3_busy_timeout(k->db, 5000) != SQLITE_OK ||
	    /* reading the schema opens the file's log, which a checkpoint needs */
	    sqlite3_exec(k->db, "PRAGMA synchronous = NORMAL;"
			 "PRAGMA cache_size = -" ECACHE_THREAD_CACHE_KB ";"
			 "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL) != SQLITE_OK ||
	    pthread_create(&k->thread, NULL, checkpointer_main, k) != 0) {
		checkpointer_free(k);
		return -1;	/* SQLite's automatic checkpoints stay on */
	}
	c->checkpointer = k;
	sqlite3_wal_hook(c->db, on_wal_commit, k);
	return 0;
}

void
ecache_checkpointer_stop(ecache *c)
{
	ecache_checkpointer *k = c->checkpointer;

	if (!k)
		return;
	/* back to SQLite's own hook first: the connection outlives the thread */
	sqlite3_wal_autocheckpoint(c->db, ECACHE_WAL_SOFT_FRAMES);
	pthread_mutex_lock(&k->mu);
	while (k->build_wanted || k->building || k->merge_fresh || k->merging)
		pthread_cond_wait(&k->done, &k->mu);
	k->stop = 1;
	pthread_cond_signal(&k->wake);
	pthread_mutex_unlock(&k->mu);
	pthread_join(k->thread, NULL);
	checkpointer_free(k);
	c->checkpointer = NULL;
}

int
ecache_checkpointer_build(ecache *c)
{
	ecache_checkpointer *k = c->checkpointer;

	if (!k)
		return -1;
	pthread_mutex_lock(&k->mu);
	if (!k->building)	/* one running finds every missing index */
		k->build_wanted = 1;
	pthread_cond_signal(&k->wake);
	pthread_mutex_unlock(&k->mu);
	return 0;
}

int
ecache_checkpointer_merge(ecache *c, int fresh_too)
{
	ecache_checkpointer *k = c->checkpointer;

	if (!k)
		return -1;
	pthread_mutex_lock(&k->mu);
	k->merge_wanted = 1;
	if (fresh_too)
		k->merge_fresh = 1;
	pthread_cond_signal(&k->wake);
	pthread_mutex_unlock(&k->mu);
	return 0;
}

int
ecache_checkpointer_tune(ecache *c, int soft_frames, int hard_frames)
{
	ecache_checkpointer *k = c->checkpointer;

	if (!k)
		return -1;
	pthread_mutex_lock(&k->mu);
	k->soft = soft_frames;
	k->hard = hard_frames;
	pthread_mutex_unlock(&k->mu);
	return 0;
}

unsigned long
ecache_checkpointer_drain(ecache *c)
{
	ecache_checkpointer *k = c->checkpointer;
	unsigned long rounds;

	if (!k)
		return 0;
	pthread_mutex_lock(&k->mu);
	while (k->wanted || k->busy || k->build_wanted || k->building || k->merge_wanted ||
	       k->merge_fresh || k->merging)
		pthread_cond_wait(&k->done, &k->mu);
	rounds = k->rounds;
	pthread_mutex_unlock(&k->mu);
	return rounds;
}
