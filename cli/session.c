/*
 * Who is logged in (app.h): the session file, the password, login, logout.
 *
 * The session file $XDG_STATE_HOME/egov/session-<server>.json (0600, folder
 * 0700) keeps the refresh token, the access token with its expiry, and who
 * the user is; never the password.  The server rotates the refresh token on
 * every use, so each refresh is a moment where a killed process or a lost
 * answer costs the session; keeping the access token lets most commands
 * skip the refresh altogether (it is reused until shortly before it
 * expires).  When a refresh is due, processes sharing the file take turns
 * through an flock() on session-<server>.json.lock: the one that waited
 * re-reads the file and uses what the other saved instead of spending a
 * token that has just been rotated away.  The file is deleted only when the
 * refresh grant is answered 401, never for a network failure.
 *
 * The api-client hands over rotated tokens on its network thread
 * (egov_app_on_tokens), so the tokens and the user fields the file is
 * written from live in the private part under a mutex, and the file is
 * written whole and renamed into place, never half-written.  A failure to
 * write it is kept there and reported by the login that needed it.
 */
#include "config.h"

#include "app.h"
#include "app-private.h"
#include "cli-util.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libintl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#define _(s) gettext(s)

struct egov_app_private {
	pthread_mutex_t lock;
	char *path;			/* the session file, once known */
	char *refresh_token;
	char *access_token;		/* NULL: none kept */
	time_t expires_at;		/* of the access token */
	time_t obtained_at;		/* when it was issued, for its lifetime */
	json_t *user;			/* what the file says about the user */
	int logged_out;			/* ignore late token callbacks */
	int save_errno;			/* a write of the file failed (on_tokens) */
};

/* Refresh this long before the access token expires (a quarter of its
 * lifetime when that is shorter), so a command does not start with a token
 * that dies on its way and makes the api-client refresh on its own. */
#define REFRESH_MARGIN 60

struct egov_app_private *app_private_new(void)
{
	struct egov_app_private *p = calloc(1, sizeof(*p));

	if (p)
		pthread_mutex_init(&p->lock, NULL);
	return p;
}

static void wipe_free(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

void app_private_free(struct egov_app_private *p)
{
	if (!p)
		return;
	pthread_mutex_destroy(&p->lock);
	free(p->path);
	wipe_free(p->refresh_token);
	wipe_free(p->access_token);
	json_decref(p->user);
	free(p);
}

void egov_session_clear(struct egov_session *s)
{
	free(s->server);
	free(s->user_id);
	free(s->username);
	free(s->full_name);
	free(s->agency_id);
	free(s->title);
	memset(s, 0, sizeof(*s));
}

static const char *role_str(eapi_role r)
{
	switch (r) {
	case EAPI_ROLE_SUPERVISOR: return "supervisor";
	case EAPI_ROLE_SUPPORT: return "support";
	case EAPI_ROLE_OFFICER: break;
	}
	return "officer";
}

static eapi_role role_parse(const char *s)
{
	if (s && strcmp(s, "supervisor") == 0)
		return EAPI_ROLE_SUPERVISOR;
	if (s && strcmp(s, "support") == 0)
		return EAPI_ROLE_SUPPORT;
	return EAPI_ROLE_OFFICER;
}

/* The file name part for a server URL: host and port, [A-Za-z0-9._-]. */
static char *session_path(struct egov_app *app)
{
	const char *url = app->config.server;
	char *dir, *path = NULL, name[200];
	size_t n = 0;

	if (strncmp(url, "https://", 8) == 0)
		url += 8;
	else if (strncmp(url, "http://", 7) == 0)
		url += 7;
	for (; *url && *url != '/' && n < sizeof(name) - 1; url++) {
		char c = *url;

		name[n++] = ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9') || c == '.' || c == '_') ? c : '-';
	}
	name[n] = '\0';
	dir = egov_app_state_dir(app, 1);
	if (!dir)
		return NULL;
	if (asprintf(&path, "%s/session-%s.json", dir, name) < 0)
		path = NULL;
	free(dir);
	return path;
}

/* Write the file from the private part; the lock is held. */
static int save_locked(struct egov_app *app)
{
	struct egov_app_private *p = app->priv;
	json_t *root;
	char *text;
	int rc = -1, saved = ENOMEM;

	if (!p->path || !p->user || !p->refresh_token || p->logged_out)
		return 0;
	root = json_deep_copy(p->user);
	if (!root)
		goto cleanup;
	json_object_set_new(root, "server", json_string(app->config.server));
	json_object_set_new(root, "refresh_token", json_string(p->refresh_token));
	if (p->access_token) {
		json_object_set_new(root, "access_token", json_string(p->access_token));
		json_object_set_new(root, "access_expires_at", json_integer(p->expires_at));
		json_object_set_new(root, "access_obtained_at", json_integer(p->obtained_at));
	}
	text = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS);
	if (text) {
		rc = cli_write_private(p->path, text, strlen(text));
		saved = errno;
		explicit_bzero(text, strlen(text));
		free(text);
	}
cleanup:
	json_decref(root);
	if (rc < 0)
		errno = saved;
	return rc;
}

/* Keep tokens in the private part (the lock is held); NULL keeps the old
 * refresh token (a refresh answer may leave it out).  -1 on no memory. */
static int set_tokens_locked(struct egov_app_private *p, const char *refresh,
			     const char *access, time_t expires_at, time_t obtained_at)
{
	char *r = refresh ? strdup(refresh) : NULL;
	char *a = access ? strdup(access) : NULL;

	if ((refresh && !r) || (access && !a)) {
		wipe_free(r);
		wipe_free(a);
		return -1;
	}
	if (r) {
		wipe_free(p->refresh_token);
		p->refresh_token = r;
	}
	wipe_free(p->access_token);
	p->access_token = a;
	p->expires_at = a ? expires_at : 0;
	p->obtained_at = a ? obtained_at : 0;
	return 0;
}

/* The access token is good for a while yet: no refresh needed. */
static int access_fresh(struct egov_app_private *p, time_t now)
{
	time_t margin = REFRESH_MARGIN;
	int fresh;

	pthread_mutex_lock(&p->lock);
	if (p->obtained_at > 0 && p->expires_at > p->obtained_at &&
	    (p->expires_at - p->obtained_at) / 4 < margin)
		margin = (p->expires_at - p->obtained_at) / 4;
	fresh = p->access_token && p->expires_at > 0 && now + margin < p->expires_at &&
		p->obtained_at <= now + REFRESH_MARGIN;
	pthread_mutex_unlock(&p->lock);
	return fresh;
}

/* One line for people when the file could not be written. */
static void save_failed(struct egov_app *app, int err)
{
	snprintf(app->err, sizeof(app->err), _("cannot save the session to %s: %s"),
		 app->priv->path ? app->priv->path : "?", strerror(err));
}

void egov_app_on_tokens(void *ud, const eapi_session *s)
{
	struct egov_app *app = ud;
	struct egov_app_private *p = app->priv;

	if (!s || (!s->refresh_token && !s->access_token))
		return;
	pthread_mutex_lock(&p->lock);
	if (!p->logged_out) {
		if (set_tokens_locked(p, s->refresh_token, s->access_token, s->expires_at,
				      time(NULL)) < 0 || save_locked(app) < 0) {
			/* The server has rotated the token already: whoever
			 * waits for this refresh must say the file is stale. */
			p->save_errno = errno ? errno : EIO;
			egov_log_write(&app->log, EGOV_LOG_WARN,
				       "cannot save the session: %s", strerror(p->save_errno));
		}
	}
	pthread_mutex_unlock(&p->lock);
}

static const char *jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Fill app->session and the private user object from user fields. */
static int set_user(struct egov_app *app, const char *id, const char *username,
		    const char *full_name, const char *agency_id, const char *title,
		    eapi_role role, time_t since)
{
	struct egov_session *s = &app->session;
	json_t *user;

	egov_session_clear(s);
	if (egov_config_set_str(&s->server, app->config.server) < 0 ||
	    egov_config_set_str(&s->user_id, id) < 0 ||
	    egov_config_set_str(&s->username, username) < 0 ||
	    egov_config_set_str(&s->full_name, full_name) < 0 ||
	    egov_config_set_str(&s->agency_id, agency_id) < 0 ||
	    egov_config_set_str(&s->title, title) < 0)
		return -1;
	s->role = role;
	s->since = since;
	s->known = username != NULL;
	user = json_pack("{s:s?, s:s?, s:s?, s:s?, s:s?, s:s, s:I}",
			 "user_id", id, "username", username, "full_name", full_name,
			 "agency_id", agency_id, "title", title, "role", role_str(role),
			 "since", (json_int_t)since);
	if (!user)
		return -1;
	pthread_mutex_lock(&app->priv->lock);
	json_decref(app->priv->user);
	app->priv->user = user;
	pthread_mutex_unlock(&app->priv->lock);
	return 0;
}

static int read_file(const char *path, char **out, struct stat *st)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	json_error_t jerr;
	json_t *root;

	*out = NULL;
	if (fd < 0)
		return -1;
	if (fstat(fd, st) < 0) {
		close(fd);
		return -1;
	}
	root = json_loadfd(fd, 0, &jerr);
	close(fd);
	if (root) {
		*out = json_dumps(root, 0);
		json_decref(root);
	}
	return 0;
}

/* Take the tokens a session file holds into the private part and the
 * client.  -1 on no memory. */
static int adopt_tokens(struct egov_app *app, json_t *root)
{
	struct egov_app_private *p = app->priv;
	const char *refresh = jstr(root, "refresh_token");
	const char *access = jstr(root, "access_token");
	time_t expires_at = (time_t)json_integer_value(json_object_get(root, "access_expires_at"));
	time_t obtained_at = (time_t)json_integer_value(json_object_get(root, "access_obtained_at"));
	int rc;

	if (!access || expires_at <= 0)
		access = NULL;
	pthread_mutex_lock(&p->lock);
	rc = set_tokens_locked(p, refresh, access, expires_at, obtained_at);
	pthread_mutex_unlock(&p->lock);
	if (rc == 0)
		eapi_client_set_session(app->client, access, refresh, access ? expires_at : 0);
	return rc;
}

int egov_session_resume(struct egov_app *app)
{
	struct egov_app_private *p = app->priv;
	struct stat st;
	char *text = NULL;
	json_t *root = NULL;
	const char *token, *username;
	int result = EGOV_EXIT_OK;

	free(p->path);
	p->path = session_path(app);
	if (!p->path)
		return EGOV_EXIT_FAILURE;
	if (read_file(p->path, &text, &st) < 0) {
		if (errno == ENOENT)
			return EGOV_EXIT_OK;
		snprintf(app->err, sizeof(app->err), "%s: %s", p->path, strerror(errno));
		return EGOV_EXIT_FAILURE;
	}
	if (st.st_mode & 077) {
		/* Someone loosened it; a token readable by others is spent. */
		egov_app_log(app, EGOV_LOG_WARN, "session file was readable by others; ignored");
		unlink(p->path);
		goto cleanup;
	}
	root = text ? json_loads(text, 0, NULL) : NULL;
	token = jstr(root, "refresh_token");
	username = jstr(root, "username");
	if (!token || !username || !jstr(root, "server") ||
	    strcmp(jstr(root, "server"), app->config.server) != 0) {
		egov_app_log(app, EGOV_LOG_WARN, "session file unusable; ignored");
		goto cleanup;
	}
	if (app->config.user && strcmp(app->config.user, username) != 0) {
		egov_app_log(app, EGOV_LOG_INFO, "saved session is for another user; not used");
		goto cleanup;
	}
	if (set_user(app, jstr(root, "user_id"), username, jstr(root, "full_name"),
		     jstr(root, "agency_id"), jstr(root, "title"), role_parse(jstr(root, "role")),
		     (time_t)json_integer_value(json_object_get(root, "since"))) < 0) {
		result = EGOV_EXIT_FAILURE;
		goto cleanup;
	}
	if (adopt_tokens(app, root) < 0) {
		result = EGOV_EXIT_FAILURE;
		goto cleanup;
	}
	egov_app_log(app, EGOV_LOG_INFO, "resumed the saved session");
cleanup:
	if (text) {
		explicit_bzero(text, strlen(text));
		free(text);
	}
	json_decref(root);
	return result;
}

int egov_app_accept_session(struct egov_app *app, const eapi_session *s)
{
	const eapi_user *u = s->user;
	int rc, err;

	if (!u || !u->username) {
		snprintf(app->err, sizeof(app->err), _("the server did not say who logged in"));
		return EGOV_EXIT_SERVER;
	}
	if (set_user(app, u->id, u->username, u->full_name, u->agency_id, u->title,
		     u->role, time(NULL)) < 0) {
		snprintf(app->err, sizeof(app->err), "%s", strerror(ENOMEM));
		return EGOV_EXIT_FAILURE;
	}
	app->session.verified = 1;
	pthread_mutex_lock(&app->priv->lock);
	app->priv->logged_out = 0;
	if (!app->priv->path)
		app->priv->path = session_path(app);
	rc = set_tokens_locked(app->priv, s->refresh_token, s->access_token, s->expires_at,
			       time(NULL));
	if (rc == 0)
		rc = save_locked(app);
	err = errno;
	pthread_mutex_unlock(&app->priv->lock);
	if (rc < 0) {
		save_failed(app, err);
		return EGOV_EXIT_FAILURE;
	}
	egov_app_log(app, EGOV_LOG_INFO, "logged in as %s (%s)", u->username, role_str(u->role));
	return EGOV_EXIT_OK;
}

/* Forget the saved session locally (file and token). */
static void forget(struct egov_app *app)
{
	struct egov_app_private *p = app->priv;

	pthread_mutex_lock(&p->lock);
	p->logged_out = 1;
	wipe_free(p->refresh_token);
	p->refresh_token = NULL;
	wipe_free(p->access_token);
	p->access_token = NULL;
	if (p->path)
		unlink(p->path);
	pthread_mutex_unlock(&p->lock);
	egov_session_clear(&app->session);
}

static void describe(struct egov_app *app, const eapi_error *e)
{
	snprintf(app->err, sizeof(app->err), "%s", e->message[0] ? e->message : eapi_result_str(e->result));
}

int egov_app_login_password(struct egov_app *app, const char *username, const char *password)
{
	eapi_completion *comp;
	uint64_t id;
	int result;

	if (!app->client && (result = egov_app_open_client(app)) != EGOV_EXIT_OK)
		return result;
	id = eapi_login(app->client, username, password, NULL);
	if (!id) {
		snprintf(app->err, sizeof(app->err), _("cannot send the login request"));
		return EGOV_EXIT_FAILURE;
	}
	comp = eapi_wait(app->client, id);
	result = egov_app_exit_for(&comp->error);
	if (result == EGOV_EXIT_OK) {
		result = egov_app_accept_session(app, comp->u.session);
	} else if (comp->error.http_status == 401) {
		snprintf(app->err, sizeof(app->err), _("wrong user name or password"));
	} else if (comp->error.http_status == 429) {
		result = EGOV_EXIT_AUTH;
		snprintf(app->err, sizeof(app->err),
			 _("too many failed logins; try again in %ld seconds"),
			 comp->error.retry_after > 0 ? comp->error.retry_after : 60L);
	} else if (result == EGOV_EXIT_OFFLINE) {
		snprintf(app->err, sizeof(app->err), _("cannot reach %s: %s"),
			 app->config.server, comp->error.message);
	} else {
		describe(app, &comp->error);
	}
	if (result != EGOV_EXIT_OK)
		egov_app_log(app, EGOV_LOG_WARN, "login failed: %s", eapi_result_str(comp->error.result));
	eapi_completion_free(comp);
	return result;
}

/* Take the refresh turn: an flock() on session-<server>.json.lock, held
 * until the refresh is answered and its tokens saved (the kernel lets go
 * if the process dies).  The lock file is never deleted: a process
 * waiting on a deleted file's lock would not exclude the next one.
 * Returns the descriptor, or -1 with app->err. */
static int lock_session(struct egov_app *app)
{
	char *lock_path = NULL;
	int fd = -1;

	if (asprintf(&lock_path, "%s.lock", app->priv->path) < 0) {
		snprintf(app->err, sizeof(app->err), "%s", strerror(ENOMEM));
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
		snprintf(app->err, sizeof(app->err), _("cannot lock the session: %s: %s"),
			 lock_path, strerror(errno));
	free(lock_path);
	return fd;
}

/* With the refresh turn taken: another process may have refreshed since
 * this one read the file, rotating the refresh token held here away; the
 * file's tokens are the live ones then.  A file gone or for someone else
 * changes nothing (the refresh will tell). */
static void reread_locked(struct egov_app *app)
{
	struct stat st;
	char *text = NULL;
	json_t *root = NULL;
	const char *server, *username;

	if (read_file(app->priv->path, &text, &st) < 0 || (st.st_mode & 077) || !text)
		goto cleanup;
	root = json_loads(text, 0, NULL);
	server = jstr(root, "server");
	username = jstr(root, "username");
	if (!jstr(root, "refresh_token") || !server || !username || !app->session.username ||
	    strcmp(server, app->config.server) != 0 ||
	    strcmp(username, app->session.username) != 0)
		goto cleanup;
	if (adopt_tokens(app, root) < 0)
		egov_app_log(app, EGOV_LOG_WARN, "cannot take the saved tokens: out of memory");
cleanup:
	if (text) {
		explicit_bzero(text, strlen(text));
		free(text);
	}
	json_decref(root);
}

/* The refresh grant itself (the turn is held): its answer names the user,
 * so it is the whole check, one round trip; GET /me only when it names
 * nobody.  *revoked when the grant was answered 401: the server no longer
 * knows the token, and only then is the session over. */
static int refresh_locked(struct egov_app *app, int *revoked)
{
	struct egov_app_private *p = app->priv;
	eapi_completion *comp;
	const eapi_user *u = NULL;
	uint64_t id;
	int result, save_err;

	pthread_mutex_lock(&p->lock);
	p->save_errno = 0;
	pthread_mutex_unlock(&p->lock);
	id = eapi_refresh(app->client, NULL);
	if (!id)
		id = eapi_get_me(app->client, NULL);
	if (!id)
		return EGOV_EXIT_FAILURE;
	comp = eapi_wait(app->client, id);
	if (comp->op == EAPI_OP_REFRESH && comp->error.result == EAPI_OK &&
	    (!comp->u.session || !comp->u.session->user)) {
		eapi_completion_free(comp);
		id = eapi_get_me(app->client, NULL);
		if (!id)
			return EGOV_EXIT_FAILURE;
		comp = eapi_wait(app->client, id);
	}
	result = egov_app_exit_for(&comp->error);
	if (comp->op == EAPI_OP_REFRESH && comp->error.http_status == 401)
		*revoked = 1;
	/* Another refusal of the grant is no session either, but the file
	 * stays: it may be the server's passing trouble. */
	if (comp->op == EAPI_OP_REFRESH && comp->error.result == EAPI_E_HTTP &&
	    comp->error.http_status >= 400 && comp->error.http_status < 500 &&
	    comp->error.http_status != 429)
		result = EGOV_EXIT_AUTH;
	pthread_mutex_lock(&p->lock);
	save_err = p->save_errno;
	pthread_mutex_unlock(&p->lock);
	if (result == EGOV_EXIT_OK)
		u = comp->op == EAPI_OP_REFRESH ? comp->u.session->user : comp->u.user;
	if (result == EGOV_EXIT_OK && save_err) {
		/* The server has rotated the token; the file still holds the
		 * spent one.  Say so now rather than "log in" next time. */
		save_failed(app, save_err);
		result = EGOV_EXIT_FAILURE;
	} else if (u) {
		if (set_user(app, u->id, u->username, u->full_name, u->agency_id, u->title,
			     u->role, app->session.since) == 0) {
			app->session.verified = 1;
			pthread_mutex_lock(&p->lock);
			if (save_locked(app) < 0)
				save_err = errno;
			pthread_mutex_unlock(&p->lock);
			if (save_err) {
				save_failed(app, save_err);
				result = EGOV_EXIT_FAILURE;
			}
		}
	} else if (result != EGOV_EXIT_OK) {
		describe(app, &comp->error);
	}
	eapi_completion_free(comp);
	return result;
}

/* Write the file again before the refresh grant: the server rotates the
 * token at once, so finding only afterwards that the file cannot be written
 * (a full disk, a file size limit) would spend the session.  -1 with
 * app->err. */
static int presave_locked(struct egov_app *app)
{
	int rc, err;

	pthread_mutex_lock(&app->priv->lock);
	rc = save_locked(app);
	err = errno;
	pthread_mutex_unlock(&app->priv->lock);
	if (rc < 0)
		save_failed(app, err);
	return rc;
}

/* Make sure the saved session is usable.  An access token that is still
 * good a while is used as it is (no round trip, nothing rotated); else the
 * refresh turn is taken, the file read again, and only if its tokens are
 * stale too is the refresh grant sent.  *revoked as refresh_locked; the
 * session is then forgotten here, before the turn passes on. */
static int verify(struct egov_app *app, int *revoked)
{
	int result, lock_fd;

	*revoked = 0;
	if (access_fresh(app->priv, time(NULL))) {
		/* The server issued it and it has not expired; if it was
		 * revoked meanwhile, the api-client refreshes on the 401. */
		app->session.verified = 1;
		egov_app_log(app, EGOV_LOG_DEBUG, "using the saved access token");
		return EGOV_EXIT_OK;
	}
	lock_fd = lock_session(app);
	if (lock_fd < 0)
		return EGOV_EXIT_FAILURE;
	reread_locked(app);
	if (access_fresh(app->priv, time(NULL))) {
		app->session.verified = 1;
		egov_app_log(app, EGOV_LOG_INFO, "the session was refreshed by another egov");
		result = EGOV_EXIT_OK;
	} else if (presave_locked(app) < 0) {
		result = EGOV_EXIT_FAILURE;
	} else {
		result = refresh_locked(app, revoked);
		if (*revoked) {
			egov_app_log(app, EGOV_LOG_INFO, "saved session no longer valid");
			forget(app);
		}
	}
	close(lock_fd);
	return result;
}

/* Read a line from /dev/tty, echo off when secret.  Caller wipes and frees. */
static char *ask(const char *prompt, int secret)
{
	struct termios old, quiet;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *tty = fopen("/dev/tty", "r+e");
	int restore = 0;

	if (!tty)
		return NULL;
	fputs(prompt, tty);
	fflush(tty);
	if (secret && tcgetattr(fileno(tty), &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ECHONL;
		restore = tcsetattr(fileno(tty), TCSAFLUSH, &quiet) == 0;
	}
	n = getline(&line, &cap, tty);
	if (restore)
		tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fclose(tty);
	if (n < 0) {
		wipe_free(line);
		return NULL;
	}
	if (n > 0 && line[n - 1] == '\n')
		line[n - 1] = '\0';
	return line;
}

int egov_app_login(struct egov_app *app, unsigned flags)
{
	char *asked_user = NULL, *asked_pw = NULL;
	const char *user, *pw;
	int result, revoked = 0;

	if (!app->client && (result = egov_app_open_client(app)) != EGOV_EXIT_OK)
		return result;
	if (!(flags & EGOV_LOGIN_FORCE) && app->session.known) {
		result = verify(app, &revoked);
		if (result == EGOV_EXIT_OK)
			return result;
		if (result == EGOV_EXIT_OFFLINE && (flags & EGOV_LOGIN_OFFLINE_OK)) {
			egov_app_log(app, EGOV_LOG_INFO, "offline; working with the saved session");
			app->err[0] = '\0';
			return EGOV_EXIT_OK;
		}
		/* Only a session the server has ended makes way for a login. */
		if (!revoked)
			return result;
	}
	user = app->config.user;
	pw = getenv("EGOV_PASSWORD");
	if (!pw || !*pw) {
		if (!(flags & EGOV_LOGIN_PROMPT)) {
			snprintf(app->err, sizeof(app->err), revoked
				 ? _("the session has ended on the server; log in again: "
				     "run 'egov login' or set EGOV_PASSWORD")
				 : _("not logged in: run 'egov login' or set EGOV_PASSWORD"));
			return EGOV_EXIT_AUTH;
		}
		if (!user) {
			asked_user = ask(_("User name: "), 0);
			user = asked_user;
		}
		if (user && *user) {
			char prompt[200];

			snprintf(prompt, sizeof(prompt), _("Password for %s at %s: "),
				 user, app->config.server);
			asked_pw = ask(prompt, 1);
		}
		pw = asked_pw;
		if (!pw) {
			snprintf(app->err, sizeof(app->err),
				 _("no terminal to ask the password on: set EGOV_PASSWORD"));
			result = EGOV_EXIT_AUTH;
			goto cleanup;
		}
	}
	if (!user || !*user) {
		snprintf(app->err, sizeof(app->err),
			 _("no user name: set user in the configuration or EGOV_USER"));
		result = EGOV_EXIT_AUTH;
		goto cleanup;
	}
	result = egov_app_login_password(app, user, pw);
cleanup:
	wipe_free(asked_pw);
	free(asked_user);
	return result;
}

int egov_app_logout(struct egov_app *app)
{
	eapi_completion *comp;
	int had = app->session.known;
	int result = EGOV_EXIT_OK;
	uint64_t id;

	if (!app->client && (result = egov_app_open_client(app)) != EGOV_EXIT_OK)
		return result;
	if (!had) {
		forget(app);
		return EGOV_EXIT_OK;
	}
	id = eapi_logout(app->client, NULL);
	if (id) {
		comp = eapi_wait(app->client, id);
		result = egov_app_exit_for(&comp->error);
		/* Already revoked or expired is as good as revoked. */
		if (result == EGOV_EXIT_AUTH)
			result = EGOV_EXIT_OK;
		if (result != EGOV_EXIT_OK)
			snprintf(app->err, sizeof(app->err),
				 _("logged out here, but the server could not be told (%s); "
				   "the session ends on the server when it expires"),
				 comp->error.message[0] ? comp->error.message
				 : eapi_result_str(comp->error.result));
		eapi_completion_free(comp);
	}
	forget(app);
	egov_app_log(app, EGOV_LOG_INFO, "logged out");
	return result;
}
