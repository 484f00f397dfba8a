/*
 * The seed's working state, shared by seed.c (reference tables, users, the
 * loop and the inserts) and seed-dossier.c (one dossier's life story).
 */
#ifndef EGOV_SIM_SEED_GEN_H
#define EGOV_SIM_SEED_GEN_H

#include "sim.h"
#include "seed-data.h"

#define SEED_MAX_STAFF 8

typedef struct seed_sb { char *p; size_t len, cap; } seed_sb;

void seed_sb_reset(seed_sb *b);
void seed_sb_add(seed_sb *b, const char *s);
void seed_sb_addf(seed_sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A JSON string literal, quotes included. */
void seed_sb_str(seed_sb *b, const char *s);
void seed_sb_release(seed_sb *b);

typedef struct seed_staff { char id[8]; char name[64]; } seed_staff;

typedef struct seed_agency_state {
	char id[8];
	const seed_agency *a;
	seed_staff officers[SEED_MAX_STAFF];
	int n_officers;
	seed_staff supervisor;
} seed_agency_state;

typedef struct seed_ctx {
	sim_rng rng;
	uint64_t seed;
	time_t now;
	egov_day first_day, today;
	egov_calendar cal;
	seed_agency_state ag[64];
	size_t n_ag;
	int proc_agency[64];		/* department index for department procedures, else -1 */
	int ward_idx[64]; size_t n_wards;
	int ward_weight_total, proc_weight_total;
	unsigned short *seqs;		/* per agency per day dossier sequence */
	int demo_ward, demo_dept;	/* agency indexes */
	int demo_officer, demo_officer2, demo_dept_officer; /* staff index in the agency */
	char *proc_folded[64];		/* procedure names in search form, made once */
} seed_ctx;

/* One generated dossier, ready to insert. */
typedef struct seed_row {
	long long n;
	char id[17], code[40];
	long long version;
	int proc, agency;
	char assignee[8];
	const char *state, *channel, *applicant_kind;
	char applicant_name[96];
	char subject[256];
	time_t submitted_at, received_at, due_at, finished_at, returned_at, updated_at, paused_at;
	int supplement_count, digitized;
	seed_sb applicant, documents, fees, history, comments, supplements, result, apology;
	seed_sb folded;
} seed_row;

void seed_row_init(seed_row *r);
void seed_row_release(seed_row *r);
/* Generate dossier number n; demo_state forces a demo-queue dossier in the
 * given state at agency demo_agency (or NULL for the general population). */
void seed_make_dossier(seed_ctx *g, seed_row *r, long long n, const char *demo_state,
		       int demo_agency, int variant);
/* Make dossiers 1..total on a second thread, demo queues first, and hand
 * each, in order, to sink (which inserts it); 0, or -1 if sink failed. */
typedef int (*seed_sink)(void *ud, seed_row *r);
int seed_pipeline(seed_ctx *g, long long total, long per_state, seed_sink sink, void *ud);
void seed_dossier_id(uint64_t seed, long long n, char out[17]);
void seed_person_name(sim_rng *rng, int female, char *out, size_t len);
/* The applicant JSON and name of a row; `ward` is the applicant's ward. */
void seed_make_applicant(seed_ctx *g, seed_row *r, int ward, int business);

#endif
