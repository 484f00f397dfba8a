/*
 * bench-cache's synthetic city (synth-city.c).
 */
#ifndef EGOV_BENCH_SYNTH_CITY_H
#define EGOV_BENCH_SYNTH_CITY_H

#include <time.h>

#include "egov/api.h"

/* The next number below n of the run's one random sequence. */
unsigned synth_rnd(unsigned n);
/* n upserts of dossiers numbered from `first` at `version`: from anywhere
 * in the city's history, or with `today`, filed this morning. */
eapi_change_page *synth_page(long first, int n, long long version, time_t now, int today);
/* 1,000 changes as a running city sends them: one dossier filed today
 * (numbered from `first`) to five moves of the last twentieth of the
 * `cached` dossiers a fill brought. */
eapi_change_page *synth_mixed_page(long first, long cached, long long version, time_t now);

#endif
