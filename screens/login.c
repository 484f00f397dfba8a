/*
 * Log in: server, user name, password.
 *
 * Shown when the console starts with nobody logged in, and when the server
 * says the session is over (a refresh failed).  The password field is never
 * echoed; the password goes to eapi_login() and nowhere else (no log, no
 * file, no history), and the form holding it is freed as soon as the
 * answer comes.  With EGOV_PASSWORD set (scripts, ./demo) and a user name
 * known, the form submits itself.  The request is asynchronous: the loop
 * keeps running and the answer arrives as a completion.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screens.h"

struct login {
	tui_form *form;
	int busy;
};

static void on_login(eapi_completion *comp, void *ud);

static void submit(tui_screen *s, struct login *lg)
{
	struct console *con = console_get();
	const char *server = tui_form_value(lg->form, "server");
	const char *user = tui_form_value(lg->form, "user");
	const char *password = tui_form_value(lg->form, "password");
	uint64_t id;

	(void)s;
	if (server && con->app->config.server &&
	    strcmp(server, con->app->config.server) != 0) {
		tui_form_set_error(lg->form,
				   _("To use another server, start egov with --server."));
		return;
	}
	if (user == NULL || *user == '\0' || password == NULL || *password == '\0') {
		tui_form_set_error(lg->form, _("Give the user name and the password."));
		return;
	}
	id = eapi_login(con->app->client, user, password, NULL);
	if (id == 0 || console_request(con, id, on_login, lg) < 0) {
		tui_form_set_error(lg->form, _("Cannot send the request."));
		return;
	}
	lg->busy = 1;
	tui_form_set_error(lg->form, _("Logging in..."));
}

static void on_login(eapi_completion *comp, void *ud)
{
	struct console *con = console_get();
	struct login *lg = ud;

	lg->busy = 0;
	if (comp->error.result != EAPI_OK || comp->u.session == NULL) {
		if (comp->error.http_status == 401)
			tui_form_set_error(lg->form, _("Wrong user name or password."));
		else
			tui_form_set_error(lg->form, comp->error.message);
		eapi_completion_free(comp);
		tui_invalidate(con->t, TUI_REDRAW);
		return;
	}
	if (egov_app_accept_session(con->app, comp->u.session) != EGOV_EXIT_OK) {
		tui_form_set_error(lg->form, con->app->err);
		eapi_completion_free(comp);
		tui_invalidate(con->t, TUI_REDRAW);
		return;
	}
	eapi_completion_free(comp);
	tui_pop(con->t);	/* frees lg */
	console_session_ready(con);
	tui_invalidate(con->t, TUI_REDRAW | TUI_REDRAW_CHROME);
}

static int login_create(tui_screen *s, void *arg, char *err, size_t errlen)
{
	struct console *con = console_get();
	struct login *lg = calloc(1, sizeof *lg);
	const char *user = con->app->session.username ? con->app->session.username
		: con->app->config.user;
	const char *password = getenv("EGOV_PASSWORD");

	(void)arg;
	if (lg == NULL || (lg->form = tui_form_new(_("Log in"))) == NULL) {
		free(lg);
		snprintf(err, errlen, "%s", _("Out of memory."));
		return -1;
	}
	tui_form_add(lg->form, TUI_FIELD_TEXT, "server", _("Server"),
		     con->app->config.server ? con->app->config.server : "");
	tui_form_add(lg->form, TUI_FIELD_TEXT, "user", _("User name"), user ? user : "");
	tui_form_add(lg->form, TUI_FIELD_PASSWORD, "password", _("Password"),
		     password && !con->auth_lost ? password : "");
	tui_screen_set_data(s, lg);
	if (password && *password && user && *user && !con->auth_lost)
		submit(s, lg);
	return 0;
}

static void login_destroy(tui_screen *s)
{
	struct login *lg = tui_screen_data(s);

	console_forget(console_get(), lg);
	tui_form_free(lg->form);
	free(lg);
}

static void login_draw(tui_screen *s, WINDOW *w, int full)
{
	struct login *lg = tui_screen_data(s);

	(void)full;
	werase(w);
	tui_form_draw(lg->form, w);
}

static int login_key(tui_screen *s, int key)
{
	struct login *lg = tui_screen_data(s);
	int r;

	if (lg->busy)
		return key == TUI_KEY_ESC ? TUI_POP : TUI_HANDLED;
	r = tui_form_key(lg->form, key);
	if (r < 0)
		return TUI_POP;
	if (r > 0)
		submit(s, lg);
	return TUI_REDRAW;
}

/* Every key goes to the form (letters are typed, not commands). */
static const struct tui_key_binding login_keys[] = {
	{ 0, NULL, NULL, NULL }
};

const struct tui_screen_entry screen_login = {
	.name = "login",
	.title = N_("Log in"),
	.keys = login_keys,
	.create = login_create,
	.destroy = login_destroy,
	.draw = login_draw,
	.on_key = login_key,
	.on_resize = console_on_resize,
};
