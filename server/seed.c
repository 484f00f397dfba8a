/*
 * Seeding a new database: Hải Phòng's agencies, procedures, calendar and
 * staff from seed-data.c, then --dossiers dossiers from seed-dossier.c, all
 * decided by --seed (same seed and same --now, same city, byte for byte).
 *
 * The dossiers are written with prepared statements in transactions of
 * 50,000 rows, one feed row each, so a million take well under a minute.
 * The demo accounts' queues (officer, officer2 and supervisor at phường Hồng
 * Bàng; dept.officer and dept.supervisor at Sở Tư pháp) are seeded first
 * with dossiers in every active state, some overdue and some due soon.
 */
#include "config.h"
#include "seed-gen.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH 50000

void seed_sb_reset(seed_sb *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

static void sb_grow(seed_sb *b, size_t more)
{
	if (b->len + more + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *p;
		while (cap < b->len + more + 1)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p)
			abort();	/* the seed cannot continue without memory */
		b->p = p;
		b->cap = cap;
	}
}

void seed_sb_add(seed_sb *b, const char *s)
{
	size_t n = strlen(s);

	sb_grow(b, n);
	memcpy(b->p + b->len, s, n + 1);
	b->len += n;
}

void seed_sb_addf(seed_sb *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	/* One pass when it fits, which is nearly always. */
	sb_grow(b, 128);
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if ((size_t)n >= b->cap - b->len) {
		sb_grow(b, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

void seed_sb_str(seed_sb *b, const char *s)
{
	sb_grow(b, strlen(s) * 2 + 2);
	b->p[b->len++] = '"';
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			b->p[b->len++] = '\\';
		b->p[b->len++] = *s;
	}
	b->p[b->len++] = '"';
	b->p[b->len] = '\0';
}

void seed_sb_release(seed_sb *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

static int run(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static int seed_reference(seed_ctx *g, sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	seed_sb fees = { NULL, 0, 0 }, docs = { NULL, 0, 0 };
	size_t i;
	int j, result = -1;

	if (sqlite3_prepare_v2(db, "INSERT INTO agencies(id, code, name, short_name, parent_id, level)"
			       " VALUES (?, ?, ?, ?, ?, ?)", -1, &st, NULL))
		goto cleanup;
	for (i = 0; i < seed_n_agencies; i++) {
		const seed_agency *a = &seed_agencies[i];
		const char *parent = NULL;
		size_t k;
		for (k = 0; a->parent_code && k < i; k++)
			if (strcmp(seed_agencies[k].code, a->parent_code) == 0)
				parent = g->ag[k].id;
		g->ag[i].a = a;
		snprintf(g->ag[i].id, sizeof(g->ag[i].id), "a%02u", (unsigned)(i + 1) % 1000u);
		bind_text(st, 1, g->ag[i].id);
		bind_text(st, 2, a->code);
		bind_text(st, 3, a->name);
		bind_text(st, 4, a->short_name);
		bind_text(st, 5, parent);
		bind_text(st, 6, a->level);
		if (run(st) < 0)
			goto cleanup;
		if (strcmp(a->level, "ward") == 0) {
			g->ward_idx[g->n_wards++] = (int)i;
			g->ward_weight_total += a->weight;
		}
		if (strcmp(a->code, "000.20.01.H24") == 0)
			g->demo_ward = (int)i;
		if (strcmp(a->code, "000.00.12.H24") == 0)
			g->demo_dept = (int)i;
	}
	g->n_ag = seed_n_agencies;
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db, "INSERT INTO procedures(id, code, name, field, agency_level,"
			       " online_level, processing_days, day_kind, fees, documents)"
			       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &st, NULL))
		goto cleanup;
	for (i = 0; i < seed_n_procedures; i++) {
		const seed_procedure *p = &seed_procedures[i];
		char id[8];
		size_t k;
		g->proc_agency[i] = -1;
		for (k = 0; p->department && k < seed_n_agencies; k++)
			if (strcmp(seed_agencies[k].code, p->department) == 0)
				g->proc_agency[i] = (int)k;
		g->proc_weight_total += p->weight;
		seed_sb_reset(&fees);
		seed_sb_add(&fees, "[");
		for (j = 0; j < 2 && p->fees[j].name; j++) {
			seed_sb_addf(&fees, "%s{\"name\":", j ? "," : "");
			seed_sb_str(&fees, p->fees[j].name);
			seed_sb_addf(&fees, ",\"amount_vnd\":%lld,\"online_amount_vnd\":%lld}",
				     p->fees[j].amount, p->fees[j].online);
		}
		seed_sb_add(&fees, "]");
		seed_sb_reset(&docs);
		seed_sb_add(&docs, "[");
		for (j = 0; j < 4 && p->docs[j].code; j++) {
			seed_sb_addf(&docs, "%s{\"code\":\"%s\",\"name\":", j ? "," : "", p->docs[j].code);
			seed_sb_str(&docs, p->docs[j].name);
			seed_sb_addf(&docs, ",\"required\":%s}", p->docs[j].required ? "true" : "false");
		}
		seed_sb_add(&docs, "]");
		snprintf(id, sizeof(id), "p%02u", (unsigned)(i + 1) % 1000u);
		bind_text(st, 1, id);
		bind_text(st, 2, p->code);
		bind_text(st, 3, p->name);
		bind_text(st, 4, p->field);
		bind_text(st, 5, p->level);
		bind_text(st, 6, p->online_level);
		sqlite3_bind_int(st, 7, p->days);
		bind_text(st, 8, p->calendar ? "calendar" : "working");
		bind_text(st, 9, fees.p);
		bind_text(st, 10, docs.p);
		if (run(st) < 0)
			goto cleanup;
	}
	sqlite3_finalize(st);
	st = NULL;
	for (j = 0; j < 2; j++) {
		const seed_day *days = j ? seed_working_saturdays : seed_holidays;
		size_t n = j ? seed_n_working_saturdays : seed_n_holidays;
		if (sqlite3_prepare_v2(db, j ? "INSERT INTO working_saturdays VALUES (?, ?)"
					     : "INSERT INTO holidays VALUES (?, ?)", -1, &st, NULL))
			goto cleanup;
		for (i = 0; i < n; i++) {
			egov_day d;
			bind_text(st, 1, days[i].date);
			bind_text(st, 2, days[i].name);
			if (run(st) < 0 || egov_day_parse(days[i].date, &d) < 0)
				goto cleanup;
			if (j)
				egov_calendar_add_working_saturday(&g->cal, d);
			else
				egov_calendar_add_holiday(&g->cal, d);
		}
		sqlite3_finalize(st);
		st = NULL;
	}
	result = 0;
cleanup:
	sqlite3_finalize(st);
	seed_sb_release(&fees);
	seed_sb_release(&docs);
	return result;
}

static int add_user(sqlite3_stmt *st, seed_staff *s, int *counter, const char *username,
		    const char *name, const char *role, const char *agency_id, const char *title)
{
	char *hash = NULL;
	int rc;

	snprintf(s->id, sizeof(s->id), "u%03u", (unsigned)++*counter % 10000u);
	snprintf(s->name, sizeof(s->name), "%s", name);
	if (strchr(username, '.') == NULL || strncmp(username, "dept.", 5) == 0) {
		hash = sim_password_hash("demo");
		if (!hash)
			return -1;
	}
	bind_text(st, 1, s->id);
	bind_text(st, 2, username);
	bind_text(st, 3, name);
	bind_text(st, 4, role);
	bind_text(st, 5, agency_id);
	bind_text(st, 6, title);
	bind_text(st, 7, hash ? hash : "!");
	rc = run(st);
	free(hash);
	return rc;
}

static int seed_users(seed_ctx *g, sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	sim_rng names;
	seed_staff support;
	int counter = 0, result = -1;
	size_t i;

	sim_rng_seed(&names, g->seed ^ 0x57aff);
	if (sqlite3_prepare_v2(db, "INSERT INTO users(id, username, full_name, role, agency_id, title,"
			       " password_hash) VALUES (?, ?, ?, ?, ?, ?, ?)", -1, &st, NULL))
		goto cleanup;
	if (add_user(st, &support, &counter, "support", "Đỗ Hoàng Nam", "support", g->ag[0].id,
		     "Hỗ trợ kỹ thuật, Trung tâm Phục vụ hành chính công thành phố") < 0)
		goto cleanup;
	for (i = 0; i < g->n_ag; i++) {
		seed_agency_state *a = &g->ag[i];
		int ward = strcmp(a->a->level, "ward") == 0, k, officers;
		char name[64], title[256], username[64];
		const char *role_title = ward ? "Công chức Bộ phận Một cửa" : "Chuyên viên";

		seed_person_name(&names, (int)sim_rng_below(&names, 2), name, sizeof(name));
		if ((int)i == g->demo_ward)
			snprintf(name, sizeof(name), "Phạm Quang Huy");
		if ((int)i == g->demo_dept)
			snprintf(name, sizeof(name), "Lê Minh Tuấn");
		snprintf(title, sizeof(title), "%s %s", i == 0 ? "Phó Chủ tịch" :
			 ward ? "Phó Chủ tịch, Giám đốc Trung tâm Phục vụ hành chính công" : "Phó Giám đốc",
			 a->a->short_name);
		snprintf(username, sizeof(username), "%s", (int)i == g->demo_ward ? "supervisor" :
			 (int)i == g->demo_dept ? "dept.supervisor" : "");
		if (!username[0])
			snprintf(username, sizeof(username), "lanhdao.%s", a->id);
		if (add_user(st, &a->supervisor, &counter, username, name, "supervisor", a->id, title) < 0)
			goto cleanup;
		officers = i == 0 ? 0 : (int)i == g->demo_ward ? 4 : 3;
		for (k = 0; k < officers; k++) {
			seed_person_name(&names, (int)sim_rng_below(&names, 2), name, sizeof(name));
			snprintf(username, sizeof(username), "chuyenvien%d.%s", k + 1, a->id);
			if ((int)i == g->demo_ward && k < 2) {
				snprintf(username, sizeof(username), "%s", k ? "officer2" : "officer");
				snprintf(name, sizeof(name), "%s", k ? "Trần Văn Dũng" : "Nguyễn Thị Lan");
			}
			if ((int)i == g->demo_dept && k == 0) {
				snprintf(username, sizeof(username), "dept.officer");
				snprintf(name, sizeof(name), "Vũ Thị Thảo");
			}
			snprintf(title, sizeof(title), "%s, %s", role_title, a->a->short_name);
			if (add_user(st, &a->officers[k], &counter, username, name, "officer", a->id,
				     title) < 0)
				goto cleanup;
		}
		a->n_officers = officers;
	}
	g->demo_officer = 0;
	g->demo_officer2 = 1;
	g->demo_dept_officer = 0;
	result = 0;
cleanup:
	sqlite3_finalize(st);
	return result;
}

static const char insert_dossier[] =
	"INSERT INTO dossiers(n, id, code, version, procedure_id, agency_id, assignee_id, state,"
	" channel, applicant_name, applicant_kind, subject, submitted_at, received_at, due_at,"
	" finished_at, returned_at, supplement_count, updated_at, applicant, documents, fees,"
	" history, comments, supplements, result, apology, digitized, paused_at, folded)"
	" VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

static int insert_row(seed_ctx *g, sqlite3_stmt *ins, sqlite3_stmt *chg, seed_row *r)
{
	char proc[8];

	snprintf(proc, sizeof(proc), "p%02u", (unsigned)(r->proc + 1) % 1000u);
	sqlite3_bind_int64(ins, 1, r->n);
	sqlite3_bind_text(ins, 2, r->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 3, r->code, -1, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 4, r->version);
	sqlite3_bind_text(ins, 5, proc, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 6, g->ag[r->agency].id, -1, SQLITE_STATIC);
	if (r->assignee[0])
		sqlite3_bind_text(ins, 7, r->assignee, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 8, r->state, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 9, r->channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 10, r->applicant_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 11, r->applicant_kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 12, r->subject, -1, SQLITE_STATIC);
	sim_bind_time(ins, 13, r->submitted_at);
	sim_bind_time(ins, 14, r->received_at);
	sim_bind_time(ins, 15, r->due_at);
	sim_bind_time(ins, 16, r->finished_at);
	sim_bind_time(ins, 17, r->returned_at);
	sqlite3_bind_int(ins, 18, r->supplement_count);
	sim_bind_time(ins, 19, r->updated_at ? r->updated_at : r->submitted_at);
	sqlite3_bind_text(ins, 20, r->applicant.p, (int)r->applicant.len, SQLITE_STATIC);
	sqlite3_bind_text(ins, 21, r->documents.p, (int)r->documents.len, SQLITE_STATIC);
	sqlite3_bind_text(ins, 22, r->fees.p, (int)r->fees.len, SQLITE_STATIC);
	sqlite3_bind_text(ins, 23, r->history.p, (int)r->history.len, SQLITE_STATIC);
	sqlite3_bind_text(ins, 24, r->comments.p, (int)r->comments.len, SQLITE_STATIC);
	sqlite3_bind_text(ins, 25, r->supplements.p, (int)r->supplements.len, SQLITE_STATIC);
	if (r->result.len)
		sqlite3_bind_text(ins, 26, r->result.p, (int)r->result.len, SQLITE_STATIC);
	if (r->apology.len)
		sqlite3_bind_text(ins, 27, r->apology.p, (int)r->apology.len, SQLITE_STATIC);
	sqlite3_bind_int(ins, 28, r->digitized);
	sim_bind_time(ins, 29, r->paused_at);
	sqlite3_bind_text(ins, 30, r->folded.p, (int)r->folded.len, SQLITE_STATIC);
	if (run(ins) < 0)
		return -1;
	sqlite3_bind_int64(chg, 1, r->n);
	sqlite3_bind_int64(chg, 2, r->version);
	sqlite3_bind_text(chg, 3, g->ag[r->agency].id, -1, SQLITE_STATIC);
	if (r->assignee[0])
		sqlite3_bind_text(chg, 4, r->assignee, -1, SQLITE_STATIC);
	sim_bind_time(chg, 5, r->updated_at ? r->updated_at : r->submitted_at);
	return run(chg);
}

typedef struct sink_state {
	seed_ctx *g;
	sqlite3 *db;
	sqlite3_stmt *ins, *chg;
} sink_state;

static int sink(void *ud, seed_row *r)
{
	sink_state *sk = ud;

	if (insert_row(sk->g, sk->ins, sk->chg, r) < 0)
		return -1;
	if (r->n % BATCH == 0 && sim_exec(sk->db, "COMMIT; BEGIN") < 0)
		return -1;
	return 0;
}

int sim_seed(sim_server *srv, sqlite3 *db, const sim_seed_opts *o, char *err, size_t errlen)
{
	seed_ctx *g = calloc(1, sizeof(*g));
	sqlite3_stmt *ins = NULL, *chg = NULL;
	sink_state sk;
	long long n = 0;
	long per_state;
	char buf[64];
	int result = -1, in_tx = 0;
	size_t s;

	(void)srv;
	if (!g) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	g->seed = o->seed;
	g->now = o->now ? o->now : time(NULL);
	g->today = egov_day_of(g->now);
	g->first_day = g->today - 560;
	sim_rng_seed(&g->rng, o->seed);
	egov_calendar_init(&g->cal);
	g->seqs = calloc(seed_n_agencies * (size_t)(g->today - g->first_day + 1), sizeof(*g->seqs));
	if (!g->seqs)
		goto cleanup;
	/* No rollback journal while loading: a seed that fails half-way is
	 * redone from scratch anyway (the "seeded" mark is written last). */
	if (sim_exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF") < 0)
		goto cleanup;
	if (sim_exec(db, "BEGIN") < 0)
		goto cleanup;
	in_tx = 1;
	/* Bulk loading: indexes (and the search's trigram index) are built once
	 * at the end (a sort) instead of being updated a million times in
	 * random order.  Dropped first, so that emptying a half-seeded file
	 * from an interrupted run, which is redone, costs no index work. */
	if (sim_store_drop_indexes(db) < 0 || sim_exec(db, "PRAGMA cache_size=-262144") < 0)
		goto cleanup;
	if (sim_exec(db, "DELETE FROM meta; DELETE FROM agencies; DELETE FROM procedures;"
		     " DELETE FROM users; DELETE FROM holidays; DELETE FROM working_saturdays;"
		     " DELETE FROM dossiers; DELETE FROM changes; DELETE FROM tokens;"
		     " DELETE FROM idempotency; DELETE FROM audit;") < 0)
		goto cleanup;
	if (seed_reference(g, db) < 0 || seed_users(g, db) < 0)
		goto cleanup;
	if (sqlite3_prepare_v2(db, insert_dossier, -1, &ins, NULL) ||
	    sqlite3_prepare_v2(db, "INSERT INTO changes(dossier, version, agency_id, old_assignee,"
			       " new_assignee, existed, at) VALUES (?, ?, ?, NULL, ?, 0, ?)", -1, &chg, NULL))
		goto cleanup;
	/* The demo queues: a few dozen per active state at 20,000 dossiers,
	 * fewer in small test cities. */
	per_state = o->dossiers / 120;
	if (per_state > 40)
		per_state = 40;
	sk.g = g;
	sk.db = db;
	sk.ins = ins;
	sk.chg = chg;
	if (seed_pipeline(g, o->dossiers, per_state, sink, &sk) < 0)
		goto cleanup;
	n = o->dossiers;
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)o->seed);
	sim_meta_set(db, "seed", buf);
	snprintf(buf, sizeof(buf), "%lld", (long long)g->now);
	sim_meta_set(db, "seed_now", buf);
	snprintf(buf, sizeof(buf), "%lld", n);
	sim_meta_set(db, "dossiers", buf);
	if (sim_store_create_indexes(db) < 0 || sim_meta_set(db, "seeded", "1") < 0 ||
	    sim_exec(db, "COMMIT") < 0)
		goto cleanup;
	in_tx = 0;
	result = 0;
cleanup:
	if (result < 0)
		snprintf(err, errlen, "%s", sqlite3_errmsg(db));
	if (in_tx)
		sim_exec(db, "ROLLBACK");
	sim_exec(db, "PRAGMA cache_size=-16000; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL");
	sqlite3_finalize(ins);
	sqlite3_finalize(chg);
	egov_calendar_release(&g->cal);
	for (s = 0; s < sizeof(g->proc_folded) / sizeof(g->proc_folded[0]); s++)
		free(g->proc_folded[s]);
	free(g->seqs);
	free(g);
	return result;
}
