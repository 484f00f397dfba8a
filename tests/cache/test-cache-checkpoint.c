/*
 * Checkpoints on the cache's own thread (cache/checkpoint.c).
 *
 * What a checkpoint does is visible in the files: the committed pages move
 * from "<name>.db-wal" into "<name>.db".  So the tests read a copy of the
 * database file alone, without its log, and look for the dossiers the
 * cache committed; and they watch the log's size when the writer has to
 * checkpoint by itself.  The thresholds are lowered so a few hundred small
 * commits cross them.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "fixture.h"
#include "internal.h"

#define DOSSIERS 300

static void
put_many(fx *f, int first, int n)
{
	char id[32];
	int i;

	for (i = first; i < first + n; i++) {
		snprintf(id, sizeof id, "d%04d", i);
		fx_put(f, fx_dossier(id, 1, "Nguyễn Văn Đức", EAPI_STATE_RECEIVED, NULL,
				     fx_now() + 86400));
	}
}

/* Dossiers in a copy of the database file alone (its log left behind). */
static long long
dossiers_in_file(const fx *f)
{
	char copy[400], cmd[1000];
	sqlite3 *db;
	sqlite3_stmt *st;
	long long n = -1;

	snprintf(copy, sizeof copy, "%s/alone.db", f->dir);
	snprintf(cmd, sizeof cmd, "cp '%s' '%s'", f->path, copy);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(sqlite3_open_v2(copy, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM dossiers", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	unlink(copy);
	return n;
}

static long long
log_size(const fx *f)
{
	char wal[400];
	struct stat sb;

	snprintf(wal, sizeof wal, "%s-wal", f->path);
	return stat(wal, &sb) == 0 ? (long long)sb.st_size : 0;
}

static void
test_thread_moves_commits_into_the_file(void **state)
{
	fx *f = fx_new();

	(void)state;
	/* SQLite's own checkpoint would wait for 8,192 frames; this one wakes
	 * the thread at 16, and never makes the writer do it */
	assert_int_equal(ecache_checkpointer_tune(f->c, 16, 1 << 30), 0);
	put_many(f, 0, DOSSIERS);
	assert_true(ecache_checkpointer_drain(f->c) >= 1);
	assert_int_equal(dossiers_in_file(f), DOSSIERS);
	/* and the cache goes on working after the thread's rounds */
	assert_int_equal(ecache_dossier_count(f->c), DOSSIERS);
	fx_free(f);
}

static void
test_writer_bounds_the_log(void **state)
{
	fx *f = fx_new();
	long long biggest = 0;
	int i;

	(void)state;
	/* the thread is never woken: past 64 frames the writer checkpoints */
	assert_int_equal(ecache_checkpointer_tune(f->c, 1 << 30, 64), 0);
	/* the log starts empty, whatever the schema's creation wrote to it */
	assert_int_equal(sqlite3_wal_checkpoint_v2(f->c->db, "main", SQLITE_CHECKPOINT_TRUNCATE,
						   NULL, NULL), SQLITE_OK);
	assert_int_equal(log_size(f), 0);
	for (i = 0; i < 10; i++) {
		put_many(f, i * (DOSSIERS / 10), DOSSIERS / 10);
		if (log_size(f) > biggest)
			biggest = log_size(f);
	}
	assert_int_equal(ecache_checkpointer_drain(f->c), 0);
	print_message("largest log: %lld bytes\n", biggest);
	/* 64 frames and the commit that crossed them: a few pages, or a few
	 * dozen when the search index merges segments in it; without the
	 * bound, 300 commits of some five frames each */
	assert_true(biggest > 0);
	assert_true(biggest < 128 * (4096 + 24) + 32);
	fx_free(f);
}

static void
test_nothing_lost_across_close(void **state)
{
	fx *f = fx_new();

	(void)state;
	assert_int_equal(ecache_checkpointer_tune(f->c, 16, 1 << 30), 0);
	put_many(f, 0, DOSSIERS);
	/* closing stops the thread while rounds may be asked for */
	fx_reopen(f);
	assert_int_equal(ecache_dossier_count(f->c), DOSSIERS);
	fx_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_thread_moves_commits_into_the_file),
		cmocka_unit_test(test_writer_bounds_the_log),
		cmocka_unit_test(test_nothing_lost_across_close),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
