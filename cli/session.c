/*
 * Who is logged in (app.h): login, logout, and whether the saved session
 * is still good; the file itself is session-file.c.
 *
 * The server rotates the refresh token on every use, so each refresh is a
 * moment where a killed process or a lost answer costs the session.  So a
 * command uses the saved access token while it is good for a while yet and
 * sends no refresh at all; when one is due it takes the refresh turn (an
 * flock shared by every egov on this session), reads the file again (the
 * process it waited for may have refreshed already: its tokens are the
 * live ones), and only then refreshes.  The session is forgotten only when
 * the refresh grant is answered 401, never for a network failure.  The
 * api-client's own refresh, after a 401 in the middle of a command or of a
 * long console session, takes the same turn (session-turn.c).
 */
#include "config.h"

#include "app.h"
#include "app-private.h"
#include "cli-util.h"

#include <errno.h>
#include <libintl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define _(s) gettext(s)

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

int egov_app_accept_session(struct egov_app *app, const eapi_session *s)
{
	const eapi_user *u = s->user;

	if (!u || !u->username) {
		snprintf(app->err, sizeof(app->err), _("the server did not say who logged in"));
		return EGOV_EXIT_SERVER;
	}
	if (egov_session_set_user(app, u->id, u->username, u->full_name, u->agency_id, u->title,
		     u->role, time(NULL)) < 0) {
		snprintf(app->err, sizeof(app->err), "%s", strerror(ENOMEM));
		return EGOV_EXIT_FAILURE;
	}
	app->session.verified = 1;
	if (egov_session_store(app, s) < 0)
		return EGOV_EXIT_FAILURE;
	egov_app_log(app, EGOV_LOG_INFO, "logged in as %s (%s)", u->username, egov_session_role_str(u->role));
	return EGOV_EXIT_OK;
}

const char *egov_session_role_str(eapi_role r)
{
	switch (r) {
	case EAPI_ROLE_SUPERVISOR: return "supervisor";
	case EAPI_ROLE_SUPPORT: return "support";
	case EAPI_ROLE_OFFICER: break;
	}
	return "officer";
}

eapi_role egov_session_role_parse(const char *s)
{
	if (s && strcmp(s, "supervisor") == 0)
		return EAPI_ROLE_SUPERVISOR;
	if (s && strcmp(s, "support") == 0)
		return EAPI_ROLE_SUPPORT;
	return EAPI_ROLE_OFFICER;
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

/* The refresh grant itself (the turn is held): its answer names the user,
 * so it is the whole check, one round trip; GET /me only when it names
 * nobody.  *revoked when the grant was answered 401: the server no longer
 * knows the token, and only then is the session over. */
static int refresh_locked(struct egov_app *app, int *revoked)
{
	eapi_completion *comp;
	const eapi_user *u = NULL;
	uint64_t id;
	int result, save_err;

	egov_session_save_error(app, 1);
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
	save_err = egov_session_save_error(app, 0);
	if (result == EGOV_EXIT_OK)
		u = comp->op == EAPI_OP_REFRESH ? comp->u.session->user : comp->u.user;
	if (result == EGOV_EXIT_OK && save_err) {
		/* The server has rotated the token; the file still holds the
		 * spent one.  Say so now rather than "log in" next time. */
		snprintf(app->err, sizeof(app->err), _("cannot save the session to %s: %s"),
			 egov_session_file(app), strerror(save_err));
		result = EGOV_EXIT_FAILURE;
	} else if (u) {
		if (egov_session_set_user(app, u->id, u->username, u->full_name, u->agency_id, u->title,
			     u->role, app->session.since) == 0) {
			app->session.verified = 1;
			if (egov_session_store(app, NULL) < 0)
				result = EGOV_EXIT_FAILURE;
		}
	} else if (result != EGOV_EXIT_OK) {
		describe(app, &comp->error);
	}
	eapi_completion_free(comp);
	return result;
}

/* Make sure the saved session is usable.  An access token that is still
 * good a while is used as it is (no round trip, nothing rotated); else the
 * refresh turn is taken, the file read again, and only if its tokens are
 * stale too is the refresh grant sent.  *revoked as refresh_locked; the
 * session is then forgotten here, before the turn passes on. */
static int verify(struct egov_app *app, int *revoked)
{
	int result;

	*revoked = 0;
	if (egov_session_fresh(app, time(NULL))) {
		/* The server issued it and it has not expired; if it was
		 * revoked meanwhile, the api-client refreshes on the 401. */
		app->session.verified = 1;
		egov_app_log(app, EGOV_LOG_DEBUG, "using the saved access token");
		return EGOV_EXIT_OK;
	}
	if (egov_session_turn_take(app) < 0)
		return EGOV_EXIT_FAILURE;
	egov_session_reread(app);
	if (egov_session_fresh(app, time(NULL))) {
		app->session.verified = 1;
		egov_app_log(app, EGOV_LOG_INFO, "the session was refreshed by another egov");
		result = EGOV_EXIT_OK;
	} else if (egov_session_store(app, NULL) < 0) {
		result = EGOV_EXIT_FAILURE;
	} else {
		result = refresh_locked(app, revoked);
		if (*revoked) {
			egov_app_log(app, EGOV_LOG_INFO, "saved session no longer valid");
			egov_session_forget(app);
		}
	}
	egov_session_turn_give(app);
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
		egov_session_wipe_free(line);
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
	egov_session_wipe_free(asked_pw);
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
		egov_session_forget(app);
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
	egov_session_forget(app);
	egov_app_log(app, EGOV_LOG_INFO, "logged out");
	return result;
}
