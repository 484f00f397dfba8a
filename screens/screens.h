/*
 * What the console's screens share, and nobody outside screens/ sees.
 *
 * console.c owns one `struct console`: the application context (api
 * client, cache, session), the tui, the sync engine and the requests a
 * screen sent itself (a login, a server search, a dossier, a download).
 * Completions from the api-client's descriptor go first to the sync
 * engine, then to the screen that asked (console_request()).  When the
 * cache changes the console tells every screen with tui_notify(), so each
 * screen refreshes its own view; workers never touch screen state.
 *
 * Each screen file exports one `struct tui_screen_entry` (screen_home,
 * screen_queue...).  The helpers here turn cache values into words for
 * people (labels.c) and build the action forms (action-form.c).
 */
#ifndef EGOV_SCREENS_H
#define EGOV_SCREENS_H

#include "tui.h"
#include "cache.h"
#include "app.h"

/* Events handed to on_event (data: see each). */
enum {
	CONSOLE_EV_CHANGED = 1,		/* data: unsigned * of ECACHE_CHANGED_* */
	CONSOLE_EV_LOGGED_IN = 2	/* data: NULL */
};

typedef void (*console_done_fn)(eapi_completion *comp, void *ud);

struct console_req {
	uint64_t id;
	console_done_fn fn;
	void *ud;
};

struct console {
	struct egov_app *app;
	tui *t;
	ecache_sync *sync;
	unsigned tick_timer;
	struct console_req *reqs;
	size_t nreqs, reqs_cap;
	char *agency_name;		/* the session's agency, for the status bar */
	int auth_lost;			/* a request said "log in again" */
	int exit_code;
};

/* The one console of this process (set by console_main). */
struct console *console_get(void);

/* Remember that request id belongs to fn(ud).  0 or -1 (no memory; the
 * completion is then simply freed). */
int console_request(struct console *con, uint64_t id, console_done_fn fn, void *ud);
/* A screen going away: drop its requests (their completions are freed). */
void console_forget(struct console *con, void *ud);
/* Start a sync round now (':sync', R); tells the person what happens. */
void console_sync_now(struct console *con);
/* After acting: let the engine push at once, repaint counters. */
void console_acted(struct console *con);
/* The session is usable (after the login screen): open the cache and
 * the sync engine.  0, or -1 with a message shown. */
int console_session_ready(struct console *con);
/* Feed the status bar from the session, link and cache. */
void console_update_status(struct console *con);

/* Open a screen, showing the reason when it refuses.  Returns flags. */
int console_open(tui *t, const struct tui_screen_entry *e, void *arg);
/* Enter on a list of dossiers or officers: open e on the selected row's
 * id; nothing when no row is selected.  Returns flags. */
int console_open_selected(tui_screen *s, tui_list *list, const struct tui_screen_entry *e);
/* Open the search screen (Ctrl-F anywhere, / on home). */
int console_key_search(tui_screen *s, int key);
int console_key_sync(tui_screen *s, int key);
/* on_resize of every screen: repaint from scratch, because terminals
 * differ in what they keep of the old screen when resized. */
void console_on_resize(tui_screen *s, int rows, int cols);

/* The ':' command line (commands.c). */
int console_commands_setup(struct console *con, char *err, size_t errlen);

extern const struct tui_screen_entry screen_login;
extern const struct tui_screen_entry screen_home;
extern const struct tui_screen_entry screen_queue;	/* arg: ecache_queue * */
extern const struct tui_screen_entry screen_dossier;	/* arg: dossier id */
extern const struct tui_screen_entry screen_outbox;
extern const struct tui_screen_entry screen_conflicts;
extern const struct tui_screen_entry screen_search;	/* arg: text or NULL */

/* ---- labels.c: values for people ---------------------------------------- */

const char *label_state(eapi_state st);
const char *label_queue(ecache_queue q);
const char *label_role(eapi_role r);
const char *label_action(const char *action);
/* The untranslated label (a msgid), for choice fields that translate. */
const char *label_action_msgid(const char *action);
const char *label_out_status(ecache_out_status s);
/* "21/11/2024" (or "" for 0). */
void label_date(time_t t, char *buf, size_t len);
/* "21/11/2024 08:30" (or "" for 0). */
void label_datetime(time_t t, char *buf, size_t len);
/* "25/11 (+2)", "25/11 (-3)": the due date and working days left. */
void label_due(const ecache_row *r, char *buf, size_t len);
/* Style of a queue row by urgency. */
int row_urgency_style(const ecache_row *r);

/* ---- action-form.c ------------------------------------------------------ */

/* The actions of the contract's table, in the order they are offered. */
extern const char *const console_actions[];
/* May this person take `action` on d (by role, state and assignee)?  The
 * server decides; the console only hides what cannot work. */
int action_allowed(const char *action, const eapi_dossier *d,
		   const struct egov_session *me);
/* Ask for the parameters of action (a form, or a confirmation when it
 * has none) and queue it on every dossier of ids into the outbox.  ids
 * are copied.  Messages report what happened. */
void action_start(struct console *con, const char *action,
		  const char *const *ids, size_t nids);
/* Let the person choose an action among those allowed, then as above. */
void action_choose(struct console *con, const char *const *actions, size_t n,
		   const char *const *ids, size_t nids);

/* ---- heads of unit, help-desk, catalogue, lock (issue 7) ---------------- */

extern const struct tui_screen_entry screen_dashboard;	/* supervisors */
extern const struct tui_screen_entry screen_ranking;	/* arg: eapi_report * */
extern const struct tui_screen_entry screen_workload;	/* supervisors */
extern const struct tui_screen_entry screen_officer_dossiers;	/* arg: user id */
extern const struct tui_screen_entry screen_procedures;
extern const struct tui_screen_entry screen_diagnostics;

struct table;
/* The dashboard's report as CSV (x, ':export'). */
int dashboard_export(tui_screen *s);
/* Rank the agencies of a report into tb (ranking.c); a total row last
 * when with_total.  0, or -1 (no memory; tb released). */
int ranking_fill(struct table *tb, const eapi_report *r, int with_total);
/* "full", "partial", "none" for people; "same day", "7 working days". */
const char *procedure_online_label(const char *level);
void procedure_time_label(const eapi_procedure *p, char *buf, size_t len);
/* Keep an error of the console's own requests for the diagnostics. */
void diag_note_error(const char *what, const eapi_error *e);
/* ':export' (export.c). */
int export_top_screen(struct console *con);

/* Auto-lock (lock.c): lock_setup() starts the idle watch (config
 * auto_lock minutes); lock_now() hides everything until the password is
 * typed again; lock_remember_password() keeps a salted hash in memory so
 * that an offline unlock can be checked (the login screen may call it). */
void lock_setup(struct console *con);
int lock_now(struct console *con);
void lock_remember_password(const char *password);

/* A pick field of working days for a new due date (date-picker.c): typed
 * "5" offers the 5th working day from today and those after it, typed
 * "25/12" the working days whose date starts so; holidays and weekends of
 * the cached calendar are never offered.  ud: the struct console. */
size_t date_pick_working_day(void *ud, const char *typed, char **out, size_t max);

#endif
