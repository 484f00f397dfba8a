/*
 * tui-demo: a small program on libegovtui for the end-to-end tests
 * (tests/tui/test-tui-e2e.py), which drive it in a pseudo-terminal.
 *
 * A queue of 100,000 synthetic dossiers (Vietnamese names, and hostile
 * ones: escape sequences, a right-to-left override, invalid UTF-8, a very
 * long name, wide and combining characters), filtered by folding as the
 * real cache does; a second screen (a dossier); a form; a confirm dialog;
 * the pager; the status bar; the ':' command line; and a pipe registered
 * with the loop to stand for the api-client's completion descriptor.
 *
 * Environment: TUI_DEMO_ROWS (default 100000), TUI_DEMO_HISTORY (the ':'
 * history file).
 */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui.h"
#include "vntext.h"

static const char *const family[] = { "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng",
	"Vũ", "Đặng", "Bùi", "Đỗ", "Ngô" };
static const char *const middle[] = { "Văn", "Thị", "Hữu", "Đức", "Minh",
	"Thu", "Quốc", "Ngọc", "Thanh", "Xuân" };
static const char *const given[] = { "An", "Bình", "Cường", "Dũng", "Giang",
	"Hà", "Hải", "Hoa", "Hùng", "Khánh", "Lan", "Long", "Mai", "Nam",
	"Phương", "Quang", "Sơn", "Thảo", "Trung", "Yến" };
static const char *const procedures[] = { "Đăng ký khai sinh",
	"Cấp phép xây dựng", "Đăng ký kết hôn", "Chứng thực bản sao",
	"Đăng ký hộ kinh doanh" };
static const char *const states[] = { "received", "in_progress",
	"supplement", "approval", "result" };

/* Rows whose applicant is hostile, by index. */
static char *long_applicant;

static const char *hostile(size_t i)
{

	switch (i) {
	case 2: return "\x1b]0;pwned\x07" "Evil\x1b[2J\x1b[H name";
	case 4: return "Kế toán \xe2\x80\xae" "fdp.exe";	/* RLO */
	case 6: return "Bad \xff\xfe bytes \xc2\x9b" "31m";
	case 8:
		if (long_applicant == NULL) {
			long_applicant = malloc(20001);
			if (long_applicant == NULL)
				return "long";
			memset(long_applicant, 'W', 20000);
			long_applicant[20000] = '\0';
		}
		return long_applicant;
	case 10: return "王小明 Vương";
	case 12: return "Nguye\xcc\x82\xcc\x83n Văn Combining";
	default: return NULL;
	}
}

struct demo {
	size_t nrows;
	char **folded_pieces[3];
	size_t *shown;		/* indexes matching the filter */
	size_t nshown;
	int desc;
	tui_list *list;
	int pipe[2];
	tui *t;
};

static struct demo demo;

static void name_of(size_t i, char *buf, size_t len)
{
	const char *h = hostile(i);

	if (h != NULL)
		snprintf(buf, len, "%s", h);
	else
		snprintf(buf, len, "%s %s %s", family[i % 10],
			 middle[(i / 10) % 10], given[(i / 100) % 20]);
}

static size_t src_count(void *ud)
{
	return ((struct demo *)ud)->nshown;
}

static size_t src_fetch(void *ud, size_t first, size_t n, struct tui_row *rows)
{
	struct demo *d = ud;
	size_t k;

	for (k = 0; k < n && first + k < d->nshown; k++) {
		size_t pos = d->desc ? d->nshown - 1 - (first + k) : first + k;
		size_t i = d->shown[pos];
		char buf[32], name[20100];
		long left = (long)(i % 9) - 2;

		snprintf(buf, sizeof buf, "HS-%06zu", i);
		tui_row_set_id(&rows[k], buf);
		tui_row_set_cell(&rows[k], 0, buf);
		name_of(i, name, sizeof name);
		tui_row_set_cell(&rows[k], 1, name);
		tui_row_set_cell(&rows[k], 2, procedures[i % 5]);
		tui_row_set_cell(&rows[k], 3, states[(i / 5) % 5]);
		snprintf(buf, sizeof buf, "%ld", left);
		tui_row_set_cell(&rows[k], 4, buf);
		rows[k].style = left < 0 ? TUI_STYLE_OVERDUE :
			left == 0 ? TUI_STYLE_DUE_TODAY :
			left <= 2 ? TUI_STYLE_DUE_SOON : TUI_STYLE_NORMAL;
	}
	return k;
}

static void src_query(void *ud, const char *filter, int sort_col, int desc)
{
	struct demo *d = ud;
	char *f = vn_fold(filter);
	size_t i;

	(void)sort_col;
	d->desc = desc;
	d->nshown = 0;
	for (i = 0; i < d->nrows; i++) {
		char folded[256];

		if (f != NULL && *f != '\0') {
			if (hostile(i) != NULL)
				continue;
			snprintf(folded, sizeof folded, "%s %s %s",
				 d->folded_pieces[0][i % 10],
				 d->folded_pieces[1][(i / 10) % 10],
				 d->folded_pieces[2][(i / 100) % 20]);
			if (strstr(folded, f) == NULL)
				continue;
		}
		d->shown[d->nshown++] = i;
	}
	free(f);
}

static long src_index_of(void *ud, const char *id)
{
	struct demo *d = ud;
	size_t want = strtoul(id + 3, NULL, 10), k;

	for (k = 0; k < d->nshown; k++)
		if (d->shown[k] == want)
			return d->desc ? (long)(d->nshown - 1 - k) : (long)k;
	return -1;
}

static const struct tui_list_source demo_source = {
	src_count, src_fetch, src_query, src_index_of
};

static const struct tui_column demo_columns[] = {
	{ N_("Number"), 9, 9, 0, TUI_ALIGN_LEFT },
	{ N_("Applicant"), 12, 0, 1, TUI_ALIGN_LEFT },
	{ N_("Procedure"), 14, 0, 3, TUI_ALIGN_LEFT },
	{ N_("State"), 11, 11, 4, TUI_ALIGN_LEFT },
	{ N_("Days"), 4, 4, 2, TUI_ALIGN_RIGHT },
};

/* ---- the dossier screen -------------------------------------------------- */

static int dossier_create(tui_screen *s, void *arg, char *err, size_t errlen)
{
	char title[64];
	char *id = strdup(arg);

	if (id == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	tui_screen_set_data(s, id);
	snprintf(title, sizeof title, "Hồ sơ %s", id);
	tui_screen_set_title(s, title);
	return 0;
}

static void dossier_destroy(tui_screen *s)
{
	free(tui_screen_data(s));
}

static void dossier_draw(tui_screen *s, WINDOW *w, int full)
{
	const char *id = tui_screen_data(s);
	char name[20100];
	int rows, cols;

	(void)full;
	tui_screen_size(s, &rows, &cols);
	name_of(strtoul(id + 3, NULL, 10), name, sizeof name);
	tui_draw_text(w, 1, 2, cols - 4, "Dossier:", 0, A_BOLD);
	tui_draw_text(w, 2, 4, cols - 6, id, 0, A_NORMAL);
	tui_draw_text(w, 3, 2, cols - 4, "Applicant:", 0, A_BOLD);
	tui_draw_text(w, 4, 4, cols - 6, name, 0, A_NORMAL);
	wmove(w, 2, 4);
}

static int dossier_history(tui_screen *s, int key)
{
	(void)key;
	tui_pager_push(tui_screen_tui(s), "History",
		       "2024-01-02\treceived by Nguyễn Thị Hoa\n"
		       "2024-01-03\tassigned to Trần Văn Nam\n"
		       "2024-01-05\tsupplement asked: \x1b[31mred\x1b[0m\n"
		       "2024-01-09\tsupplement received\n");
	return TUI_REDRAW;
}

static const struct tui_key_binding dossier_keys[] = {
	{ 'h', "dossier-history", N_("Show the history"), dossier_history },
	{ 0, NULL, NULL, NULL }
};

static const struct tui_screen_entry dossier_screen = {
	.name = "dossier", .title = N_("Dossier"), .keys = dossier_keys,
	.create = dossier_create, .destroy = dossier_destroy,
	.draw = dossier_draw,
};

/* ---- the queue screen ---------------------------------------------------- */

static int queue_open(tui_screen *s, int key)
{
	const char *id = tui_list_selected_id(tui_screen_list(s));
	char err[128], idbuf[64];

	(void)key;
	if (id == NULL)
		return TUI_HANDLED;
	snprintf(idbuf, sizeof idbuf, "%s", id);
	if (tui_push(tui_screen_tui(s), &dossier_screen, idbuf, err,
		     sizeof err) < 0)
		tui_message(tui_screen_tui(s), TUI_MSG_ERROR, "%s", err);
	return TUI_REDRAW;
}

static void received(tui *t, int yes, void *ud)
{
	tui_list *l = ud;
	char ids[200] = "";
	size_t i, n = tui_list_tagged_count(l);

	if (!yes) {
		tui_message(t, TUI_MSG_WARN, "Cancelled");
		return;
	}
	for (i = 0; i < n && i < 3; i++) {
		strncat(ids, " ", sizeof ids - strlen(ids) - 1);
		strncat(ids, tui_list_tagged_id(l, i), sizeof ids - strlen(ids) - 1);
	}
	tui_message(t, TUI_MSG_INFO, "Received %zu:%s", n, ids);
	tui_list_untag_all(l);
	tui_invalidate(t, TUI_REDRAW);
}

static int queue_receive(tui_screen *s, int key)
{
	tui_list *l = tui_screen_list(s);
	char q[128];

	(void)key;
	snprintf(q, sizeof q, "Receive %zu tagged dossiers?",
		 tui_list_tagged_count(l));
	tui_confirm(tui_screen_tui(s), "Receive", q, received, l);
	return TUI_HANDLED;
}

static size_t pick_names(void *ud, const char *typed, char **out, size_t max)
{
	char *f = vn_fold(typed);
	size_t n = 0, i;

	(void)ud;
	for (i = 0; i < 20 && n < max && f != NULL; i++) {
		char name[64];
		char *fn;

		snprintf(name, sizeof name, "%s %s", family[i % 10], given[i]);
		fn = vn_fold(name);
		if (fn != NULL && strstr(fn, f) != NULL)
			out[n++] = strdup(name);
		free(fn);
	}
	free(f);
	return n;
}

static int form_done(tui *t, tui_form *f, int ok, void *ud)
{
	(void)ud;
	if (!ok) {
		tui_message(t, TUI_MSG_WARN, "Form cancelled");
		return 0;
	}
	if (tui_form_number(f, "days") <= 0) {
		tui_form_set_error(f, "Days must be more than 0");
		return 1;
	}
	tui_message(t, TUI_MSG_INFO, "Saved reason=%s days=%ld prio=%s to=%s pwlen=%zu",
		    tui_form_value(f, "reason"), tui_form_number(f, "days"),
		    tui_form_value(f, "prio"), tui_form_value(f, "to"),
		    strlen(tui_form_value(f, "pw")));
	return 0;
}

static int queue_form(tui_screen *s, int key)
{
	static const char *const prio[] = { "normal", "urgent", NULL };
	tui_form *f = tui_form_new("Ask for a supplement");

	(void)key;
	if (f == NULL)
		return TUI_HANDLED;
	tui_form_add(f, TUI_FIELD_TEXT, "reason", "Reason", NULL);
	tui_form_add(f, TUI_FIELD_PASSWORD, "pw", "Password", NULL);
	tui_form_add(f, TUI_FIELD_NUMBER, "days", "Days", NULL);
	tui_form_add_choice(f, "prio", "Priority", prio, 0);
	tui_form_add_pick(f, "to", "Assignee", pick_names, NULL);
	tui_form_open(tui_screen_tui(s), f, form_done, NULL);
	return TUI_HANDLED;
}

static int queue_poke(tui_screen *s, int key)
{
	(void)s;
	(void)key;
	/* Stands for the network thread finishing a request. */
	(void)!write(demo.pipe[1], "x", 1);
	return TUI_HANDLED;
}

static int queue_event(tui_screen *s, int event, void *data)
{
	(void)data;
	tui_message(tui_screen_tui(s), TUI_MSG_INFO, "event %d arrived", event);
	return TUI_HANDLED;
}

static int queue_create(tui_screen *s, void *arg, char *err, size_t errlen)
{
	(void)arg;
	demo.list = tui_list_new(demo_columns, 5, &demo_source, &demo);
	if (demo.list == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	tui_screen_attach_list(s, demo.list);
	return 0;
}

static void queue_destroy(tui_screen *s)
{
	(void)s;
	tui_list_free(demo.list);
	demo.list = NULL;
}

static const struct tui_key_binding queue_keys[] = {
	{ TUI_KEY_ENTER, "queue-open", N_("Open the dossier"), queue_open },
	{ 'c', "queue-receive", N_("Receive the tagged dossiers"), queue_receive },
	{ 'f', "queue-supplement", N_("Ask for a supplement"), queue_form },
	{ 'x', "queue-poke", N_("Pretend data arrived"), queue_poke },
	{ 0, NULL, NULL, NULL }
};

static const struct tui_screen_entry queue_screen = {
	.name = "queue", .title = N_("Queue"), .keys = queue_keys,
	.create = queue_create, .destroy = queue_destroy,
	.on_event = queue_event,
};

/* ---- the program --------------------------------------------------------- */

static void on_pipe(tui *t, int fd, short revents, void *ud)
{
	char buf[64];

	(void)revents;
	(void)ud;
	if (read(fd, buf, sizeof buf) > 0)
		tui_notify(t, 7, NULL);
}

static size_t complete(void *ud, const char *line, const char *word,
		       char **out, size_t max)
{
	static const char *const cmds[] = { "open", "quit", "receive",
		"refresh", "search", "sync" };
	size_t i, n = 0;

	(void)ud;
	(void)line;
	for (i = 0; i < 6 && n < max; i++)
		if (strncmp(cmds[i], word, strlen(word)) == 0)
			out[n++] = strdup(cmds[i]);
	return n;
}

static int run_command(tui *t, const char *line, void *ud)
{
	(void)ud;
	if (strcmp(line, "quit") == 0)
		return TUI_QUIT;
	tui_message(t, TUI_MSG_INFO, "command: %s", line);
	return TUI_HANDLED;
}

static int fold_pieces(void)
{
	static const char *const *tabs[3] = { family, middle, given };
	static const size_t sizes[3] = { 10, 10, 20 };
	size_t k, i;

	for (k = 0; k < 3; k++) {
		demo.folded_pieces[k] = calloc(sizes[k], sizeof(char *));
		if (demo.folded_pieces[k] == NULL)
			return -1;
		for (i = 0; i < sizes[k]; i++)
			if ((demo.folded_pieces[k][i] = vn_fold(tabs[k][i])) == NULL)
				return -1;
	}
	return 0;
}

static void demo_release(void)
{
	static const size_t sizes[3] = { 10, 10, 20 };
	size_t k, i;

	for (k = 0; k < 3; k++) {
		for (i = 0; demo.folded_pieces[k] && i < sizes[k]; i++)
			free(demo.folded_pieces[k][i]);
		free(demo.folded_pieces[k]);
	}
	free(demo.shown);
	free(long_applicant);
}

int main(void)
{
	struct tui_status st = { "Nguyễn Thị Hoa", "officer",
		"UBND quận Lê Chân", TUI_LINK_ONLINE, 0, 2, 1 };
	const char *rows = getenv("TUI_DEMO_ROWS");
	char err[256];
	int code = 1;
	tui *t = NULL;

	setlocale(LC_ALL, "");
	if (getenv("TUI_DEMO_BIND") != NULL &&
	    tui_bind_spec(getenv("TUI_DEMO_BIND"), err, sizeof err) < 0) {
		fprintf(stderr, "tui-demo: %s\n", err);
		return 2;
	}
	demo.nrows = rows ? strtoul(rows, NULL, 10) : 100000;
	demo.shown = calloc(demo.nrows + 1, sizeof *demo.shown);
	if (demo.shown == NULL || fold_pieces() < 0 || pipe(demo.pipe) < 0)
		goto cleanup;
	t = tui_new(NULL, err, sizeof err);
	if (t == NULL) {
		fprintf(stderr, "tui-demo: %s\n", err);
		goto cleanup;
	}
	demo.t = t;
	st.last_sync = time(NULL) - 3 * 3600 - 60;
	tui_set_status(t, &st);
	tui_watch_fd(t, demo.pipe[0], POLLIN, on_pipe, NULL);
	if (tui_cmdline_setup(t, getenv("TUI_DEMO_HISTORY"), complete,
			      run_command, NULL, err, sizeof err) < 0 ||
	    tui_push(t, &queue_screen, NULL, err, sizeof err) < 0) {
		tui_free(t);
		t = NULL;
		fprintf(stderr, "tui-demo: %s\n", err);
		goto cleanup;
	}
	code = tui_run(t);
	snprintf(err, sizeof err, "term=%s color=%d updates=%lu",
		 tui_term_name(t), tui_has_color(t), tui_update_count(t));
	tui_free(t);
	tui_bindings_reset();
	/* After endwin(), so the tests can read it on the terminal. */
	printf("tui-demo exit: %s\n", err);
cleanup:
	demo_release();
	return code;
}
