/*
 * The one event loop: poll() over the terminal, a self-pipe for signals,
 * the descriptors the app registers (the api-client's completion fd) and
 * timers on the monotonic clock.
 *
 * A batch is everything one poll() wake-up brings: all keys already typed
 * (typeahead: held-down keys skip frames), all ready descriptors, all due
 * timers.  Handlers only set dirty flags; the batch ends with at most one
 * tui_render(), which does at most one doupdate().  When nothing is dirty
 * nothing is written, and poll() sleeps until the next timer or input:
 * there is no periodic tick.
 *
 * Signal handlers only write the signal number into the self-pipe.
 * SIGWINCH lays the screen out again at once (tui_layout(): the new
 * size, every window and layer repainted from a cleared terminal, in
 * the batch's one doupdate()), before the keys of the same batch.
 * SIGINT, SIGTERM and SIGHUP ask the app (on_signal) and
 * by default quit with 128+signo.  The handlers are installed before
 * newterm() so ncurses does not install its own for these signals.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui-int.h"

static int sig_write_fd = -1;
static const int loop_signals[] = { SIGWINCH, SIGINT, SIGTERM, SIGHUP };
static struct sigaction old_loop[4];

static void on_signal(int sig)
{
	int saved = errno;
	unsigned char b = (unsigned char)sig;

	if (sig_write_fd >= 0)
		(void)!write(sig_write_fd, &b, 1);
	errno = saved;
}

int64_t tui_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int tui_loop_init(tui *t, char *err, size_t errlen)
{
	struct sigaction sa;
	size_t i;

	t->last_key_ms = tui_now_ms();
	if (pipe(t->sigpipe) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	for (i = 0; i < 2; i++) {
		fcntl(t->sigpipe[i], F_SETFL,
		      fcntl(t->sigpipe[i], F_GETFL) | O_NONBLOCK);
		fcntl(t->sigpipe[i], F_SETFD, FD_CLOEXEC);
	}
	sig_write_fd = t->sigpipe[1];
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof loop_signals / sizeof *loop_signals; i++)
		sigaction(loop_signals[i], &sa, &old_loop[i]);
	t->next_timer_id = 1;
	return 0;
}

void tui_loop_release(tui *t)
{
	size_t i;

	if (t->sigpipe[1] > 0) {
		for (i = 0; i < sizeof loop_signals / sizeof *loop_signals; i++)
			sigaction(loop_signals[i], &old_loop[i], NULL);
		sig_write_fd = -1;
		close(t->sigpipe[0]);
		close(t->sigpipe[1]);
		t->sigpipe[0] = t->sigpipe[1] = -1;
	}
	free(t->watches);
	t->watches = NULL;
	t->nwatches = 0;
	free(t->timers);
	t->timers = NULL;
	t->ntimers = 0;
}

tui *tui_new(const struct tui_options *opt, char *err, size_t errlen)
{
	tui *t = calloc(1, sizeof *t);

	if (t == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (opt != NULL)
		t->opt = *opt;
	t->sigpipe[0] = t->sigpipe[1] = -1;
	t->running = 1;
	if (tui_loop_init(t, err, errlen) < 0 ||
	    tui_term_open(t, err, errlen) < 0) {
		tui_term_close(t);
		tui_loop_release(t);
		free(t);
		return NULL;
	}
	t->dirty = TUI_DIRTY_ALL;
	return t;
}

void tui_free(tui *t)
{
	if (t == NULL)
		return;
	tui_popups_release(t);
	tui_screens_release(t);
	tui_cmdline_release(t);
	tui_statusbar_release(t);
	tui_term_close(t);
	tui_loop_release(t);
	free(t);
}

void tui_quit(tui *t, int code)
{
	t->running = 0;
	t->exit_code = code;
}

unsigned long tui_update_count(tui *t)
{
	return t->updates;
}

int tui_watch_fd(tui *t, int fd, short events, tui_fd_fn fn, void *ud)
{
	struct tui_watch *w;

	tui_unwatch_fd(t, fd);
	w = realloc(t->watches, (t->nwatches + 1) * sizeof *w);
	if (w == NULL)
		return -1;
	t->watches = w;
	w[t->nwatches++] = (struct tui_watch){ fd, events, fn, ud };
	return 0;
}

void tui_unwatch_fd(tui *t, int fd)
{
	size_t i;

	for (i = 0; i < t->nwatches; i++)
		if (t->watches[i].fd == fd) {
			memmove(&t->watches[i], &t->watches[i + 1],
				(t->nwatches - i - 1) * sizeof *t->watches);
			t->nwatches--;
			return;
		}
}

unsigned tui_timer_add(tui *t, long ms, int periodic, tui_timer_fn fn,
		       void *ud)
{
	struct tui_timer *tm = realloc(t->timers,
				       (t->ntimers + 1) * sizeof *tm);

	if (tm == NULL)
		return 0;
	t->timers = tm;
	if (ms < 0)
		ms = 0;
	tm[t->ntimers++] = (struct tui_timer){
		t->next_timer_id, tui_now_ms() + ms, periodic ? ms : 0, fn, ud
	};
	if (++t->next_timer_id == 0)
		t->next_timer_id = 1;
	return tm[t->ntimers - 1].id;
}

void tui_timer_cancel(tui *t, unsigned id)
{
	size_t i;

	for (i = 0; id != 0 && i < t->ntimers; i++)
		if (t->timers[i].id == id) {
			memmove(&t->timers[i], &t->timers[i + 1],
				(t->ntimers - i - 1) * sizeof *t->timers);
			t->ntimers--;
			return;
		}
}

/* Run every timer due by now.  A callback may add or cancel timers, so
 * each round looks the earliest due one up again. */
static void run_timers(tui *t)
{
	int64_t now = tui_now_ms();

	for (;;) {
		size_t i, best = t->ntimers;
		struct tui_timer tm;

		for (i = 0; i < t->ntimers; i++)
			if (t->timers[i].due <= now &&
			    (best == t->ntimers ||
			     t->timers[i].due < t->timers[best].due))
				best = i;
		if (best == t->ntimers)
			return;
		tm = t->timers[best];
		if (tm.period > 0)
			t->timers[best].due = now + tm.period;
		else
			tui_timer_cancel(t, tm.id);
		tm.fn(t, tm.ud);
	}
}

static int next_timeout(tui *t, int timeout_ms)
{
	int64_t now = tui_now_ms();
	size_t i;

	for (i = 0; i < t->ntimers; i++) {
		int64_t left = t->timers[i].due - now;

		if (left < 0)
			left = 0;
		if (timeout_ms < 0 || left < timeout_ms)
			timeout_ms = (int)left;
	}
	return timeout_ms;
}

static void handle_signals(tui *t)
{
	unsigned char buf[64];
	ssize_t n, i;

	while ((n = read(t->sigpipe[0], buf, sizeof buf)) > 0)
		for (i = 0; i < n; i++) {
			int flags = TUI_QUIT;

			if (buf[i] == SIGWINCH) {
				/* Lay out now, so keys typed after the
				 * resize meet the new size. */
				if (!t->ended && t->crumb != NULL)
					tui_layout(t);
				else
					t->dirty |= TUI_DIRTY_LAYOUT;
				continue;
			}
			if (t->opt.on_signal != NULL)
				flags = t->opt.on_signal(t, buf[i], t->opt.ud);
			if (flags & TUI_QUIT)
				tui_quit(t, 128 + buf[i]);
		}
}

/* One key as the tables know it, or -1 to drop it.  Enter comes as CR
 * (term.c keeps ICRNL off), as LF (Ctrl-J, a terminal in newline mode,
 * a test harness) or as the keypad's KEY_ENTER: all are TUI_KEY_ENTER,
 * everywhere.  A terminal that sends CR LF (or telnet's CR NUL) for one
 * Enter must not press it twice, so LF or NUL right after CR in the same
 * batch is dropped. */
static int normalize_key(int key, int *after_cr)
{
	int was_cr = *after_cr;

	*after_cr = key == '\r';
	if (was_cr && (key == '\n' || key == 0))
		return -1;
	if (key == '\r' || key == '\n' || key == TUI_KEY_FN(KEY_ENTER))
		return TUI_KEY_ENTER;
	if (key == 127 || key == 8)
		return TUI_KEY_BACKSPACE;
	return key;
}

/* Read every key already typed.  Function keys become TUI_KEY_FN(). */
static void handle_keys(tui *t)
{
	wint_t wc;
	int r, after_cr = 0;

	while (t->running && (r = wget_wch(stdscr, &wc)) != ERR) {
		int key = normalize_key(r == KEY_CODE_YES ?
					TUI_KEY_FN((int)wc) : (int)wc,
					&after_cr);

		if (key < 0)
			continue;
		if (key == TUI_KEY_RESIZE) {
			t->dirty |= TUI_DIRTY_LAYOUT;
			continue;
		}
		t->last_key_ms = tui_now_ms();
		tui_dispatch_key(t, key);
	}
}

int64_t tui_idle_ms(tui *t)
{
	return tui_now_ms() - t->last_key_ms;
}

void tui_cancel_input(tui *t)
{
	int guard;

	/* Each Esc closes the top popup; a form may open another on close. */
	for (guard = 0; guard < 16 && tui_popup_open(t); guard++)
		tui_popups_key(t, TUI_KEY_ESC);
	if (tui_cmdline_active(t))
		tui_cmdline_key(t, TUI_KEY_ESC);
	t->dirty |= TUI_DIRTY_ALL & ~TUI_DIRTY_LAYOUT;
}

int tui_run_once(tui *t, int timeout_ms)
{
	struct pollfd *pfd;
	size_t n, i;
	int r;

	if (!t->running)
		return 0;
	tui_render(t);
	n = 2 + t->nwatches;
	pfd = calloc(n, sizeof *pfd);
	if (pfd == NULL)
		return t->running;
	pfd[0] = (struct pollfd){ .fd = t->sigpipe[0], .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = t->in_fd, .events = POLLIN };
	for (i = 0; i < t->nwatches; i++)
		pfd[2 + i] = (struct pollfd){ .fd = t->watches[i].fd,
					      .events = t->watches[i].events };
	r = poll(pfd, n, next_timeout(t, timeout_ms));
	if (r > 0) {
		if (pfd[0].revents & POLLIN)
			handle_signals(t);
		if (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			handle_keys(t);
			if (pfd[1].revents & (POLLHUP | POLLERR) &&
			    !(pfd[1].revents & POLLIN))
				tui_quit(t, 129);
		}
		/* A callback may unwatch descriptors: look each up again. */
		for (i = 2; i < n && t->running; i++) {
			size_t j;

			if (pfd[i].revents == 0)
				continue;
			for (j = 0; j < t->nwatches; j++)
				if (t->watches[j].fd == pfd[i].fd) {
					struct tui_watch w = t->watches[j];

					w.fn(t, w.fd, pfd[i].revents, w.ud);
					break;
				}
		}
	}
	free(pfd);
	run_timers(t);
	if (t->running)
		tui_render(t);
	return t->running;
}

int tui_run(tui *t)
{
	while (tui_run_once(t, -1))
		;
	return t->exit_code;
}
