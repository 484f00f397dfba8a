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
const char *egov_session_role_str(eapi_role r);
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
/* Take the refresh turn (flock on the file beside the session file): the
 * descriptor to close(), or -1 with app->err.  Then egov_session_reread
 * takes what another process saved meanwhile. */
int egov_session_lock(struct egov_app *app);
void egov_session_reread(struct egov_app *app);
/* Forget the saved session here: tokens, file, user. */
void egov_session_forget(struct egov_app *app);

#endif
