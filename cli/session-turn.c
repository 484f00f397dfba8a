/*
 * The refresh turn (app-private.h): only one holder of a session refreshes
 * it at a time, whether that is another egov or another thread of this one.
 *
 * The server rotates the refresh token on every use, so two refreshes with
 * the same token log the second one out, and a process that kept a token
 * another one has since spent is logged out at its next refresh.  Between
 * processes the turn is the flock() beside the session file
 * (egov_session_lock, below).  Within one process two threads may
 * want it: the main thread, when a command or the console starts and the
 * saved access token is stale (verify() in session.c), and the api-client's
 * network thread, when a request is refused with 401 and the library is
 * about to send its own refresh grant.  That second case goes through the
 * library's refresh hook (eapi_options.refresh_begin / refresh_end), which
 * egov_app_open_client() sets for every client: the hook takes the turn,
 * reads the session file again with egov_session_reread() as verify() does,
 * and hands the library the tokens another egov saved, or lets its grant go
 * and holds the turn until the grant is answered and on_tokens has saved
 * the rotated tokens.
 *
 * One rule keeps the two threads from waiting on each other: the main
 * thread holds the turn only while it waits for the network thread (its
 * refresh grant, its GET /me), so a hook that finds the turn held by
 * another thread of this process joins it instead of waiting: the grant is
 * then part of the holder's refresh.  The main thread, on the other hand,
 * waits for a hook's turn to end; that needs only the network thread.
 */
#include "config.h"

#include "app.h"
#include "app-private.h"

#include <errno.h>
#include <fcntl.h>
#include <libintl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#define _(s) gettext(s)

/* Take the turn between processes: an flock() on
 * session-<server>.json.lock, held until the refresh is answered and its
 * tokens saved (the kernel lets go if the process dies).  The lock file is
 * never deleted: a process waiting on a deleted file's lock would not
 * exclude the next one.  Returns the descriptor, or -1 with errbuf. */
int egov_session_lock(struct egov_app *app, char *errbuf, size_t errlen)
{
	char *lock_path = egov_session_lock_path(app);
	int fd;

	if (!lock_path) {
		snprintf(errbuf, errlen, "%s", strerror(errno));
		return -1;
	}
	fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	while (fd >= 0 && flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			int err = errno;

			close(fd);
			fd = -1;
			errno = err;
		}
	}
	if (fd < 0)
		snprintf(errbuf, errlen, _("cannot lock the session: %s: %s"), lock_path,
			 strerror(errno));
	free(lock_path);
	return fd;
}

enum turn_state { TURN_FREE, TURN_TAKING, TURN_HELD };

struct egov_turn {
	pthread_mutex_t lock;
	pthread_cond_t changed;		/* state changed */
	enum turn_state state;
	pthread_t holder;		/* the thread taking or holding it */
	int fd;				/* the flock()ed lock file while held */
	int hook_holds;			/* refresh_begin took it; refresh_end gives it */
};

struct egov_turn *egov_turn_new(void)
{
	struct egov_turn *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->changed, NULL);
	t->fd = -1;
	return t;
}

void egov_turn_free(struct egov_turn *t)
{
	if (!t)
		return;
	if (t->fd >= 0)
		close(t->fd);
	pthread_cond_destroy(&t->changed);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

/* Take the turn for this thread: 1 when it is now this thread's, 0 when
 * may_join and another thread of this process holds it (the caller goes
 * ahead inside that thread's turn), -1 when the lock file cannot be taken
 * (err says why). */
static int turn_take(struct egov_app *app, int may_join, char *err, size_t errlen)
{
	struct egov_turn *t = egov_session_turn(app);
	pthread_t self = pthread_self();
	int fd;

	pthread_mutex_lock(&t->lock);
	while (t->state != TURN_FREE) {
		if (may_join && t->state == TURN_HELD && !pthread_equal(t->holder, self)) {
			pthread_mutex_unlock(&t->lock);
			return 0;
		}
		/* Taking: the holder waits for another egov, not for us. */
		pthread_cond_wait(&t->changed, &t->lock);
	}
	t->state = TURN_TAKING;
	t->holder = self;
	pthread_mutex_unlock(&t->lock);

	fd = egov_session_lock(app, err, errlen);

	pthread_mutex_lock(&t->lock);
	t->state = fd >= 0 ? TURN_HELD : TURN_FREE;
	t->fd = fd;
	pthread_cond_broadcast(&t->changed);
	pthread_mutex_unlock(&t->lock);
	return fd >= 0 ? 1 : -1;
}

static void turn_give(struct egov_app *app)
{
	struct egov_turn *t = egov_session_turn(app);
	int fd;

	pthread_mutex_lock(&t->lock);
	fd = t->fd;
	t->fd = -1;
	t->state = TURN_FREE;
	pthread_cond_broadcast(&t->changed);
	pthread_mutex_unlock(&t->lock);
	if (fd >= 0)
		close(fd);	/* lets the next egov in */
}

int egov_session_turn_take(struct egov_app *app)
{
	return turn_take(app, 0, app->err, sizeof(app->err)) > 0 ? 0 : -1;
}

void egov_session_turn_give(struct egov_app *app)
{
	turn_give(app);
}

/* eapi_options.refresh_begin, on the network thread: app->err and
 * app->session belong to the main thread and are not touched here. */
eapi_refresh_plan egov_app_refresh_begin(void *ud, eapi_client *c, char *errbuf, size_t errlen)
{
	struct egov_app *app = ud;
	struct egov_turn *t = egov_session_turn(app);
	char why[600] = "";
	int taken, newer;

	(void)c;	/* the tokens go to app->client, which is c */
	(void)errbuf;
	(void)errlen;
	if (!egov_session_has_file(app))
		return EAPI_REFRESH_GRANT;	/* nothing saved, nobody to share with */
	taken = turn_take(app, 1, why, sizeof(why));
	if (taken < 0) {
		/* Refreshing without the turn is what egov did before it had
		 * one; refusing would log the person out for sure. */
		egov_log_write(&app->log, EGOV_LOG_WARN, "refreshing without the turn: %s", why);
		return EAPI_REFRESH_GRANT;
	}
	if (taken == 0) {
		egov_log_write(&app->log, EGOV_LOG_DEBUG, "refresh inside this egov's own turn");
		return EAPI_REFRESH_GRANT;
	}
	newer = egov_session_reread(app);
	if (newer && egov_session_fresh(app, time(NULL))) {
		egov_log_write(&app->log, EGOV_LOG_INFO,
			       "the session was refreshed by another egov; using its tokens");
		turn_give(app);
		return EAPI_REFRESH_RETRY;
	}
	egov_log_write(&app->log, EGOV_LOG_INFO, "refreshing the session%s",
		       newer ? " with the refresh token another egov saved" : "");
	pthread_mutex_lock(&t->lock);
	t->hook_holds = 1;
	pthread_mutex_unlock(&t->lock);
	return EAPI_REFRESH_GRANT;
}

/* eapi_options.refresh_end, on the network thread: on_tokens has saved
 * the rotated tokens already, so the turn can pass on. */
void egov_app_refresh_end(void *ud, const eapi_error *outcome)
{
	struct egov_app *app = ud;
	struct egov_turn *t = egov_session_turn(app);
	int held;

	if (outcome->result == EAPI_OK)
		egov_log_write(&app->log, EGOV_LOG_INFO, "session refreshed");
	else if (outcome->http_status == 401)
		egov_log_write(&app->log, EGOV_LOG_WARN,
			       "the server refused the refresh token: the session has ended");
	else
		egov_log_write(&app->log, EGOV_LOG_WARN, "refreshing the session failed: %s",
			       eapi_result_str(outcome->result));
	pthread_mutex_lock(&t->lock);
	held = t->hook_holds;
	t->hook_holds = 0;
	pthread_mutex_unlock(&t->lock);
	if (held)
		turn_give(app);
}
