/*
 * libegovtui: the console's terminal framework (ncursesw), public API.
 *
 * One `tui` owns the terminal, one poll() loop (terminal, registered file
 * descriptors, timers, signals through a self-pipe) and a stack of screens.
 * A screen is a declarative `struct tui_screen_entry` (name, title, key
 * table with help text, hooks), one per file in screens/, as tmux declares
 * its commands.  Key handlers return flags saying what to redraw (htop);
 * the loop coalesces every invalidation of a batch of events into one
 * doupdate(), so ncurses sends only the difference, and when nothing
 * changed nothing is written at all.
 *
 * The screen is laid out as: line 0 the breadcrumb (titles of the stack),
 * lines 1..LINES-3 the body of the top screen, line LINES-2 the status bar,
 * line LINES-1 the message / filter / command line.  Popups (confirm
 * dialog, form) float over the body.
 *
 * Every string that comes from data is drawn through tui_draw_text() (or
 * sanitised with tui_text_sanitize()): escape sequences, control and bidi
 * characters become visible escapes and never reach the terminal.
 *
 * Keys are ints: a Unicode code point for characters (Ctrl-L is 12, Esc
 * 27, Enter TUI_KEY_ENTER), or TUI_KEY_FN(KEY_x) for curses function keys,
 * so that Vietnamese letters above U+0100 never collide with KEY_* codes.
 *
 * Include "config.h" first; this header includes <curses.h> with the wide
 * character API enabled, so do not include <curses.h> before it.
 */
#ifndef EGOV_TUI_H
#define EGOV_TUI_H

#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "i18n.h"

typedef struct tui tui;
typedef struct tui_screen tui_screen;
typedef struct tui_list tui_list;
typedef struct tui_form tui_form;

/* ---- keys ---------------------------------------------------------------- */

#define TUI_KEY_FN(k) (0x200000 | (k))	/* a curses KEY_x code */
#define TUI_KEY_ENTER 13
#define TUI_KEY_ESC 27
#define TUI_KEY_TAB 9
#define TUI_KEY_CTRL(c) ((c) & 0x1f)	/* TUI_KEY_CTRL('l') == 12 */
#define TUI_KEY_UP TUI_KEY_FN(KEY_UP)
#define TUI_KEY_DOWN TUI_KEY_FN(KEY_DOWN)
#define TUI_KEY_LEFT TUI_KEY_FN(KEY_LEFT)
#define TUI_KEY_RIGHT TUI_KEY_FN(KEY_RIGHT)
#define TUI_KEY_HOME TUI_KEY_FN(KEY_HOME)
#define TUI_KEY_END TUI_KEY_FN(KEY_END)
#define TUI_KEY_PGUP TUI_KEY_FN(KEY_PPAGE)
#define TUI_KEY_PGDN TUI_KEY_FN(KEY_NPAGE)
#define TUI_KEY_BACKSPACE TUI_KEY_FN(KEY_BACKSPACE)
#define TUI_KEY_DELETE TUI_KEY_FN(KEY_DC)
#define TUI_KEY_BTAB TUI_KEY_FN(KEY_BTAB)
#define TUI_KEY_RESIZE TUI_KEY_FN(KEY_RESIZE)
#define TUI_KEY_F(n) TUI_KEY_FN(KEY_F(n))

/* Parse a key name: "j", "đ", "C-l" / "^L", "F5", "Down", "Up", "Left",
 * "Right", "PgUp", "PgDn", "Home", "End", "Enter", "Esc", "Tab", "BTab",
 * "Space", "Backspace", "Delete", "Insert" (case-insensitive for names).
 * Returns the key, or -1 if the name means nothing. */
int tui_key_parse(const char *name);

/* Write the conventional name of key into buf ("C-l", "Down", "Space",
 * "?"); returns buf.  Unknown keys are written as "<key 0x...>". */
char *tui_key_name(int key, char *buf, size_t len);

/* ---- handler flags (htop style) ------------------------------------------ */

enum {
	TUI_UNHANDLED = 0,	/* not mine: try the next table */
	TUI_HANDLED = 1 << 0,	/* consumed, nothing to repaint */
	TUI_REDRAW_ROWS = 1 << 1,	/* the widgets repaint what they marked */
	TUI_REDRAW = 1 << 2,	/* erase and repaint the whole body */
	TUI_QUIT = 1 << 3,	/* leave tui_run() */
	TUI_POP = 1 << 4,	/* pop this screen (back) */
	TUI_REDRAW_CHROME = 1 << 5	/* breadcrumb and status line too */
};

/* One row of a key table.  The last row has action == NULL. */
typedef int (*tui_key_fn)(tui_screen *s, int key);
struct tui_key_binding {
	int key;		/* default key; tui_bind() may change it */
	const char *action;	/* "queue-open": config and ':' use it */
	const char *help;	/* N_("Open the dossier"): shown by '?' */
	tui_key_fn handler;	/* returns TUI_* flags */
};

/* Bind key to action (process-wide, before or after tui_new()).  The
 * default key of that action stops working unless bound again; several
 * keys may be bound to one action.  Returns 0, or -1 for a bad key. */
int tui_bind(const char *action, int key);
/* Apply "action=keyname" (the config's [keys] lines use it).  On error
 * returns -1 with a one-line reason in err. */
int tui_bind_spec(const char *spec, char *err, size_t errlen);
/* Forget every tui_bind(); frees the table. */
void tui_bindings_reset(void);
/* Does key trigger row b, after rebinding? */
int tui_binding_matches(const struct tui_key_binding *b, int key);
/* The key that triggers b now (first rebinding, else the default). */
int tui_binding_key(const struct tui_key_binding *b);

/* ---- screens ------------------------------------------------------------- */

struct tui_screen_entry {
	const char *name;	/* "queue": ':' and config refer to it */
	const char *title;	/* N_("Queue"): breadcrumb unless renamed */
	const struct tui_key_binding *keys;	/* NULL-action terminated */
	/* Build state from arg; tui_screen_set_data() keeps it.  Nonzero
	 * refuses the push, with a reason in err. */
	int (*create)(tui_screen *s, void *arg, char *err, size_t errlen);
	void (*destroy)(tui_screen *s);	/* free the state */
	/* Paint the body window.  full: it was erased, paint everything;
	 * otherwise repaint only what changed (a list's dirty rows).  Leave
	 * the window's cursor where the hardware cursor should rest.  NULL:
	 * the attached list fills the body. */
	void (*draw)(tui_screen *s, WINDOW *body, int full);
	int (*on_key)(tui_screen *s, int key);	/* keys no table took */
	void (*on_resize)(tui_screen *s, int rows, int cols);	/* body size */
	/* Data arrived (an api completion, a sync): event and data are the
	 * app's.  Called for every screen of the stack, top first. */
	int (*on_event)(tui_screen *s, int event, void *data);
	void (*on_show)(tui_screen *s);	/* became the top screen again */
	/* Hides the screens below it: the breadcrumb starts here (a lock
	 * screen must not show the dossier number under it). */
	int opaque;
};

/* Push a screen; create() receives arg.  Returns 0, or -1 with err. */
int tui_push(tui *t, const struct tui_screen_entry *e, void *arg,
	     char *err, size_t errlen);
/* Pop the top screen (destroy() runs).  Popping the last one quits. */
void tui_pop(tui *t);
tui_screen *tui_top(tui *t);
size_t tui_depth(tui *t);

tui *tui_screen_tui(tui_screen *s);
const struct tui_screen_entry *tui_screen_entry_of(tui_screen *s);
void *tui_screen_data(tui_screen *s);
void tui_screen_set_data(tui_screen *s, void *data);
/* Title shown in the breadcrumb ("Dossier 000.00.31.H10-240101-0001");
 * the text is copied and sanitised when drawn. */
void tui_screen_set_title(tui_screen *s, const char *title);
const char *tui_screen_title(tui_screen *s);
/* Attach the screen's main list: its keys, filter and cursor work with
 * no more code.  The screen still owns (frees) the list. */
void tui_screen_attach_list(tui_screen *s, tui_list *l);
tui_list *tui_screen_list(tui_screen *s);
/* Body size of the screen now. */
void tui_screen_size(tui_screen *s, int *rows, int *cols);

/* Hand an event to every screen's on_event (top first). */
void tui_notify(tui *t, int event, void *data);

/* The global keys ('?' help, Esc/q back, Ctrl-L repaint, ':' command
 * line), a key table of their own; shown in help too. */
extern const struct tui_key_binding tui_global_keys[];

/* ---- the terminal and the loop ------------------------------------------- */

struct tui_options {
	const char *tty;	/* NULL: /dev/tty, then stdin/stdout */
	int no_color;		/* force monochrome (NO_COLOR also does) */
	/* SIGINT/SIGTERM/SIGHUP arrived (signo).  Return TUI_QUIT to leave
	 * tui_run(), anything else to go on.  NULL: quit. */
	int (*on_signal)(tui *t, int signo, void *ud);
	void *ud;
};

/* Open the terminal (newterm, falling back from $TERM to xterm-256color,
 * xterm, vt100), set up keys, colours and signals.  The terminal is
 * restored by tui_free(), at exit and on fatal signals.  Returns NULL
 * with a reason in err. */
tui *tui_new(const struct tui_options *opt, char *err, size_t errlen);
/* Pop every screen, restore the terminal, free everything. */
void tui_free(tui *t);
/* The terminal type that newterm() accepted ("xterm" after a fallback). */
const char *tui_term_name(tui *t);
int tui_has_color(tui *t);

/* Run the loop until a handler returns TUI_QUIT, tui_quit() is called, or
 * the stack is empty.  Returns the code given to tui_quit() (0 by
 * default, 128+signo after a signal). */
int tui_run(tui *t);
void tui_quit(tui *t, int code);
/* Run one batch of events, waiting at most timeout_ms (-1: until
 * something happens); for programs with their own loop.  Returns 1 while
 * running, 0 once quit. */
int tui_run_once(tui *t, int timeout_ms);

/* Mark for repaint in the next batch: TUI_REDRAW (body), TUI_REDRAW_ROWS,
 * TUI_REDRAW_CHROME.  Cheap; many calls cost one doupdate(). */
void tui_invalidate(tui *t, int flags);
/* Repaint everything from scratch (Ctrl-L): clearok + full draw. */
void tui_repaint_all(tui *t);
/* Suspend curses around an outside program (an editor, a pager): the
 * terminal is restored in between; resume repaints. */
void tui_suspend(tui *t);
void tui_resume(tui *t);

typedef void (*tui_fd_fn)(tui *t, int fd, short revents, void *ud);
/* Watch fd for events (POLLIN...) in the loop; the callback runs when
 * poll() reports them.  Returns 0 or -1 (no memory). */
int tui_watch_fd(tui *t, int fd, short events, tui_fd_fn fn, void *ud);
void tui_unwatch_fd(tui *t, int fd);

typedef void (*tui_timer_fn)(tui *t, void *ud);
/* A timer on the monotonic clock, after ms milliseconds; periodic ones
 * repeat every ms.  Returns an id > 0, or 0 (no memory). */
unsigned tui_timer_add(tui *t, long ms, int periodic, tui_timer_fn fn,
		       void *ud);
void tui_timer_cancel(tui *t, unsigned id);
/* Milliseconds on the monotonic clock. */
int64_t tui_now_ms(void);

/* Milliseconds since the person last typed a key (or since tui_new()):
 * what an idle lock measures.  Timers and data arriving do not count. */
int64_t tui_idle_ms(tui *t);
/* Close every popup and the command line as if Esc was typed in each
 * (forms cancel, confirmations answer no), before a lock hides all. */
void tui_cancel_input(tui *t);

/* Counters for tests and benchmarks: doupdate() calls and batches. */
unsigned long tui_update_count(tui *t);

/* ---- styles -------------------------------------------------------------- */

enum tui_style {
	TUI_STYLE_NORMAL, TUI_STYLE_SELECTED, TUI_STYLE_HEADER,
	TUI_STYLE_CRUMB, TUI_STYLE_STATUS, TUI_STYLE_OVERDUE,
	TUI_STYLE_DUE_TODAY, TUI_STYLE_DUE_SOON, TUI_STYLE_PENDING,
	TUI_STYLE_INFO, TUI_STYLE_WARN, TUI_STYLE_ERROR, TUI_STYLE_TAGGED,
	TUI_STYLE_ESCAPE, TUI_STYLE_DIALOG, TUI_STYLE_FIELD,
	TUI_STYLE_COUNT
};
/* Attributes (colour pair or, on monochrome terminals and with NO_COLOR,
 * bold / reverse / underline) for a style. */
attr_t tui_style_attr(enum tui_style st);

/* ---- safe text (text.c) -------------------------------------------------- */

enum { TUI_ALIGN_LEFT = 0, TUI_ALIGN_RIGHT = 1,
       TUI_KEEP_TAIL = 2 /* truncate at the start: "…0001" */ };

/* A copy of untrusted UTF-8 that is safe to send to a terminal: NFC;
 * invalid bytes as \xFF; C0/DEL as ^[ ^M ...; C1 controls, bidi
 * overrides and isolates, other format, separator, private-use and
 * unassigned characters as <U+202E>; a combining mark with nothing to
 * combine with gets U+25CC before it.  Caller frees; NULL: no memory. */
char *tui_text_sanitize(const char *s);
/* Columns sanitized text takes (wide = 2, combining = 0). */
int tui_text_width(const char *safe);
/* Write s (untrusted) into buf as exactly `width` columns: sanitised,
 * truncated with "…" without splitting a character, padded with spaces
 * (left or right per align, TUI_KEEP_TAIL cuts the start instead).  buf
 * needs 4*width+8 bytes at most.  Returns the bytes written. */
size_t tui_text_fit(const char *s, int width, int align, char *buf,
		    size_t buflen);
/* Draw untrusted s at (y, x) of w in exactly width columns with attr.
 * Returns the columns drawn. */
int tui_draw_text(WINDOW *w, int y, int x, int width, const char *s,
		  int align, attr_t attr);

/* ---- the virtual list (list.c) ------------------------------------------- */

#define TUI_LIST_MAX_COLS 12

struct tui_column {
	const char *title;	/* N_("Applicant") */
	int min_width;		/* never narrower than this */
	int max_width;		/* 0: takes a share of the spare room */
	int priority;		/* 0 most important; the highest go first
				 * when the terminal is narrow */
	int align;		/* TUI_ALIGN_* */
};

/* One visible row, filled by the source's fetch(). */
struct tui_row {
	char *id;		/* stable id (dossier number): tags, selection */
	int style;		/* enum tui_style for the row, 0 normal */
	char *cell[TUI_LIST_MAX_COLS];
};
/* Set the id / a cell of a row (copies text; replaces the old value).
 * Returns 0 or -1 (no memory). */
int tui_row_set_id(struct tui_row *r, const char *id);
int tui_row_set_cell(struct tui_row *r, int col, const char *text);

struct tui_list_source {
	/* Rows matching the current query. */
	size_t (*count)(void *ud);
	/* Fill rows[0..n-1] with rows first..first+n-1 (only visible rows
	 * are ever asked for).  Returns the rows filled. */
	size_t (*fetch)(void *ud, size_t first, size_t n, struct tui_row *rows);
	/* The filter text (UTF-8, may be "") and sort: column index (-1:
	 * the source's natural order, until 's' is pressed) and
	 * descending flag.  The next count()/fetch() follow it.  NULL: the
	 * source neither filters nor sorts. */
	void (*set_query)(void *ud, const char *filter, int sort_col,
			  int sort_desc);
	/* Index of the row with id under the current query, or -1: keeps
	 * the selection on its row across a refresh.  May be NULL. */
	long (*index_of)(void *ud, const char *id);
};

/* The selection arithmetic, pure, exposed for tests. */
struct tui_list_view {
	size_t count;		/* rows */
	size_t top;		/* first visible row */
	size_t sel;		/* selected row (0 when count == 0) */
	int height;		/* visible rows, >= 1 */
};
/* Move the selection by delta rows (clamped) and scroll the least needed
 * to keep it visible.  Returns 1 if the top moved (a scroll). */
int tui_view_move(struct tui_list_view *v, long delta);
int tui_view_page(struct tui_list_view *v, int pages);	/* +1 / -1 */
int tui_view_home(struct tui_list_view *v);
int tui_view_end(struct tui_list_view *v);
/* After count or height changed: clamp sel and top. */
void tui_view_clamp(struct tui_list_view *v);

/* Choose widths for ncols columns in width cells (one space between
 * columns): the columns of highest priority number are dropped (width 0)
 * until the rest fit, spare room is shared out.  Returns the columns
 * shown. */
int tui_columns_layout(const struct tui_column *cols, int ncols, int width,
		       int *widths);

tui_list *tui_list_new(const struct tui_column *cols, int ncols,
		       const struct tui_list_source *src, void *src_ud);
void tui_list_free(tui_list *l);
/* The data changed (new rows from a sync): count again and refetch the
 * visible rows, keeping the selected row by id where possible. */
void tui_list_refresh(tui_list *l);
/* The list's window size (header line included); the framework calls it
 * for an attached list on every resize, a screen that places its list
 * itself calls it from on_resize. */
void tui_list_resize(tui_list *l, int rows, int cols);
/* Paint into w (rows 0: header, 1..: rows).  full: everything, else only
 * the rows marked dirty.  Leaves w's cursor on the selected row. */
void tui_list_draw(tui_list *l, WINDOW *w, int full);
/* A key for the list (moves, tag, sort, '/' filter).  Returns flags. */
int tui_list_key(tui_list *l, int key);
/* The list's own key table (in help, rebindable). */
extern const struct tui_key_binding tui_list_keys[];
/* True while '/' filter input is being typed. */
int tui_list_filtering(const tui_list *l);
/* The filter prompt to show on the message line, and cursor column. */
const char *tui_list_filter_text(const tui_list *l);

size_t tui_list_count(const tui_list *l);
size_t tui_list_selected(const tui_list *l);		/* index */
const char *tui_list_selected_id(tui_list *l);		/* NULL if none */
void tui_list_select(tui_list *l, size_t index);
const struct tui_list_view *tui_list_view_of(const tui_list *l);
/* Tags: ids tagged with space / t, kept across filters and refreshes. */
size_t tui_list_tagged_count(const tui_list *l);
const char *tui_list_tagged_id(const tui_list *l, size_t i);	/* sorted */
int tui_list_is_tagged(const tui_list *l, const char *id);
void tui_list_untag_all(tui_list *l);
int tui_list_sort_col(const tui_list *l);
int tui_list_sort_desc(const tui_list *l);
/* How many leading visible columns the selection bar covers (0: the
 * whole row).  The default, 2, keeps a move within the 200-byte budget
 * with Vietnamese text (a whole row of it is ~100 bytes); the hardware
 * cursor marks the row for screen readers either way. */
void tui_list_set_bar(tui_list *l, int bar_cols);
/* Where the last draw sent the hardware cursor (window row). */
int tui_list_cursor_row(const tui_list *l);

/* ---- status bar (statusbar.c) -------------------------------------------- */

enum tui_link { TUI_LINK_ONLINE, TUI_LINK_SLOW, TUI_LINK_OFFLINE };
enum tui_msg_level { TUI_MSG_INFO, TUI_MSG_WARN, TUI_MSG_ERROR };

struct tui_status {
	const char *user, *role, *agency;	/* untrusted, sanitised */
	enum tui_link link;
	time_t last_sync;	/* 0: never */
	long outbox;		/* actions waiting */
	long conflicts;
};
/* Feed the status bar (copied).  Repaints only if the text changes. */
void tui_set_status(tui *t, const struct tui_status *st);
/* The status line for now, width columns: pure, for tests.  Returns the
 * bytes written into buf (NUL-terminated). */
size_t tui_status_format(const struct tui_status *st, time_t now, int width,
			 char *buf, size_t len);
/* "just now", "5 min ago", "3 h ago", "2 d ago", "never": the age text,
 * and the seconds after which it next changes. */
void tui_status_age(time_t last, time_t now, char *buf, size_t len,
		    long *next_change_s);
/* Show a message on the bottom line; it clears itself after a few
 * seconds (4 info, 8 warn/error).  printf-style, untrusted args are
 * sanitised. */
void tui_message(tui *t, enum tui_msg_level lv, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
const char *tui_message_text(tui *t);	/* "" when none */

/* ---- popups: confirm dialog, form (dialog.c, form.c) --------------------- */

/* Ask question (yes/no, default no).  done(yes) runs when answered; Esc
 * and n answer no.  Nothing destructive without it. */
typedef void (*tui_confirm_fn)(tui *t, int yes, void *ud);
void tui_confirm(tui *t, const char *title, const char *question,
		 tui_confirm_fn done, void *ud);

enum tui_field_kind {
	TUI_FIELD_TEXT, TUI_FIELD_PASSWORD, TUI_FIELD_NUMBER,
	TUI_FIELD_CHOICE, TUI_FIELD_PICK
};
/* Candidates for a pick field: fill at most max labels (caller frees
 * each with free()) matching prefix; returns how many. */
typedef size_t (*tui_pick_fn)(void *ud, const char *typed, char **out,
			      size_t max);

tui_form *tui_form_new(const char *title);
void tui_form_free(tui_form *f);
/* Add a field.  name is the key for tui_form_value(); label is shown.
 * choices: NULL-terminated for TUI_FIELD_CHOICE.  Returns index or -1. */
int tui_form_add(tui_form *f, enum tui_field_kind kind, const char *name,
		 const char *label, const char *initial);
int tui_form_add_choice(tui_form *f, const char *name, const char *label,
			const char *const *choices, int initial);
int tui_form_add_pick(tui_form *f, const char *name, const char *label,
		      tui_pick_fn pick, void *ud);
/* The value typed (UTF-8, NFC); NULL for an unknown name. */
const char *tui_form_value(tui_form *f, const char *name);
long tui_form_number(tui_form *f, const char *name);
/* Show an error under the fields (submit hook refusing a value). */
void tui_form_set_error(tui_form *f, const char *msg);
/* Feed one key (Tab/Down next field, Enter submit, Esc cancel).
 * Returns 1 submit, -1 cancel, 0 go on. */
int tui_form_key(tui_form *f, int key);
/* Draw into w; leaves w's cursor at the editing point. */
void tui_form_draw(tui_form *f, WINDOW *w);

/* Submitted (ok) or cancelled (!ok).  Return 0 to close the form (it is
 * freed), nonzero to keep it open (after tui_form_set_error). */
typedef int (*tui_form_fn)(tui *t, tui_form *f, int ok, void *ud);
/* Open f as a popup; the tui owns it from now on. */
void tui_form_open(tui *t, tui_form *f, tui_form_fn done, void *ud);

/* Is a popup (dialog or form) open? */
int tui_popup_open(tui *t);

/* ---- pager (pager.c) ----------------------------------------------------- */

/* Push a screen showing text (untrusted, lines split on \n, tabs
 * expanded) with scrolling and '/' search.  The text is copied. */
int tui_pager_push(tui *t, const char *title, const char *text);
extern const struct tui_screen_entry tui_pager_screen;

/* ---- command line (cmdline.c, libedit) ----------------------------------- */

/* Completion: fill at most max candidates (caller frees each) for the
 * word being typed; line is the whole line so far.  Returns how many. */
typedef size_t (*tui_complete_fn)(void *ud, const char *line,
				  const char *word, char **out, size_t max);
/* A command was entered (Enter); return TUI_* flags. */
typedef int (*tui_command_fn)(tui *t, const char *line, void *ud);

/* Configure ':' : history file (NULL: none), completion and command
 * callbacks.  Returns 0 or -1 with err. */
int tui_cmdline_setup(tui *t, const char *history_file,
		      tui_complete_fn complete, tui_command_fn run, void *ud,
		      char *err, size_t errlen);
/* Open the command line as if ':' was typed. */
void tui_cmdline_open(tui *t);
int tui_cmdline_active(tui *t);

#endif
