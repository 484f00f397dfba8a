/*
 * The static facts the seed builds Hải Phòng from (seed-data.c): agencies
 * with their codes, the procedure catalogue, the calendar, and the name and
 * street lists applicants are drawn from.  Data, not code: the agency code
 * suffix H24, holiday dates and the like live only here.
 */
#ifndef EGOV_SIM_SEED_DATA_H
#define EGOV_SIM_SEED_DATA_H

#include <stddef.h>

typedef struct seed_agency {
	const char *code, *name, *short_name, *level, *parent_code;
	const char *old_district;	/* before July 2025, for old addresses */
	int weight;			/* share of dossiers */
} seed_agency;

typedef struct seed_fee { const char *name; long long amount, online; } seed_fee;
typedef struct seed_doc { const char *code, *name; int required; } seed_doc;

typedef struct seed_procedure {
	const char *code, *name, *field, *level;
	const char *department;		/* handling department code, for department level */
	const char *online_level;
	int days, calendar;
	seed_fee fees[2];
	seed_doc docs[4];
	int weight;
	int business;			/* 1 companies, 2 household businesses */
} seed_procedure;

typedef struct seed_day { const char *date, *name; } seed_day;
typedef struct seed_weighted { const char *name; int weight; } seed_weighted;

extern const seed_agency seed_agencies[];
extern const size_t seed_n_agencies;
extern const seed_procedure seed_procedures[];
extern const size_t seed_n_procedures;
extern const seed_day seed_holidays[];
extern const size_t seed_n_holidays;
extern const seed_day seed_working_saturdays[];
extern const size_t seed_n_working_saturdays;
extern const seed_weighted seed_family_names[];
extern const size_t seed_n_family_names;
extern const char *const seed_middle_male[], *const seed_middle_female[];
extern const char *const seed_given_male[], *const seed_given_female[];
extern const size_t seed_n_middle, seed_n_given;
extern const char *const seed_streets[];
extern const size_t seed_n_streets;
extern const char *const seed_company_words[];
extern const size_t seed_n_company_words;

#endif
