/*
 * The synthetic city bench-cache fills its cache with: dossiers with
 * Vietnamese names, procedures and wards, 16-hex-digit ids as egov-sim
 * gives, and the change-feed pages a first sync, a day's filings and a
 * running city bring.  A dossier's text and dates are a function of its
 * number, so a change to it moves only its state and assignee, as real
 * changes do; the rest comes from one xorshift sequence, the same on every
 * run.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "synth-city.h"

#define N(a) (sizeof a / sizeof a[0])

static const char *const family[] = {
	"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
	"Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý",
};
static const char *const middle[] = {
	"Văn", "Thị", "Hữu", "Đức", "Minh", "Thu", "Quang", "Ngọc", "Thanh", "Xuân",
};
static const char *const given[] = {
	"An", "Anh", "Bình", "Cường", "Dũng", "Đức", "Giang", "Hà", "Hải", "Hòa", "Hoà",
	"Hùng", "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Ngọc", "Phong",
	"Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Việt", "Yến",
};
static const char *const procedures[] = {
	"Đăng ký khai sinh", "Đăng ký kết hôn", "Đăng ký khai tử", "Chứng thực bản sao từ bản chính",
	"Chứng thực chữ ký", "Đăng ký thường trú", "Đăng ký hộ kinh doanh", "Cấp giấy phép xây dựng",
};
static const char *const wards[] = {
	"Hồng Bàng", "Ngô Quyền", "Lê Chân", "Hải An", "Kiến An", "Đồ Sơn", "Dương Kinh",
	"Thủy Nguyên", "An Dương", "Vĩnh Bảo", "Tiên Lãng", "Đống Đa",
};

static unsigned long long rng = 88172645463325252ULL;

unsigned
synth_rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

/* The text and dates of dossier i are fixed (a change moves its state and
 * assignee, as real changes do); the rest is random. */
static unsigned
pick(long i, unsigned salt, unsigned n)
{
	unsigned long long h = (unsigned long long)i * 0x9E3779B97F4A7C15ULL + salt;
	h ^= h >> 29;
	h *= 0xBF58476D1CE4E5B9ULL;
	h ^= h >> 32;
	return (unsigned)(h % n);
}

/* A dossier anywhere in the city's history (its dates, number and state
 * spread over the whole cache: what a first sync brings), or, with
 * `today`, one filed today, as new dossiers in a running city are: received
 * this morning, due within three weeks, numbered in sequence. */
static eapi_dossier *
synth(long i, long long version, time_t now, int today)
{
	eapi_dossier *d = calloc(1, sizeof *d);
	char buf[160];
	eapi_state st = (eapi_state)synth_rnd(today ? EAPI_STATE_IN_PROGRESS + 1 : EAPI_STATE_COUNT);

	/* egov-sim's ids are 16 random hex digits, so a new dossier's id lands
	 * anywhere in the id index, not at its end */
	snprintf(buf, sizeof buf, "%08x%08x", pick(i, 11, 0xFFFFFFFFu), pick(i, 12, 0xFFFFFFFFu));
	d->id = strdup(buf);
	if (today)
		snprintf(buf, sizeof buf, "000.00.%02ld.H24-261127-%06ld", 10 + i % 40, i % 1000000);
	else
		snprintf(buf, sizeof buf, "000.00.%02ld.H24-25%02ld%02ld-%04ld", 10 + i % 40,
			 1 + (i / 10000) % 12, 1 + (i / 400) % 28, i % 10000);
	d->code = strdup(buf);
	d->version = version;
	d->procedure_id = strdup("p1");
	d->procedure_code = strdup("1.001193");
	d->procedure_name = strdup(procedures[pick(i, 1, N(procedures))]);
	d->agency_id = strdup("a1");
	d->assignee_id = synth_rnd(3) ? NULL : strdup(synth_rnd(2) ? "u-me" : "u-other");
	d->state = st;
	d->status_code = eapi_state_status_code(st);
	d->channel = strdup(synth_rnd(2) ? "online" : "counter");
	snprintf(buf, sizeof buf, "%s %s %s", family[pick(i, 2, N(family))],
		 middle[pick(i, 3, N(middle))], given[pick(i, 4, N(given))]);
	d->applicant_name = strdup(buf);
	d->applicant_kind = strdup("citizen");
	snprintf(buf, sizeof buf, "Hồ sơ của công dân phường %s", wards[pick(i, 5, N(wards))]);
	d->subject = strdup(buf);
	/* a dossier's dates of filing and receipt never change */
	d->submitted_at = now - (today ? (time_t)pick(i, 6, 8 * 3600) : (time_t)pick(i, 6, 200) * 86400);
	d->received_at = st == EAPI_STATE_SUBMITTED ? 0 : d->submitted_at + 3600;
	/* and its due date stays as it was set at receipt (a supplement
	 * restarting the clock is rare beside the other changes) */
	d->due_at = st == EAPI_STATE_SUBMITTED ? 0
		  : today ? now + (1 + (time_t)pick(i, 7, 20)) * 86400
		  : now + ((time_t)pick(i, 7, 40) - 15) * 86400;
	d->updated_at = now;
	return d;
}

eapi_change_page *
synth_page(long first, int n, long long version, time_t now, int today)
{
	eapi_change_page *p = calloc(1, sizeof *p);
	char cur[32];
	int i;

	p->changes = calloc((size_t)n, sizeof *p->changes);
	p->n = (size_t)n;
	for (i = 0; i < n; i++) {
		eapi_change *ch = &p->changes[i];
		ch->seq = first + i;
		ch->op = EAPI_CHANGE_UPSERT;
		ch->dossier = synth(first + i, version, now, today);
		ch->id = strdup(ch->dossier->id);
		ch->version = version;
	}
	snprintf(cur, sizeof cur, "c%ld", first + n);
	p->next_cursor = strdup(cur);
	return p;
}

/* A page as a running city sends it: of every six changes one is a
 * dossier filed today (numbered from `first`), five move one of the open
 * dossiers along.  Open dossiers are the recent ones, and a first sync
 * brings them last (the feed is in the order of each dossier's last
 * change), so they are taken among the last twentieth of the `cached`
 * dossiers the fill brought: the rows a city's moves touch are near each
 * other, as they are in a real cache. */
eapi_change_page *
synth_mixed_page(long first, long cached, long long version, time_t now)
{
	eapi_change_page *p = synth_page(first, 1000, version, now, 1);
	size_t k;

	for (k = 0; k < p->n; k++) {
		eapi_change *ch = &p->changes[k];
		if (k % 6 == 0)
			continue;
		eapi_dossier_free(ch->dossier);
		free(ch->id);
		ch->dossier = synth(cached - 1 - (long)synth_rnd((unsigned)(cached / 20 + 1)), version,
				    now, 0);
		ch->id = strdup(ch->dossier->id);
	}
	return p;
}
