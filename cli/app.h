/*
 * The application context: everything the full-screen console and every
 * `egov` subcommand share, opened in one place so both behave the same.
 *
 *   struct egov_app app;
 *   egov_app_init(&app, &opts);         config, environment, log, language
 *   egov_app_open_client(&app);         libegovapi; resumes a saved session
 *   egov_app_login(&app, flags);        saved session, EGOV_PASSWORD, prompt
 *   egov_app_open_cache(&app);          the offline cache + outbox of this
 *                                       server and user
 *   ... console_main(&app) or a subcommand ...
 *   egov_app_release(&app);
 *
 * Bare `egov` hands the console a context whose client is open; when no
 * one could be logged in (no saved session, no EGOV_PASSWORD, or offline
 * without a saved session) session.known is 0 and cache is NULL: the
 * console then logs in itself (egov_app_login_password, or its own
 * eapi_login completion given to egov_app_accept_session) and calls
 * egov_app_open_cache.  app->err says why the automatic login failed.
 *
 * Each egov_app_* function that can fail returns an exit code from
 * exit-codes.h (EGOV_EXIT_OK is 0) and leaves one line for people in
 * app->err; nothing here prints or exits, the caller decides.
 *
 * The session: `egov login` once, later commands work.  The refresh token
 * and the access token with its expiry are kept (never the password), in
 * $XDG_STATE_HOME/egov/session-<server>.json, mode 0600 in a 0700 folder,
 * with who the user is, so the console can start offline as that user.  A
 * command reuses the access token until shortly before it expires; refreshes
 * (the server rotates the refresh token each time) take turns between
 * processes through an flock on session-<server>.json.lock, and only a 401
 * to the refresh grant ends the session.  The file is rewritten whenever
 * the api-client reports new tokens (its on_tokens callback, on the network
 * thread; guarded by a mutex inside).
 * One session per server URL: logging in as another user on the same
 * server replaces it.  `egov logout` revokes the token and deletes the file.
 *
 * The password comes from EGOV_PASSWORD (scripts, ./demo) or a prompt on
 * /dev/tty with echo off; it is never accepted as an argument, never logged
 * and wiped from memory once sent.
 */
#ifndef EGOV_CLI_APP_H
#define EGOV_CLI_APP_H

#include <stddef.h>
#include <time.h>

#include <egov/api.h>

#include "egov-config.h"
#include "exit-codes.h"
#include "egov-log.h"

struct ecache;
struct egov_app_private;

/* Who is logged in (or was, when the console starts offline). */
struct egov_session {
	int known;			/* a user is known: logged in now or saved */
	int verified;			/* the server accepted the tokens this run */
	char *server;			/* the base URL the session belongs to */
	char *user_id;
	char *username;
	char *full_name;		/* the officer's own name (not citizen data) */
	char *agency_id;
	char *title;
	eapi_role role;
	time_t since;			/* when the password was last given */
};

/* What the command line chose before the context opens; NULL/0: unset. */
struct egov_app_options {
	const char *config_path;	/* --config */
	const char *profile;		/* --profile */
	const char *server;		/* --server */
	const char *user;		/* --user */
	const char *log_file;		/* --log-file */
	const char *log_level;		/* --log-level */
	int color;			/* --color: -1 unset, else egov_color_mode */
};

struct egov_app {
	struct egov_config config;	/* the profile in force, env applied */
	struct egov_log log;		/* egov_app_log() writes here */
	eapi_client *client;		/* NULL until egov_app_open_client */
	struct ecache *cache;		/* NULL until egov_app_open_cache */
	struct egov_session session;
	int use_color;			/* colour allowed on stdout: config, NO_COLOR,
					 * a terminal */
	int stdout_tty;			/* stdout is a terminal: escape server text */
	char err[512];			/* the last failure, one line, no "egov: " */
	struct egov_app_private *priv;	/* tokens and their lock; not for callers */
};

/* Flags for egov_app_login. */
enum {
	EGOV_LOGIN_PROMPT = 1 << 0,	/* may ask for the password on /dev/tty */
	EGOV_LOGIN_FORCE = 1 << 1,	/* ask again even with a saved session */
	EGOV_LOGIN_OFFLINE_OK = 1 << 2	/* a saved session is enough when the
					 * server cannot be reached (console,
					 * cache-only commands, `act` queueing) */
};

/* Read the configuration (opts may be NULL), open the log, set the message
 * language (config lang, else the locale), decide colour.  On failure the
 * context is still safe to release. */
int egov_app_init(struct egov_app *app, const struct egov_app_options *opts);
/* Close everything in reverse order: the client (joining its thread), the
 * cache, the log, the configuration.  Safe on a zeroed or failed app. */
void egov_app_release(struct egov_app *app);

/* Make app->client for config.server (required) and load the saved session
 * for that server, if any, into the client and app->session. */
int egov_app_open_client(struct egov_app *app);

/* Make sure someone is logged in; see the flags.  Order: a saved session
 * (checked with the server unless it cannot be reached and OFFLINE_OK);
 * else EGOV_PASSWORD with config.user (EGOV_USER); else, with PROMPT, the
 * user name (if unknown) and the password asked on /dev/tty.  EGOV_EXIT_AUTH
 * when nobody can be logged in, EGOV_EXIT_OFFLINE when the server cannot be
 * reached and no saved session may stand in. */
int egov_app_login(struct egov_app *app, unsigned flags);

/* Log in with a password the caller obtained (a console login or unlock
 * screen); blocks until the server answers.  Saves the session. */
int egov_app_login_password(struct egov_app *app, const char *username,
			    const char *password);

/* Take a session the caller obtained itself (the console's asynchronous
 * EAPI_OP_LOGIN completion): record the user and save the refresh token. */
int egov_app_accept_session(struct egov_app *app, const eapi_session *s);

/* Revoke the refresh token on the server (best effort: offline still
 * forgets it locally), delete the session file, forget the user. */
int egov_app_logout(struct egov_app *app);

/* Open the cache for this server and user (session.known required):
 * $XDG_DATA_HOME/egov/<server>-<user>.db, 0600 in a 0700 folder. */
int egov_app_open_cache(struct egov_app *app);

/* The exit code for an api error (network -> OFFLINE, 401/403 -> AUTH,
 * 409/412 -> CONFLICT, 404 -> NOT_FOUND, other HTTP -> SERVER). */
int egov_app_exit_for(const eapi_error *e);

/* Write to the log (no-op when off); never pass personal data or secrets. */
void egov_app_log(struct egov_app *app, enum egov_log_level level,
		  const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Switch the message language at run time ("vi", "en", NULL: the locale's);
 * the console may call it when the person changes it. */
void egov_app_set_language(const char *lang);

/* $XDG_STATE_HOME/egov (or ~/.local/state/egov), created 0700 when
 * `create`; caller frees; NULL with app->err. */
char *egov_app_state_dir(struct egov_app *app, int create);

#endif
