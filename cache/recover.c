/*
 * Damage at open: check each cache file with PRAGMA quick_check and, when
 * it fails (or the file is not a database at all), rename it aside as
 * "<file>.damaged-<YYYYmmdd-HHMMSS>" with its -wal, so a person or a
 * support engineer can still look at it, and let the caller start afresh.
 *
 * The dossier cache needs nothing more: a new one syncs from the start.
 * The outbox holds what the person did, so before starting afresh every
 * outbox row that can still be read is copied into the new file, one row at
 * a time by seq (a damaged index or page loses only what it holds).  Rows
 * keep their status, idempotency key and seq: an in-flight row is resent
 * with its key, and the server's idempotency makes that safe.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "recover.h"

int
ecache_prepare_file(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fchmod(fd, 0600) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* Whether the whole of a dossier cache file is checked at open.  A full
 * quick_check reads every page: a millisecond per megabyte, half a second
 * for 100,000 dossiers, far beyond the console's 150 ms to a first screen.
 * A WAL database is not damaged by a crash or a power cut; what damages it
 * is the disk or a bug, and a crash is when one looks.  So the whole file
 * is checked when it is small (ECACHE_FULL_CHECK_MAX), or when its -wal is
 * still there with frames in it: the last program to use it did not close
 * it (it was killed, crashed or lost power), or another one has it open
 * now.  Otherwise the schema and the small tables are checked, which finds
 * a file that is not a database, a damaged first page or a damaged
 * schema; damage elsewhere is reported by SQLite as SQLITE_CORRUPT when
 * the page is read.  The outbox is always checked whole: it is small and
 * it is what the person did. */
#define ECACHE_FULL_CHECK_MAX (32LL << 20)

static int
wants_full_check(const char *path, const struct stat *sb)
{
	char wal[4200];
	struct stat ws;

	if (sb->st_size <= ECACHE_FULL_CHECK_MAX)
		return 1;
	snprintf(wal, sizeof wal, "%s-wal", path);
	return stat(wal, &ws) == 0 && ws.st_size > 0;
}

/* Whether an SQLite result says the file itself is damaged, as opposed to
 * the disk being full, read-only, or the file busy or out of reach: those
 * are no reason to move a file aside, and moving the outbox aside on a
 * full disk lost the person's queued actions. */
static int
is_damage(int rc)
{
	return (rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB;
}

/* 1 healthy (or absent or empty), 0 damaged, -1 could not be checked
 * (message in err).  whole: always check every page (the outbox);
 * otherwise wants_full_check() decides. */
static int
file_healthy(const char *path, int whole, char *err, size_t errlen)
{
	struct stat sb;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	const char *sql = "PRAGMA quick_check";
	int rc, result = -1;

	if (stat(path, &sb) < 0 || sb.st_size == 0)
		return 1;
	if (!whole && !wants_full_check(path, &sb))
		sql = "PRAGMA quick_check(meta)";
	rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_extended_result_codes(db, 1);
		sqlite3_busy_timeout(db, 5000);
		rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);
		result = v && strcmp(v, "ok") == 0;
	} else if (is_damage(rc)) {
		result = 0;
	} else {
		snprintf(err, errlen, "checking %s: %s", path,
			 db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return result;
}

/* Rename path (and its -wal) aside; the -shm is only an index and goes.
 * Writes the new name into aside. */
static int
move_aside(const char *path, char *aside, size_t asidelen, char *err, size_t errlen)
{
	char stamp[32], from[4200], to[4200];
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	snprintf(aside, asidelen, "%s.damaged-%s", path, stamp);
	if (rename(path, aside) < 0) {
		snprintf(err, errlen, "moving %s aside: %s", path, strerror(errno));
		return -1;
	}
	snprintf(from, sizeof from, "%s-wal", path);
	snprintf(to, sizeof to, "%s-wal", aside);
	if (rename(from, to) < 0 && errno != ENOENT) {
		snprintf(err, errlen, "moving %s aside: %s", from, strerror(errno));
		return -1;
	}
	snprintf(from, sizeof from, "%s-shm", path);
	unlink(from);
	return 0;
}

int
ecache_recover_cache(const char *path, char *err, size_t errlen)
{
	char aside[4200];
	int r = file_healthy(path, 0, err, errlen);

	if (r != 0)
		return r > 0 ? 0 : -1;
	if (move_aside(path, aside, sizeof aside, err, errlen) < 0)
		return -1;
	return 1;
}

static long long
damaged_max_seq(sqlite3 *db)
{
	static const char *const tries[] = {
		"SELECT max(seq) FROM dmg.outbox",
		"SELECT seq FROM dmg.sqlite_sequence WHERE name = 'outbox'",
	};
	size_t i;

	for (i = 0; i < sizeof tries / sizeof tries[0]; i++) {
		sqlite3_stmt *st = NULL;
		long long v = -1;
		if (sqlite3_prepare_v2(db, tries[i], -1, &st, NULL) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		if (v > 0)
			return v;
	}
	/* Nothing readable says how far to look: try a generous range. */
	return 100000;
}

/* Copy every readable row of the damaged outbox into a fresh one. */
static int
salvage_rows(const char *path, const char *aside, char *err, size_t errlen)
{
	char detail[256];
	sqlite3 *db = NULL;
	sqlite3_stmt *ins = NULL;
	char *sql = NULL;
	long long seq, max;
	int result = -1;

	if (ecache_prepare_file(path, err, errlen) < 0)
		return -1;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		goto sqlfail;
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL",
			 NULL, NULL, NULL) != SQLITE_OK)
		goto sqlfail;
	if (ecache_schema_migrate(db, "main", ECACHE_DB_OUTBOX, ECACHE_OUTBOX_VERSION,
				  detail, sizeof detail) < 0) {
		snprintf(err, errlen, "new outbox: %s", detail);
		goto cleanup;
	}
	sql = sqlite3_mprintf("ATTACH DATABASE '%q' AS dmg", aside);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		/* Not even attachable: nothing can be read from it. */
		result = 0;
		goto cleanup;
	}
	max = damaged_max_seq(db);
	if (sqlite3_prepare_v2(db,
		"INSERT OR IGNORE INTO main.outbox(" ECACHE_OUTBOX_COLUMNS ") "
		"SELECT " ECACHE_OUTBOX_COLUMNS " FROM dmg.outbox WHERE seq = ?1",
		-1, &ins, NULL) != SQLITE_OK)
		goto nothing;
	/* One autocommit per row: a corruption error rolls back the
	 * transaction it happens in, which must not take good rows along. */
	for (seq = 1; seq <= max; seq++) {
		sqlite3_bind_int64(ins, 1, seq);
		sqlite3_step(ins);	/* a row that cannot be read is lost alone */
		sqlite3_reset(ins);
	}
nothing:
	result = 0;
	goto cleanup;
sqlfail:
	snprintf(err, errlen, "salvaging %s: %s", aside,
		 db ? sqlite3_errmsg(db) : "out of memory");
cleanup:
	sqlite3_free(sql);
	sqlite3_finalize(ins);
	if (db) {
		sqlite3_exec(db, "DETACH DATABASE dmg", NULL, NULL, NULL);
		sqlite3_close(db);
	}
	return result;
}

int
ecache_recover_outbox(const char *path, char *err, size_t errlen)
{
	char aside[4200];
	int r = file_healthy(path, 1, err, errlen);

	if (r != 0)
		return r > 0 ? 0 : -1;
	if (move_aside(path, aside, sizeof aside, err, errlen) < 0)
		return -1;
	if (salvage_rows(path, aside, err, errlen) < 0)
		return -1;
	return 1;
}
