/*
 * --activity N: the city moves on its own, N events a minute, so a console
 * left open sees new work arrive.  A background thread wakes at random
 * intervals averaging 60/N seconds and does one of: a new online submission
 * (often at the demo ward, so the demo queues grow), an applicant completing
 * a supplement (the due date moves later by the working days waited), an
 * applicant withdrawing, or another officer or supervisor acting (claim,
 * propose, approve, return).  The demo accounts never act here.  Changes go
 * through row.c, so each has its history entry, version and feed row.
 */
#include "config.h"
#include "row.h"
#include "seed-gen.h"
#include "vntext.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_t thread;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static int stopping;
static sim_server *server;
static int per_minute;
static sim_rng rng;

static int is_demo(const sim_person *p)
{
	return p && strchr(p->username, '.') == NULL ? 1 : p && strncmp(p->username, "dept.", 5) == 0;
}

/* A random dossier id in one of the states, or 0. */
static int pick(sqlite3 *db, const char *states, char *id, size_t len)
{
	sqlite3_stmt *st = NULL;
	char sql[256];
	int found = 0;

	snprintf(sql, sizeof(sql), "SELECT id FROM dossiers WHERE state IN (%s) ORDER BY random() LIMIT 1",
		 states);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
		snprintf(id, len, "%s", (const char *)sqlite3_column_text(st, 0));
		found = 1;
	}
	sqlite3_finalize(st);
	return found;
}

static const sim_person *staff_of(const char *agency_id, int role)
{
	const sim_ref *ref = &server->ref;
	const sim_person *c[16];
	size_t i, n = 0;

	for (i = 0; i < ref->n_users && n < 16; i++)
		if (ref->users[i].role == role && strcmp(ref->users[i].agency_id, agency_id) == 0 &&
		    !is_demo(&ref->users[i]))
			c[n++] = &ref->users[i];
	return n ? c[sim_rng_below(&rng, n)] : NULL;
}

static int submit(sqlite3 *db, time_t now)
{
	const sim_ref *ref = &server->ref;
	const sim_agency *a = NULL;
	const sim_procedure *p = NULL;
	sqlite3_stmt *st = NULL;
	char name[96], prefix[40], id[17], code[48], at[26], subject[256], *hist = NULL, *appl = NULL;
	char *fees = NULL, *docs = NULL, *folded = NULL, buf[32];
	long long n = 1;
	int seq = 1, tries, result = -1, y, m, d;
	uint64_t seed = 1;

	for (tries = 0; tries < 50 && !a; tries++) {
		const sim_agency *x = &ref->agencies[sim_rng_below(&rng, ref->n_agencies)];
		if (sim_rng_below(&rng, 10) < 3)
			x = &ref->agencies[0];
		for (size_t i = 0; sim_rng_below(&rng, 10) < 3 && i < ref->n_agencies; i++)
			if (strcmp(ref->agencies[i].code, "000.20.01.H24") == 0)
				x = &ref->agencies[i];
		if (x->level == SIM_LEVEL_WARD)
			a = x;
	}
	for (tries = 0; a && tries < 50 && !p; tries++) {
		const sim_procedure *x = &ref->procedures[sim_rng_below(&rng, ref->n_procedures)];
		if (x->level == SIM_LEVEL_WARD && strcmp(x->online_level, "none") != 0)
			p = x;
	}
	if (!a || !p)
		return -1;
	if (sim_meta_get(db, "seed", buf, sizeof(buf)))
		seed = strtoull(buf, NULL, 10);
	if (sqlite3_prepare_v2(db, "SELECT coalesce(max(n), 0) + 1 FROM dossiers", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	egov_day_to_ymd(egov_day_of(now), &y, &m, &d);
	snprintf(prefix, sizeof(prefix), "%s-%02d%02d%02d-", a->code, y % 100, m, d);
	if (sqlite3_prepare_v2(db, "SELECT count(*) + 1 FROM dossiers WHERE code >= ?1 AND code < ?1 || '~'",
			       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			seq = sqlite3_column_int(st, 0);
	}
	sqlite3_finalize(st);
	snprintf(code, sizeof(code), "%s%04d", prefix, seq % 10000);
	seed_dossier_id(seed, n, id);
	seed_person_name(&rng, (int)sim_rng_below(&rng, 2), name, sizeof(name));
	snprintf(subject, sizeof(subject), "%s - %s", p->name, name);
	egov_time_format(now, at);
	{
		json_t *h = json_pack("[{s:s, s:n, s:s, s:s, s:n, s:s, s:n}]", "at", at, "actor_id",
				      "actor_name", name, "action", "submit", "from_state", "to_state",
				      "submitted", "note");
		json_t *ap = json_pack("{s:s, s:s, s:s, s:s, s:n, s:s, s:s}", "name", name, "id_number", "",
				       "id_kind", "cccd", "phone", "", "email", "address", "", "ward_code", a->code);
		char idn[16], phone[16], addr[160];
		json_t *fl = json_loads(p->fees, 0, NULL), *fo = json_array(), *dl = json_loads(p->documents, 0, NULL);
		json_t *dd = json_array(), *f, *x;
		size_t i;
		snprintf(idn, sizeof(idn), "031%d%02u%06u", (int)sim_rng_below(&rng, 4),
			 (unsigned)sim_rng_below(&rng, 100), (unsigned)sim_rng_below(&rng, 1000000));
		snprintf(phone, sizeof(phone), "09%08u", (unsigned)sim_rng_below(&rng, 100000000));
		snprintf(addr, sizeof(addr), "Số %u đường %s, %s, thành phố Hải Phòng",
			 1 + (unsigned)sim_rng_below(&rng, 200), seed_streets[sim_rng_below(&rng, seed_n_streets)],
			 a->name + strlen("Ủy ban nhân dân "));
		json_object_set_new(ap, "id_number", json_string(idn));
		json_object_set_new(ap, "phone", json_string(phone));
		json_object_set_new(ap, "address", json_string(addr));
		json_array_foreach(fl, i, f)
			json_array_append_new(fo, json_pack("{s:O, s:O, s:b, s:b}", "name", json_object_get(f, "name"),
				"amount_vnd", json_object_get(f, "online_amount_vnd"), "paid", 0, "paid_online", 0));
		json_array_foreach(dl, i, x) {
			char did[24], nm[200];
			snprintf(did, sizeof(did), "d%zu", i + 1);
			snprintf(nm, sizeof(nm), "%s", json_string_value(json_object_get(x, "name")));
			json_array_append_new(dd, json_pack("{s:s, s:s, s:O, s:s, s:b}", "id", did, "name", nm,
				"component_code", json_object_get(x, "code"), "mime", "application/pdf", "digitized", 1));
		}
		hist = json_dumps(h, JSON_COMPACT);
		appl = json_dumps(ap, JSON_COMPACT);
		fees = json_dumps(fo, JSON_COMPACT);
		docs = json_dumps(dd, JSON_COMPACT);
		json_decref(h); json_decref(ap); json_decref(fl); json_decref(fo); json_decref(dl); json_decref(dd);
	}
	{
		char all[512];
		snprintf(all, sizeof(all), "%s %s %s", code, name, subject);
		folded = vn_fold(all);
	}
	if (!hist || !appl || !fees || !docs || !folded)
		goto cleanup;
	if (sqlite3_prepare_v2(db, "INSERT INTO dossiers(n, id, code, version, procedure_id, agency_id,"
			       " state, channel, applicant_name, applicant_kind, subject, submitted_at,"
			       " supplement_count, updated_at, applicant, documents, fees, history, comments,"
			       " supplements, digitized, folded) VALUES (?1, ?2, ?3, 1, ?4, ?5, 'submitted',"
			       " 'online', ?6, 'citizen', ?7, ?8, 0, ?8, ?9, ?10, ?11, ?12, '[]', '[]', 1, ?13)",
			       -1, &st, NULL) != SQLITE_OK)
		goto cleanup;
	sqlite3_bind_int64(st, 1, n);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, p->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, a->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, subject, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, (sqlite3_int64)now);
	sqlite3_bind_text(st, 9, appl, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, docs, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, fees, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 12, hist, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 13, folded, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_DONE)
		result = sim_change_record(db, n, 1, a->id, NULL, NULL, 0, now);
cleanup:
	sqlite3_finalize(st);
	free(hist); free(appl); free(fees); free(docs); free(folded);
	return result;
}

static int change(sqlite3 *db, const char *states, time_t now)
{
	const sim_ref *ref = &server->ref;
	const sim_person *actor = NULL;
	sim_row r;
	char id[24], at[26];
	int result = -1;

	if (!pick(db, states, id, sizeof(id)) || sim_row_load(db, id, &r) != 0)
		return -1;
	egov_time_format(now, at);
	if (strcmp(r.state, "supplement_requested") == 0) {
		json_t *last = json_array_get(r.supplements, json_array_size(r.supplements) - 1);
		if (r.paused_at && r.due_at) {
			int waited = egov_working_days_between(&ref->cal, egov_day_of(r.paused_at), egov_day_of(now));
			r.due_at = egov_local_time(egov_add_working_days(&ref->cal, egov_day_of(r.due_at),
									 waited > 0 ? waited : 0), 17, 0);
		}
		if (last)
			json_object_set_new(last, "completed_at", json_string(at));
		r.paused_at = 0;
		sim_row_step(&r, NULL, "Người nộp hồ sơ", "complete_supplement", "in_progress",
			     "Công dân đã bổ sung hồ sơ", now);
	} else if (strcmp(r.state, "submitted") == 0 && sim_rng_below(&rng, 3) == 0) {
		r.finished_at = now;
		sim_row_step(&r, NULL, "Người nộp hồ sơ", "withdraw", "withdrawn", "Công dân đề nghị rút hồ sơ", now);
	} else if (strcmp(r.state, "submitted") == 0 || strcmp(r.state, "received") == 0) {
		actor = staff_of(r.agency_id, SIM_ROLE_OFFICER);
		if (!actor)
			goto cleanup;
		if (strcmp(r.state, "submitted") == 0) {
			const sim_procedure *p = sim_procedure_find(ref, r.procedure_id);
			r.received_at = now;
			r.due_at = egov_due_at(&ref->cal, now, p ? p->processing_days : 5, p ? p->calendar_days : 0);
			sim_row_step(&r, actor->id, actor->full_name, "receive", "received", NULL, now);
		} else {
			snprintf(r.assignee_id, sizeof(r.assignee_id), "%s", actor->id);
			sim_row_step(&r, actor->id, actor->full_name, "claim", "in_progress", NULL, now);
		}
	} else if (strcmp(r.state, "in_progress") == 0) {
		actor = sim_person_find(ref, r.assignee_id);
		if (!actor || is_demo(actor))
			goto cleanup;
		sim_row_step(&r, actor->id, actor->full_name, "propose", "pending_approval", NULL, now);
	} else if (strcmp(r.state, "pending_approval") == 0) {
		actor = staff_of(r.agency_id, SIM_ROLE_SUPERVISOR);
		if (!actor)
			goto cleanup;
		r.finished_at = now;
		json_decref(r.result);
		r.result = json_pack("{s:s, s:s, s:s}", "number", "1/QĐ-UBND", "signer", actor->full_name,
				     "signed_at", at);
		sim_row_step(&r, actor->id, actor->full_name, "approve", "result_ready", NULL, now);
	} else if (strcmp(r.state, "result_ready") == 0) {
		actor = staff_of(r.agency_id, SIM_ROLE_OFFICER);
		if (!actor)
			goto cleanup;
		r.returned_at = now;
		sim_row_step(&r, actor->id, actor->full_name, "return_result", "returned", "counter", now);
	} else {
		goto cleanup;
	}
	result = sim_row_save(db, &r, now);
cleanup:
	sim_row_release(&r);
	return result;
}

static void one_event(sqlite3 *db)
{
	time_t now = time(NULL);
	uint64_t roll = sim_rng_below(&rng, 100);

	if (sim_tx_begin(server, db) < 0)
		return;
	if (roll < 40)
		submit(db, now);
	else if (roll < 60)
		change(db, "'supplement_requested'", now);
	else if (roll < 70)
		change(db, "'submitted'", now);
	else
		change(db, "'received','in_progress','pending_approval','result_ready'", now);
	sim_tx_end(server, db, 1);
}

static void *run(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	while (!stopping) {
		struct timespec ts;
		double wait = 60.0 / per_minute * (0.5 + sim_rng_unit(&rng));
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += (time_t)wait;
		ts.tv_nsec += (long)((wait - (double)(time_t)wait) * 1e9);
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&wake, &lock, &ts);
		if (stopping)
			break;
		pthread_mutex_unlock(&lock);
		{
			sqlite3 *db = sim_db_acquire(server);
			if (db)
				one_event(db);
			sim_db_release(server, db);
		}
		pthread_mutex_lock(&lock);
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

int sim_activity_start(sim_server *srv, int n)
{
	server = srv;
	per_minute = n;
	stopping = 0;
	sim_rng_seed(&rng, (uint64_t)time(NULL) ^ (uint64_t)n);
	return pthread_create(&thread, NULL, run, NULL) == 0 ? 0 : -1;
}

void sim_activity_stop(void)
{
	pthread_mutex_lock(&lock);
	stopping = 1;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
	pthread_join(thread, NULL);
}
