/*
 * The cache's files: where they go and with which modes, the schema
 * migrations from every earlier version, and what happens to a damaged
 * file (moved aside, outbox rows kept).  Real SQLite files in a temporary
 * folder; nothing is mocked.
 */
#include "config.h"

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "fixture.h"
#include "internal.h"

static int
mode_of(const char *path)
{
	struct stat sb;

	assert_int_equal(stat(path, &sb), 0);
	return (int)(sb.st_mode & 0777);
}

static void
test_default_path_and_modes(void **state)
{
	fx *f = fx_new();
	char err[256], path[4200], data[400], expect[600];
	ecache *c;

	(void)state;
	snprintf(data, sizeof data, "%s/xdg data", f->dir);
	setenv("XDG_DATA_HOME", data, 1);
	assert_int_equal(ecache_default_path("https://egov.haiphong.gov.vn:8443/x", "an.nv",
					     path, sizeof path, err, sizeof err), 0);
	snprintf(expect, sizeof expect, "%s/egov/egov.haiphong.gov.vn-8443-an.nv.db", data);
	assert_string_equal(path, expect);
	assert_int_equal(ecache_default_path("http://127.0.0.1/", "../evil/x", path,
					     sizeof path, err, sizeof err), 0);
	snprintf(expect, sizeof expect, "%s/egov/127.0.0.1-80-.._evil_x.db", data);
	assert_string_equal(path, expect);

	/* A folder that exists with loose modes is tightened. */
	snprintf(path, sizeof path, "%s/egov", data);
	assert_int_equal(chmod(path, 0755), 0);
	c = ecache_open("http://127.0.0.1:8080", "officer1", err, sizeof err);
	if (!c)
		fail_msg("%s", err);
	assert_int_equal(mode_of(path), 0700);
	assert_int_equal(mode_of(ecache_path(c)), 0600);
	snprintf(expect, sizeof expect, "%s.outbox.db", ecache_path(c));
	assert_int_equal(mode_of(expect), 0600);
	snprintf(expect, sizeof expect, "%s-wal", ecache_path(c));
	assert_int_equal(mode_of(expect), 0600);
	ecache_close(c);
	unsetenv("XDG_DATA_HOME");
	fx_free(f);
}

static int
pragma_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int v = -1;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Build a cache at schema version `v` (0 = empty files) with one reference
 * row where the schema has the table, then open it with the library. */
static void
migrate_from(int v)
{
	fx *f = fx_new();
	char err[256], obpath[400];
	sqlite3 *db;
	eapi_agency_list *l;

	ecache_close(f->c);
	f->c = NULL;
	unlink(f->path);
	snprintf(obpath, sizeof obpath, "%s.outbox.db", f->path);
	unlink(obpath);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	if (v > 0) {
		assert_int_equal(ecache_schema_migrate(db, "main", ECACHE_DB_CACHE, v,
						       err, sizeof err), 0);
		assert_int_equal(ecache_schema_version(db, "main"), v);
		assert_int_equal(sqlite3_exec(db, "INSERT INTO agencies VALUES "
					      "('a1','000.00.12.H24','Sở Tư pháp','STP',NULL,1);"
					      "INSERT INTO etags(kind, etag) VALUES ('agencies','\"7\"')",
					      NULL, NULL, NULL), SQLITE_OK);
	}
	sqlite3_close(db);
	fx_reopen(f);
	assert_int_equal(ecache_was_recovered(f->c), 0);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(ecache_schema_version(db, "main"), ECACHE_MAIN_VERSION);
	/* v2 added fetched_at */
	assert_true(pragma_int(db, "SELECT count(*) FROM pragma_table_info('etags') "
			       "WHERE name = 'fetched_at'") == 1);
	/* v3 added the counters and dropped an index (test-cache-counts.c
	 * migrates a v2 cache holding dossiers) */
	assert_true(pragma_int(db, "SELECT count(*) FROM sqlite_schema WHERE name IN "
			       "('queue_counts', 'due_counts')") == 2);
	assert_true(pragma_int(db, "SELECT count(*) FROM sqlite_schema WHERE name = "
			       "'dossiers_state_recv'") == 0);
	/* v4: no index keyed on a due date for every dossier but dossiers_due */
	assert_true(pragma_int(db, "SELECT count(*) FROM sqlite_schema WHERE name IN "
			       "('dossiers_state_due')") == 0);
	assert_true(pragma_int(db, "SELECT count(*) FROM sqlite_schema WHERE name IN "
			       "('dossiers_state', 'dossiers_open_due', 'dossiers_assignee')") == 3);
	assert_true(pragma_int(db, "SELECT count(*) FROM pragma_index_info('dossiers_assignee')") == 2);
	/* v5: the open dossiers' due index keyed on the due date alone */
	assert_true(pragma_int(db, "SELECT count(*) FROM pragma_index_info('dossiers_open_due')") == 1);
	/* v6: ids and names in two tiers of tables, the id no longer an
	 * index of the table; the search index merged by the cache's thread,
	 * eight segments at a time */
	assert_true(pragma_int(db, "SELECT count(*) FROM sqlite_schema WHERE name IN "
			       "('ids', 'ids_fresh', 'names', 'names_fresh')") == 4);
	assert_true(pragma_int(db, "SELECT count(*) FROM sqlite_schema WHERE tbl_name = 'dossiers'"
			       " AND (sql LIKE '%UNIQUE%' OR name LIKE 'sqlite_autoindex%'"
			       " OR name = 'dossiers_name')") == 0);
	assert_true(pragma_int(db, "SELECT v FROM dossier_fts_config WHERE k = 'automerge'") == 0);
	assert_true(pragma_int(db, "SELECT v FROM dossier_fts_config WHERE k = 'usermerge'") == 8);
	sqlite3_close(db);
	l = ecache_get_agencies(f->c);
	if (v > 0) {
		char etag[64];
		assert_non_null(l);
		assert_int_equal(l->n, 1);
		assert_string_equal(l->items[0].name, "Sở Tư pháp");
		assert_int_equal(ecache_ref_etag(f->c, ECACHE_REF_AGENCIES, NULL, etag,
						 sizeof etag), 0);
		assert_string_equal(etag, "\"7\"");
	} else {
		assert_null(l);
	}
	eapi_agency_list_free(l);
	fx_free(f);
}

static void
test_migrations_from_every_version(void **state)
{
	int v;

	(void)state;
	for (v = 0; v < ECACHE_MAIN_VERSION; v++)
		migrate_from(v);
}

static void
test_newer_schema_refused(void **state)
{
	fx *f = fx_new();
	char err[256];
	sqlite3 *db;

	(void)state;
	ecache_close(f->c);
	f->c = NULL;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_null(ecache_open_path(f->path, err, sizeof err));
	assert_non_null(strstr(err, "newer"));
	f->c = NULL;
	fx_free(f);
}

static void
test_wal_and_sync_settings(void **state)
{
	fx *f = fx_new();
	sqlite3 *db;

	(void)state;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(pragma_int(db, "SELECT journal_mode = 'wal' FROM pragma_journal_mode"), 1);
	sqlite3_close(db);
	fx_free(f);
}

/* Overwrite pages of a file with junk: every third page from page 2, or
 * (one_page) only the page in the middle. */
static void
damage(const char *path, int one_page)
{
	struct stat sb;
	char junk[8192];
	int fd = open(path, O_WRONLY);
	off_t at;

	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &sb), 0);
	memset(junk, 0xA5, sizeof junk);
	if (one_page) {
		at = (sb.st_size / 4096 / 2) * 4096;
		assert_true(pwrite(fd, junk, 4096, at) == 4096);
	}
	for (at = 4096; !one_page && at < sb.st_size; at += 3 * 4096)
		assert_true(pwrite(fd, junk, 4096, at) == 4096);
	close(fd);
}

static int
count_aside(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strncmp(e->d_name, prefix, strlen(prefix)) == 0 && strstr(e->d_name, ".damaged-"))
			n++;
	closedir(d);
	return n;
}

static void
test_damaged_cache_moved_aside_outbox_kept(void **state)
{
	fx *f = fx_new();
	eapi_action a = { .dossier_id = "d1", .action = "claim" };
	ecache_outbox_list l;
	char key[37];
	int i;

	(void)state;
	for (i = 0; i < 400; i++) {
		char id[16];
		snprintf(id, sizeof id, "d%d", i);
		fx_put(f, fx_dossier(id, 1, "Nguyễn Văn An", EAPI_STATE_RECEIVED, NULL, 0));
	}
	assert_true(ecache_act(f->c, &a, key) > 0);
	ecache_close(f->c);
	f->c = NULL;
	/* fold the WAL into the file, then damage it */
	{
		sqlite3 *db;
		assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
		sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
		sqlite3_close(db);
	}
	damage(f->path, 0);
	fx_reopen(f);
	assert_int_equal(ecache_was_recovered(f->c), 1);
	assert_int_equal(count_aside(f->dir, "cache.db.damaged-"), 1);
	assert_int_equal(ecache_dossier_count(f->c), 0);
	ecache_outbox_list_init(&l);
	assert_int_equal(ecache_outbox_list_get(f->c, ECACHE_OUTBOX_ALL, NULL, &l), 1);
	assert_string_equal(l.rows[0].idempotency_key, key);
	assert_string_equal(l.rows[0].action, "claim");
	assert_int_equal(l.rows[0].status, ECACHE_OUT_QUEUED);
	ecache_outbox_list_release(&l);
	/* the dossier comes back with the pending action replayed on it */
	fx_put(f, fx_dossier("d1", 1, "Nguyễn Văn An", EAPI_STATE_RECEIVED, NULL, 0));
	assert_int_equal(ecache_queue_count(f->c, ECACHE_Q_UNSENT, NULL), 1);
	assert_int_equal(ecache_queue_count(f->c, ECACHE_Q_IN_PROGRESS, NULL), 1);
	fx_free(f);
}

/* A cache over 32 MB closed cleanly opens with a light check (a whole one
 * would cost a millisecond per megabyte before the first screen); one left
 * with its -wal, as after a crash, is checked whole and damage found. */
static void
test_big_cache_checked_whole_after_unclean_close(void **state)
{
	fx *f = fx_new();
	char wal[400];
	sqlite3 *db;
	FILE *fp;

	(void)state;
	fx_put(f, fx_dossier("d1", 1, "Nguyễn Văn An", EAPI_STATE_RECEIVED, NULL, 0));
	ecache_close(f->c);
	f->c = NULL;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE pad(x);"
				      "INSERT INTO pad VALUES (zeroblob(34 * 1024 * 1024));"
				      "PRAGMA wal_checkpoint(TRUNCATE);", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	damage(f->path, 1);	/* a page of the padding's overflow chain */
	fx_reopen(f);
	assert_int_equal(ecache_was_recovered(f->c), 0);
	assert_int_equal(ecache_dossier_count(f->c), 1);
	ecache_close(f->c);
	f->c = NULL;
	snprintf(wal, sizeof wal, "%s-wal", f->path);
	fp = fopen(wal, "w");
	assert_non_null(fp);
	fputs("left by a program that did not close the cache", fp);
	fclose(fp);
	fx_reopen(f);
	assert_int_equal(ecache_was_recovered(f->c), 1);
	assert_int_equal(count_aside(f->dir, "cache.db.damaged-"), 1);
	assert_int_equal(ecache_dossier_count(f->c), 0);
	fx_free(f);
}

static void
test_damaged_outbox_salvaged(void **state)
{
	fx *f = fx_new();
	char obpath[400], keys[60][37];
	ecache_outbox_list l;
	int i, kept = 0;
	size_t j;

	(void)state;
	fx_put(f, fx_dossier("d1", 1, "Trần Thị Bình", EAPI_STATE_RECEIVED, NULL, 0));
	for (i = 0; i < 60; i++) {
		char text[600];
		eapi_action a = { .dossier_id = "d1", .action = "comment", .text = text };
		memset(text, 'x', sizeof text - 1);
		text[sizeof text - 1] = '\0';
		assert_true(ecache_act(f->c, &a, keys[i]) > 0);
	}
	ecache_close(f->c);
	f->c = NULL;
	snprintf(obpath, sizeof obpath, "%s.outbox.db", f->path);
	{
		sqlite3 *db;
		assert_int_equal(sqlite3_open(obpath, &db), SQLITE_OK);
		sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
		sqlite3_close(db);
	}
	damage(obpath, 1);
	fx_reopen(f);
	assert_int_equal(ecache_was_recovered(f->c), 1);
	assert_int_equal(count_aside(f->dir, "cache.db.outbox.db.damaged-"), 1);
	ecache_outbox_list_init(&l);
	assert_true(ecache_outbox_list_get(f->c, ECACHE_OUTBOX_ALL, NULL, &l) >= 0);
	/* some pages were destroyed; every row that survived kept its key */
	for (j = 0; j < l.n; j++)
		for (i = 0; i < 60; i++)
			if (strcmp(l.rows[j].idempotency_key, keys[i]) == 0)
				kept++;
	assert_int_equal((size_t)kept, l.n);
	assert_true(l.n > 0 && l.n < 60);
	print_message("# salvaged %zu of 60 outbox rows\n", l.n);
	ecache_outbox_list_release(&l);
	fx_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_path_and_modes),
		cmocka_unit_test(test_migrations_from_every_version),
		cmocka_unit_test(test_newer_schema_refused),
		cmocka_unit_test(test_wal_and_sync_settings),
		cmocka_unit_test(test_damaged_cache_moved_aside_outbox_kept),
		cmocka_unit_test(test_damaged_outbox_salvaged),
		cmocka_unit_test(test_big_cache_checked_whole_after_unclean_close),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
