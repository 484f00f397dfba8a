/*
 * The session file (app.h, session.c): where it lives, what it holds and
 * how it is written and read back, and the private part it is written from.
 *
 * $XDG_STATE_HOME/egov/session-<server>.json (0600, folder 0700) holds the
 * refresh token, the access token with its expiry, and who the user is;
 * never the password.  The api-client hands over rotated tokens on its
 * network thread (egov_app_on_tokens), so the tokens and user fields live in
 * the private part under a mutex, and the file is written whole and renamed
 * into place, never half-written; a failed write there is kept for the
 * login that waits on the refresh (egov_session_save_error).  Processes
 * sharing the file take turns to refresh through an flock() on
 * session-<server>.json.lock (egov_session_lock in session-turn.c, which also
 * shares it between this process's threads); session.c decides when.
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
	struct egov_turn *turn;		/* the refresh turn (session-turn.c) */
};

/* Refresh this long before the access token expires (a quarter of its
 * lifetime when that is shorter), so a command does not start with a token
 * that dies on its way and makes the api-client refresh on its own. */
#define REFRESH_MARGIN 60

struct egov_app_private *app_private_new(void)
{
	struct egov_app_private *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->turn = egov_turn_new();
	if (!p->turn) {
		free(p);
		return NULL;
	}
	pthread_mutex_init(&p->lock, NULL);
	return p;
}

struct egov_turn *egov_session_turn(struct egov_app *app)
{
	return app->priv->turn;
}

void egov_session_wipe_free(char *s)
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
	egov_turn_free(p->turn);
	pthread_mutex_destroy(&p->lock);
	free(p->path);
	egov_session_wipe_free(p->refresh_token);
	egov_session_wipe_free(p->access_token);
	json_decref(p->user);
	free(p);
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
		egov_session_wipe_free(r);
		egov_session_wipe_free(a);
		return -1;
	}
	if (r) {
		egov_session_wipe_free(p->refresh_token);
		p->refresh_token = r;
	}
	egov_session_wipe_free(p->access_token);
	p->access_token = a;
	p->expires_at = a ? expires_at : 0;
	p->obtained_at = a ? obtained_at : 0;
	return 0;
}

int egov_session_fresh(struct egov_app *app, time_t now)
{
	struct egov_app_private *p = app->priv;
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

const char *egov_session_file(struct egov_app *app)
{
	return app->priv->path ? app->priv->path : "?";
}

/* One line for people when the file could not be written. */
static void save_failed(struct egov_app *app, int err)
{
	snprintf(app->err, sizeof(app->err), _("cannot save the session to %s: %s"),
		 egov_session_file(app), strerror(err));
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

int egov_session_set_user(struct egov_app *app, const char *id, const char *username,
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
			 "agency_id", agency_id, "title", title, "role", egov_session_role_str(role),
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
	if (egov_session_set_user(app, jstr(root, "user_id"), username, jstr(root, "full_name"),
		     jstr(root, "agency_id"), jstr(root, "title"), egov_session_role_parse(jstr(root, "role")),
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

void egov_session_forget(struct egov_app *app)
{
	struct egov_app_private *p = app->priv;

	pthread_mutex_lock(&p->lock);
	p->logged_out = 1;
	egov_session_wipe_free(p->refresh_token);
	p->refresh_token = NULL;
	egov_session_wipe_free(p->access_token);
	p->access_token = NULL;
	if (p->path)
		unlink(p->path);
	pthread_mutex_unlock(&p->lock);
	egov_session_clear(&app->session);
}

/* Where the refresh turn's lock is: beside the session file. */
char *egov_session_lock_path(struct egov_app *app)
{
	struct egov_app_private *p = app->priv;
	char *lock_path = NULL;
	int rc = -1;

	pthread_mutex_lock(&p->lock);
	if (p->path)
		rc = asprintf(&lock_path, "%s.lock", p->path);
	pthread_mutex_unlock(&p->lock);
	if (rc < 0) {
		errno = p->path ? ENOMEM : ENOENT;
		return NULL;
	}
	return lock_path;
}

int egov_session_has_file(struct egov_app *app)
{
	int known;

	pthread_mutex_lock(&app->priv->lock);
	known = app->priv->path != NULL && app->priv->user != NULL;
	pthread_mutex_unlock(&app->priv->lock);
	return known;
}

/* With the refresh turn taken: another process may have refreshed since
 * this one read the file, rotating the refresh token held here away; the
 * file's tokens are the live ones then.  A file gone or for someone else
 * changes nothing (the refresh will tell).  Only the private part is read
 * (the api-client's network thread calls this too).  1 when the file held
 * another refresh token than this process, which now holds the file's. */
int egov_session_reread(struct egov_app *app)
{
	struct egov_app_private *p = app->priv;
	struct stat st;
	char *text = NULL, *path = NULL, *held_user = NULL;
	json_t *root = NULL;
	const char *server, *username, *refresh;
	int newer = 0;

	pthread_mutex_lock(&p->lock);
	path = p->path ? strdup(p->path) : NULL;
	held_user = p->user ? strdup(jstr(p->user, "username") ? jstr(p->user, "username") : "")
			    : NULL;
	pthread_mutex_unlock(&p->lock);
	if (!path || !held_user || read_file(path, &text, &st) < 0 || (st.st_mode & 077) || !text)
		goto cleanup;
	root = json_loads(text, 0, NULL);
	server = jstr(root, "server");
	username = jstr(root, "username");
	refresh = jstr(root, "refresh_token");
	if (!refresh || !server || !username || strcmp(server, app->config.server) != 0 ||
	    strcmp(username, held_user) != 0)
		goto cleanup;
	pthread_mutex_lock(&p->lock);
	newer = !p->refresh_token || strcmp(p->refresh_token, refresh) != 0;
	pthread_mutex_unlock(&p->lock);
	if (adopt_tokens(app, root) < 0) {
		egov_app_log(app, EGOV_LOG_WARN, "cannot take the saved tokens: out of memory");
		newer = 0;
	}
cleanup:
	free(path);
	free(held_user);
	if (text) {
		explicit_bzero(text, strlen(text));
		free(text);
	}
	json_decref(root);
	return newer;
}

int egov_session_store(struct egov_app *app, const eapi_session *s)
{
	struct egov_app_private *p = app->priv;
	int rc = 0, err = 0;

	pthread_mutex_lock(&p->lock);
	if (s) {
		p->logged_out = 0;
		if (!p->path)
			p->path = session_path(app);
		rc = set_tokens_locked(p, s->refresh_token, s->access_token, s->expires_at,
				       time(NULL));
		err = ENOMEM;
	}
	if (rc == 0) {
		rc = save_locked(app);
		err = errno;
	}
	pthread_mutex_unlock(&p->lock);
	if (rc < 0)
		save_failed(app, err);
	return rc;
}

int egov_session_save_error(struct egov_app *app, int clear)
{
	int err;

	pthread_mutex_lock(&app->priv->lock);
	err = app->priv->save_errno;
	if (clear)
		app->priv->save_errno = 0;
	pthread_mutex_unlock(&app->priv->lock);
	return err;
}
