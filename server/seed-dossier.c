/*
 * One seeded dossier's life story.  A dossier gets a procedure, an agency,
 * an applicant with a realistic Vietnamese name, ID number, phone and an
 * address (in the old district form before July 2025, the new ward form
 * after), then a planned sequence of steps — submitted online or received at
 * the counter, claimed, perhaps asked for a supplement, proposed, approved,
 * returned; or refused, withdrawn, stopped, or stuck — each at a plausible
 * office-hours time, with the due date computed in working days
 * (egov_due_at) and moved by supplement waits and apologies.  Only the steps
 * up to the seed's "now" happen, so old dossiers are finished and recent
 * ones are still in the queues, in the proportions that implies.  The demo
 * queues (seed_make_dossier with a demo state) get explicit states, some
 * overdue and some due soon.  Every choice comes from the seed's PRNG.
 */
#include "config.h"
#include "seed-gen.h"
#include "vntext.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOUR 3600
#define DAY 86400
#define NEVER ((time_t)0x7fffffff)
#define MAX_STEPS 16

typedef struct step {
	time_t at;
	const char *action, *actor_id, *actor_name, *from, *to, *note;
	int deadline;
	time_t new_due;
} step;

typedef struct plan {
	step s[MAX_STEPS];
	int n;
	const char *state;
} plan;

void seed_dossier_id(uint64_t seed, long long n, char out[17])
{
	snprintf(out, 17, "%016llx",
		 (unsigned long long)sim_mix64((uint64_t)n ^ sim_mix64(seed ^ 0xd055e7ULL)));
}

static time_t office_time(seed_ctx *g, egov_day day)
{
	static const int hours[] = { 7, 8, 9, 10, 13, 14, 15, 16 };

	return egov_local_time(day, hours[sim_rng_below(&g->rng, 8)],
			       (int)sim_rng_below(&g->rng, 60));
}

/* Some hours of office time after t, landing inside office hours. */
static time_t later(seed_ctx *g, time_t t, double min_h, double max_h)
{
	time_t u = t + (time_t)((min_h + sim_rng_unit(&g->rng) * (max_h - min_h)) * HOUR);
	egov_day day = egov_day_of(u);
	long secs = (long)((u + EGOV_TZ_OFFSET) % DAY);

	if (egov_is_working_day(&g->cal, day) && secs >= 7 * HOUR + 30 * 60 && secs < 16 * HOUR + 45 * 60)
		return u;
	day = egov_add_working_days(&g->cal, secs >= 16 * HOUR ? day + 1 : day, 0);
	u = office_time(g, day);
	return u > t ? u : t + 60;
}

static egov_day working_days_back(seed_ctx *g, egov_day day, int n)
{
	while (n > 0) {
		day--;
		if (egov_is_working_day(&g->cal, day))
			n--;
	}
	return day;
}

static step *add(plan *p, time_t at, const char *action, const char *actor_id,
		 const char *actor_name, const char *to, const char *note)
{
	step *s;

	if (p->n >= MAX_STEPS)
		return &p->s[MAX_STEPS - 1];
	s = &p->s[p->n];
	memset(s, 0, sizeof(*s));
	s->at = at;
	s->action = action;
	s->actor_id = actor_id;
	s->actor_name = actor_name;
	s->from = p->state;
	s->to = to;
	s->note = note;
	p->state = to;
	p->n++;
	return s;
}

static int pick_procedure(seed_ctx *g, int agency, int demo)
{
	uint64_t pick;
	size_t i;

	if (agency >= 0) {
		/* A demo queue: procedures this agency handles that take days. */
		int cands[64], n = 0;
		for (i = 0; i < seed_n_procedures; i++) {
			const seed_procedure *sp = &seed_procedures[i];
			int ward = strcmp(sp->level, "ward") == 0;
			if ((ward && strcmp(g->ag[agency].a->level, "ward") == 0) ||
			    (!ward && g->proc_agency[i] == agency))
				if (!demo || sp->days >= 3)
					cands[n++] = (int)i;
		}
		return n ? cands[sim_rng_below(&g->rng, (uint64_t)n)] : 0;
	}
	pick = sim_rng_below(&g->rng, (uint64_t)g->proc_weight_total);
	for (i = 0; i < seed_n_procedures; i++) {
		if (pick < (uint64_t)seed_procedures[i].weight)
			return (int)i;
		pick -= (uint64_t)seed_procedures[i].weight;
	}
	return 0;
}

static int pick_ward(seed_ctx *g)
{
	uint64_t pick = sim_rng_below(&g->rng, (uint64_t)g->ward_weight_total);
	size_t i;

	for (i = 0; i < g->n_wards; i++) {
		int w = g->ag[g->ward_idx[i]].a->weight;
		if (pick < (uint64_t)w)
			return g->ward_idx[i];
		pick -= (uint64_t)w;
	}
	return g->ward_idx[0];
}

static const seed_staff *staff(seed_ctx *g, int agency, int which)
{
	seed_agency_state *a = &g->ag[agency];

	if (which < 0 || a->n_officers == 0)
		return &a->supervisor;
	return &a->officers[which % a->n_officers];
}

/* The general population's plan: a whole life, cut at "now" later. */
static void plan_general(seed_ctx *g, seed_row *r, plan *p, const seed_procedure *sp)
{
	sim_rng *rng = &g->rng;
	int agency = r->agency, days = sp->days;
	const seed_staff *recv = staff(g, agency, (int)sim_rng_below(rng, 8));
	const seed_staff *claimer = staff(g, agency, (int)sim_rng_below(rng, 8));
	const seed_staff *sup = staff(g, agency, -1);
	time_t t, due, appr, prop;
	double u;

	t = r->submitted_at;
	if (strcmp(r->channel, "online") == 0) {
		add(p, t, "submit", NULL, r->applicant_name, "submitted", NULL);
		t = later(g, t, 0.5, 20);
		if (sim_rng_below(rng, 100) < 4) {
			add(p, t, "refuse", recv->id, recv->name, "refused",
			    "Hồ sơ không đủ điều kiện tiếp nhận theo quy định");
			return;
		}
		add(p, t, "receive", recv->id, recv->name, "received", NULL);
	} else {
		if (strcmp(r->channel, "postal") == 0)
			t = later(g, t, 20, 30);
		add(p, t, "receive", recv->id, recv->name, "received", NULL);
	}
	due = egov_due_at(&g->cal, t, days, sp->calendar);
	p->s[p->n - 1].new_due = due;
	t = later(g, t, 0.2, days ? 4 : 1);
	if (sim_rng_below(rng, 1000) < 15) {
		add(p, t, "withdraw", NULL, r->applicant_name, "withdrawn",
		    "Công dân đề nghị rút hồ sơ");
		return;
	}
	add(p, t, "claim", claimer->id, claimer->name, "in_progress", NULL);
	if (days >= 3 && sim_rng_below(rng, 100) < 10) {
		step *s;
		time_t done;
		t = later(g, t, 2, 30);
		s = add(p, t, "request_supplement", claimer->id, claimer->name, "supplement_requested",
			"Đề nghị bổ sung bản sao giấy tờ chứng minh");
		s->deadline = 5 + (int)sim_rng_below(rng, 11);
		done = sim_rng_below(rng, 10) == 0 ? NEVER : later(g, t, 24, 24 * (1 + (double)sim_rng_below(rng, 10)));
		if (done == NEVER)
			return;
		due = egov_local_time(egov_add_working_days(&g->cal, egov_day_of(due),
				      egov_working_days_between(&g->cal, egov_day_of(t), egov_day_of(done))), 17, 0);
		s = add(p, done, "complete_supplement", NULL, r->applicant_name, "in_progress",
			"Công dân đã bổ sung hồ sơ");
		s->new_due = due;
		t = done;
	}
	if (sim_rng_below(rng, 1000) < 30)	/* stuck: stays in progress, overdue */
		return;
	if (sim_rng_below(rng, 1000) < 5) {
		add(p, later(g, t, 24, 72), "stop", sup->id, sup->name, "stopped",
		    "Dừng xử lý theo đề nghị của cơ quan có thẩm quyền");
		return;
	}
	u = sim_rng_unit(rng);
	if (u < 0.65) {
		appr = t + (time_t)((double)(due > t ? due - t : HOUR) * (0.2 + 0.6 * sim_rng_unit(rng)));
		appr = later(g, appr, 0, 0.1);
	} else if (u < 0.85) {
		appr = office_time(g, egov_day_of(due));
	} else {
		egov_day late_day = egov_add_working_days(&g->cal, egov_day_of(due),
							  1 + (int)sim_rng_below(rng, 8));
		if (sim_rng_below(rng, 10) < 3 && due - DAY > t + HOUR) {
			step *s = add(p, due - DAY, "apologize", sup->id, sup->name, p->state,
				      "Hồ sơ cần xác minh thêm, xin lỗi và hẹn lại ngày trả kết quả");
			due = egov_local_time(egov_add_working_days(&g->cal, egov_day_of(due),
								    3 + (int)sim_rng_below(rng, 6)), 17, 0);
			s->new_due = due;
			t = s->at;
		}
		appr = office_time(g, late_day);
	}
	if (appr <= t + 2 * 60)
		appr = t + 2 * HOUR;
	prop = appr - (time_t)(HOUR * (1 + sim_rng_below(rng, 20)));
	if (prop <= t)
		prop = t + (appr - t) / 2;
	add(p, prop, "propose", claimer->id, claimer->name, "pending_approval", NULL);
	if (sim_rng_below(rng, 100) < 6) {
		time_t gap = (appr - prop) / 3;
		add(p, prop + gap, "send_back", sup->id, sup->name, "in_progress",
		    "Đề nghị hoàn thiện lại dự thảo kết quả");
		add(p, prop + 2 * gap, "propose", claimer->id, claimer->name, "pending_approval", NULL);
	}
	add(p, appr, "approve", sup->id, sup->name, "result_ready", NULL);
	if (sim_rng_below(rng, 100) >= 3)
		add(p, later(g, appr, 1, 24 * 4), "return_result", recv->id, recv->name, "returned",
		    strcmp(r->channel, "postal") == 0 ? "Trả kết quả qua dịch vụ bưu chính"
						      : "Trả kết quả tại Bộ phận Một cửa");
}

/* A demo-queue plan: reaches `state` before now, due normal/soon/overdue. */
static void plan_demo(seed_ctx *g, seed_row *r, plan *p, const seed_procedure *sp,
		      const char *state, int variant, const seed_staff *holder)
{
	const seed_staff *recv = staff(g, r->agency, 0), *sup = staff(g, r->agency, -1);
	egov_day today = g->today;
	int back = variant == 2 ? sp->days + 1 + (int)sim_rng_below(&g->rng, 4)
		 : variant == 1 ? sp->days - 1 : 1 + (int)sim_rng_below(&g->rng, (uint64_t)(sp->days / 2 + 1));
	time_t t, span;

	if (strcmp(state, "submitted") == 0) {
		add(p, r->submitted_at, "submit", NULL, r->applicant_name, "submitted", NULL);
		return;
	}
	t = office_time(g, working_days_back(g, today, back < 1 ? 1 : back));
	if (t >= g->now)
		t = g->now - 6 * HOUR;
	r->submitted_at = strcmp(r->channel, "online") == 0 ? t - 3 * HOUR : t;
	if (strcmp(r->channel, "online") == 0)
		add(p, r->submitted_at, "submit", NULL, r->applicant_name, "submitted", NULL);
	add(p, t, "receive", recv->id, recv->name, "received", NULL)->new_due =
		egov_due_at(&g->cal, t, sp->days, sp->calendar);
	if (strcmp(state, "received") == 0)
		return;
	span = g->now - t;
	add(p, t + span / 10, "claim", holder->id, holder->name, "in_progress", NULL);
	if (strcmp(state, "supplement_requested") == 0)
		add(p, t + span / 3, "request_supplement", holder->id, holder->name,
		    "supplement_requested", "Đề nghị bổ sung giấy tờ chứng minh chỗ ở hợp pháp")->deadline = 10;
	if (strcmp(state, "pending_approval") == 0 || strcmp(state, "result_ready") == 0)
		add(p, t + span / 2, "propose", holder->id, holder->name, "pending_approval", NULL);
	if (strcmp(state, "result_ready") == 0)
		add(p, t + 3 * span / 4, "approve", sup->id, sup->name, "result_ready", NULL);
}

static void result_json(seed_ctx *g, seed_row *r, const step *s)
{
	char at[26];

	egov_time_format(s->at, at);
	seed_sb_addf(&r->result, "{\"number\":\"%u/%s\",\"signer\":", 100 + (unsigned)sim_rng_below(&g->rng, 9000),
		     "QĐ-UBND");
	seed_sb_str(&r->result, s->actor_name);
	seed_sb_addf(&r->result, ",\"signed_at\":\"%s\"}", at);
}

/* Play the plan up to now, filling the row's state and history. */
static void play(seed_ctx *g, seed_row *r, plan *p)
{
	int i, first = 1;
	char at[26];

	seed_sb_add(&r->history, "[");
	seed_sb_add(&r->supplements, "[");
	r->state = p->s[0].to;
	for (i = 0; i < p->n && p->s[i].at <= g->now; i++) {
		const step *s = &p->s[i];
		egov_time_format(s->at, at);
		seed_sb_addf(&r->history, "%s{\"at\":\"%s\",\"actor_id\":", first ? "" : ",", at);
		if (s->actor_id)
			seed_sb_str(&r->history, s->actor_id);
		else
			seed_sb_add(&r->history, "null");
		seed_sb_add(&r->history, ",\"actor_name\":");
		seed_sb_str(&r->history, s->actor_name);
		seed_sb_addf(&r->history, ",\"action\":\"%s\",\"from_state\":", s->action);
		if (s->from)
			seed_sb_addf(&r->history, "\"%s\"", s->from);
		else
			seed_sb_add(&r->history, "null");
		seed_sb_addf(&r->history, ",\"to_state\":\"%s\",\"note\":", s->to);
		if (s->note)
			seed_sb_str(&r->history, s->note);
		else
			seed_sb_add(&r->history, "null");
		seed_sb_add(&r->history, "}");
		first = 0;
		r->state = s->to;
		r->updated_at = s->at;
		r->version++;
		if (s->new_due)
			r->due_at = s->new_due;
		if (strcmp(s->action, "receive") == 0)
			r->received_at = s->at;
		else if (strcmp(s->action, "claim") == 0)
			snprintf(r->assignee, sizeof(r->assignee), "%s", s->actor_id);
		else if (strcmp(s->action, "request_supplement") == 0) {
			r->supplement_count++;
			r->paused_at = s->at;
			seed_sb_addf(&r->supplements, "%s{\"requested_at\":\"%s\",\"reason\":",
				     r->supplement_count > 1 ? "," : "", at);
			seed_sb_str(&r->supplements, s->note);
			seed_sb_addf(&r->supplements, ",\"deadline_days\":%d,\"completed_at\":null}",
				     s->deadline);
		} else if (strcmp(s->action, "complete_supplement") == 0) {
			/* Rewrite the open supplement's completed_at. */
			char *open = strstr(r->supplements.p, "\"completed_at\":null");
			if (open) {
				size_t off = (size_t)(open - r->supplements.p) + strlen("\"completed_at\":");
				seed_sb tail = { NULL, 0, 0 };
				seed_sb_add(&tail, r->supplements.p + off + 4);
				r->supplements.len = off;
				r->supplements.p[off] = '\0';
				seed_sb_addf(&r->supplements, "\"%s\"", at);
				seed_sb_add(&r->supplements, tail.p);
				seed_sb_release(&tail);
			}
			r->paused_at = 0;
		} else if (strcmp(s->action, "approve") == 0) {
			r->finished_at = s->at;
			result_json(g, r, s);
		} else if (strcmp(s->action, "return_result") == 0) {
			r->returned_at = s->at;
		} else if (strcmp(s->action, "refuse") == 0 || strcmp(s->action, "withdraw") == 0 ||
			   strcmp(s->action, "stop") == 0) {
			r->finished_at = s->at;
		} else if (strcmp(s->action, "apologize") == 0) {
			char nd[26];
			egov_time_format(s->new_due, nd);
			seed_sb_addf(&r->apology, "{\"issued_at\":\"%s\",\"reason\":", at);
			seed_sb_str(&r->apology, s->note);
			seed_sb_addf(&r->apology, ",\"new_due_at\":\"%s\"}", nd);
		}
	}
	seed_sb_add(&r->history, "]");
	seed_sb_add(&r->supplements, "]");
}

static void documents_and_fees(seed_ctx *g, seed_row *r, const seed_procedure *sp)
{
	int i, k = 0, paid = strcmp(r->state, "submitted") != 0 && strcmp(r->state, "refused") != 0;
	int online = strcmp(r->channel, "online") == 0;

	seed_sb_add(&r->documents, "[");
	for (i = 0; i < 4 && sp->docs[i].code; i++) {
		if (!sp->docs[i].required && sim_rng_below(&g->rng, 2))
			continue;
		seed_sb_addf(&r->documents, "%s{\"id\":\"d%d\",\"name\":", k ? "," : "", k + 1);
		seed_sb_str(&r->documents, sp->docs[i].name);
		seed_sb_addf(&r->documents, ",\"component_code\":\"%s\",\"mime\":\"application/pdf\","
			     "\"digitized\":%s}", sp->docs[i].code, r->digitized ? "true" : "false");
		k++;
	}
	seed_sb_add(&r->documents, "]");
	seed_sb_add(&r->fees, "[");
	for (i = 0; i < 2 && sp->fees[i].name; i++) {
		seed_sb_addf(&r->fees, "%s{\"name\":", i ? "," : "");
		seed_sb_str(&r->fees, sp->fees[i].name);
		seed_sb_addf(&r->fees, ",\"amount_vnd\":%lld,\"paid\":%s,\"paid_online\":%s}",
			     online ? sp->fees[i].online : sp->fees[i].amount, paid ? "true" : "false",
			     paid && online ? "true" : "false");
	}
	seed_sb_add(&r->fees, "]");
}

static void make_code(seed_ctx *g, seed_row *r)
{
	egov_day day = egov_day_of(r->submitted_at);
	long idx = (long)(day - g->first_day);
	int y, m, d;
	unsigned seq;

	if (idx < 0 || idx > (long)(g->today - g->first_day))
		idx = 0;
	seq = ++g->seqs[(size_t)r->agency * (size_t)(g->today - g->first_day + 1) + (size_t)idx];
	egov_day_to_ymd(day, &y, &m, &d);
	snprintf(r->code, sizeof(r->code), "%s-%02d%02d%02d-%04u", g->ag[r->agency].a->code,
		 y % 100, m, d, seq % 10000);
}

void seed_make_dossier(seed_ctx *g, seed_row *r, long long n, const char *demo_state,
		       int demo_agency, int variant)
{
	sim_rng *rng = &g->rng;
	const seed_procedure *sp;
	int online_pct, ward, proc;
	plan p;
	char *f;
	size_t k;
	seed_sb tmp = { NULL, 0, 0 };

	seed_row_init(r);
	memset(&p, 0, sizeof(p));
	r->n = n;
	seed_dossier_id(g->seed, n, r->id);
	proc = pick_procedure(g, demo_state ? demo_agency : -1, demo_state != NULL);
	sp = &seed_procedures[proc];
	r->proc = proc;
	ward = strcmp(sp->level, "ward") == 0 ? (demo_state ? demo_agency : pick_ward(g)) : -1;
	r->agency = ward >= 0 ? ward : g->proc_agency[proc];
	online_pct = strcmp(sp->online_level, "full") == 0 ? 65 : strcmp(sp->online_level, "partial") == 0 ? 40 : 0;
	r->channel = (int)sim_rng_below(rng, 100) < online_pct ? "online"
		     : sim_rng_below(rng, 100) < 5 ? "postal" : "counter";
	if (demo_state && strcmp(demo_state, "submitted") == 0)
		r->channel = "online";
	if (demo_state) {
		r->submitted_at = g->now - (time_t)(HOUR + sim_rng_below(rng, 60 * HOUR));
	} else {
		egov_day day = g->today - (egov_day)sim_rng_below(rng, 540);
		if (strcmp(r->channel, "online") == 0)
			r->submitted_at = egov_local_time(day, 6 + (int)sim_rng_below(rng, 17),
							  (int)sim_rng_below(rng, 60));
		else
			r->submitted_at = office_time(g, egov_add_working_days(&g->cal, day, 0));
		if (r->submitted_at > g->now - 600)
			r->submitted_at = g->now - 600 - (time_t)sim_rng_below(rng, 4 * HOUR);
	}
	r->digitized = sim_rng_below(rng, 100) < 85;
	seed_make_applicant(g, r, ward >= 0 ? ward : pick_ward(g), sp->business);
	if (demo_state) {
		/* Half the demo ward's held dossiers are officer's, a quarter
		 * officer2's, a quarter a colleague's (invisible to both). */
		int h = (int)(n % 4);
		int which = demo_agency == g->demo_ward ? (h == 3 ? 2 : h == 2 ? g->demo_officer2 : g->demo_officer)
			    : (h == 3 ? 1 : g->demo_dept_officer);
		plan_demo(g, r, &p, sp, demo_state, variant % 3, staff(g, r->agency, which));
	} else {
		plan_general(g, r, &p, sp);
	}
	play(g, r, &p);
	make_code(g, r);
	snprintf(r->subject, sizeof(r->subject), "%s - %s", sp->name, r->applicant_name);
	documents_and_fees(g, r, sp);
	seed_sb_add(&r->comments, "[]");
	if (sim_rng_below(rng, 100) < 5 && r->assignee[0] && r->updated_at > 0) {
		char at[26];
		seed_sb_reset(&r->comments);
		egov_time_format(r->updated_at, at);
		seed_sb_addf(&r->comments, "[{\"id\":\"c1\",\"at\":\"%s\",\"author_id\":\"%s\","
			     "\"text\":\"Đã liên hệ công dân qua điện thoại\"}]", at, r->assignee);
		r->version++;
	}
	/* The search form of "code name subject", where the subject is
	 * "procedure - name": fold the name once, the procedure once per seed. */
	if (!g->proc_folded[proc])
		g->proc_folded[proc] = vn_fold(sp->name);
	f = vn_fold(r->applicant_name);
	seed_sb_add(&tmp, r->code);
	for (k = 0; k < tmp.len; k++)
		if (tmp.p[k] >= 'A' && tmp.p[k] <= 'Z')
			tmp.p[k] = (char)(tmp.p[k] + 32);
	seed_sb_addf(&r->folded, "%s %s %s - %s", tmp.p, f ? f : "", g->proc_folded[proc] ?
		     g->proc_folded[proc] : "", f ? f : "");
	free(f);
	seed_sb_release(&tmp);
}

void seed_row_init(seed_row *r)
{
	seed_sb *bufs[] = { &r->applicant, &r->documents, &r->fees, &r->history, &r->comments,
			    &r->supplements, &r->result, &r->apology, &r->folded };
	seed_sb saved[9];
	size_t i;

	for (i = 0; i < 9; i++)
		saved[i] = *bufs[i];
	memset(r, 0, sizeof(*r));
	for (i = 0; i < 9; i++) {
		*bufs[i] = saved[i];
		seed_sb_reset(bufs[i]);
	}
}

void seed_row_release(seed_row *r)
{
	seed_sb_release(&r->applicant); seed_sb_release(&r->documents); seed_sb_release(&r->fees);
	seed_sb_release(&r->history); seed_sb_release(&r->comments); seed_sb_release(&r->supplements);
	seed_sb_release(&r->result); seed_sb_release(&r->apology); seed_sb_release(&r->folded);
}
