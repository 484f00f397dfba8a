/*
 * Unit tests for tui/text.c: what data may send to the terminal.
 *
 * Escape sequences, C1 controls, bidi overrides and invalid UTF-8 must
 * come out as visible escapes; widths must count wide characters as 2 and
 * combining marks as 0; truncation must never split a character and must
 * fill exactly the columns asked for, even from a 1 MB string.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tui.h"

static void assert_safe(const char *in, const char *want)
{
	char *got = tui_text_sanitize(in);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

/* No byte below 0x20, no DEL, no C1 (UTF-8 C2 80..C2 9F) in s. */
static void assert_no_controls(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p; p++) {
		assert_false(*p < 0x20 || *p == 0x7f);
		if (p[0] == 0xc2)
			assert_false(p[1] >= 0x80 && p[1] <= 0x9f);
	}
}

static void escapes_become_visible(void **state)
{
	(void)state;
	assert_safe("a\x1b[2Jb", "a^[[2Jb");
	assert_safe("\x1b]0;title\x07" "x", "^[]0;title^Gx");
	assert_safe("tab\there\r\n", "tab^Ihere^M^J");
	assert_safe("del\x7f", "del^?");
	assert_safe("csi\xc2\x9b" "31m", "csi<U+009B>31m");
}

static void bidi_and_format_become_visible(void **state)
{
	(void)state;
	assert_safe("abc\xe2\x80\xae" "fdp.exe", "abc<U+202E>fdp.exe");
	assert_safe("\xe2\x81\xa6x\xe2\x81\xa9", "<U+2066>x<U+2069>");
	assert_safe("zw\xe2\x80\x8bsp", "zw<U+200B>sp");
	assert_safe("bom\xef\xbb\xbf", "bom<U+FEFF>");
	assert_safe("ls\xe2\x80\xa8", "ls<U+2028>");
}

static void invalid_utf8_shown_as_hex(void **state)
{
	(void)state;
	assert_safe("a\xff" "b", "a\\xFFb");
	assert_safe("\xc3", "\\xC3");
	assert_safe("ok \xe1\xbb", "ok \\xE1\\xBB");
	assert_safe("Vi\xe1\xbb\x87t \xfe", "Việt \\xFE");
}

static void nfc_and_widths(void **state)
{
	char *s;

	(void)state;
	/* "Nguyễn" typed as e + circumflex + tilde: one cell per letter. */
	s = tui_text_sanitize("Nguye\xcc\x82\xcc\x83n");
	assert_string_equal(s, "Nguy\xe1\xbb\x85n");
	assert_int_equal(tui_text_width(s), 6);
	free(s);
	assert_int_equal(tui_text_width("王小明"), 6);
	assert_int_equal(tui_text_width("Đặng Thị"), 8);
	/* A lone combining mark sits on a dotted circle. */
	s = tui_text_sanitize("\xcc\x81" "a");
	assert_string_equal(s, "\xe2\x97\x8c\xcc\x81" "a");
	assert_int_equal(tui_text_width(s), 2);
	free(s);
}

static void zalgo_is_capped(void **state)
{
	char in[4 + 2 * 50 + 1], *s;
	int i;

	(void)state;
	strcpy(in, "x");
	for (i = 0; i < 50; i++)
		strcat(in, "\xcc\x81");	/* 50 acute accents, no NFC form */
	strcat(in, "y");
	s = tui_text_sanitize(in);
	assert_non_null(s);
	assert_int_equal(tui_text_width(s), 2);
	assert_true(strlen(s) <= 1 + 4 * 2 + 1 + 6);
	free(s);
}

static void fit(const char *in, int width, int align, const char *want)
{
	char buf[512];

	tui_text_fit(in, width, align, buf, sizeof buf);
	assert_string_equal(buf, want);
	assert_int_equal(tui_text_width(buf), width);
}

static void fit_truncates_and_pads(void **state)
{
	(void)state;
	fit("hello", 8, TUI_ALIGN_LEFT, "hello   ");
	fit("hello", 8, TUI_ALIGN_RIGHT, "   hello");
	fit("hello world", 8, TUI_ALIGN_LEFT, "hello w\xe2\x80\xa6");
	fit("hello world", 8, TUI_ALIGN_RIGHT, "hello w\xe2\x80\xa6");
	fit("HS-000.00.31.H10-0001", 8, TUI_KEEP_TAIL, "\xe2\x80\xa6" "10-0001");
	fit("", 3, TUI_ALIGN_LEFT, "   ");
	fit("Nguyễn Văn", 6, TUI_ALIGN_LEFT, "Nguyễ\xe2\x80\xa6");
}

static void fit_never_splits_wide_chars(void **state)
{
	(void)state;
	/* 王小明 is 6 columns; in 4 only one wide char and the ellipsis fit,
	 * and a space pads to exactly 4. */
	fit("王小明", 4, TUI_ALIGN_LEFT, "王\xe2\x80\xa6 ");
	fit("王小明", 4, TUI_ALIGN_RIGHT, " 王\xe2\x80\xa6");
	fit("王小明", 6, TUI_ALIGN_LEFT, "王小明");
	fit("a王小明", 5, TUI_KEEP_TAIL, "\xe2\x80\xa6小明");
	fit("王小明", 4, TUI_KEEP_TAIL, "\xe2\x80\xa6 明");
	fit("\x1b[31mred", 6, TUI_ALIGN_LEFT, "^[[31\xe2\x80\xa6");
}

static void fit_huge_strings_quickly(void **state)
{
	size_t n = 1 << 20, i;
	char *big = malloc(n + 1), buf[256];

	(void)state;
	assert_non_null(big);
	for (i = 0; i < n; i++)
		big[i] = (i % 100 == 99) ? '\x1b' : 'a' + (char)(i % 26);
	big[n] = '\0';
	/* 1 MB, drawn thousands of times a second would show in the test
	 * time if the whole string were sanitised each call. */
	for (i = 0; i < 2000; i++)
		tui_text_fit(big, 40, i % 2 ? TUI_KEEP_TAIL : 0, buf, sizeof buf);
	assert_int_equal(tui_text_width(buf), 40);
	assert_no_controls(buf);
	tui_text_fit(big, 40, 0, buf, sizeof buf);
	assert_int_equal(strncmp(buf, "abcdef", 6), 0);
	/* Whole sanitise still works and is complete. */
	{
		char *s = tui_text_sanitize(big);

		assert_non_null(s);
		assert_no_controls(s);
		assert_int_equal(tui_text_width(s), (int)(n + n / 100));
		free(s);
	}
	/* A megabyte of invalid bytes. */
	memset(big, 0xff, n);
	tui_text_fit(big, 20, 0, buf, sizeof buf);
	assert_string_equal(buf, "\\xFF\\xFF\\xFF\\xFF\\xF\xe2\x80\xa6");
	free(big);
}

static void hostile_mix_has_no_controls(void **state)
{
	static const char *const inputs[] = {
		"\x1b[?1049h\x1b[2J\x1b]52;c;ZXZpbA==\x07",
		"\x9b" "31m raw C1 byte", "\xc2\x9b" "31m encoded C1",
		"\xe2\x80\xae\xe2\x80\xad\xe2\x80\xac\xe2\x80\xab\xe2\x80\xaa",
		"\xed\xa0\x80 surrogate", "\xf4\x90\x80\x80 beyond U+10FFFF",
		"\xee\x80\x80 private use",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof inputs / sizeof *inputs; i++) {
		char *s = tui_text_sanitize(inputs[i]);
		char buf[256];

		assert_non_null(s);
		assert_no_controls(s);
		assert_null(strstr(s, "\xe2\x80\xae"));
		free(s);
		tui_text_fit(inputs[i], 30, 0, buf, sizeof buf);
		assert_no_controls(buf);
		assert_int_equal(tui_text_width(buf), 30);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escapes_become_visible),
		cmocka_unit_test(bidi_and_format_become_visible),
		cmocka_unit_test(invalid_utf8_shown_as_hex),
		cmocka_unit_test(nfc_and_widths),
		cmocka_unit_test(zalgo_is_capped),
		cmocka_unit_test(fit_truncates_and_pads),
		cmocka_unit_test(fit_never_splits_wide_chars),
		cmocka_unit_test(fit_huge_strings_quickly),
		cmocka_unit_test(hostile_mix_has_no_controls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
