/*
 * Helpers for the cache's unit tests (see fixture.h).  Each test gets its
 * own folder under $TMPDIR, removed at the end, so tests never share a
 * file and never touch a real person's cache.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"
#include "internal.h"

fx *
fx_new(void)
{
	char err[256];
	const char *tmp = getenv("TMPDIR");
	fx *f = calloc(1, sizeof *f);

	assert_non_null(f);
	snprintf(f->dir, sizeof f->dir, "%s/egov-cache-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof f->path, "%s/cache.db", f->dir);
	f->c = ecache_open_path(f->path, err, sizeof err);
	if (!f->c)
		fail_msg("open: %s", err);
	ecache_set_now(f->c, fx_now());
	return f;
}

void
fx_reopen(fx *f)
{
	char err[256];

	ecache_close(f->c);
	f->c = ecache_open_path(f->path, err, sizeof err);
	if (!f->c)
		fail_msg("reopen: %s", err);
	ecache_set_now(f->c, fx_now());
}

void
fx_free(fx *f)
{
	char cmd[400];

	if (!f)
		return;
	ecache_close(f->c);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "# could not remove %s\n", f->dir);
	free(f);
}

long long
fx_count(fx *f, const char *sql)
{
	sqlite3_stmt *st = NULL;
	long long n = -1;

	assert_int_equal(sqlite3_prepare_v2(f->c->db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

time_t
fx_now(void)
{
	return egov_local_time(egov_day_from_ymd(2025, 3, 13), 10, 0);
}

eapi_dossier *
fx_dossier(const char *id, long long version, const char *applicant,
	   eapi_state state, const char *assignee, time_t due_at)
{
	eapi_dossier *d = calloc(1, sizeof *d);
	char code[64];

	assert_non_null(d);
	snprintf(code, sizeof code, "000.00.12.H24-250313-%s", id);
	d->id = strdup(id);
	d->code = strdup(code);
	d->version = version;
	d->procedure_id = strdup("p1");
	d->procedure_code = strdup("1.001193");
	d->procedure_name = strdup("Đăng ký khai sinh");
	d->agency_id = strdup("a1");
	d->assignee_id = assignee ? strdup(assignee) : NULL;
	d->state = state;
	d->status_code = eapi_state_status_code(state);
	d->channel = strdup("online");
	d->applicant_name = strdup(applicant);
	d->applicant_kind = strdup("citizen");
	d->subject = strdup("Khai sinh cho con");
	d->submitted_at = fx_now() - 86400 * 3;
	d->received_at = state == EAPI_STATE_SUBMITTED ? 0 : fx_now() - 86400 * 2;
	d->due_at = due_at;
	d->updated_at = fx_now() - 3600;
	return d;
}

void
fx_put(fx *f, eapi_dossier *d)
{
	int r = ecache_dossier_upsert(f->c, d);

	if (r != 1)
		fail_msg("upsert %s: %d %s", d->id, r, ecache_errmsg(f->c));
	eapi_dossier_free(d);
}

size_t
fx_walk_queue(fx *f, ecache_queue q, int sort, int window, char **seen, size_t max)
{
	char *key = NULL;
	ecache_rows r;
	size_t n = 0, i, back = 0;
	int got;

	ecache_rows_init(&r);
	do {
		got = ecache_queue_window(f->c, q, NULL, sort, key, window, &r);
		assert_true(got >= 0);
		for (i = 0; i < r.n; i++) {
			assert_true(n < max);
			seen[n++] = strdup(r.rows[i].id);
		}
		free(key);
		key = r.n ? strdup(r.rows[r.n - 1].key) : NULL;
	} while (got == window);
	/* backwards from the end */
	free(key);
	key = NULL;
	do {
		got = ecache_queue_window_before(f->c, q, NULL, sort, key, window, &r);
		assert_true(got >= 0);
		for (i = r.n; i-- > 0; back++) {
			assert_true(back < n);
			assert_string_equal(r.rows[i].id, seen[n - 1 - back]);
		}
		free(key);
		key = r.n ? strdup(r.rows[0].key) : NULL;
	} while (got == window);
	free(key);
	assert_int_equal(back, n);
	ecache_rows_release(&r);
	return n;
}
