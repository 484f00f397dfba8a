/*
 * The outbox and the change feed on the store side: acting writes the row
 * and the optimistic effect together; chained actions; answers recorded as
 * done / conflict / failed and resolved; pages applied idempotently and
 * keyed on version; a remove; a 410 drop that keeps the outbox.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <cmocka.h>

#include "fixture.h"
#include "internal.h"

static void
set_user(eapi_user *u, const char *id, const char *full_name)
{
	memset(u, 0, sizeof *u);
	u->id = strdup(id);
	u->username = strdup(id);
	u->full_name = strdup(full_name);
	u->agency_id = strdup("a1");
	u->role = EAPI_ROLE_OFFICER;
}

static fx *
one_received(void)
{
	fx *f = fx_new();
	eapi_user *me = calloc(1, sizeof *me);

	set_user(me, "u-me", "Lê Thị Mai");
	assert_int_equal(ecache_put_me(f->c, me), 0);
	eapi_user_free(me);
	fx_put(f, fx_dossier("d1", 3, "Nguyễn Văn Đức", EAPI_STATE_RECEIVED, NULL,
			     fx_now() + 5 * 86400));
	return f;
}

static void
test_act_writes_row_and_effect(void **state)
{
	fx *f = one_received();
	eapi_action a = { .dossier_id = "d1", .action = "claim" };
	ecache_outbox_list l;
	eapi_dossier *d;
	char key[37];
	int pending;
	long long seq;

	(void)state;
	seq = ecache_act(f->c, &a, key);
	assert_true(seq > 0);
	assert_int_equal(strlen(key), 36);
	assert_int_equal(key[14], '4');		/* UUID v4 */
	ecache_outbox_list_init(&l);
	assert_int_equal(ecache_outbox_list_get(f->c, ECACHE_OUTBOX_OPEN, "d1", &l), 1);
	assert_int_equal(l.rows[0].seq, seq);
	assert_int_equal(l.rows[0].base_version, 3);
	assert_int_equal(l.rows[0].if_match, 3);
	assert_int_equal(l.rows[0].status, ECACHE_OUT_QUEUED);
	assert_string_equal(l.rows[0].idempotency_key, key);
	ecache_outbox_list_release(&l);

	d = ecache_dossier_get(f->c, "d1", &pending);
	assert_non_null(d);
	assert_int_equal(pending, 1);
	assert_int_equal(d->state, EAPI_STATE_IN_PROGRESS);
	assert_string_equal(d->assignee_id, "u-me");
	eapi_dossier_free(d);
	d = ecache_dossier_get_server(f->c, "d1");
	assert_int_equal(d->state, EAPI_STATE_RECEIVED);
	assert_null(d->assignee_id);
	eapi_dossier_free(d);
	assert_int_equal(ecache_queue_count(f->c, ECACHE_Q_MINE, "u-me"), 1);
	assert_int_equal(ecache_queue_count(f->c, ECACHE_Q_UNSENT, NULL), 1);

	/* it survives a reopen, and the effect is rebuilt from the outbox */
	fx_reopen(f);
	assert_int_equal(ecache_queue_count(f->c, ECACHE_Q_MINE, "u-me"), 1);
	fx_free(f);
}

static void
test_act_validates(void **state)
{
	fx *f = one_received();
	eapi_action bad = { .dossier_id = "d1", .action = "explode" };
	eapi_action noreason = { .dossier_id = "d1", .action = "refuse" };
	eapi_action unknown = { .dossier_id = "nope", .action = "claim" };
	long long counts[ECACHE_OUT_COUNT];

	(void)state;
	assert_int_equal(ecache_act(f->c, &bad, NULL), -1);
	assert_int_equal(ecache_act(f->c, &noreason, NULL), -1);
	assert_non_null(strstr(ecache_errmsg(f->c), "reason"));
	assert_int_equal(ecache_act(f->c, &unknown, NULL), -1);
	assert_int_equal(ecache_outbox_counts(f->c, counts), 0);
	assert_int_equal(counts[ECACHE_OUT_QUEUED], 0);
	fx_free(f);
}

static void
test_chained_actions_follow_versions(void **state)
{
	fx *f = one_received();
	eapi_action claim = { .dossier_id = "d1", .action = "claim" };
	eapi_action propose = { .dossier_id = "d1", .action = "propose", .note = "xong" };
	eapi_action comment = { .dossier_id = "d1", .action = "comment", .text = "ghi chú" };
	ecache_outbox_row row, got;
	eapi_dossier *result;
	long long s1, s2, s3;

	(void)state;
	s1 = ecache_act(f->c, &claim, NULL);
	s2 = ecache_act(f->c, &propose, NULL);
	s3 = ecache_act(f->c, &comment, NULL);
	assert_true(s1 > 0 && s2 > s1 && s3 > s2);
	assert_int_equal(ecache_queue_count(f->c, ECACHE_Q_PENDING_APPROVAL, NULL), 1);

	/* only the first goes out: rows go in order per dossier */
	assert_int_equal(ecache_outbox_next_sendable(f->c, 0, &row), 1);
	assert_int_equal(row.seq, s1);
	ecache_outbox_row_release(&row);
	assert_int_equal(ecache_outbox_next_sendable(f->c, s1, &row), 0);
	ecache_outbox_row_release(&row);

	/* the server applies the claim: version 4 */
	assert_int_equal(ecache_outbox_mark_in_flight(f->c, s1), 0);
	result = fx_dossier("d1", 4, "Nguyễn Văn Đức", EAPI_STATE_IN_PROGRESS, "u-me",
			    fx_now() + 5 * 86400);
	assert_int_equal(ecache_outbox_record(f->c, s1, ECACHE_OUT_DONE, NULL, result), 0);
	eapi_dossier_free(result);
	assert_int_equal(ecache_outbox_get(f->c, s2, &got), 0);
	assert_int_equal(got.if_match, 4);	/* acted on the claim's result */
	ecache_outbox_row_release(&got);
	assert_int_equal(ecache_outbox_get(f->c, s3, &got), 0);
	assert_int_equal(got.if_match, 0);	/* comments carry no If-Match */
	ecache_outbox_row_release(&got);
	assert_int_equal(ecache_outbox_next_sendable(f->c, s1, &row), 1);
	assert_int_equal(row.seq, s2);
	ecache_outbox_row_release(&row);
	/* still pending approval optimistically */
	assert_int_equal(ecache_queue_count(f->c, ECACHE_Q_PENDING_APPROVAL, NULL), 1);
	fx_free(f);
}

static void
test_conflict_kept_then_redo_or_discard(void **state)
{
	fx *f = one_received();
	eapi_action claim = { .dossier_id = "d1", .action = "claim" };
	eapi_action refuse = { .dossier_id = "d1", .action = "refuse", .reason = "thiếu" };
	ecache_conflict_list cl;
	ecache_outbox_row got;
	eapi_error err;
	char key[37];
	long long s1, s2;

	(void)state;
	s1 = ecache_act(f->c, &claim, key);
	memset(&err, 0, sizeof err);
	err.result = EAPI_E_HTTP;
	err.http_status = 412;
	snprintf(err.code, sizeof err.code, "version_conflict");
	err.current = fx_dossier("d1", 5, "Nguyễn Văn Đức", EAPI_STATE_IN_PROGRESS, "u-other", 0);
	assert_int_equal(ecache_outbox_mark_in_flight(f->c, s1), 0);
	assert_int_equal(ecache_outbox_record(f->c, s1, ECACHE_OUT_CONFLICT, &err, NULL), 0);
	eapi_error_clear(&err);

	ecache_conflict_list_init(&cl);
	assert_int_equal(ecache_conflicts(f->c, &cl), 1);
	assert_int_equal(cl.items[0].row.seq, s1);
	assert_non_null(cl.items[0].mine);
	assert_non_null(cl.items[0].theirs);
	assert_int_equal(cl.items[0].mine->version, 3);
	assert_int_equal(cl.items[0].theirs->version, 5);
	assert_string_equal(cl.items[0].theirs->assignee_id, "u-other");
	ecache_conflict_list_release(&cl);
	/* the cache took the server's newer version; my claim is not shown */
	assert_int_equal(ecache_queue_count(f->c, ECACHE_Q_MINE, "u-me"), 0);
	assert_int_equal(ecache_queue_count(f->c, ECACHE_Q_UNSENT, NULL), 1);

	/* redo: a new key, If-Match on the server's version */
	assert_int_equal(ecache_resolve(f->c, s1, ECACHE_RESOLVE_REDO), 0);
	assert_int_equal(ecache_outbox_get(f->c, s1, &got), 0);
	assert_int_equal(got.status, ECACHE_OUT_QUEUED);
	assert_int_equal(got.if_match, 5);
	assert_string_not_equal(got.idempotency_key, key);
	ecache_outbox_row_release(&got);
	assert_int_equal(ecache_queue_count(f->c, ECACHE_Q_MINE, "u-me"), 1);

	/* a failed row can only be discarded */
	s2 = ecache_act(f->c, &refuse, NULL);
	memset(&err, 0, sizeof err);
	err.result = EAPI_E_HTTP;
	err.http_status = 403;
	snprintf(err.message, sizeof err.message, "not yours");
	assert_int_equal(ecache_outbox_record(f->c, s2, ECACHE_OUT_FAILED, &err, NULL), 0);
	assert_int_equal(ecache_outbox_get(f->c, s2, &got), 0);
	assert_int_equal(got.status, ECACHE_OUT_FAILED);
	assert_string_equal(got.reason, "not yours");
	assert_int_equal(got.http_status, 403);
	ecache_outbox_row_release(&got);
	assert_int_equal(ecache_resolve(f->c, s2, ECACHE_RESOLVE_REDO), -1);
	assert_int_equal(ecache_resolve(f->c, s2, ECACHE_RESOLVE_DISCARD), 0);
	assert_int_equal(ecache_resolve(f->c, s1, ECACHE_RESOLVE_DISCARD), -1);	/* queued */
	fx_free(f);
}

static eapi_change_page *
page_of(int n, long long version, const char *cursor)
{
	eapi_change_page *p = calloc(1, sizeof *p);
	int i;

	p->changes = calloc((size_t)n, sizeof *p->changes);
	p->n = (size_t)n;
	for (i = 0; i < n; i++) {
		char id[16];
		snprintf(id, sizeof id, "p%03d", i);
		p->changes[i].seq = i + 1;
		p->changes[i].op = EAPI_CHANGE_UPSERT;
		p->changes[i].id = strdup(id);
		p->changes[i].version = version;
		p->changes[i].dossier = fx_dossier(id, version, "Trần Thị Hoà Bình",
						   EAPI_STATE_SUBMITTED, NULL, 0);
	}
	p->next_cursor = strdup(cursor);
	return p;
}

static void
test_page_apply_idempotent_and_versioned(void **state)
{
	fx *f = fx_new();
	eapi_change_page *p2 = page_of(50, 2, "c2"), *p1 = page_of(50, 1, "c1");
	ecache_status st;
	eapi_dossier *d;
	ecache_rows r;

	(void)state;
	assert_int_equal(ecache_apply_changes(f->c, p2), 50);
	assert_int_equal(ecache_apply_changes(f->c, p2), 0);	/* replay: nothing */
	assert_int_equal(ecache_dossier_count(f->c), 50);
	/* an older page never overwrites */
	assert_int_equal(ecache_apply_changes(f->c, p1), 0);
	d = ecache_dossier_get(f->c, "p007", NULL);
	assert_int_equal(d->version, 2);
	eapi_dossier_free(d);
	assert_int_equal(ecache_status_get(f->c, &st), 0);
	assert_string_equal(st.cursor, "c1");	/* the cursor moves with each page */
	/* the search index holds each row once */
	ecache_rows_init(&r);
	assert_int_equal(ecache_search(f->c, "hoa binh", 100, &r), 50);
	ecache_rows_release(&r);

	/* a remove: an older remove keeps the newer copy */
	p1->n = 1;
	p1->changes[0].op = EAPI_CHANGE_REMOVE;
	p1->changes[0].version = 1;
	assert_int_equal(ecache_apply_changes(f->c, p1), 0);
	p1->changes[0].version = 3;
	assert_int_equal(ecache_apply_changes(f->c, p1), 1);
	assert_int_equal(ecache_dossier_count(f->c), 49);
	assert_int_equal(ecache_search(f->c, "hoa binh", 100, &r), 49);
	ecache_rows_release(&r);
	p1->n = 50;
	eapi_change_page_free(p1);
	eapi_change_page_free(p2);
	fx_free(f);
}

static void
test_drop_keeps_outbox(void **state)
{
	fx *f = one_received();
	eapi_action claim = { .dossier_id = "d1", .action = "claim" };
	long long counts[ECACHE_OUT_COUNT];
	ecache_rows r;

	(void)state;
	assert_true(ecache_act(f->c, &claim, NULL) > 0);
	assert_int_equal(ecache_drop_dossiers(f->c), 0);
	assert_int_equal(ecache_dossier_count(f->c), 0);
	ecache_rows_init(&r);
	assert_int_equal(ecache_search(f->c, "nguyen", 10, &r), 0);
	assert_int_equal(ecache_outbox_counts(f->c, counts), 0);
	assert_int_equal(counts[ECACHE_OUT_QUEUED], 1);
	/* the dossier comes back and shows the pending claim again */
	fx_put(f, fx_dossier("d1", 3, "Nguyễn Văn Đức", EAPI_STATE_RECEIVED, NULL, 0));
	assert_int_equal(ecache_queue_count(f->c, ECACHE_Q_MINE, "u-me"), 1);
	assert_int_equal(ecache_search(f->c, "nguyen", 10, &r), 1);
	assert_int_equal(r.rows[0].pending, 1);
	ecache_rows_release(&r);
	fx_free(f);
}

static void
test_reference_round_trip(void **state)
{
	fx *f = fx_new();
	eapi_user_list *ul = calloc(1, sizeof *ul);
	eapi_calendar *cal = calloc(1, sizeof *cal);
	eapi_user_list *got;
	eapi_calendar *gc;
	egov_calendar ec;
	char etag[64];

	(void)state;
	ul->items = calloc(3, sizeof *ul->items);
	ul->n = 3;
	set_user(&ul->items[0], "u1", "Nguyễn Văn Đức");
	set_user(&ul->items[1], "u2", "Trần Thị An");
	set_user(&ul->items[2], "u3", "Lê Bảo");
	cal->year = 2025;
	cal->holidays = calloc(1, sizeof *cal->holidays);
	cal->n_holidays = 1;
	snprintf(cal->holidays[0].date, 11, "2025-03-14");
	cal->holidays[0].name = strdup("test holiday");
	cal->working_saturdays = calloc(1, sizeof *cal->working_saturdays);
	cal->n_working_saturdays = 1;
	snprintf(cal->working_saturdays[0], 11, "2025-03-15");
	cal->office_hours = strdup("07:00-17:00");
	assert_int_equal(ecache_put_users(f->c, "a1", ul, "\"u7\""), 0);
	eapi_user_list_free(ul);
	got = ecache_get_users(f->c, "a1");
	assert_non_null(got);
	assert_int_equal(got->n, 3);
	assert_string_equal(got->items[0].full_name, "Trần Thị An");
	assert_string_equal(got->items[1].full_name, "Lê Bảo");
	assert_string_equal(got->items[2].full_name, "Nguyễn Văn Đức");
	eapi_user_list_free(got);
	assert_int_equal(ecache_ref_etag(f->c, ECACHE_REF_USERS, "a1", etag, sizeof etag), 0);
	assert_string_equal(etag, "\"u7\"");

	assert_int_equal(ecache_put_calendar(f->c, cal, "\"c1\""), 0);
	eapi_calendar_free(cal);
	gc = ecache_get_calendar_year(f->c, 2025);
	assert_non_null(gc);
	assert_int_equal(gc->n_holidays, 1);
	assert_string_equal(gc->working_saturdays[0], "2025-03-15");
	eapi_calendar_free(gc);
	assert_int_equal(ecache_load_calendar(f->c, &ec), 0);
	assert_false(egov_is_working_day(&ec, egov_day_from_ymd(2025, 3, 14)));
	assert_true(egov_is_working_day(&ec, egov_day_from_ymd(2025, 3, 15)));
	egov_calendar_release(&ec);
	/* working days left use it: Thu 13 -> Mon 17 is Sat 15 + Mon 17 = 2 */
	fx_put(f, fx_dossier("d1", 1, "A", EAPI_STATE_RECEIVED, NULL,
			     egov_local_time(egov_day_from_ymd(2025, 3, 17), 17, 0)));
	{
		ecache_rows r;
		ecache_rows_init(&r);
		assert_int_equal(ecache_queue_window(f->c, ECACHE_Q_ALL, NULL, ECACHE_SORT_DUE,
						     NULL, 5, &r), 1);
		assert_int_equal(r.rows[0].working_days_left, 2);
		ecache_rows_release(&r);
	}
	fx_free(f);
}

/* The non-blocking engine with the link down: a round fails, the action
 * stays queued untouched, the status says why, and the next round waits
 * (backoff) instead of hammering. */
static void
test_sync_offline_backs_off(void **state)
{
	fx *f = one_received();
	eapi_action claim = { .dossier_id = "d1", .action = "claim" };
	eapi_options o;
	eapi_client *cl;
	ecache_sync_options so;
	ecache_sync *s;
	ecache_sync_report rep;
	ecache_outbox_list l;
	ecache_status st;
	char err[256];
	time_t next;
	int rounds = 0;

	(void)state;
	assert_true(ecache_act(f->c, &claim, NULL) > 0);
	eapi_options_init(&o);
	o.base_url = "http://127.0.0.1:1";
	o.max_retries = 0;
	o.default_deadline_ms = 5000;
	cl = eapi_client_new(&o, err, sizeof err);
	if (!cl)
		fail_msg("client: %s", err);
	ecache_sync_options_init(&so);
	so.backoff_min_s = 20;
	s = ecache_sync_new(f->c, cl, &so);
	assert_non_null(s);
	ecache_sync_tick(s, time(NULL));
	assert_true(ecache_sync_busy(s));
	while (ecache_sync_busy(s) && rounds++ < 100) {
		struct pollfd pfd = { .fd = eapi_client_fd(cl), .events = POLLIN };
		eapi_completion *comp;
		assert_true(poll(&pfd, 1, 10000) >= 0);
		while ((comp = eapi_next_completion(cl)))
			assert_int_equal(ecache_sync_on_completion(s, comp), 1);
	}
	assert_false(ecache_sync_busy(s));
	ecache_sync_last_report(s, &rep);
	assert_false(rep.ok);
	assert_true(rep.error[0] != '\0');
	next = ecache_sync_tick(s, time(NULL));
	assert_false(ecache_sync_busy(s));
	assert_true(next >= time(NULL) + 9);	/* half of the backoff at least */
	assert_int_equal(ecache_status_get(f->c, &st), 0);
	assert_int_equal(st.last_ok, 0);
	assert_true(st.last_error[0] != '\0');
	ecache_outbox_list_init(&l);
	assert_int_equal(ecache_outbox_list_get(f->c, ECACHE_OUTBOX_ALL, NULL, &l), 1);
	assert_int_equal(l.rows[0].status, ECACHE_OUT_QUEUED);
	ecache_outbox_list_release(&l);
	ecache_sync_free(s);
	eapi_client_free(cl);
	fx_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_act_writes_row_and_effect),
		cmocka_unit_test(test_act_validates),
		cmocka_unit_test(test_chained_actions_follow_versions),
		cmocka_unit_test(test_conflict_kept_then_redo_or_discard),
		cmocka_unit_test(test_page_apply_idempotent_and_versioned),
		cmocka_unit_test(test_drop_keeps_outbox),
		cmocka_unit_test(test_reference_round_trip),
		cmocka_unit_test(test_sync_offline_backs_off),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
