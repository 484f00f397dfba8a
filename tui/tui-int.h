/*
 * The inside of libegovtui, shared by its files and by nobody else.
 *
 * struct tui ties the terminal (term.c), the loop (loop.c), the screen
 * stack and layout (screen.c), the status and message lines
 * (statusbar.c), popups (dialog.c, form.c) and the command line
 * (cmdline.c) together.  Dirty flags say what the next batch repaints.
 */
#ifndef EGOV_TUI_INT_H
#define EGOV_TUI_INT_H

#include <signal.h>
#include <stdio.h>

#include "tui.h"

/* Dirty flags beyond the public TUI_REDRAW_*. */
enum {
	TUI_DIRTY_STATUS = 1 << 8,
	TUI_DIRTY_MSG = 1 << 9,
	TUI_DIRTY_POPUP = 1 << 10,
	TUI_DIRTY_LAYOUT = 1 << 11,
	TUI_DIRTY_ALL = TUI_REDRAW | TUI_REDRAW_ROWS | TUI_REDRAW_CHROME |
		TUI_DIRTY_STATUS | TUI_DIRTY_MSG | TUI_DIRTY_POPUP |
		TUI_DIRTY_LAYOUT
};

struct tui_screen {
	tui *t;
	const struct tui_screen_entry *e;
	void *data;
	char *title;
	tui_list *list;
};

/* A popup floats over the body and takes every key while open. */
struct tui_popup {
	void (*draw)(tui *t, struct tui_popup *p, WINDOW *w);
	/* Returns 1 when the popup is finished (it is then freed). */
	int (*key)(tui *t, struct tui_popup *p, int key);
	void (*free)(struct tui_popup *p);
	/* Optional: set rows/cols for a terminal of maxrows x maxcols. */
	void (*measure)(struct tui_popup *p, int maxrows, int maxcols);
	int rows, cols;		/* wanted size, clipped to the body */
};

struct tui_watch {
	int fd;
	short events;
	tui_fd_fn fn;
	void *ud;
};

struct tui_timer {
	unsigned id;
	int64_t due;
	long period;
	tui_timer_fn fn;
	void *ud;
};

struct tui_cmdline;

struct tui {
	struct tui_options opt;
	/* term.c */
	SCREEN *scr;
	FILE *in, *out;
	int own_files;
	int in_fd;
	char term_name[64];
	int color;
	int ended;		/* endwin() in force (suspended or freed) */
	/* screen.c */
	WINDOW *crumb, *body, *status, *msgw, *popw;
	int rows, cols;
	tui_screen **stack;
	size_t depth, cap;
	int dirty;
	int clear_next;		/* Ctrl-L: clearok before the next update */
	unsigned long updates;
	/* loop.c */
	int sigpipe[2];
	struct tui_watch *watches;
	size_t nwatches;
	struct tui_timer *timers;
	size_t ntimers;
	unsigned next_timer_id;
	int running, exit_code;
	int64_t last_key_ms;	/* tui_idle_ms() */
	/* statusbar.c */
	struct {
		char *user, *role, *agency;
		enum tui_link link;
		time_t last_sync;
		long outbox, conflicts;
	} st;
	int have_status;
	unsigned age_timer;
	char status_line[1024];
	char msg[512];
	enum tui_msg_level msg_level;
	unsigned msg_timer;
	/* dialog.c / form.c */
	struct tui_popup **popups;
	size_t npopups;
	/* cmdline.c */
	struct tui_cmdline *cmd;
};

/* text.c: bytes of safe text that fit in width columns (whole
 * characters); *used receives the columns they take. */
size_t tui_text_cut(const char *safe, int width, int *used);

/* term.c */
int tui_term_open(tui *t, char *err, size_t errlen);
void tui_term_close(tui *t);
void tui_term_size(tui *t, int *rows, int *cols);

/* loop.c */
int tui_loop_init(tui *t, char *err, size_t errlen);
void tui_loop_release(tui *t);

/* screen.c */
void tui_render(tui *t);
void tui_layout(tui *t);
/* Every layer repainted whole in the next render (push, pop, a popup
 * closing, a resize), with its windows touched. */
void tui_repaint_layers(tui *t);
int tui_dispatch_key(tui *t, int key);
void tui_apply_flags(tui *t, tui_screen *s, int flags);
void tui_screens_release(tui *t);
int tui_run_bindings(const struct tui_key_binding *table, tui_screen *s,
		     int key);

/* statusbar.c */
void tui_statusbar_draw(tui *t, WINDOW *w);
void tui_msgline_draw(tui *t, WINDOW *w);
void tui_statusbar_release(tui *t);

/* dialog.c */
void tui_popup_push(tui *t, struct tui_popup *p);
void tui_popups_draw(tui *t);
int tui_popups_key(tui *t, int key);
void tui_popups_release(tui *t);
int tui_popup_wrap(WINDOW *w, int y, int maxy, int width, const char *text,
		   attr_t attr);

/* cmdline.c */
int tui_cmdline_key(tui *t, int key);
void tui_cmdline_draw(tui *t, WINDOW *w);
void tui_cmdline_release(tui *t);


#endif
