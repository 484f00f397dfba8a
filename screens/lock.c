/*
 * The auto-lock: after the configured idle time (auto_lock minutes,
 * default 10) the console hides everything behind a lock screen until
 * the person types their password again.  An office PC left with a
 * dossier open shows citizens' data to whoever walks by; the lock is the
 * answer Decree 13/2023 asks for.
 *
 * Locking cancels open forms, confirmations and the command line (they
 * would float over the lock), and pushes an opaque screen: the
 * breadcrumb shows only "Locked", the body only the user name and the
 * password prompt.  The sync keeps running underneath (the console's
 * timer and completions are untouched), so the outbox drains and the
 * queues stay fresh while nobody watches.
 *
 * Unlocking checks the password with the server (a password login as the
 * same user, whose new tokens are kept) when the link is up.  When it is
 * down, it is checked against a salted hash (yescrypt, libxcrypt) kept
 * only in this process's memory, made at the last successful check; with
 * no such hash the lock says it needs the server.  The typed password is
 * wiped after each attempt.
 *
 * EGOV_AUTO_LOCK_S (seconds) overrides the minutes, for tests and demos.
 */
#include "config.h"

#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screens.h"

static char known_hash[CRYPT_OUTPUT_SIZE];	/* "" until a password is known */
static unsigned lock_timer;
static int64_t lock_after_ms;

static void wipe(char *p, size_t n)
{
	volatile char *v = p;

	while (n--)
		*v++ = 0;
}

void lock_remember_password(const char *password)
{
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data *cd = calloc(1, sizeof *cd);
	const char *h;

	if (cd == NULL || password == NULL)
		goto cleanup;
	if (crypt_gensalt_rn("$y$", 0, NULL, 0, salt, sizeof salt) == NULL)
		goto cleanup;
	h = crypt_rn(password, salt, cd, sizeof *cd);
	if (h != NULL && h[0] != '*')
		snprintf(known_hash, sizeof known_hash, "%s", h);
cleanup:
	if (cd != NULL)
		wipe((char *)cd, sizeof *cd);
	free(cd);
}

static int matches_known(const char *password)
{
	struct crypt_data *cd;
	const char *h;
	int ok = 0;

	if (known_hash[0] == '\0' || (cd = calloc(1, sizeof *cd)) == NULL)
		return 0;
	h = crypt_rn(password, known_hash, cd, sizeof *cd);
	ok = h != NULL && strcmp(h, known_hash) == 0;
	wipe((char *)cd, sizeof *cd);
	free(cd);
	return ok;
}

/* ---- the lock screen --------------------------------------------------------- */

struct lock {
	char pw[256];
	size_t len;			/* bytes of pw */
	int busy;			/* the server is checking */
	char note[256];
	enum tui_msg_level level;
};

static void unlock(struct lock *lk)
{
	struct console *con = console_get();

	wipe(lk->pw, sizeof lk->pw);
	lk->len = 0;
	tui_pop(con->t);		/* frees lk */
	tui_invalidate(con->t, TUI_REDRAW | TUI_REDRAW_CHROME);
}

static void refuse(struct lock *lk, const char *why)
{
	wipe(lk->pw, sizeof lk->pw);
	lk->len = 0;
	lk->busy = 0;
	snprintf(lk->note, sizeof lk->note, "%s", why);
	tui_invalidate(console_get()->t, TUI_REDRAW);
}

static void on_login(eapi_completion *comp, void *ud)
{
	struct console *con = console_get();
	struct lock *lk = ud;

	lk->busy = 0;
	if (comp->error.result == EAPI_OK && comp->u.session != NULL) {
		egov_app_accept_session(con->app, comp->u.session);
		lock_remember_password(lk->pw);
		eapi_completion_free(comp);
		unlock(lk);
		return;
	}
	if (comp->error.http_status == 401 || comp->error.http_status == 400 ||
	    comp->error.result == EAPI_E_AUTH) {
		refuse(lk, _("Wrong password."));
	} else if (matches_known(lk->pw)) {
		eapi_completion_free(comp);
		unlock(lk);
		return;
	} else {
		diag_note_error("unlock", &comp->error);
		refuse(lk, known_hash[0] ? _("Wrong password.") :
		       _("The server cannot be reached to check the password; try again when the link is back."));
	}
	eapi_completion_free(comp);
}

/* Returns 1 when the password was good and checked at once (offline):
 * the caller pops the lock by its return flags, as a key handler must
 * not free its own screen. */
static int check(struct lock *lk)
{
	struct console *con = console_get();
	eapi_link_stats ls;
	eapi_call call;
	uint64_t id;

	if (lk->len == 0 || lk->busy)
		return 0;
	eapi_client_link_stats(con->app->client, &ls);
	if (!ls.online && known_hash[0]) {
		if (matches_known(lk->pw))
			return 1;
		refuse(lk, _("Wrong password."));
		return 0;
	}
	memset(&call, 0, sizeof call);
	call.deadline_ms = 15000;
	id = eapi_login(con->app->client, con->app->session.username, lk->pw, &call);
	if (id == 0 || console_request(con, id, on_login, lk) < 0) {
		refuse(lk, _("Cannot send the request."));
		return 0;
	}
	lk->busy = 1;
	snprintf(lk->note, sizeof lk->note, "%s", _("Checking the password..."));
	return 0;
}

static void lock_draw(tui_screen *s, WINDOW *w, int full)
{
	struct lock *lk = tui_screen_data(s);
	struct egov_session *se = &console_get()->app->session;
	int rows, cols, y, x;
	char line[512];

	(void)full;
	getmaxyx(w, rows, cols);
	werase(w);
	y = rows / 2 - 3;
	if (y < 0)
		y = 0;
	tui_draw_text(w, y, 2, cols - 4, _("The console is locked."), 0, A_BOLD);
	snprintf(line, sizeof line, _("Type the password of %s to go on."),
		 se->username ? se->username : "?");
	tui_draw_text(w, y + 2, 2, cols - 4, line, 0, A_NORMAL);
	/* Like the form's password field: not even the length shows. */
	snprintf(line, sizeof line, "%s ", _("Password:"));
	tui_draw_text(w, y + 4, 2, cols - 4, line, 0, tui_style_attr(TUI_STYLE_FIELD));
	x = 2 + tui_text_width(line);
	if (lk->note[0])
		tui_draw_text(w, y + 6, 2, cols - 4, lk->note, 0,
			      lk->busy ? A_NORMAL : tui_style_attr(TUI_STYLE_ERROR));
	wmove(w, y + 4, x < cols ? x : cols - 1);
}

/* Every key is the lock's: nothing reaches the screens below, not even
 * the global keys (back, help, the command line). */
static int lock_key(tui_screen *s, int key)
{
	struct lock *lk = tui_screen_data(s);

	if (lk->busy)
		return TUI_HANDLED;
	if (key == TUI_KEY_ENTER) {
		lk->pw[lk->len] = '\0';
		if (check(lk)) {
			wipe(lk->pw, sizeof lk->pw);
			lk->len = 0;
			return TUI_POP | TUI_REDRAW | TUI_REDRAW_CHROME;
		}
		return TUI_REDRAW;
	}
	if (key == TUI_KEY_BACKSPACE) {
		while (lk->len > 0 && ((unsigned char)lk->pw[lk->len - 1] & 0xc0) == 0x80)
			lk->len--;
		if (lk->len > 0)
			lk->len--;
		lk->pw[lk->len] = '\0';
		return TUI_REDRAW;
	}
	if (key == TUI_KEY_ESC || key == TUI_KEY_CTRL('u')) {
		wipe(lk->pw, sizeof lk->pw);
		lk->len = 0;
		return TUI_REDRAW;
	}
	if (key >= 0x20 && key < 0x110000 && key != 0x7f && lk->len + 5 < sizeof lk->pw) {
		char u[5];
		int n;

		/* UTF-8 of one code point. */
		if (key < 0x80) {
			u[0] = (char)key;
			n = 1;
		} else if (key < 0x800) {
			u[0] = (char)(0xc0 | (key >> 6));
			u[1] = (char)(0x80 | (key & 0x3f));
			n = 2;
		} else if (key < 0x10000) {
			u[0] = (char)(0xe0 | (key >> 12));
			u[1] = (char)(0x80 | ((key >> 6) & 0x3f));
			u[2] = (char)(0x80 | (key & 0x3f));
			n = 3;
		} else {
			u[0] = (char)(0xf0 | (key >> 18));
			u[1] = (char)(0x80 | ((key >> 12) & 0x3f));
			u[2] = (char)(0x80 | ((key >> 6) & 0x3f));
			u[3] = (char)(0x80 | (key & 0x3f));
			n = 4;
		}
		memcpy(lk->pw + lk->len, u, (size_t)n);
		lk->len += (size_t)n;
		lk->pw[lk->len] = '\0';
		if (lk->note[0] && !lk->busy)
			lk->note[0] = '\0';
		return TUI_REDRAW;
	}
	return TUI_HANDLED;
}

static int lock_create(tui_screen *s, void *arg, char *err, size_t errlen)
{
	struct lock *lk = calloc(1, sizeof *lk);

	(void)arg;
	if (lk == NULL) {
		snprintf(err, errlen, "%s", _("Out of memory."));
		return -1;
	}
	tui_screen_set_data(s, lk);
	return 0;
}

static void lock_destroy(tui_screen *s)
{
	struct lock *lk = tui_screen_data(s);

	console_forget(console_get(), lk);
	wipe(lk->pw, sizeof lk->pw);
	free(lk);
}

static const struct tui_key_binding lock_keys[] = {
	{ 0, NULL, NULL, NULL }
};

static const struct tui_screen_entry screen_lock = {
	.name = "lock",
	.title = N_("Locked"),
	.keys = lock_keys,
	.create = lock_create,
	.destroy = lock_destroy,
	.draw = lock_draw,
	.on_key = lock_key,
	.on_resize = console_on_resize,
	.opaque = 1,
};

int lock_now(struct console *con)
{
	tui_screen *top = tui_top(con->t);
	const struct tui_screen_entry *e = top ? tui_screen_entry_of(top) : NULL;

	/* Nothing to hide before a login, nothing more to hide when locked. */
	if (e == &screen_lock || e == &screen_login || !con->app->session.known)
		return TUI_HANDLED;
	tui_cancel_input(con->t);
	return console_open(con->t, &screen_lock, NULL);
}

static void on_lock_timer(tui *t, void *ud)
{
	struct console *con = ud;

	if (tui_idle_ms(t) >= lock_after_ms)
		lock_now(con);
}

void lock_setup(struct console *con)
{
	const char *s = getenv("EGOV_AUTO_LOCK_S");
	long seconds = (long)con->app->config.auto_lock * 60;

	if (s != NULL && *s != '\0')
		seconds = strtol(s, NULL, 10);
	if (seconds <= 0)
		return;
	lock_after_ms = (int64_t)seconds * 1000;
	/* Checking often enough to lock within a few percent of the time. */
	lock_timer = tui_timer_add(con->t, seconds < 60 ? 250 : 5000, 1, on_lock_timer, con);
}
