/*
 * Unit tests for the pure parts of the framework: key names and
 * rebinding (keys.c), the list's selection and scrolling arithmetic and
 * column dropping (listview.c), and the status bar's text
 * (statusbar.c), in English and, with po/vi.po compiled by msgfmt into a
 * temporary folder, in Vietnamese.  No terminal is opened.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <locale.h>
#include <unistd.h>
#include <cmocka.h>

#include "tui.h"

static void key_names_parse(void **state)
{
	(void)state;
	assert_int_equal(tui_key_parse("j"), 'j');
	assert_int_equal(tui_key_parse("C-l"), 12);
	assert_int_equal(tui_key_parse("^L"), 12);
	assert_int_equal(tui_key_parse("c-a"), 1);
	assert_int_equal(tui_key_parse("F5"), TUI_KEY_F(5));
	assert_int_equal(tui_key_parse("f12"), TUI_KEY_F(12));
	assert_int_equal(tui_key_parse("Down"), TUI_KEY_DOWN);
	assert_int_equal(tui_key_parse("down"), TUI_KEY_DOWN);
	assert_int_equal(tui_key_parse("PgDn"), TUI_KEY_PGDN);
	assert_int_equal(tui_key_parse("PageUp"), TUI_KEY_PGUP);
	assert_int_equal(tui_key_parse("Enter"), TUI_KEY_ENTER);
	assert_int_equal(tui_key_parse("Esc"), TUI_KEY_ESC);
	assert_int_equal(tui_key_parse("Space"), ' ');
	assert_int_equal(tui_key_parse("Tab"), TUI_KEY_TAB);
	assert_int_equal(tui_key_parse("đ"), 0x111);
	/* Vietnamese letters above U+0100 never collide with KEY_ codes. */
	assert_int_not_equal(tui_key_parse("ă"), TUI_KEY_DOWN);
	assert_int_equal(tui_key_parse(""), -1);
	assert_int_equal(tui_key_parse("F0"), -1);
	assert_int_equal(tui_key_parse("F99"), -1);
	assert_int_equal(tui_key_parse("C-"), -1);
	assert_int_equal(tui_key_parse("Nonsense"), -1);
	assert_int_equal(tui_key_parse("jk"), -1);
}

static void key_names_print(void **state)
{
	char buf[32];
	static const char *const names[] = { "j", "C-l", "F5", "Down", "PgDn",
		"Enter", "Esc", "Space", "?", "đ", "Tab", "BTab" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof names / sizeof *names; i++)
		assert_string_equal(tui_key_name(tui_key_parse(names[i]), buf,
						 sizeof buf), names[i]);
	assert_string_equal(tui_key_name(0x1fffff, buf, sizeof buf),
			    "<key 0x1fffff>");
}

static int dummy(tui_screen *s, int key)
{
	(void)s;
	(void)key;
	return TUI_HANDLED;
}

static void rebinding(void **state)
{
	const struct tui_key_binding row = { 'j', "list-down", "Next", dummy };
	const struct tui_key_binding other = { 'x', "other", "Other", dummy };
	char err[128];

	(void)state;
	assert_true(tui_binding_matches(&row, 'j'));
	assert_int_equal(tui_bind_spec("list-down = n", err, sizeof err), 0);
	assert_false(tui_binding_matches(&row, 'j'));
	assert_true(tui_binding_matches(&row, 'n'));
	assert_int_equal(tui_binding_key(&row), 'n');
	assert_int_equal(tui_bind_spec("list-down=C-n", err, sizeof err), 0);
	assert_true(tui_binding_matches(&row, 14));
	assert_true(tui_binding_matches(&row, 'n'));
	assert_true(tui_binding_matches(&other, 'x'));
	assert_int_equal(tui_bind_spec("list-down=Bogus", err, sizeof err), -1);
	assert_non_null(strstr(err, "Bogus"));
	assert_int_equal(tui_bind_spec("no-equals", err, sizeof err), -1);
	tui_bindings_reset();
	assert_true(tui_binding_matches(&row, 'j'));
	assert_false(tui_binding_matches(&row, 'n'));
}

static void view_moves_and_scrolls(void **state)
{
	struct tui_list_view v = { 100000, 0, 0, 20 };

	(void)state;
	assert_int_equal(tui_view_move(&v, 1), 0);
	assert_int_equal(v.sel, 1);
	assert_int_equal(tui_view_move(&v, 18), 0);
	assert_int_equal(v.sel, 19);
	/* One more row scrolls the window by exactly one. */
	assert_int_equal(tui_view_move(&v, 1), 1);
	assert_int_equal(v.sel, 20);
	assert_int_equal(v.top, 1);
	assert_int_equal(tui_view_move(&v, -1), 0);
	assert_int_equal(v.top, 1);
	assert_int_equal(tui_view_move(&v, -100), 1);
	assert_int_equal(v.sel, 0);
	assert_int_equal(v.top, 0);
	assert_int_equal(tui_view_move(&v, -1), 0);
	assert_int_equal(v.sel, 0);
	tui_view_end(&v);
	assert_int_equal(v.sel, 99999);
	assert_int_equal(v.top, 99980);
	tui_view_home(&v);
	assert_int_equal(v.sel, 0);
	assert_int_equal(v.top, 0);
}

static void view_pages(void **state)
{
	struct tui_list_view v = { 50, 0, 3, 20 };

	(void)state;
	assert_int_equal(tui_view_page(&v, 1), 1);
	assert_int_equal(v.top, 19);		/* a page keeps one row */
	assert_int_equal(v.sel, 22);
	tui_view_page(&v, 1);
	assert_int_equal(v.top, 30);		/* clamped: last page full */
	assert_int_equal(v.sel, 33);
	tui_view_page(&v, 1);			/* no more pages: last row */
	assert_int_equal(v.sel, 49);
	tui_view_page(&v, -1);
	assert_int_equal(v.top, 11);
	tui_view_page(&v, -1);
	tui_view_page(&v, -1);
	assert_int_equal(v.top, 0);
	assert_int_equal(v.sel, 0);
}

static void view_clamps(void **state)
{
	struct tui_list_view v = { 10, 5, 9, 20 };
	struct tui_list_view empty = { 0, 3, 7, 5 };

	(void)state;
	tui_view_clamp(&v);			/* all rows fit: top 0 */
	assert_int_equal(v.top, 0);
	assert_int_equal(v.sel, 9);
	v.count = 4;				/* the filter shrank it */
	tui_view_clamp(&v);
	assert_int_equal(v.sel, 3);
	tui_view_clamp(&empty);
	assert_int_equal(empty.sel, 0);
	assert_int_equal(empty.top, 0);
	assert_int_equal(tui_view_move(&empty, 1), 0);
	assert_int_equal(tui_view_page(&empty, 1), 0);
	v = (struct tui_list_view){ 100, 90, 95, 20 };
	v.height = 5;				/* terminal got shorter */
	tui_view_clamp(&v);
	assert_true(v.sel >= v.top && v.sel < v.top + 5);
}

static const struct tui_column cols[] = {
	{ "Number", 9, 9, 0, TUI_ALIGN_LEFT },
	{ "Applicant", 12, 0, 1, TUI_ALIGN_LEFT },
	{ "Procedure", 14, 0, 3, TUI_ALIGN_LEFT },
	{ "State", 11, 11, 4, TUI_ALIGN_LEFT },
	{ "Days", 4, 4, 2, TUI_ALIGN_RIGHT },
};

static int total(const int *w, int n)
{
	int i, t = 0, shown = 0;

	for (i = 0; i < n; i++)
		if (w[i] > 0) {
			t += w[i];
			shown++;
		}
	return t + (shown > 0 ? shown - 1 : 0);
}

static void columns_drop_by_priority(void **state)
{
	int w[5];

	(void)state;
	assert_int_equal(tui_columns_layout(cols, 5, 79, w), 5);
	assert_int_equal(total(w, 5), 79);	/* all room used */
	assert_int_equal(w[0], 9);		/* bounded ones stay bounded */
	assert_int_equal(w[3], 11);
	assert_int_equal(w[4], 4);
	/* 39 cells (a 40-column terminal): State (4) and Procedure (3) go. */
	assert_int_equal(tui_columns_layout(cols, 5, 39, w), 3);
	assert_int_equal(w[2], 0);
	assert_int_equal(w[3], 0);
	assert_true(w[0] > 0 && w[1] > 0 && w[4] > 0);
	assert_true(total(w, 5) <= 39);
	/* Wide: flexible columns take the room, widths stable. */
	assert_int_equal(tui_columns_layout(cols, 5, 199, w), 5);
	assert_int_equal(total(w, 5), 199);
	assert_int_equal(w[0], 9);
	assert_true(w[1] > 60 && w[2] > 60);
	/* Absurdly narrow: one column, clipped. */
	assert_int_equal(tui_columns_layout(cols, 5, 5, w), 1);
	assert_int_equal(w[0], 5);
}

static void status_text(void **state)
{
	struct tui_status st = { "Nguyễn Thị Hoa", "officer", "UBND Lê Chân",
		TUI_LINK_ONLINE, 1000000, 3, 0 };
	char buf[1024];
	time_t now = 1000000 + 125;

	(void)state;
	tui_status_format(&st, now, 100, buf, sizeof buf);
	assert_non_null(strstr(buf, "online"));
	assert_non_null(strstr(buf, "synced 2 min ago"));
	assert_non_null(strstr(buf, "outbox 3"));
	assert_null(strstr(buf, "conflicts"));
	assert_non_null(strstr(buf, "Nguyễn Thị Hoa (officer, UBND Lê Chân)"));
	assert_int_equal(tui_text_width(buf), 100);
	st.link = TUI_LINK_OFFLINE;
	st.conflicts = 2;
	st.user = "\x1b[31mEvil\xe2\x80\xae";
	tui_status_format(&st, now, 80, buf, sizeof buf);
	assert_non_null(strstr(buf, "OFFLINE"));
	assert_non_null(strstr(buf, "conflicts 2"));
	assert_null(strchr(buf, '\x1b'));
	assert_non_null(strstr(buf, "^[[31mEvil<U+202E>"));
	assert_int_equal(tui_text_width(buf), 80);
	/* Narrow: the link and the outbox survive, the user is cut. */
	st.link = TUI_LINK_SLOW;
	tui_status_format(&st, now, 40, buf, sizeof buf);
	assert_non_null(strstr(buf, "slow"));
	assert_non_null(strstr(buf, "outbox 3"));
	assert_int_equal(tui_text_width(buf), 40);
}

static void status_age_and_next_change(void **state)
{
	char buf[64];
	long next;

	(void)state;
	tui_status_age(0, 5000, buf, sizeof buf, &next);
	assert_string_equal(buf, "never");
	assert_int_equal(next, -1);
	tui_status_age(1000, 1010, buf, sizeof buf, &next);
	assert_string_equal(buf, "just now");
	assert_int_equal(next, 50);
	tui_status_age(1000, 1000 + 61, buf, sizeof buf, &next);
	assert_string_equal(buf, "1 min ago");
	assert_int_equal(next, 59);
	tui_status_age(1000, 1000 + 3 * 3600 + 60, buf, sizeof buf, &next);
	assert_string_equal(buf, "3 h ago");
	assert_int_equal(next, 3600 - 60);
	tui_status_age(1000, 1000 + 2 * 86400, buf, sizeof buf, &next);
	assert_string_equal(buf, "2 d ago");
	assert_int_equal(next, 86400);
	tui_status_age(2000, 1000, buf, sizeof buf, &next);	/* clock skew */
	assert_string_equal(buf, "just now");
}

/* The status bar's words come from the catalog, whole phrases each, so
 * Vietnamese word order is right ("vừa đồng bộ", not "đồng bộ vừa
 * xong") and the fields stay separated by the same " · ". */
static void status_text_vietnamese(void **state)
{
	struct tui_status st = { "Nguyễn Thị Hoa", "cán bộ", "UBND Lê Chân",
		TUI_LINK_ONLINE, 1000000, 3, 2 };
	const char *srcdir = getenv("EGOV_SRCDIR");
	char dir[] = "/tmp/tui-po-XXXXXX", cmd[1024], buf[1024];
	time_t now = 1000000 + 10;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(cmd, sizeof cmd,
		 "mkdir -p %s/vi/LC_MESSAGES && msgfmt -o "
		 "%s/vi/LC_MESSAGES/%s.mo %s/po/vi.po", dir, dir, PACKAGE,
		 srcdir ? srcdir : ".");
	assert_int_equal(system(cmd), 0);
	bindtextdomain(PACKAGE, dir);
	setlocale(LC_MESSAGES, "C.UTF-8");
	setenv("LANGUAGE", "vi", 1);
	textdomain(PACKAGE);

	tui_status_format(&st, now, 120, buf, sizeof buf);
	assert_non_null(strstr(buf, " trực tuyến · vừa đồng bộ · hộp thư đi 3 · "
				 "xung đột 2 │ Nguyễn Thị Hoa"));
	tui_status_format(&st, now + 300, 120, buf, sizeof buf);
	assert_non_null(strstr(buf, "đồng bộ 5 phút trước"));
	tui_status_format(&st, now + 7200, 120, buf, sizeof buf);
	assert_non_null(strstr(buf, "đồng bộ 2 giờ trước"));
	st.link = TUI_LINK_SLOW;
	tui_status_format(&st, now, 120, buf, sizeof buf);
	assert_non_null(strstr(buf, " chậm · "));
	st.link = TUI_LINK_OFFLINE;
	st.last_sync = 0;
	tui_status_format(&st, now, 120, buf, sizeof buf);
	assert_non_null(strstr(buf, " NGOẠI TUYẾN · chưa đồng bộ · "));
	assert_int_equal(tui_text_width(buf), 120);

	unsetenv("LANGUAGE");
	textdomain(PACKAGE);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	tui_status_format(&st, now, 120, buf, sizeof buf);
	assert_non_null(strstr(buf, " OFFLINE · never synced · outbox 3"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(key_names_parse),
		cmocka_unit_test(key_names_print),
		cmocka_unit_test(rebinding),
		cmocka_unit_test(view_moves_and_scrolls),
		cmocka_unit_test(view_pages),
		cmocka_unit_test(view_clamps),
		cmocka_unit_test(columns_drop_by_priority),
		cmocka_unit_test(status_text),
		cmocka_unit_test(status_age_and_next_change),
		cmocka_unit_test(status_text_vietnamese),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
