/*
 * The ':' command line: one small command language over the screens.
 *
 *   :open NUMBER      the dossier with that number (from the cache)
 *   :queue NAME       a work queue (overdue, due_soon, mine, ...)
 *   :search [TEXT]    the search screen
 *   :assign NUMBER USER   queue an assignment (supervisors)
 *   :sync  :outbox  :conflicts  :home  :help  :quit
 *
 * Each command is a row of a table, as tmux declares its commands.  The
 * line itself is the tui's libedit line, its history kept between runs in
 * $XDG_STATE_HOME/egov/history.  Tab completes command names, queue names,
 * dossier numbers (from the cache's search) and officer user names.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screens.h"
#include "vntext.h"

struct command {
	const char *name;
	const char *help;
	int (*run)(struct console *con, const char *arg);
	char complete;			/* 'd' number, 'q' queue, 'u' user */
};

static int cmd_quit(struct console *con, const char *arg)
{
	(void)con;
	(void)arg;
	return TUI_QUIT;
}

static int cmd_sync(struct console *con, const char *arg)
{
	(void)arg;
	console_sync_now(con);
	return TUI_HANDLED;
}

static int cmd_outbox(struct console *con, const char *arg)
{
	(void)arg;
	return console_open(con->t, &screen_outbox, NULL);
}

static int cmd_conflicts(struct console *con, const char *arg)
{
	(void)arg;
	return console_open(con->t, &screen_conflicts, NULL);
}

static int cmd_home(struct console *con, const char *arg)
{
	(void)arg;
	while (tui_depth(con->t) > 1)
		tui_pop(con->t);
	return TUI_REDRAW | TUI_REDRAW_CHROME;
}

static int cmd_search(struct console *con, const char *arg)
{
	char text[256];

	snprintf(text, sizeof text, "%s", arg ? arg : "");
	return console_open(con->t, &screen_search, text[0] ? text : NULL);
}

static int cmd_queue(struct console *con, const char *arg)
{
	static ecache_queue q;

	if (arg == NULL || ecache_queue_parse(arg, &q) < 0) {
		tui_message(con->t, TUI_MSG_ERROR, _("No such queue: %s"), arg ? arg : "");
		return TUI_HANDLED;
	}
	return console_open(con->t, &screen_queue, &q);
}

static eapi_dossier *find_dossier(struct console *con, const char *number)
{
	eapi_dossier *d;

	if (con->app->cache == NULL || number == NULL)
		return NULL;
	d = ecache_dossier_get_by_code(con->app->cache, number, NULL);
	if (d == NULL)
		tui_message(con->t, TUI_MSG_ERROR, _("No dossier %s in the cache."), number);
	return d;
}

static int cmd_open(struct console *con, const char *arg)
{
	eapi_dossier *d = find_dossier(con, arg);
	int r;

	if (d == NULL)
		return TUI_HANDLED;
	r = console_open(con->t, &screen_dossier, d->id);
	eapi_dossier_free(d);
	return r;
}

static int cmd_assign(struct console *con, const char *arg)
{
	char number[128], user[128];
	eapi_dossier *d;
	eapi_user_list *users;
	const char *uid = NULL;
	size_t i;

	if (arg == NULL || sscanf(arg, "%127s %127s", number, user) != 2) {
		tui_message(con->t, TUI_MSG_ERROR, "%s", _("Usage: assign NUMBER USER"));
		return TUI_HANDLED;
	}
	d = find_dossier(con, number);
	if (d == NULL)
		return TUI_HANDLED;
	users = ecache_get_users(con->app->cache, NULL);
	for (i = 0; users && i < users->n; i++)
		if (strcmp(users->items[i].username, user) == 0)
			uid = users->items[i].id;
	if (uid == NULL) {
		tui_message(con->t, TUI_MSG_ERROR, _("No officer %s."), user);
	} else if (!action_allowed("assign", d, &con->app->session)) {
		tui_message(con->t, TUI_MSG_WARN, _("%s is not open to you in this state."),
			    label_action("assign"));
	} else {
		eapi_action a;

		memset(&a, 0, sizeof a);
		a.dossier_id = d->id;
		a.action = "assign";
		a.assignee_id = uid;
		if (ecache_act(con->app->cache, &a, NULL) > 0)
			tui_message(con->t, TUI_MSG_INFO, _("%s: %zu queued in the outbox."),
				    label_action("assign"), (size_t)1);
		else
			tui_message(con->t, TUI_MSG_ERROR, "%s", ecache_errmsg(con->app->cache));
		console_acted(con);
	}
	eapi_user_list_free(users);
	eapi_dossier_free(d);
	return TUI_REDRAW;
}

static int cmd_dashboard(struct console *con, const char *arg)
{
	(void)arg;
	return console_open(con->t, &screen_dashboard, NULL);
}

static int cmd_workload(struct console *con, const char *arg)
{
	(void)arg;
	return console_open(con->t, &screen_workload, NULL);
}

static int cmd_procedures(struct console *con, const char *arg)
{
	(void)arg;
	return console_open(con->t, &screen_procedures, NULL);
}

static int cmd_diagnostics(struct console *con, const char *arg)
{
	(void)arg;
	return console_open(con->t, &screen_diagnostics, NULL);
}

static int cmd_lock(struct console *con, const char *arg)
{
	(void)arg;
	return lock_now(con);
}

static int cmd_export(struct console *con, const char *arg)
{
	(void)arg;
	return export_top_screen(con);
}

static int cmd_help(struct console *con, const char *arg);

static const struct command commands[] = {
	{ "open", N_("open NUMBER: show a dossier"), cmd_open, 'd' },
	{ "queue", N_("queue NAME: show a work queue"), cmd_queue, 'q' },
	{ "search", N_("search [TEXT]: search dossiers"), cmd_search, 0 },
	{ "assign", N_("assign NUMBER USER: assign a dossier"), cmd_assign, 'd' },
	{ "sync", N_("sync: sync with the server now"), cmd_sync, 0 },
	{ "outbox", N_("outbox: actions not yet sent"), cmd_outbox, 0 },
	{ "conflicts", N_("conflicts: actions the server refused"), cmd_conflicts, 0 },
	{ "home", N_("home: back to the counters"), cmd_home, 0 },
	{ "dashboard", N_("dashboard: the QĐ 766 figures (heads of unit)"), cmd_dashboard, 0 },
	{ "workload", N_("workload: officers' work, reassigning (heads of unit)"), cmd_workload, 0 },
	{ "procedures", N_("procedures: the procedures catalogue"), cmd_procedures, 0 },
	{ "diagnostics", N_("diagnostics: link, session, sync, cache, errors"), cmd_diagnostics, 0 },
	{ "export", N_("export: write this list as CSV"), cmd_export, 0 },
	{ "lock", N_("lock: lock the console now"), cmd_lock, 0 },
	{ "help", N_("help: the commands"), cmd_help, 0 },
	{ "quit", N_("quit: leave the console"), cmd_quit, 0 },
	{ NULL, NULL, NULL, 0 }
};

static int cmd_help(struct console *con, const char *arg)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	const struct command *c;

	(void)arg;
	if (f == NULL)
		return TUI_HANDLED;
	for (c = commands; c->name; c++)
		fprintf(f, ":%s\n", _(c->help));
	fputs("\n", f);
	for (int q = 0; q < ECACHE_Q_COUNT; q++)
		fprintf(f, ":queue %-20s %s\n", ecache_queue_name((ecache_queue)q),
			label_queue((ecache_queue)q));
	fclose(f);
	if (text != NULL)
		tui_pager_push(con->t, _("Commands"), text);
	free(text);
	return TUI_REDRAW | TUI_REDRAW_CHROME;
}

static int run_line(tui *t, const char *line, void *ud)
{
	struct console *con = ud;
	char name[32];
	const char *arg;
	const struct command *c;
	size_t n;

	(void)t;
	while (*line == ' ' || *line == ':')
		line++;
	n = strcspn(line, " ");
	if (n == 0)
		return TUI_HANDLED;
	snprintf(name, sizeof name, "%.*s", (int)n, line);
	arg = line + n;
	while (*arg == ' ')
		arg++;
	for (c = commands; c->name; c++)
		if (strcmp(c->name, name) == 0 || (name[0] == 'q' && name[1] == '\0' &&
						    c->run == cmd_quit))
			return c->run(con, *arg ? arg : NULL);
	tui_message(con->t, TUI_MSG_ERROR, _("Unknown command: %s"), name);
	return TUI_HANDLED;
}

/* ---- completion ----------------------------------------------------------- */

static size_t add_if(char **out, size_t n, size_t max, const char *cand, const char *word)
{
	if (n < max && cand && strncmp(cand, word, strlen(word)) == 0 &&
	    (out[n] = strdup(cand)) != NULL)
		n++;
	return n;
}

static size_t complete_numbers(struct console *con, const char *word, char **out, size_t max)
{
	ecache_rows rows;
	size_t n = 0, i;

	if (con->app->cache == NULL || *word == '\0')
		return 0;
	ecache_rows_init(&rows);
	if (ecache_search(con->app->cache, word, 50, &rows) > 0)
		for (i = 0; i < rows.n; i++)
			n = add_if(out, n, max, rows.rows[i].code, word);
	ecache_rows_release(&rows);
	return n;
}

static size_t complete_users(struct console *con, const char *word, char **out, size_t max)
{
	eapi_user_list *users;
	char *want = vn_fold(word);
	size_t n = 0, i;

	if (con->app->cache == NULL || want == NULL) {
		free(want);
		return 0;
	}
	users = ecache_get_users(con->app->cache, NULL);
	for (i = 0; users && i < users->n && n < max; i++) {
		char *name = vn_fold(users->items[i].full_name);

		/* A user name, or a name typed without diacritics. */
		if (strncmp(users->items[i].username, word, strlen(word)) == 0 ||
		    (name && strstr(name, want) != NULL))
			if ((out[n] = strdup(users->items[i].username)) != NULL)
				n++;
		free(name);
	}
	free(want);
	eapi_user_list_free(users);
	return n;
}

/* Which word of the line is being typed: 0 the command, 1.. arguments. */
static size_t word_index(const char *line)
{
	size_t words = 0;
	int in_word = 0;

	for (; *line; line++) {
		if (*line == ' ') {
			in_word = 0;
		} else if (!in_word) {
			in_word = 1;
			words++;
		}
	}
	if (in_word)
		return words ? words - 1 : 0;
	return words;
}

static size_t complete(void *ud, const char *line, const char *word, char **out, size_t max)
{
	struct console *con = ud;
	const struct command *c;
	size_t n = 0, len, at;

	while (*line == ':')
		line++;
	at = word_index(line);
	while (*line == ' ')
		line++;
	len = strcspn(line, " ");
	for (c = commands; c->name; c++) {
		if (at == 0) {
			n = add_if(out, n, max, c->name, word);
			continue;
		}
		if (strncmp(c->name, line, len) != 0 || c->name[len] != '\0')
			continue;
		if (c->complete == 'q' && at == 1) {
			for (int q = 0; q < ECACHE_Q_COUNT; q++)
				n = add_if(out, n, max, ecache_queue_name((ecache_queue)q), word);
		} else if (c->complete == 'd' && at == 1) {
			n = complete_numbers(con, word, out, max);
		} else if (c->run == cmd_assign && at == 2) {
			n = complete_users(con, word, out, max);
		}
	}
	return n;
}

int console_commands_setup(struct console *con, char *err, size_t errlen)
{
	char *dir = egov_app_state_dir(con->app, 1);
	char *path = NULL;
	int r;

	if (dir != NULL && asprintf(&path, "%s/history", dir) < 0)
		path = NULL;
	free(dir);
	r = tui_cmdline_setup(con->t, path, complete, run_line, con, err, errlen);
	free(path);
	return r;
}
