/*
 * The completion queue: how finished requests get from the network thread
 * to the caller without the caller ever waiting on the network.
 *
 * Completions are appended in the order they finish.  An eventfd is
 * readable exactly while the queue is not empty (the push writes to it, and
 * the pop that empties the queue reads it back to zero, both under the
 * lock), so a console can poll() it with its terminal.  eapi_wait() is the
 * blocking convenience: it sleeps on a condition variable until its own
 * request has completed and leaves the others queued.  Cancelling and
 * progress are here too: they look a live request up by id under the same
 * lock.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "internal.h"

int
eai_completion_init(eapi_client *c)
{
	c->event_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	return c->event_fd < 0 ? -1 : 0;
}

void
eai_completion_release(eapi_client *c)
{
	size_t i;

	for (i = 0; i < c->n_done; i++)
		eapi_completion_free(c->done[i]);
	free(c->done);
	c->done = NULL;
	c->n_done = c->cap_done = 0;
	if (c->event_fd >= 0)
		close(c->event_fd);
	c->event_fd = -1;
}

static void
unlink_live(eapi_client *c, eai_request *r)
{
	eai_request **pp;

	for (pp = &c->live; *pp; pp = &(*pp)->next)
		if (*pp == r) {
			*pp = r->next;
			r->next = NULL;
			return;
		}
}

void
eai_completion_push(eapi_client *c, eapi_completion *comp, eai_request *r)
{
	uint64_t one = 1;
	ssize_t n;

	pthread_mutex_lock(&c->lock);
	if (r) {
		unlink_live(c, r);
		r->state = EAI_REQ_DONE;
	}
	if (comp) {
		if (c->n_done == c->cap_done) {
			size_t cap = c->cap_done ? c->cap_done * 2 : 16;
			eapi_completion **nd = realloc(c->done, cap * sizeof *nd);

			if (!nd) {
				/* Nothing better to do than drop it; the caller's
				 * eapi_wait() then returns NULL for this id. */
				pthread_mutex_unlock(&c->lock);
				eapi_completion_free(comp);
				pthread_cond_broadcast(&c->done_cond);
				return;
			}
			c->done = nd;
			c->cap_done = cap;
		}
		c->done[c->n_done++] = comp;
		do
			n = write(c->event_fd, &one, sizeof one);
		while (n < 0 && errno == EINTR);
	}
	pthread_cond_broadcast(&c->done_cond);
	pthread_mutex_unlock(&c->lock);
}

/* Remove done[i]; the queue lock is held. */
static eapi_completion *
take(eapi_client *c, size_t i)
{
	eapi_completion *comp = c->done[i];
	uint64_t count;
	ssize_t n;

	memmove(&c->done[i], &c->done[i + 1], (c->n_done - i - 1) * sizeof *c->done);
	c->n_done--;
	if (c->n_done == 0) {
		do
			n = read(c->event_fd, &count, sizeof count);
		while (n < 0 && errno == EINTR);
	}
	return comp;
}

eapi_completion *
eapi_next_completion(eapi_client *c)
{
	eapi_completion *comp = NULL;

	if (!c)
		return NULL;
	pthread_mutex_lock(&c->lock);
	if (c->n_done)
		comp = take(c, 0);
	pthread_mutex_unlock(&c->lock);
	return comp;
}

static eai_request *
find_live(eapi_client *c, uint64_t id)
{
	eai_request *r;

	for (r = c->live; r; r = r->next)
		if (r->id == id)
			return r;
	return NULL;
}

eapi_completion *
eapi_wait(eapi_client *c, uint64_t id)
{
	eapi_completion *comp = NULL;
	size_t i;

	if (!c || id == 0)
		return NULL;
	pthread_mutex_lock(&c->lock);
	for (;;) {
		for (i = 0; i < c->n_done; i++)
			if (c->done[i]->id == id) {
				comp = take(c, i);
				goto out;
			}
		if (!find_live(c, id))
			goto out;	/* unknown, or already collected */
		pthread_cond_wait(&c->done_cond, &c->lock);
	}
out:
	pthread_mutex_unlock(&c->lock);
	return comp;
}

int
eapi_cancel(eapi_client *c, uint64_t id)
{
	eai_request *r;
	int result = -1;

	if (!c)
		return -1;
	pthread_mutex_lock(&c->lock);
	r = find_live(c, id);
	if (r && !r->cancelled) {
		r->cancelled = 1;
		result = 0;
	}
	pthread_mutex_unlock(&c->lock);
	if (result == 0)
		eai_net_wake(c);
	return result;
}

int
eapi_progress(eapi_client *c, uint64_t id, long long *done, long long *total)
{
	eai_request *r;
	int result = -1;

	if (!c)
		return -1;
	pthread_mutex_lock(&c->lock);
	r = find_live(c, id);
	if (r) {
		if (done)
			*done = r->dl_done;
		if (total)
			*total = r->dl_total;
		result = 0;
	}
	pthread_mutex_unlock(&c->lock);
	return result;
}

void
eai_completion_free_payload(eapi_completion *comp)
{
	switch (comp->op) {
	case EAPI_OP_LOGIN:
	case EAPI_OP_REFRESH:
		eapi_session_free(comp->u.session);
		break;
	case EAPI_OP_ME:
		eapi_user_free(comp->u.user);
		break;
	case EAPI_OP_AGENCIES:
		eapi_agency_list_free(comp->u.agencies);
		break;
	case EAPI_OP_PROCEDURES:
		eapi_procedure_list_free(comp->u.procedures);
		break;
	case EAPI_OP_USERS:
		eapi_user_list_free(comp->u.users);
		break;
	case EAPI_OP_CALENDAR:
		eapi_calendar_free(comp->u.calendar);
		break;
	case EAPI_OP_DOSSIER:
	case EAPI_OP_ACTION:
		eapi_dossier_free(comp->u.dossier);
		break;
	case EAPI_OP_SEARCH:
		eapi_dossier_list_free(comp->u.search);
		break;
	case EAPI_OP_CHANGES:
		eapi_change_page_free(comp->u.changes);
		break;
	case EAPI_OP_REPORT:
		eapi_report_free(comp->u.report);
		break;
	case EAPI_OP_LOGOUT:
	case EAPI_OP_DOCUMENT:
		break;
	}
	comp->u.none = NULL;
}

void
eapi_completion_free(eapi_completion *comp)
{
	if (!comp)
		return;
	eai_completion_free_payload(comp);
	eapi_error_clear(&comp->error);
	free(comp);
}
