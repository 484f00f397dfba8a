/*
 * The seed's pipeline: one thread makes dossiers (seed-dossier.c, which is
 * mostly text formatting) while the caller's thread writes them to SQLite,
 * so a large seed uses two cores.  Rows pass through a ring of slots in
 * order; the generator alone touches the PRNG, so the city is the same as
 * if it were made in one thread.
 */
#include "config.h"
#include "seed-gen.h"

#include <stdlib.h>
#include <string.h>

#define CHUNK 256			/* rows handed over at once */
#define CHUNKS 4
#define RING (CHUNK * CHUNKS)

static const char *const demo_states[] = { "submitted", "received", "in_progress",
	"supplement_requested", "pending_approval", "result_ready" };
#define N_DEMO_STATES (sizeof(demo_states) / sizeof(demo_states[0]))

typedef struct pipe {
	seed_ctx *g;
	long long total;
	long per_state;
	seed_row rows[RING];
	int full[CHUNKS];
	int stop;
	pthread_mutex_t lock;
	pthread_cond_t changed;
} pipe_t;

static void make(pipe_t *p, seed_row *r, long long i)
{
	long long demo = (long long)N_DEMO_STATES * 2 * p->per_state;

	if (i < demo) {
		long long per = 2 * p->per_state, k = i % per;
		int agency = k < p->per_state ? p->g->demo_ward : p->g->demo_dept;
		seed_make_dossier(p->g, r, i + 1, demo_states[i / per], agency, (int)(k % 3));
	} else {
		seed_make_dossier(p->g, r, i + 1, NULL, -1, 0);
	}
}

/* Chunks rather than rows change hands, so the threads meet a few
 * thousand times for a million dossiers instead of a million times. */
static void *produce(void *arg)
{
	pipe_t *p = arg;
	long long first;

	for (first = 0; first < p->total; first += CHUNK) {
		int c = (int)((first / CHUNK) % CHUNKS);
		long long i;
		pthread_mutex_lock(&p->lock);
		while (p->full[c] && !p->stop)
			pthread_cond_wait(&p->changed, &p->lock);
		if (p->stop) {
			pthread_mutex_unlock(&p->lock);
			break;
		}
		pthread_mutex_unlock(&p->lock);
		for (i = first; i < first + CHUNK && i < p->total; i++)
			make(p, &p->rows[c * CHUNK + (int)(i - first)], i);
		pthread_mutex_lock(&p->lock);
		p->full[c] = 1;
		pthread_cond_broadcast(&p->changed);
		pthread_mutex_unlock(&p->lock);
	}
	return NULL;
}

int seed_pipeline(seed_ctx *g, long long total, long per_state, seed_sink sink, void *ud)
{
	pipe_t *p = calloc(1, sizeof(*p));
	pthread_t thread;
	long long first, i;
	int result = 0, slot;

	if (!p)
		return -1;
	p->g = g;
	p->total = total;
	p->per_state = per_state;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->changed, NULL);
	if (pthread_create(&thread, NULL, produce, p) != 0) {
		result = -1;
		goto cleanup;
	}
	for (first = 0; first < total && result == 0; first += CHUNK) {
		int c = (int)((first / CHUNK) % CHUNKS);
		pthread_mutex_lock(&p->lock);
		while (!p->full[c])
			pthread_cond_wait(&p->changed, &p->lock);
		pthread_mutex_unlock(&p->lock);
		for (i = first; i < first + CHUNK && i < total && result == 0; i++)
			result = sink(ud, &p->rows[c * CHUNK + (int)(i - first)]);
		pthread_mutex_lock(&p->lock);
		p->full[c] = 0;
		if (result < 0)
			p->stop = 1;
		pthread_cond_broadcast(&p->changed);
		pthread_mutex_unlock(&p->lock);
	}
	pthread_join(thread, NULL);
cleanup:
	for (slot = 0; slot < RING; slot++)
		seed_row_release(&p->rows[slot]);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->changed);
	free(p);
	return result;
}
