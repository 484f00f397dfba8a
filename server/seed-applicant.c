/*
 * Seeded applicants: a realistic Vietnamese name (surnames in their real
 * proportions, a middle and a given name by gender), a 12-digit citizen ID
 * (province code 031 for Hải Phòng, 030 for old Hải Dương, then the
 * gender-and-century digit and the birth year), a mobile number, sometimes an
 * e-mail, and an address in the old district form before 1 July 2025 and the
 * new ward form after; or a company or household business with a tax code.
 */
#include "config.h"
#include "seed-gen.h"
#include "vntext.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void seed_person_name(sim_rng *rng, int female, char *out, size_t len)
{
	uint64_t total = 0, pick;
	size_t i;
	const char *family = seed_family_names[0].name;

	for (i = 0; i < seed_n_family_names; i++)
		total += (uint64_t)seed_family_names[i].weight;
	pick = sim_rng_below(rng, total);
	for (i = 0; i < seed_n_family_names; i++) {
		if (pick < (uint64_t)seed_family_names[i].weight) {
			family = seed_family_names[i].name;
			break;
		}
		pick -= (uint64_t)seed_family_names[i].weight;
	}
	snprintf(out, len, "%s %s %s", family,
		 (female ? seed_middle_female : seed_middle_male)[sim_rng_below(rng, seed_n_middle)],
		 (female ? seed_given_female : seed_given_male)[sim_rng_below(rng, seed_n_given)]);
}

void seed_make_applicant(seed_ctx *g, seed_row *r, int ward, int business)
{
	static const char *const prefixes[] = { "090", "091", "093", "094", "096", "097", "098",
		"086", "088", "032", "033", "034", "035", "036", "037", "038", "039", "070", "077",
		"079", "081", "083", "085" };
	sim_rng *rng = &g->rng;
	const seed_agency *wa = g->ag[ward].a;
	int female = (int)sim_rng_below(rng, 2), born = 1950 + (int)sim_rng_below(rng, 56);
	int old_hd = strstr(wa->old_district ? wa->old_district : "", "Hải Dương") ||
		     strstr(wa->code, ".21.0") != NULL;
	char person[64], idn[16], phone[16], email[64] = "", address[256], folded_given[32];
	char *f;

	seed_person_name(rng, female, person, sizeof(person));
	snprintf(idn, sizeof(idn), "%s%d%02d%06u", old_hd && sim_rng_below(rng, 2) ? "030" : "031",
		 (born >= 2000 ? 2 : 0) + female, born % 100, (unsigned)sim_rng_below(rng, 1000000));
	snprintf(phone, sizeof(phone), "%s%07u", prefixes[sim_rng_below(rng, 23)],
		 (unsigned)sim_rng_below(rng, 10000000));
	f = vn_fold(strrchr(person, ' ') + 1);
	snprintf(folded_given, sizeof(folded_given), "%s", f ? f : "user");
	free(f);
	if (sim_rng_below(rng, 10) < 4)
		snprintf(email, sizeof(email), "%s%u@gmail.com", folded_given,
			 (unsigned)sim_rng_below(rng, 1000));
	if (r->submitted_at < egov_local_time(egov_day_from_ymd(2025, 7, 1), 0, 0) && wa->old_district)
		snprintf(address, sizeof(address), "Số %u đường %s, %s, %s",
			 1 + (unsigned)sim_rng_below(rng, 300), seed_streets[sim_rng_below(rng, seed_n_streets)],
			 wa->old_district, strstr(wa->old_district, "Hải Dương") || strstr(wa->code, ".21.0") ?
			 "tỉnh Hải Dương" : "thành phố Hải Phòng");
	else
		snprintf(address, sizeof(address), "Số %u đường %s, %s, thành phố Hải Phòng",
			 1 + (unsigned)sim_rng_below(rng, 300), seed_streets[sim_rng_below(rng, seed_n_streets)],
			 wa->name + strlen("Ủy ban nhân dân "));
	if (business == 2) {
		snprintf(r->applicant_name, sizeof(r->applicant_name), "Hộ kinh doanh %s", person);
		r->applicant_kind = "business";
	} else if (business) {
		const char *form = sim_rng_below(rng, 3) ? "Công ty TNHH" : "Công ty Cổ phần";
		snprintf(r->applicant_name, sizeof(r->applicant_name), "%s %s", form,
			 seed_company_words[sim_rng_below(rng, seed_n_company_words)]);
		snprintf(idn, sizeof(idn), "02%08u", (unsigned)sim_rng_below(rng, 100000000));
		r->applicant_kind = "business";
	} else {
		snprintf(r->applicant_name, sizeof(r->applicant_name), "%s", person);
		r->applicant_kind = "citizen";
	}
	seed_sb_add(&r->applicant, "{\"name\":");
	seed_sb_str(&r->applicant, r->applicant_name);
	seed_sb_addf(&r->applicant, ",\"id_number\":\"%s\",\"id_kind\":\"%s\",\"phone\":\"%s\",\"email\":",
		     idn, business ? "tax_code" : "cccd", phone);
	if (email[0])
		seed_sb_str(&r->applicant, email);
	else
		seed_sb_add(&r->applicant, "null");
	seed_sb_add(&r->applicant, ",\"address\":");
	seed_sb_str(&r->applicant, address);
	seed_sb_addf(&r->applicant, ",\"ward_code\":\"%s\"}", wa->code);
}
