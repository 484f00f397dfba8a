/*
 * The terminal: opening it, colours, and always giving it back.
 *
 * newterm() is tried on /dev/tty (so stdout may be redirected), else on
 * stdin/stdout, first with $TERM, then xterm-256color, xterm and vt100:
 * "Error opening terminal" over SSH from an exotic $TERM is the commonest
 * first-run failure of curses programs.  No terminal queries are sent
 * (ncurses sends none unless asked; we never ask).  Esc waits 25 ms.
 *
 * Keys: cbreak(), not raw(), so Ctrl-Z stays SIGTSTP, which ncurses' own
 * handler turns into endwin / stop / repaint on resume, and Ctrl-\ still
 * kills.  Only the INTR character is switched off: Ctrl-C arrives as a key,
 * which cancels a popup, the command line or a filter being typed, and
 * otherwise quits cleanly (a global key).  SIGINT from elsewhere still
 * quits through the loop's self-pipe.
 *
 * Colours are used when the terminal has them and NO_COLOR is unset; the
 * urgency styles then fall back to bold / underline / reverse.
 *
 * The terminal is restored by tui_free(), by an atexit() handler, and on
 * fatal signals by a handler that only does async-signal-safe work: the
 * saved termios and a precomputed reset string written with write().
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <term.h>
#include <unistd.h>

#include "tui-int.h"

/* One terminal per process (curses is global anyway). */
static tui *active_tui;
static int emergency_fd = -1;
static struct termios emergency_termios;
static int have_termios;
static char emergency_reset[256];
static size_t emergency_len;
static const int fatal_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL,
				     SIGABRT };
static struct sigaction old_fatal[5];
static int atexit_done;

static attr_t style_attrs[TUI_STYLE_COUNT];

static void emergency_restore(int sig)
{
	size_t i;

	if (emergency_fd >= 0) {
		if (emergency_len)
			(void)!write(emergency_fd, emergency_reset,
				     emergency_len);
		if (have_termios)
			tcsetattr(emergency_fd, TCSANOW, &emergency_termios);
	}
	for (i = 0; i < sizeof fatal_signals / sizeof fatal_signals[0]; i++)
		if (fatal_signals[i] == sig)
			sigaction(sig, &old_fatal[i], NULL);
	/* A fault re-executes the instruction and meets the old handler
	 * (ASan's, or the default); abort() must be raised again. */
	if (sig == SIGABRT)
		raise(sig);
}

static void at_exit_restore(void)
{
	if (active_tui && !active_tui->ended) {
		set_term(active_tui->scr);
		endwin();
		active_tui->ended = 1;
	}
}

static void append_cap(const char *name)
{
	char *s = tigetstr(name);
	size_t n;

	if (s == NULL || s == (char *)-1)
		return;
	n = strlen(s);
	if (emergency_len + n >= sizeof emergency_reset)
		return;
	memcpy(emergency_reset + emergency_len, s, n);
	emergency_len += n;
}

static void prepare_emergency(tui *t)
{
	struct sigaction sa;
	size_t i;

	emergency_fd = fileno(t->out);
	emergency_len = 0;
	append_cap("sgr0");
	append_cap("cnorm");
	append_cap("rmkx");
	append_cap("rmcup");
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = emergency_restore;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof fatal_signals / sizeof fatal_signals[0]; i++)
		sigaction(fatal_signals[i], &sa, &old_fatal[i]);
}

static void forget_emergency(void)
{
	size_t i;

	if (emergency_fd < 0)
		return;
	for (i = 0; i < sizeof fatal_signals / sizeof fatal_signals[0]; i++)
		sigaction(fatal_signals[i], &old_fatal[i], NULL);
	emergency_fd = -1;
}

/* Ctrl-C as a key (above), and Enter as CR whatever the driver was told
 * before: cbreak() clears ICRNL on most systems but not by any standard,
 * and INLCR or IGNCR left on by a previous program would turn Enter into
 * LF or swallow it.  The loop maps CR, LF and KEY_ENTER to one Enter. */
static void set_input_modes(int fd)
{
	struct termios tio;

	if (tcgetattr(fd, &tio) != 0)
		return;
	tio.c_cc[VINTR] = _POSIX_VDISABLE;
	tio.c_iflag &= ~(tcflag_t)(ICRNL | INLCR | IGNCR);
	if (tcsetattr(fd, TCSANOW, &tio) == 0)
		def_prog_mode();	/* kept across Ctrl-Z and suspend */
}

static SCREEN *try_newterm(tui *t, const char *type)
{
	SCREEN *s = newterm(type, t->out, t->in);

	if (s != NULL)
		snprintf(t->term_name, sizeof t->term_name, "%s", type);
	return s;
}

static int open_files(tui *t)
{
	const char *path = t->opt.tty ? t->opt.tty : "/dev/tty";
	FILE *f = fopen(path, "r+");

	if (f != NULL) {
		t->in = t->out = f;
		t->own_files = 1;
		return 0;
	}
	if (t->opt.tty != NULL || !isatty(STDIN_FILENO) ||
	    !isatty(STDOUT_FILENO))
		return -1;
	t->in = stdin;
	t->out = stdout;
	return 0;
}

/* Terminals and emulators (and pyte) send cursor keys in either mode
 * whatever smkx asked for; teach ncurses both spellings. */
static void define_cursor_keys(void)
{
	static const struct { const char *seq; int key; } extra[] = {
		{ "\033[A", KEY_UP }, { "\033[B", KEY_DOWN },
		{ "\033[C", KEY_RIGHT }, { "\033[D", KEY_LEFT },
		{ "\033[H", KEY_HOME }, { "\033[F", KEY_END },
		{ "\033OA", KEY_UP }, { "\033OB", KEY_DOWN },
		{ "\033OC", KEY_RIGHT }, { "\033OD", KEY_LEFT },
		{ "\033OH", KEY_HOME }, { "\033OF", KEY_END },
		{ "\033[1~", KEY_HOME }, { "\033[4~", KEY_END },
		{ "\033[5~", KEY_PPAGE }, { "\033[6~", KEY_NPAGE },
		{ "\033[3~", KEY_DC }, { "\033[2~", KEY_IC },
		{ "\033[Z", KEY_BTAB }, { "\033OP", KEY_F(1) },
	};
	size_t i;

	for (i = 0; i < sizeof extra / sizeof *extra; i++)
		if (key_defined(extra[i].seq) == 0)
			define_key(extra[i].seq, extra[i].key);
}

static void init_styles(tui *t)
{
	static const short fg[TUI_STYLE_COUNT] = {
		[TUI_STYLE_CRUMB] = COLOR_WHITE,
		[TUI_STYLE_STATUS] = COLOR_BLACK,
		[TUI_STYLE_OVERDUE] = COLOR_RED,
		[TUI_STYLE_DUE_TODAY] = COLOR_YELLOW,
		[TUI_STYLE_DUE_SOON] = COLOR_CYAN,
		[TUI_STYLE_PENDING] = COLOR_MAGENTA,
		[TUI_STYLE_WARN] = COLOR_YELLOW,
		[TUI_STYLE_ERROR] = COLOR_RED,
		[TUI_STYLE_TAGGED] = COLOR_GREEN,
		[TUI_STYLE_ESCAPE] = COLOR_MAGENTA,
	};
	static const short bg[TUI_STYLE_COUNT] = {
		[TUI_STYLE_CRUMB] = COLOR_BLUE,
		[TUI_STYLE_STATUS] = COLOR_CYAN,
	};
	/* Without colour, urgency still shows: overdue loudest. */
	static const attr_t mono[TUI_STYLE_COUNT] = {
		[TUI_STYLE_SELECTED] = A_REVERSE,
		[TUI_STYLE_HEADER] = A_BOLD | A_UNDERLINE,
		[TUI_STYLE_CRUMB] = A_BOLD,
		[TUI_STYLE_STATUS] = A_REVERSE,
		[TUI_STYLE_OVERDUE] = A_BOLD | A_UNDERLINE,
		[TUI_STYLE_DUE_TODAY] = A_BOLD,
		[TUI_STYLE_DUE_SOON] = A_UNDERLINE,
		[TUI_STYLE_PENDING] = A_DIM,
		[TUI_STYLE_WARN] = A_BOLD,
		[TUI_STYLE_ERROR] = A_BOLD | A_REVERSE,
		[TUI_STYLE_TAGGED] = A_BOLD,
		[TUI_STYLE_ESCAPE] = A_UNDERLINE,
		[TUI_STYLE_FIELD] = A_UNDERLINE,
	};
	int i;

	for (i = 0; i < TUI_STYLE_COUNT; i++)
		style_attrs[i] = mono[i];
	if (!t->color)
		return;
	use_default_colors();
	for (i = 0; i < TUI_STYLE_COUNT; i++) {
		if (fg[i] == 0 && bg[i] == 0)
			continue;
		init_pair((short)i, fg[i], bg[i] ? bg[i] : -1);
		style_attrs[i] = COLOR_PAIR(i);
		if (i == TUI_STYLE_OVERDUE || i == TUI_STYLE_DUE_TODAY ||
		    i == TUI_STYLE_ERROR || i == TUI_STYLE_CRUMB)
			style_attrs[i] |= A_BOLD;
	}
}

attr_t tui_style_attr(enum tui_style st)
{
	if ((int)st < 0 || st >= TUI_STYLE_COUNT)
		return A_NORMAL;
	return style_attrs[st];
}

int tui_term_open(tui *t, char *err, size_t errlen)
{
	static const char *const fallbacks[] = { "xterm-256color", "xterm",
						 "vt100" };
	const char *env_term = getenv("TERM");
	const char *no_color = getenv("NO_COLOR");
	size_t i;

	if (active_tui != NULL) {
		snprintf(err, errlen, "a terminal is already open");
		return -1;
	}
	if (strcmp(setlocale(LC_CTYPE, NULL), "C") == 0)
		setlocale(LC_CTYPE, "");
	if (open_files(t) < 0) {
		snprintf(err, errlen, "no terminal: %s", strerror(errno));
		return -1;
	}
	t->in_fd = fileno(t->in);
	have_termios = tcgetattr(fileno(t->out), &emergency_termios) == 0;
	if (env_term != NULL && *env_term != '\0')
		t->scr = try_newterm(t, env_term);
	for (i = 0; t->scr == NULL && i < sizeof fallbacks / sizeof *fallbacks;
	     i++)
		t->scr = try_newterm(t, fallbacks[i]);
	if (t->scr == NULL) {
		snprintf(err, errlen, "cannot open terminal type %s",
			 env_term ? env_term : "(unset)");
		return -1;
	}
	active_tui = t;
	if (!atexit_done && atexit(at_exit_restore) == 0)
		atexit_done = 1;
	set_term(t->scr);
	set_escdelay(25);
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	define_cursor_keys();
	nodelay(stdscr, TRUE);
	leaveok(stdscr, FALSE);
	typeahead(t->in_fd);
	set_input_modes(t->in_fd);
	t->color = has_colors() && !t->opt.no_color &&
		!(no_color != NULL && *no_color != '\0');
	if (t->color && start_color() != OK)
		t->color = 0;
	init_styles(t);
	prepare_emergency(t);
	/* stdscr only reads keys; refresh it now so wget_wch() never finds
	 * it touched and paints it over the real windows. */
	wnoutrefresh(stdscr);
	return 0;
}

void tui_term_close(tui *t)
{
	if (t->scr != NULL) {
		set_term(t->scr);
		if (!t->ended)
			endwin();
		t->ended = 1;
		forget_emergency();
		delscreen(t->scr);
		t->scr = NULL;
	}
	if (active_tui == t)
		active_tui = NULL;
	if (t->own_files && t->in != NULL)
		fclose(t->in);
	t->in = t->out = NULL;
}

void tui_term_size(tui *t, int *rows, int *cols)
{
	struct winsize ws;

	if (ioctl(fileno(t->out), TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0) {
		*rows = ws.ws_row;
		*cols = ws.ws_col;
		return;
	}
	*rows = LINES;
	*cols = COLS;
}

const char *tui_term_name(tui *t)
{
	return t->term_name;
}

int tui_has_color(tui *t)
{
	return t->color;
}

void tui_suspend(tui *t)
{
	if (t->ended)
		return;
	def_prog_mode();
	endwin();
	t->ended = 1;
}

void tui_resume(tui *t)
{
	if (!t->ended)
		return;
	reset_prog_mode();
	t->ended = 0;
	tui_repaint_all(t);
}
