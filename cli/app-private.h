/*
 * The parts of the application context that are nobody else's business:
 * the tokens (shared with the api-client's network thread through
 * on_tokens, hence the lock) and the session-file plumbing between app.c,
 * session.c and session-file.c.  Not installed, not for the console.
 */
#ifndef EGOV_CLI_APP_PRIVATE_H
#define EGOV_CLI_APP_PRIVATE_H

#include "app.h"

struct egov_app_private *app_private_new(void);
void app_private_free(struct egov_app_private *p);

/* eapi_options.on_tokens: keep the new refresh token and rewrite the
 * session file (on the network thread). */
void egov_app_on_tokens(void *ud, const eapi_session *s);

/* Load the saved session for config.server into the client and
 * app->session; no file is not an error. */
int egov_session_resume(struct egov_app *app);

void egov_session_clear(struct egov_session *s);

/* session-file.c for session.c: the tokens and the file they are kept in.
 * Explicitly zero a secret and free it. */
void egov_session_wipe_free(char *s);
/* session.c: a role as the session file and the log write it, and back
 * (anything unknown is an officer, the least trusted). */
const char *egov_session_role_str(eapi_role r);
eapi_role egov_session_role_parse(const char *s);
/* Fill app->session and the private user object from user fields. */
int egov_session_set_user(struct egov_app *app, const char *id, const char *username,
			  const char *full_name, const char *agency_id, const char *title,
			  eapi_role role, time_t since);
/* The saved access token is good for a while yet at `now`: no refresh. */
int egov_session_fresh(struct egov_app *app, time_t now);
/* Keep s's tokens (s may be NULL: only write) and write the file; -1 with
 * "cannot save the session to FILE: cause" in app->err. */
int egov_session_store(struct egov_app *app, const eapi_session *s);
/* The errno of on_tokens' last failed write, 0 if none; clear resets it. */
int egov_session_save_error(struct egov_app *app, int clear);
/* The session file's path ("?" before it is known). */
const char *egov_session_file(struct egov_app *app);
/* Lock the file beside the session file (flock, waiting for other egov
 * processes): the descriptor to close(), or -1 with err.  Thread-safe;
 * session-turn.c's egov_session_turn_take() is the way to call it. */
int egov_session_lock(struct egov_app *app, char *err, size_t errlen);
/* That file's path (malloc'd), or NULL with errno before it is known. */
char *egov_session_lock_path(struct egov_app *app);
/* With the turn taken: take the tokens another process saved meanwhile;
 * 1 when they differ from this process's (it refreshed).  Thread-safe. */
int egov_session_reread(struct egov_app *app);
/* A session file is known and holds a user (there is something to share). */
int egov_session_has_file(struct egov_app *app);

/* session-turn.c: the refresh turn, between egov processes and between
 * this one's main thread and the api-client's network thread. */
struct egov_turn;
struct egov_turn *egov_turn_new(void);
void egov_turn_free(struct egov_turn *t);
/* The app's turn (session-file.c keeps it in the private part). */
struct egov_turn *egov_session_turn(struct egov_app *app);
/* Take the refresh turn on the main thread, waiting for other egov and
 * for a refresh of this one's network thread: 0, or -1 with app->err. */
int egov_session_turn_take(struct egov_app *app);
void egov_session_turn_give(struct egov_app *app);
/* eapi_options.refresh_begin and refresh_end: the api-client's own
 * refresh (after a 401) takes the same turn and re-reads the file first. */
eapi_refresh_plan egov_app_refresh_begin(void *ud, eapi_client *c, char *errbuf, size_t errlen);
void egov_app_refresh_end(void *ud, const eapi_error *outcome);
/* Forget the saved session here: tokens, file, user. */
void egov_session_forget(struct egov_app *app);

#endif
