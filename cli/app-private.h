/*
 * The parts of the application context that are nobody else's business:
 * the refresh token (shared with the api-client's network thread through
 * on_tokens, hence the lock) and the session-file plumbing between app.c
 * and session.c.  Not installed, not for the console.
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

#endif
